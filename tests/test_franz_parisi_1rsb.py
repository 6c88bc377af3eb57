"""1RSB Franz-Parisi potential of the spherical pure p-spin model (rsb="1rsb"; Barrat, Franz and Parisi 1997).

The 1RSB saddle of the constrained replicas (p1 inside blocks of size m, p0 between blocks) is checked against its own
stationarity equations (the gradient of -beta V in (p1, p0, m), written independently of the traced branch), its
replicon conditions beta^2 xi''(p1)(1-p1)^2 <= 1 and beta^2 xi''(p0) b^2 <= 1 (b = 1 - p1 + m (p1 - p0)), and the RS
potential at both ends of the interval where it differs from RS.
"""

import math

import numpy as np
import pytest
from scipy import optimize

from course_lib.spin_glasses import (
    franz_parisi_potential,
    pspin_dynamical_temperature,
    pspin_kauzmann_temperature,
)
from course_lib.spin_glasses._pspin_statics import (
    _fp1_branch,
    _fp1_gradient,
    _fp1_minus_beta_v,
    _fp1_solve,
    _fp_rs_edges,
    _fp_saddle_gap,
)

PS = (3, 4, 5)


def _temps(p):
    td, tk = pspin_dynamical_temperature(p), pspin_kauzmann_temperature(p)
    return (0.5 * (td + tk), td, 1.03 * td)


def _replicons(p1, p0, m, T, p):
    a, b = 1 - p1, 1 - p1 + m * (p1 - p0)
    return p * (p - 1) * p1 ** (p - 2) * a * a / T**2, p * (p - 1) * p0 ** (p - 2) * b * b / T**2


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("k", range(3))
def test_saddle_is_stationary_and_stable(p, k):
    T = _temps(p)[k]
    b2 = 1 / T**2
    branch = _fp1_branch(b2, p)
    q_lo, q_hi = branch[0], branch[1]
    edges = _fp_rs_edges(b2, p)
    # the 1RSB interval contains the RS-unstable one: continuous bifurcation at its upper edge, m = 1 below its lower
    assert q_hi == edges[-1] and q_lo < edges[0]
    for q in np.linspace(q_lo, q_hi, 9)[1:-1]:
        p1, p0, m = _fp1_solve(q, branch, b2, p)
        assert q * q < p0 < p1 < 1 and 0 < m < 1
        assert max(map(abs, _fp1_gradient(q, p1, p0, m, b2, p))) < 1e-10
        assert max(_replicons(p1, p0, m, T, p)) <= 1 + 1e-12
        v1, lam1 = franz_parisi_potential(q, T, p, rsb="1rsb", return_replicon=True)
        assert v1 == -T * _fp1_minus_beta_v(q, p1, p0, m, b2, p)
        assert lam1 <= 1 + 1e-12
        # the 1RSB saddle raises V (n -> 0: the free energy is maximised over the order parameters)
        assert v1 > franz_parisi_potential(q, T, p)


@pytest.mark.parametrize("p", PS)
def test_negative_control_rs_saddle_violates_the_replicon_condition(p):
    # Inside the RS-unstable window the RS saddle, seen as the 1RSB point p1 = p0 = s, is stationary too, but its
    # replicon ratio exceeds 1 while the 1RSB saddle's do not: the same test separates the two.
    T = pspin_dynamical_temperature(p)
    b2 = 1 / T**2
    lo, hi = _fp_rs_edges(b2, p)[-2:]
    q = 0.5 * (lo + hi)
    s = 1 - _fp_saddle_gap(q, b2, p)
    assert max(map(abs, _fp1_gradient(q, s, s, 0.5, b2, p))) < 1e-10
    assert max(_replicons(s, s, 0.5, T, p)) > 1.05
    _, lam_rs = franz_parisi_potential(q, T, p, return_replicon=True)
    _, lam_1 = franz_parisi_potential(q, T, p, rsb="1rsb", return_replicon=True)
    assert lam_rs > 1.05 and lam_1 <= 1 + 1e-12


@pytest.mark.parametrize("p", PS)
def test_continuity_with_rs_at_both_ends(p):
    T = pspin_dynamical_temperature(p)
    b2 = 1 / T**2
    branch = _fp1_branch(b2, p)
    q_lo, q_hi = branch[0], branch[1]
    # lower end: m = 1 and p0 equals the RS overlap s, so V and V' join RS: difference O(delta^2)
    p0_end = branch[3][-1]
    assert abs(p0_end - (1 - _fp_saddle_gap(q_lo, b2, p))) < 1e-10
    # upper end: continuous bifurcation p1 - p0 -> 0: difference O(delta^3)
    for q_end, order in ((q_lo, 2), (q_hi, 3)):
        sign = 1 if q_end == q_lo else -1
        for delta in (1e-3, 1e-4):
            q = q_end + sign * delta
            diff = franz_parisi_potential(q, T, p, rsb="1rsb") - franz_parisi_potential(q, T, p)
            assert 0 < diff < 1e3 * delta**order
    # outside the interval rsb="1rsb" returns the RS values exactly
    q_out = np.array([0.5 * q_lo, 0.5 * (q_hi + 1)])
    assert np.array_equal(franz_parisi_potential(q_out, T, p, rsb="1rsb"), franz_parisi_potential(q_out, T, p))


def _local_minima(T, p, n=1500):
    q = np.linspace(1e-3, 0.97, n)
    v = franz_parisi_potential(q, T, p, rsb="1rsb")
    d = np.diff(v)
    return [float(q[i]) for i in np.flatnonzero((d[:-1] < 0) & (d[1:] >= 0)) + 1]


@pytest.mark.parametrize("p", PS)
def test_td_unchanged(p):
    # no stability filter needed: the 1RSB potential has no spurious stationary points in the window
    td = pspin_dynamical_temperature(p)
    assert _local_minima(td * 1.002, p) == []
    below = _local_minima(td * 0.998, p)
    qd = (p - 2) / (p - 1)
    plateau = optimize.brentq(lambda x: p * x ** (p - 2) * (1 - x) / (0.998 * td) ** 2 - 1, qd, 1 - 1e-14)
    assert len(below) == 1 and abs(below[0] - plateau) < 2e-3  # grid spacing 6.5e-4


def test_no_window_means_rs():
    T = 1.5 * pspin_dynamical_temperature(3)
    q = np.linspace(0, 0.9, 50)
    assert _fp1_branch(1 / T**2, 3) is None
    assert np.array_equal(franz_parisi_potential(q, T, 3, rsb="1rsb"), franz_parisi_potential(q, T, 3))


def test_branch_reaches_q0_at_tk():
    # at T_K the interval where 1RSB differs from RS extends down to q = 0 (static transition of the reference)
    tk = pspin_kauzmann_temperature(3)
    assert _fp1_branch(1 / tk**2, 3)[0] < 1e-6
    assert _fp1_branch(1 / (1.01 * tk) ** 2, 3)[0] > 0.05


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(q=0.4, T=1.0, p=3, rsb="2rsb"), ValueError, "`rsb`"),
        (dict(q=0.4, T=1.0, p=3, rsb=1), TypeError, "`rsb`"),
        (dict(q=0.4, T=0.8, p=3, rsb="1rsb"), ValueError, "`T`"),
        (dict(q=0.4, T=1.0, p=51, rsb="1rsb"), ValueError, "`p`"),
    ],
)
def test_bad_input_1rsb(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        franz_parisi_potential(**kwargs)


def test_scalar_and_shape():
    T = pspin_dynamical_temperature(3)
    v, lam = franz_parisi_potential(0.4, T, 3, rsb="1rsb", return_replicon=True)
    assert isinstance(v, float) and isinstance(lam, float) and math.isfinite(v)
    arr = franz_parisi_potential(np.full((2, 2), 0.4), T, 3, rsb="1rsb")
    assert arr.shape == (2, 2) and np.all(arr == v)


def test_negative_control_frozen_breakpoint_is_not_stationary():
    # A plausible mistake: keep m at its bifurcation value xi'''(s)(1-s)/(2 xi''(s)) = 1/2 (p = 3 at T_d) instead of
    # extremising it; solving the other two equations at that m leaves a gradient far above the 1e-10 tolerance.
    T, p, q = pspin_dynamical_temperature(3), 3, 0.35
    b2 = 1 / T**2
    m = 0.5

    def eqs(x):
        p1, p0 = x
        a, b = 1 - p1, 1 - p1 + m * (p1 - p0)
        return [b2 * p * p0 ** (p - 1) * b * b - (p0 - q * q), b2 * p * (p1 ** (p - 1) - p0 ** (p - 1)) * a * b - (p1 - p0)]

    p1, p0, m_true = _fp1_solve(q, _fp1_branch(b2, p), b2, p)
    x = optimize.fsolve(eqs, [p1, p0], xtol=1e-14)
    assert max(map(abs, eqs(x))) < 1e-12 and x[0] - x[1] > 0.05  # a genuine 1RSB point, only m is wrong
    assert abs(_fp1_gradient(q, x[0], x[1], m, b2, p)[2]) > 1e-4
    assert abs(m_true - m) > 0.1


def _logdet_functional(q, p1, p0, m, n_blocks):
    """(1/2n) log det of the explicit Gram matrix of the tau^a = sigma^a - q sigma_0 for integer m and n = m n_blocks."""
    m, n = int(m), int(m) * n_blocks
    g = np.full((n, n), p0 - q * q)
    for k in range(n_blocks):
        g[k * m:(k + 1) * m, k * m:(k + 1) * m] = p1 - q * q
    np.fill_diagonal(g, 1 - q * q)
    return 0.5 * np.linalg.slogdet(g)[1] / n


def test_gram_matrix_eigenvalues_of_the_proof():
    # The proof's eigenvalues a (multiplicity n - n/m), b (n/m - 1), b + n (p0 - q^2) (once), checked against an explicit
    # matrix at integer m and n; their n -> 0 limit is the entropic part of _fp1_minus_beta_v.
    q, p1, p0 = 0.3, 0.6, 0.2
    for m, n_blocks in ((2, 3), (3, 4), (5, 2)):
        n = m * n_blocks
        a, b = 1 - p1, 1 - p1 + m * (p1 - p0)
        formula = 0.5 * ((n - n / m) * math.log(a) + (n / m - 1) * math.log(b) + math.log(b + n * (p0 - q * q))) / n
        assert abs(_logdet_functional(q, p1, p0, m, n_blocks) - formula) < 1e-12
    # n -> 0 limit: the entropic terms of the functional (beta = 0 removes the energy; the q^p term vanishes with it)
    m = 0.7
    a, b = 1 - p1, 1 - p1 + m * (p1 - p0)
    exact = lambda n: 0.5 * ((n - n / m) * math.log(a) + (n / m - 1) * math.log(b)  # noqa: E731
                             + math.log(b + n * (p0 - q * q))) / n
    assert abs(exact(1e-7) - _fp1_minus_beta_v(q, p1, p0, m, 0.0, 3)) < 1e-6


def test_gradient_matches_finite_differences_of_the_functional():
    # _fp1_gradient (hand-derived) against central differences of _fp1_minus_beta_v at a generic, non-saddle point;
    # a sign or factor error in any component (e.g. dropping (m-1)/2 in the p1-derivative) is far above 1e-7.
    q, p1, p0, m, b2, p = 0.35, 0.58, 0.21, 0.64, 1.3, 3
    h = 1e-6
    x = np.array([p1, p0, m])
    fd = []
    for i in range(3):
        e = np.zeros(3)
        e[i] = h
        fd.append((_fp1_minus_beta_v(q, *(x + e), b2, p) - _fp1_minus_beta_v(q, *(x - e), b2, p)) / (2 * h))
    assert np.allclose(_fp1_gradient(q, p1, p0, m, b2, p), fd, atol=1e-7, rtol=0)


@pytest.mark.parametrize("p", PS)
def test_saddle_is_a_local_maximum_of_v_in_the_order_parameters(p):
    # n -> 0: -beta V_1 is a local minimum in (p1, p0, m) at the 1RSB saddle (the Hessian is positive definite),
    # i.e. V_1 a local maximum; smallest eigenvalue 2e-3 (p = 3, near the upper edge), finite-difference error ~1e-7.
    T = 0.5 * (pspin_dynamical_temperature(p) + pspin_kauzmann_temperature(p))
    b2 = 1 / T**2
    branch = _fp1_branch(b2, p)
    h = 1e-4
    for q in np.linspace(branch[0], branch[1], 6)[1:-1]:
        x = np.array(_fp1_solve(q, branch, b2, p))
        f = lambda y: _fp1_minus_beta_v(q, *y, b2, p)  # noqa: E731
        hess = np.empty((3, 3))
        for i in range(3):
            for j in range(3):
                ei, ej = np.eye(3)[i] * h, np.eye(3)[j] * h
                hess[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h * h)
        assert np.linalg.eigvalsh(hess).min() > 1e-5
