"""Negative controls for the checks of lectures/03_optimization/nonasymptotic_rates.ipynb.

Each test reruns, at small size, the check of one experiment with a *wrong* theory and asserts
that the same tolerance rejects it (and that the right theory passes).
"""

import numpy as np

from course_lib import optimization as opt


def _f(x):
    return x**2 + 3 * np.sin(x) ** 2


def _df(x):
    return 2 * x + 3 * np.sin(2 * x)


def test_pl_rate_holds_and_naive_rate_fails():
    # f(x) = x^2 + 3 sin^2 x (Karimi, Nutini, Schmidt 2016): L = max f'' = 2 + 6 = 8.
    L = 8.0
    grid = np.linspace(-20, 20, 40_001)
    grid = grid[grid != 0]
    mu = np.min(_df(grid) ** 2 / (2 * _f(grid)))
    worst = np.max(_f(grid - _df(grid) / L) / _f(grid))
    assert worst <= 1 - mu / L
    # wrong theory: the curvature 2 of the quadratic part as a strong-convexity constant
    assert worst > 1 - 2 / L
    # wrong theory: a PL constant three times too large (the bound is within a factor ~2 of tight)
    assert worst > 1 - 3 * mu / L


def test_nonconvex_sgd_exponent_rejects_one_over_t():
    rng = np.random.default_rng(0)
    runs, p, c = 100, 4, 0.5
    Ts = 2 ** np.arange(7, 12)
    out = np.empty((runs, Ts.size))
    for j, T in enumerate(Ts):
        eta = c / np.sqrt(T)
        x = np.ones((runs, p))
        acc = np.zeros(runs)
        for _ in range(T):
            g = x + 3 * np.sin(2 * x)
            acc += np.sum(g * g, axis=1)
            x = x - eta * (g + rng.standard_normal(x.shape))
        out[:, j] = acc / T
    fit = opt.convergence_exponent(Ts, out, confidence=0.99, correction=-0.5)
    assert fit.contains(-0.5)
    assert not fit.contains(-1.0)


def _interp_setup(seed=1, m=200, p=5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, p)) * np.sqrt(0.5 ** np.arange(p))
    H = X.T @ X / m
    A = np.einsum("ni,nj->nij", X, X)
    A4 = np.einsum("nij,nkl->ikjl", A, A).reshape(p * p, p * p) / m
    return X, H, A4


def _rho(H, A4, b, eta):
    p = H.shape[0]
    Ip = np.eye(p)
    K = (np.eye(p * p) - eta * (np.kron(H, Ip) + np.kron(Ip, H))
         + eta**2 * (A4 / b + (1 - 1 / b) * np.kron(H, H)))
    return np.max(np.abs(np.linalg.eigvals(K)))


def test_interpolation_bound_and_wrong_step():
    # Ma, Bassily, Belkin (ICML 2018): eta*(b) = b / (beta + (b - 1) lambda_1).
    X, H, A4 = _interp_setup()
    ev = np.linalg.eigvalsh(H)
    lam1, lam_min = ev[-1], ev[0]
    beta = np.max(np.sum(X**2, axis=1))
    for b in (1, 4, 16, 64):
        eta = b / (beta + (b - 1) * lam1)
        assert _rho(H, A4, b, eta) <= 1 - eta * lam_min
    # wrong theory: "linear scaling" of the step, eta = b / beta, diverges above b*
    b = 64
    assert _rho(H, A4, b, b / beta) > 1
    # wrong theory: linear scaling of the rate is rejected at b = 128 (gain far below 128 / 4)
    g1 = -np.log(_rho(H, A4, 1, 1 / beta))
    g128 = -np.log(_rho(H, A4, 128, 128 / (beta + 127 * lam1)))
    assert g128 / g1 < 128 / 4
