"""Tests of the Barron-space tools (course_lib/approximation/_barron.py) against closed forms."""

import numpy as np
import pytest
from scipy.special import eval_gegenbauer, gammaln, roots_jacobi

from course_lib import approximation as ap


def _alpha_quadrature(d, k):
    # alpha_k = c_d int_0^1 t P_k(t) (1 - t^2)^((d-3)/2) dt by Gauss-Jacobi on [0, 1] (weight (1-t)^beta exact)
    beta = (d - 3) / 2
    cd = np.exp(gammaln(d / 2) - 0.5 * np.log(np.pi) - gammaln((d - 1) / 2))
    xs, ws = roots_jacobi(120, beta, 0)
    t, wt = (xs + 1) / 2, ws / 2 ** (beta + 1)
    if d == 2:
        p = np.cos(k * np.arccos(t))
    else:
        lam = (d - 2) / 2
        p = eval_gegenbauer(k, lam, t) / eval_gegenbauer(k, lam, 1.0)
    return cd * np.sum(wt * t * p * (1 + t) ** beta)


@pytest.mark.parametrize("d", [2, 3, 5, 16, 64])
def test_gegenbauer_closed_form_matches_quadrature(d):
    _, _, a = ap.relu_gegenbauer_coefficients(d, 8)
    for k in range(9):
        assert a[k] == pytest.approx(_alpha_quadrature(d, k), abs=1e-11)


def test_gegenbauer_known_values():
    # d = 3, Legendre: relu(t) = 1/4 + t/2 + (5/16) P_2(t) + ...; alpha_k = coefficient / (2k+1)
    _, n, a = ap.relu_gegenbauer_coefficients(3, 2)
    assert np.allclose(n, [1, 3, 5])
    assert np.allclose(a, [1 / 4, 1 / 6, 1 / 16])
    # d = 2: N_k = 2, alpha_0 = E relu(cos u) = 1/pi
    _, n, a = ap.relu_gegenbauer_coefficients(2, 3)
    assert np.allclose(n, [1, 2, 2, 2]) and a[0] == pytest.approx(1 / np.pi)


@pytest.mark.parametrize("d", [2, 4, 10, 100])
def test_parseval(d):
    # sum_k N_k alpha_k^2 = ||relu(<v, x>)||^2 = 1/(2d); the tail beyond k is O(k^-3)
    _, n, a = ap.relu_gegenbauer_coefficients(d, 4000)
    assert 2 * d * np.sum(n * a**2) == pytest.approx(1.0, abs=1e-8)
    # negative control: forgetting the multiplicities breaks it
    assert abs(2 * d * np.sum(a**2) - 1.0) > 1e-2


def test_gram_closed_form_vs_monte_carlo():
    rng = np.random.default_rng(0)
    d = 5
    A = rng.standard_normal((3, d))
    x = rng.standard_normal((200_000, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    feats = np.maximum(x @ A.T, 0)
    mc = feats.T @ feats / x.shape[0]
    assert np.allclose(ap.sphere_relu_gram(A, A), mc, atol=1e-2 * np.max(mc))  # Monte-Carlo s.e. about 0.3 per cent, correlated entries


def test_random_feature_error_limits():
    v = np.array([1.0, 0.0, 0.0, 0.0])
    assert ap.random_feature_error(v, [[3.0, 0, 0, 0]]) == pytest.approx(0.0, abs=1e-12)
    # a feature orthogonal to v: the best multiple of relu(x_2) keeps <f, g>^2/||g||^2 = kappa(0)^2/kappa(1)^2 ||f||^2
    k0 = 1 / np.pi  # (sin + (pi - theta) cos)/pi at theta = pi/2, relative to theta = 0
    assert ap.random_feature_error(v, [[0, 1.0, 0, 0]]) == pytest.approx(1 - k0**2)


def test_equivalent_matches_simulation_and_rejects_wrong_theory():
    rng = np.random.default_rng(1)
    d, m = 16, 64
    v = np.eye(d)[0]
    errs = []
    for _ in range(12):
        W = rng.standard_normal((m, d))
        errs.append(ap.random_feature_error(v, W))
    theory = ap.random_feature_equivalent_error(d, m)
    assert np.mean(errs) == pytest.approx(theory, rel=0.2)
    # negative control: ignoring the multiplicities in the degrees-of-freedom equation is rejected by the same tolerance
    _, n, a = ap.relu_gegenbauer_coefficients(d, 2000)
    mu = a[a != 0] ** 2
    nn = n[a != 0]
    from scipy.optimize import brentq

    lam = np.exp(brentq(lambda t: np.sum(mu / (mu + np.exp(t))) - 4, -200, 10))  # m = 4 "modes" instead of 64
    wrong = 2 * d * np.sum(nn * mu * lam / (mu + lam))
    assert abs(np.mean(errs) - wrong) > 0.2 * wrong


def test_maurey_unbiased_and_variance():
    rng = np.random.default_rng(2)
    a = np.array([0.5, -0.3, 0.2])
    m = 10
    draws = np.array([ap.maurey_approximation(a, m, rng=rng) for _ in range(20000)])
    assert np.allclose(draws.mean(0), a, atol=0.01)
    # orthonormal atoms: E||f - f_m||^2 = (||a||_1^2 - ||a||_2^2)/m
    err = np.mean(np.sum((draws - a) ** 2, axis=1))
    assert err == pytest.approx((1.0 - np.sum(a**2)) / m, rel=0.03)
    # negative control: the bound B^2/m without the -||f||^2 term is rejected by the same tolerance
    assert err != pytest.approx(1.0 / m, rel=0.03)


def test_training_reaches_small_error():
    loss = ap.train_relu_sphere(np.eye(8)[0], 16, steps=800, lr=0.1, rng=0)
    assert loss[-1] < 1e-2 and loss[0] > 0.1


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ap.relu_gegenbauer_coefficients(1, 3), "d"),
        (lambda: ap.relu_gegenbauer_coefficients(3, -1), "k_max"),
        (lambda: ap.sphere_relu_gram([[0.0, 0.0]], [[1.0, 0.0]]), "A"),
        (lambda: ap.sphere_relu_gram([[1.0, 0.0]], [[1.0, 0.0, 0.0]]), "B"),
        (lambda: ap.random_feature_error([1.0], [[1.0]]), "v"),
        (lambda: ap.random_feature_equivalent_error(3, 0), "m"),
        (lambda: ap.maurey_approximation([0.0, 0.0], 3), "coefficients"),
        (lambda: ap.maurey_approximation([1.0], 0), "m"),
        (lambda: ap.train_relu_sphere([1.0, 0.0], 2, lr=2.0), "lr"),
        (lambda: ap.train_relu_sphere([1.0, 0.0], 0), "width"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
