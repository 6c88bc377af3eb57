"""Replica-symmetric free energy of the Hopfield model (lecture hopfield_phase_diagram)."""

from __future__ import annotations

import numpy as np
from scipy import optimize, special

from .._validation import check_real
from ._hopfield import AGSSolution, ags_solution

_Z = np.linspace(-10.0, 10.0, 8001)
_WZ = np.exp(-_Z**2 / 2) / np.sqrt(2 * np.pi) * (_Z[1] - _Z[0])  # N(0,1) weights on a fine grid
_T_MIN = 1e-3


def _log2cosh(x):
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2 * ax))


def _rs_f(alpha, T, m, q, r):
    s = np.sqrt(alpha * r)
    if T == 0.0:
        c = 1 - 1 / np.sqrt(r)
        e_abs = m * special.erf(m / (np.sqrt(2) * s)) + s * np.sqrt(2 / np.pi) * np.exp(-m * m / (2 * s * s))
        return float(m * m / 2 - alpha / (2 * (1 - c)) + alpha * r * c / 2 - e_abs)
    b = 1 / T
    d = 1 - b * (1 - q)
    return float(m * m / 2 + alpha / (2 * b) * (np.log(d) - b * q / d) + alpha * b * r * (1 - q) / 2
                 - T * np.sum(_WZ * _log2cosh(b * (m + s * _Z))))


def _spin_glass_qr(alpha, T):
    """m = 0 branch: largest root sigma of sqrt(alpha q) - sigma (1 - beta (1 - q)), q = E tanh^2(beta sigma z)."""
    if T == 0.0:
        s = np.sqrt(alpha) + np.sqrt(2 / np.pi)
        return 1.0, float(s * s / alpha)
    b = 1 / T

    def h(s):
        q = float(np.sum(_WZ * np.tanh(b * s * _Z) ** 2))
        return np.sqrt(alpha * q) - s * (1 - b * (1 - q))

    grid = np.geomspace(2 * (np.sqrt(alpha) + 1), 1e-6, 120)
    prev = h(grid[0])
    for k in range(1, len(grid)):
        cur = h(grid[k])
        if cur > 0 >= prev:
            s = optimize.brentq(h, grid[k], grid[k - 1], xtol=1e-14)
            return float(np.sum(_WZ * np.tanh(b * s * _Z) ** 2)), float(s * s / alpha)
        prev = cur
    return 0.0, 0.0


def _check_alpha_t(alpha, T):
    alpha = check_real("alpha", alpha, lower=0.0, lower_open=True, upper=10.0)
    T = check_real("T", T, lower=0.0, upper=100.0)
    if 0.0 < T < _T_MIN:
        raise ValueError(f"T must be 0 or >= {_T_MIN} (the quadrature does not resolve lower temperatures); got {T!r}.")
    return alpha, T


def hopfield_spin_glass_state(alpha, T=0.0):
    r"""The :math:`m = 0` (spin-glass) solution of the AGS equations with the largest :math:`q`.

    With :math:`\sigma = \sqrt{\alpha r}`, :math:`q = \mathbb E\tanh^2(\beta\sigma z)` and :math:`r = q/(1-\beta(1-q))^2`
    reduce to one equation for :math:`\sigma`, :math:`\sqrt{\alpha q(\sigma)} = \sigma(1 - \beta(1-q(\sigma)))`, whose
    largest root is found by scanning and bracketing. It has :math:`q>0` for :math:`T < T_g = 1+\sqrt\alpha` and
    :math:`q = r = 0` (the paramagnet) above. At :math:`T = 0`, :math:`q = 1` and :math:`\sqrt r = 1 + \sqrt{2/(\pi\alpha)}`.

    Parameters
    ----------
    alpha : float
        Load, in (0, 10].
    T : float
        Temperature: 0 or in [1e-3, 100].

    Returns
    -------
    AGSSolution
        With ``m = 0``.

    References
    ----------
    .. [1] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Statistical mechanics of neural networks near saturation",
       Ann. Phys. 173 (1987) 30-67.

    Examples
    --------
    >>> sol = hopfield_spin_glass_state(0.04, 1.5)  # above T_g = 1.2
    >>> sol.q, sol.r
    (0.0, 0.0)
    """
    alpha, T = _check_alpha_t(alpha, T)
    q, r = _spin_glass_qr(alpha, T)
    return AGSSolution(m=0.0, q=q, r=r, converged=True, n_iter=0)


def hopfield_rs_free_energy(alpha, T=0.0, state="retrieval"):
    r"""Replica-symmetric free energy per spin of the Hopfield model in the retrieval or the spin-glass state.

    With :math:`\beta = 1/T`, :math:`D = 1-\beta(1-q)` and :math:`z\sim\mathcal N(0,1)`, up to a constant depending on
    :math:`\alpha` only,

    .. math::

        f = \frac{m^2}{2} + \frac{\alpha}{2\beta}\Bigl(\ln D - \frac{\beta q}{D}\Bigr) + \frac{\alpha\beta}{2}r(1-q)
        - \frac1\beta\mathbb E\ln2\cosh\beta(m + \sqrt{\alpha r}z),

    evaluated at the AGS saddle point: the retrieval solution of :func:`ags_solution` (``state="retrieval"``) or the
    :math:`m = 0` solution of :func:`hopfield_spin_glass_state` (``state="spin_glass"``; :math:`q = 0`, the paramagnet, above
    :math:`T_g = 1+\sqrt\alpha`). At :math:`T = 0` the limit with :math:`C = \beta(1-q)` fixed is used,
    :math:`f = \frac{m^2}2 - \frac{\alpha}{2(1-C)} + \frac{\alpha rC}{2} - \mathbb E|m+\sqrt{\alpha r}z|`.
    The two states have equal free energy on the line :math:`T_c(\alpha)`, which ends at :math:`T = 0` at
    :math:`\alpha_\star = (\pi-2)^2/(8\pi)\approx0.0519` up to terms of order :math:`e^{-1/(2\alpha)}`
    (AGS quote 0.051).

    Parameters
    ----------
    alpha : float
        Load, in (0, 10].
    T : float
        Temperature: 0 or in [1e-3, 100] (the quadrature resolves the tanh down to T = 1e-3).
    state : {"retrieval", "spin_glass"}

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If no retrieval state exists at (alpha, T) (above the retrieval line T_M(alpha)).

    References
    ----------
    .. [1] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Statistical mechanics of neural networks near saturation",
       Ann. Phys. 173 (1987) 30-67.

    Examples
    --------
    >>> round(hopfield_rs_free_energy(0.05), 4)  # -1/2 - alpha/2 up to exponentially small terms
    -0.525
    >>> hopfield_rs_free_energy(0.05) < hopfield_rs_free_energy(0.05, state="spin_glass")
    True
    """
    alpha, T = _check_alpha_t(alpha, T)
    if not isinstance(state, str):
        raise TypeError(f"state must be a str, 'retrieval' or 'spin_glass'; got {type(state).__name__}.")
    if state not in ("retrieval", "spin_glass"):
        raise ValueError(f"state must be 'retrieval' or 'spin_glass'; got {state!r}.")
    if state == "spin_glass":
        q, r = _spin_glass_qr(alpha, T)
        return _rs_f(alpha, T, 0.0, q, r)
    if T >= 1.0:
        raise ValueError(f"no retrieval state at T = {T!r} >= 1; use state='spin_glass'.")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sol = ags_solution(alpha, T)
    if not sol.converged or sol.m < 1e-3:
        raise ValueError(f"no retrieval state at alpha = {alpha!r}, T = {T!r} (above the retrieval line T_M(alpha)).")
    return _rs_f(alpha, T, sol.m, sol.q, sol.r)
