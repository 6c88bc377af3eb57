"""Replica-symmetric solution of the Sherrington--Kirkpatrick model and the de Almeida--Thouless line.

For :math:`H = -\\sum_{i<j} J_{ij}S_iS_j - h\\sum_i S_i` with :math:`J_{ij}\\sim\\mathcal N(0, 1/N)`, the replica-symmetric
free energy per spin is (Sherrington and Kirkpatrick 1975)

.. math:: -\\beta f_{\\mathrm{RS}} = \\log 2 + \\mathbb E\\log\\cosh\\beta(\\sqrt q z + h) + \\frac{\\beta^2}{4}(1 - q)^2,
   \\qquad q = \\mathbb E\\tanh^2\\beta(\\sqrt q z + h).

The Gaussian averages are computed by adaptive quadrature (scipy.integrate.quad) with a break point where the
integrand has its steep part, :math:`z = -h/\\sqrt q`, so that they stay exact at low temperature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize, special

from .._validation import check_real

__all__ = ["ReplicaSymmetricSolution", "sk_replica_symmetric", "at_line", "sk_annealed_energy"]

_PHI = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)  # noqa: E731


def _gauss_mean(fun, center):
    """E fun(z), z ~ N(0, 1), by adaptive quadrature split at `center`."""
    total = 0.0
    edges = [-np.inf, center, np.inf] if np.isfinite(center) and abs(center) < 38 else [-np.inf, np.inf]
    for a, b in zip(edges[:-1], edges[1:]):
        val, _ = integrate.quad(lambda z: fun(z) * _PHI(z), a, b, epsabs=1e-13, epsrel=1e-12, limit=200)
        total += val
    return total


def _sech4(x):
    t = np.exp(-2.0 * abs(x))
    return 16.0 * t * t / (1.0 + t) ** 4


def _log_cosh(x):
    x = abs(x)
    return x + np.log1p(np.exp(-2.0 * x)) - np.log(2.0)


@dataclass(frozen=True)
class ReplicaSymmetricSolution:
    """Replica-symmetric solution of SK at temperature T and field h (all quantities per spin).

    Attributes
    ----------
    T, h : float
    q : float
        Edwards--Anderson parameter, :math:`q = \\mathbb E\\tanh^2\\beta(\\sqrt q z + h)`.
    magnetization : float
        :math:`\\mathbb E\\tanh\\beta(\\sqrt q z + h)`.
    free_energy, energy, entropy : float
        :math:`f_{\\mathrm{RS}}`, :math:`e = -\\frac\\beta2(1 - q^2) - hm` and :math:`s = \\beta(e - f)`.
    replicon : float
        :math:`\\lambda = 1 - \\beta^2\\mathbb E\\,\\mathrm{sech}^4\\beta(\\sqrt q z + h)`; RS is stable iff :math:`\\lambda > 0`.
    converged : bool
    iterations : int

    Examples
    --------
    >>> from course_lib.spin_glasses import sk_replica_symmetric
    >>> res = sk_replica_symmetric(0.0)
    >>> type(res).__name__, round(res.energy, 6)
    ('ReplicaSymmetricSolution', -0.797885)
    """

    T: float
    h: float
    q: float
    magnetization: float
    free_energy: float
    energy: float
    entropy: float
    replicon: float
    converged: bool
    iterations: int


def _rs_q(beta, h):
    """Root of F(q) = E tanh^2(beta(sqrt(q) z + h)) - q in (0, 1] (q = 0 if beta <= 1 and h = 0)."""

    def F(q):
        sq = np.sqrt(q)
        return _gauss_mean(lambda z: np.tanh(beta * (sq * z + h)) ** 2, -h / sq) - q

    if h == 0.0 and beta <= 1.0:
        return 0.0, True, 0
    lo = 1e-12 if h != 0.0 else min(1e-3, (beta - 1.0) ** 2 / 10.0)
    if F(lo) <= 0.0:  # only just below T = 1: q ~ 2(beta - 1) is tiny
        lo = 1e-14
    hi = 1.0
    if F(hi) >= 0.0:
        return 1.0, True, 0
    q, res = optimize.brentq(F, lo, hi, xtol=1e-14, rtol=1e-13, full_output=True)
    return q, res.converged, res.iterations


def sk_replica_symmetric(T, h=0.0):
    """Replica-symmetric (Sherrington--Kirkpatrick) solution of the SK model.

    .. math:: q = \\mathbb E\\tanh^2\\beta(\\sqrt q z + h), \\qquad
       e_{\\mathrm{RS}} = -\\frac{\\beta}{2}(1 - q^2) - h\\,\\mathbb E\\tanh\\beta(\\sqrt q z + h).

    At :math:`T = 0`: :math:`q = 1`, :math:`e = f = -\\mathbb E|z + h|` (:math:`-\\sqrt{2/\\pi}` at :math:`h = 0`) and
    the entropy tends to :math:`-\\phi(h)^2` (:math:`-1/(2\\pi)` at :math:`h = 0`), negative: RS is wrong at low T.
    The replicon :math:`1 - \\beta^2\\mathbb E\\,\\mathrm{sech}^4 \\approx 1 - \\frac43\\beta\\phi(h)` tends to
    :math:`-\\infty` for every ``h``; it is returned as ``-inf`` at ``T = 0``.

    Parameters
    ----------
    T : float
        Temperature, ``T >= 0``.
    h : float
        External field.

    Returns
    -------
    ReplicaSymmetricSolution

    Raises
    ------
    ValueError
        If ``T < 0``.

    References
    ----------
    .. [1] D. Sherrington and S. Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975).
    .. [2] J. R. L. de Almeida and D. J. Thouless, J. Phys. A 11, 983 (1978).

    Examples
    --------
    >>> round(sk_replica_symmetric(0.0).energy, 6)
    -0.797885
    """
    T = check_real("T", T, lower=0.0)
    h = check_real("h", h)
    if T == 0.0:
        e = -(h * (2.0 * special.ndtr(h) - 1.0) + 2.0 * _PHI(h))
        chi = 2.0 * _PHI(h)
        return ReplicaSymmetricSolution(0.0, h, 1.0, float(2.0 * special.ndtr(h) - 1.0), float(e), float(e),
                                        float(-chi**2 / 4.0), float("-inf"), True, 0)
    beta = 1.0 / T
    q, conv, it = _rs_q(beta, h)
    sq = np.sqrt(q)
    c = -h / sq if q > 0 else np.inf
    m = _gauss_mean(lambda z: np.tanh(beta * (sq * z + h)), c)
    lc = _gauss_mean(lambda z: _log_cosh(beta * (sq * z + h)), c)
    sech4 = _gauss_mean(lambda z: _sech4(beta * (sq * z + h)), c)
    f = -(np.log(2.0) + lc + beta**2 * (1.0 - q) ** 2 / 4.0) / beta
    e = -beta / 2.0 * (1.0 - q**2) - h * m
    return ReplicaSymmetricSolution(T, h, float(q), float(m), float(f), float(e), float(beta * (e - f)),
                                    float(1.0 - beta**2 * sech4), bool(conv), int(it))


def at_line(h):
    """de Almeida--Thouless temperature :math:`T_{\\mathrm{AT}}(h)`: where the replicon of RS vanishes,

    .. math:: \\beta^2\\,\\mathbb E\\,\\mathrm{sech}^4\\beta(\\sqrt q z + h) = 1, \\qquad q = \\mathbb E\\tanh^2\\beta(\\sqrt q z + h).

    Below it (:math:`T < T_{\\mathrm{AT}}(h)`) the RS saddle point is unstable. Asymptotics:
    :math:`T_{\\mathrm{AT}} \\approx 1 - (3/4)^{1/3}h^{2/3}` as :math:`h \\to 0` and
    :math:`T_{\\mathrm{AT}} \\approx \\frac{4}{3\\sqrt{2\\pi}}e^{-h^2/2}` as :math:`h \\to \\infty`.

    Parameters
    ----------
    h : float
        External field (the line is symmetric in h).

    Returns
    -------
    float

    References
    ----------
    .. [1] J. R. L. de Almeida and D. J. Thouless, J. Phys. A 11, 983 (1978).

    Examples
    --------
    >>> at_line(0.0)
    1.0
    """
    h = abs(check_real("h", h))
    if h == 0.0:
        return 1.0
    lam = lambda T: sk_replica_symmetric(T, h).replicon  # noqa: E731
    lo = 0.6 * 4.0 / (3.0 * np.sqrt(2.0 * np.pi)) * np.exp(-h * h / 2.0)
    hi = 1.0
    if h > 3.0:
        raise ValueError(f"`h` must satisfy |h| <= 3 (T_AT < 6e-3 beyond, out of reach of the quadrature), got {h}.")
    return float(optimize.brentq(lam, lo, hi, xtol=1e-13))


def sk_annealed_energy(T):
    """Annealed energy per spin :math:`-\\beta/2` of SK, the quenched value for :math:`T \\ge 1` at zero field.

    From :math:`\\mathbb E Z = 2^N e^{\\beta^2 (N - 1)/4}`: :math:`-\\beta f = \\log 2 + \\beta^2/4` and
    :math:`e = -\\beta/2` (Aizenman, Lebowitz and Ruelle 1987 prove the quenched limit equals it for :math:`\\beta < 1`).

    Examples
    --------
    >>> sk_annealed_energy(2.0)
    -0.25
    """
    T = check_real("T", T, lower=0.0, lower_open=True)
    return -0.5 / T
