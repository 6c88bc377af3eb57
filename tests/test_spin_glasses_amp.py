"""Tests of Bolthausen's AMP for the SK model and its state evolution (course_lib.spin_glasses.sk_amp*)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate

import course_lib.spin_glasses as sg

# Reference facts used below
# - The fixed point of q_{t+1} = E tanh^2(beta h + beta sqrt(q_t) z) is the replica-symmetric q of Sherrington and
#   Kirkpatrick (1975), computed independently by sk_replica_symmetric (adaptive quadrature + brentq).
# - The slope of the overlap map at q is beta^2 E sech^4 = 1 - replicon (de Almeida and Thouless 1978);
#   above the AT line (high temperature) it is < 1 and the AMP iterates converge (Bolthausen 2014, main theorem).


def _gauss_quad(fun):
    return integrate.quad(lambda z: fun(z) * np.exp(-z * z / 2) / np.sqrt(2 * np.pi), -np.inf, np.inf,
                          epsabs=1e-14, epsrel=1e-13)[0]


@pytest.mark.parametrize("beta,h", [(1.0, 0.5), (0.5, 0.2), (1.5, 1.0)])
def test_state_evolution_fixed_point_is_rs_q(beta, h):
    rs = sg.sk_replica_symmetric(1.0 / beta, h)
    se = sg.sk_amp_state_evolution(beta, h, n_iter=120, m0=0.0)
    assert_allclose(se.q[-1], rs.q, rtol=1e-9)
    assert_allclose(se.q_rs, rs.q, rtol=1e-12)
    assert_allclose(se.rate, 1.0 - rs.replicon, rtol=1e-9)


def test_state_evolution_diagonal_is_the_scalar_recursion():
    beta, h, c = 1.2, 0.4, 0.9
    se = sg.sk_amp_state_evolution(beta, h, n_iter=6, m0=c)
    q = c * c
    for t in range(1, 7):
        q = _gauss_quad(lambda z, q=q: np.tanh(beta * h + beta * np.sqrt(q) * z) ** 2)
        assert_allclose(se.q[t], q, rtol=1e-10)
    # first off-diagonal entries: Gamma_{0,1} = c E tanh(beta h + beta c z)
    assert_allclose(se.overlaps[0, 1], c * _gauss_quad(lambda z: np.tanh(beta * h + beta * c * z)), rtol=1e-10)
    # an off-diagonal entry by two-dimensional adaptive quadrature: Gamma_{12} = E tanh(bh + b c z) tanh(bh + b y)
    # with y = c_01 / c z + sqrt(q_1 - (c_01 / c)^2) z', c_01 = Gamma_{01}
    r, s = se.overlaps[0, 1] / c, np.sqrt(se.q[1] - (se.overlaps[0, 1] / c) ** 2)
    g12 = integrate.dblquad(lambda u, z: np.tanh(beta * h + beta * c * z) * np.tanh(beta * h + beta * (r * z + s * u))
                            * np.exp(-(z * z + u * u) / 2) / (2 * np.pi), -12, 12, -12, 12, epsabs=1e-12)[0]
    assert_allclose(se.overlaps[1, 2], g12, rtol=1e-8)


def test_bolthausen_start_keeps_q_and_converges_above_at():
    beta, h = 1.0, 0.5  # T = 1 > T_AT(0.5) = 0.535
    se = sg.sk_amp_state_evolution(beta, h, n_iter=60)
    assert_allclose(se.q, se.q_rs, rtol=1e-10)
    assert se.rate < 1
    assert_allclose(se.overlaps[-1, -2], se.q_rs, rtol=1e-10)
    # increments decay geometrically at the rate beta^2 E sech^4 (ratio of successive increments)
    ratios = se.increments[21:31] / se.increments[20:30]
    assert_allclose(ratios, se.rate, rtol=1e-3)


def test_below_at_line_the_overlaps_do_not_converge():
    beta, h = 2.5, 0.5  # T = 0.4 < T_AT(0.5) = 0.535
    se = sg.sk_amp_state_evolution(beta, h, n_iter=80)
    assert se.rate > 1
    assert se.q_rs - se.overlaps[-1, -2] > 0.1
    assert se.increments[-1] > 0.1


def test_high_temperature_zero_field_is_trivial():
    se = sg.sk_amp_state_evolution(0.5, 0.0, n_iter=5, m0=0.0)
    assert_allclose(se.overlaps, 0.0, atol=1e-15)
    run = sg.sk_amp(sg.sk_couplings(50, rng=0), 0.5, 0.0, n_iter=5, m0=0.0)
    assert_allclose(run.m, 0.0, atol=1e-15)


def test_amp_follows_state_evolution_and_naive_iteration_does_not():
    """At N = 1500 the Gram matrix of 3 instances is within O(N^-1/2) of state evolution; without Onsager it is not.

    Tolerance 0.05 ~ 2/sqrt(N): the instance-to-instance spread at N = 1500 is about 0.015 (measured over seeds);
    the naive iteration deviates by about 0.3.
    """
    beta, h, n_it = 1.0, 0.5, 12
    rng = np.random.default_rng(20261207)
    se = sg.sk_amp_state_evolution(beta, h, n_iter=n_it, m0=0.0)
    dev, dev_naive = [], []
    for _ in range(3):
        J = sg.sk_couplings(1500, rng=rng)
        dev.append(sg.sk_amp(J, beta, h, n_iter=n_it, m0=0.0).overlaps - se.overlaps)
        dev_naive.append(sg.sk_amp(J, beta, h, n_iter=n_it, m0=0.0, onsager=False).overlaps - se.overlaps)
    assert np.abs(np.mean(dev, axis=0)).max() < 0.05
    assert np.abs(np.mean(dev_naive, axis=0)).max() > 0.2


def test_tap_residual_rate_and_fixed_point():
    beta, h = 1.0, 0.5
    rng = np.random.default_rng(7)
    J = sg.sk_couplings(1500, rng=rng)
    run = sg.sk_amp(J, beta, h, n_iter=120, tol=1e-9)
    se = sg.sk_amp_state_evolution(beta, h, n_iter=5)
    assert run.converged and run.tap_residual[-1] < 1e-9
    t = np.arange(3, 15)
    rate = np.exp(np.polyfit(t, np.log(run.tap_residual[t] ** 2), 1)[0])
    assert abs(rate - se.rate) < 0.06
    assert abs(rate - beta**2 * (1 - se.q_rs)) > 0.06  # the plausible wrong rate beta^2 (1 - q) is rejected
    # the fixed point solves TAP with q = |m|^2 / N close to the RS q
    assert abs(run.overlaps[-1, -1] - se.q_rs) < 0.05


def test_scalar_and_vector_start_agree_and_diagonal_is_ignored():
    J = sg.sk_couplings(60, rng=3)
    a = sg.sk_amp(J, 0.7, 0.3, n_iter=4, m0=0.2)
    J2 = J.copy()
    np.fill_diagonal(J2, 5.0)
    b = sg.sk_amp(J2, 0.7, 0.3, n_iter=4, m0=np.full(60, 0.2))
    assert_allclose(a.overlaps, b.overlaps, rtol=1e-14)
    assert a.overlaps.shape == (5, 5) and a.increments.shape == (4,) and a.tap_residual.shape == (5,)


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(J=np.ones((3, 4))), ValueError, "`J` must be a square"),
        (dict(J=np.triu(np.ones((4, 4)))), ValueError, "`J` must be symmetric"),
        (dict(J=np.full((4, 4), np.nan)), ValueError, "`J` must contain only finite"),
        (dict(beta=0.0), ValueError, "`beta` must be > 0"),
        (dict(beta=100.0), ValueError, "`beta` must be <= 50"),
        (dict(h=np.inf), ValueError, "`h` must be finite"),
        (dict(n_iter=0), ValueError, "`n_iter` must be an integer >= 1"),
        (dict(m0=1.5), ValueError, "`m0` must be <= 1"),
        (dict(m0=np.zeros(3)), ValueError, "`m0` must have length N = 4"),
        (dict(m0=np.full(4, 2.0)), ValueError, r"`m0` must have entries in \[-1, 1\]"),
        (dict(onsager=1), TypeError, "`onsager` must be a bool"),
        (dict(tol=-1.0), ValueError, "`tol` must be >= 0"),
    ],
)
def test_sk_amp_bad_input(kwargs, exc, match):
    args = dict(J=sg.sk_couplings(4, rng=0), beta=0.5, h=0.5)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        sg.sk_amp(**args)


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(beta=-1.0), ValueError, "`beta` must be > 0"),
        (dict(h=30.0), ValueError, "`h` must be <= 20"),
        (dict(n_iter=5000), ValueError, "`n_iter` must be an integer <= 2000"),
        (dict(n_iter=2.0), TypeError, "`n_iter` must be an integer"),
        (dict(m0=-2.0), ValueError, "`m0` must be >= -1"),
    ],
)
def test_state_evolution_bad_input(kwargs, exc, match):
    args = dict(beta=0.5, h=0.5)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        sg.sk_amp_state_evolution(**args)


def test_below_at_increments_stay_of_order_one_and_above_they_vanish():
    """The criterion of the lecture's below-AT check (last 10 increments > 0.1, TAP residual > 0.1) holds at T = 0.4
    and fails at T = 1 (negative control), at h = 0.5, T_AT = 0.535."""
    rng = np.random.default_rng(11)
    J = sg.sk_couplings(1000, rng=rng)
    cold = sg.sk_amp(J, 2.5, 0.5, n_iter=30)
    hot = sg.sk_amp(J, 1.0, 0.5, n_iter=30)
    assert cold.increments[-10:].min() > 0.1 and cold.tap_residual[-1] > 0.1
    assert hot.increments[-10:].max() < 0.1 and hot.tap_residual[-1] < 0.1
