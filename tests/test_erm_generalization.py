"""course_lib.erm generalization helpers: Rademacher complexity of norm balls, spectral complexity, the MLP trainer and
the Nagarajan--Kolter flipped-noise example, against closed forms; negative controls (wrong formulas rejected by the
tolerances the lecture uses); bad input."""

import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import special, stats

from course_lib import erm


# ----------------------------------------------------------------------------------------------------------------------
# Rademacher complexity
# ----------------------------------------------------------------------------------------------------------------------
def _brute(X, norm):
    """E over all sign vectors of the dual norm of sum eps_i x_i, by itertools (independent of the library's bit trick)."""
    n = X.shape[0]
    tot = 0.0
    for s in itertools.product((-1.0, 1.0), repeat=n):
        v = np.asarray(s) @ X
        tot += np.linalg.norm(v) if norm == "l2" else np.max(np.abs(v))
    return tot / 2**n / n


@pytest.mark.parametrize("norm", ["l2", "l1"])
def test_exact_rademacher_matches_brute_force(norm):
    X = np.random.default_rng(0).standard_normal((9, 4))
    assert_allclose(erm.empirical_rademacher(X, norm=norm, radius=2.5).value, 2.5 * _brute(X, norm), rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5, 8, 12])
def test_orthonormal_points_attain_the_l2_bound(n):
    # orthonormal x_i: ||sum eps_i x_i|| = sqrt(n) for every sign vector, so R = B sqrt(n)/n = bound (Jensen is tight)
    X = np.eye(n, n + 3)
    res = erm.empirical_rademacher(X, radius=3.0)
    assert res.exact and res.n_draws == 2**n
    assert_allclose(res.value, 3.0 / np.sqrt(n), rtol=1e-13)
    assert_allclose(erm.linear_rademacher_bound(X, radius=3.0), 3.0 / np.sqrt(n), rtol=1e-13)


@pytest.mark.parametrize("n", [2, 4, 10, 16])
def test_repeated_point_gives_the_central_binomial(n):
    # x_i = e_1 for all i: R = E|sum eps_i| / n = C(n, n/2) 2^-n for even n (classical identity, exercise of the lecture)
    X = np.zeros((n, 3))
    X[:, 0] = 1.0
    expected = math.comb(n, n // 2) / 2**n
    for norm in ("l2", "l1"):
        assert_allclose(erm.empirical_rademacher(X, norm=norm).value, expected, rtol=1e-13)


def test_l1_ball_of_the_identity():
    # X = I_n (n points, d = n): ||sum eps_i e_i||_inf = 1 for every sign vector, so R = 1/n
    assert_allclose(erm.empirical_rademacher(np.eye(6), norm="l1").value, 1.0 / 6, rtol=1e-14)


@pytest.mark.parametrize("norm", ["l2", "l1"])
def test_monte_carlo_agrees_with_enumeration_within_4_se(norm):
    X = np.random.default_rng(3).standard_normal((12, 5))
    exact = erm.empirical_rademacher(X, norm=norm).value
    mc = erm.empirical_rademacher(X, norm=norm, n_draws=20000, rng=11)
    assert not mc.exact and mc.n_draws == 20000
    assert abs(mc.value - exact) <= 4 * mc.stderr
    # negative control: a 5 % error in the value is rejected by the same tolerance
    assert abs(mc.value - 1.05 * exact) > 4 * mc.stderr


def test_monte_carlo_is_reproducible_with_a_seed():
    X = np.random.default_rng(4).standard_normal((30, 3))
    a = erm.empirical_rademacher(X, n_draws=50, rng=1)
    b = erm.empirical_rademacher(X, n_draws=50, rng=1)
    assert a == b


@pytest.mark.parametrize("seed", range(5))
def test_bounds_sandwich_the_exact_value(seed):
    X = np.random.default_rng(seed).standard_normal((11, 6)) * np.arange(1, 7)
    n = X.shape[0]
    l2 = erm.empirical_rademacher(X).value
    assert np.sqrt(np.sum(X**2)) / (np.sqrt(2) * n) <= l2 <= erm.linear_rademacher_bound(X)  # Latala-Oleszkiewicz, Jensen
    l1 = erm.empirical_rademacher(X, norm="l1").value
    assert np.sqrt(np.max(np.sum(X**2, axis=0))) / (np.sqrt(2) * n) <= l1 <= erm.linear_rademacher_bound(X, norm="l1")


def test_wrong_bounds_are_rejected():
    # negative controls: plausible wrong formulas are violated by the exact value
    X = np.eye(8)  # orthonormal: R = 1/sqrt(8)
    exact = erm.empirical_rademacher(X).value
    assert exact > np.max(np.linalg.norm(X, axis=1)) / X.shape[0]  # "B max||x|| / n" (forgot the square root)
    Xr = np.zeros((8, 2))
    Xr[:, 0] = 1.0  # repeated point
    assert erm.empirical_rademacher(Xr, norm="l1").value > np.sqrt(np.log(2 * 2) / 8) / 2  # Massart without the factor 2, halved


def test_massart_bound_value():
    # B max|x_ij| sqrt(2 log(2d)/n), hand-computed for X = 3 * ones(4, 5)
    assert_allclose(erm.linear_rademacher_bound(3 * np.ones((4, 5)), norm="l1", radius=0.5),
                    1.5 * np.sqrt(2 * np.log(10) / 4), rtol=1e-14)


def test_expected_rademacher_of_gaussian_data():
    # sum eps_i x_i ~ N(0, n I_d) for Gaussian x_i, so E_S R_S = E||g|| / sqrt(n) with E||g|| = sqrt(2) Gamma((d+1)/2)/Gamma(d/2)
    rng = np.random.default_rng(5)
    n, d = 64, 4
    vals = [erm.empirical_rademacher(rng.standard_normal((n, d)), n_draws=20, rng=rng).value for _ in range(400)]
    exact = np.sqrt(2) * np.exp(special.gammaln((d + 1) / 2) - special.gammaln(d / 2)) / np.sqrt(n)
    se = np.std(vals, ddof=1) / np.sqrt(len(vals))
    assert abs(np.mean(vals) - exact) <= 4 * se
    assert abs(np.mean(vals) - np.sqrt(d / n)) > 4 * se  # the Jensen value sqrt(d/n) is not the mean


# ----------------------------------------------------------------------------------------------------------------------
# Spectral complexity
# ----------------------------------------------------------------------------------------------------------------------
def test_spectral_complexity_closed_forms():
    # one layer: R_A = ||A||_op (||A^T||_{2,1} / ||A||_op) = ||A^T||_{2,1} = sum of the row norms of A
    A = np.array([[3.0, 4.0], [0.0, 1.0], [1.0, 0.0]])
    assert_allclose(erm.spectral_complexity([A]), 5.0 + 1.0 + 1.0, rtol=1e-13)
    # L identity layers of size k: prod = 1, each term k^(2/3): R_A = (L k^(2/3))^(3/2) = L^(3/2) k
    for L, k in [(1, 3), (2, 2), (3, 5)]:
        assert_allclose(erm.spectral_complexity([np.eye(k)] * L), L**1.5 * k, rtol=1e-13)


def test_spectral_complexity_scaling_and_reference():
    rng = np.random.default_rng(0)
    W = [rng.standard_normal((7, 5)), rng.standard_normal((3, 7))]
    base = erm.spectral_complexity(W)
    # positive homogeneity in each layer: R_{cA} = c R_A
    assert_allclose(erm.spectral_complexity([2.0 * W[0], W[1]]), 2.0 * base, rtol=1e-12)
    # with the weights themselves as reference the (2,1) terms vanish
    assert erm.spectral_complexity(W, reference=W) == 0.0
    # rank-one layers: ||A||_op = ||A||_F, so ||A^T||_{2,1}/||A||_op = sum_i |u_i| / ||u|| for A = u v^T with ||v|| = 1
    u, v = np.array([1.0, -2.0, 2.0]), np.array([0.6, 0.8])
    assert_allclose(erm.spectral_complexity([np.outer(u, v)]), np.sum(np.abs(u)), rtol=1e-13)


# ----------------------------------------------------------------------------------------------------------------------
# MLP
# ----------------------------------------------------------------------------------------------------------------------
def test_mlp_logits_by_hand():
    W1 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    W2 = np.array([[1.0, 2.0, -1.0]])
    x = np.array([[1.0, -2.0]])
    # relu(W1 x) = (1, 0, 0): output 1
    assert_allclose(erm.mlp_logits([W1, W2], x), [[1.0]])


def test_mlp_memorises_random_labels():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 8))
    y = rng.integers(0, 3, size=60)
    res = erm.train_mlp(X, y, width=64, n_classes=3, margin=0.5, rng=2)
    assert res.converged and res.train_error == 0.0
    F = erm.mlp_logits(res.weights, X)
    own = F[np.arange(60), y]
    F[np.arange(60), y] = -np.inf
    assert np.all(own - F.max(axis=1) > 0.5)
    assert res.loss.size == res.n_steps and np.all(np.isfinite(res.loss))
    assert res.init[0].shape == (64, 8) and res.init[1].shape == (3, 64)


def test_mlp_reports_non_convergence():
    # identical inputs with different labels cannot be separated
    res = erm.train_mlp(np.ones((2, 2)), [0, 1], width=4, max_steps=5, rng=0)
    assert not res.converged and res.train_error > 0 and res.n_steps == 5


def test_mlp_gradient_is_correct():
    # one Adam step from a known state moves each weight by about -lr * sign(gradient); compare the sign with finite differences
    rng = np.random.default_rng(3)
    X = rng.standard_normal((5, 3))
    y = np.array([0, 1, 2, 1, 0])
    res = erm.train_mlp(X, y, width=6, n_classes=3, max_steps=1, lr=1e-6, margin=1e6, rng=4)
    W1, W2 = res.init

    def loss(W1, W2):
        F = erm.mlp_logits([W1, W2], X)
        return np.mean(special.logsumexp(F, axis=1) - F[np.arange(5), y])

    h = 1e-6
    for P, Q in ((W1, res.weights[0]), (W2, res.weights[1])):
        g = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            Pp, Pm = P.copy(), P.copy()
            Pp[idx] += h
            Pm[idx] -= h
            args_p = (Pp, W2) if P is W1 else (W1, Pp)
            args_m = (Pm, W2) if P is W1 else (W1, Pm)
            g[idx] = (loss(*args_p) - loss(*args_m)) / (2 * h)
        big = np.abs(g) > 1e-4
        assert np.all(np.sign(P - Q)[big] == np.sign(g)[big])


# ----------------------------------------------------------------------------------------------------------------------
# Nagarajan--Kolter
# ----------------------------------------------------------------------------------------------------------------------
def test_flipped_noise_data_law():
    X, y = erm.flipped_noise_data(4000, 50, signal=0.7, noise=3.0, rng=0)
    assert_allclose(X[:, 0], 0.7 * y)
    # E||xi||^2 = noise; per-coordinate variance noise / D
    e = np.sum(X[:, 1:] ** 2, axis=1)
    assert abs(e.mean() - 3.0) <= 4 * e.std(ddof=1) / np.sqrt(e.size)
    assert abs(np.mean(y)) <= 4 / np.sqrt(4000)


def test_test_error_formula_against_monte_carlo():
    rng = np.random.default_rng(1)
    w = np.concatenate([[0.3], rng.standard_normal(20)])
    p = erm.flipped_noise_test_error(w, signal=1.0, noise=2.0)
    X, y = erm.flipped_noise_data(200000, 20, signal=1.0, noise=2.0, rng=2)
    err = np.mean(y * (X @ w) <= 0)
    se = np.sqrt(p * (1 - p) / y.size)
    assert abs(err - p) <= 4 * se
    # closed form: Phi(-a w0 sqrt(D) / (sigma ||w_1:||))
    assert_allclose(p, stats.norm.cdf(-0.3 * np.sqrt(20) / (np.sqrt(2.0) * np.linalg.norm(w[1:]))), rtol=1e-12)


def test_flipped_error_formula_against_simulation():
    # 4000 training sets; each gives the fraction of its flipped points that are misclassified
    m, D, a, tau2 = 10, 40, 1.0, 15.0
    rng = np.random.default_rng(3)
    errs = np.empty(4000)
    for r in range(errs.size):
        X, y = erm.flipped_noise_data(m, D, signal=a, noise=tau2, rng=rng)
        w = X.T @ y
        Xf = X.copy()
        Xf[:, 1:] *= -1
        errs[r] = np.mean(y * (Xf @ w) <= 0)
    theory = erm.flipped_noise_flipped_error(m, D, signal=a, noise=tau2)
    se = errs.std(ddof=1) / np.sqrt(errs.size)
    assert abs(errs.mean() - theory) <= 4 * se
    # negative control: the "uniform convergence" guess that S' behaves like a test set is rejected
    X, y = erm.flipped_noise_data(m, D, signal=a, noise=tau2, rng=4)
    assert abs(errs.mean() - erm.flipped_noise_test_error(X.T @ y, signal=a, noise=tau2)) > 4 * se


def test_flipped_error_limits():
    # m = 1: error = P(tau^2 chi2_D / D >= a^2); D = 1, a = tau = 1: P(chi2_1 >= 1) = 2(1 - Phi(1)) = 0.3173105...
    assert_allclose(erm.flipped_noise_flipped_error(1, 1), 2 * stats.norm.sf(1.0), rtol=1e-12)
    # weak noise: never wrong; strong noise (tau^2 >> m a^2) in high dimension: always wrong
    assert erm.flipped_noise_flipped_error(50, 10000, signal=1.0, noise=1.0) < 1e-12
    assert erm.flipped_noise_flipped_error(50, 100000, signal=1.0, noise=200.0) > 1 - 1e-12


# ----------------------------------------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------------------------------------
X3 = np.eye(3)
CASES = [
    (erm.empirical_rademacher, ([1.0, 2.0],), {}, ValueError, r"`X` must have ndim in \(2,\)"),
    (erm.empirical_rademacher, (np.zeros((3, 0)),), {}, ValueError, r"`X` must have at least one column"),
    (erm.empirical_rademacher, (X3,), {"norm": "linf"}, ValueError, r"`norm` must be one of \('l2', 'l1'\)"),
    (erm.empirical_rademacher, (X3,), {"norm": 2}, ValueError, r"`norm` must be one of"),
    (erm.empirical_rademacher, (X3,), {"radius": 0.0}, ValueError, r"`radius` must be > 0"),
    (erm.empirical_rademacher, (X3,), {"n_draws": 1}, ValueError, r"`n_draws` must be an integer >= 2"),
    (erm.empirical_rademacher, (X3,), {"n_draws": 2.5}, TypeError, r"`n_draws` must be an integer"),
    (erm.empirical_rademacher, (np.ones((21, 2)),), {}, ValueError, r"`n_draws` must be an integer \(Monte Carlo\)"),
    (erm.empirical_rademacher, (X3,), {"n_draws": 10, "rng": "x"}, TypeError, r"`rng` must be None"),
    (erm.empirical_rademacher, ([[np.nan]],), {}, ValueError, r"`X` must contain only finite values"),
    (erm.linear_rademacher_bound, (X3,), {"norm": "l3"}, ValueError, r"`norm` must be one of"),
    (erm.linear_rademacher_bound, (X3,), {"radius": -1.0}, ValueError, r"`radius` must be > 0"),
    (erm.spectral_complexity, (np.eye(2),), {}, TypeError, r"`weights` must be a 1-d sequence"),
    (erm.spectral_complexity, ([np.eye(2), np.eye(3)],), {}, ValueError, r"`weights\[1\]` must have 2 columns"),
    (erm.spectral_complexity, ([np.zeros((2, 2))],), {}, ValueError, r"`weights\[0\]` must not be the zero matrix"),
    (erm.spectral_complexity, ([np.eye(2)],), {"reference": [np.eye(3)]}, ValueError, r"`reference\[0\]` must have shape"),
    (erm.spectral_complexity, ([np.eye(2)],), {"reference": [np.eye(2)] * 2}, ValueError, r"`reference` must have 1"),
    (erm.spectral_complexity, ([np.eye(2)] * 2,), {"reference": [np.eye(2)]}, ValueError, r"`reference` must have at least 2"),
    (erm.mlp_logits, ([np.eye(2)], X3), {}, ValueError, r"`weights` must have at least 2"),
    (erm.mlp_logits, ([np.eye(2)] * 3, X3), {}, ValueError, r"`weights` must hold exactly two matrices"),
    (erm.mlp_logits, ([np.eye(2), np.ones((1, 3))], np.eye(2)), {}, ValueError, r"`weights\[1\]` must have 2 columns"),
    (erm.mlp_logits, ([np.eye(2), np.ones((1, 2))], X3), {}, ValueError, r"`X` must have 2 columns"),
    (erm.train_mlp, (X3, [0.0, 1.0, 0.0]), {"width": 2}, TypeError, r"`y` must be a 1-d array of integer labels"),
    (erm.train_mlp, (X3, [0, 1]), {"width": 2}, ValueError, r"`y` must have length 3"),
    (erm.train_mlp, (X3, [0, -1, 0]), {"width": 2}, ValueError, r"`y` must hold labels >= 0"),
    (erm.train_mlp, (X3, [0, 1, 2]), {"width": 2, "n_classes": 2}, ValueError, r"`y` must hold labels < n_classes = 2"),
    (erm.train_mlp, (X3, [0, 1, 0]), {"width": 0}, ValueError, r"`width` must be an integer >= 1"),
    (erm.train_mlp, (X3, [0, 1, 0]), {"width": 2, "lr": 0.0}, ValueError, r"`lr` must be > 0"),
    (erm.train_mlp, (X3, [0, 1, 0]), {"width": 2, "margin": -1.0}, ValueError, r"`margin` must be >= 0"),
    (erm.train_mlp, (X3, [0, 1, 0]), {"width": 2, "max_steps": -1}, ValueError, r"`max_steps` must be an integer >= 0"),
    (erm.flipped_noise_data, (0, 3), {}, ValueError, r"`m` must be an integer >= 1"),
    (erm.flipped_noise_data, (3, 0), {}, ValueError, r"`dim` must be an integer >= 1"),
    (erm.flipped_noise_data, (3, 3), {"signal": 0.0}, ValueError, r"`signal` must be > 0"),
    (erm.flipped_noise_data, (3, 3), {"noise": -1.0}, ValueError, r"`noise` must be > 0"),
    (erm.flipped_noise_test_error, ([0.0, 0.0],), {}, ValueError, r"`w` must not be the zero vector"),
    (erm.flipped_noise_test_error, ([1.0],), {}, ValueError, r"`w` must have at least 2 entries"),
    (erm.flipped_noise_flipped_error, (0, 3), {}, ValueError, r"`m` must be an integer >= 1"),
    (erm.flipped_noise_flipped_error, (3, 3), {"noise": float("inf")}, ValueError, r"`noise` must be finite"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)

