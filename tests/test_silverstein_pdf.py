"""Tests of course_lib.rmt.silverstein_pdf (Silverstein's equation for a general population covariance).

Reference values: the Marchenko--Pastur density (Marchenko and Pastur 1967; the library's
`marchenko_pastur_pdf`, itself tested against closed forms in test_rmt.py) for Sigma = c I; the
scaling f(x; c t) = f(x / c; t) / c (S is linear in Sigma); the mass min(1, 1/gamma) of the
continuous part (Bai and Silverstein 2010, ch. 4: rank S = min(d, n)); the moments of S,
E (1/d) tr S = mean(t) and E (1/d) tr S^2 = mean(t^2) + (d/n) mean(t)^2 + O(1/n). The latter by direct
computation: (1/d) tr S^2 = (1/(d n^2)) sum_{i,j,a,b} t_i t_j Z_ia Z_ja Z_jb Z_ib; in expectation only the
pairings i = j (n^2 sum_i t_i^2 terms, a != b) and a = b (n (sum_i t_i)^2 terms, i != j) survive at
leading order, giving mean(t^2) + (d/n) mean(t)^2 (for Sigma = I: 1 + gamma, the MP second moment).
Finally a simulation of S for d = 800, n = 1600.
"""

import numpy as np
import pytest

from course_lib import rmt


def _grid(population, gamma, n=40_001):
    top = float(np.max(population)) * (1.0 + np.sqrt(gamma)) ** 2  # ||S|| -> at most max(t) (1 + sqrt(gamma))^2
    return np.linspace(0.0, 1.05 * top, n)


@pytest.mark.parametrize("gamma", [0.1, 0.5, 0.9, 1.0, 2.0, 5.0])
def test_identity_population_is_marchenko_pastur(gamma):
    lo, hi = rmt.marchenko_pastur_edges(gamma)
    x = np.linspace(-0.5, hi + 1.0, 4001)
    f = rmt.silverstein_pdf(x, [1.0], gamma)
    ref = rmt.marchenko_pastur_pdf(x, gamma)
    err = np.max(np.abs(f - ref))
    assert err < 1e-10, err  # measured <= 3e-14
    outside = (x < lo) | (x > hi)
    assert np.all(f[outside] == 0.0)  # all roots real outside the support: exactly 0, never NaN


@pytest.mark.parametrize("gamma", [0.3, 3.0])
def test_scaled_identity_is_scaled_marchenko_pastur(gamma):
    c = 3.0
    x = np.linspace(0.0, c * 8.0, 3001)
    f = rmt.silverstein_pdf(x, np.full(7, c), gamma)
    ref = rmt.marchenko_pastur_pdf(x / c, gamma) / c
    assert np.max(np.abs(f - ref)) < 1e-10


def test_negative_control_wrong_scale_fails():
    # the MP law with the wrong variance (c = 1 instead of 3) is far from the answer: the check can fail
    x = np.linspace(0.0, 24.0, 3001)
    f = rmt.silverstein_pdf(x, [3.0], 0.3)
    assert np.max(np.abs(f - rmt.marchenko_pastur_pdf(x, 0.3))) > 0.1


def _moments(population, gamma):
    x = _grid(population, gamma)
    f = rmt.silverstein_pdf(x, population, gamma)
    mass = np.trapezoid(f, x) + max(0.0, 1.0 - 1.0 / gamma)
    return mass, np.trapezoid(x * f, x), np.trapezoid(x**2 * f, x)


POPULATIONS = {
    "two-point": np.array([1.0, 4.0]),
    "random": np.random.default_rng(3).uniform(0.5, 3.0, size=20),
}


@pytest.mark.parametrize("name", list(POPULATIONS))
@pytest.mark.parametrize("gamma", [0.1, 2.0])
def test_mass_and_first_two_moments(name, gamma):
    t = POPULATIONS[name]
    mass, m1, m2 = _moments(t, gamma)
    # trapezoid rule on 4e4 points (h ~ 5e-4): the square-root edges limit it to O(h^{3/2}) ~ 1e-5;
    # measured relative errors <= 7e-7 (two-point population, gamma = 0.1)
    assert abs(mass - 1.0) < 1e-5, mass
    assert abs(m1 - t.mean()) < 1e-5 * t.mean(), (m1, t.mean())
    m2_ref = np.mean(t**2) + gamma * t.mean() ** 2
    assert abs(m2 - m2_ref) < 1e-5 * m2_ref, (m2, m2_ref)
    # negative control: dropping the gamma term (the population's own second moment) is far off
    assert abs(m2 - np.mean(t**2)) > 0.05 * m2_ref


def _ks_to_limit(eigenvalues, x, cdf):
    ev = np.sort(eigenvalues)
    d = ev.size
    F = np.interp(ev, x, cdf)
    i = np.arange(1, d + 1)
    return max(np.max(i / d - F), np.max(F - (i - 1) / d))


def test_simulation_two_point_population():
    d, n = 800, 1600
    gamma = d / n
    t = np.repeat([1.0, 4.0], d // 2)
    rng = np.random.default_rng(0)
    X = np.sqrt(t)[:, None] * rng.standard_normal((d, n))
    ev = np.linalg.eigvalsh(X @ X.T / n)
    x = _grid(t, gamma, n=200_001)
    f = rmt.silverstein_pdf(x, t, gamma)
    F = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(x))])
    ks = _ks_to_limit(ev, x, F)
    # Bound: the empirical CDF of d eigenvalues has steps 1/d = 1.25e-3 and, by eigenvalue rigidity
    # (Erdos--Yau--Yin; Bai--Silverstein ch. 8 for the O(1/n) rate of the mean ESD), deviates from the limit
    # by O(log d / d) ~ 1e-2 at worst; finite-n bias is O(1/n). Measured: 4.2e-3 (seed 0).
    assert ks < 0.02, ks
    # negative control: the MP law with the population's mean variance 2.5 (what one gets by ignoring the
    # anisotropy) is rejected; measured KS 0.14
    ks_mp = _ks_to_limit(ev, x, rmt.marchenko_pastur_cdf(x / t.mean(), gamma))
    assert ks_mp > 0.05, ks_mp


def test_scalar_in_scalar_out_and_no_nan_far_away():
    assert isinstance(rmt.silverstein_pdf(1.0, [1.0, 2.0], 0.5), float)
    f = rmt.silverstein_pdf([-1e100, 0.0, 1e-300, 1e100], [1e-6, 1.0, 1e6], 0.5)
    assert np.all(np.isfinite(f)) and np.all(f == 0.0)


@pytest.mark.parametrize(
    "args, exc, match",
    [
        ((1.0, [1.0], 0.0), ValueError, r"`gamma` must be > 0"),
        ((1.0, [1.0], np.nan), ValueError, r"`gamma` must be finite"),
        ((1.0, [1.0], "a"), TypeError, r"`gamma` must be a real number"),
        ((np.nan, [1.0], 0.5), ValueError, r"`x` must contain only finite"),
        (("x", [1.0], 0.5), TypeError, r"`x` must be a real numeric array"),
        ((1.0, [], 0.5), ValueError, r"`population` must have at least 1"),
        ((1.0, [[1.0]], 0.5), ValueError, r"`population` must have ndim"),
        ((1.0, [1.0, 0.0], 0.5), ValueError, r"`population` must contain only eigenvalues > 0"),
        ((1.0, [1.0, -2.0], 0.5), ValueError, r"`population` must contain only eigenvalues > 0"),
        ((1.0, [1.0, np.inf], 0.5), ValueError, r"`population` must contain only finite"),
        ((1.0, None, 0.5), TypeError, r"`population` must be a real numeric array"),
    ],
)
def test_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        rmt.silverstein_pdf(*args)
