"""Bad input to course_lib.optimization: one pytest.raises per kind of message (type, finiteness, range, shape,
magnitude, rng, cross-argument consistency, divergence); each message names the parameter."""

import numpy as np
import pytest

from course_lib import optimization as opt

PB = opt.LeastSquares([[1.0], [1.0]], [0.0, 2.0])

CASES = [
    (opt.sgd, (PB, [0.0], 50.0, 1000), {"rng": 0}, FloatingPointError, r"SGD diverged .* reduce the step size `steps`"),
    (opt.sgd, (PB, [0.0], -0.1, 10), {}, ValueError, r"`steps` must be > 0"),
    (opt.sgd, (PB, [0.0, 1.0], 0.1, 10), {}, ValueError, r"`theta0` must have length 1"),
    (opt.sgd, ("problem", [0.0], 0.1, 10), {}, TypeError, r"`problem` must be"),
    (opt.sgd, (PB, [0.0], 0.1, 10), {"rng": "seed"}, TypeError, r"`rng` must be None"),
    (opt.step_schedule, (0.1, 10), {"power": float("inf")}, ValueError, r"`power` must be finite"),
    (opt.convergence_exponent, ([10, 100], [1.0, -1.0]), {}, ValueError, r"`errors` must be positive"),
    (opt.convergence_exponent, ([-10, 100], [1.0, 0.1]), {}, ValueError, r"`n` must be positive"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)
