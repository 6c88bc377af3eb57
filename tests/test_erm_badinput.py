"""Bad input to course_lib.erm: one pytest.raises per kind of message (type, finiteness, range, shape, magnitude,
rng, cross-argument consistency); each message names the parameter."""

import numpy as np
import pytest

from course_lib import erm

CASES = [
    (erm.ball_volume, (2.5,), {}, TypeError, r"`d` must be an integer"),
    (erm.ball_volume, (2,), {"radius": "x"}, TypeError, r"`radius` must be a real number"),
    (erm.ball_volume, (2,), {"radius": float("nan")}, ValueError, r"`radius` must be finite"),
    (erm.ball_volume, (2,), {"radius": 1e300}, ValueError, r"`radius` must be at most 1e\+150 in magnitude"),
    (erm.ball_volume, (0,), {}, ValueError, r"`d` must be an integer >= 1"),
    (erm.sample_unit_cube, (3, 2), {"rng": "seed"}, TypeError, r"`rng` must be None, a non-negative integer seed"),
    (erm.sample_unit_cube, (3, 2), {"rng": -1}, ValueError, r"`rng` must be a non-negative integer seed"),
    (erm.gaussian_linear_data, (5, [[1.0]]), {}, ValueError, r"`w_star` must have ndim in \(1,\)"),
    (erm.gaussian_linear_data, (5, [1.0, np.nan]), {}, ValueError, r"`w_star` must contain only finite values"),
    (erm.least_squares_gd, (np.eye(2), [1.0, 2.0, 3.0]), {"n_steps": 3}, ValueError, r"`y` must have length 2"),
    (erm.least_squares_gd, (np.eye(2), [1.0, 2.0]), {"n_steps": 3, "step": 5.0}, ValueError, r"`step` must be < 2/"),
    (erm.torus_nn_distance_moment, (100, 1), {"tol": None}, TypeError, r"`tol` must be a real number"),
    (erm.torus_nn_distance_moment, (100, 1), {"tol": 0.0}, ValueError, r"`tol` must be > 0"),
    (erm.torus_sine_nn_risk, (100, 1), {"tol": "x"}, TypeError, r"`tol` must be a real number"),
    (erm.relative_contrast, (np.zeros((3, 2)), np.zeros((2, 3))), {}, ValueError, r"`queries`|`points`"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)
