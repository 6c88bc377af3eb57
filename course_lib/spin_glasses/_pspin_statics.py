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

from .._validation import check_array, check_bool, check_int, check_real

__all__ = ["pspin_dynamical_temperature", "pspin_kauzmann_temperature", "franz_parisi_potential"]

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


_FP_GRID = 4001  # grid on (q^2, 1) that brackets the smallest root of the saddle-point equation in s


def _fp_saddle_gap(q, beta2, p):
    """Smallest root s in (q^2, 1) of beta^2 xi'(s)(1-s)^2 = s - q^2, returned as the gap 1 - s (accurate near 1)."""
    if q == 0.0:
        return 1.0
    q2 = q * q

    t_hi = 1.0 - q2  # s = q^2, where g > 0

    def g(t):  # t = 1 - s; s - q^2 = t_hi - t (exact near s = q^2)
        return beta2 * p * (1.0 - t) ** (p - 1) * t * t - (t_hi - t)

    ts = t_hi * np.geomspace(1.0, 1e-15, _FP_GRID)  # from s = q^2 towards s = 1
    gs = beta2 * p * (1.0 - ts) ** (p - 1) * ts * ts - (t_hi - ts)
    neg = np.flatnonzero(gs <= 0.0)
    if neg.size == 0:  # g(1^-) = -(1 - q^2) < 0: cannot happen on this grid
        return float(ts[-1])
    k = int(neg[0])
    if gs[k] == 0.0 or k == 0:
        return float(ts[k])
    return float(optimize.brentq(g, ts[k], ts[k - 1], xtol=1e-300, rtol=1e-15, maxiter=500))


def _fp_minus_beta_v(q, gap, beta2, p):
    """-beta V(q) at the saddle s = 1 - gap."""
    s = 1.0 - gap
    return (-0.5 * beta2 * s**p + beta2 * q**p + 0.5 * math.log(gap) + (s - q * q) / (2.0 * gap))


# ---------------------------------------------------------------------------------------------------------------------
# One step of RSB among the constrained replicas (Barrat, Franz and Parisi 1997).  Overlaps of the constrained replicas:
# p1 inside blocks of size m, p0 between blocks; a = 1 - p1, b = a + m (p1 - p0).  The branch is traced in the gap
# u = p1 - p0 > 0, in divided-difference form so that it is regular as u -> 0 (the continuous bifurcation from RS).


def _phi1(n, t):
    """((1 + t)^n - 1) / t for t > 0 (first divided difference of x^n at 1 and 1 + t)."""
    return math.expm1(n * math.log1p(t)) / t


def _phi2(n, t):
    """((1 + t)^n - 1 - n t) / t^2 for t > 0 (second divided difference), by its binomial series where n t is small."""
    if n * t > 0.1:
        return (math.expm1(n * math.log1p(t)) - n * t) / (t * t)
    total, term, k = 0.0, n * (n - 1) / 2.0, 2
    while True:
        total += term
        if k >= n or abs(term) <= 1e-17 * abs(total):
            return total
        term *= (n - k) * t / (k + 1)  # C(n, k+1) / C(n, k)
        k += 1


def _h_log(y):
    """(log(1 + y) - y / (1 + y)) / y^2, accurate for small y."""
    if abs(y) < 1e-2:
        return sum((-1) ** j * (j + 1) / (j + 2) * y**j for j in range(12))
    return (math.log1p(y) - y / (1.0 + y)) / (y * y)


def _fp1_point(p0, u, beta2, p):
    """Branch point at (p0, u): (m-equation residual divided by m^2 u^2, m, q^2, a, b)."""
    p1 = p0 + u
    a = 1.0 - p1
    t = u / p0
    if t < 1.0:  # divided differences in a form free of cancellation as u -> 0
        d1 = p * p0 ** (p - 2) * _phi1(p - 1, t)  # (xi'(p1) - xi'(p0)) / u
        d2 = p0 ** (p - 2) * _phi2(p, t)  # (xi(p1) - xi(p0) - xi'(p0) u) / u^2
    else:
        d1 = p * (p1 ** (p - 1) - p0 ** (p - 1)) / u
        d2 = (p1**p - p0**p - p * p0 ** (p - 1) * u) / (u * u)
    b = 1.0 / (beta2 * d1 * a)  # p1-equation: beta^2 (xi'(p1) - xi'(p0)) a b = p1 - p0
    m = (b - a) / u
    y = b / a - 1.0
    resid = beta2 * d2 - _h_log(y) / (a * a)  # m-equation / (m u)^2
    q2 = p0 - beta2 * p * p0 ** (p - 1) * b * b  # p0-equation: beta^2 xi'(p0) b^2 = p0 - q^2
    return resid, m, q2, a, b


def _fp1_p0(u, beta2, p, lo, hi):
    """p0 on the branch at gap u, bracketed in [lo, hi]."""
    f = lambda x: _fp1_point(x, u, beta2, p)[0]  # noqa: E731
    return optimize.brentq(f, lo, hi, xtol=1e-16, rtol=1e-15, maxiter=200)


def _fp_rs_edges(beta2, p):
    """Overlaps where the RS replicon ratio crosses 1 (sorted), found on a grid in q and refined."""
    def lam(q):
        gap = _fp_saddle_gap(q, beta2, p)
        return beta2 * p * (p - 1) * (1.0 - gap) ** (p - 2) * gap * gap - 1.0

    qs = np.linspace(1e-3, 0.999, 400)
    ls = np.array([lam(x) for x in qs])
    idx = np.flatnonzero(np.sign(ls[:-1]) != np.sign(ls[1:]))
    return [optimize.brentq(lam, qs[k], qs[k + 1], xtol=1e-15) for k in idx]


_FP1_DU = 2e-3  # step in the gap u = p1 - p0 along the traced 1RSB branch
_FP1_P_MAX = 50


_FP1_P0_MIN = 1e-15  # smallest p0 tried: the branch reaches p0 = q = 0 only at T_K


def _fp1_bracket(u, p0, beta2, p):
    """Bracket of the branch's p0 at gap u around the previous value p0, or None if there is no sign change."""
    width = 4 * _FP1_DU
    lo, hi = max(p0 - width, _FP1_P0_MIN), min(p0 + width, 1.0 - u - 1e-12)
    if hi <= lo:
        return None
    f_lo, f_hi = _fp1_point(lo, u, beta2, p)[0], _fp1_point(hi, u, beta2, p)[0]
    if not (math.isfinite(f_lo) and math.isfinite(f_hi)) or f_lo * f_hi > 0:
        return None
    return lo, hi


def _fp1_branch(beta2, p):
    """Trace the 1RSB branch from the upper RS-replicon edge (u = 0) towards smaller q until m = 1 (or q = 0).

    Returns ``(q_lo, q_hi, us, p0s, qs)``, the branch covering q in (q_lo, q_hi), or None when the RS saddle has no
    replicon-unstable interval on the grid (or its upper edge would bifurcate with m >= 1): then RS is kept.
    """
    edges = _fp_rs_edges(beta2, p)
    if len(edges) < 2:
        return None
    q_hi = edges[-1]
    s = 1.0 - _fp_saddle_gap(q_hi, beta2, p)
    if (p - 2) * (1.0 - s) / (2.0 * s) >= 1.0:  # breakpoint of the continuous bifurcation, xi'''(1-s)/(2 xi'')
        return None
    us, p0s, qs = [0.0], [s], [q_hi]
    u, p0 = 0.0, s

    def state(uu):
        br = _fp1_bracket(uu, p0, beta2, p)
        if br is None:
            return None
        pp = _fp1_p0(uu, beta2, p, *br)
        _, mm, qq2, _, _ = _fp1_point(pp, uu, beta2, p)
        return pp, mm, qq2

    while True:
        u_new = u + _FP1_DU
        st = state(u_new)
        if st is None:  # the branch runs into p0 = 0 (q = 0) inside this step (T at T_K): locate the end
            if p0 - 4 * _FP1_DU > _FP1_P0_MIN:
                raise RuntimeError(f"franz_parisi_potential: lost the 1RSB branch at u = {u_new} (p = {p}, "
                                   f"beta^2 = {beta2}); please report.")
            u_good, u_bad = u, u_new
            for _ in range(60):
                mid = 0.5 * (u_good + u_bad)
                u_good, u_bad = (mid, u_bad) if state(mid) is not None else (u_good, mid)
            u_new = u_good
            st = state(u_new) if u_new > u else (p0, *_fp1_point(p0, u, beta2, p)[1:3])
        p0_new, m, q2 = st
        if m >= 1.0 or q2 <= 0.0 or u_new < u + _FP1_DU:  # end of the branch
            if m >= 1.0 or q2 <= 0.0:  # m reaches 1 (or q reaches 0): bisection in u

                def event(uu):
                    _, mm, qq2 = state(uu)
                    return max(mm - 1.0, -qq2)

                u_new = optimize.brentq(event, u, u_new, xtol=1e-15)
                p0_new, m, q2 = state(u_new)
            us.append(u_new)
            p0s.append(p0_new)
            qs.append(math.sqrt(max(q2, 0.0)))
            return qs[-1], q_hi, np.array(us), np.array(p0s), np.array(qs)
        us.append(u_new)
        p0s.append(p0_new)
        qs.append(math.sqrt(q2))
        u, p0 = u_new, p0_new


def _fp1_solve(q, branch, beta2, p):
    """(p1, p0, m) of the 1RSB saddle at overlap q inside the branch interval."""
    _, _, us, p0s, qs = branch
    k = int(np.searchsorted(-qs, -q))  # qs decreasing: qs[k-1] >= q > qs[k]
    k = min(max(k, 1), len(qs) - 1)
    lo_p = max(min(p0s[k - 1], p0s[k]) - 4 * _FP1_DU, _FP1_P0_MIN)
    hi_p = max(p0s[k - 1], p0s[k]) + 4 * _FP1_DU

    def p0_of(uu):
        return _fp1_p0(uu, beta2, p, lo_p, min(hi_p, 1.0 - uu - 1e-12))

    def g(uu):
        return math.sqrt(max(_fp1_point(p0_of(uu), uu, beta2, p)[2], 0.0)) - q

    u_lo = us[k - 1] if us[k - 1] > 0 else 1e-12
    u = optimize.brentq(g, u_lo, us[k], xtol=1e-16, rtol=1e-15, maxiter=200)
    p0 = p0_of(u)
    m = _fp1_point(p0, u, beta2, p)[1]
    return p0 + u, p0, m


def _fp1_minus_beta_v(q, p1, p0, m, beta2, p):
    """-beta V(q) of the 1RSB ansatz (p1, p0, m)."""
    a = 1.0 - p1
    b = a + m * (p1 - p0)
    return (beta2 * q**p + 0.5 * beta2 * ((m - 1.0) * p1**p - m * p0**p)
            + 0.5 * ((m - 1.0) / m * math.log(a) + math.log(b) / m + (p0 - q * q) / b))


def _fp1_gradient(q, p1, p0, m, beta2, p):
    """Partial derivatives of -beta V with respect to (p1, p0, m) (all zero at the saddle)."""
    a = 1.0 - p1
    b = a + m * (p1 - p0)
    xi = lambda x: x**p  # noqa: E731
    d1 = lambda x: p * x ** (p - 1)  # noqa: E731
    g1 = 0.5 * (m - 1.0) * (beta2 * d1(p1) - 1.0 / (m * a) + 1.0 / (m * b) - (p0 - q * q) / (b * b))
    g0 = 0.5 * m * (-beta2 * d1(p0) + (p0 - q * q) / (b * b))
    gm = 0.5 * (beta2 * (xi(p1) - xi(p0)) + math.log(a / b) / (m * m) + (p1 - p0) / (m * b)
                - (p0 - q * q) * (p1 - p0) / (b * b))
    return g1, g0, gm


def franz_parisi_potential(q, T, p, *, rsb="rs", return_replicon=False):
    r"""Franz-Parisi potential :math:`V(q)` of the spherical pure p-spin model (RS or 1RSB, book normalisation).

    A reference configuration :math:`\sigma_0` is drawn from the Gibbs measure at temperature :math:`T`; a second
    configuration :math:`\sigma` at the same temperature is constrained to the overlap :math:`\sigma\cdot\sigma_0/N
    = q`. :math:`V(q)` is the constrained free energy per spin minus the unconstrained one, averaged over
    :math:`\sigma_0` and the disorder (Franz and Parisi 1995). With :math:`\xi(q) = q^p` (book normalisation,
    :math:`\mathbb E[H(\sigma)H(\sigma')] = N\xi(\sigma\cdot\sigma'/N)`), :math:`\beta = 1/T`, and the reference in
    the paramagnetic phase (:math:`T \ge T_K`), replica symmetry among the constrained replicas (mutual overlap
    :math:`s`) gives

    .. math::

        -\beta V(q) = \beta^2\xi(q) - \frac{\beta^2}{2}\xi(s) + \frac12\ln(1-s) + \frac{s-q^2}{2(1-s)},
        \qquad \beta^2\xi'(s)(1-s)^2 = s - q^2 ,

    with :math:`s` the smallest root in :math:`(q^2, 1)` (the branch through :math:`s = 0` at :math:`q = 0`).
    Properties: :math:`V(0) = 0`; a stationary point :math:`q > 0` with :math:`s = q` satisfies
    :math:`\beta^2\xi'(q)(1-q) = q`, the 1RSB equation at :math:`m = 1` (stationary points with :math:`s \ne q`
    also exist below about :math:`T_d`, at intermediate overlaps near or inside the replicon-unstable interval
    described below; they are artefacts of the RS ansatz), so a stable secondary minimum exists exactly for
    :math:`T < T_d` (:func:`pspin_dynamical_temperature`); its height is :math:`T` times the complexity of the
    equilibrium states and vanishes at :math:`T_K` (:func:`pspin_kauzmann_temperature`). Below :math:`T_K` the
    formula is the analytic continuation of the paramagnetic reference, not the equilibrium potential.

    The RS saddle point is stable when the replicon eigenvalue ratio :math:`\lambda = \beta^2\xi''(s)(1-s)^2 < 1`.
    For p = 3 near :math:`T_d` it is violated on an interval of intermediate overlaps (roughly 0.3 < q < 0.5);
    the secondary minimum (:math:`s = q`) is stable for :math:`T < T_d` and marginal (:math:`\lambda = 1`) at
    :math:`T_d`. With ``rsb="1rsb"`` the constrained replicas have one step of RSB (Barrat, Franz and Parisi 1997):
    overlap :math:`s_1` inside blocks of size :math:`m`, :math:`s_0` between blocks, :math:`a = 1-s_1`,
    :math:`b = a + m(s_1-s_0)`,

    .. math::

        -\beta V(q) = \beta^2\xi(q) + \frac{\beta^2}{2}\bigl[(m-1)\xi(s_1) - m\,\xi(s_0)\bigr]
            + \frac{m-1}{2m}\ln a + \frac{1}{2m}\ln b + \frac{s_0-q^2}{2b},

    stationary in :math:`(s_1, s_0, m)`:
    :math:`\beta^2\xi'(s_0)b^2 = s_0-q^2`, :math:`\beta^2[\xi'(s_1)-\xi'(s_0)]ab = s_1-s_0`,
    :math:`\beta^2m^2[\xi(s_1)-\xi(s_0)-\xi'(s_0)(s_1-s_0)] = \ln(1+y) - y/(1+y)`, :math:`y = m(s_1-s_0)/a`.
    The branch with :math:`0 < m < 1` bifurcates continuously from RS at the upper edge of the RS-unstable interval
    (:math:`s_1 = s_0 = s`, :math:`m = \xi'''(s)(1-s)/(2\xi''(s))`) and ends where :math:`m = 1`, at an overlap
    below the lower edge (there :math:`s_0 = s` and :math:`V` joins the RS value with the same slope); in
    between it raises :math:`V` (the replica rule for :math:`n \to 0`: the physical saddle is the one of larger free
    energy; here :math:`V_1` is also a local maximum in :math:`(s_1, s_0, m)`). Outside this interval, or when there
    is no RS instability, the 1RSB extremum is the RS one and RS is returned. Its replicon ratios
    :math:`\beta^2\xi''(s_1)a^2` and :math:`\beta^2\xi''(s_0)b^2` stay below 1.

    Parameters
    ----------
    q : float or array_like of float
        Overlap(s) with the reference, each in [0, 1).
    T : float
        Temperature, 0.01 <= T <= 1e3.
    p : int
        Order of the interaction, 3 <= p <= 10**6 (p <= 50 with ``rsb="1rsb"``).
    rsb : {"rs", "1rsb"}, default "rs"
        Replica-symmetric saddle, or the 1RSB extremum described above (requires :math:`T \ge T_K`).
    return_replicon : bool, default False
        Also return :math:`\lambda` (same shape as the potential): the RS ratio, or at 1RSB points the larger of the
        two 1RSB ratios.

    Returns
    -------
    float or numpy.ndarray
        :math:`V(q)` (a float for a scalar ``q``, else an array of the shape of ``q``); with ``return_replicon``,
        the pair ``(V, lambda)``.

    Raises
    ------
    TypeError
        If ``q`` or ``T`` is not real, ``p`` not an integer, or ``rsb`` not a string.
    ValueError
        If an overlap is outside [0, 1), ``T`` outside [0.01, 1e3], or ``p < 3``; if ``rsb`` is not "rs" or
        "1rsb"; with ``rsb="1rsb"``, if ``p > 50`` or ``T < T_K``.

    References
    ----------
    .. [1] S. Franz, G. Parisi, "Recipes for metastable states in spin glasses", J. Phys. I France 5 (1995)
       1401-1415.
    .. [2] A. Crisanti, H.-J. Sommers, "The spherical p-spin interaction spin glass model: the statics",
       Z. Phys. B 87 (1992) 341-354.
    .. [3] T. Castellani, A. Cavagna, "Spin-glass theory for pedestrians", J. Stat. Mech. (2005) P05012.
    .. [4] A. Barrat, S. Franz, G. Parisi, "Temperature evolution and bifurcations of metastable states in mean-field
       spin glasses, with connections with structural glasses", J. Phys. A 30 (1997) 5593.

    Examples
    --------
    >>> franz_parisi_potential(0.0, 1.0, 3)
    0.0
    >>> v = franz_parisi_potential([0.55, 0.63, 0.75], 0.84, 3)  # T_K < T < T_d: a local minimum near q = 0.63
    >>> bool(v[0] > v[1] < v[2] and v[1] > 0)
    True
    >>> v_rs, lam_rs = franz_parisi_potential(0.4, 0.84, 3, return_replicon=True)
    >>> v_1, lam_1 = franz_parisi_potential(0.4, 0.84, 3, rsb="1rsb", return_replicon=True)
    >>> bool(lam_rs > 1 > lam_1 and v_1 > v_rs)  # RS unstable at q = 0.4; the 1RSB saddle is stable, V higher
    True
    """
    p = _check_p(p)
    T = check_real("T", T, lower=0.01, upper=1e3)
    return_replicon = check_bool("return_replicon", return_replicon)
    if not isinstance(rsb, str):
        raise TypeError(f"`rsb` must be a str, 'rs' or '1rsb', got {type(rsb).__name__}.")
    if rsb not in ("rs", "1rsb"):
        raise ValueError(f"`rsb` must be one of ['rs', '1rsb'], got {rsb!r}.")
    if rsb == "1rsb":
        if p > _FP1_P_MAX:
            raise ValueError(f"`p` must be <= {_FP1_P_MAX} with rsb='1rsb', got {p}.")
        tk = pspin_kauzmann_temperature(p)
        if T < tk:
            raise ValueError(f"`T` must be >= T_K = {tk} with rsb='1rsb' (paramagnetic reference), got {T}.")
    scalar = np.ndim(q) == 0 and not isinstance(q, np.ndarray)
    if scalar:
        qa = np.array([check_real("q", q, lower=0.0, upper=1.0, upper_open=True)])
    else:
        qa = check_array("q", q)
        if qa.size and (qa.min() < 0.0 or qa.max() >= 1.0):
            bad = qa[(qa < 0.0) | (qa >= 1.0)].flat[0]
            raise ValueError(f"every overlap in `q` must lie in [0, 1), got {bad}.")
    beta2 = 1.0 / (T * T)
    out = np.empty(qa.shape)
    lam = np.empty(qa.shape)
    branch = _fp1_branch(beta2, p) if rsb == "1rsb" and qa.size else None
    for idx, qi in np.ndenumerate(qa):
        qi = float(qi)
        if branch is not None and branch[0] < qi < branch[1] - 1e-9:  # RS and 1RSB agree to O(1e-27) beyond
            p1, p0, m = _fp1_solve(qi, branch, beta2, p)
            out[idx] = -T * _fp1_minus_beta_v(qi, p1, p0, m, beta2, p)
            a, b = 1.0 - p1, 1.0 - p1 + m * (p1 - p0)
            lam[idx] = beta2 * p * (p - 1) * max(p1 ** (p - 2) * a * a, p0 ** (p - 2) * b * b)
            continue
        gap = _fp_saddle_gap(qi, beta2, p)
        out[idx] = 0.0 if qi == 0.0 else -T * _fp_minus_beta_v(qi, gap, beta2, p)
        s = 1.0 - gap
        lam[idx] = beta2 * p * (p - 1) * s ** (p - 2) * gap * gap
    if scalar:
        return (float(out[0]), float(lam[0])) if return_replicon else float(out[0])
    return (out, lam) if return_replicon else out
