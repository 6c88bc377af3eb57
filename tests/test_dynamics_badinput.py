"""Bad input to course_lib.teacher_student.dynamics: one pytest.raises per kind of message (type, finiteness, range, shape,
magnitude, rng, cross-argument consistency, divergence); each message names the parameter."""

import numpy as np
import pytest

from course_lib.teacher_student import dynamics as dyn

CASES = [
    (dyn.erf_i2, (1.0, 1.0, 2.0), {}, ValueError, r"must be positive semi-definite"),
    (dyn.erf_i2, (-1.0, 1.0, 0.0), {}, ValueError, r"`c11` is a variance and must be >= 0"),
    (dyn.erf_i2, (np.nan, 1.0, 0.0), {}, ValueError, r"`c11` must contain only finite values"),
    (dyn.erf_i3, (1.0, 1.0, 1.0, 0.0, 0.0, None), {}, TypeError, r"`c23` must be a real numeric array"),
    (dyn.erf_i4, (1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1e300), {}, ValueError, r"`c34` must be at most"),
    (dyn.saad_solla_ode, (1, 1, 0.5, [[1.0]], [[0.5]], [[0.0]], 1e300), {}, ValueError, r"`t_max` must be <= "),
    (dyn.saad_solla_ode, (1, 1, 0.5, [[1.0]], [[0.5]], [[2.0]], 1.0), {}, ValueError,
     r"the overlaps `Q0`, `R0`, `T_teacher` must form a positive semi-definite"),
    (dyn.spherical_p2_energy, (-1.0,), {}, ValueError, r"`t` must be non-negative"),
    (dyn.spiked_matrix_flow_exact, (0.5, 0.2, [0.0, 1.0]), {"n_quad": 2.5}, TypeError, r"`n_quad` must be an integer"),
    (dyn.online_sgd_committee, (50, 1, 1, 1e6, 100), {"rng": 0, "n_records": 4}, ValueError, r"`lr` must be <= 1000"),
    (dyn.saad_solla_ode, (1, 1, 1e100, [[1.0]], [[0.5]], [[0.0]], 1.0), {}, ValueError, r"`lr` must be <= 1000"),
    (dyn.simulate_reference_runs, (None, [2]), {}, TypeError, r"`sizes` must be a list, tuple or 1-d array"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)


def test_online_sgd_divergence_guard_names_lr():
    # the bounds on lr and init_scale keep the weights finite in practice; the guard behind them still names `lr`
    from course_lib.teacher_student.dynamics._online_sgd import _check_diverged

    with pytest.raises(FloatingPointError, match=r"online SGD diverged .* decrease the learning rate `lr`"):
        _check_diverged(np.array([[np.nan]]), 0.5, 10)
