"""Curie--Weiss model: exact finite-N thermodynamics and the mean-field limit.

:math:`H(S) = -\\frac{1}{2N}\\bigl(\\sum_i S_i\\bigr)^2 - h\\sum_i S_i` depends on :math:`S` only through
:math:`M = \\sum_i S_i \\in \\{-N, -N+2, \\dots, N\\}`, taken by :math:`\\binom{N}{(N+M)/2}` configurations, so
:math:`Z_N = \\sum_M \\binom{N}{(N+M)/2} e^{\\beta M^2/(2N) + \\beta h M}` is a sum of :math:`N+1` terms
(evaluated with log-gamma and log-sum-exp).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from .._validation import check_int, check_real

__all__ = ["CurieWeissExact", "MeanFieldMagnetization", "curie_weiss_exact", "curie_weiss_mean_field", "curie_weiss_couplings"]


@dataclass(frozen=True)
class CurieWeissExact:
    """Exact thermodynamics of the Curie--Weiss model at finite N (all per spin).

    Attributes
    ----------
    magnetization : float
        :math:`\\langle m\\rangle`, with :math:`m = M/N`.
    abs_magnetization : float
        :math:`\\langle |m|\\rangle` (non-zero in the ordered phase even at :math:`h = 0`).
    energy, free_energy, entropy : float
        :math:`\\langle H\\rangle/N`, :math:`-\\frac{1}{\\beta N}\\log Z_N` and :math:`\\beta(e - f)`.
    m_values, m_probabilities : ndarray
        The law of :math:`m` under the Gibbs measure.

    Examples
    --------
    >>> from course_lib.spin_glasses import curie_weiss_exact
    >>> res = curie_weiss_exact(1, 1.0)
    >>> type(res).__name__, round(res.free_energy, 6)
    ('CurieWeissExact', -1.193147)
    """

    magnetization: float
    abs_magnetization: float
    energy: float
    free_energy: float
    entropy: float
    m_values: np.ndarray
    m_probabilities: np.ndarray


def curie_weiss_exact(n, beta, h=0.0):
    """Exact finite-N Curie--Weiss thermodynamics by summing over the magnetisation.

    .. math:: Z_N = \\sum_{k=0}^{N} \\binom{N}{k} \\exp\\Bigl(\\frac{\\beta M_k^2}{2N} + \\beta h M_k\\Bigr), \\quad M_k = 2k - N.

    Parameters
    ----------
    n : int
        Number of spins (>= 1).
    beta : float
        Inverse temperature (> 0).
    h : float
        External field.

    Returns
    -------
    CurieWeissExact

    References
    ----------
    .. [1] R. S. Ellis, *Entropy, Large Deviations, and Statistical Mechanics*, Springer (1985), Sec. IV.4.

    Examples
    --------
    >>> r = curie_weiss_exact(1, 1.0)
    >>> round(r.free_energy, 6)   # Z = 2 e^{1/2}
    -1.193147
    """
    n = check_int("n", n, minimum=1)
    beta = check_real("beta", beta, lower=0.0, lower_open=True)
    h = check_real("h", h)
    k = np.arange(n + 1)
    M = 2.0 * k - n
    log_binom = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    energy_M = -(M**2) / (2.0 * n) - h * M
    log_w = log_binom - beta * energy_M
    log_z = special.logsumexp(log_w)
    p = np.exp(log_w - log_z)
    m = M / n
    e = float(p @ energy_M) / n
    f = -log_z / (beta * n)
    return CurieWeissExact(float(p @ m), float(p @ np.abs(m)), e, float(f), float(beta * (e - f)), m, p)


@dataclass(frozen=True)
class MeanFieldMagnetization:
    """Solution of the Curie--Weiss mean-field equation :math:`m = \\tanh(\\beta(m + h))`.

    Attributes
    ----------
    m, free_energy, energy : float
        Stable solution (the positive one at :math:`h = 0`, :math:`\\beta > 1`), its free energy
        :math:`f = m^2/2 - \\beta^{-1}\\log(2\\cosh\\beta(m + h))` and energy :math:`-m^2/2 - hm`.
    converged : bool
    iterations : int

    Examples
    --------
    >>> from course_lib.spin_glasses import curie_weiss_mean_field
    >>> res = curie_weiss_mean_field(2.0)
    >>> type(res).__name__, round(res.m, 6)
    ('MeanFieldMagnetization', 0.957504)
    """

    m: float
    free_energy: float
    energy: float
    converged: bool
    iterations: int


def curie_weiss_mean_field(beta, h=0.0):
    """The :math:`N\\to\\infty` Curie--Weiss solution, :math:`m = \\tanh(\\beta(m + h))` (largest root when h >= 0).

    The free energy per spin is :math:`f(\\beta, h) = \\min_m [m^2/2 - \\beta^{-1}\\log 2\\cosh(\\beta(m + h))]`
    (Laplace's method on :math:`Z_N`); the minimiser solves the equation above, with :math:`m > 0` iff
    :math:`\\beta > 1` when :math:`h = 0`.

    Parameters
    ----------
    beta : float
        Inverse temperature (> 0).
    h : float
        External field.

    Returns
    -------
    MeanFieldMagnetization

    References
    ----------
    .. [1] R. S. Ellis, *Entropy, Large Deviations, and Statistical Mechanics*, Springer (1985), Sec. IV.4.

    Examples
    --------
    >>> round(curie_weiss_mean_field(2.0).m, 6)
    0.957504
    """
    beta = check_real("beta", beta, lower=0.0, lower_open=True)
    h = check_real("h", h)
    sign = -1.0 if h < 0 else 1.0
    hh = abs(h)
    g = lambda m: m - np.tanh(beta * (m + hh))  # noqa: E731
    if beta <= 1.0 and hh == 0.0:
        m, it, conv = 0.0, 0, True
    else:
        # g(0+) < 0 (beta > 1 or h > 0) and g(1) > 0: the largest root lies in (0, 1]
        lo = 1e-300 if hh > 0 else 1e-9
        if g(lo) >= 0.0:
            m, it, conv = 0.0, 0, True
        else:
            m, res = optimize.brentq(g, lo, 1.0, xtol=1e-15, full_output=True)
            it, conv = res.iterations, res.converged
    m *= sign
    f = m**2 / 2.0 - np.logaddexp(beta * (m + h), -beta * (m + h)) / beta
    return MeanFieldMagnetization(float(m), float(f), float(-(m**2) / 2.0 - h * m), bool(conv), int(it))


def curie_weiss_couplings(n):
    """Couplings :math:`J_{ij} = 1/N` (diagonal included), so that :math:`-\\frac12 S^\\top J S = -\\frac{1}{2N}M^2`.

    Examples
    --------
    >>> curie_weiss_couplings(2)
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    n = check_int("n", n, minimum=1)
    return np.full((n, n), 1.0 / n)
