r"""Dynamical and static (Kauzmann) temperatures of the spherical pure p-spin model (Crisanti-Sommers 1RSB).

Normalisation (binding for the whole book): :math:`\mathbb E[H(\sigma)H(\sigma')] = N\,\xi(\sigma\cdot\sigma'/N)` with
:math:`\xi(q) = q^p` on the sphere :math:`|\sigma|^2 = N`, the one in which :func:`pspin_threshold_energy` gives
:math:`E_\infty = -2\sqrt{(p-1)/p}`. Crisanti and Sommers (1992) and most of the physics literature use
:math:`\xi_{\rm CS}(q) = q^p/2`. The replicated free energy depends on the temperature and on :math:`\xi` only through
:math:`\beta^2\xi`, so multiplying :math:`\xi` by :math:`c` multiplies every transition temperature by
:math:`\sqrt c`: :math:`T_{\rm book} = \sqrt2\,T_{\rm CS}`.

1RSB free energy (overlaps :math:`q_0 = 0`, plateau :math:`q`, Parisi breakpoint :math:`m\in(0,1]`), for a general
:math:`\xi` (Crisanti and Sommers 1992; Castellani and Cavagna 2005, Sec. 5):

.. math::

    -\beta f(q, m) = \tfrac12 + \tfrac12\ln 2\pi + \frac{\beta^2}{2}\bigl[\xi(1) - (1-m)\,\xi(q)\bigr]
        + \frac{m-1}{2m}\ln(1-q) + \frac{1}{2m}\ln\bigl(1-(1-m)q\bigr).

Stationarity in :math:`q` and :math:`m` gives

.. math::

    \beta^2\xi'(q) = \frac{q}{(1-q)(1-(1-m)q)}, \qquad
    \beta^2\xi(q) + \frac{1}{m^2}\ln\frac{1-q}{1-(1-m)q} + \frac{q}{m(1-(1-m)q)} = 0 .
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from .._validation import check_int

__all__ = ["pspin_dynamical_temperature", "pspin_kauzmann_temperature"]

_P_MAX = 10**6
_EXACT_P_MAX = 400  # below this T_d^2 is computed as a ratio of exact integers (correctly rounded)


def _check_p(p):
    p = check_int("p", p, maximum=_P_MAX)
    if p < 3:
        raise ValueError(
            f"`p` must be an integer >= 3, got {p}: for p <= 2 the spherical model has no 1RSB (random first-order) "
            "transition, so T_d and T_K do not exist (p = 2 has a continuous transition, at T = sqrt(2) for "
            "xi(q) = q^2)."
        )
    return p


def _td_squared(p):
    """T_d^2 = p (p-2)^(p-2) / (p-1)^(p-1) for xi(q) = q^p."""
    if p <= _EXACT_P_MAX:
        return p * (p - 2) ** (p - 2) / (p - 1) ** (p - 1)  # int / int: correctly rounded
    return p / (p - 1) * math.exp((p - 2) * math.log1p(-1.0 / (p - 1)))


def _static_condition(eps, p):
    """m = 1 static condition in eps = 1 - q: q^2/(p(1-q)) + q + ln(1-q); > 0 as eps -> 0, < 0 at eps = 1/(p-1)."""
    q = 1.0 - eps
    return q * q / (p * eps) + q + math.log(eps)


def _kauzmann_plateau_gap(p):
    """1 - q_K, the root of the m = 1 static condition below 1 - q_d = 1/(p-1)."""
    eps_d = 1.0 / (p - 1)
    return optimize.brentq(_static_condition, 1e-12 * eps_d, eps_d, args=(p,), xtol=1e-300, rtol=1e-15, maxiter=500)


def pspin_dynamical_temperature(p):
    r"""Dynamical (mode-coupling) transition temperature :math:`T_d` of the spherical pure p-spin model.

    In the book's normalisation :math:`\mathbb E[H(\sigma)H(\sigma')] = N(\sigma\cdot\sigma'/N)^p`,

    .. math::

        T_d^2 = \max_{0<q<1} \frac{(1-q)\,\xi'(q)}{q} = \frac{p\,(p-2)^{p-2}}{(p-1)^{p-1}},
        \qquad q_d = \frac{p-2}{p-1}.

    The 1RSB equation at :math:`m = 1`, :math:`\beta^2\xi'(q)(1-q) = q`, first has a solution :math:`q>0` at
    :math:`T_d`; there the solution is marginal (replicon :math:`\beta^2\xi''(q)(1-q)^2 = 1`), and it is where the
    plateau of the equilibrium correlation function of Langevin dynamics (mode-coupling equation) appears. In the
    normalisation :math:`\xi(q) = q^p/2` of Crisanti and Sommers, :math:`T_d^2 = p(p-2)^{p-2}/(2(p-1)^{p-1})`, i.e.
    :math:`T_d/\sqrt2`: p = 3 gives :math:`\sqrt{3/4}\approx0.866` here and :math:`\sqrt{3/8}\approx0.612` there.
    As :math:`p\to\infty`, :math:`T_d\to e^{-1/2}`. The paramagnetic energy :math:`-\beta_d` at :math:`T_d` equals
    the energy at temperature :math:`T_d` of the threshold TAP states, whose zero-temperature energy is
    :math:`E_\infty` (:func:`pspin_threshold_energy`).

    Parameters
    ----------
    p : int
        Order of the interaction, 3 <= p <= 10**6 (p = 2 has no dynamical transition).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``p`` is not an integer.
    ValueError
        If ``p < 3`` or ``p > 10**6``.

    References
    ----------
    .. [1] A. Crisanti, H.-J. Sommers, "The spherical p-spin interaction spin glass model: the statics",
       Z. Phys. B 87 (1992) 341-354.
    .. [2] A. Crisanti, H. Horner, H.-J. Sommers, "The spherical p-spin interaction spin-glass model: the dynamics",
       Z. Phys. B 92 (1993) 257-271.
    .. [3] T. Castellani, A. Cavagna, "Spin-glass theory for pedestrians", J. Stat. Mech. (2005) P05012.

    Examples
    --------
    >>> round(pspin_dynamical_temperature(3) ** 2, 12)  # 3/4
    0.75
    """
    p = _check_p(p)
    return float(math.sqrt(_td_squared(p)))


def pspin_kauzmann_temperature(p):
    r"""Static (Kauzmann) 1RSB transition temperature :math:`T_K` of the spherical pure p-spin model.

    Normalisation :math:`\mathbb E[H(\sigma)H(\sigma')] = N(\sigma\cdot\sigma'/N)^p`, i.e. :math:`\xi(q) = q^p`
    (:math:`\sqrt2` times the temperatures for the Crisanti-Sommers :math:`\xi(q) = q^p/2`). With the 1RSB
    Crisanti-Sommers equations (module docstring) in the plateau :math:`q` and breakpoint :math:`m`, :math:`T_K` is the
    temperature at which the static solution has :math:`m = 1`; the two equations become

    .. math::

        \beta^2\xi'(q)(1-q) = q, \qquad \beta^2\xi(q) + q + \ln(1-q) = 0 .

    For :math:`\xi = q^p`, :math:`\beta^2\xi(q) = q\,\beta^2\xi'(q)/p = q^2/(p(1-q))`, so :math:`q_K` is the root in
    :math:`(q_d, 1)` of :math:`q^2/(p(1-q)) + q + \ln(1-q) = 0` (found with Brent's method on :math:`1-q`, relative
    accuracy ~1e-15) and :math:`T_K^2 = p\,q_K^{p-2}(1-q_K)`. Between :math:`T_K` and :math:`T_d` the complexity of
    the equilibrium states is positive; it vanishes at :math:`T_K` (entropy crisis). p = 3 gives
    :math:`T_K\approx0.8288` here, :math:`0.5861` in the Crisanti-Sommers normalisation (published as 0.586).

    Large p: with :math:`u = p(1-q_K)`, :math:`1/u + 1 + \ln(u/p)\to0` and :math:`T_K^2\approx u e^{-u}`, so
    :math:`T_K^2 \ln p \to 1` and :math:`T_K\to0` (slowly), while :math:`T_d\to e^{-1/2}`. This is the random energy
    model of Derrida with variance :math:`\xi(1) = 1` and entropy :math:`\tfrac12\ln p` (the number of configurations
    of the sphere that are decorrelated at overlap :math:`1 - 1/p`), :math:`T_c^2 = \xi(1)/(2s) = 1/\ln p`; the Ising
    REM value :math:`1/\sqrt{2\ln 2}` does not apply to the spherical model.

    Parameters
    ----------
    p : int
        Order of the interaction, 3 <= p <= 10**6 (p = 2 has no 1RSB transition).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``p`` is not an integer.
    ValueError
        If ``p < 3`` or ``p > 10**6``.

    References
    ----------
    .. [1] A. Crisanti, H.-J. Sommers, "The spherical p-spin interaction spin glass model: the statics",
       Z. Phys. B 87 (1992) 341-354.
    .. [2] T. Castellani, A. Cavagna, "Spin-glass theory for pedestrians", J. Stat. Mech. (2005) P05012.
    .. [3] B. Derrida, "Random-energy model: an exactly solvable model of disordered systems",
       Phys. Rev. B 24 (1981) 2613-2626.

    Examples
    --------
    >>> round(pspin_kauzmann_temperature(3), 4)
    0.8288
    >>> pspin_kauzmann_temperature(3) < pspin_dynamical_temperature(3)
    True
    """
    p = _check_p(p)
    eps = _kauzmann_plateau_gap(p)
    tk2 = p * eps * math.exp((p - 2) * math.log1p(-eps))
    return float(np.sqrt(tk2))
