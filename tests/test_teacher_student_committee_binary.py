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
    # Computed by this library (no table of values in Aubin et al. 2018 could be confirmed; their poster and stored
    # state-evolution data are compared below): alpha_IT = 1.546 < alpha_spec = 1.589 < alpha_alg = 1.977.
    th = ts.committee_binary_thresholds(K=2, n_nodes=30, tol=2e-3)
    assert_allclose([th.alpha_it, th.alpha_spec, th.alpha_alg], [1.546, 1.589, 1.977], atol=4e-3)
    # in the hard phase the uninformed fixed point is below the perfect one in free entropy, above alpha_alg SE escapes
    fp = ts.committee_state_evolution(1.8, prior="binary", n_nodes=30, tol=1e-9, n_iter=5000)
    assert fp.converged and fp.free_entropy < -2 * math.log(2) and fp.q_diag - fp.q_off > 0.1
    # Aubin et al.'s own state evolution (data file Python/Data/BackupObj_SE_binary_K=2/
    # SE_backupObject_binary_K=2_alpha=1.8000.pkl of github.com/benjaminaubin/TheCommitteeMachine, stopped at damped steps
    # below 1e-5): q11 = 0.458370, q12 = 0.243389; their iteration stays uninformed at 1.95 and reaches q = 0.999 I at 2.0,
    # and their NeurIPS 2018 poster gives the hard phase as "approximately 1.6 and 2".
    assert_allclose([fp.q_diag, fp.q_off], [0.458370, 0.243389], atol=1e-3)
    assert 1.95 < th.alpha_alg < 2.0
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


def test_free_entropy_independent_quadrature():
    # Referee check: f_RS = E log Z_0 + alpha E sum_y Z_out log Z_out - Tr(q q_hat)/2 at a specialised fixed point
    # (alpha = 1.8, K = 2), recomputed without the library's Owen-T formulas or Gauss-Hermite rules: Z_out(+2) by a
    # Gauss-Legendre integral of phi(t) Phi((a_2 + r t)/c) over t > -a_1, g_out by central differences, the average over
    # omega ~ N(0, q) by a trapezoid rule in the eigenbasis of q, and E log Z_0 by brute-force logsumexp.
    from scipy import special

    alpha = 1.8
    fp = ts.committee_state_evolution(alpha, prior="binary", n_nodes=30, tol=1e-9, n_iter=5000)
    q = fp.q
    t_gl, w_gl = np.polynomial.legendre.leggauss(80)

    def orthant(a1, a2, r):  # P(X_1 > -a_1, X_2 > -a_2), corr(X_1, X_2) = r
        lo, hi = -a1[:, None], 12.0
        t = 0.5 * (hi - lo) * t_gl + 0.5 * (hi + lo)
        dens = np.exp(-t * t / 2) / math.sqrt(2 * math.pi)
        return np.sum(0.5 * (hi - lo) * w_gl * dens * special.ndtr((a2[:, None] + r * t) / math.sqrt(1 - r * r)), axis=1)

    V = np.eye(2) - q
    s = np.sqrt(np.diag(V))
    r = V[0, 1] / (s[0] * s[1])

    def zout(om):
        a1, a2 = om[:, 0] / s[0], om[:, 1] / s[1]
        zp, zm = orthant(a1, a2, r), orthant(-a1, -a2, r)
        return np.stack([zp, zm, 1 - zp - zm], axis=1)

    x = np.linspace(-7.0, 7.0, 81)
    X1, X2 = np.meshgrid(x, x, indexing="ij")
    xi = np.stack([X1.ravel(), X2.ravel()], axis=1)
    wt = np.exp(-0.5 * (xi ** 2).sum(axis=1)) / (2 * math.pi) * (x[1] - x[0]) ** 2
    ev, U = np.linalg.eigh(q)
    om = xi @ (U * np.sqrt(ev)).T
    Z = zout(om)
    h = 1e-5
    G = np.stack([(zout(om + h * e) - zout(om - h * e)) / (2 * h) for e in np.eye(2)], axis=-1)
    psi_out = float(np.sum(wt[:, None] * Z * np.log(Z)))
    q_hat = alpha * np.einsum("n,ny,nyk,nyl->kl", wt, 1 / Z, G, G)
    assert_allclose(q_hat, fp.q_hat, atol=1e-6)
    # E log Z_0 over w_* uniform and xi ~ N(0, I_2): Gauss-Hermite in xi, Z_0 summed over the four sign configurations
    y, wy = np.polynomial.hermite_e.hermegauss(40)
    Y1, Y2 = np.meshgrid(y, y, indexing="ij")
    eta = np.stack([Y1.ravel(), Y2.ravel()], axis=1)
    weta = np.outer(wy, wy).ravel() / (2 * math.pi)
    S = np.array([[a, b] for a in (1.0, -1.0) for b in (1.0, -1.0)])
    ev_h, U_h = np.linalg.eigh(q_hat)
    R = (U_h * np.sqrt(ev_h)) @ U_h.T
    psi0, q_new = 0.0, np.zeros((2, 2))
    for w_star in S:
        B = eta @ R + q_hat @ w_star
        E = B @ S.T - 0.5 * np.einsum("ck,kl,cl->c", S, q_hat, S)
        lse = special.logsumexp(E, axis=1)
        f = np.exp(E - lse[:, None]) @ S
        psi0 += float(weta @ (lse - 2 * math.log(2))) / 4
        q_new += (f.T * weta) @ f / 4
    assert_allclose(q_new, q, atol=1e-7)  # the library's q is a fixed point of the independent map
    f_rs = psi0 + alpha * psi_out - 0.5 * float(np.trace(q @ q_hat))
    assert_allclose(fp.free_entropy, f_rs, atol=1e-7)
    # negative controls: forgetting the prior normalisation 2^-K, or writing Tr(q_hat) for Tr(q q_hat)
    assert abs(fp.free_entropy - (f_rs + 2 * math.log(2))) > 1e-3
    assert abs(fp.free_entropy - (f_rs + 0.5 * float(np.trace(q @ q_hat)) - 0.5 * float(np.trace(q_hat)))) > 1e-3


def test_binary_exactly_non_specialised_start():
    # Referee regression: an exactly non-specialised init q = c 11^T stays rank one; where V = I - q has a small
    # eigenvalue the channel step must not switch to the tensor rule in omega (q has no density: LinAlgError before).
    # The fixed point must be the one of the one-dimensional quadrature along (1, 1) (the two 30-node rules differ by
    # 4e-5 here, V having the small eigenvalue 1 - 2c = 0.13).
    fp = ts.committee_state_evolution(3.0, prior="binary", init=0.2 * np.ones((2, 2)), n_nodes=30)
    assert fp.converged and np.isfinite(fp.free_entropy)
    assert_allclose(fp.q, cb._symmetric_fixed_point(3.0, 30), atol=1e-4)
