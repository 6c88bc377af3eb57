"""Tests of course_lib.plotting."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import erm
from course_lib.plotting import STYLE, finish, new_figure, plot_power_law, use_style


def test_use_style_applies_rcparams():
    use_style()
    assert plt.rcParams["axes.grid"] is True
    assert tuple(plt.rcParams["figure.figsize"]) == STYLE["figure.figsize"]


def test_finish_requires_labels_and_legend():
    fig, ax = new_figure()
    ax.plot([1, 2], [1, 2], label="line")
    finish(ax, xlabel="x", ylabel="y", title="t")
    assert ax.get_xlabel() == "x" and ax.get_legend() is not None
    with pytest.raises(ValueError, match="must be non-empty"):
        finish(ax, xlabel="", ylabel="y")
    fig2, ax2 = new_figure()
    ax2.plot([1, 2], [1, 2])
    with pytest.raises(ValueError, match="no plotted artist has a label"):
        finish(ax2, xlabel="x", ylabel="y")
    plt.close("all")


def test_plot_power_law_draws_data_and_fit():
    x = np.array([1.0, 10.0, 100.0])
    fit = erm.fit_power_law(x, 2 * x**-1.0 * np.array([1.0, 1.01, 0.99]))
    fig, axes = new_figure(1, 2)
    ax = axes[0]
    plot_power_law(ax, x, 2 / x, y_err=0.1 / x, fit=fit, label="data")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    labels = ax.get_legend_handles_labels()[1]
    assert "data" in labels and any(lab.startswith("fit: slope -") for lab in labels)
    plt.close("all")


# --- readability: every figure of the book is drawn for the width at which it is shown ---------------------------

import ast  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402

from course_lib.plotting import (  # noqa: E402
    MAX_FIGURE_WIDTH_IN,
    MIN_PDF_PT,
    MIN_WEB_PX,
    check_readable,
    distinguish_series,
    text_sizes,
)

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("lectures/*/*.ipynb")) + sorted(ROOT.glob("homework/*.ipynb"))


def _busy_figure(nrows=1, ncols=1, **kwargs):
    """A figure as the lectures draw them: long tick labels, titles, legends, small legend font."""
    fig, axes = new_figure(nrows, ncols, **kwargs)
    for ax in np.atleast_1d(axes).ravel():
        x = np.linspace(1e-3, 1e3, 50)
        ax.plot(x, x**0.5, label=r"measured $\lambda_{\max}$")
        ax.plot(x, x**0.4, label="theory")
        ax.set_xscale("log")
        finish(ax, xlabel=r"sample size $n$", ylabel=r"test error $\varepsilon$", title="A panel title")
        ax.legend(fontsize="small")
    return fig


def _new_figure_calls():
    """Every ``new_figure(...)`` call of every notebook, as (notebook, cell id, args, kwargs)."""
    calls = []
    for nb in NOTEBOOKS:
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            try:
                tree = ast.parse("\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!"))))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "new_figure":
                    args = [ast.literal_eval(a) for a in node.args]
                    kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
                    calls.append((nb.name, cell.get("id"), tuple(args), kwargs))
    return calls


def test_new_figure_caps_the_width_and_keeps_the_aspect():
    fig, _ = new_figure(1, 3, width=11, height=3.8)
    w, h = fig.get_size_inches()
    assert w == pytest.approx(MAX_FIGURE_WIDTH_IN) and h == pytest.approx(3.8 * MAX_FIGURE_WIDTH_IN / 11)
    fig2, _ = new_figure(1, 2)
    assert fig2.get_size_inches()[0] <= MAX_FIGURE_WIDTH_IN
    with pytest.raises(ValueError, match="ncols"):
        new_figure(1, 0)
    plt.close("all")


@pytest.mark.parametrize("shape", [(1, 1), (1, 2), (1, 3), (2, 2), (1, 4)])
def test_every_layout_is_readable(shape):
    fig = _busy_figure(*shape)
    web, pdf = check_readable(fig)
    assert web >= MIN_WEB_PX and pdf >= MIN_PDF_PT
    plt.close("all")


def test_check_readable_rejects_the_old_three_panel_figure():
    """Negative control: the figure of the issue (14.4 in wide, 10 pt ticks) is about 7 px on the website."""
    use_style()
    fig, axes = plt.subplots(1, 3, figsize=(14.4, 4.0))
    for ax in axes:
        ax.plot([0, 1], [0, 1])
        ax.tick_params(labelsize=9)
    sizes = text_sizes(fig)
    assert min(s[1] for s in sizes) == pytest.approx(9 * 100 / 72 * 768 / (sizes and fig.get_tightbbox().width * 100), rel=1e-6)
    with pytest.raises(ValueError, match="px on the website"):
        check_readable(fig)
    with pytest.raises(ValueError, match="pt in the PDF"):
        check_readable(fig, min_web_px=0)
    plt.close("all")


def test_every_figure_of_the_book_is_readable():
    """Each new_figure call of the notebooks, with its own arguments, drawn with busy panels."""
    calls = _new_figure_calls()
    assert len(calls) >= 60, f"found only {len(calls)} new_figure calls: did the notebooks change how they plot?"
    worst, seen = [], set()
    for name, cell_id, args, kwargs in calls:
        key = (args, tuple(sorted(kwargs.items())))
        if key in seen:  # one drawing per distinct call
            continue
        seen.add(key)
        fig = _busy_figure(*args, **kwargs)
        try:
            worst.append(check_readable(fig))
        except ValueError as err:
            raise AssertionError(f"{name}, cell {cell_id}: new_figure{args} {kwargs}: {err}") from err
        plt.close(fig)
    print("smallest text: %.1f px on the website, %.1f pt in the PDF" % (min(w[0] for w in worst), min(w[1] for w in worst)))


def test_notebooks_draw_only_through_new_figure_and_keep_font_sizes():
    """No figure bypasses the size rule, and no text is set below the style's sizes."""
    bad = []
    for nb in NOTEBOOKS:
        for cell in json.loads(nb.read_text())["cells"]:
            src = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
            for forbidden in ("plt.subplots(", "plt.figure(", "set_size_inches(", "fontsize=\"x-small\"",
                              "fontsize=\"xx-small\"", "labelsize="):
                if forbidden in src:
                    bad.append((nb.name, cell.get("id"), forbidden))
            for size in __import__("re").findall(r"fontsize=(\d+(?:\.\d+)?)", src):
                if float(size) < 8:
                    bad.append((nb.name, cell.get("id"), f"fontsize={size}"))
    assert not bad, bad


def test_series_that_differ_only_by_colour_get_markers():
    fig, ax = new_figure()
    x = np.linspace(0, 1, 200)
    for k in range(3):
        ax.plot(x, x**k, label=f"k={k}")
    ax.errorbar([0.1, 0.5], [0.2, 0.3], yerr=0.01, fmt="o", label="a")
    ax.errorbar([0.1, 0.5], [0.3, 0.4], yerr=0.01, fmt="o", label="b")
    finish(ax, xlabel="x", ylabel="y")
    markers = [line.get_marker() for line in ax.lines[:3]]
    assert len(set(markers)) == 3 and all(m not in ("None", "", None) for m in markers)
    assert ax.lines[0].get_markevery() is not None  # a dense curve is not covered in markers
    assert all(c.lines[0].get_markersize() >= 5.5 for c in ax.containers)  # shapes large enough to see
    eb = [c.lines[0].get_marker() for c in ax.containers]
    assert eb[0] != eb[1]
    # a single series, or lines already told apart by style, are left alone
    fig2, ax2 = new_figure()
    ax2.plot(x, x, "-", label="data")
    ax2.plot(x, x, "--", label="theory")
    distinguish_series(ax2)
    assert [line.get_marker() for line in ax2.lines] == ["None", "None"]
    plt.close("all")
