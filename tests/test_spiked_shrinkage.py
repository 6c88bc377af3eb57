"""Tests of rmt.spiked_covariance_shrinkage (Donoho, Gavish, Johnstone 2018, Ann. Statist. 46)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from course_lib import rmt


@pytest.mark.parametrize("gamma", [0.1, 0.5, 1.0, 2.0])
@pytest.mark.parametrize("theta", [1.5, 3.0, 10.0])
def test_operator_shrinker_inverts_bbp_map(gamma, theta):
    # DGJ (2018): ell(lambda) inverts lambda = ell (1 + gamma/(ell-1)) above the edge.
    if theta <= np.sqrt(gamma):
        pytest.skip("below threshold")
    lam = rmt.spiked_covariance_top_eigenvalue(theta, gamma)
    assert_allclose(rmt.spiked_covariance_shrinkage(lam, gamma, loss="operator"), 1.0 + theta, rtol=1e-12)


def test_frobenius_shrinker_closed_form():
    # gamma = 1, theta = 2: lambda = 3 * 1.5 = 4.5, c^2 = (1 - 1/4)/(1 + 1/2) = 1/2, eta = 3/2 + 1/2 = 2.
    assert_allclose(rmt.spiked_covariance_shrinkage(4.5, 1.0), 2.0, rtol=1e-12)


def test_bulk_maps_to_one_and_shape_kept():
    lam = np.array([[0.0, 1.0], [(1 + np.sqrt(0.3)) ** 2, 10.0]])
    out = rmt.spiked_covariance_shrinkage(lam, 0.3)
    assert out.shape == (2, 2)
    assert_allclose(out.ravel()[:3], 1.0)
    assert 1.0 < out[1, 1] < 10.0  # shrunk towards one


def test_frobenius_never_exceeds_operator():
    lam = np.linspace(0.0, 20.0, 201)
    fro = rmt.spiked_covariance_shrinkage(lam, 0.5)
    op = rmt.spiked_covariance_shrinkage(lam, 0.5, loss="operator")
    assert np.all(fro <= op + 1e-12) and np.all(fro >= 1.0)


def test_bad_input():
    with pytest.raises(ValueError, match="eigenvalues"):
        rmt.spiked_covariance_shrinkage([-1.0], 0.5)
    with pytest.raises(ValueError, match="gamma"):
        rmt.spiked_covariance_shrinkage([1.0], 0.0)
    with pytest.raises(ValueError, match="loss"):
        rmt.spiked_covariance_shrinkage([1.0], 0.5, loss="nuclear")
    with pytest.raises(TypeError, match="gamma"):
        rmt.spiked_covariance_shrinkage([1.0], "a")
    with pytest.raises(ValueError, match="eigenvalues"):
        rmt.spiked_covariance_shrinkage([np.nan], 0.5)


def test_wrong_overlap_formula_rejected():
    # negative control of the notebook's overlap check (theta = 2, gamma = 1/2, tolerance about 0.033 there):
    # forgetting the denominator, 1 - gamma/theta^2 = 0.875, is far from the right (1 - 1/8)/(1 + 1/4) = 0.7.
    theta, gamma = 2.0, 0.5
    assert abs(rmt.spiked_covariance_overlap(theta, gamma) - 0.7) < 1e-12
    assert abs((1 - gamma / theta**2) - rmt.spiked_covariance_overlap(theta, gamma)) > 0.1


def test_optimal_shrinker_minimises_rank_one_loss():
    # the Frobenius shrinker minimises (eta-1)^2 + (ell-1)^2 - 2 (eta-1)(ell-1) c^2 (DGJ 2018, rank-one case).
    theta, gamma = 1.0, 0.5
    lam = rmt.spiked_covariance_top_eigenvalue(theta, gamma)
    c2 = rmt.spiked_covariance_overlap(theta, gamma)
    etas = np.linspace(1.0, 3.0, 2001)
    loss = (etas - 1) ** 2 + theta**2 - 2 * (etas - 1) * theta * c2
    assert abs(etas[np.argmin(loss)] - rmt.spiked_covariance_shrinkage(lam, gamma)) < 2e-3
