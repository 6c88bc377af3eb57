"""Annealed complexity of the spherical p-spin model (Kac-Rice formula of Auffinger, Ben Arous and Cerny)."""

from __future__ import annotations

import numpy as np
from scipy import optimize

from .._validation import check_array, check_int

__all__ = ["pspin_threshold_energy", "pspin_complexity", "pspin_ground_state_energy"]


def _check_p(p):
    return check_int("p", p, minimum=2)


def _threshold(p):
    return 2.0 * np.sqrt((p - 1.0) / p)


def _i1(u, e_inf):
    """ABC's rate function I_1(u) of the smallest GOE eigenvalue, for u <= -e_inf (zero above); e_inf > 0 here."""
    u = np.minimum(u, -e_inf)
    root = np.sqrt(np.maximum(u * u - e_inf * e_inf, 0.0))
    return -u / e_inf**2 * root - np.log(-u + root) + np.log(e_inf)


def pspin_threshold_energy(p):
    r"""Threshold energy per spin :math:`E_\infty = -2\sqrt{(p-1)/p}` of the spherical pure p-spin model.

    At a critical point of energy :math:`E` the Hessian is a GOE matrix with semicircle radius
    :math:`2\sqrt{p(p-1)}`, shifted by :math:`-pE` (see :func:`pspin_complexity`); its left edge
    :math:`-pE - 2\sqrt{p(p-1)}` vanishes at :math:`E = E_\infty`. Below :math:`E_\infty` almost all critical points
    are minima; above it they have an index of order N. In the limit :math:`N\to\infty` taken first, gradient
    flow from a uniformly random start approaches :math:`E_\infty` as :math:`t\to\infty` (Cugliandolo and Kurchan;
    proved for Langevin dynamics in the limit of low temperature by Sellke). At finite N it stops above
    :math:`E_\infty`, at a local minimum.

    Parameters
    ----------
    p : int
        Order of the interaction, >= 2 (for p = 2 the landscape has only 2N critical points).

    Returns
    -------
    float

    References
    ----------
    .. [1] A. Auffinger, G. Ben Arous, J. Cerny, "Random matrices and complexity of spin glasses",
       Comm. Pure Appl. Math. 66 (2013) 165-201, arXiv:1003.1129. ABC write :math:`E_\infty` for the
       positive number :math:`2\sqrt{(p-1)/p}` and state their results at energies :math:`-E_\infty`; this book
       writes :math:`E_\infty` for the (negative) energy itself.
    .. [2] L. F. Cugliandolo, J. Kurchan, Phys. Rev. Lett. 71 (1993) 173-176.
    .. [3] M. Sellke, "The threshold energy of low temperature Langevin dynamics for pure spherical spin glasses",
       arXiv:2305.07956 (Comm. Pure Appl. Math., 2024).

    Examples
    --------
    >>> round(pspin_threshold_energy(3), 5)
    -1.63299
    """
    p = _check_p(p)
    return float(-_threshold(p))


def pspin_complexity(E, p, k=None):
    r"""Annealed complexity :math:`\Theta_p(E)` or :math:`\Theta_{k,p}(E)` of the spherical p-spin model.

    For :math:`H(S) = N^{-(p-1)/2}\sum_{i_1..i_p} J_{i_1..i_p}S_{i_1}\cdots S_{i_p}` on the sphere
    :math:`\lVert S\rVert^2 = N` with i.i.d. standard Gaussian couplings, the mean number of critical points of
    index :math:`k` with :math:`H/N \le E` is :math:`\exp(N\Theta_{k,p}(E) + o(N))`. With the threshold energy
    :math:`E_\infty = -2\sqrt{(p-1)/p} < 0` (:func:`pspin_threshold_energy`),

    .. math::

        \Theta_{k,p}(E) = \tfrac12\log(p-1) - \tfrac{p-2}{4(p-1)}E^2 - (k+1) I_1(E)\quad (E \le E_\infty),\qquad
        \Theta_{k,p}(E) = \tfrac12\log(p-1) - \tfrac{p-2}{p}\quad (E \ge E_\infty),

    .. math::

        I_1(E) = -\frac{E}{E_\infty^2}\sqrt{E^2 - E_\infty^2} - \log\bigl(-E + \sqrt{E^2 - E_\infty^2}\bigr)
        + \log\lvert E_\infty\rvert ,

    and for all critical points :math:`\Theta_p(E) = \frac12\log(p-1) - \frac{p-2}{4(p-1)}E^2 - I_1(E)` for
    :math:`E \le E_\infty`, :math:`\frac12\log(p-1) - \frac{p-2}{4(p-1)}E^2` for :math:`E_\infty \le E \le 0`
    and :math:`\frac12\log(p-1)` for :math:`E \ge 0`. These are cumulative complexities (critical points *below* E).
    :math:`I_1` is the large-deviation rate of the smallest eigenvalue of the GOE, in the units of the Hessian.

    Parameters
    ----------
    E : float or array_like
        Energy per spin.
    p : int
        >= 2.
    k : int or None
        Index (number of negative Hessian eigenvalues); ``None`` for all critical points, ``0`` for minima.

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] A. Auffinger, G. Ben Arous, J. Cerny, Comm. Pure Appl. Math. 66 (2013) 165-201, arXiv:1003.1129
       (complexity of the critical points of index k and of all critical points). ABC's :math:`E_\infty` is positive and their
       formulas hold at energies :math:`u \le -E_\infty`; here :math:`E_\infty` is the negative energy itself.

    Examples
    --------
    >>> bool(abs(pspin_complexity(0.0, 3) - 0.5 * np.log(2)) < 1e-15)
    True
    >>> round(pspin_complexity(pspin_threshold_energy(3), 3, k=0), 5)  # log(2)/2 - 1/3
    0.01324
    """
    p = _check_p(p)
    E = check_array("E", E, ndim=(0, 1))
    if k is not None:
        k = check_int("k", k, minimum=0)
    e_inf = _threshold(p)
    base = 0.5 * np.log(p - 1.0)
    quad = (p - 2.0) / (4.0 * (p - 1.0)) * E**2
    below = E <= -e_inf
    if k is None:
        out = np.where(E >= 0.0, base, base - quad - np.where(below, _i1(E, e_inf), 0.0))
    else:
        out = np.where(below, base - quad - (k + 1) * _i1(E, e_inf), base - (p - 2.0) / p)
    return float(out) if out.ndim == 0 else out


def pspin_ground_state_energy(p):
    r"""Ground-state energy per spin :math:`E_0(p)`: the zero of the complexity of minima, :math:`\Theta_{0,p}(E_0) = 0`.

    By Markov's inequality :math:`\min H/N \ge E_0 - o(1)` with probability tending to one; for the pure spherical
    p-spin model with :math:`p\ge3` the bound is sharp, :math:`\min H/N \to E_0` (Subag 2017, from the second moment
    of the number of critical points). For p = 3, :math:`E_0 \approx -1.657`; for p = 2 the complexity vanishes
    identically and :math:`E_0 = E_\infty = -\sqrt2`.

    Parameters
    ----------
    p : int
        >= 2.

    Returns
    -------
    float

    References
    ----------
    .. [1] A. Auffinger, G. Ben Arous, J. Cerny, Comm. Pure Appl. Math. 66 (2013) 165-201, arXiv:1003.1129
       (:math:`E_0(3) \approx 1.657` in their sign convention).
    .. [2] E. Subag, "The complexity of spherical p-spin models - a second moment approach", Ann. Probab. 45
       (2017) 3385-3450, arXiv:1504.02251.

    Examples
    --------
    >>> round(pspin_ground_state_energy(3), 3)
    -1.657
    """
    p = _check_p(p)
    e_inf = _threshold(p)
    lo = -10.0 * e_inf
    while pspin_complexity(lo, p, 0) >= 0.0:  # pragma: no cover - -10 E_inf is always far enough
        lo *= 2.0
    return float(optimize.brentq(lambda e: pspin_complexity(e, p, 0), lo, -e_inf, xtol=1e-14, rtol=1e-14))
