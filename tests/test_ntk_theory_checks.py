"""Negative controls for the checks of lectures/03_optimization/ntk_theory.ipynb.

Each check of the lecture is recomputed here on the lecture's own seeds and sizes and must (a) pass with the theory of
the lecture and (b) fail with a plausible wrong theory, with the same tolerance. Seeds and sizes mirror the notebook.
"""

import numpy as np
import pytest

from course_lib import kernels as K


def _sphere(rng, k, d):
    g = rng.standard_normal((k, d))
    return g / np.linalg.norm(g, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def du_run():
    """The Du et al. experiment of the lecture (n = 20, d = 10, m = 5000, first layer trained)."""
    rng = np.random.default_rng(20261207)
    n, d, m = 20, 10, 5000
    X = _sphere(rng, n, d)
    y = rng.choice([-1.0, 1.0], n)
    G = X @ X.T
    H_inf = G * (np.pi - np.arccos(np.clip(G, -1, 1))) / (2 * np.pi)
    ev, evec = np.linalg.eigh(H_inf)
    W0 = rng.standard_normal((m, d))
    a = rng.choice([-1.0, 1.0], m)
    S0 = (X @ W0.T >= 0).astype(float)
    H0 = G * (S0 @ S0.T) / m
    z = (((evec[:, 0][:, None] * S0).T @ X) ** 2).sum(axis=1)
    tol = 4 * z.std(ddof=1) / np.sqrt(m) + np.linalg.norm(H0 - H_inf, 2) ** 2 / (ev[1] - ev[0])
    eta = 1.0 / ev[-1]
    n_steps = int(np.ceil(6 / (eta * ev[0])))
    W = W0.copy()
    res2 = np.empty(n_steps + 1)
    for k in range(n_steps + 1):
        r = np.maximum(X @ W.T, 0.0) @ a / np.sqrt(m) - y
        res2[k] = r @ r
        W = W - eta * (((X @ W.T >= 0) * r[:, None]).T @ X) * a[:, None] / np.sqrt(m)
    return dict(lam0=ev[0], lam_min_H0=np.linalg.eigvalsh(H0)[0], tol=tol, eta=eta, res2=res2)


def _decay_ok(run, rate):
    k = np.arange(run["res2"].size)
    return bool(np.all(run["res2"] <= run["res2"][0] * (1 - run["eta"] * rate) ** k * (1 + 1e-12)))


def test_du_lambda_min_check_and_its_negative_control(du_run):
    assert abs(du_run["lam_min_H0"] - du_run["lam0"]) <= du_run["tol"]
    # H^infty without the factor 1/2 (probability of both signs positive taken as (pi - theta)/pi): rejected.
    assert abs(du_run["lam_min_H0"] - 2 * du_run["lam0"]) > du_run["tol"]


def test_du_decay_bound_and_its_negative_control(du_run):
    assert _decay_ok(du_run, du_run["lam0"] / 2)  # the theorem
    # A rate eight times the theorem's (squared residual decaying like (1 - 4 eta lambda_0)^k) is violated.
    assert not _decay_ok(du_run, 4 * du_run["lam0"])


def _deep_ntk_draws(X, depth, width, rng, seeds):
    out = []
    for _ in range(seeds):
        gs, masks, Ws = [X], [], []
        for _ in range(depth):
            Wh = rng.standard_normal((width, gs[-1].shape[1]))
            f = gs[-1] @ Wh.T
            Ws.append(Wh)
            masks.append(f > 0)
            gs.append(np.sqrt(2.0 / width) * np.maximum(f, 0.0))
        theta = gs[-1] @ gs[-1].T
        b = np.tile(rng.standard_normal(gs[-1].shape[1]), (X.shape[0], 1))
        for h in range(depth - 1, -1, -1):
            bf = np.sqrt(2.0 / width) * masks[h] * b
            theta += (bf @ bf.T) * (gs[h] @ gs[h].T)
            b = bf @ Ws[h]
        out.append(theta)
    return np.array(out)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_deep_ntk_ratio_check_and_wrong_depth(depth):
    angles = np.linspace(0, np.pi, 7)
    X = np.c_[np.cos(angles), np.sin(angles)]
    rho = np.clip(X @ X.T, -1, 1)
    seeds = 10
    draws = _deep_ntk_draws(X, depth, 1000, np.random.default_rng(depth), seeds)
    se = np.sqrt(draws.var(axis=0, ddof=1).sum() / seeds)

    def ratio(theory):
        return np.linalg.norm(draws.mean(0) - theory) / se

    assert ratio(K.deep_relu_ntk(rho, depth)) < 3
    assert ratio(K.deep_relu_ntk(rho, depth - 1)) > 3  # one layer too few
    assert ratio(K.deep_relu_ntk(rho, depth + 1)) > 3  # one layer too many


def test_barrier_middle_step_rejects_reversed_order():
    """At n = d^1.5 the error sits at ||P_2 f||^2 = a_2^2, not at a_1^2 (degree 2 learned before degree 1)."""
    rng = np.random.default_rng(5)
    d, a1_sq, a2_sq = 30, 0.7, 0.3
    c2 = np.sqrt((2 * d - 2) / (d + 2))

    def sample(k):
        x = _sphere(rng, k, d)
        z = np.sqrt(d) * x[:, 0]
        return x, np.sqrt(a1_sq) * z + np.sqrt(a2_sq) * (z**2 - 1) / c2

    def kern(A, B):
        return K.deep_relu_ntk(np.clip(A @ B.T, -1, 1), 1)

    X_te, y_te = sample(1000)
    n = int(round(d**1.5))
    errs = []
    for _ in range(3):
        Xs, ys = sample(n)
        errs.append(np.mean((K.kernel_regression(kern(Xs, Xs), ys, kern(X_te, Xs), lam=1e-4) - y_te) ** 2))
    tol = d**-0.5 * (a1_sq + a2_sq)
    assert abs(np.mean(errs) - a2_sq) <= tol
    assert abs(np.mean(errs) - a1_sq) > tol


def test_mean_field_fluctuation_exponent_rejects_a_one_over_m_law():
    """Particles of the linear mean-field model vs the closed moment recursion: sd of the risk gap ~ m^{-1/2}, not m^{-1}."""
    d, tau, k_probe = 5, 0.01, 50
    beta = np.eye(d)[0]

    def risk_at_probe(a, W):
        for _ in range(k_probe):
            g = a @ W / a.size - beta
            a, W = a - tau * (W @ g), W - tau * np.outer(a, g)
        g = a @ W / a.size - beta
        return 0.5 * g @ g

    u, s, M = np.zeros(d), 1.0, np.eye(d)
    for _ in range(k_probe):
        g = u - beta
        u, s, M = (u - tau * (s * g + M @ g) + tau**2 * (u @ g) * g, s - 2 * tau * (u @ g) + tau**2 * (g @ M @ g),
                   M - tau * (np.outer(u, g) + np.outer(g, u)) + tau**2 * s * np.outer(g, g))
    r_limit = 0.5 * (u - beta) @ (u - beta)
    rng = np.random.default_rng(20261210)
    ms = np.array([100, 400, 1600, 6400])
    sd = [np.std([risk_at_probe(rng.standard_normal(m), rng.standard_normal((m, d))) - r_limit for _ in range(30)],
                 ddof=1) for m in ms]
    slope = np.polyfit(np.log(ms), np.log(sd), 1)[0]
    assert abs(slope + 0.5) < 0.2
    assert abs(slope + 1.0) >= 0.2
