"""Gaussian quadrature and numerically stable Gaussian tail functions shared by the Part VI solvers.

Every Gaussian average :math:`\\int Dz\\, f(z)`, :math:`Dz = e^{-z^2/2} dz / \\sqrt{2\\pi}`, of the perceptron
and GLM lectures is computed with probabilists' Gauss--Hermite nodes (exact for polynomials of degree
``2 * n_nodes - 1``); the tail functions are evaluated in log space so that ratios such as
:math:`\\mathcal N(u)/\\Phi(u)` stay finite for :math:`|u|` up to :math:`10^{150}`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import log_ndtr, ndtr

__all__ = [
    "gauss_hermite_normal",
    "gaussian_average",
    "log_phi",
    "log_Phi",
    "mills_ratio",
    "Phi",
]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


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
        Number of nodes (the rule is exact for polynomials of degree ``2 * n_nodes - 1``).

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
    return _nodes(int(n_nodes))


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
    r"""Return :math:`\mathcal N(u) / \Phi(u)` (inverse Mills ratio), stable for large negative ``u``."""
    return np.exp(log_phi(u) - log_ndtr(u))
