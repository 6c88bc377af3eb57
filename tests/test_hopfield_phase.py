"""Tests of course_lib.spin_glasses.hopfield_rs_free_energy (lecture hopfield_phase_diagram)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import optimize

from course_lib import spin_glasses as sg
from course_lib.spin_glasses._hopfield_phase import _rs_f, _spin_glass_qr


def test_retrieval_ground_state_energy():
    # T = 0, small alpha: m = 1, C = 0, r = 1 up to exp(-1/(2 alpha)), so f = -1/2 - alpha/2 (AGS 1987, Ann. Phys. 173)
    assert_allclose(sg.hopfield_rs_free_energy(0.02), -0.5 - 0.01, atol=1e-8)


def test_zero_load_is_curie_weiss():
    # alpha -> 0: f = m^2/2 - T ln 2cosh(m/T) with m = tanh(m/T) (mean-field ferromagnet)
    T = 0.5
    m = optimize.brentq(lambda x: x - np.tanh(x / T), 0.5, 1.0)
    assert_allclose(sg.hopfield_rs_free_energy(1e-8, T), m * m / 2 - T * np.log(2 * np.cosh(m / T)), atol=1e-6)


def test_paramagnet_above_tg():
    # above T_g = 1 + sqrt(alpha): q = r = 0, f = (alpha T / 2) ln(1 - 1/T) - T ln 2 (eq. of the docstring at q = 0)
    a, T = 0.04, 1.5
    assert_allclose(sg.hopfield_rs_free_energy(a, T, "spin_glass"), a * T / 2 * np.log(1 - 1 / T) - T * np.log(2),
                    atol=1e-9)


def test_tg_is_sqrt_alpha_line():
    # q > 0 branch exists just below T_g = 1 + sqrt(alpha) and not above (AGS 1987)
    a = 0.09
    assert _spin_glass_qr(a, 0.98 * (1 + np.sqrt(a)))[0] > 1e-3
    assert _spin_glass_qr(a, 1.02 * (1 + np.sqrt(a)))[0] < 1e-8


def test_global_minimum_crossing_at_0051():
    # T = 0: f_ret = -(1 + alpha)/2 up to O(exp(-1/(2 alpha))), f_SG = -(sqrt(alpha) + sqrt(2/pi))^2 / 2 exactly,
    # so the crossing is (pi - 2)^2 / (8 pi) = 0.051854 up to exp(-1/(2 alpha)) ~ 6.5e-5. The abstract of AGS 1987
    # (Ann. Phys. 173) prints 0.05; the closed form rounds to it, not to the 0.051 usually quoted from that paper.
    df = lambda a: sg.hopfield_rs_free_energy(a) - sg.hopfield_rs_free_energy(a, state="spin_glass")
    a_star = optimize.brentq(df, 0.03, 0.1, xtol=1e-10)
    a0 = (np.pi - 2) ** 2 / (8 * np.pi)
    assert abs(a_star - a0) < np.exp(-1 / (2 * a0))
    assert abs(a_star - 0.05) <= 5e-3
    assert abs(0.051 - a0) > np.exp(-1 / (2 * a0))  # the closed-form check resolves the third decimal
    f_sg = -(np.sqrt(a_star) + np.sqrt(2 / np.pi)) ** 2 / 2
    assert_allclose(sg.hopfield_rs_free_energy(a_star, state="spin_glass"), f_sg, atol=1e-12)


def test_wrong_free_energy_is_rejected():
    # negative control: dropping the term alpha r C / 2 removes the crossing near 0.052
    def wrong(a):
        r_ret = sg.ags_solution(a).r
        r_sg = _spin_glass_qr(a, 0.0)[1]
        fr = _rs_f(a, 0.0, sg.ags_solution(a).m, 1.0, r_ret) - a * r_ret * (1 - r_ret**-0.5) / 2
        fs = _rs_f(a, 0.0, 0.0, 1.0, r_sg) - a * r_sg * (1 - r_sg**-0.5) / 2
        return fr - fs
    assert wrong(0.045) * wrong(0.055) > 0


def test_low_temperature_continuity():
    for state in ("retrieval", "spin_glass"):
        assert_allclose(sg.hopfield_rs_free_energy(0.04, 0.002, state), sg.hopfield_rs_free_energy(0.04, 0.0, state),
                        atol=5e-4)


def test_bad_input():
    with pytest.raises(ValueError, match="alpha"):
        sg.hopfield_rs_free_energy(0.0)
    with pytest.raises(ValueError, match="T must be 0 or"):
        sg.hopfield_rs_free_energy(0.05, 1e-5)
    with pytest.raises(ValueError, match="state"):
        sg.hopfield_rs_free_energy(0.05, 0.0, "ferro")
    with pytest.raises(TypeError, match="state"):
        sg.hopfield_rs_free_energy(0.05, 0.0, 1)
    with pytest.raises(ValueError, match="no retrieval state"):
        sg.hopfield_rs_free_energy(0.2)
    with pytest.raises(ValueError, match="no retrieval state"):
        sg.hopfield_rs_free_energy(0.05, 1.2)


def test_spin_glass_state_zero_temperature_closed_form():
    # T = 0: sqrt(r) = 1 + sqrt(2 / (pi alpha)), q = 1 (AGS 1987; same value as ags_solution above alpha_c)
    a = 0.05
    sol = sg.hopfield_spin_glass_state(a)
    assert sol.m == 0.0 and sol.q == 1.0
    assert_allclose(np.sqrt(sol.r), 1 + np.sqrt(2 / (np.pi * a)), rtol=1e-12)


def test_spin_glass_state_solves_ags_equations():
    # the returned (q, r) satisfy q = E tanh^2(beta sqrt(alpha r) z), r = q / (1 - beta (1 - q))^2
    a, T = 0.1, 0.6
    sol = sg.hopfield_spin_glass_state(a, T)
    z, w = np.polynomial.hermite_e.hermegauss(200)
    q = float(np.sum(w * np.tanh(np.sqrt(a * sol.r) * z / T) ** 2) / np.sum(w))
    assert_allclose(sol.q, q, atol=1e-8)
    assert_allclose(sol.r, sol.q / (1 - (1 - sol.q) / T) ** 2, rtol=1e-10)


def test_spin_glass_state_bad_input():
    with pytest.raises(ValueError, match="alpha"):
        sg.hopfield_spin_glass_state(-1.0)
    with pytest.raises(ValueError, match="alpha"):
        sg.hopfield_spin_glass_state(11.0)
    with pytest.raises(ValueError, match="T must be 0 or"):
        sg.hopfield_spin_glass_state(0.05, 1e-4)
    with pytest.raises(TypeError):
        sg.hopfield_spin_glass_state("0.05")
