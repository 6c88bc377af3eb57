"""Limiting spectrum of a sample covariance matrix with a general population covariance (Silverstein's equation)."""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_real

__all__ = ["silverstein_pdf"]


def _companion_roots(x, t, w, gamma):
    r"""All roots :math:`\underline m` of :math:`x = -1/\underline m + \gamma\sum_j w_j t_j/(1 + t_j\underline m)`, x > 0.

    With poles :math:`p_0 = 0`, :math:`p_j = -1/t_j` and residues :math:`c_0 = -1`, :math:`c_j = \gamma w_j` the equation
    reads :math:`\sum_j c_j/(\underline m - p_j) = x`, i.e. :math:`\underline m` is an eigenvalue of the
    :math:`(k+1)\times(k+1)` matrix :math:`\mathrm{diag}(p) + x^{-1} c\,\mathbf 1^\top` (a secular equation: the
    matrix determinant lemma gives :math:`\det(\mathrm{diag}(p) + x^{-1}c\mathbf 1^\top - \lambda) =
    \prod_j(p_j - \lambda)\,(1 - x^{-1}\sum_j c_j/(\lambda - p_j))`). No polynomial is ever expanded.
    """
    p = np.concatenate([[0.0], -1.0 / t])
    c = np.concatenate([[-1.0], gamma * w])
    k1 = p.size
    mats = np.broadcast_to(np.diag(p), (x.size, k1, k1)) + (c[None, :, None] / x[:, None, None])
    return np.linalg.eigvals(mats)


def _polish(m, x, t, w, gamma, steps=3):
    """A few guarded Newton steps on g(m) = -1/m + gamma sum w t/(1 + t m) - x (a step is kept only if |g| drops)."""
    def g_and_dg(m):
        r = 1.0 + t[None, :] * m[:, None]
        g = -1.0 / m + gamma * np.sum(w * t / r, axis=1) - x
        dg = 1.0 / m**2 - gamma * np.sum(w * t**2 / r**2, axis=1)
        return g, dg

    with np.errstate(all="ignore"):
        g, dg = g_and_dg(m)
        for _ in range(steps):
            trial = m - g / dg
            g_new, dg_new = g_and_dg(trial)
            better = np.isfinite(g_new) & (np.abs(g_new) < np.abs(g)) & (trial.imag >= 0)
            m = np.where(better, trial, m)
            g = np.where(better, g_new, g)
            dg = np.where(better, dg_new, dg)
    return m


def silverstein_pdf(x, population, gamma):
    r"""Limiting eigenvalue density of the sample covariance :math:`S = \frac1n\Sigma^{1/2}ZZ^\top\Sigma^{1/2}`.

    :math:`Z\in\mathbb R^{d\times n}` has i.i.d. standardised entries, :math:`\Sigma` has the eigenvalues
    :math:`t_1, \dots, t_d` given in ``population`` (equal weights, :math:`\tau = \frac1d\sum_i\delta_{t_i}`) and
    :math:`d/n \to \gamma`. The companion Stieltjes transform :math:`\underline m(z)` of the :math:`n\times n` matrix
    :math:`\frac1n Z^\top\Sigma Z` is the unique solution with :math:`\operatorname{Im}\underline m > 0` for
    :math:`\operatorname{Im} z > 0` of Silverstein's equation

    .. math::
        z = -\frac{1}{\underline m} + \gamma \int \frac{t\,d\tau(t)}{1 + t\,\underline m}, \qquad
        \underline m(z) = -\frac{1-\gamma}{z} + \gamma\, m(z),

    where :math:`m(z) = \int \frac{d\mu(\lambda)}{\lambda - z}` is the Stieltjes transform of the limit law
    :math:`\mu` of :math:`S`. The density returned is that of the absolutely continuous part,

    .. math:: f(x) = \frac1\pi \lim_{\eta\to0^+}\operatorname{Im} m(x + i\eta)
              = \frac{1}{\pi\gamma}\operatorname{Im}\underline m(x + i0).

    For :math:`\gamma > 1` the law :math:`\mu` also has an atom at 0 of mass :math:`1 - 1/\gamma` (rank of
    :math:`S` is :math:`n < d`) which :math:`f` excludes: :math:`\int f = \min(1, 1/\gamma)`. For
    :math:`\Sigma = I` this is the Marchenko--Pastur density (:func:`marchenko_pastur_pdf` with
    ``ratio = gamma``); the first two moments of :math:`\mu` are :math:`\int t\,d\tau` and
    :math:`\int t^2 d\tau + \gamma(\int t\,d\tau)^2`.

    Method: with the :math:`k` distinct values of ``population`` the equation at real :math:`x > 0` is a secular
    equation with :math:`k + 1` poles; its roots are the eigenvalues of a :math:`(k+1)\times(k+1)` matrix
    (diagonal plus rank one), so no continuation in :math:`\eta` is needed. Between consecutive poles
    :math:`-1/t_j` there is always a real root, so at most one conjugate pair is complex: inside the support
    the root with positive imaginary part is :math:`\underline m(x + i0)` (Silverstein and Choi 1995), outside
    all roots are real and :math:`f = 0`. The root is polished by guarded Newton steps. Cost
    :math:`O(k^3)` per point of ``x``: fast for a few dozen distinct values (about 3 s for 20 values at
    4e4 points here); for hundreds of distinct values (200 values, 200 points: about 15 s) bin the population first.
    Near a spectral edge, where :math:`f` vanishes like a square root, the round-off is of order
    :math:`\sqrt{\epsilon}\,\max_i t_i \approx 10^{-8}\max_i t_i` in :math:`\underline m`.

    Parameters
    ----------
    x : float or array_like
        Points at which to evaluate the density (any finite reals; :math:`f = 0` for :math:`x \le 0`).
    population : array_like
        1-D, non-empty: the eigenvalues of :math:`\Sigma`, each finite and > 0 (repeats give weight).
    gamma : float
        Aspect ratio :math:`\gamma = d/n > 0`.

    Returns
    -------
    float or ndarray
        :math:`f(x)`, same shape as ``x``, non-negative.

    Raises
    ------
    TypeError
        If an argument is not real numeric.
    ValueError
        If ``x`` is not finite, ``population`` is not 1-D, empty, non-finite or has an entry <= 0, or
        ``gamma`` is not finite and > 0.

    References
    ----------
    .. [1] J. W. Silverstein, Z. D. Bai, "On the empirical distribution of eigenvalues of a class of large
       dimensional random matrices", J. Multivariate Anal. 54 (1995) 175-192.
    .. [2] J. W. Silverstein, S.-I. Choi, "Analysis of the limiting spectral distribution of large dimensional
       random matrices", J. Multivariate Anal. 54 (1995) 295-309.
    .. [3] Z. Bai, J. W. Silverstein, *Spectral Analysis of Large Dimensional Random Matrices*, 2nd ed.,
       Springer (2010), chapter 4.

    Examples
    --------
    >>> from course_lib.rmt import marchenko_pastur_pdf
    >>> f = silverstein_pdf([1.0, 2.0], [1.0], 0.5)   # Sigma = I: Marchenko--Pastur
    >>> bool(np.allclose(f, marchenko_pastur_pdf([1.0, 2.0], 0.5)))
    True
    >>> x = np.linspace(0.0, 12.0, 6001)               # Sigma with eigenvalues 1 and 4, gamma = 0.1
    >>> round(float(np.trapezoid(silverstein_pdf(x, [1.0, 4.0], 0.1), x)), 3)
    1.0
    """
    x = check_array("x", x)
    population = check_array("population", population, ndim=1, min_len=1)
    if np.any(population <= 0.0):
        raise ValueError(
            f"`population` must contain only eigenvalues > 0, got minimum {float(population.min())}."
        )
    gamma = check_real("gamma", gamma, lower=0.0, lower_open=True)
    # scale out the largest population eigenvalue: f(x; c t) = f(x / c; t) / c
    scale = float(population.max())
    values, counts = np.unique(population / scale, return_counts=True)
    w = counts / counts.sum()
    xs = x.ravel() / scale
    out = np.zeros(xs.shape)
    pos = xs > 0.0
    if np.any(pos):
        xp = xs[pos]
        with np.errstate(all="ignore"):
            roots = _companion_roots(xp, values, w, gamma)
            roots = np.where(np.isfinite(roots), roots, 0.0)
            m = roots[np.arange(xp.size), np.argmax(roots.imag, axis=1)]
            m = _polish(m, xp, values, w, gamma)
        dens = np.maximum(m.imag, 0.0) / (np.pi * gamma)
        out[pos] = np.where(np.isfinite(dens), dens, 0.0)
    out = (out / scale).reshape(x.shape)
    return float(out) if out.ndim == 0 else out
