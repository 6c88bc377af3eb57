"""One figure style for the whole book.

Every figure of a lecture is made through these helpers so that axes are
labelled, legends present and the look is uniform. The style is applied by
:func:`use_style` (the lectures call it once, in their set-up cell).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .._validation import check_array, check_bool, check_int, check_real

__all__ = ["STYLE", "COLORS", "use_style", "new_figure", "finish", "plot_power_law"]

#: Colour cycle (Okabe-Ito, readable by colour-blind readers).
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

#: Matplotlib rcParams of the book.
STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.constrained_layout.use": True,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "font.size": 10,
}


def _check_axes(ax):
    if not isinstance(ax, mpl.axes.Axes):
        raise TypeError(f"`ax` must be a matplotlib Axes (from new_figure), got {type(ax).__name__}.")


def use_style():
    """Apply the book's matplotlib style (idempotent).

    Examples
    --------
    >>> use_style()
    >>> tuple(mpl.rcParams["figure.figsize"]) == tuple(STYLE["figure.figsize"])
    True
    """
    mpl.rcParams.update(STYLE)


def new_figure(nrows=1, ncols=1, *, width=None, height=None, **kwargs):
    """Create a figure with the book's style and size; returns ``(fig, axes)``.

    ``axes`` is a single Axes when ``nrows == ncols == 1`` and an array otherwise. ``width`` and ``height``
    (inches, > 0) default to the book's size, scaled with the number of columns and rows.

    Examples
    --------
    >>> fig, axes = new_figure(1, 2)
    >>> axes.shape
    (2,)
    >>> plt.close(fig)
    """
    nrows = check_int("nrows", nrows, minimum=1, maximum=20)
    ncols = check_int("ncols", ncols, minimum=1, maximum=20)
    if width is not None:
        width = check_real("width", width, lower=0.0, lower_open=True, upper=100.0)
    if height is not None:
        height = check_real("height", height, lower=0.0, lower_open=True, upper=100.0)
    use_style()
    w = width if width is not None else STYLE["figure.figsize"][0] * (1 if ncols == 1 else 0.75 * ncols)
    h = height if height is not None else STYLE["figure.figsize"][1] * (1 if nrows == 1 else 0.8 * nrows)
    return plt.subplots(nrows, ncols, figsize=(w, h), **kwargs)


def finish(ax, *, xlabel, ylabel, title=None, legend=True):
    """Label an Axes (labels are mandatory) and add its legend.

    Raises
    ------
    ValueError
        If a label is empty, or ``legend=True`` and no artist carries a label.
    TypeError
        If a label or the title is not a string.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [0, 1], label="identity")
    >>> finish(ax, xlabel="$x$", ylabel="$y$").get_xlabel()
    '$x$'
    >>> plt.close(fig)
    """
    legend = check_bool("legend", legend)
    _check_axes(ax)
    for name, value in (("xlabel", xlabel), ("ylabel", ylabel), ("title", title)):
        if not (value is None and name == "title") and not isinstance(value, str):
            raise TypeError(f"`{name}` must be a string, got {value!r} of type {type(value).__name__}.")
    if not xlabel or not ylabel:
        raise ValueError("`xlabel` and `ylabel` must be non-empty: every axis of the book is labelled.")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        if not handles:
            raise ValueError("`legend=True` but no plotted artist has a label.")
        ax.legend()
    return ax


def plot_power_law(ax, x, y, *, y_err=None, fit=None, label=None, color=None, marker="o", fit_label=True):
    """Plot data on log-log axes with optional error bars and a fitted power law.

    Parameters
    ----------
    ax : matplotlib Axes
    x, y : array_like
        Positive data.
    y_err : array_like, optional
        Standard errors drawn as error bars.
    fit : course_lib.erm.PowerLawFit, optional
        Drawn as a dashed line over the range of ``x``.
    label : str, optional
        Legend label of the data.
    color : str, optional
    marker : str
    fit_label : bool
        Whether the fitted line gets a legend entry with its exponent.

    Examples
    --------
    >>> from course_lib.erm import fit_power_law
    >>> fig, ax = new_figure()
    >>> n = np.array([10.0, 100.0, 1000.0])
    >>> _ = plot_power_law(ax, n, 1 / n, fit=fit_power_law(n, 1 / n), label="data")
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'log')
    >>> plt.close(fig)
    """
    fit_label = check_bool("fit_label", fit_label)
    _check_axes(ax)
    if fit is not None and not (hasattr(fit, "exponent") and callable(getattr(fit, "predict", None))):
        raise TypeError(f"`fit` must be a PowerLawFit (from course_lib.erm.fit_power_law), got {type(fit).__name__}.")
    if not isinstance(marker, str) or marker not in mpl.lines.Line2D.markers:
        raise ValueError(f"`marker` must be a matplotlib marker string such as 'o' or 's', got {marker!r}.")
    x = check_array("x", x, ndim=1, min_len=1)
    y = check_array("y", y, ndim=1, min_len=1)
    if y.shape != x.shape:
        raise ValueError(f"`y` must have the shape of `x`, {x.shape}, got {y.shape}.")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("`x` and `y` must be positive (they are drawn on log-log axes).")
    if y_err is not None:
        y_err = check_array("y_err", y_err, ndim=(1, 2))
        if np.any(y_err < 0):
            raise ValueError("`y_err` must be non-negative.")
    ax.set_xscale("log")
    ax.set_yscale("log")
    line = ax.errorbar(x, y, yerr=y_err, fmt=marker, color=color, label=label, capsize=2)
    c = line[0].get_color()
    if fit is not None:
        xs = np.geomspace(x.min(), x.max(), 100)
        lab = f"fit: slope {fit.exponent:.3f}" if fit_label else None
        ax.plot(xs, fit.predict(xs), "--", color=c, label=lab, lw=1.2)
    return ax
