"""Tests of the Barron-space tools (course_lib/approximation/_barron.py) against closed forms."""

import mpmath
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


def _gegenbauer_mpmath(d, k):
    # independent reference for the float64 code: the Gamma-function closed form of the docstring (Bach 2017, App. D)
    # and N_k = (2k + d - 2)/k binom(k + d - 3, k - 1), evaluated by mpmath at 30 significant digits
    with mpmath.workdps(30):
        dd = mpmath.mpf(d)
        cd = mpmath.gamma(dd / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma((dd - 1) / 2))
        if k == 0:
            a = cd / (dd - 1)
        elif k == 1:
            a = 1 / (2 * dd)
        elif k % 2:
            a = mpmath.mpf(0)
        else:
            a = ((-1) ** (k // 2 - 1) * cd * mpmath.gamma((dd - 1) / 2) * mpmath.factorial(k - 2)
                 / (2**k * mpmath.factorial(k // 2 - 1) * mpmath.gamma(mpmath.mpf(k) / 2 + (dd + 1) / 2)))
        n = mpmath.mpf(1) if k == 0 else (2 * k + dd - 2) / k * mpmath.binomial(k + dd - 3, k - 1)
    return a, n


def _gegenbauer_old(d, k_max):
    # the implementation before the referee's report (differences of gammaln values), kept as a negative control
    k = np.arange(k_max + 1)
    log_cd = gammaln(d / 2) - 0.5 * np.log(np.pi) - gammaln((d - 1) / 2)
    alpha = np.zeros(k_max + 1)
    alpha[0] = np.exp(log_cd) / (d - 1)
    alpha[1] = 1.0 / (2 * d)
    ke = k[2::2].astype(float)
    log_a = (log_cd + gammaln((d - 1) / 2) + gammaln(ke - 1) - ke * np.log(2.0) - gammaln(ke / 2)
             - gammaln(ke / 2 + (d + 1) / 2))
    alpha[2::2] = (-1.0) ** (ke / 2 - 1) * np.exp(log_a)
    kk = np.maximum(k, 1).astype(float)
    with np.errstate(over="ignore"):
        mult = np.exp(np.log((2 * kk + d - 2) / kk) + gammaln(kk + d - 2) - gammaln(kk) - gammaln(d - 1))
    mult[0] = 1.0
    return k, mult, alpha


def _max_rel_err(coeffs, d, ks):
    _, n, a = coeffs
    err = 0.0
    for k in ks:
        a_ref, n_ref = _gegenbauer_mpmath(d, k)
        err = max(err, float(abs(n[k] - n_ref) / n_ref))
        if a_ref != 0:
            err = max(err, float(abs(a[k] - a_ref) / abs(a_ref)))
    return err


# largest degree K_d with N_k <= 1.8e308 and alpha_k^2 >= 2.2e-308 for all k <= K_d (found by the function itself; the
# values are asserted below so that a change of the range is noticed)
_K_D = {1000: 291, 2000: 207, 10_000: 129}


@pytest.mark.parametrize("d", [1000, 2000, 10_000])
def test_gegenbauer_large_d_matches_mpmath(d):
    # the referee's report: overflow for d >= 1000. Now every returned value has relative error < 1e-12 (measured
    # <= 7e-14), up to the largest accepted degree, and larger k_max raise a ValueError naming d and K_d
    K = _K_D[d]
    coeffs = ap.relu_gegenbauer_coefficients(d, K)
    assert all(np.all(np.isfinite(c)) for c in coeffs)
    ks = [0, 1, 2, 3, 4, 6, 8, 10, K // 2 - (K // 2) % 2, K - 1, K]
    assert _max_rel_err(coeffs, d, ks) < 1e-12
    with pytest.raises(ValueError, match=rf"`d` = {d}.*k_max <= {K}\b"):
        ap.relu_gegenbauer_coefficients(d, K + 1)
    # negative control: the old gammaln-difference formula fails the same test, silently
    with np.errstate(over="ignore", invalid="ignore"):
        old = _gegenbauer_old(d, 2000)
        assert not np.all(np.isfinite(old[1])) and np.isnan(np.sum(old[1] * old[2] ** 2))
    if d == 10_000:
        assert _max_rel_err(_gegenbauer_old(d, 10), d, range(11)) > 1e-12  # measured 2.4e-11


def test_gegenbauer_large_d_parseval_tail_matches_hermite_limit():
    # Parseval at large d: the energy beyond K_d, 1 - 2d sum_{k <= K_d} N_k alpha_k^2, must be positive and tend, as
    # d -> infinity with K fixed, to the tail of the Hermite energies of relu(z), z ~ N(0, 1): e_k = ((k-3)!!)^2/(pi k!)
    # for even k >= 2 (e_2 = 2! c_2^2 / E relu(z)^2 = 1/(2 pi), c_2 = E relu(z) He_2(z) / 2! = 1/(2 sqrt(2 pi)));
    # measured ratios 0.68 (d = 1000), 0.86 (2000), 0.98 (10^4)
    ratios = []
    for d, K in _K_D.items():
        _, n, a = ap.relu_gegenbauer_coefficients(d, K)
        missing = 1.0 - 2 * d * np.sum(n * a**2)
        with mpmath.workdps(20):
            tail = mpmath.nsum(lambda j: mpmath.fac2(2 * j - 3) ** 2 / (mpmath.pi * mpmath.factorial(2 * j)),
                               [K // 2 + 1, mpmath.inf])
        ratios.append(missing / float(tail))
    assert 0.5 < ratios[0] < ratios[1] < ratios[2] < 1.05
    # negative control: the Parseval sum without the multiplicities misses almost everything
    _, n, a = ap.relu_gegenbauer_coefficients(10_000, 129)
    assert 1.0 - 2 * 10_000 * np.sum(a**2) > 0.4


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


def test_equivalent_error_large_d_default_and_tail():
    """d > 206: the default k_max stops at the float64 limit K_d instead of raising; the energy of the degrees
    above k_max is counted as not fitted, so truncating earlier changes the value by less than that energy."""
    from course_lib.approximation._barron import _relu_max_degree

    assert _relu_max_degree(1000, 2000) == 291 and _relu_max_degree(100, 2000) == 2000
    full = ap.random_feature_equivalent_error(1000, 16)
    assert full == ap.random_feature_equivalent_error(1000, 16, k_max=291)
    _, n, a = ap.relu_gegenbauer_coefficients(1000, 100)
    tail_100 = 1 - 2 * 1000 * np.sum(n * a**2)
    short = ap.random_feature_equivalent_error(1000, 16, k_max=100)
    assert 0 < tail_100 < 1e-3 and abs(short - full) <= tail_100
    assert 0 < full < 1
    with pytest.raises(ValueError, match="k_max"):
        ap.random_feature_equivalent_error(1000, 16, k_max=300)
    # small d: the tail above degree 2000 is ~1e-10, the value unchanged at the lecture's precision
    assert abs(ap.random_feature_equivalent_error(3, 16) - 0.010635528137) < 1e-9
