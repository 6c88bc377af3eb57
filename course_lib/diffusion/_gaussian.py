"""Exact law of the reverse-time SDE for Gaussian data with an affinely perturbed score; the Girsanov bound."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, special

from .._validation import check_int, check_real, check_sequence

__all__ = ["GaussianReverseLaw", "gaussian_kl", "gaussian_tv", "gaussian_reverse_law"]

_PRESETS = ("mean", "constant")
_LAW_SCHEMES = ("exact", "euler", "exponential")


def gaussian_kl(m1, v1, m2, v2):
    r"""Kullback--Leibler divergence :math:`\mathrm{KL}(\mathcal N(m_1, v_1)\,\|\,\mathcal N(m_2, v_2))` in dimension one:
    :math:`\frac12\bigl[\log(v_2/v_1) + (v_1 + (m_1 - m_2)^2)/v_2 - 1\bigr]`.

    Examples
    --------
    >>> gaussian_kl(0.0, 1.0, 1.0, 1.0)
    0.5
    """
    m1, m2 = check_real("m1", m1), check_real("m2", m2)
    v1 = check_real("v1", v1, lower=0.0, lower_open=True)
    v2 = check_real("v2", v2, lower=0.0, lower_open=True)
    r = v1 / v2
    return float(0.5 * (-np.log(r) + r + (m1 - m2) ** 2 / v2 - 1.0))


def gaussian_tv(m1, v1, m2, v2):
    r"""Total variation distance :math:`\sup_A\lvert P(A) - Q(A)\rvert` between :math:`\mathcal N(m_1, v_1)` and :math:`\mathcal N(m_2, v_2)`.

    The set :math:`\{p > q\}` is bounded by the (at most two) roots of :math:`\log p = \log q`, a quadratic
    equation, so the distance is a difference of normal distribution functions at those roots. Pinsker's inequality
    :math:`\mathrm{TV}\le\sqrt{\mathrm{KL}/2}` turns a KL bound into a TV bound.

    Examples
    --------
    >>> round(gaussian_tv(0.0, 1.0, 1.0, 1.0), 6)    # 2 Phi(1/2) - 1
    0.382925
    """
    m1, m2 = check_real("m1", m1), check_real("m2", m2)
    v1 = check_real("v1", v1, lower=0.0, lower_open=True)
    v2 = check_real("v2", v2, lower=0.0, lower_open=True)
    s1, s2 = np.sqrt(v1), np.sqrt(v2)
    # log p - log q = 0  <=>  a x^2 + b x + c = 0
    a = 1.0 / v2 - 1.0 / v1
    b = 2.0 * (m1 / v1 - m2 / v2)
    c = m2 * m2 / v2 - m1 * m1 / v1 + np.log(v2 / v1)
    if abs(a) <= 1e-12 * (1.0 / v1 + 1.0 / v2):
        if m1 == m2:
            return 0.0
        x0 = -c / b
        return float(abs(special.ndtr((x0 - m1) / s1) - special.ndtr((x0 - m2) / s2)))
    disc = np.sqrt(max(b * b - 4.0 * a * c, 0.0))
    q = -0.5 * (b + np.copysign(disc, b))  # stable roots of the quadratic
    r1, r2 = (q / a, c / q) if q != 0 else (0.0, 0.0)
    x1, x2 = min(r1, r2), max(r1, r2)
    d1 = special.ndtr((x2 - m1) / s1) - special.ndtr((x1 - m1) / s1)
    d2 = special.ndtr((x2 - m2) / s2) - special.ndtr((x1 - m2) / s2)
    return float(abs(d1 - d2))


@dataclass(frozen=True)
class GaussianReverseLaw:
    r"""Law :math:`\mathcal N(\text{mean}, \text{var})` of the endpoint of the backward dynamics and its distance to the data.

    Attributes
    ----------
    mean, var : float
        Mean and variance of the generated law :math:`Q_0`.
    kl : float
        :math:`\mathrm{KL}(P_0\,\|\,Q_0)`, exact.
    kl_init : float
        :math:`\mathrm{KL}(P_T\,\|\,\text{initial law})`.
    score_error : float
        :math:`\int_0^T \mathbb E_{P_t}\lvert s_t - \nabla\log P_t\rvert^2\,dt` (the factor :math:`g^2/2 = 1`).
    bound : float
        ``kl_init + score_error``, the continuous-time Girsanov bound on ``kl``.

    Examples
    --------
    >>> from course_lib.diffusion import gaussian_reverse_law
    >>> law = gaussian_reverse_law(0.0, 1.0, 2.0)
    >>> type(law).__name__, round(law.var, 12)
    ('GaussianReverseLaw', 1.0)
    """

    mean: float
    var: float
    kl: float
    kl_init: float
    score_error: float
    bound: float


def _coefficients(perturbation, delta, m0, v0):
    """Return u(t) -> (a, b): the score model is S_t(x) + delta (a x + b)."""
    if isinstance(perturbation, str):
        if perturbation not in _PRESETS:
            raise ValueError(f"`perturbation` must be one of {_PRESETS} or a callable u(t) -> (a, b), got {perturbation!r}.")
        if perturbation == "mean":
            def u(t):
                e = np.exp(-t)
                return 0.0, e / (v0 * e * e - np.expm1(-2.0 * t))
        else:
            def u(t):
                return 0.0, 1.0
        return u
    if not callable(perturbation):
        raise TypeError(f"`perturbation` must be one of {_PRESETS} or a callable u(t) -> (a, b), "
                        f"got {type(perturbation).__name__}.")

    def u(t):
        ab = perturbation(t)
        try:
            a, b = (float(v) for v in ab)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"`perturbation` must return two real numbers (a, b), got {ab!r}.") from exc
        if not (np.isfinite(a) and np.isfinite(b)):
            raise ValueError(f"`perturbation` returned non-finite coefficients ({a}, {b}) at t = {t}.")
        return a, b
    return u


def gaussian_reverse_law(m0, v0, T, delta=0.0, perturbation="mean", start=(0.0, 1.0), n_steps=None, scheme="exact"):
    r"""Exact law of the reverse-time SDE for data :math:`\mathcal N(m_0, v_0)` driven by an affinely perturbed score.

    The forward process :math:`dx = -x\,dt + \sqrt2\,dW` has marginals :math:`P_t = \mathcal N(m_t, v_t)`,
    :math:`m_t = e^{-t}m_0`, :math:`v_t = e^{-2t}v_0 + \sigma_t^2`, and score :math:`-(x - m_t)/v_t`. The sampler uses
    :math:`s_t(x) = -(x - m_t)/v_t + \delta\,(a(t)x + b(t))`; in reversed time :math:`\tau = T - t`,
    :math:`dy = [y + 2s_{T-\tau}(y)]d\tau + \sqrt2\,d\bar W`, a linear SDE whose law stays Gaussian with

    .. math:: \dot\mu = A\mu + B,\qquad \dot V = 2AV + 2,\qquad A = 1 - \frac2{v_t} + 2\delta a(t),\quad
              B = \frac{2m_t}{v_t} + 2\delta b(t),

    integrated here to round-off (``scheme="exact"``), or replaced by the exact mean/variance recursion of the
    discrete chain (``"euler"``: Euler--Maruyama; ``"exponential"``: the scheme of :func:`backward_diffusion`) with
    ``n_steps`` equal steps. The Girsanov bound (continuous time) is

    .. math:: \mathrm{KL}(P_0\,\|\,Q_0) \le \mathrm{KL}(P_T\,\|\,Q_T) + \int_0^T \mathbb E_{P_t}\lvert s_t - \nabla\log P_t\rvert^2dt .

    Parameters
    ----------
    m0 : float
        Data mean.
    v0 : float
        Data variance, > 0.
    T : float
        Initial time of the backward dynamics, in (0, 50].
    delta : float
        Size :math:`\delta` of the score error.
    perturbation : {"mean", "constant"} or callable
        ``"mean"``: :math:`(a, b) = (0, e^{-t}/v_t)`, the error made by the exact score of data
        :math:`\mathcal N(m_0 + \delta, v_0)` (a *consistent* error); ``"constant"``: :math:`(a, b) = (0, 1)`; or a callable
        ``u(t) -> (a, b)``.
    start : (float, float)
        Mean and variance of the initial law :math:`Q_T` (default :math:`\mathcal N(0, 1)`).
    n_steps : int, optional
        Number of steps of the discrete chain (required unless ``scheme="exact"``).
    scheme : {"exact", "euler", "exponential"}

    Returns
    -------
    GaussianReverseLaw

    References
    ----------
    .. [1] S. Chen, S. Chewi, J. Li, Y. Li, A. Salim, A. R. Zhang, "Sampling is as easy as learning the score: theory
       for diffusion models with minimal data assumptions", ICLR 2023, arXiv:2209.11215 (the Girsanov argument).
    .. [2] B. D. O. Anderson, Stoch. Proc. Appl. 12 (1982) 313-326 (the reverse-time SDE).

    Examples
    --------
    >>> law = gaussian_reverse_law(1.0, 0.5, 8.0, delta=0.1, start=(np.exp(-8.0) * 1.1, 0.5 * np.exp(-16.0) + 1 - np.exp(-16.0)))
    >>> round(law.kl, 10), round(law.bound, 10)     # a consistent error started from Q_T: equality, delta^2 / (2 v0)
    (0.01, 0.01)
    """
    m0 = check_real("m0", m0)
    v0 = check_real("v0", v0, lower=0.0, lower_open=True)
    T = check_real("T", T, lower=0.0, lower_open=True, upper=50.0)
    delta = check_real("delta", delta)
    start = check_sequence("start", start, min_len=2)
    if len(start) != 2:
        raise ValueError(f"`start` must be a pair (mean, variance), got {len(start)} items.")
    ms = check_real("start", start[0])
    vs = check_real("start", start[1], lower=0.0, lower_open=True)
    if scheme not in _LAW_SCHEMES:
        raise ValueError(f"`scheme` must be one of {_LAW_SCHEMES}, got {scheme!r}.")
    if scheme == "exact":
        if n_steps is not None:
            raise ValueError("`n_steps` must be None with scheme='exact' (the ODE is integrated to round-off).")
    else:
        n_steps = check_int("n_steps", n_steps, minimum=1, maximum=10**7)
    u = _coefficients(perturbation, delta, m0, v0)

    def mv(t):
        e = np.exp(-t)
        return e * m0, v0 * e * e - np.expm1(-2.0 * t)

    def rhs(tau, y):
        t = T - tau
        mt, vt = mv(t)
        a, b = u(t)
        A = 1.0 - 2.0 / vt + 2.0 * delta * a
        B = 2.0 * mt / vt + 2.0 * delta * b
        return [A * y[0] + B, 2.0 * A * y[1] + 2.0]

    with np.errstate(over="raise", invalid="raise"):
        try:
            if scheme == "exact":
                sol = integrate.solve_ivp(rhs, (0.0, T), [ms, vs], method="DOP853", rtol=1e-12, atol=1e-14)
                if not sol.success:
                    raise FloatingPointError(sol.message)
                mu, var = float(sol.y[0, -1]), float(sol.y[1, -1])
            else:
                h = T / n_steps
                mu, var = ms, vs
                for k in range(n_steps):
                    t = T - k * h
                    mt, vt = mv(t)
                    a, b = u(t)
                    alpha, beta = -1.0 / vt + delta * a, mt / vt + delta * b  # s = alpha y + beta
                    if scheme == "euler":
                        c, c0, noise = 1.0 + h * (1.0 + 2.0 * alpha), 2.0 * h * beta, 2.0 * h
                    else:
                        eh = np.expm1(h)
                        c, c0, noise = 1.0 + eh + 2.0 * eh * alpha, 2.0 * eh * beta, np.expm1(2.0 * h)
                    mu, var = c * mu + c0, c * c * var + noise
        except FloatingPointError as exc:
            raise FloatingPointError(f"the mean/variance of the backward dynamics overflowed ({exc}): reduce `delta` "
                                     "or `T`, or increase `n_steps`.") from None
    if not (np.isfinite(mu) and np.isfinite(var)) or var <= 0:
        raise FloatingPointError(f"the backward dynamics produced mean {mu} and variance {var}: reduce `delta` or "
                                 "increase `n_steps`.")
    mT, vT = mv(T)
    kl_init = gaussian_kl(mT, vT, ms, vs)

    def err2(t):
        mt, vt = mv(t)
        a, b = u(t)
        return delta * delta * (a * a * (vt + mt * mt) + 2.0 * a * b * mt + b * b)

    score_error, _ = integrate.quad(err2, 0.0, T, limit=400, epsabs=1e-14, epsrel=1e-11)
    kl = gaussian_kl(m0, v0, mu, var)
    return GaussianReverseLaw(mean=mu, var=var, kl=kl, kl_init=kl_init, score_error=float(score_error),
                              bound=kl_init + float(score_error))
