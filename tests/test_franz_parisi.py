"""Franz-Parisi potential of the spherical pure p-spin model (book normalisation xi(q) = q^p)."""

import math

import numpy as np
import pytest
from scipy import optimize

from course_lib.spin_glasses import (
    franz_parisi_potential,
    pspin_dynamical_temperature,
    pspin_kauzmann_temperature,
)

PS = (3, 4, 5)


def _plateau(T, p):
    """Larger root q* in (q_d, 1) of the m = 1 1RSB equation beta^2 p q^(p-2) (1-q) = 1 (exists for T < T_d)."""
    qd = (p - 2) / (p - 1)
    return optimize.brentq(lambda q: p * q ** (p - 2) * (1 - q) / T**2 - 1, qd, 1 - 1e-14, xtol=1e-15)


def _stable_local_minima(T, p, n=3000):
    q = np.linspace(1e-3, 0.97, n)
    v, lam = franz_parisi_potential(q, T, p, return_replicon=True)
    d = np.diff(v)
    idx = np.flatnonzero((d[:-1] < 0) & (d[1:] >= 0)) + 1
    return [float(q[i]) for i in idx if lam[i] < 1]


def test_zero_overlap_and_shapes():
    assert franz_parisi_potential(0.0, 1.0, 3) == 0.0
    v = franz_parisi_potential(np.zeros((2, 3)), 0.9, 4)
    assert v.shape == (2, 3) and np.all(v == 0)
    v, lam = franz_parisi_potential(0.3, 0.9, 3, return_replicon=True)
    assert isinstance(v, float) and isinstance(lam, float)


@pytest.mark.parametrize("p", PS)
def test_small_overlap_expansion(p):
    # -beta V = -q^2/2 + beta^2 q^p + O(q^4): V = T q^2/2 to relative order q (p = 3) or q^2.
    T, q = 0.9, 1e-3
    assert abs(franz_parisi_potential(q, T, p) / (T * q * q / 2) - 1) < 10 * q / T**2


@pytest.mark.parametrize("p", PS)
def test_secondary_minimum_appears_at_td(p):
    td = pspin_dynamical_temperature(p)
    assert _stable_local_minima(td * 1.002, p) == []
    below = _stable_local_minima(td * 0.998, p)
    assert len(below) == 1
    # the minimum sits at the m = 1 plateau q*(T) (grid spacing ~3e-4)
    assert abs(below[0] - _plateau(td * 0.998, p)) < 2e-3


def test_negative_control_cs_temperature_is_not_the_onset():
    # Using the unconverted Crisanti-Sommers T_d (xi = q^p / 2) puts the onset far from the book's T_d:
    # a secondary minimum already exists well above T_d^CS = T_d / sqrt(2).
    td_cs = pspin_dynamical_temperature(3) / math.sqrt(2)
    assert _stable_local_minima(td_cs * 1.002, 3) != []


@pytest.mark.parametrize("p", PS)
def test_minimum_value_is_m1_free_energy_and_stationary(p):
    T = 0.5 * (pspin_dynamical_temperature(p) + pspin_kauzmann_temperature(p))
    qs = _plateau(T, p)
    b2 = 1 / T**2
    # at s = q: -beta V = beta^2 xi(q)/2 + (ln(1-q) + q)/2
    expected = -T * (b2 * qs**p / 2 + (math.log1p(-qs) + qs) / 2)
    assert abs(franz_parisi_potential(qs, T, p) - expected) < 1e-12
    h = 1e-5
    dv = (franz_parisi_potential(qs + h, T, p) - franz_parisi_potential(qs - h, T, p)) / (2 * h)
    assert abs(dv) < 1e-8
    assert expected > 0  # metastable: positive complexity between T_K and T_d


@pytest.mark.parametrize("p", PS)
def test_minimum_reaches_zero_at_tk(p):
    tk = pspin_kauzmann_temperature(p)
    assert abs(franz_parisi_potential(_plateau(tk, p), tk, p)) < 1e-12
    # just above T_K the minimum is positive, just below negative (Kauzmann condition crossed)
    assert franz_parisi_potential(_plateau(tk * 1.01, p), tk * 1.01, p) > 1e-5
    assert franz_parisi_potential(_plateau(tk * 0.99, p), tk * 0.99, p) < -1e-5


def test_replicon_marginal_at_td_minimum():
    p = 3
    td = pspin_dynamical_temperature(p)
    _, lam = franz_parisi_potential((p - 2) / (p - 1), td, p, return_replicon=True)
    assert abs(lam - 1) < 1e-9


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(q=1.0, T=1.0, p=3), ValueError, "`q`"),
        (dict(q=-0.1, T=1.0, p=3), ValueError, "`q`"),
        (dict(q=[0.2, 1.5], T=1.0, p=3), ValueError, "`q`"),
        (dict(q=[0.2, np.nan], T=1.0, p=3), ValueError, "`q`"),
        (dict(q="a", T=1.0, p=3), TypeError, "`q`"),
        (dict(q=0.5, T=0.0, p=3), ValueError, "`T`"),
        (dict(q=0.5, T=1.0, p=2), ValueError, "`p`"),
        (dict(q=0.5, T=1.0, p=3.0), TypeError, "`p`"),
        (dict(q=0.5, T=1.0, p=3, return_replicon=1), TypeError, "`return_replicon`"),
    ],
)
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        franz_parisi_potential(**kwargs)


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("q", [0.02, 0.05, 0.1])
def test_small_overlap_next_order(p, q):
    # -beta V = log(1 - q^2)/2 + beta^2 q^p + O(q^(2p)): the first-order terms in delta = s - q^2 cancel.
    T = 0.9
    lhs = -franz_parisi_potential(q, T, p) / T
    rhs = 0.5 * math.log1p(-q * q) + q**p / T**2
    assert abs(lhs - rhs) < 10 * q ** (2 * p) / T**4
    # negative control: dropping the q^4 term of the logarithm (V = T q^2 / 2 - q^p / T) fails for p >= 4
    if p >= 4 and q >= 0.05:
        assert abs(lhs - (-q * q / 2 + q**p / T**2)) > 10 * q ** (2 * p) / T**4
