"""Bad input to course_lib.plotting: one pytest.raises per kind of message (type, finiteness, range, shape,
magnitude, rng, cross-argument consistency, divergence); each message names the parameter."""

import numpy as np
import pytest

import matplotlib

matplotlib.use("Agg")
from course_lib import plotting  # noqa: E402

CASES = [
    (plotting.new_figure, (0,), {}, ValueError, r"`nrows` must be an integer >= 1"),
    (plotting.new_figure, (1, 2.5), {}, TypeError, r"`ncols` must be an integer"),
    (plotting.new_figure, (), {"width": -1.0}, ValueError, r"`width` must be > 0"),
    (plotting.finish, (None,), {"xlabel": "x", "ylabel": "y"}, TypeError, r"`ax` must be a matplotlib Axes"),
    (plotting.plot_power_law, (None, [1.0], [1.0]), {}, TypeError, r"`ax` must be a matplotlib Axes"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)
