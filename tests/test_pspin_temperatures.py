"""Dynamical and Kauzmann temperatures of the spherical pure p-spin model (book normalisation xi(q) = q^p)."""

import math

import numpy as np
import pytest
from scipy import optimize

from course_lib.spin_glasses import (
    pspin_dynamical_temperature,
    pspin_kauzmann_temperature,
    pspin_threshold_energy,
)

# Published values in the Crisanti-Sommers normalisation xi(q) = q^p / 2, p = 3 (three digits):
# T_d = 0.612 and T_s = T_K = 0.586 (Crisanti and Sommers, Z. Phys. B 87 (1992) 341; Castellani and Cavagna,
# J. Stat. Mech. (2005) P05012, Sec. 5). The book's xi(q) = q^p multiplies temperatures by sqrt(2).
TD_CS_P3 = 0.612
TK_CS_P3 = 0.586
PUBLISHED_ABS_TOL = 5e-4  # half a unit of the last published digit
PS = range(3, 11)


def test_td_p3_closed_form():
    # xi = q^p: T_d^2 = p (p-2)^(p-2) / (p-1)^(p-1) = 3/4 for p = 3.
    assert abs(pspin_dynamical_temperature(3) - math.sqrt(0.75)) < 1e-14


@pytest.mark.parametrize("p", PS)
def test_td_is_max_of_m1_equation(p):
    # T_d^2 = max_q (1-q) xi'(q) / q with xi'(q) = p q^(p-1): the m = 1 1RSB equation first has a solution there.
    res = optimize.minimize_scalar(lambda q: -(1 - q) * p * q ** (p - 2), bounds=(0, 1), method="bounded",
                                   options={"xatol": 1e-12})
    assert abs(pspin_dynamical_temperature(p) ** 2 - (-res.fun)) < 1e-12
    assert abs(res.x - (p - 2) / (p - 1)) < 1e-5


@pytest.mark.parametrize("p", PS)
def test_td_matches_crisanti_sommers_formula_times_sqrt2(p):
    # CS normalisation: T_d^2 = p (p-2)^(p-2) / (2 (p-1)^(p-1)).
    td_cs = math.sqrt(p * (p - 2) ** (p - 2) / (2 * (p - 1) ** (p - 1)))
    assert abs(pspin_dynamical_temperature(p) - math.sqrt(2) * td_cs) < 1e-14


def test_published_p3_values_after_conversion():
    td, tk = pspin_dynamical_temperature(3), pspin_kauzmann_temperature(3)
    assert abs(td / math.sqrt(2) - TD_CS_P3) < PUBLISHED_ABS_TOL
    assert abs(tk / math.sqrt(2) - TK_CS_P3) < PUBLISHED_ABS_TOL
    assert abs(tk - 0.829) < PUBLISHED_ABS_TOL * math.sqrt(2)


def test_negative_control_cs_normalisation_fails_book_values():
    # The unconverted Crisanti-Sommers numbers are wrong in the book's normalisation by far more than the tolerance.
    assert abs(pspin_dynamical_temperature(3) - TD_CS_P3) > 100 * PUBLISHED_ABS_TOL
    assert abs(pspin_kauzmann_temperature(3) - TK_CS_P3) > 100 * PUBLISHED_ABS_TOL


@pytest.mark.parametrize("p", PS)
def test_tk_solves_both_m1_equations(p):
    # At T_K the static 1RSB solution has m = 1: beta^2 xi'(q)(1-q) = q and beta^2 xi(q) + q + ln(1-q) = 0.
    beta2 = 1.0 / pspin_kauzmann_temperature(p) ** 2
    q = optimize.brentq(lambda q: beta2 * p * q ** (p - 2) * (1 - q) - 1, (p - 2) / (p - 1), 1 - 1e-15,
                        xtol=1e-15)  # larger root of the m = 1 plateau equation (the stable branch)
    assert abs(beta2 * q**p + q + math.log1p(-q)) < 1e-12


@pytest.mark.parametrize("p", PS)
def test_tk_below_td(p):
    assert 0 < pspin_kauzmann_temperature(p) < pspin_dynamical_temperature(p)


def test_large_p_trend():
    ps = [3, 10, 100, 10**4, 10**6]
    tk = np.array([pspin_kauzmann_temperature(p) for p in ps])
    td = np.array([pspin_dynamical_temperature(p) for p in ps])
    assert np.all(np.diff(tk) < 0)
    assert abs(td[-1] - math.exp(-0.5)) < 1e-6  # T_d -> e^{-1/2}, error O(1/p)
    # Leading-order asymptotics (derived in the docstring): u = p(1 - q_K) solves 1/u + 1 + ln(u/p) = 0 and
    # T_K^2 ~ u e^{-u}; the neglected terms are O(1/p) relative.
    p = 10**6
    u = optimize.brentq(lambda u: 1 / u + 1 + math.log(u / p), 1e-6, 1.0, xtol=1e-15)
    assert abs(tk[-1] ** 2 / (u * math.exp(-u)) - 1) < 1e-5
    # Spherical REM: T_K^2 ln p -> 1 (slowly, from below); T_K -> 0, not the Ising REM value 1/sqrt(2 ln 2).
    ratio = tk[1:] ** 2 * np.log(ps[1:])  # p = 10 .. 10^6: 0.678, 0.723, 0.793, 0.833 (p = 3 is pre-asymptotic)
    assert np.all(np.diff(ratio) > 0) and ratio[-1] < 1
    assert tk[-1] < 0.5 / math.sqrt(2 * math.log(2))


@pytest.mark.parametrize("p", PS)
def test_threshold_states_at_td_have_paramagnetic_energy(p):
    # TAP energy at temperature T of a state with zero-temperature energy E_0 (Kurchan, Parisi, Virasoro 1993;
    # Castellani and Cavagna 2005): E = E_0 q^(p/2) - beta [xi(1) - xi(q) - (1-q) xi'(q)]. For the threshold states
    # (E_0 = E_inf) at T_d with plateau q_d = (p-2)/(p-1) it equals the paramagnetic energy -beta_d xi(1).
    beta = 1 / pspin_dynamical_temperature(p)
    q = (p - 2) / (p - 1)
    e_state = pspin_threshold_energy(p) * q ** (p / 2) - beta * (1 - q**p - (1 - q) * p * q ** (p - 1))
    assert abs(e_state - (-beta)) < 1e-13
    # negative control: with the ground-state-like energy 1.1 E_inf the identity fails
    assert abs(1.1 * pspin_threshold_energy(p) * q ** (p / 2) - beta * (1 - q**p - (1 - q) * p * q ** (p - 1))
               + beta) > 1e-2


@pytest.mark.parametrize("func", [pspin_dynamical_temperature, pspin_kauzmann_temperature])
def test_bad_input(func):
    with pytest.raises(ValueError, match=r"`p` must be an integer >= 3, got 2.*no 1RSB"):
        func(2)
    with pytest.raises(ValueError, match=r"`p` must be an integer >= 3, got -1"):
        func(-1)
    with pytest.raises(ValueError, match=r"`p` must be an integer <= 1000000"):
        func(10**6 + 1)
    with pytest.raises(TypeError, match=r"`p` must be an integer, got 2.5"):
        func(2.5)
    with pytest.raises(TypeError, match=r"`p` must be an integer, got True"):
        func(True)
    with pytest.raises(TypeError, match=r"`p` must be an integer, got None"):
        func(None)
