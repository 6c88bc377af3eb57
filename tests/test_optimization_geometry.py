"""Tests of course_lib.optimization._geometry: mirror descent, Bregman projections, l1 max margin, l1 steepest
descent, two-layer ReLU GD with margins, the max-margin KKT residual, label-noise SGD on uv; bad input."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from course_lib import optimization as opt


def _ls_problem(seed=0, n=5, p=12):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X @ rng.standard_normal(p), 0.1 * rng.standard_normal(p)


def test_bregman_one_equation_closed_form():
    # p = 2, one equation w1 + w2 = 1 from w0 = 0: by symmetry of Psi_beta the projection is (1/2, 1/2).
    w = opt.hyperbolic_bregman_interpolant([[1.0, 1.0]], [1.0], [0.0, 0.0], 0.3)
    assert_allclose(w, [0.5, 0.5], atol=1e-12)


def test_bregman_satisfies_kkt_mirror_condition():
    # KKT of argmin D(w, w0) s.t. Xw = y: arcsinh(w/b) - arcsinh(w0/b) lies in row(X) (Gunasekar et al. 2018).
    X, y, w0 = _ls_problem()
    for beta in [1.0, 0.05]:
        w = opt.hyperbolic_bregman_interpolant(X, y, w0, beta)
        assert_allclose(X @ w, y, atol=1e-10)
        d = np.arcsinh(w / beta) - np.arcsinh(w0 / beta)
        coef, *_ = np.linalg.lstsq(X.T, d, rcond=None)
        assert np.linalg.norm(X.T @ coef - d) < 1e-9 * max(1.0, np.linalg.norm(d))


def test_bregman_large_beta_is_euclidean_projection():
    # Psi_beta(w) = -beta + w^2/(2 beta) + O(w^4/beta^3): for beta >> |w| the Bregman projection is the Euclidean one.
    X, y, w0 = _ls_problem(1)
    w = opt.hyperbolic_bregman_interpolant(X, y, w0, 1e4)
    eucl = w0 + np.linalg.pinv(X) @ (y - X @ w0)
    assert_allclose(w, eucl, rtol=1e-6, atol=1e-6)


def test_mirror_descent_converges_to_bregman_projection_and_rejects_wrong_limit():
    X, y, w0 = _ls_problem(2)
    beta = 0.2
    lr = 0.3 / (np.linalg.eigvalsh(X.T @ X / X.shape[0])[-1] * (np.abs(np.linalg.pinv(X) @ y).max() * 3 + beta))
    w_md = opt.hyperbolic_mirror_descent(X, y, w0, beta, lr, 100000)
    w_br = opt.hyperbolic_bregman_interpolant(X, y, w0, beta)
    eucl = w0 + np.linalg.pinv(X) @ (y - X @ w0)
    err = np.linalg.norm(w_md - w_br) / np.linalg.norm(w_br)
    assert err < 1e-9
    # negative control: the GD limit (Euclidean projection) fails the same tolerance
    assert np.linalg.norm(eucl - w_br) / np.linalg.norm(w_br) > 1e-9


def test_l1_max_margin_hand_example_and_bound():
    # z1 = (1, 2), z2 = (1, -1) (labels applied): w = (1, 0) has margins (1, 1) and |w|_1 = 1; no w with |w|_1 <= 1
    # beats min(z1.w, z2.w) = 1 since (z1 + 2 z2)/3 = (1, 0) gives min <= <(1,0), w> <= |w|_1.
    w, g = opt.l1_max_margin([[1.0, 2.0], [-1.0, 1.0]], [1.0, -1.0])
    assert g == pytest.approx(1.0, abs=1e-12)
    assert_allclose(w, [1.0, 0.0], atol=1e-12)


def test_l1_steepest_descent_reaches_l1_margin_not_l2():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, 10))
    y = np.sign(X[:, 0] + 0.3 * X[:, 1])
    Z = X * y[:, None]
    _, g1 = opt.l1_max_margin(X, y)
    svm = opt.hard_margin_svm(X, y)
    g_l2 = (Z @ svm.w).min() / np.abs(svm.w).sum()
    W = opt.l1_steepest_descent(X, y, 0.05, 50000)
    m = (Z @ W[-1]).min() / np.abs(W[-1]).sum()
    assert m <= g1 + 1e-9
    assert g1 - m < (g1 - g_l2) / 5  # closer to the l1 optimum than the l2 max-margin direction is


def test_relu_net_margins_and_smoothed_margin_monotone():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((6, 2))
    y = np.sign(X[:, 0])
    path = opt.relu_net_logistic_gd(X, y, 0.5 * rng.standard_normal(6), 0.5 * rng.standard_normal((6, 2)), 0.05, 20000,
                                    record=np.arange(0, 20001, 500))
    q = y * (np.maximum(X @ path.W[-1].T, 0) @ path.a[-1])
    rho2 = path.a[-1] @ path.a[-1] + (path.W[-1] ** 2).sum()
    assert path.loss[-1] == pytest.approx(np.log1p(np.exp(-q)).sum(), rel=1e-12)
    assert path.normalized_margin[-1] == pytest.approx(q.min() / rho2, rel=1e-12)
    sm = path.smoothed_margin[np.isfinite(path.smoothed_margin)]
    assert sm.size > 10 and np.all(np.diff(sm) >= -1e-12)
    assert np.all(sm <= path.normalized_margin[np.isfinite(path.smoothed_margin)] + 1e-15)  # lower bound of gamma


def test_relu_gd_gradient_matches_finite_differences():
    # one GD step equals theta - lr * (finite-difference gradient of the summed logistic loss)
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((5, 3)), np.array([1.0, -1.0, 1.0, 1.0, -1.0])
    a0, W0 = rng.standard_normal(4), rng.standard_normal((4, 3))
    for power in [1, 2]:
        p1 = opt.relu_net_logistic_gd(X, y, a0, W0, 1e-3, 1, power=power)

        def loss(th):
            a, W = th[:4], th[4:].reshape(4, 3)
            return np.logaddexp(0, -y * (np.maximum(X @ W.T, 0) ** power @ a)).sum()

        th0 = np.concatenate([a0, W0.ravel()])
        g = np.array([(loss(th0 + 1e-6 * e) - loss(th0 - 1e-6 * e)) / 2e-6 for e in np.eye(th0.size)])
        assert_allclose(np.concatenate([p1.a[-1], p1.W[-1].ravel()]), th0 - 1e-3 * g, atol=1e-9)


def test_kkt_residual_zero_at_linear_svm_and_positive_elsewhere():
    # a linear model f = <theta, x> is 1-homogeneous: the hard-margin SVM is a KKT point, a rotated direction is not.
    X = np.array([[2.0, 0.0], [0.0, 1.0], [3.0, -1.0]])
    y = np.array([1.0, -1.0, 1.0])
    svm = opt.hard_margin_svm(X, y)
    Z = X * y[:, None]
    r, s, lam = opt.max_margin_kkt_residual(3.0 * svm.w, Z @ (3.0 * svm.w), Z, 1)
    assert r < 1e-10 and abs(s) < 1e-10 and np.all(lam >= 0)
    c, si = np.cos(0.3), np.sin(0.3)
    w_bad = np.array([[c, -si], [si, c]]) @ svm.w
    r_bad, s_bad, _ = opt.max_margin_kkt_residual(w_bad, Z @ w_bad, Z, 1)
    assert r_bad + s_bad > 1e-3


def test_label_noise_conservation_law_and_limit():
    # (1 - eta^2 r^2) law: with sigma = 0 on the hyperbola nothing moves; with noise u^2 - v^2 -> 0 and uv -> y.
    u, v = opt.label_noise_sgd_product(2.0, 0.5, 1.0, 0.0, 0.1, 1000)
    assert u[0, -1] == 2.0 and v[0, -1] == 0.5
    u, v = opt.label_noise_sgd_product(2.0, 0.5, 1.0, 0.5, 0.1, 4000, n_runs=50, rng=0)
    assert abs(u[:, -1].mean() - 1) < 0.03 and abs(v[:, -1].mean() - 1) < 0.03
    # negative control: the GD limit (2, 0.5) is rejected by the same tolerance
    assert abs(2.0 - 1) > 0.03


def test_label_noise_reproducible_with_seed():
    a = opt.label_noise_sgd_product(1.5, 1.0, 1.0, 0.3, 0.1, 200, n_runs=3, rng=5)
    b = opt.label_noise_sgd_product(1.5, 1.0, 1.0, 0.3, 0.1, 200, n_runs=3, rng=5)
    assert_allclose(a[0], b[0])


BAD = [
    (opt.hyperbolic_mirror_descent, ([[1.0, 1.0]], [1.0], [0.0], 0.1, 0.1, 10), {}, ValueError, r"`w0` must have length 2"),
    (opt.hyperbolic_mirror_descent, ([[1.0, 1.0]], [1.0], [0.0, 0.0], -0.1, 0.1, 10), {}, ValueError, r"`beta` must be > 0"),
    (opt.hyperbolic_mirror_descent, ([[1.0, 1.0]], [1.0], [0.0, 0.0], 0.1, 1e5, 100), {}, ValueError, r"`lr` .* too large"),
    (opt.hyperbolic_bregman_interpolant, ([[1.0, 1.0], [1.0, 1.0]], [1.0, 2.0], [0.0, 0.0], 0.1), {}, ValueError, r"`y` may be outside"),
    (opt.l1_max_margin, ([[1.0], [1.0]], [1.0, -1.0]), {}, ValueError, r"not linearly separable"),
    (opt.l1_max_margin, ([[1.0], [2.0]], [1.0, 0.5]), {}, ValueError, r"`y` must contain labels"),
    (opt.l1_steepest_descent, ([[1.0], [2.0]], [1.0, 1.0], 0.1, 10), {"record": [5, 3]}, ValueError, r"`record` must be"),
    (opt.relu_net_logistic_gd, ([[1.0, 0.0]], [1.0], [1.0], [[1.0, 0.0, 0.0]], 0.1, 10), {}, ValueError, r"`W0` must have shape"),
    (opt.relu_net_logistic_gd, ([[1.0, 0.0]], [1.0], [1.0], [[1.0, 0.0]], 0.1, 10), {"power": 3}, ValueError, r"`power` must be"),
    (opt.relu_net_logistic_gd, ([[1.0, 0.0]], [1.0], [1.0], [[1.0, 0.0]], 0.5, 10**5), {"adaptive": True}, ValueError,
     r"underflow: reduce `n_iter`"),
    (opt.max_margin_kkt_residual, ([1.0], [-1.0], [[1.0]], 1), {}, ValueError, r"`margins` must all be > 0"),
    (opt.max_margin_kkt_residual, ([1.0], [1.0], [[1.0, 2.0]], 1), {}, ValueError, r"`margin_grads` must have shape"),
    (opt.label_noise_sgd_product, (1.0, 1.0, 1.0, -0.1, 0.1, 10), {}, ValueError, r"`sigma` must be >= 0"),
    (opt.label_noise_sgd_product, (1.0, 1.0, 1.0, 0.1, 0.1, 10), {"rng": "x"}, TypeError, r"`rng` must be"),
    (opt.label_noise_sgd_product, (30.0, 30.0, 1.0, 0.1, 1.0, 100), {}, ValueError, r"diverged"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", BAD, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(BAD)])
def test_geometry_bad_input(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)


def test_bregman_from_zero_equals_diagonal_net_interpolant():
    # alpha^2 h(w/alpha^2) = Psi_{2 alpha^2}(w) + 2 alpha^2 (implicit_bias lecture, Woodworth et al. 2020): the two
    # independent solvers must agree.
    X, y, _ = _ls_problem(5)
    for alpha in [1.0, 0.1]:
        w_b = opt.hyperbolic_bregman_interpolant(X, y, np.zeros(X.shape[1]), 2 * alpha**2)
        w_d = opt.diagonal_net_interpolant(X, y, alpha)
        assert_allclose(w_b, w_d, rtol=1e-7, atol=1e-8)


def test_label_noise_decay_rate_and_wrong_rate_rejected():
    # log|u^2 - v^2| decays at eta^2 E r^2 ~ eta^2 sigma^2 (1 + O(eta s)); the O(eta s) correction is < 0.27 here.
    eta, sigma = 0.1, 0.5
    t = np.arange(0, 2001, 100)
    u, v = opt.label_noise_sgd_product(2.0, 0.5, 1.0, sigma, eta, 2000, n_runs=100, record=t, rng=1)
    rate = -np.polyfit(t, np.log(np.abs(u**2 - v**2)).mean(axis=0), 1)[0]
    assert abs(rate / (eta**2 * sigma**2) - 1) < 0.37
    assert abs(rate / (eta * sigma**2) - 1) > 0.37  # negative control: a missing factor eta is rejected
