"""How many spikes? A sequential Tracy--Widom test of the sample eigenvalues (Kritchman and Nadler)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import brentq

from .._validation import check_array, check_int, check_real
from ._ensembles import wishart_edge_scaled
from ._tracy_widom import tracy_widom_cdf, tracy_widom_sf

__all__ = ["SequentialRankTest", "sequential_rank_test"]


@dataclass(frozen=True)
class SequentialRankTest:
    """Result of :func:`sequential_rank_test`.

    Attributes
    ----------
    rank : int
        The estimated number of spikes: the number of tests that rejected before the first acceptance.
    statistics : ndarray
        Edge-scaled statistics :math:`s_k` of the tests carried out, :math:`k = 1, \\dots, \\text{rank} + 1`
        (only ``rank`` of them when the test stopped at ``max_rank``).
    p_values : ndarray
        :math:`\\mathrm{TW}_\\beta` tail probabilities :math:`1 - F_\\beta(s_k)` of these statistics.
    threshold : float
        The critical value :math:`s_\\alpha`, the :math:`1 - \\alpha` quantile of :math:`F_\\beta`.
    level : float
        The level :math:`\\alpha` of each test.
    """

    rank: int
    statistics: np.ndarray
    p_values: np.ndarray
    threshold: float
    level: float


@lru_cache(maxsize=64)
def _tw_quantile(prob, beta):
    """The ``prob`` quantile of TW_beta (the CDF is increasing and smooth: bracketed root finding)."""
    return float(brentq(lambda s: tracy_widom_cdf(s, beta=beta) - prob, -12.0, 9.0, xtol=1e-12, rtol=1e-14))


def sequential_rank_test(eigenvalues, n, level=0.05, *, beta=1, noise_variance=1.0, max_rank=None):
    r"""Estimate the number of spikes of a sample covariance by sequential Tracy--Widom tests.

    Let :math:`\lambda_1 \ge \dots \ge \lambda_d` be the eigenvalues of :math:`S = \frac1n XX^\top`, :math:`X`
    of size :math:`d\times n` with independent columns :math:`N(0, \sigma^2 I_d + \sum_{i\le r}\theta_i v_iv_i^\top)`.
    For :math:`k = 1, 2, \dots` the test of :math:`H_{k-1}`: "at most :math:`k - 1` spikes" rejects when the
    :math:`k`-th eigenvalue is too large for the white Wishart matrix of dimension :math:`d - k + 1` that remains
    once :math:`k - 1` spikes are set aside,

    .. math:: s_k = \frac{n\lambda_k/\sigma^2 - \mu_{d-k+1,n}}{\sigma_{d-k+1,n}} > s_\alpha,
              \qquad F_\beta(s_\alpha) = 1 - \alpha,

    with Johnstone's :math:`\mu, \sigma` of :func:`wishart_edge_scaled`; the estimate is the number of rejections
    before the first acceptance (Kritchman and Nadler [1]_, [2]_, here with the noise level :math:`\sigma^2` known).
    Without spikes the first test rejects with probability :math:`\alpha + o(1)`, so
    :math:`\mathbb P(\hat r \ge 1) \to \alpha`; a spike above the BBP threshold :math:`\theta > \sigma^2\sqrt{d/n}`
    puts :math:`\lambda_k` at a distance of order one above the edge, i.e. :math:`n^{2/3}` Tracy--Widom scales, and is
    detected with probability tending to one; a spike below it leaves the limiting Tracy--Widom law of the top
    eigenvalues unchanged (Bloemendal and Virag 2013 for real data), so it is counted with probability tending to at
    most :math:`\alpha`, not consistently.

    Parameters
    ----------
    eigenvalues : array_like
        1-D, at least 2 values: the eigenvalues of :math:`S` (any order), each finite and >= 0 up to round-off
        (entries down to :math:`-10^{-8}\max_k|\lambda_k|` are treated as 0).
    n : int
        Number of samples, >= 2.
    level : float
        Level :math:`\alpha` of each test, in (0, 1).
    beta : {1, 2}
        1 for real data, 2 for complex data.
    noise_variance : float
        The noise level :math:`\sigma^2 > 0`.
    max_rank : int, optional
        Largest rank tested, in [0, d - 1] (default d - 1, the last test then uses a 2-dimensional Wishart matrix).

    Returns
    -------
    SequentialRankTest

    Raises
    ------
    TypeError
        If an argument is not of the right type.
    ValueError
        If ``eigenvalues`` is not 1-D with >= 2 finite entries >= 0 (up to round-off), ``n < 2``, ``level`` is not in
        (0, 1), ``beta`` is not 1 or 2, ``noise_variance`` is not > 0, or ``max_rank`` is outside [0, d - 1].

    References
    ----------
    .. [1] S. Kritchman, B. Nadler, "Determining the number of components in a factor model from limited noisy
       data", Chemometrics Intell. Lab. Syst. 94 (2008) 19-32.
    .. [2] S. Kritchman, B. Nadler, "Non-parametric detection of the number of signals: hypothesis testing and
       random matrix theory", IEEE Trans. Signal Process. 57 (2009) 3930-3941.
    .. [3] I. M. Johnstone, "On the distribution of the largest eigenvalue in principal components analysis",
       Ann. Statist. 29 (2001) 295-327.

    Examples
    --------
    >>> from course_lib.rmt import wishart_eigenvalues
    >>> lam = wishart_eigenvalues(100, 200, rng=0)   # no spike
    >>> lam[-1] = 6.0                                # one eigenvalue far above the edge (1 + sqrt(1/2))^2 ~ 2.91
    >>> res = sequential_rank_test(lam, 200, level=0.05)
    >>> res.rank, round(res.threshold, 4)
    (1, 0.9793)
    """
    lam = check_array("eigenvalues", eigenvalues, ndim=1, min_len=2)
    scale = float(np.max(np.abs(lam)))
    if np.any(lam < -1e-8 * scale):
        raise ValueError(f"`eigenvalues` must be >= 0 (eigenvalues of a sample covariance), got minimum "
                         f"{float(lam.min()):g}.")
    n = check_int("n", n, minimum=2)
    level = check_real("level", level, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    beta = check_int("beta", beta)
    if beta not in (1, 2):
        raise ValueError(f"`beta` must be 1 (real data) or 2 (complex data), got {beta}.")
    noise_variance = check_real("noise_variance", noise_variance, lower=0.0, lower_open=True)
    d = lam.size
    max_rank = d - 1 if max_rank is None else check_int("max_rank", max_rank, minimum=0, maximum=d - 1)
    lam = np.sort(np.maximum(lam, 0.0))[::-1] / noise_variance
    threshold = _tw_quantile(1.0 - level, beta)
    stats = []
    for k in range(1, max_rank + 1):  # the tests of H_0, H_1, ..., H_{max_rank - 1}
        stats.append(float(wishart_edge_scaled(float(lam[k - 1]), d - k + 1, n, beta)))
        if stats[-1] <= threshold:
            break
    stats = np.array(stats)
    rank = int(np.sum(stats > threshold))
    p_values = np.atleast_1d(tracy_widom_sf(stats, beta=beta)) if stats.size else np.empty(0)
    return SequentialRankTest(rank, stats, np.asarray(p_values, dtype=float), threshold, level)
