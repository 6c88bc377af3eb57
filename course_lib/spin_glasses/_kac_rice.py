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
    """ABC's rate function I_1(u) of the smallest GOE eigenvalue, for u <= -E_inf (zero above)."""
    u = np.minimum(u, -e_inf)
    root = np.sqrt(np.maximum(u * u - e_inf * e_inf, 0.0))
    return -u / e_inf**2 * root - np.log(-u + root) + np.log(e_inf)


def pspin_threshold_energy(p):
    r"""Threshold energy per spin :math:`E_\infty = -2\sqrt{(p-1)/p}` of the spherical pure p-spin model.

    Below :math:`E_\infty` the Hessian of a critical point (a shifted GOE, see :func:`pspin_complexity`) has its
    semicircle entirely on the positive side, so that almost all critical points are minima; above it, they have an
    extensive index. Gradient descent from a random start reaches :math:`E_\infty`.

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
       Comm. Pure Appl. Math. 66 (2013) 165-201, arXiv:1003.1129, eq. (2.5) (there :math:`E_\infty > 0` and the
       energies are :math:`-E`).

    Examples
    --------
    >>> round(pspin_threshold_energy(3), 5)
    -1.63299
    """
    p = _check_p(p)
    return float(-_threshold(p))


def pspin_complexity(E, p, k=None):
    r"""Annealed complexity :math:`\Theta_p(E)` or :math:`\Theta_{k,p}(E)` of the spherical p-spin model.

    For :math:`H_N(\sigma) = N^{-(p-1)/2}\sum_{i_1..i_p} J_{i_1..i_p}\sigma_{i_1}\cdots\sigma_{i_p}` on the sphere
    :math:`\lVert\sigma\rVert^2 = N` with i.i.d. standard Gaussian couplings, the mean number of critical points of
    index :math:`k` with :math:`H_N/N \le E` is :math:`\exp(N\Theta_{k,p}(E) + o(N))` with, writing
    :math:`E_\infty = 2\sqrt{(p-1)/p}`,

    .. math::

        \Theta_{k,p}(E) = \tfrac12\log(p-1) - \tfrac{p-2}{4(p-1)}E^2 - (k+1) I_1(E)\quad (E \le -E_\infty),\qquad
        \Theta_{k,p}(E) = \tfrac12\log(p-1) - \tfrac{p-2}{p}\quad (E \ge -E_\infty),

    .. math::

        I_1(E) = -\frac{E}{E_\infty^2}\sqrt{E^2 - E_\infty^2} - \log\bigl(-E + \sqrt{E^2 - E_\infty^2}\bigr)
        + \log E_\infty,

    and for all critical points :math:`\Theta_p(E) = \frac12\log(p-1) - \frac{p-2}{4(p-1)}E^2 - I_1(E)` for
    :math:`E \le -E_\infty`, :math:`\frac12\log(p-1) - \frac{p-2}{4(p-1)}E^2` for :math:`-E_\infty \le E \le 0`
    and :math:`\frac12\log(p-1)` for :math:`E \ge 0`. These are cumulative complexities (critical points *below* E).

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
    .. [1] A. Auffinger, G. Ben Arous, J. Cerny, Comm. Pure Appl. Math. 66 (2013) 165-201, arXiv:1003.1129,
       Theorem 2.5 (total complexity, eq. 2.15) and Theorem 2.8 (index k, eq. 2.17), with I_1 from eq. (2.13).

    Examples
    --------
    >>> bool(abs(pspin_complexity(0.0, 3) - 0.5 * np.log(2)) < 1e-15)
    True
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

    For the pure spherical p-spin model this annealed prediction equals the ground-state energy (ABC 2013, Section 2;
    Subag 2017). For p = 3, :math:`E_0 \approx -1.657`.

    Parameters
    ----------
    p : int
        >= 2.

    Returns
    -------
    float

    References
    ----------
    .. [1] A. Auffinger, G. Ben Arous, J. Cerny, Comm. Pure Appl. Math. 66 (2013) 165-201, arXiv:1003.1129,
       eq. (2.10) and the numerical values after Theorem 2.12 (-E_0 = 1.657 for p = 3).

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
