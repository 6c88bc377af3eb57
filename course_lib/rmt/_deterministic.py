"""Deterministic equivalents: the ridge-regression test risk for anisotropic Gaussian features."""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from .._validation import check_array, check_real

__all__ = ["ridge_risk_anisotropic"]


def _kappa(t, w, gamma, lam):
    """The effective regularisation: the unique kappa > 0 with kappa (1 - gamma sum w t/(t + kappa)) = lam.

    h(k) = k - gamma sum w k t/(t + k) is convex with h(0) = 0 and h(k) >= k - gamma sum w t, so the root lies in
    (0, lam + gamma sum w t] and is unique.
    """
    def h(k):
        return k - gamma * k * np.sum(w * t / (t + k)) - lam

    hi = lam + gamma * float(np.sum(w * t))
    if h(hi) <= 0.0:  # only by round-off when lam is tiny compared with the population
        return hi
    return brentq(h, 0.0, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)


def ridge_risk_anisotropic(population, gamma, lam, signal=1.0, noise=1.0):
    r"""Asymptotic test risk of ridge regression with anisotropic Gaussian features (deterministic equivalent).

    Data :math:`y_i = x_i^\top w_* + \varepsilon_i`, :math:`x_i\sim N(0,\Sigma)` in :math:`\mathbb R^d`, noise of
    variance :math:`\Delta`, :math:`w_*` independent of the data with i.i.d. centred entries of variance :math:`r^2/d`
    (isotropic prior; :math:`\mathbb E w_*w_*^\top = (r^2/d)I` alone does not make :math:`R` concentrate); the ridge
    estimator
    :math:`\hat w = (X^\top X/n + \lambda I)^{-1}X^\top y/n` from :math:`n` samples, :math:`d/n\to\gamma`. The excess
    risk :math:`R = \mathbb E_x[(x^\top(\hat w - w_*))^2] = (\hat w - w_*)^\top\Sigma(\hat w - w_*)` converges to

    .. math::
        R = \frac{r^2\kappa^2\,\frac1d\operatorname{tr}\Sigma(\Sigma + \kappa)^{-2}
                  + \Delta\,\gamma\,\frac1d\operatorname{tr}\Sigma^2(\Sigma + \kappa)^{-2}}
                 {1 - \gamma\,\frac1d\operatorname{tr}\Sigma^2(\Sigma + \kappa)^{-2}},
        \qquad \kappa\Bigl(1 - \gamma\,\tfrac1d\operatorname{tr}\Sigma(\Sigma + \kappa)^{-1}\Bigr) = \lambda,

    where :math:`\kappa > \lambda` is the effective regularisation: the deterministic equivalent
    :math:`\lambda(\hat\Sigma + \lambda)^{-1} \asymp \kappa(\Sigma + \kappa)^{-1}` of the sample covariance
    :math:`\hat\Sigma = X^\top X/n`. For :math:`\Sigma = I` it equals :func:`course_lib.kernels.ridge_risk`.

    Parameters
    ----------
    population : array_like
        1-D, non-empty: the eigenvalues of :math:`\Sigma`, each finite and > 0 (equal weights).
    gamma : float
        :math:`\gamma = d/n > 0`.
    lam : float
        Ridge parameter :math:`\lambda > 0`.
    signal, noise : float
        :math:`r^2 \ge 0` and :math:`\Delta \ge 0`.

    Returns
    -------
    float
        The limiting excess risk :math:`R`.

    Raises
    ------
    TypeError
        If an argument is not real numeric.
    ValueError
        If ``population`` is not 1-D, empty, non-finite or has an entry <= 0, or a scalar is out of range.

    References
    ----------
    .. [1] T. Hastie, A. Montanari, S. Rosset, R. J. Tibshirani, "Surprises in high-dimensional ridgeless least
       squares interpolation", Ann. Statist. 50 (2022) 949-986 (general covariance).
    .. [2] E. Dobriban, S. Wager, "High-dimensional asymptotics of prediction: ridge regression and
       classification", Ann. Statist. 46 (2018) 247-279.
    .. [3] R. Couillet, Z. Liao, *Random Matrix Methods for Machine Learning*, Cambridge University Press (2022).

    Examples
    --------
    >>> from course_lib.kernels import ridge_risk
    >>> bool(np.isclose(ridge_risk_anisotropic([1.0], 0.5, 0.1), ridge_risk(0.5, 0.1)))
    True
    >>> round(ridge_risk_anisotropic([0.5, 2.0], 0.5, 0.1, signal=1.0, noise=0.25), 4)
    0.1697
    """
    population = check_array("population", population, ndim=1, min_len=1)
    if np.any(population <= 0.0):
        raise ValueError(
            f"`population` must contain only eigenvalues > 0, got minimum {float(population.min())}."
        )
    gamma = check_real("gamma", gamma, lower=0.0, lower_open=True)
    lam = check_real("lam", lam, lower=0.0, lower_open=True)
    signal = check_real("signal", signal, lower=0.0)
    noise = check_real("noise", noise, lower=0.0)
    # R(c Sigma, c lam) = c x bias + variance: solve with the population scaled to max 1
    scale = float(population.max())
    t, counts = np.unique(population / scale, return_counts=True)
    w = counts / counts.sum()
    lam_s = lam / scale
    k = _kappa(t, w, gamma, lam_s)
    df2 = float(np.sum(w * t**2 / (t + k) ** 2))
    bias = k**2 * float(np.sum(w * t / (t + k) ** 2)) * scale
    variance = gamma * df2
    denom = 1.0 - gamma * df2
    return float((signal * bias + noise * variance) / denom)
