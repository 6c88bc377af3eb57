"""Unit tests of course_lib.optimization against closed forms, exact recursions and independent computations."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, optimize

from course_lib import optimization as opt

# ---------------------------------------------------------------- problems


def _ls_data(seed=0, n=50, p=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ np.arange(1.0, p + 1) + 0.5 * rng.standard_normal(n)
    return X, y


@pytest.mark.parametrize("ridge", [0.0, 0.3])
def test_least_squares_minimizer_gradient_and_risk(ridge):
    X, y = _ls_data()
    pb = opt.LeastSquares(X, y, ridge=ridge)
    th = pb.minimizer()
    # normal equations (X^T X / n + ridge I) theta = X^T y / n
    assert_allclose((X.T @ X / 50 + ridge * np.eye(3)) @ th, X.T @ y / 50, rtol=1e-12)
    assert_allclose(pb.grad(th), 0.0, atol=1e-13)
    t = np.array([0.3, -1.0, 2.0])
    assert_allclose(pb.risk(t), 0.5 * np.mean((X @ t - y) ** 2) + 0.5 * ridge * t @ t, rtol=1e-14)
    # the mean of the sample gradients is the gradient
    assert_allclose(np.mean([pb.sample_grad(t, i) for i in range(50)], axis=0), pb.grad(t), rtol=1e-12)
    # gradient against central finite differences
    fd = [(pb.risk(t + 1e-6 * e) - pb.risk(t - 1e-6 * e)) / 2e-6 for e in np.eye(3)]
    assert_allclose(pb.grad(t), fd, rtol=1e-7)


def test_least_squares_rank_deficient_returns_min_norm():
    X = np.array([[1.0, 1.0], [2.0, 2.0]])
    assert_allclose(opt.LeastSquares(X, [2.0, 4.0]).minimizer(), [1.0, 1.0], rtol=1e-12)


@pytest.mark.parametrize("ridge", [0.0, 0.05])
def test_logistic_minimizer_kkt_and_finite_differences(ridge):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 3))
    y = np.where(X @ [1.0, -1.0, 0.5] + rng.standard_normal(80) > 0, 1.0, -1.0)  # noisy: not separable
    pb = opt.Logistic(X, y, ridge=ridge)
    th = pb.minimizer()
    assert np.linalg.norm(pb.grad(th)) < 1e-13
    # independent solver: BFGS on the same risk reaches the same point to its own tolerance
    ref = optimize.minimize(pb.risk, np.zeros(3), jac=pb.grad, method="BFGS", options={"gtol": 1e-10}).x
    assert_allclose(th, ref, rtol=1e-6)
    t = np.array([0.2, 0.1, -0.4])
    fd = [(pb.risk(t + 1e-6 * e) - pb.risk(t - 1e-6 * e)) / 2e-6 for e in np.eye(3)]
    assert_allclose(pb.grad(t), fd, rtol=1e-7)
    fdh = np.array([(pb.grad(t + 1e-6 * e) - pb.grad(t - 1e-6 * e)) / 2e-6 for e in np.eye(3)])
    assert_allclose(pb.hessian(t), fdh, rtol=1e-6)
    assert_allclose(np.mean([pb.sample_grad(t, i) for i in range(80)], axis=0), pb.grad(t), rtol=1e-12)


def test_problem_errors():
    X, y = _ls_data()
    with pytest.raises(ValueError, match="`y` must have length 50"):
        opt.LeastSquares(X, y[:-1])
    with pytest.raises(ValueError, match="`ridge` must be >= 0"):
        opt.LeastSquares(X, y, ridge=-1.0)
    with pytest.raises(ValueError, match="only the labels -1 and \\+1 for logistic"):
        opt.Logistic(X, y)
    with pytest.raises(ValueError, match="`theta` must have length 3"):
        opt.LeastSquares(X, y).grad(np.zeros(2))
    with pytest.raises(ValueError, match="`i` must be an integer <= 49"):
        opt.LeastSquares(X, y).sample_grad(np.zeros(3), 50)
    sep = opt.Logistic([[1.0], [-1.0]], [1.0, -1.0])
    with pytest.raises(ValueError, match="linearly separable and `ridge` = 0"):
        sep.minimizer()


# ---------------------------------------------------------------- SGD


def test_step_schedule():
    assert_allclose(opt.step_schedule(2.0, 3, offset=1.0), [1.0, 2 / 3, 0.5])
    assert_allclose(opt.step_schedule(1.0, 2, power=0.5), [1.0, 2**-0.5])
    with pytest.raises(ValueError, match="`c` must be > 0"):
        opt.step_schedule(0.0, 3)
    with pytest.raises(ValueError, match="`power` must be <= 1"):
        opt.step_schedule(1.0, 3, power=1.5)


def _quadratic_1d():
    # one-dimensional least squares: x_i in {1, 2, 3}, labels chosen so that residuals at theta_* are non-zero
    X = np.array([[1.0], [2.0], [3.0]])
    y = np.array([1.0, 3.0, 2.0])
    return opt.LeastSquares(X, y)


def test_sgd_1d_quadratic_exact_recursion_closed_form():
    # e_k = (1 - eta x^2) e_{k-1} + eta x r (r = residual at theta_*): with a = E x^2, b = E x^4, s = E x^2 r^2, u = E x^3 r
    # E e_k = (1 - eta a) E e_{k-1};  E e_k^2 = (1 - 2 eta a + eta^2 b) E e_{k-1}^2 - 2 eta^2 u E e_{k-1} + eta^2 s.
    pb = _quadratic_1d()
    th = pb.minimizer()[0]
    x, r = pb.X[:, 0], pb.y - pb.X[:, 0] * th
    a, b, s, u = np.mean(x**2), np.mean(x**4), np.mean(x**2 * r**2), np.mean(x**3 * r)
    eta, n_iter = 0.02, 60
    m1, m2 = -th, th**2  # theta_0 = 0
    for _ in range(n_iter):
        m1, m2 = (1 - eta * a) * m1, (1 - 2 * eta * a + eta**2 * b) * m2 - 2 * eta**2 * u * m1 + eta**2 * s
    mean, second = opt.least_squares_sgd_moments(pb, [0.0], eta, n_iter)
    assert_allclose(mean[-1, 0], m1, rtol=1e-12)
    assert_allclose(second[-1, 0, 0], m2, rtol=1e-12)
    # the stationary second moment is the fixed point s eta / (2 a - eta b) (the mean is 0 there)
    assert_allclose(opt.least_squares_sgd_stationary(pb, eta)[0, 0], eta * s / (2 * a - eta * b), rtol=1e-12)


def test_sgd_monte_carlo_matches_exact_moments():
    pb = _quadratic_1d()
    th = pb.minimizer()
    n_iter, n_runs = 200, 20000
    steps = opt.step_schedule(0.5, n_iter, offset=2.0)
    res = opt.sgd(pb, [0.0], steps, n_iter, n_runs=n_runs, rng=np.random.default_rng(2), record=[10, 200])
    e = res.theta[:, :, 0] - th[0]
    mean, second = opt.least_squares_sgd_moments(pb, [0.0], steps, n_iter)
    for j, t in enumerate(res.times):
        # seeded Monte Carlo: within 4 standard errors (probability of failure ~6e-5 per comparison)
        assert abs(e[:, j].mean() - mean[t, 0]) < 4 * e[:, j].std() / math.sqrt(n_runs)
        assert abs((e[:, j] ** 2).mean() - second[t, 0, 0]) < 4 * (e[:, j] ** 2).std() / math.sqrt(n_runs)


def test_sgd_multidimensional_ridge_and_average():
    X, y = _ls_data(3, n=30)
    pb = opt.LeastSquares(X, y, ridge=0.1)
    n_iter, n_runs = 300, 8000
    res = opt.sgd(pb, np.zeros(3), 0.02, n_iter, n_runs=n_runs, rng=7, record=np.array([0, 100, 300]))
    mean, second = opt.least_squares_sgd_moments(pb, np.zeros(3), 0.02, n_iter)
    e = res.theta - pb.minimizer()
    sq = (e**2).sum(axis=2)
    for j, t in enumerate(res.times[1:], start=1):
        assert abs(sq[:, j].mean() - np.trace(second[t])) < 4 * sq[:, j].std() / math.sqrt(n_runs)
    assert_allclose(res.theta[:, 0], 0.0)
    # Polyak-Ruppert average: E[avg_t] = (1/t) sum_{k=1}^t E theta_k, exact from the mean recursion
    want = mean[1:101].mean(axis=0) + pb.minimizer()
    got = res.average[:, 1].mean(axis=0)
    se = res.average[:, 1].std(axis=0) / math.sqrt(n_runs)
    assert np.all(np.abs(got - want) < 4 * se)


def test_sgd_reproducible_and_runs_independent():
    pb = _quadratic_1d()
    a = opt.sgd(pb, [0.0], 0.05, 50, n_runs=4, rng=11)
    b = opt.sgd(pb, [0.0], 0.05, 50, n_runs=4, rng=np.random.default_rng(11))
    assert_allclose(a.theta, b.theta)
    assert len(np.unique(a.theta[:, 0, 0])) == 4


def test_sgd_logistic_matches_deterministic_limit():
    # with a tiny constant step, SGD tracks gradient descent on average: the drift is the full gradient
    rng = np.random.default_rng(4)
    X = rng.standard_normal((40, 2))
    y = np.where(rng.random(40) < 0.5, 1.0, -1.0)
    pb = opt.Logistic(X, y, ridge=0.5)
    th = pb.minimizer()
    res = opt.sgd(pb, [1.0, -1.0], 0.01, 4000, n_runs=500, rng=rng)
    # stationary spread ~ sqrt(eta tr V_1) ~ 0.05; the mean of 500 runs is within 0.01 of theta_*
    assert np.linalg.norm(res.theta[:, 0].mean(axis=0) - th) < 0.01


def test_sgd_limit_covariance_lyapunov_and_rate():
    X, y = _ls_data(5, n=40, p=2)
    pb = opt.LeastSquares(X, y)
    H = pb.hessian(pb.minimizer())
    c = 1.5 / np.linalg.eigvalsh(H)[0]
    V = opt.sgd_limit_covariance(pb, c)
    A = c * H - 0.5 * np.eye(2)
    assert_allclose(A @ V + V @ A, c**2 * pb.noise_covariance(), rtol=1e-10, atol=1e-14)
    # exact recursion: k E|e_k|^2 -> tr V (relative correction O(1/k) at k = 20000 with offset 0)
    n_iter = 20000
    _, second = opt.least_squares_sgd_moments(pb, np.zeros(2), opt.step_schedule(c, n_iter, offset=5.0), n_iter)
    assert_allclose(n_iter * np.trace(second[-1]), np.trace(V), rtol=2e-2)
    with pytest.raises(ValueError, match="at or below the critical value"):
        opt.sgd_limit_covariance(pb, 0.4 / np.linalg.eigvalsh(H)[0])


def test_stationary_plateau_proportional_to_step():
    X, y = _ls_data(6, n=40, p=2)
    pb = opt.LeastSquares(X, y)
    H = pb.hessian(pb.minimizer())
    from scipy.linalg import solve_continuous_lyapunov

    V1 = solve_continuous_lyapunov(H, pb.noise_covariance())  # H V1 + V1 H = Sigma
    for eta in (1e-3, 1e-4):
        M = opt.least_squares_sgd_stationary(pb, eta)
        assert_allclose(np.trace(M) / eta, np.trace(V1), rtol=20 * eta * np.linalg.eigvalsh(H)[-1])
    with pytest.raises(ValueError, match="is too large"):
        opt.least_squares_sgd_stationary(pb, 10.0)


def test_sgd_errors():
    pb = _quadratic_1d()
    with pytest.raises(ValueError, match="`steps` must be > 0"):
        opt.sgd(pb, [0.0], -0.1, 10)
    with pytest.raises(ValueError, match="`steps` must be positive step sizes"):
        opt.sgd(pb, [0.0], np.r_[0.1, -0.1], 2)
    with pytest.raises(ValueError, match="`steps` must have length n_iter=3"):
        opt.sgd(pb, [0.0], [0.1, 0.1], 3)
    with pytest.raises(ValueError, match="`theta0` must have length 1"):
        opt.sgd(pb, [0.0, 1.0], 0.1, 3)
    with pytest.raises(TypeError, match="`problem` must be a LeastSquares or Logistic"):
        opt.sgd("pb", [0.0], 0.1, 3)
    with pytest.raises(ValueError, match="`n_runs` must be an integer >= 1"):
        opt.sgd(pb, [0.0], 0.1, 3, n_runs=0)
    with pytest.raises(ValueError, match="`record` must be strictly increasing"):
        opt.sgd(pb, [0.0], 0.1, 3, record=[2, 1])
    with pytest.raises(TypeError, match="`record` must be a non-empty 1-d array"):
        opt.sgd(pb, [0.0], 0.1, 3, record=[0.5])
    with pytest.raises(TypeError, match="`problem` must be a LeastSquares instance"):
        opt.least_squares_sgd_moments(opt.Logistic([[1.0]], [1.0], ridge=1.0), [0.0], 0.1, 3)


# ---------------------------------------------------------------- gradient descent and exponents


def test_gradient_descent_least_squares_closed_form():
    X, y = _ls_data(8, n=20)
    pb = opt.LeastSquares(X, y)
    S = X.T @ X / 20
    lr = 0.5 / np.linalg.eigvalsh(S)[-1]
    path = opt.gradient_descent(pb, np.zeros(3), lr, 30)
    th = pb.minimizer()
    # theta_t - theta_* = (I - lr S)^t (theta_0 - theta_*)
    for t in (0, 1, 7, 30):
        assert_allclose(path.theta[t] - th, np.linalg.matrix_power(np.eye(3) - lr * S, t) @ (-th), rtol=1e-10, atol=1e-13)
        assert_allclose(path.risk[t], pb.risk(path.theta[t]), rtol=1e-12)
    with pytest.raises(ValueError, match="`lr` must be > 0"):
        opt.gradient_descent(pb, np.zeros(3), 0.0, 3)


def test_convergence_exponent():
    n = np.array([10.0, 100.0, 1000.0, 10000.0])
    fit = opt.convergence_exponent(n, 3.0 * n**-0.5)
    assert_allclose([fit.exponent, fit.prefactor], [-0.5, 3.0], rtol=1e-12)
    rng = np.random.default_rng(9)
    runs = 2.0 * n**-1.0 * rng.exponential(size=(4000, 4))  # mean 2/n, independent columns
    fit = opt.convergence_exponent(n, runs)
    assert fit.contains(-1.0) and fit.stderr < 0.02
    with pytest.raises(ValueError, match="one per `n`"):
        opt.convergence_exponent(n, np.ones(3))
    with pytest.raises(ValueError, match="at least two runs"):
        opt.convergence_exponent(n, np.ones((1, 4)))


# ---------------------------------------------------------------- implicit bias


def test_min_norm_interpolant_and_gd_from_zero():
    rng = np.random.default_rng(10)
    X, y = rng.standard_normal((5, 12)), rng.standard_normal(5)
    w = opt.min_norm_interpolant(X, y)
    assert_allclose(w, X.T @ np.linalg.solve(X @ X.T, y), rtol=1e-10)
    assert_allclose(w, np.linalg.pinv(X) @ y, rtol=1e-10)
    pb = opt.LeastSquares(X, y)
    lr = 1.0 / np.linalg.eigvalsh(X @ X.T / 5)[-1]
    path = opt.gradient_descent(pb, np.zeros(12), lr, 20000, record=[20000])
    assert_allclose(path.theta[-1], w, rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="no interpolant exists"):
        opt.min_norm_interpolant(np.ones((2, 1)), [1.0, 2.0])


def test_min_l1_interpolant_recovers_sparse_vector():
    rng = np.random.default_rng(12)
    X = rng.standard_normal((25, 60))
    beta = np.zeros(60)
    beta[[3, 17, 40]] = [1.0, -2.0, 0.5]
    # 3-sparse in dimension 60 from 25 Gaussian measurements: basis pursuit recovers it exactly (Candes & Tao 2005)
    assert_allclose(opt.min_l1_interpolant(X, X @ beta), beta, atol=1e-9)


def test_hard_margin_svm_hand_example():
    # points (2, 0) labelled +1 and (0, 1) labelled -1: max-margin w solves w.x1 = 1, -w.x2 = 1 -> w = (1/2, -1)
    res = opt.hard_margin_svm([[2.0, 0.0], [0.0, 1.0], [3.0, -1.0]], [1.0, -1.0, 1.0])
    assert_allclose(res.w, [0.5, -1.0], rtol=1e-12)
    assert_allclose(res.margin, 1 / math.sqrt(1.25), rtol=1e-12)
    assert list(res.support) == [0, 1]
    assert_allclose(res.dual, [0.25, 1.0, 0.0], atol=1e-12)


def test_hard_margin_svm_kkt_and_brute_force():
    rng = np.random.default_rng(13)
    X = rng.standard_normal((60, 2))
    y = np.where(X @ [1.0, 2.0] > 0, 1.0, -1.0)
    res = opt.hard_margin_svm(X, y)
    Z = X * y[:, None]
    m = Z @ res.w
    assert m.min() > 1 - 1e-10 and np.all(res.dual >= 0)
    assert_allclose(Z.T @ res.dual, res.w, rtol=1e-10)
    assert_allclose(res.dual * (m - 1), 0.0, atol=1e-9)  # complementary slackness
    # brute force over directions: the margin is max_u min_i <z_i, u>
    ang = np.linspace(0, 2 * np.pi, 400001)
    U = np.stack([np.cos(ang), np.sin(ang)], axis=1)
    # the grid value is below the margin by at most max|z_i| times the grid spacing (the min of Lipschitz functions)
    best = (Z @ U.T).min(axis=0).max()
    assert res.margin - np.linalg.norm(Z, axis=1).max() * (ang[1] - ang[0]) <= best <= res.margin * (1 + 1e-12)
    # and SLSQP on the primal agrees
    slsqp = optimize.minimize(lambda w: w @ w, np.array([1.0, 2.0]) * 10, jac=lambda w: 2 * w, method="SLSQP",
                              constraints={"type": "ineq", "fun": lambda w: Z @ w - 1, "jac": lambda w: Z},
                              options={"ftol": 1e-14, "maxiter": 500})
    assert_allclose(slsqp.x, res.w, rtol=1e-6)


def test_hard_margin_svm_errors():
    with pytest.raises(ValueError, match="not linearly separable through the origin"):
        opt.hard_margin_svm([[1.0], [2.0]], [1.0, -1.0])
    with pytest.raises(ValueError, match="only the labels -1 and \\+1"):
        opt.hard_margin_svm([[1.0], [2.0]], [1.0, 0.0])


def test_gd_logistic_separable_direction_converges_to_svm():
    # signed inputs z_i = y_i x_i: support vectors (1, 1) and (1, -1/2) give w_hat = (1, 0) with duals (1/3, 2/3)
    # (solve w.z1 = w.z2 = 1 and w_hat = a1 z1 + a2 z2 by hand); the other points have margin >= 2.
    Z = np.array([[1.0, 1.0], [1.0, -0.5], [2.0, 0.3], [2.5, -1.0], [3.0, 2.0], [2.2, -0.4]])
    y = np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
    X = Z * y[:, None]
    svm = opt.hard_margin_svm(X, y)
    assert_allclose(svm.w, [1.0, 0.0], atol=1e-12)
    assert_allclose(svm.dual, [1 / 3, 2 / 3, 0, 0, 0, 0], atol=1e-12)
    lr, n = 0.2, 6
    path = opt.gradient_descent(opt.Logistic(X, y), np.zeros(2), lr, 10**5, record=[10**3, 10**5])
    # Soudry et al. (2018), Thm 3: w(t) = w_hat log t + rho(t), rho(t) -> w_tilde with lr/n exp(-z_s.w_tilde) = alpha_s
    w_tilde = np.linalg.solve(Z[:2], np.log(lr / (n * svm.dual[:2])))
    rho = path.theta - np.log([10**3, 10**5])[:, None] * svm.w
    assert np.linalg.norm(rho[1] - w_tilde) < 0.02 < np.linalg.norm(rho[0] - w_tilde)
    gap = np.linalg.norm(path.theta / np.linalg.norm(path.theta, axis=1, keepdims=True) - svm.direction, axis=1)
    assert gap[1] < gap[0]


def test_diagonal_net_interpolant_limits_and_kkt():
    rng = np.random.default_rng(15)
    X = rng.standard_normal((10, 30))
    beta = np.zeros(30)
    beta[:2] = [1.0, -1.0]
    y = X @ beta
    for alpha in (1e-3, 1.0, 100.0):
        b = opt.diagonal_net_interpolant(X, y, alpha)
        assert_allclose(X @ b, y, atol=1e-10)
        # KKT: arcsinh(b / (2 alpha^2)) lies in the row space of X
        g = np.arcsinh(b / (2 * alpha**2))
        assert_allclose(X.T @ np.linalg.lstsq(X.T, g, rcond=None)[0], g, atol=1e-8 * max(1, np.abs(g).max()))
    # large alpha -> min l2 interpolant, error O(1/alpha^2) (Woodworth et al. 2020, Thm 1)
    assert_allclose(opt.diagonal_net_interpolant(X, y, 100.0), opt.min_norm_interpolant(X, y), atol=1e-3)
    # small alpha -> min l1 interpolant, slowly (error O(1/log(1/alpha)))
    assert np.abs(opt.diagonal_net_interpolant(X, y, 1e-6) - opt.min_l1_interpolant(X, y)).max() < 0.05


def test_diagonal_linear_network_gd_matches_implicit_interpolant():
    rng = np.random.default_rng(16)
    X = rng.standard_normal((8, 20))
    y = X @ np.r_[1.0, -1.0, np.zeros(18)]
    res = opt.diagonal_linear_network(X, y, 0.1, 0.005, 200000, tol=1e-14)
    assert res.converged
    # GD with a small step follows gradient flow up to O(lr) (compared with lr halved: the gap halves)
    res2 = opt.diagonal_linear_network(X, y, 0.1, 0.0025, 400000, tol=1e-14)
    b = opt.diagonal_net_interpolant(X, y, 0.1)
    e1, e2 = np.abs(res.beta - b).max(), np.abs(res2.beta - b).max()
    assert e2 < 0.6 * e1 and e1 < 0.02
    with pytest.raises(ValueError, match="`init_scale` must be > 0"):
        opt.diagonal_linear_network(X, y, 0.0, 0.01, 10)
    with pytest.raises(FloatingPointError, match="diverged"):
        opt.diagonal_linear_network(X, y, 10.0, 1.0, 1000)


# ---------------------------------------------------------------- networks


def test_relu_kernel_closed_form_against_quadrature():
    # E relu(w.x) relu(v.x) in 2-d by quadrature over the angle of x (the radial part gives E r^2 = 2)
    w, v = np.array([1.0, 0.3]), np.array([-0.4, 2.0])
    f = lambda t: max(0.0, w @ [np.cos(t), np.sin(t)]) * max(0.0, v @ [np.cos(t), np.sin(t)])  # noqa: E731
    val = 2.0 * integrate.quad(f, 0, 2 * np.pi, limit=200, points=[1.0, 2.0, 4.0])[0] / (2 * np.pi)
    assert_allclose(opt.relu_kernel(w, v), val, rtol=1e-8)
    assert_allclose(opt.relu_kernel([1.0, 0.0], [-1.0, 0.0]), 0.0, atol=1e-15)


def test_committee_population_risk_monte_carlo_and_gd():
    rng = np.random.default_rng(17)
    V, W = np.eye(3), rng.standard_normal((4, 3))
    x = rng.standard_normal((400000, 3))
    r = 0.5 * (np.maximum(x @ W.T, 0).sum(1) - np.maximum(x @ V.T, 0).sum(1)) ** 2
    assert abs(r.mean() - opt.committee_population_risk(W, V)) < 4 * r.std() / math.sqrt(r.size)
    assert opt.committee_population_risk(V, V) < 1e-14
    # splitting a teacher unit in two halves represents it exactly (positive homogeneity of the ReLU)
    assert opt.committee_population_risk(np.vstack([V[:2], V[2:] / 2, V[2:] / 2]), V) < 1e-14
    res = opt.committee_gd(V, 4, 0.25, 3000, n_runs=5, rng=rng, tol=1e-6)
    assert res.success_rate == 1.0
    with pytest.raises(ValueError, match="`V` must have non-zero rows"):
        opt.committee_gd(np.zeros((1, 2)), 2, 0.1, 10)


def test_linear_network_escape_time_slope():
    # linearised dynamics near the saddle: the leading mode grows by (1 + lr s_1) per step, so the escape
    # time grows by log(10) / log(1 + lr s_1) per decade of init scale (Saxe et al. 2014)
    A = np.diag([2.0, 1.0])
    lr = 0.05
    t = []
    for eps in (1e-2, 1e-4, 1e-6):
        path = opt.linear_network_gd(A, 2, eps, lr, 800, n_runs=1, rng=np.random.default_rng(18))
        t.append(np.argmax(path.modes[0, :, 0] >= 1.0))
    slope = np.diff(t) / 2
    # same random direction for every eps (same seed): the differences are exact up to O(eps^2) and rounding of t
    assert_allclose(slope, np.log(10) / np.log(1 + lr * 2.0), atol=1.0)
    assert_allclose(path.loss[0, -1], 0.0, atol=1e-10)
