"""Aging of the spherical pure p-spin model below T_d: the Cugliandolo--Kurchan parameters and the two-time DMFT.

Normalisation of the book: ``E[H(s) H(s')] = N xi(s.s'/N)`` with ``xi(q) = q^p`` (temperatures are ``sqrt(2)`` times
those of Crisanti--Sommers and Cugliandolo--Kurchan, who use ``q^p / 2``).  A quench from infinite temperature to
``T < T_d`` never equilibrates; for long waiting times the correlation has a plateau at the Edwards--Anderson
parameter ``q_EA`` and the fluctuation-dissipation ratio is ``X = 1`` above it and ``X = x < 1`` below it, with

    xi''(q_EA) (1 - q_EA)^2 = T^2     (marginality),        x = (p - 2) (1 - q_EA) / q_EA.

The DMFT wrapper integrates the Cugliandolo--Kurchan / Crisanti--Horner--Sommers equations with the solver of the
spiked matrix-tensor model (no matrix channel, no signal).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from .._validation import check_int, check_real
from ._pspin_statics import pspin_dynamical_temperature

__all__ = ["AgingParameters", "dmft_pspin_aging", "pspin_aging_parameters"]


class AgingParameters(NamedTuple):
    """Asymptotic aging parameters of the spherical pure p-spin model (see :func:`pspin_aging_parameters`)."""

    q_ea: float
    x: float


def _marginal_q(p, T):
    """Largest root q in [q_d, 1] of p (p-1) q^(p-2) (1-q)^2 = T^2, by bisection (the left side decreases there)."""
    lo, hi = (p - 2) / (p - 1), 1.0
    target = T * T / (p * (p - 1))
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid ** (p - 2) * (1.0 - mid) ** 2 > target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-16:
            break
    return 0.5 * (lo + hi)


def pspin_aging_parameters(p, T):
    r"""Plateau :math:`q_{EA}` and fluctuation-dissipation ratio :math:`x` of the aging spherical pure p-spin model.

    For a quench from infinite temperature to :math:`0 < T \le T_d`, Cugliandolo and Kurchan's asymptotic solution of
    the two-time dynamical mean-field equations has a plateau :math:`q_{EA}` and a constant FDT ratio :math:`x` in the
    aging regime :math:`C < q_{EA}`, given (for :math:`\xi(q) = q^p`) by

    .. math::

        \xi''(q_{EA})\,(1-q_{EA})^2 = T^2,\qquad x = \frac{(p-2)(1-q_{EA})}{q_{EA}},

    with :math:`q_{EA}` the root in :math:`[q_d, 1)`, :math:`q_d = (p-2)/(p-1)`. At :math:`T = T_d` one gets
    :math:`q_{EA} = q_d` and :math:`x = 1`; as :math:`T\to0`, :math:`x \simeq (p-2)T/\sqrt{p(p-1)}`. These are the
    marginal one-step RSB equations with breakpoint :math:`m = x`. In the normalisation :math:`\xi = q^p/2` of the
    literature the same :math:`(q_{EA}, x)` belong to the temperature :math:`T/\sqrt2`.

    Parameters
    ----------
    p : int
        Order of the interaction, ``p >= 3``.
    T : float
        Temperature, ``0 < T <= T_d`` (:func:`pspin_dynamical_temperature`).

    Returns
    -------
    AgingParameters
        Named tuple ``(q_ea, x)``.

    References
    ----------
    L. F. Cugliandolo, J. Kurchan, Phys. Rev. Lett. 71, 173 (1993), arXiv:cond-mat/9303036.

    Examples
    --------
    >>> q, x = pspin_aging_parameters(3, 0.5)
    >>> round(q, 6), round(x, 6)
    (0.766911, 0.303932)
    """
    p = check_int("p", p, minimum=3, maximum=1000)
    td = pspin_dynamical_temperature(p)
    T = check_real("T", T, lower=0.0, lower_open=True)
    if T > td * (1.0 + 1e-12):
        raise ValueError(f"`T` must be at most T_d = {td!r} for p = {p} (no aging above T_d), got T={T!r}.")
    q = _marginal_q(p, min(T, td))
    return AgingParameters(q_ea=float(q), x=float(min(1.0, (p - 2) * (1.0 - q) / q)))


def dmft_pspin_aging(p, T, dt, t_max):
    r"""Two-time DMFT of Langevin dynamics of the spherical pure p-spin model from a random start.

    With :math:`\xi(q) = q^p` and a uniformly random initial condition (a quench from infinite temperature), the
    correlation :math:`C(t,t') = \langle \sigma(t)\cdot\sigma(t')\rangle/N` and the response
    :math:`R(t,t') = \sum_i\delta\langle\sigma_i(t)\rangle/\delta h_i(t')/N` obey (:math:`t > t'`)

    .. math::

        \partial_t C(t,t') &= -\mu(t)C(t,t') + \int_0^t R(t,s)\,\xi''(C(t,s))\,C(s,t')\,ds
            + \int_0^{t'} R(t',s)\,\xi'(C(t,s))\,ds,\\
        \partial_t R(t,t') &= -\mu(t)R(t,t') + \int_{t'}^t R(t,s)\,\xi''(C(t,s))\,R(s,t')\,ds,

    :math:`\mu(t) = T + \int_0^t R(t,s)[\xi''(C)C + \xi'(C)](t,s)\,ds`, :math:`C(t,t) = 1`, :math:`R(t^+,t) = 1`
    (Crisanti--Horner--Sommers, Cugliandolo--Kurchan). This is the spiked matrix-tensor DMFT of
    :func:`course_lib.teacher_student.dynamics.dmft_spiked_matrix_tensor` with no matrix channel, no signal
    (:math:`\bar C\equiv0`) and :math:`\Delta_p = 1/p`; the same Heun scheme (error :math:`O(dt^2)`, work
    :math:`O(n^3)`).

    Parameters
    ----------
    p : int
        Order of the interaction, ``p >= 3``.
    T : float
        Temperature, ``T >= 0``.
    dt : float
        Time step, ``0 < dt <= 0.5``.
    t_max : float
        Final time; ``n = round(t_max / dt)`` steps, ``1 <= n <= 4000``.

    Returns
    -------
    DMFTSolution
        ``t``, ``C``, ``R`` (``R[i, j]`` for ``j <= i``), ``mu``, ``energy`` (per spin); ``Cbar`` is zero.

    References
    ----------
    A. Crisanti, H. Horner, H.-J. Sommers, Z. Phys. B 92, 257 (1993). L. F. Cugliandolo, J. Kurchan,
    Phys. Rev. Lett. 71, 173 (1993).

    Examples
    --------
    >>> sol = dmft_pspin_aging(3, 0.5, 0.1, 5.0)
    >>> sol.C.shape, bool(abs(sol.C[10, 10] - 1.0) < 1e-12), bool(sol.C[50, 0] < 1.0)
    ((51, 51), True, True)
    """
    import numpy as np

    from ..teacher_student.dynamics._dmft_solver import DMFTSolution, _solve

    p = check_int("p", p, minimum=3, maximum=1000)
    T = check_real("T", T, lower=0.0, max_abs=1e6)
    dt = check_real("dt", dt, lower=0.0, lower_open=True, upper=0.5)
    t_max = check_real("t_max", t_max, lower=0.0, lower_open=True)
    n = int(round(t_max / dt))
    if n < 1:
        raise ValueError(f"`t_max` must be at least `dt`, got t_max={t_max!r} and dt={dt!r}.")
    if n > 4000:
        raise ValueError(f"`t_max / dt` must be at most 4000 steps (O(n^2) memory), got {n}.")
    C, R, cb, mu, en = _solve(n, dt, 0.0, float(p), float(p), T, 0.0)
    converged = bool(np.all(np.isfinite(C)) and np.all(np.isfinite(R)))
    if not converged:
        import warnings

        warnings.warn("the DMFT integration blew up (non-finite values): decrease `dt`.", RuntimeWarning, stacklevel=2)
    return DMFTSolution(t=dt * np.arange(n + 1), C=C, R=R, Cbar=cb, mu=mu, energy=en, n_steps=n, converged=converged)
