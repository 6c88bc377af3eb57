"""Heavy-tailed random matrices: Lévy--Wigner matrices, the Fréchet law and power-law tail fits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .._validation import check_array, check_bool, check_int, check_real, check_rng

__all__ = ["heavy_tailed_wigner", "frechet_cdf", "PowerLawFit", "power_law_fit"]


def heavy_tailed_wigner(n, alpha, rng=None, normalize=True):
    r"""A real symmetric matrix with i.i.d. symmetric Pareto entries of tail index :math:`\alpha`.

    The entries :math:`X_{ij} = X_{ji}`, :math:`i \le j`, are i.i.d. :math:`S\,U^{-1/\alpha}` with a random sign
    :math:`S` and :math:`U` uniform on :math:`(0, 1]`, so that exactly

    .. math:: \mathbb P(|X_{ij}| > t) = t^{-\alpha}, \qquad t \ge 1.

    With ``normalize=True`` the matrix is divided by :math:`a_n`: for :math:`\alpha < 2` (infinite variance)
    :math:`a_n = n^{1/\alpha}`, the scaling of Ben Arous and Guionnet [1]_ under which the spectrum has a
    heavy-tailed, non-semicircular limit; for :math:`\alpha > 2`, :math:`a_n = \sqrt{n\,\alpha/(\alpha-2)}`
    (the entry variance is :math:`\alpha/(\alpha-2)`), so that the limit is the semicircle on :math:`[-2, 2]`.
    The boundary case :math:`\alpha = 2` needs a logarithmic correction and is refused.

    Parameters
    ----------
    n : int
        Size, >= 1.
    alpha : float
        Tail index, in :math:`[0.5, 2) \cup (2, 50]`.
    rng : seed or numpy.random.Generator, optional
    normalize : bool
        Divide by :math:`a_n` (default) or return the raw entries.

    Returns
    -------
    ndarray
        Shape (n, n), symmetric.

    Raises
    ------
    ValueError
        If ``n < 1`` or ``alpha`` is outside the allowed range.

    References
    ----------
    .. [1] G. Ben Arous, A. Guionnet, "The spectrum of heavy tailed random matrices",
       Comm. Math. Phys. 278 (2008) 715-751.

    Examples
    --------
    >>> a = heavy_tailed_wigner(5, 1.5, rng=0, normalize=False)
    >>> bool(np.allclose(a, a.T)), bool(np.all(np.abs(a) >= 1.0))
    (True, True)
    """
    n = check_int("n", n, minimum=1)
    alpha = check_real("alpha", alpha, lower=0.5, upper=50.0)
    if alpha == 2.0:
        raise ValueError("`alpha` must differ from 2 (the boundary case needs a logarithmic scaling), got 2.0.")
    normalize = check_bool("normalize", normalize)
    rng = check_rng(rng)
    u = 1.0 - rng.random((n, n))  # uniform on (0, 1]
    x = np.where(rng.random((n, n)) < 0.5, -1.0, 1.0) * u ** (-1.0 / alpha)
    a = np.triu(x) + np.triu(x, 1).T
    if normalize:
        a /= n ** (1.0 / alpha) if alpha < 2.0 else np.sqrt(n * alpha / (alpha - 2.0))
    return a


def frechet_cdf(x, alpha, scale=1.0):
    r"""Distribution function of the Fréchet law :math:`F(x) = \exp(-(x/s)^{-\alpha})`, :math:`x > 0` (0 for :math:`x \le 0`).

    It is the limit law of the normalised maximum of i.i.d. variables with tail :math:`\mathbb P(X > t) \sim t^{-\alpha}`
    and, by Soshnikov [1]_ and Auffinger, Ben Arous and Péché [2]_, of the normalised largest eigenvalue of a
    Wigner matrix whose entries have such tails with :math:`\alpha < 4`.

    Parameters
    ----------
    x : float or array_like
    alpha : float
        Index :math:`\alpha > 0`.
    scale : float
        :math:`s > 0`.

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] A. Soshnikov, "Poisson statistics for the largest eigenvalues of Wigner random matrices with heavy
       tails", Electron. Commun. Probab. 9 (2004) 82-91.
    .. [2] A. Auffinger, G. Ben Arous, S. Péché, "Poisson convergence for the largest eigenvalues of heavy tailed
       random matrices", Ann. Inst. H. Poincaré Probab. Statist. 45 (2009) 589-610.

    Examples
    --------
    >>> round(frechet_cdf(1.0, 1.5), 12)  # exp(-1)
    0.367879441171
    """
    arr = check_array("x", x)
    alpha = check_real("alpha", alpha, lower=0.0, lower_open=True, max_abs=1e3)
    scale = check_real("scale", scale, lower=0.0, lower_open=True)
    out = np.zeros_like(arr)
    pos = arr > 0.0
    with np.errstate(over="ignore", divide="ignore"):
        out[pos] = np.exp(-np.power(arr[pos] / scale, -alpha))
    out = np.nan_to_num(out, nan=0.0)
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class PowerLawFit:
    """Result of :func:`power_law_fit`.

    Attributes
    ----------
    alpha : float
        Maximum-likelihood exponent of the density :math:`p(x) \\propto x^{-\\alpha}`, :math:`x \\ge x_{\\min}`.
    xmin : float
        Lower cut-off of the tail.
    n_tail : int
        Number of data points :math:`\\ge x_{\\min}`.
    se : float
        Asymptotic standard error :math:`(\\alpha - 1)/\\sqrt{n_{\\text{tail}}}`.
    ks : float
        Kolmogorov--Smirnov distance between the tail data and the fitted law.
    ci : tuple of float or None
        Bootstrap percentile confidence interval of ``alpha`` (None when ``n_boot = 0``).
    """

    alpha: float
    xmin: float
    n_tail: int
    se: float
    ks: float
    ci: tuple


@njit(cache=True)
def _scan_xmin(xs, min_tail):
    """Clauset--Shalizi--Newman scan over x_min = xs[j] (xs sorted ascending, positive): minimise the KS distance."""
    n = xs.shape[0]
    logs = np.log(xs)
    suffix = np.zeros(n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = suffix[i + 1] + logs[i]
    best_ks, best_j, best_a = np.inf, -1, np.nan
    for j in range(0, n - min_tail + 1):
        if j > 0 and xs[j] == xs[j - 1]:
            continue
        k = n - j
        s = suffix[j] - k * logs[j]
        if s <= 0.0:
            continue
        a = 1.0 + k / s
        d = 0.0
        for i in range(j, n):
            f = 1.0 - (xs[i] / xs[j]) ** (1.0 - a)
            lo = (i - j) / k
            hi = (i - j + 1) / k
            d = max(d, abs(f - lo), abs(hi - f))
        if d < best_ks:
            best_ks, best_j, best_a = d, j, a
    return best_j, best_a, best_ks


def _fit_fixed(xs, xmin):
    tail = xs[xs >= xmin]
    k = tail.shape[0]
    s = float(np.sum(np.log(tail / xmin)))
    if k < 2 or s <= 0.0:
        return np.nan, k, np.nan
    a = 1.0 + k / s
    f = 1.0 - (tail / xmin) ** (1.0 - a)
    i = np.arange(k)
    ks = float(np.max(np.maximum(np.abs(f - i / k), np.abs((i + 1) / k - f))))
    return a, k, ks


def _fit(xs, xmin, min_tail):
    if xmin is None:
        j, a, ks = _scan_xmin(xs, min_tail)
        if j < 0:
            return np.nan, np.nan, 0, np.nan
        return a, float(xs[j]), xs.shape[0] - j, ks
    a, k, ks = _fit_fixed(xs, xmin)
    return a, xmin, k, ks


def power_law_fit(x, xmin=None, n_boot=200, level=0.95, min_tail=10, rng=None):
    r"""Maximum-likelihood (Hill) fit of a power-law tail, with a bootstrap confidence interval.

    For data :math:`x_1, \dots, x_k \ge x_{\min}` from the density :math:`p(x) = \frac{\alpha-1}{x_{\min}}
    (x/x_{\min})^{-\alpha}` the maximum-likelihood exponent is the Hill estimator

    .. math:: \hat\alpha = 1 + k \Bigl(\sum_{i=1}^k \ln\frac{x_i}{x_{\min}}\Bigr)^{-1},
              \qquad \operatorname{se}(\hat\alpha) \approx \frac{\hat\alpha - 1}{\sqrt k}.

    If ``xmin`` is None it is chosen, as in Clauset, Shalizi and Newman [1]_, to minimise the Kolmogorov--Smirnov
    distance between the data above it (at least ``min_tail`` points) and the fitted law. The confidence interval
    is the percentile interval of ``n_boot`` nonparametric bootstrap refits, the choice of :math:`x_{\min}`
    included. Note that the exponent is that of the *density*; the tail :math:`\mathbb P(X > t) \propto t^{1-\alpha}`.

    Parameters
    ----------
    x : array_like
        Positive data, 1-d, at least ``min_tail`` values.
    xmin : float, optional
        Fixed lower cut-off (> 0); by default chosen by the KS criterion.
    n_boot : int
        Number of bootstrap resamples, >= 0 (0 skips the interval).
    level : float
        Confidence level in (0, 1).
    min_tail : int
        Minimum number of tail points, >= 2.
    rng : seed or numpy.random.Generator, optional
        For the bootstrap.

    Returns
    -------
    PowerLawFit

    Raises
    ------
    ValueError
        If ``x`` has non-positive entries or fewer than ``min_tail`` values (above ``xmin``).

    References
    ----------
    .. [1] A. Clauset, C. R. Shalizi, M. E. J. Newman, "Power-law distributions in empirical data",
       SIAM Rev. 51 (2009) 661-703.
    .. [2] B. M. Hill, "A simple general approach to inference about the tail of a distribution",
       Ann. Statist. 3 (1975) 1163-1174.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = (1.0 - rng.random(4000)) ** (-1.0 / 1.5)   # density exponent 2.5
    >>> fit = power_law_fit(x, xmin=1.0, n_boot=50, rng=1)
    >>> bool(abs(fit.alpha - 2.5) < 3 * fit.se), bool(fit.ci[0] < 2.5 < fit.ci[1])
    (True, True)
    """
    min_tail = check_int("min_tail", min_tail, minimum=2)
    xs = np.sort(check_array("x", x, ndim=1, min_len=min_tail).ravel())
    if xs[0] <= 0.0:
        raise ValueError(f"`x` must contain only positive values, got a minimum of {xs[0]:g}.")
    if xmin is not None:
        xmin = check_real("xmin", xmin, lower=0.0, lower_open=True)
        k = int(np.sum(xs >= xmin))
        if k < min_tail:
            raise ValueError(f"`xmin`={xmin:g} leaves {k} data points, fewer than `min_tail`={min_tail}.")
    n_boot = check_int("n_boot", n_boot, minimum=0, maximum=100_000)
    level = check_real("level", level, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    rng = check_rng(rng)
    a, xm, k, ks = _fit(xs, xmin, min_tail)
    if not np.isfinite(a):
        raise ValueError("`x` has no tail that a power law can fit (all values above `xmin` are equal).")
    ci = None
    if n_boot:
        boots = []
        for _ in range(n_boot):
            xb = np.sort(rng.choice(xs, size=xs.shape[0], replace=True))
            if xmin is not None and np.sum(xb >= xmin) < 2:
                continue
            ab = _fit(xb, xmin, min_tail)[0]
            if np.isfinite(ab):
                boots.append(ab)
        if not boots:  # pragma: no cover - a resample always keeps >= 2 distinct tail values here
            raise ValueError("`x` is too degenerate for a bootstrap interval; use `n_boot=0`.")
        q = np.quantile(boots, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
        ci = (float(q[0]), float(q[1]))
    return PowerLawFit(float(a), float(xm), int(k), float((a - 1.0) / np.sqrt(k)), float(ks), ci)
