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
