"""Tests of the K = 2 committee machine: orthant probabilities, state evolution, specialisation, AMP."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from course_lib import teacher_student as ts


def test_bivariate_normal_cdf_against_scipy_and_sheppard():
    rng = np.random.default_rng(0)
    for _ in range(6):
        a, b = rng.standard_normal(2) * 1.5
        r = rng.uniform(-0.9, 0.9)
        ref = stats.multivariate_normal([0, 0], [[1, r], [r, 1]]).cdf([a, b])
        assert_allclose(ts.bivariate_normal_cdf(a, b, r), ref, rtol=1e-6, atol=1e-12)
    # Sheppard's formula: Phi_2(0, 0; r) = 1/4 + arcsin(r) / (2 pi)
    assert_allclose(ts.bivariate_normal_cdf(0.0, 0.0, 0.3), 0.25 + np.arcsin(0.3) / (2 * np.pi), rtol=1e-12)


def test_channel_update_at_zero_overlap():
    # at q = 0: Z(+-2) = 1/4 with gradient +-(1, 1) phi(0) / 2, Z(0) = 1/2 with zero gradient: q_hat = (alpha / pi) 11^T
    assert_allclose(ts.committee_channel_update(np.zeros((2, 2)), 2.0), 2.0 / np.pi * np.ones((2, 2)), rtol=1e-10)


def test_gibbs_error_limits():
    assert_allclose(ts.committee_gibbs_error(np.zeros((2, 2))), 5 / 8, rtol=1e-10)  # 1 - (1/16 + 1/16 + 1/4)
    assert ts.committee_gibbs_error(0.999 * np.eye(2)) < 0.03


def test_state_evolution_small_alpha_and_symmetric_subspace():
    # small alpha: q ~ q_hat = (alpha / pi) 11^T, so q_diag = q_off ~ alpha / pi
    fp = ts.committee_state_evolution(0.01)
    assert fp.converged and abs(fp.q_diag - fp.q_off) < 1e-8
    assert_allclose(fp.q_diag, 0.01 / np.pi, rtol=0.05)
    # an exactly non-specialised start stays non-specialised (permutation symmetry)
    fp = ts.committee_state_evolution(3.0, init=0.1 * np.ones((2, 2)), n_iter=1000, tol=1e-12)
    assert abs(fp.q[0, 0] - fp.q[0, 1]) < 1e-10


def test_specialisation_threshold():
    # Regression value computed by this library (no published number is compared): alpha_spec = 2.0524 for
    # alpha = n / p, labels sign(z1) + sign(z2) in {-2, 0, 2} (tie convention sign 0 = 0), Gaussian prior.
    # The independent checks below: quadrature convergence, lambda crossing one, and the SE fixed points on both sides.
    a = ts.committee_specialisation_threshold()
    assert_allclose(a, 2.0524, atol=5e-4)
    assert_allclose(ts.committee_specialisation_threshold(n_nodes=80), a, atol=1e-6)  # quadrature converged
    assert ts.committee_specialisation_stability(a - 0.2) < 1 < ts.committee_specialisation_stability(a + 0.2)
    below, above = ts.committee_state_evolution(a - 0.3), ts.committee_state_evolution(a + 0.5)
    assert abs(below.q_diag - below.q_off) < 1e-4 and above.q_diag - above.q_off > 0.1
    assert above.gibbs_error < below.gibbs_error


def test_amp_tracks_state_evolution():
    rng = np.random.default_rng(7)
    p, alpha = 1000, 3.0
    X, y, W = ts.committee_data(int(alpha * p), p, rng=rng)
    res = ts.committee_amp(X, y, n_iter=300, W_star=W, rng=rng)
    o = res.overlaps[-1]
    if o[0, 0] + o[1, 1] < o[0, 1] + o[1, 0]:  # hidden units are learned up to a permutation
        o = o[:, ::-1]
    fp = ts.committee_state_evolution(alpha)
    # finite-size fluctuations of overlaps are O(p^{-1/2}) ~ 0.03; allow 0.08
    assert res.converged
    assert_allclose(np.diag(o), fp.q_diag, atol=0.08)
    assert_allclose([o[0, 1], o[1, 0]], fp.q_off, atol=0.08)


def test_bad_input():
    with pytest.raises(ValueError, match="`alpha` must be > 0"):
        ts.committee_state_evolution(0.0)
    with pytest.raises(ValueError, match="`K` must be 2"):
        ts.committee_state_evolution(1.0, K=3)
    with pytest.raises(ValueError, match="`prior` must be one of"):
        ts.committee_state_evolution(1.0, prior="rademacher")
    with pytest.raises(ValueError, match="symmetric 2 x 2"):
        ts.committee_gibbs_error(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="eigenvalues in"):
        ts.committee_gibbs_error(2 * np.eye(2))
    with pytest.raises(ValueError, match=r"\|r\| < 1"):
        ts.bivariate_normal_cdf(0.0, 0.0, 1.0)
    X, y, _ = ts.committee_data(20, 10, rng=0)
    with pytest.raises(ValueError, match="same number of rows"):
        ts.committee_amp(X, y[:-1])
    with pytest.raises(ValueError, match=r"values in \{-2, 0, 2\}"):
        ts.committee_amp(X, y + 1)
    with pytest.raises(ValueError, match="`W_star` must have shape"):
        ts.committee_amp(X, y, W_star=np.zeros((10, 3)))
    with pytest.raises(ValueError, match="`bracket` = .* does not bracket"):
        ts.committee_specialisation_threshold(n_nodes=20, bracket=(2.5, 3.0))
    with pytest.raises(ValueError, match=r"`bracket\[1\]` must be >"):
        ts.committee_specialisation_threshold(bracket=(3.0, 1.0))
    with pytest.warns(RuntimeWarning, match="did not converge"):
        ts.committee_state_evolution(3.0, n_iter=2)
