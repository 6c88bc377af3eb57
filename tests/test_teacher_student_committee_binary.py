"""Tests of the binary-prior committee machine: state evolution, free entropy, thresholds, AMP with binary prior."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from course_lib import teacher_student as ts
from course_lib.teacher_student import _committee_binary as cb


def test_gaussian_prior_results_unchanged():
    # regression values of committee_state_evolution(prior="gaussian") before the binary prior was added
    # (the same numbers as the Aubin et al. 2018 data checked in lectures/06_teacher_student/committee_machine)
    fp = ts.committee_state_evolution(3.0, tol=1e-9, n_iter=5000)
    assert_allclose([fp.q_diag, fp.q_off], [0.6526, 0.1617], atol=5e-4)
    assert_allclose(ts.committee_state_evolution(0.25).q_diag, 0.0748, atol=5e-4)
    # Gaussian free entropy at small alpha: f ~ alpha * sum_y P(y) log P(y) = -alpha (3/2) log 2 at q = 0
    assert_allclose(ts.committee_state_evolution(1e-3).free_entropy, -1e-3 * 1.5 * math.log(2), rtol=2e-3)


def test_binary_denoiser_exact_sum():
    rng = np.random.default_rng(0)
    B = rng.standard_normal((5, 2))
    A = np.array([[1.0, 0.3], [0.3, 0.5]])
    S = np.array([[s1, s2] for s1 in (1, -1) for s2 in (1, -1)], float)
    mean, cov, logz = cb.binary_denoiser(B, A)
    for i in range(5):
        e = np.exp(S @ B[i] - 0.5 * np.einsum("ck,kl,cl->c", S, A, S))
        m = (e @ S) / e.sum()
        assert_allclose(mean[i], m, rtol=1e-12)
        assert_allclose(cov[i], (S.T * e) @ S / e.sum() - np.outer(m, m), atol=1e-12)
        assert_allclose(logz[i], np.log(e.sum() / 4), rtol=1e-12)
    # A = 0, B = 0: uniform, mean 0, covariance I
    mean, cov, logz = cb.binary_denoiser(np.zeros((1, 2)), np.zeros((2, 2)))
    assert_allclose(cov[0], np.eye(2), atol=1e-15) and assert_allclose(logz, 0.0, atol=1e-15)


def test_binary_small_alpha_and_symmetric_quadrature():
    # q = 0: q_hat = (alpha / pi) 11^T; the binary prior step is q = q_hat + O(q_hat^2) as for the Gaussian prior
    fp = ts.committee_state_evolution(0.01, prior="binary", tol=1e-12)
    assert_allclose(fp.q_diag, 0.01 / np.pi, rtol=0.05)
    # free entropy at alpha -> 0: alpha * sum_y P(y) log P(y), P = (1/4, 1/2, 1/4)
    assert_allclose(fp.free_entropy, -0.01 * 1.5 * math.log(2), rtol=0.02)
    # the one-dimensional quadrature along (1, 1) is exact on matrices proportional to 11^T
    q = 0.2 * np.ones((2, 2))
    assert_allclose(cb._channel_step(q, 40, sym=True)[0], cb._channel_step(q, 40)[0], rtol=1e-8)
    assert_allclose(cb._prior_step(0.7 * np.ones((2, 2)), 40, sym=True)[0], cb._prior_step(0.7 * np.ones((2, 2)), 40)[0],
                    rtol=1e-8)


def test_k1_reduces_to_binary_perceptron():
    # K = 1 binary prior = teacher-student binary perceptron with sign activation. Reference numbers:
    # Gyorgyi, Phys. Rev. A 41, 7097 (1990): alpha_IT ~ 1.245; Barbier et al., PNAS 116, 5451 (2019): alpha_alg ~ 1.493
    # (they quote alpha_IT ~ 1.249; the independent GLM code of this library, binary_teacher_thresholds, gives 1.2447).
    th = ts.committee_binary_thresholds(K=1, n_nodes=80, tol=1e-4)  # 80 nodes: prior step accurate to 1e-7
    assert_allclose(th.alpha_it, 1.245, atol=1e-3)
    assert_allclose(th.alpha_alg, 1.493, atol=1e-3)
    ref = ts.binary_teacher_thresholds()
    assert_allclose([th.alpha_it, th.alpha_alg], [ref.alpha_it, ref.alpha_alg], atol=2e-4)
    # negative control: dropping the -Tr(q q_hat)/2 term of f_RS moves the crossing far outside the tolerance
    fp = ts.committee_state_evolution(1.245, K=1, prior="binary", tol=1e-12, n_iter=5000)
    assert abs(fp.free_entropy + math.log(2)) < 2e-3
    wrong = fp.free_entropy + 0.5 * float(np.trace(fp.q @ fp.q_hat))
    assert abs(wrong + math.log(2)) > 0.1
    # the K = 1 overlap matches the GLM library's state evolution
    glm = ts.glm_state_evolution(1.0, "rademacher", "sign", 0.0, init="uninformed", tol=1e-12)
    k1 = ts.committee_state_evolution(1.0, K=1, prior="binary", tol=1e-12)
    assert_allclose(k1.q_diag, glm.m, atol=1e-6)


def test_k2_binary_thresholds():
    # Computed by this library (Aubin et al. 2018 show the K = 2 binary phase diagram in a figure; no table of values
    # was available to compare): alpha_IT = 1.546 < alpha_spec = 1.589 < alpha_alg = 1.977.
    th = ts.committee_binary_thresholds(K=2, n_nodes=30, tol=2e-3)
    assert_allclose([th.alpha_it, th.alpha_spec, th.alpha_alg], [1.546, 1.589, 1.977], atol=4e-3)
    # in the hard phase the uninformed fixed point is below the perfect one in free entropy, above alpha_alg SE escapes
    fp = ts.committee_state_evolution(1.8, prior="binary", n_nodes=30, tol=1e-9, n_iter=5000)
    assert fp.converged and fp.free_entropy < -2 * math.log(2) and fp.q_diag - fp.q_off > 0.1
    fine = ts.committee_state_evolution(1.8, prior="binary", n_nodes=60, init=fp.q, tol=1e-9, n_iter=5000)
    assert_allclose(fine.q, fp.q, atol=1e-4)  # quadrature converged on the (specialised) uninformed branch
    assert_allclose(fine.free_entropy, fp.free_entropy, atol=1e-5)
    below = ts.committee_state_evolution(1.5, prior="binary", n_nodes=30, tol=1e-9, n_iter=5000)
    assert below.free_entropy > -2 * math.log(2) and abs(below.q_diag - below.q_off) < 1e-4


def test_perfect_recovery_fixed_point_and_se_hysteresis():
    # beyond alpha_alg the iteration from an uninformed start reaches q = I with f_RS = -K log 2 (perfect recovery)
    fp = ts.committee_state_evolution(2.4, prior="binary", n_nodes=30)
    assert fp.converged and np.abs(fp.q - np.eye(2)).max() < 1e-8 and fp.gibbs_error < 1e-8
    assert_allclose(fp.free_entropy, -2 * math.log(2), atol=1e-4)
    k1 = ts.committee_state_evolution(1.6, K=1, prior="binary")
    assert k1.converged and abs(k1.q_diag - 1) < 1e-8 and abs(k1.free_entropy + math.log(2)) < 1e-4
    # in the hard phase an informed start stays at perfect recovery, an uninformed one does not (hysteresis)
    hot = ts.committee_state_evolution(1.9, prior="binary", init=0.95 * np.eye(2), n_nodes=30)
    cold = ts.committee_state_evolution(1.9, prior="binary", n_nodes=30, tol=1e-9, n_iter=5000)
    assert abs(hot.q_diag - 1) < 1e-8 and cold.q_diag < 0.7
    # the sinh-mapped rule near q = I agrees with Gauss-Hermite where both are accurate, and GH fails close to I
    q = np.array([[0.75, 0.05], [0.05, 0.7]])
    a = cb._channel_step(q, 60)[0]
    cb_switch = cb.V_SWITCH
    try:
        cb.V_SWITCH = 0.5
        b = cb._channel_step(q, 60)[0]
    finally:
        cb.V_SWITCH = cb_switch
    assert_allclose(a, b, rtol=1e-5)
    q = np.array([[0.999]])
    assert_allclose(cb._channel_step(q, 60)[0], cb._channel_step(q, 120)[0], rtol=1e-6)


def test_amp_binary_hysteresis_and_negative_control():
    rng = np.random.default_rng(3)
    p, a = 500, 1.9  # alpha_IT < a < alpha_alg: the hard phase
    X, y, W = ts.committee_data(int(a * p), p, rng=rng, prior="binary")
    assert set(np.unique(W).tolist()) == {-1.0, 1.0}
    cold = ts.committee_amp(X, y, n_iter=300, W_star=W, rng=rng, prior="binary").overlaps[-1]
    hot = ts.committee_amp(X, y, n_iter=300, W_star=W, rng=rng, prior="binary", W_init=0.99 * W).overlaps[-1]
    se = ts.committee_state_evolution(a, prior="binary", n_nodes=30, tol=1e-9, n_iter=5000)
    # the mean overlap (1/4) sum_kl q_kl is permutation invariant and insensitive to how far the (slow) symmetry
    # breaking has gone; finite-size fluctuations O(p^{-1/2}) / 2 ~ 0.02, tolerance 0.05
    tol = 0.05
    assert abs(cold.mean() - se.q.mean()) < tol
    assert np.diag(hot).min() > 0.97  # the informed start stays at perfect recovery: hysteresis
    # negative controls: the perfect branch (mean overlap 1/2) and counting samples per weight (alpha / 2) are rejected
    assert abs(cold.mean() - 0.5) > tol
    assert abs(cold.mean() - ts.committee_state_evolution(a / 2, prior="binary", n_nodes=30).q.mean()) > tol


def test_bad_input_binary():
    with pytest.raises(ValueError, match="`K` must be 1 or 2"):
        ts.committee_state_evolution(1.0, K=3, prior="binary")
    with pytest.raises(ValueError, match="`K` must be 2"):
        ts.committee_state_evolution(1.0, K=1)
    with pytest.raises(ValueError, match="symmetric 1 x 1"):
        ts.committee_state_evolution(1.0, K=1, prior="binary", init=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="`K` must be an integer <= 2"):
        ts.committee_binary_thresholds(K=3)
    with pytest.raises(ValueError, match="`tol`"):
        ts.committee_binary_thresholds(tol=0.5)
    with pytest.raises(ValueError, match="`prior` must be one of"):
        ts.committee_data(10, 5, prior="ising")
    X, y, W = ts.committee_data(20, 5, rng=0)
    with pytest.raises(ValueError, match="`W_init` must have shape"):
        ts.committee_amp(X, y, W_init=np.zeros((4, 2)))
    with pytest.raises(ValueError, match="`prior` must be one of"):
        ts.committee_amp(X, y, prior="ising")
