"""Algorithmic thresholds and the Kac--Rice count of minima of the spiked matrix-tensor model.

* AMP: the uninformative fixed point of the Bayes-optimal state evolution
  ``m <- g(m) / (1 + g(m))``, ``g(m) = m / Delta_2 + m^(p-1) / Delta_p``, is unstable iff ``Delta_2 < 1``.
* Langevin (``T = 1``) and gradient flow (``T = 0``): the threshold recipe of Sarao Mannelli et al.
  (NeurIPS 2019, arXiv:1907.08226), a physics-level conjecture:
  the dynamics first reaches the threshold states, ``T^2 / (1 - q)^2 = (p - 1) q^(p-2) / Delta_p + 1 / Delta_2``,
  which are unstable towards the signal iff ``(1 - q) / (T Delta_2) > 1``; eliminating ``q`` gives
  ``1 / Delta_2^2 = (p - 1) (1 - T Delta_2)^(p-2) / Delta_p + 1 / Delta_2``.
* Kac--Rice: annealed complexity of the local minima at zero overlap with the signal.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from ..._validation import check_int, check_real

__all__ = [
    "amp_threshold",
    "gradient_flow_threshold",
    "minima_complexity",
    "spurious_minima_threshold",
]


def _delta(name, value):
    return check_real(name, value, lower=0.0, lower_open=True)


def _amp_succeeds(p, delta2, deltap, grid):
    """State evolution from m = 0+ reaches the informative fixed point iff h(m) > 1 on (0, m_top)."""
    if delta2 >= 1.0:
        return False
    h = (1.0 - grid) * (1.0 / delta2 + grid ** (p - 2) / deltap)
    below = h <= 1.0
    # the first crossing of h = 1 must be the last one: after it h stays below 1
    first = np.argmax(below)
    return bool(np.all(below[first:]))


def amp_threshold(p, deltap):
    r"""AMP algorithmic threshold :math:`\Delta_2^{\rm AMP}(\Delta_p)` of the spiked matrix-tensor model.

    AMP started from an uninformative point reaches the informative fixed point of its state evolution
    :math:`m^{t+1} = g(m^t)/(1 + g(m^t))`, :math:`g(m) = m/\Delta_2 + m^{p-1}/\Delta_p`, iff
    :math:`\Delta_2 < \Delta_2^{\rm AMP}`. For ``p = 3`` the fixed-point equation
    :math:`1 = (1-m)(1/\Delta_2 + m/\Delta_p)` has a single root in :math:`(0,1)` whenever :math:`\Delta_2<1`,
    so :math:`\Delta_2^{\rm AMP} = 1` exactly; for ``p >= 4`` a small-overlap fixed point can block AMP and
    the threshold is found by bisection.

    Parameters
    ----------
    p : int
        Tensor order, ``p >= 3``.
    deltap : float
        Tensor noise variance, positive.

    Returns
    -------
    float

    References
    ----------
    S. Sarao Mannelli et al., Phys. Rev. X 10, 011057 (2020), arXiv:1812.09066 (AMP state evolution).

    Examples
    --------
    >>> amp_threshold(3, 0.5)
    1.0
    """
    p = check_int("p", p, minimum=3)
    deltap = _delta("deltap", deltap)
    if p == 3:
        return 1.0
    grid = np.linspace(1e-6, 1.0, 20001)
    lo, hi = 1e-6, 1.0
    if not _amp_succeeds(p, lo, deltap, grid):
        return 0.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if _amp_succeeds(p, mid, deltap, grid):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def gradient_flow_threshold(p, deltap, T=0.0):
    r"""Threshold :math:`\Delta_2^{\rm alg}(\Delta_p, T)` of gradient flow (``T = 0``) or Langevin dynamics.

    The smallest root in :math:`(0, \min(1, 1/T)]` of

    .. math::

        \frac{1}{\Delta_2^2} = \frac{(p-1)(1 - T\Delta_2)^{p-2}}{\Delta_p} + \frac{1}{\Delta_2};

    the threshold-state recipe (a physics-level conjecture, supported by the numerical solution of the DMFT) predicts
    that the dynamics started at a vanishing overlap recovers the signal iff :math:`\Delta_2 < \Delta_2^{\rm alg}`.
    At ``T = 0`` it is :math:`\Delta_2 = (-\Delta_p + \sqrt{\Delta_p^2 + 4(p-1)\Delta_p})/(2(p-1))`; at ``T = 1``
    and ``p = 3`` it is :math:`\min(1, \sqrt{\Delta_p/2})`.

    Parameters
    ----------
    p : int
        Tensor order, ``p >= 3``.
    deltap : float
        Tensor noise variance, positive.
    T : float, optional
        Temperature of the dynamics, ``0 <= T <= 1``.

    Returns
    -------
    float

    References
    ----------
    S. Sarao Mannelli, G. Biroli, C. Cammarota, F. Krzakala, P. Urbani, L. Zdeborová, Phys. Rev. X 10, 011057
    (2020), arXiv:1812.09066 (Langevin threshold, T = 1); S. Sarao Mannelli et al., "Who is afraid of big bad minima?",
    NeurIPS 2019, arXiv:1907.08226 (gradient-flow threshold, T = 0).

    Examples
    --------
    >>> round(gradient_flow_threshold(3, 2.0), 6)
    0.618034
    """
    p = check_int("p", p, minimum=3)
    deltap = _delta("deltap", deltap)
    T = check_real("T", T, lower=0.0, upper=1.0)
    if T == 0.0:
        return float((-deltap + np.sqrt(deltap**2 + 4.0 * (p - 1) * deltap)) / (2.0 * (p - 1)))

    def f(d2):
        return 1.0 / d2**2 - 1.0 / d2 - (p - 1) * (1.0 - T * d2) ** (p - 2) / deltap

    grid = np.linspace(1e-4, 1.0, 10001)
    vals = f(grid)
    neg = np.nonzero(vals <= 0.0)[0]
    if neg.size == 0:  # pragma: no cover - f(1) <= 0 for 0 <= T <= 1
        return 1.0
    k = neg[0]
    if vals[k] == 0.0:
        return float(grid[k])
    return float(brentq(f, grid[k - 1], grid[k], xtol=1e-14))


def _phi(t):
    """int log|t - lambda| rho_sc(lambda) d lambda + 1/2 (the seed's Phi), semicircle on [-2, 2]."""
    a = abs(t)
    out = t * t / 4.0
    if a > 2.0:
        out += np.log(np.sqrt(t * t / 4.0 - 1.0) + a / 2.0) - a / 4.0 * np.sqrt(t * t - 4.0)
    return out


def _L(theta, t):
    """Large-deviation cost of pushing the BBP outlier of a spiked GOE from theta + 1/theta to t."""
    if t < 2.0:
        return np.inf
    edge = theta + 1.0 / theta
    if theta > 1.0 and t < edge:
        # (1/4) int_edge^t sqrt(y^2 - 4) dy in closed form
        def F(y):
            return 0.5 * y * np.sqrt(y * y - 4.0) - 2.0 * np.log((y + np.sqrt(y * y - 4.0)) / 2.0)

        return 0.25 * (F(t) - F(edge)) - 0.5 * theta * (t - edge) + (t * t - edge * edge) / 8.0
    return 0.0


def minima_complexity(p, delta2, deltap):
    r"""Annealed complexity of local minima at zero overlap with the signal (Kac--Rice).

    With :math:`Q(x) = x^2/(2\Delta_2) + x^p/(p\Delta_p)`, the noise is a Gaussian field of covariance
    :math:`N Q(x\cdot y/N)` and at :math:`m = 0` the Riemannian Hessian at a critical point is a GOE of
    semicircle radius :math:`2\sqrt{Q''(1)}` shifted by :math:`t\sqrt{Q''(1)}`, minus the rank-one signal
    term of strength :math:`\theta = 1/(\Delta_2\sqrt{Q''(1)})`. Optimising the energies
    :math:`\epsilon_2, \epsilon_p` at fixed shift,

    .. math::

        \Sigma_{\min} = \max_{t\ge 2}\Big[\tfrac12\log\frac{Q''(1)}{Q'(1)}
            - \frac{Q''(1)\,t^2}{2(Q'(1)+Q''(1))} + \Phi(t) - L(\theta, t)\Big],

    with :math:`\Phi` and :math:`L` of the reference (:math:`L = 0` unless :math:`\theta > 1` and
    :math:`t < \theta + 1/\theta`). Positive values mean exponentially many spurious minima.

    Parameters
    ----------
    p : int
        Tensor order, ``p >= 3``.
    delta2, deltap : float
        Noise variances, positive.

    Returns
    -------
    float

    References
    ----------
    S. Sarao Mannelli, G. Biroli, C. Cammarota, F. Krzakala, L. Zdeborová, "Who is afraid of big bad
    minima? Analysis of gradient-flow in a spiked matrix-tensor model", NeurIPS 2019, arXiv:1907.08226 (annealed
    Kac--Rice complexity of minima, at m = 0). A. Auffinger, G. Ben Arous, J. Černý, Comm. Pure Appl. Math. 66, 165 (2013) (pure p-spin limit).

    Examples
    --------
    >>> round(minima_complexity(3, 1e12, 1.0), 6)  # pure 3-spin: log(2)/2 - 1/3
    0.01324
    """
    p = check_int("p", p, minimum=3)
    delta2 = _delta("delta2", delta2)
    deltap = _delta("deltap", deltap)
    q1 = 1.0 / delta2 + 1.0 / deltap
    q2 = 1.0 / delta2 + (p - 1) / deltap
    theta = 1.0 / (delta2 * np.sqrt(q2))

    def minus_sigma(t):
        return -(0.5 * np.log(q2 / q1) - q2 * t * t / (2.0 * (q1 + q2)) + _phi(t) - _L(theta, t))

    hi = max(4.0, theta + 1.0 / theta + 1.0)
    res = minimize_scalar(minus_sigma, bounds=(2.0, hi), method="bounded", options={"xatol": 1e-12})
    return float(max(-res.fun, -minus_sigma(2.0)))


def spurious_minima_threshold(p, delta2):
    r"""Value of :math:`1/\Delta_p` below which no spurious minima at zero overlap remain, at fixed :math:`\Delta_2`.

    The root in :math:`1/\Delta_p` of :func:`minima_complexity` ``= 0`` (the complexity increases with
    :math:`1/\Delta_p`). Returns 0.0 when spurious minima exist for every :math:`\Delta_p`.

    Parameters
    ----------
    p : int
        Tensor order, ``p >= 3``.
    delta2 : float
        Matrix noise variance, positive.

    Returns
    -------
    float

    References
    ----------
    S. Sarao Mannelli et al., NeurIPS 2019, arXiv:1907.08226 (phase diagram with the Kac--Rice line).

    Examples
    --------
    >>> x = spurious_minima_threshold(3, 0.5)
    >>> bool(abs(minima_complexity(3, 0.5, 1.0 / x)) < 1e-8)
    True
    """
    p = check_int("p", p, minimum=3)
    delta2 = _delta("delta2", delta2)

    def f(inv_dp):
        return minima_complexity(p, delta2, 1.0 / inv_dp)

    lo, hi = 1e-6, 1.0
    if f(lo) > 0.0:
        return 0.0
    while f(hi) <= 0.0:
        hi *= 2.0
        if hi > 1e8:  # pragma: no cover
            raise RuntimeError("no spurious-minima threshold found below 1/deltap = 1e8.")
    return float(brentq(f, lo, hi, xtol=1e-13, rtol=1e-12))
