"""Aging of the spherical pure p-spin model: Cugliandolo-Kurchan parameters and the pure p-spin DMFT wrapper."""

import math

import numpy as np
import pytest

from course_lib import spin_glasses as sg
from course_lib.teacher_student.dynamics import dmft_spiked_matrix_tensor


def test_aging_parameters_solve_marginality_and_ck_ratio():
    for p in (3, 4, 5):
        td = sg.pspin_dynamical_temperature(p)
        for T in (0.2 * td, 0.5 * td, 0.9 * td):
            q, x = sg.pspin_aging_parameters(p, T)
            # marginality xi''(q)(1-q)^2 = T^2 with xi = q^p (Cugliandolo-Kurchan 1993, PRL 71, 173, in the
            # normalisation xi = q^p / 2 this is p(p-1)/2 q^(p-2)(1-q)^2 = T_CK^2 with T_CK = T / sqrt 2)
            assert abs(p * (p - 1) * q ** (p - 2) * (1 - q) ** 2 - T**2) < 1e-12
            assert (p - 2) / (p - 1) < q < 1
            # x = (p-2)(1-q)/q (same reference); independently: the marginal 1RSB breakpoint m solving the first
            # Crisanti-Sommers equation beta^2 xi'(q) = q / ((1-q)(1-(1-m)q)) at this q
            m = ((T**2 * q / (p * q ** (p - 1) * (1 - q))) - (1 - q)) / q
            assert abs(x - m) < 1e-10
            assert 0 < x < 1


def test_aging_parameters_limits():
    for p in (3, 4, 7):
        td = sg.pspin_dynamical_temperature(p)
        q, x = sg.pspin_aging_parameters(p, td)  # at T_d: the dynamical plateau q_d = (p-2)/(p-1), x = 1
        assert abs(q - (p - 2) / (p - 1)) < 1e-6 and abs(x - 1) < 1e-5
        T = 1e-4  # low temperature: 1 - q ~ T / sqrt(p(p-1)), x ~ (p-2) T / sqrt(p(p-1))
        q, x = sg.pspin_aging_parameters(p, T)
        assert abs(x / (T * (p - 2) / math.sqrt(p * (p - 1))) - 1) < 1e-3


def test_aging_parameters_book_vs_ck_normalisation():
    # book T_d = sqrt(3/4) for p = 3 is CK's T_d = sqrt(3/8) (Cugliandolo-Kurchan 1993) times sqrt 2
    assert abs(sg.pspin_dynamical_temperature(3) / math.sqrt(2) - math.sqrt(3 / 8)) < 1e-14
    # a wrong normalisation (using the CK temperature in the book's formula) gives a different plateau
    q_book, _ = sg.pspin_aging_parameters(3, 0.5)
    q_wrong, _ = sg.pspin_aging_parameters(3, 0.5 / math.sqrt(2))
    assert abs(q_book - q_wrong) > 0.05


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"p": 2, "T": 0.5}, ValueError, "p"),
        ({"p": 3.0, "T": 0.5}, TypeError, "p"),
        ({"p": 3, "T": 0.0}, ValueError, "T"),
        ({"p": 3, "T": 0.9}, ValueError, "T_d"),
        ({"p": 3, "T": float("nan")}, ValueError, "T"),
    ],
)
def test_aging_parameters_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        sg.pspin_aging_parameters(**kwargs)


def test_dmft_wrapper_equals_matrix_tensor_solver_without_matrix_and_signal():
    a = sg.dmft_pspin_aging(3, 0.5, 0.1, 8.0)
    b = dmft_spiked_matrix_tensor(3, np.inf, 1 / 3, 0.5, 0.1, 8.0, cbar0=0.0)
    assert np.array_equal(a.C, b.C) and np.array_equal(a.R, b.R) and np.all(a.Cbar == 0)


def test_dmft_high_temperature_obeys_fdt():
    # T = 2 > T_d: equilibrium is reached fast and R(t, s) = (1/T) dC(t, s)/ds (FDT), i.e. T chi = 1 - C
    T, dt = 2.0, 0.05
    sol = sg.dmft_pspin_aging(3, T, dt, 10.0)
    i = sol.n_steps
    c, r = sol.C[i, : i + 1], sol.R[i, : i + 1]
    chi = np.concatenate([[0.0], np.cumsum(0.5 * dt * (r[1:] + r[:-1]))])
    chi = chi[-1] - chi
    lag = (sol.t[-1] - sol.t) > 0.5
    lag &= sol.t > 2.0  # both times past the initial transient
    assert np.max(np.abs(T * chi[lag] - (1 - c[lag]) - (T * chi[lag][-1] - (1 - c[lag][-1])))) < 5e-3


def _fdt_slope(sol, T, lo, hi):
    i = sol.n_steps
    dt = sol.t[1]
    c, r = sol.C[i, : i + 1], sol.R[i, : i + 1]
    chi = np.concatenate([[0.0], np.cumsum(0.5 * dt * (r[1:] + r[:-1]))])
    chi = chi[-1] - chi
    m = (c > lo) & (c < hi)
    return -np.polyfit(c[m], T * chi[m], 1)[0]


def test_dmft_aging_fdt_ratio_below_one_and_rejects_equilibrium():
    # T = 0.5 < T_d, t = 25: the measured FDT ratio of the aging regime (0.2 < C < 0.6) is ~0.25 and grows slowly
    # towards x = 0.304; the short-time regime (C > 0.9) has ratio ~1 (Heun error O(dt^2) at dt = 0.05: ~3%)
    T = 0.5
    q, x = sg.pspin_aging_parameters(3, T)
    sol = sg.dmft_pspin_aging(3, T, 0.05, 25.0)
    x_meas = _fdt_slope(sol, T, 0.2, 0.6)
    tol = 0.06
    assert abs(x_meas - x) < tol
    assert abs(x_meas - 1.0) > tol  # negative control: equilibrium FDT (X = 1) is rejected
    assert abs(_fdt_slope(sol, T, 0.9, 1.0) - 1.0) < 0.1


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"p": 2, "T": 0.5, "dt": 0.1, "t_max": 1.0}, ValueError, "p"),
        ({"p": 3, "T": -1.0, "dt": 0.1, "t_max": 1.0}, ValueError, "T"),
        ({"p": 3, "T": 0.5, "dt": 0.0, "t_max": 1.0}, ValueError, "dt"),
        ({"p": 3, "T": 0.5, "dt": 0.6, "t_max": 1.0}, ValueError, "dt"),
        ({"p": 3, "T": 0.5, "dt": 0.1, "t_max": 0.01}, ValueError, "t_max"),
        ({"p": 3, "T": 0.5, "dt": 0.01, "t_max": 100.0}, ValueError, "4000"),
        ({"p": 3, "T": "0.5", "dt": 0.1, "t_max": 1.0}, TypeError, "T"),
    ],
)
def test_dmft_pspin_aging_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        sg.dmft_pspin_aging(**kwargs)
