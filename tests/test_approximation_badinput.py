"""Bad input to course_lib.approximation: one pytest.raises per kind of message (type, finiteness, range, shape,
magnitude, rng, cross-argument consistency, divergence); each message names the parameter."""

import numpy as np
import pytest

from course_lib import approximation as ap

CASES = [
    (ap.sawtooth, (2.5,), {}, TypeError, r"`k` must be an integer"),
    (ap.sawtooth, (-1,), {}, ValueError, r"`k` must be an integer >= "),
    (ap.lp_distance, (np.sin, np.cos), {"a": float("nan")}, ValueError, r"`a` must be finite"),
    (ap.lp_distance, (np.sin, np.cos), {"b": 1e300}, ValueError, r"`b` must be at most 1e\+150 in magnitude"),
    (ap.random_relu_net, ([1, 3, 1],), {"rng": "seed"}, TypeError, r"`rng` must be None"),
    (ap.ReLUNet, (None, [[0.0]]), {}, TypeError, r"`weights` must be a list or tuple of arrays"),
    (ap.ReLUNet, ([[[1.0]]], [[0.0], [0.0]]), {}, ValueError, r"`biases` must have one vector per layer"),
    (ap.PiecewiseLinear, (np.array([1.0, 0.0]), np.array([1.0]), np.array([0.0])), {}, ValueError,
     r"`breakpoints` must be strictly increasing"),
    (ap.PiecewiseLinear, (np.array([0.0, 1.0]), np.array([1.0, 2.0]), np.array([0.0])), {}, ValueError,
     r"`slopes` must have len\(breakpoints\) - 1"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)
