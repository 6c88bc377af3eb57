"""Tests of course_lib.rmt.ridge_risk_anisotropic (deterministic equivalent of the ridge risk)."""

import numpy as np
import pytest

from course_lib.kernels import ridge_risk
from course_lib.rmt import ridge_risk_anisotropic


@pytest.mark.parametrize("gamma", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("lam", [1e-3, 0.1, 3.0])
def test_isotropic_reduces_to_ridge_risk(gamma, lam):
    # Sigma = I: the closed form of Hastie et al. (2022) / Dobriban--Wager (2018), course_lib.kernels.ridge_risk
    got = ridge_risk_anisotropic([1.0, 1.0, 1.0], gamma, lam, signal=2.0, noise=0.5)
    assert got == pytest.approx(ridge_risk(gamma, lam, signal=2.0, noise=0.5), rel=1e-10)


def test_scaling_covariance():
    # Sigma -> c Sigma, lam -> c lam: the bias scales by c, the variance is unchanged (exact change of variables)
    t = np.array([0.5, 2.0, 7.0])
    c = 3.0
    bias = ridge_risk_anisotropic(t, 0.7, 0.2, signal=1.0, noise=0.0)
    var = ridge_risk_anisotropic(t, 0.7, 0.2, signal=0.0, noise=1.0)
    assert ridge_risk_anisotropic(c * t, 0.7, c * 0.2, 1.0, 0.0) == pytest.approx(c * bias, rel=1e-10)
    assert ridge_risk_anisotropic(c * t, 0.7, c * 0.2, 0.0, 1.0) == pytest.approx(var, rel=1e-10)


def test_limits():
    # lam -> infinity: w_hat -> 0, risk -> null risk r^2 tr(Sigma)/d
    t = np.array([0.5, 2.0])
    assert ridge_risk_anisotropic(t, 0.5, 1e7, signal=1.0, noise=1.0) == pytest.approx(t.mean(), rel=1e-5)
    # gamma -> 0 (n >> d): Sigma_hat -> Sigma, only the population ridge bias r^2 lam^2 tr Sigma (Sigma + lam)^-2 / d
    # remains
    expected = 0.1**2 * np.mean(t / (t + 0.1) ** 2)
    assert ridge_risk_anisotropic(t, 1e-9, 0.1, signal=1.0, noise=1.0) == pytest.approx(expected, rel=1e-6)


def test_against_simulation():
    # Monte-Carlo of the exact finite-size risk; tolerance 4 s.e. + O(1/d) finite-size
    rng = np.random.default_rng(7)
    d, n, lam = 100, 200, 0.1
    t = np.repeat([0.5, 2.0], d // 2)
    risks = []
    for _ in range(60):
        x = rng.standard_normal((n, d)) * np.sqrt(t)
        w = rng.standard_normal(d) / np.sqrt(d)
        y = x @ w + 0.5 * rng.standard_normal(n)
        e = np.linalg.solve(x.T @ x / n + lam * np.eye(d), x.T @ y / n) - w
        risks.append(e @ (t * e))
    mean, se = np.mean(risks), np.std(risks, ddof=1) / np.sqrt(len(risks))
    theory = ridge_risk_anisotropic([0.5, 2.0], 0.5, lam, signal=1.0, noise=0.25)
    assert abs(mean - theory) < 4 * se + 2.0 / d
    # negative control: the plausible mistake of dropping the denominator 1 - gamma tr Sigma^2 (Sigma + kappa)^-2 / d
    # (the "naive" equivalent that replaces Sigma_hat by Sigma + kappa without the derivative term)
    from course_lib.rmt._deterministic import _kappa

    kap = _kappa(np.array([0.25, 1.0]), np.array([0.5, 0.5]), 0.5, lam / 2.0)
    df2 = np.mean(np.array([0.25, 1.0]) ** 2 / (np.array([0.25, 1.0]) + kap) ** 2)
    wrong = theory * (1.0 - 0.5 * df2)
    assert abs(mean - wrong) > 4 * se + 2.0 / d


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(population=[1.0, -1.0], gamma=0.5, lam=0.1), ValueError, "population"),
        (dict(population=[], gamma=0.5, lam=0.1), ValueError, "population"),
        (dict(population=[[1.0]], gamma=0.5, lam=0.1), ValueError, "population"),
        (dict(population=[1.0], gamma=0.0, lam=0.1), ValueError, "gamma"),
        (dict(population=[1.0], gamma=0.5, lam=0.0), ValueError, "lam"),
        (dict(population=[1.0], gamma=0.5, lam=0.1, signal=-1.0), ValueError, "signal"),
        (dict(population=[1.0], gamma=0.5, lam=0.1, noise=np.nan), ValueError, "noise"),
        (dict(population=[1.0], gamma="a", lam=0.1), TypeError, "gamma"),
        (dict(population=[np.inf], gamma=0.5, lam=0.1), ValueError, "population"),
    ],
)
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ridge_risk_anisotropic(**kwargs)
