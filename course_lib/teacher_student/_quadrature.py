"""Gaussian quadrature and numerically stable Gaussian tail functions shared by the Part VI solvers.

Every Gaussian average :math:`\\int Dz\\, f(z)`, :math:`Dz = e^{-z^2/2} dz / \\sqrt{2\\pi}`, of the perceptron
and GLM lectures is computed with probabilists' Gauss--Hermite nodes (exact for polynomials of degree
``2 * n_nodes - 1``); the tail functions avoid overflow and cancellation: :math:`\\ln\\Phi` comes from
``scipy.special.log_ndtr`` and the inverse Mills ratio :math:`\\phi(u)/\\Phi(u)` from the scaled complementary error
function, accurate to near machine precision for every finite :math:`u` (the difference
:math:`\\ln\\phi(u) - \\ln\\Phi(u)` carries an absolute error of about :math:`10^{-16}\\,u^2/2`, which spoils the ratio
beyond :math:`|u| \\approx 10^{6}` and destroys it beyond :math:`10^{8}`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import erfcx, log_ndtr, ndtr

from .._validation import check_int

__all__ = [
    "gauss_hermite_normal",
    "gaussian_average",
    "log_phi",
    "log_Phi",
    "mills_ratio",
    "Phi",
]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
_SQRT_HALF = np.sqrt(0.5)


@lru_cache(maxsize=16)
def _nodes(n_nodes):
    x, w = np.polynomial.hermite_e.hermegauss(n_nodes)
    w = w / np.sqrt(2.0 * np.pi)
    x.flags.writeable = False
    w.flags.writeable = False
    return x, w


def gauss_hermite_normal(n_nodes=101):
    r"""Nodes and weights of :math:`\int Dz\, f(z) \approx \sum_k w_k f(z_k)` for the standard normal measure.

    Parameters
    ----------
    n_nodes : int
        Number of nodes, in [1, 1000] (the rule is exact for polynomials of degree ``2 * n_nodes - 1``).

    Returns
    -------
    nodes, weights : ndarray
        Read-only arrays; the weights sum to one.

    Examples
    --------
    >>> z, w = gauss_hermite_normal(20)
    >>> round(float(w @ z**4), 12)
    3.0
    """
    return _nodes(check_int("n_nodes", n_nodes, minimum=1, maximum=1000))


def gaussian_average(f, n_nodes=101):
    """Return :math:`\\int Dz\\, f(z)` by Gauss--Hermite quadrature (``f`` is vectorised)."""
    z, w = _nodes(int(n_nodes))
    return float(w @ f(z))


def log_phi(u):
    """Log of the standard normal density."""
    return -0.5 * np.square(u) - _LOG_SQRT_2PI


def log_Phi(u):
    """Log of the standard normal distribution function, stable in both tails."""
    return log_ndtr(u)


def Phi(u):
    """Standard normal distribution function."""
    return ndtr(u)


def mills_ratio(u):
    r"""Return :math:`\phi(u) / \Phi(u)` (inverse Mills ratio), accurate for every finite ``u``.

    With :math:`\Phi(u) = \tfrac12\operatorname{erfc}(-u/\sqrt2) = \tfrac12\operatorname{erfcx}(-u/\sqrt2)\,e^{-u^2/2}`,
    the Gaussian factors cancel analytically: :math:`\phi(u)/\Phi(u) = \sqrt{2/\pi}\,/\operatorname{erfcx}(-u/\sqrt2)`,
    which tends to :math:`|u|` as :math:`u \to -\infty` and to 0 (underflow, no warning) as :math:`u \to +\infty`.

    Examples
    --------
    >>> round(float(mills_ratio(-1e10)) / 1e10, 12), round(float(mills_ratio(0.0)), 12)
    (1.0, 0.797884560803)
    """
    return _SQRT_2_OVER_PI / erfcx(-_SQRT_HALF * np.asarray(u, dtype=float))
