"""Unit tests of rmt.sequential_rank_test (Kritchman-Nadler sequential Tracy-Widom tests of the number of spikes)."""

import numpy as np
import pytest

from course_lib import rmt


def test_threshold_is_the_tracy_widom_quantile():
    lam = rmt.wishart_eigenvalues(30, 60, rng=0)
    for level, beta in ((0.05, 1), (0.01, 1), (0.1, 2)):
        res = rmt.sequential_rank_test(lam, 60, level=level, beta=beta)
        assert abs(rmt.tracy_widom_cdf(res.threshold, beta=beta) - (1 - level)) < 1e-10
    # Johnstone (2001), Table 1: the 95% point of TW1 is 0.98 (two decimals)
    assert abs(rmt.sequential_rank_test(lam, 60, level=0.05).threshold - 0.98) < 0.005


def test_statistics_are_johnstone_scaled_eigenvalues_and_p_values_their_tails():
    d, n = 40, 80
    lam = rmt.wishart_eigenvalues(d, n, rng=1)
    lam[-3:] = [9.0, 8.0, 7.0]  # three eigenvalues far above the edge (1 + sqrt(1/2))^2 ~ 2.91
    res = rmt.sequential_rank_test(lam, n, level=0.05)
    top = np.sort(lam)[::-1]
    expect = [rmt.wishart_edge_scaled(top[k], d - k, n) for k in range(res.statistics.size)]
    assert np.allclose(res.statistics, expect, rtol=1e-12)
    assert np.allclose(res.p_values, rmt.tracy_widom_sf(res.statistics, beta=1), rtol=1e-12)
    assert res.rank == 3 and res.statistics.size == 4  # three rejections, then the first acceptance


def test_noise_variance_rescales():
    lam = rmt.wishart_eigenvalues(40, 80, rng=2)
    lam[-1] = 6.0
    a = rmt.sequential_rank_test(lam, 80)
    b = rmt.sequential_rank_test(4.0 * lam, 80, noise_variance=4.0)
    assert a.rank == b.rank == 1 and np.allclose(a.statistics, b.statistics)


def test_max_rank_caps_the_number_of_tests():
    lam = np.array([50.0, 40.0, 30.0, 20.0, 10.0, 1.0, 0.5, 0.2])
    assert rmt.sequential_rank_test(lam, 400, max_rank=2).rank == 2
    assert rmt.sequential_rank_test(lam, 400, max_rank=0).statistics.size == 0
    assert rmt.sequential_rank_test(lam, 400).rank == 5


def test_false_rejection_rate_without_spikes_is_the_level():
    # r = 0: P(rank >= 1) = P(s_1 > s_alpha) -> alpha. 1500 white Wishart matrices; binomial tolerance of 4 standard
    # errors plus 0.01 for the finite-size error of the Tracy-Widom approximation at d = 40, n = 80 (with 3000
    # matrices we measured rates 0.045-0.053 at d, n = 50-200, i.e. errors below 0.006).
    rng = np.random.default_rng(3)
    reps, level = 1500, 0.05
    rate = np.mean([rmt.sequential_rank_test(rmt.wishart_eigenvalues(40, 80, rng=rng), 80, level=level).rank >= 1
                    for _ in range(reps)])
    tol = 4 * np.sqrt(level * (1 - level) / reps) + 0.01
    assert abs(rate - level) < tol, (rate, tol)
    # negative control: testing against the Marchenko-Pastur edge instead (s_alpha replaced by the centring alone)
    # rejects far more often
    rate_edge = np.mean([rmt.wishart_edge_scaled(rmt.wishart_eigenvalues(40, 80, rng=rng)[-1], 40, 80) > 0
                         for _ in range(300)])
    assert rate_edge - level > tol


def test_spikes_above_the_bbp_threshold_are_counted_and_below_are_not():
    rng = np.random.default_rng(4)
    d, n = 60, 240  # gamma = 1/4, BBP threshold theta = 1/2
    thetas = [6.0, 4.0, 0.2]  # two detectable spikes, one below the threshold
    ranks = []
    for _ in range(20):
        x = rng.standard_normal((d, n))
        x[: len(thetas)] *= np.sqrt(1.0 + np.array(thetas))[:, None]
        ranks.append(rmt.sequential_rank_test(np.linalg.eigvalsh(x @ x.T / n), n).rank)
    assert np.mean(np.array(ranks) == 2) >= 0.8, ranks


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(eigenvalues=[1.0]), ValueError, "eigenvalues"),
        (dict(eigenvalues=[[1.0, 2.0]]), ValueError, "eigenvalues"),
        (dict(eigenvalues=[1.0, -0.5]), ValueError, "eigenvalues.*>= 0"),
        (dict(eigenvalues=[1.0, np.nan]), ValueError, "eigenvalues"),
        (dict(n=1), ValueError, "`n`"),
        (dict(n=2.5), TypeError, "`n`"),
        (dict(level=0.0), ValueError, "`level`"),
        (dict(level=1.0), ValueError, "`level`"),
        (dict(beta=4), ValueError, "`beta` must be 1"),
        (dict(noise_variance=0.0), ValueError, "`noise_variance`"),
        (dict(max_rank=3), ValueError, "`max_rank`"),
        (dict(max_rank=-1), ValueError, "`max_rank`"),
    ],
)
def test_bad_input(kwargs, exc, match):
    args = dict(eigenvalues=[3.0, 1.0, 0.5], n=50)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        rmt.sequential_rank_test(**args)
