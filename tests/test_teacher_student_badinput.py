"""Bad input to course_lib.teacher_student: one pytest.raises per kind of message (type, finiteness, range, shape,
magnitude, rng, cross-argument consistency, divergence); each message names the parameter."""

import numpy as np
import pytest

from course_lib import teacher_student as ts

X, Y, W = ts.glm_teacher_student_data(40, 20, rng=0)

CASES = [
    (ts.gamp, (np.where(np.eye(40, 20) > 0, np.nan, X), Y), {}, ValueError, r"`X` must contain only finite values"),
    (ts.gamp, (X, Y[:-1]), {}, ValueError, r"`X` and `y` must have the same number of rows"),
    (ts.gamp, (X, Y), {"damping": 1.0}, ValueError, r"`damping` must be < 1"),
    (ts.gauss_hermite_normal, (2.5,), {}, TypeError, r"`n_nodes` must be an integer"),
    (ts.gauss_hermite_normal, (0,), {}, ValueError, r"`n_nodes` must be an integer >= 1"),
    (ts.glm_teacher_student_data, (4, 3), {"dtype": "x"}, TypeError, r"`dtype` must be np.float64 or np.float32"),
    (ts.committee_state_evolution, (1e100,), {}, ValueError, r"`alpha` must be <= 10000"),
    (ts.committee_state_evolution, (1.0,), {"init": "x"}, TypeError, r"`init` must be a real numeric array"),
    (ts.committee_specialisation_threshold, (), {"bracket": None}, TypeError, r"`bracket` must be a pair"),
    (ts.SignChannel, (-1.0,), {}, ValueError, r"`noise` must be >= 0"),
    (ts.LinearChannel, (0.0,), {}, ValueError, r"`noise` must be > 0"),
    (ts.GaussBernoulliPrior, (1.5,), {}, ValueError, r"`rho` must be <= 1"),
    (ts.separable_fraction, (10, 1e100, 2), {}, ValueError, r"`alpha` must be <= 100"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)
