"""Unit tests of the online-SGD (Saad-Solla), hidden-manifold and p = 2 spherical parts of
course_lib.teacher_student.dynamics, against closed forms, published values and independent computations."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate
from scipy.special import erf

from course_lib.teacher_student import dynamics as dyn


def _g(z):
    return erf(z / np.sqrt(2.0))


def _gp(z):
    return np.sqrt(2.0 / np.pi) * np.exp(-0.5 * z * z)


def _random_overlaps(rng, K, M):
    A = rng.standard_normal((K + M, K + M))
    C = A @ A.T / (K + M)
    return C[:K, :K], C[:K, K:], C[K:, K:], C


# ---------------------------------------------------------------- closed-form Gaussian integrals


def test_erf_i2_i3_i4_against_two_dimensional_quadrature():
    # Independent check by Gauss-Hermite quadrature in the one case where the integrals reduce to 2-d:
    # u1 = u2, u3 = u4 (so I4 = E[g'(u)^2 g(v)^2]), correlated pair (u, v).
    x, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    a, b, c = 0.8, 1.3, 0.6  # Var u, Var v, Cov(u, v)
    L = np.linalg.cholesky(np.array([[a, c], [c, b]]))
    Z1, Z2 = np.meshgrid(x, x, indexing="ij")
    W = np.outer(w, w)
    u = L[0, 0] * Z1
    v = L[1, 0] * Z1 + L[1, 1] * Z2
    assert_allclose(dyn.erf_i2(a, b, c), np.sum(W * _g(u) * _g(v)), rtol=1e-10)
    assert_allclose(dyn.erf_i3(a, a, b, a, c, c), np.sum(W * _gp(u) * u * _g(v)), rtol=1e-10)
    assert_allclose(dyn.erf_i4(a, a, b, b, a, c, c, c, c, b), np.sum(W * _gp(u) ** 2 * _g(v) ** 2), rtol=1e-10)


def test_saad_solla_rhs_against_monte_carlo():
    # The right-hand side is a set of Gaussian averages; estimate them by Monte Carlo (seeded) and accept
    # within 5 standard errors.
    rng = np.random.default_rng(2024)
    K, M, lr = 2, 3, 0.7
    Q, R, T, C = _random_overlaps(rng, K, M)
    dQ, dR = dyn.saad_solla_rhs(Q, R, T, lr)
    n = 400_000
    u = rng.multivariate_normal(np.zeros(K + M), C, size=n)
    lam, nu = u[:, :K], u[:, K:]
    delta = _gp(lam) * (_g(nu).sum(1) - _g(lam).sum(1))[:, None]
    sR = lr * delta[:, :, None] * nu[:, None, :]
    a = lr * delta[:, :, None] * lam[:, None, :]
    sQ = a + np.swapaxes(a, 1, 2) + lr**2 * delta[:, :, None] * delta[:, None, :]
    for exact, samples in ((dR, sR), (dQ, sQ)):
        est, se = samples.mean(0), samples.std(0) / np.sqrt(n)
        assert np.all(np.abs(est - exact) < 5 * se), (est, exact, se)


def test_generalisation_error_against_monte_carlo_and_zero_at_teacher():
    rng = np.random.default_rng(7)
    K, M = 3, 2
    Q, R, T, C = _random_overlaps(rng, K, M)
    n = 400_000
    u = rng.multivariate_normal(np.zeros(K + M), C, size=n)
    e = 0.5 * (_g(u[:, :K]).sum(1) - _g(u[:, K:]).sum(1)) ** 2
    assert abs(dyn.committee_generalisation_error(Q, R, T) - e.mean()) < 5 * e.std() / np.sqrt(n)
    T2 = np.array([[1.0, 0.2], [0.2, 1.5]])
    assert_allclose(dyn.committee_generalisation_error(T2, T2, T2), 0.0, atol=1e-14)


# ---------------------------------------------------------------- plateau


@pytest.mark.parametrize("K", [2, 3])
def test_plateau_small_learning_rate_closed_form(K):
    # Saad & Solla (1995), PRE 52, 4225 (symmetric phase): for eta -> 0 the symmetric fixed point of K = M, T = I is
    # Q = C = 1/(2K - 1), R = 1/sqrt(K(2K - 1)), with eps_g = (K/pi)(pi/6 - K arcsin(1/(2K))).
    p = dyn.committee_plateau(K, 1e-7)
    assert_allclose([p.Q, p.C, p.R], [1 / (2 * K - 1), 1 / (2 * K - 1), 1 / np.sqrt(K * (2 * K - 1))], rtol=1e-5)
    assert_allclose(p.eps_g, K / np.pi * (np.pi / 6 - K * np.arcsin(1 / (2 * K))), rtol=1e-5)
    assert p.converged


def test_plateau_is_a_fixed_point_and_escape_slope_is_inverse_rate():
    K, lr = 2, 0.5
    p = dyn.committee_plateau(K, lr)
    Qm = np.full((K, K), p.C) + (p.Q - p.C) * np.eye(K)
    dQ, dR = dyn.saad_solla_rhs(Qm, np.full((K, K), p.R), np.eye(K), lr)
    assert np.abs(dQ).max() < 1e-9 and np.abs(dR).max() < 1e-9
    # Start on the plateau with the specialising perturbation w_{1,2} = w_bar +- delta (w*_1 - w*_2)/2;
    # the escape time (eps_g below half the plateau) must grow like log(1/delta)/lambda_+.
    P = np.array([[1.0, -1.0], [-1.0, 1.0]]) / 2
    times = []
    for delta in (1e-4, 1e-7):
        sol = dyn.saad_solla_ode(K, K, lr, np.eye(K), Qm + delta**2 * P, p.R + delta * P, 600.0, n_points=1201)
        j = np.argmax(sol.eps_g < 0.5 * p.eps_g)
        times.append(sol.t[j])
    slope = (times[1] - times[0]) / np.log(1e3)
    assert_allclose(slope, 1 / p.escape_rate, rtol=0.02)  # grid step 0.5 over a difference of ~200


def test_k1_perfect_learning_linear_rates_and_critical_learning_rate():
    # K = M = 1, T = 1: linearisation of the ODE at Q = R = 1 (derivation in the lecture, exercise ex-ss-k1):
    # with r = R - 1 and s = Q - 2R + 1 = Var(lambda - nu), dr/dt = -2 eta r / (3 sqrt(3) pi) + eta s / (sqrt(3) pi)
    # (the s term comes from the quadratic term of g(lambda) - g(nu) through E[D^2 | nu] ~ s) and
    # ds/dt = (-4 eta / (sqrt(3) pi) + 4 eta^2 / (sqrt(5) pi^2)) s, so perfect learning is stable for
    # eta < eta_c = pi sqrt(5/3). The evaluation points stay inside the positive semi-definite cone; the
    # neglected terms are of relative order r = s = 1e-5 (times a factor ~ 1/|rate| that is largest near eta_c).
    h = 1e-5
    for eta in (0.5, 1.0, 3.0):
        _, dR = dyn.saad_solla_rhs([[(1 + h) ** 2]], [[1 + h]], [[1.0]], eta)  # student = (1 + h) teacher
        assert_allclose(dR[0, 0] / h, -2 * eta / (3 * np.sqrt(3) * np.pi), rtol=1e-4)
        dQ, dR = dyn.saad_solla_rhs([[1 + h]], [[1.0]], [[1.0]], eta)  # r = 0, s = h
        rate_s = -4 * eta / (np.sqrt(3) * np.pi) + 4 * eta**2 / (np.sqrt(5) * np.pi**2)
        assert_allclose((dQ[0, 0] - 2 * dR[0, 0]) / h, rate_s, rtol=1e-3)
        assert_allclose(dR[0, 0] / h, eta / (np.sqrt(3) * np.pi), rtol=1e-3)  # the s term of dr/dt
    eta_c = np.pi * np.sqrt(5 / 3)
    for eta, sign in ((0.99 * eta_c, -1), (1.01 * eta_c, 1)):
        dQ, dR = dyn.saad_solla_rhs([[1 + h]], [[1.0]], [[1.0]], eta)
        assert np.sign(dQ[0, 0] - 2 * dR[0, 0]) == sign


def test_online_sgd_matches_ode():
    # N = 1000, an informative start (no plateau); the ODE from the run's own initial overlaps.
    rng = np.random.default_rng(11)
    N, K, M, lr = 1000, 2, 2, 1.0
    Wt = rng.standard_normal((M, N))
    W0 = np.diag([0.8, 0.6]) @ Wt + 0.3 * rng.standard_normal((K, N))
    res = dyn.online_sgd_committee(N, K, M, lr, 4 * N, rng=rng, W0=W0, W_teacher=Wt, n_records=20)
    ode = dyn.saad_solla_ode(K, M, lr, res.T, res.Q[0], res.R[0], 4.0, t_eval=res.t)
    # fluctuations are O(N^-1/2) ~ 0.03 relative; the measured spread across seeds at N = 1000 is ~1.5e-3 absolute
    assert np.max(np.abs(res.eps_g - ode.eps_g)) < 6e-3
    assert res.eps_g[-1] < 0.5 * res.eps_g[0]
    assert_allclose(res.T, Wt @ Wt.T / N)


# ---------------------------------------------------------------- hidden manifold and p = 2


def test_hidden_manifold_data_structure():
    data = dyn.hidden_manifold_data(200, 50, 4, "tanh", rng=0, M=3)
    assert data.X.shape == (200, 50) and data.C.shape == (200, 4) and data.F.shape == (4, 50)
    assert_allclose(data.X, np.tanh(data.C @ data.F / 2.0))
    assert_allclose(data.y, _g(data.C @ data.W_latent.T / 2.0).sum(1))
    again = dyn.hidden_manifold_data(10, 50, 4, "sign", rng=1, M=3, F=data.F, W_latent=data.W_latent)
    assert_allclose(again.F, data.F)
    assert np.linalg.matrix_rank(data.C @ data.F) == 4  # the pre-activations span a d-dimensional space


def test_spherical_p2_energy_against_semicircle_quadrature_and_simulation():
    rho = lambda x: np.sqrt(4 - x * x) / (2 * np.pi)  # noqa: E731
    for t in (0.05, 0.5, 2.0):
        num = integrate.quad(lambda x: x * np.exp(2 * x * t) * rho(x), -2, 2)[0]
        den = integrate.quad(lambda x: np.exp(2 * x * t) * rho(x), -2, 2)[0]
        assert_allclose(dyn.spherical_p2_energy(t), -0.5 * num / den, rtol=1e-10)
    # finite N: the energy of one instance fluctuates by ~0.028 at N = 500 (measured over 20 seeds); the mean
    # of 10 instances has standard error ~0.009, and the finite-N bias is ~0.005: accept 0.04 (about 4 standard
    # errors).
    t = np.array([0.25, 0.5, 1.0, 2.0])
    rng = np.random.default_rng(3)
    e = np.mean([dyn.spherical_p2_gradient_flow(500, t, rng=rng) for _ in range(10)], axis=0)
    assert_allclose(e, dyn.spherical_p2_energy(t), atol=0.04)
    # large t: e(t) = -I_2(4t)/I_1(4t) and I_nu(x) ~ e^x (1 - (4 nu^2 - 1)/(8x)) / sqrt(2 pi x) give
    # e(t) + 1 = 3/(8t) (1 + O(1/t)); at t = 200 the correction is ~3e-4 relative.
    assert_allclose(dyn.spherical_p2_energy(200.0) + 1, 3 / (8 * 200.0), rtol=1e-3)


# ---------------------------------------------------------------- bad input


def test_bad_input():
    I2 = np.eye(2)
    with pytest.raises(ValueError, match="`Q0` must have shape"):
        dyn.saad_solla_ode(2, 2, 0.5, I2, np.eye(3), I2, 1.0)
    with pytest.raises(ValueError, match="`T_teacher` must have shape"):
        dyn.saad_solla_ode(2, 3, 0.5, I2, I2, np.zeros((2, 3)), 1.0)
    with pytest.raises(ValueError, match="`R0` must have shape"):
        dyn.saad_solla_ode(2, 2, 0.5, I2, I2, np.zeros((2, 3)), 1.0)
    with pytest.raises(ValueError, match="positive semi-definite"):
        dyn.saad_solla_ode(1, 1, 0.5, [[1.0]], [[1.0]], [[2.0]], 1.0)
    with pytest.raises(ValueError, match="`lr` must be > 0"):
        dyn.saad_solla_rhs(I2, I2, I2, 0.0)
    with pytest.raises(ValueError, match="`t_eval` must be increasing"):
        dyn.saad_solla_ode(1, 1, 0.5, [[1.0]], [[0.5]], [[0.0]], 1.0, t_eval=[0.5, 0.2])
    with pytest.raises(ValueError, match="must be symmetric"):
        dyn.committee_generalisation_error([[1.0, 0.5], [0.0, 1.0]], np.zeros((2, 1)), [[1.0]])
    with pytest.raises(ValueError, match="`K` must be an integer >= 2"):
        dyn.committee_plateau(1, 0.5)
    with pytest.raises(ValueError, match="must be a multiple of `n_records`"):
        dyn.online_sgd_committee(10, 1, 1, 0.5, 7, n_records=2)
    with pytest.raises(ValueError, match="`W0` must have shape"):
        dyn.online_sgd_committee(10, 2, 1, 0.5, 10, W0=np.zeros((1, 10)), n_records=1)
    with pytest.raises(TypeError, match="`N` must be an integer"):
        dyn.online_sgd_committee(10.0, 1, 1, 0.5, 10)
    with pytest.raises(ValueError, match="`f` must be one of"):
        dyn.hidden_manifold_data(5, 10, 2, "cube")
    with pytest.raises(ValueError, match="`F` must have shape"):
        dyn.hidden_manifold_data(5, 10, 2, F=np.zeros((3, 10)))
    with pytest.raises(ValueError, match="`t` must be non-negative"):
        dyn.spherical_p2_energy([-1.0])
    with pytest.raises(TypeError, match="`sample` must be callable"):
        dyn.train_committee_on_data(None, 2, 0.1, 10, eval_X=np.zeros((2, 3)), eval_y=np.zeros(2))
    with pytest.raises(ValueError, match="`eval_X` and `eval_y` are required"):
        dyn.train_committee_on_data(lambda b, g: None, 2, 0.1, 10, n_records=1)
    with pytest.raises(ValueError, match="must return X of shape"):
        dyn.train_committee_on_data(lambda b, g: (np.zeros((b, 4)), np.zeros(b)), 2, 0.1, 10, n_records=1,
                                    eval_X=np.zeros((2, 3)), eval_y=np.zeros(2))
