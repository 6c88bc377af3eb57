"""Tests of course_lib.rmt heavy-tailed matrices: Pareto entries, Fréchet law, power-law (Hill/CSN) fits."""

import numpy as np
import pytest
from scipy import stats

from course_lib import rmt


def test_heavy_tailed_wigner_entries_have_the_pareto_tail():
    # P(|X| > t) = t^{-alpha} exactly, t >= 1 (definition of the sampler); KS on the n(n+1)/2 free entries.
    a = rmt.heavy_tailed_wigner(300, 1.5, rng=0, normalize=False)
    assert np.allclose(a, a.T)
    x = np.abs(a[np.triu_indices(300)])
    d = stats.kstest(x, lambda t: 1.0 - t ** (-1.5)).statistic
    assert d < 1.63 / np.sqrt(x.size)  # 1 % Kolmogorov band
    # a wrong index (1.7) is rejected by the same band: the negative control
    assert stats.kstest(x, lambda t: 1.0 - t ** (-1.7)).statistic > 1.63 / np.sqrt(x.size)
    # signs are symmetric: the fraction of positive entries is 1/2 within 4 binomial s.e.
    assert abs(np.mean(a[np.triu_indices(300)] > 0) - 0.5) < 4 * 0.5 / np.sqrt(x.size)


def test_heavy_tailed_wigner_normalisation():
    n = 200
    a_raw = rmt.heavy_tailed_wigner(n, 1.2, rng=3, normalize=False)
    a = rmt.heavy_tailed_wigner(n, 1.2, rng=3)
    assert np.allclose(a * n ** (1 / 1.2), a_raw)  # a_n = n^{1/alpha} for alpha < 2
    b_raw = rmt.heavy_tailed_wigner(n, 6.0, rng=4, normalize=False)
    b = rmt.heavy_tailed_wigner(n, 6.0, rng=4)
    assert np.allclose(b * np.sqrt(n * 6.0 / 4.0), b_raw)  # variance alpha/(alpha-2) = 3/2
    # finite variance: semicircle on [-2, 2]; second moment (1/n) tr H^2 -> 1 (Wigner)
    h = rmt.heavy_tailed_wigner(400, 8.0, rng=5)
    assert abs(np.trace(h @ h) / 400 - 1.0) < 0.05


def test_frechet_cdf_closed_forms():
    assert rmt.frechet_cdf(1.0, 2.0) == pytest.approx(np.exp(-1.0), rel=1e-14)
    assert rmt.frechet_cdf(2.0, 3.0, scale=2.0) == pytest.approx(np.exp(-1.0), rel=1e-14)
    assert rmt.frechet_cdf(-1.0, 2.0) == 0.0 and rmt.frechet_cdf(0.0, 2.0) == 0.0
    x = np.array([0.5, 1.0, 4.0])
    assert np.allclose(rmt.frechet_cdf(x, 1.5), stats.invweibull.cdf(x, 1.5), rtol=1e-13)  # scipy's Fréchet
    # extreme-value theorem: the max of m Pareto(alpha) variables over m^{1/alpha} is Fréchet(alpha)
    rng = np.random.default_rng(7)
    m, k, alpha = 2000, 2000, 1.5
    mx = ((1.0 - rng.random((k, m))) ** (-1 / alpha)).max(axis=1) / m ** (1 / alpha)
    d = stats.kstest(mx, lambda t: rmt.frechet_cdf(t, alpha)).statistic
    assert d < 1.63 / np.sqrt(k)
    assert stats.kstest(mx, lambda t: rmt.frechet_cdf(t, 2.0)).statistic > 1.63 / np.sqrt(k)  # wrong index


def test_power_law_fit_recovers_the_exponent():
    rng = np.random.default_rng(11)
    x = (1.0 - rng.random(5000)) ** (-1.0 / 1.5)  # density exponent 2.5 above xmin = 1
    fit = rmt.power_law_fit(x, xmin=1.0, n_boot=100, rng=1)
    assert abs(fit.alpha - 2.5) < 3 * fit.se and fit.n_tail == 5000
    assert fit.ci[0] < 2.5 < fit.ci[1]
    # bootstrap CI width ~ 2 * 1.96 * se (asymptotic normality of the Hill estimator)
    assert (fit.ci[1] - fit.ci[0]) == pytest.approx(2 * 1.96 * fit.se, rel=0.3)


def test_power_law_fit_chooses_xmin_on_a_mixture():
    # exponential body below 3, Pareto tail (density exponent 3) above 3: CSN's scan finds xmin near 3
    rng = np.random.default_rng(12)
    body = 3.0 * rng.random(2000)
    tail = 3.0 * (1.0 - rng.random(2000)) ** (-1.0 / 2.0)
    fit = rmt.power_law_fit(np.concatenate([body, tail]), n_boot=0, min_tail=50)
    assert 2.0 < fit.xmin < 4.5
    assert abs(fit.alpha - 3.0) < 4 * fit.se
    assert fit.ci is None
    # the Hill estimator with xmin at the bottom of the body is badly wrong (negative control)
    bad = rmt.power_law_fit(np.concatenate([body, tail]), xmin=0.5, n_boot=0)
    assert abs(bad.alpha - 3.0) > 4 * bad.se


@pytest.mark.parametrize("f, args, kwargs, exc, match", [
    (rmt.heavy_tailed_wigner, (0, 1.5), {}, ValueError, r"`n` must be an integer >= 1"),
    (rmt.heavy_tailed_wigner, (5, 2.0), {}, ValueError, r"`alpha` must differ from 2"),
    (rmt.heavy_tailed_wigner, (5, 0.1), {}, ValueError, r"`alpha` must be >= 0.5"),
    (rmt.heavy_tailed_wigner, (5, 1.5), {"normalize": 1}, TypeError, r"`normalize` must be a bool"),
    (rmt.frechet_cdf, (1.0, -1.0), {}, ValueError, r"`alpha` must be > 0"),
    (rmt.frechet_cdf, (1.0, 1.0), {"scale": 0.0}, ValueError, r"`scale` must be > 0"),
    (rmt.frechet_cdf, ("a", 1.0), {}, TypeError, r"`x` must be a real numeric array"),
    (rmt.power_law_fit, (np.array([1.0, -2.0] * 10),), {}, ValueError, r"`x` must contain only positive"),
    (rmt.power_law_fit, (np.ones(5),), {}, ValueError, r"`x` must have at least 10"),
    (rmt.power_law_fit, (np.arange(1.0, 30.0),), {"xmin": 25.0}, ValueError, r"`xmin`=25 leaves 5"),
    (rmt.power_law_fit, (np.ones(30),), {}, ValueError, r"no tail that a power law can fit"),
    (rmt.power_law_fit, (np.arange(1.0, 30.0),), {"level": 1.0}, ValueError, r"`level` must be < 1"),
    (rmt.power_law_fit, (np.arange(1.0, 30.0),), {"n_boot": -1}, ValueError, r"`n_boot` must be an integer >= 0"),
])
def test_bad_input(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)


def test_largest_eigenvalue_is_frechet_not_tracy_widom():
    # Soshnikov (2004): for alpha < 2, lambda_max / b_N -> Frechet(alpha), b_N = (N^2/2)^{1/alpha}; the notebook's check at
    # a smaller size. Negative controls: the slip b_N = N^{2/alpha} and the Tracy-Widom law are rejected by the same band.
    from scipy.linalg import eigvalsh

    rng = np.random.default_rng(21)
    n, m, alpha = 100, 300, 1.5
    lam = np.array([eigvalsh(rmt.heavy_tailed_wigner(n, alpha, rng, normalize=False), subset_by_index=[n - 1, n - 1])[0]
                    for _ in range(m)])
    band = 1.63 / np.sqrt(m)
    assert stats.kstest(lam / (n**2 / 2) ** (1 / alpha), lambda x: rmt.frechet_cdf(x, alpha)).statistic < band
    assert stats.kstest(lam / n ** (2 / alpha), lambda x: rmt.frechet_cdf(x, alpha)).statistic > band
    z = (lam - np.median(lam)) / stats.iqr(lam) * 1.7 - 1.27  # TW1 has median ~ -1.27 and IQR ~ 1.7 (rough matching)
    assert stats.kstest(z, lambda s: rmt.tracy_widom_cdf(s, beta=1)).statistic > band
