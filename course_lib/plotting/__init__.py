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

__all__ = [
    "STYLE",
    "COLORS",
    "MARKERS",
    "CONTENT_WIDTH_PX",
    "PDF_TEXT_WIDTH_IN",
    "MAX_FIGURE_WIDTH_IN",
    "MIN_WEB_PX",
    "MIN_PDF_PT",
    "use_style",
    "new_figure",
    "finish",
    "distinguish_series",
    "text_sizes",
    "check_readable",
    "plot_power_law",
]

#: Colour cycle: the Okabe-Ito palette, readable by colour-blind readers. The two
#: palest colours (sky blue, yellow) come last, after black, so that a figure with
#: up to six series never uses them.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#000000", "#56B4E9", "#F0E442"]

#: Marker cycle, paired with :data:`COLORS`: series stay distinguishable in grey scale.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

#: Width in CSS pixels of the content column of the website (sphinx-book-theme).
CONTENT_WIDTH_PX = 768
#: Width of the text block of the PDF (A4 paper, 1 inch margins), in inches.
PDF_TEXT_WIDTH_IN = 8.27 - 2.0
#: No figure is drawn wider than the website shows it (768 CSS px at 96 px per inch).
MAX_FIGURE_WIDTH_IN = CONTENT_WIDTH_PX / 96
#: Smallest readable text: in CSS pixels on the website, in points in the PDF.
MIN_WEB_PX = 9.0
MIN_PDF_PT = 7.0

#: Matplotlib rcParams of the book. Sizes are chosen with :data:`MAX_FIGURE_WIDTH_IN`
#: so that every text, even ``fontsize="small"``, passes :func:`check_readable`.
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
    "axes.titlesize": 11.5,
    "axes.labelsize": 11.5,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "font.size": 11.5,
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
    """Create a figure with the book's style, sized for the page; returns ``(fig, axes)``.

    The width follows the number of columns (6.4 in for one panel, 4 in per panel
    otherwise) and is capped at :data:`MAX_FIGURE_WIDTH_IN`, the width at which the
    website shows a figure unscaled; a larger requested width is reduced to the cap
    with the height scaled by the same factor (the aspect ratio is kept). With the
    font sizes of :data:`STYLE`, every text of such a figure is at least
    :data:`MIN_WEB_PX` CSS pixels on the website and :data:`MIN_PDF_PT` points in the PDF
    (see :func:`check_readable`).

    ``axes`` is a single Axes when ``nrows == ncols == 1`` and an array otherwise.

    Examples
    --------
    >>> fig, axes = new_figure(1, 3, width=11, height=3.8)
    >>> [round(float(v), 2) for v in fig.get_size_inches()]
    [8.0, 2.76]
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    nrows = check_int("nrows", nrows, minimum=1, maximum=20)
    ncols = check_int("ncols", ncols, minimum=1, maximum=20)
    if width is not None:
        width = check_real("width", width, lower=0.0, lower_open=True, upper=100.0)
    if height is not None:
        height = check_real("height", height, lower=0.0, lower_open=True, upper=100.0)
    use_style()
    if nrows < 1 or ncols < 1:
        raise ValueError(f"`nrows` and `ncols` must be >= 1, got nrows={nrows}, ncols={ncols}.")
    w = width if width is not None else (STYLE["figure.figsize"][0] if ncols == 1 else 4.0 * ncols)
    h = height if height is not None else STYLE["figure.figsize"][1] * (1 if nrows == 1 else 0.8 * nrows)
    if w <= 0 or h <= 0:
        raise ValueError(f"`width` and `height` must be positive, got width={w}, height={h}.")
    if w > MAX_FIGURE_WIDTH_IN:
        h *= MAX_FIGURE_WIDTH_IN / w
        w = MAX_FIGURE_WIDTH_IN
    return plt.subplots(nrows, ncols, figsize=(w, h), **kwargs)


def _drawn_width_in(fig):
    """Width in inches of the saved image (``bbox_inches="tight"``, as the notebooks save)."""
    renderer = fig.canvas.get_renderer()
    bbox = fig.get_tightbbox(renderer)
    return max(bbox.width, 1e-9)


def text_sizes(fig, *, display_width_px=CONTENT_WIDTH_PX, pdf_text_width_in=PDF_TEXT_WIDTH_IN):
    """Size at which each visible text of ``fig`` is shown on the website and in the PDF.

    The website shows the PNG at its pixel width, reduced to ``display_width_px`` when
    wider; a text of ``s`` points in a figure saved ``W`` inches wide at ``dpi`` is then
    ``s * dpi / 72 * min(1, display_width_px / (W * dpi))`` CSS pixels. The PDF shows
    the figure at its natural width, reduced to ``pdf_text_width_in``: ``s * min(1,
    pdf_text_width_in / W)`` points.

    Returns
    -------
    list of (str, float, float)
        ``(text, web_px, pdf_pt)`` for every non-empty visible text.
    """
    fig.canvas.draw()
    w_in = _drawn_width_in(fig)
    dpi = fig.dpi
    web_scale = dpi / 72 * min(1.0, display_width_px / (w_in * dpi))
    pdf_scale = min(1.0, pdf_text_width_in / w_in)
    out = []
    for t in fig.findobj(mpl.text.Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        if t.axes is not None and not t.axes.get_visible():
            continue
        s = t.get_fontsize()
        out.append((t.get_text(), s * web_scale, s * pdf_scale))
    return out


def check_readable(fig, *, display_width_px=CONTENT_WIDTH_PX, pdf_text_width_in=PDF_TEXT_WIDTH_IN,
                   min_web_px=MIN_WEB_PX, min_pdf_pt=MIN_PDF_PT):
    """Raise if a text of ``fig`` is smaller than readable where the book shows it.

    Uses :func:`text_sizes`; tick labels, axis labels, titles and legends are all checked.

    Returns
    -------
    tuple of float
        The smallest text size on the website (CSS px) and in the PDF (pt).

    Raises
    ------
    ValueError
        Naming the smallest text, its size and the limit.

    Examples
    --------
    >>> fig, ax = new_figure(1, 3)
    >>> web, pdf = check_readable(fig)
    >>> bool(web >= MIN_WEB_PX and pdf >= MIN_PDF_PT)
    True
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    if display_width_px <= 0 or pdf_text_width_in <= 0:
        raise ValueError(f"`display_width_px` and `pdf_text_width_in` must be positive, got "
                         f"{display_width_px} and {pdf_text_width_in}.")
    sizes = text_sizes(fig, display_width_px=display_width_px, pdf_text_width_in=pdf_text_width_in)
    if not sizes:
        return (float("inf"), float("inf"))
    web = min(sizes, key=lambda r: r[1])
    pdf = min(sizes, key=lambda r: r[2])
    if web[1] < min_web_px:
        raise ValueError(f"text {web[0]!r} is shown at {web[1]:.1f} px on the website; at least {min_web_px} px "
                         f"is readable: draw the figure narrower (new_figure caps it at {MAX_FIGURE_WIDTH_IN} in) "
                         "or the text larger.")
    if pdf[2] < min_pdf_pt:
        raise ValueError(f"text {pdf[0]!r} is printed at {pdf[2]:.1f} pt in the PDF; at least {min_pdf_pt} pt is "
                         "readable: draw the figure narrower or the text larger.")
    return (web[1], pdf[2])


def distinguish_series(ax):
    """Give series that differ only by colour different markers (grey-scale readable).

    Labelled lines and error-bar series of ``ax`` that share marker and line style get
    the markers of :data:`MARKERS` in order; a dense curve gets about a dozen markers
    (``markevery``), not one per point. Called by :func:`finish`.
    """
    from matplotlib.container import ErrorbarContainer

    series = []
    for artist in list(ax.containers) + list(ax.lines):
        label = artist.get_label()
        if not label or label.startswith("_"):
            continue
        line = artist.lines[0] if isinstance(artist, ErrorbarContainer) else artist
        if line is None or not isinstance(line, mpl.lines.Line2D):
            continue
        if all(line is not other for other in series):
            series.append(line)
    groups = {}
    for line in series:
        groups.setdefault((str(line.get_marker()), str(line.get_linestyle())), []).append(line)
    for lines in groups.values():
        colours = {mpl.colors.to_hex(line.get_color()) for line in lines}
        if len(lines) < 2 or len(colours) < 2:
            continue
        for i, line in enumerate(lines):
            line.set_marker(MARKERS[i % len(MARKERS)])
            line.set_markersize(max(line.get_markersize(), 5.5))  # shapes tell apart only if large enough
            if len(line.get_xdata()) > 25:
                line.set_markevery((0.02 * i, 0.08))
    return ax


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
    distinguish_series(ax)
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
