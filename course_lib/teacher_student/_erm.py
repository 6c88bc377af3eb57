r"""Asymptotic generalisation error of :math:`\ell_2`-regularised empirical risk minimisation in the sign-teacher
perceptron (Aubin, Krzakala, Lu, Zdeborová 2020).

Model (the binding convention of the course): :math:`w_* \sim \mathcal N(0, I_d)`, :math:`x_i \sim \mathcal N(0, I_d)`,
:math:`y_i = \operatorname{sign}(w_*\cdot x_i)`, :math:`n = \alpha d`, and

.. math::  \hat w = \operatorname*{argmin}_w \sum_{i\le n} \ell\bigl(y_i, w\cdot x_i/\sqrt d\bigr) + \frac\lambda2\lVert w\rVert^2 .

For a margin loss :math:`\ell(y, z) = \tilde\ell(yz)` the order parameters :math:`m = \hat w\cdot w_*/d`,
:math:`q = \lVert\hat w\rVert^2/d` and :math:`\Sigma` (the variance of the proximal step) solve

.. math::

    m = \frac{\hat m}{\lambda + \hat\Sigma},\quad q = \frac{\hat m^2 + \hat q}{(\lambda + \hat\Sigma)^2},\quad
    \Sigma = \frac{1}{\lambda + \hat\Sigma},

    \hat m = \alpha\sqrt{\tfrac2\pi}\,\mathbb E_\xi\, f(\sqrt{q - m^2}\,\xi),\quad
    \hat q = \alpha\,\mathbb E\, f(u)^2,\quad
    \hat\Sigma = \frac\alpha\Sigma\,\mathbb E\bigl[1 - \partial_u\operatorname{prox}(u)\bigr],

with :math:`u = m\lvert z\rvert + \sqrt{q - m^2}\,\xi` (:math:`z, \xi` independent standard normals: :math:`u` is the
margin :math:`y\,\hat w\cdot x/\sqrt d` of a fresh sample), :math:`\operatorname{prox}(u) =
\operatorname{argmin}_x[\tilde\ell(x) + (x-u)^2/(2\Sigma)]` and :math:`f(u) = (\operatorname{prox}(u) - u)/\Sigma`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit
from scipy import optimize
from scipy.special import ndtr, owens_t

from .._validation import check_bool, check_int, check_real

__all__ = ["ERMState", "erm_state", "erm_generalization_error", "LOSSES"]

#: The losses of :func:`erm_generalization_error`, as margin functions :math:`\tilde\ell(yz)`.
LOSSES = ("square", "logistic", "hinge")

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _phi(x):
    return _INV_SQRT_2PI * np.exp(-0.5 * np.square(x))


# --------------------------------------------------------------------------------------------------------------
# logistic: prox by a vectorised (compiled) Newton iteration
# --------------------------------------------------------------------------------------------------------------
@njit(cache=True)
def _sigm_neg(x):
    """s(-x) = 1/(1 + e^x), without overflow."""
    if x >= 0:
        e = math.exp(-x)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(x))


@njit(cache=True)
def _logistic_prox_kernel(u, sigma, out_f, out_dprox):
    """prox of Sigma*log(1+e^{-x}) at u: the root of g(x) = x - u - Sigma*s(-x) (s the logistic function), increasing,
    bracketed by [u, u + Sigma]; Newton steps safeguarded by bisection whenever a step would leave the bracket or
    would not halve the previous step ("rtsafe" of Numerical Recipes). f = s(-x), dprox = 1/(1 + Sigma s(x) s(-x))."""
    for k in range(u.size):
        lo = u[k]
        hi = u[k] + sigma
        x = 0.5 * (lo + hi)
        dx_old = hi - lo
        dx = dx_old
        sm = _sigm_neg(x)
        g = x - u[k] - sigma * sm
        gp = 1.0 + sigma * sm * (1.0 - sm)
        for _ in range(300):
            if ((x - hi) * gp - g) * ((x - lo) * gp - g) > 0.0 or abs(2.0 * g) > abs(dx_old * gp):
                dx_old = dx
                dx = 0.5 * (hi - lo)
                x = lo + dx
            else:
                dx_old = dx
                dx = g / gp
                x -= dx
            if abs(dx) <= 1e-15 * (1.0 + abs(x)):
                break
            sm = _sigm_neg(x)
            g = x - u[k] - sigma * sm
            gp = 1.0 + sigma * sm * (1.0 - sm)
            if g < 0.0:
                lo = x
            else:
                hi = x
        sm = _sigm_neg(x)
        out_f[k] = sm
        out_dprox[k] = 1.0 / (1.0 + sigma * sm * (1.0 - sm))


def _logistic_prox(u, sigma):
    u = np.ascontiguousarray(u, dtype=np.float64).ravel()
    f = np.empty_like(u)
    dp = np.empty_like(u)
    _logistic_prox_kernel(u, float(sigma), f, dp)
    return f, dp


# --------------------------------------------------------------------------------------------------------------
# the channel averages (m_hat, q_hat, Sigma_hat) / alpha for each loss
# --------------------------------------------------------------------------------------------------------------
def _hats_square(m, q, sigma):
    # prox(u) = (u + Sigma)/(1 + Sigma), f(u) = (1 - u)/(1 + Sigma): every average is a moment of u
    mean_u = m * _SQRT_2_OVER_PI
    a = 1.0 / (1.0 + sigma)
    return _SQRT_2_OVER_PI * a, a * a * (1.0 - 2.0 * mean_u + q), sigma * a


def _skew_cdf(x, m, q):
    """P(u < x) for the margin u = m|z| + sqrt(q - m^2) xi: a skew-normal law, density (2/sqrt q) phi(u/sqrt q)
    Phi(a u/sqrt q) with shape a = m/sqrt(q - m^2), distribution function Phi(t) - 2 T(t, a) at t = x/sqrt q (T: Owen)."""
    sq = math.sqrt(q)
    a = m / math.sqrt(max(q - m * m, 1e-300))
    t = x / sq
    return float(ndtr(t) - 2.0 * owens_t(t, a))


def _panels(lo, hi, centre_scales, h):
    """Composite Gauss--Legendre nodes and weights on [lo, hi]: breakpoints at 0 and +-c 2^k for each scale c
    (resolving the Gaussian factors of width c), every panel then cut to length <= h; 12 nodes per panel."""
    if hi <= lo:
        return np.empty(0), np.empty(0)
    pts = [lo, hi, 0.0]
    for c in centre_scales:
        pts.extend(c * np.array([-8.0, -4.0, -2.0, -1.0, -0.5, -0.25, -0.125, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0]))
    pts = np.unique(np.clip(np.array(pts), lo, hi))
    edges = [pts[0]]
    for a, b in zip(pts[:-1], pts[1:]):
        k = max(1, int(math.ceil((b - a) / h)))
        edges.extend(np.linspace(a, b, k + 1)[1:])
    edges = np.array(edges)
    x, w = _gl12()
    half = 0.5 * np.diff(edges)
    mid = 0.5 * (edges[1:] + edges[:-1])
    return (mid[:, None] + half[:, None] * x[None, :]).ravel(), (half[:, None] * w[None, :]).ravel()


@lru_cache(maxsize=1)
def _gl12():
    return np.polynomial.legendre.leggauss(12)


def _margin_density(u, m, q):
    sq = math.sqrt(q)
    a = m / math.sqrt(max(q - m * m, 1e-300))
    return 2.0 / sq * _phi(u / sq) * ndtr(a * u / sq)


_TAIL = 12.0  # Gaussian mass beyond 12 standard deviations is below 1e-32


def _hats_hinge(m, q, sigma, *_):
    # prox(u) = u + Sigma (u < 1 - Sigma), 1 (1 - Sigma <= u <= 1), u (u > 1): f = 1, (1 - u)/Sigma, 0, 1 - prox' = 0, 1, 0
    s = math.sqrt(max(q - m * m, 1e-300))
    sq = math.sqrt(q)
    # E f(s xi): closed form with a = (1 - Sigma)/s, b = 1/s
    a, b = (1.0 - sigma) / s, 1.0 / s
    Pa, Pb, pa, pb = ndtr(a), ndtr(b), _phi(a), _phi(b)
    f1 = Pa + (s / sigma) * (b * (Pb - Pa) - (pa - pb))
    lo, hi = max(1.0 - sigma, -_TAIL * sq), min(1.0, _TAIL * sq)
    u, w = _panels(lo, hi, (s, sq), max(1.0, sq))
    p = _margin_density(u, m, q)
    f2 = _skew_cdf(1.0 - sigma, m, q) + float(w @ (p * np.square((1.0 - u) / sigma)))
    d = _skew_cdf(1.0, m, q) - _skew_cdf(1.0 - sigma, m, q)
    return _SQRT_2_OVER_PI * float(f1), f2, d


_LOGISTIC_WINDOW = 40.0  # |x| beyond which e^{-|x|} is negligible: f = 1 or 0 and prox' = 1 to 1e-17


def _hats_logistic(m, q, sigma, *_):
    s = math.sqrt(max(q - m * m, 1e-300))
    sq = math.sqrt(q)
    lo = max(-_LOGISTIC_WINDOW - sigma, -_TAIL * sq)
    hi = min(_LOGISTIC_WINDOW, _TAIL * sq)
    # E f(s xi)
    lo0, hi0 = max(-_LOGISTIC_WINDOW - sigma, -_TAIL * s), min(_LOGISTIC_WINDOW, _TAIL * s)
    u0, w0 = _panels(lo0, hi0, (s,), 1.0)
    f0, _ = _logistic_prox(u0, sigma)
    f1 = float(ndtr(lo0 / s)) + float(w0 @ (f0 * _phi(u0 / s) / s))
    # E f(u)^2 and E[1 - prox'(u)] under the skew-normal law of u
    u, w = _panels(lo, hi, (s, sq), 1.0)
    f, dp = _logistic_prox(u, sigma)
    p = _margin_density(u, m, q)
    f2 = _skew_cdf(lo, m, q) + float(w @ (p * f * f))
    d = float(w @ (p * (1.0 - dp)))
    return _SQRT_2_OVER_PI * f1, f2, d


_HATS = {"square": _hats_square, "hinge": _hats_hinge, "logistic": _hats_logistic}


@dataclass(frozen=True)
class ERMState:
    r"""Fixed point of the ERM equations (result of :func:`erm_state`).

    Attributes
    ----------
    alpha, lam : float
        Sample ratio and ridge penalty.
    loss : str
    m, q, sigma : float
        :math:`m = \lim \hat w\cdot w_*/d`, :math:`q = \lim\lVert\hat w\rVert^2/d` and the proximal variance
        :math:`\Sigma`.
    m_hat, q_hat, sigma_hat : float
        Their conjugates.
    gen_error : float
        :math:`\frac1\pi\arccos(m/\sqrt q)`, the limit of :math:`P(\operatorname{sign}(\hat w\cdot x) \ne y)`.
    converged : bool
    n_iter : int

    Examples
    --------
    >>> from course_lib.teacher_student import erm_state
    >>> st = erm_state(2.0, "square", 1.0)
    >>> type(st).__name__, bool(st.converged)
    ('ERMState', True)
    """

    alpha: float
    loss: str
    lam: float
    m: float
    q: float
    sigma: float
    m_hat: float
    q_hat: float
    sigma_hat: float
    gen_error: float
    converged: bool
    n_iter: int


def _check_loss(loss):
    if not isinstance(loss, str):
        raise TypeError(f"`loss` must be one of {LOSSES}, got {loss!r} of type {type(loss).__name__}.")
    if loss not in LOSSES:
        raise ValueError(f"`loss` must be one of {LOSSES}, got {loss!r}.")
    return loss


def _check_args(alpha, loss, lam):
    alpha = check_real("alpha", alpha, lower=0.0, lower_open=True, max_abs=1e6)
    loss = _check_loss(loss)
    if loss == "logistic":
        lam = check_real("lam", lam, lower=0.0, lower_open=True, max_abs=1e12)
    else:
        lam = check_real("lam", lam, lower=0.0, max_abs=1e12)
        if lam == 0.0 and loss == "square" and alpha == 1.0:
            raise ValueError("`lam` must be > 0 for loss='square' at alpha = 1 (the least-squares error diverges "
                             "there), got 0.0.")
    return alpha, loss, lam


def _gen_error(m, q):
    return float(math.acos(min(1.0, max(-1.0, m / math.sqrt(q)))) / math.pi)


def _square_closed_form(alpha, lam):
    """Explicit ridge fixed point (see :func:`erm_state`, Notes)."""
    c = _SQRT_2_OVER_PI
    if lam == 0.0:
        sigma = 1.0 / (alpha - 1.0) if alpha > 1.0 else math.inf
    else:
        b = lam + alpha - 1.0
        sigma = 2.0 / (b + math.sqrt(b * b + 4.0 * lam))  # positive root of lam S^2 + b S - 1 = 0, stable form
    if math.isinf(sigma):  # lam = 0, alpha < 1: minimum-norm interpolator; Sigma/(1+Sigma) -> 1
        r = 1.0
        sigma_hat = 0.0
    else:
        r = sigma / (1.0 + sigma)
        sigma_hat = alpha / (1.0 + sigma)
    m = alpha * c * r
    k = alpha * r * r  # alpha Sigma^2/(1+Sigma)^2, < 1 except at lam = 0, alpha = 1
    q = (m * m + alpha * r * r * (1.0 - 2.0 * c * m)) / (1.0 - k)
    m_hat = alpha * c * r / sigma if not math.isinf(sigma) else 0.0
    q_hat = alpha * r * r * (1.0 - 2.0 * c * m + q) / sigma**2 if not math.isinf(sigma) else 0.0
    return m, q, sigma, m_hat, q_hat, sigma_hat


def erm_state(alpha, loss="logistic", lam=1.0, *, n_iter=2000, tol=1e-11, damping=0.3, n_warm=100, warn=True):
    r"""Solve the replica / CGMT fixed-point equations of :math:`\ell_2`-regularised ERM in the sign-teacher perceptron.

    The estimator is :math:`\hat w = \operatorname{argmin}_w \sum_{i\le n}\ell(y_i, w\cdot x_i/\sqrt d) +
    \frac\lambda2\lVert w\rVert^2` with :math:`x_i \sim \mathcal N(0, I_d)`, :math:`y_i = \operatorname{sign}(w_*\cdot
    x_i)`, :math:`w_* \sim \mathcal N(0, I_d)`, :math:`n = \alpha d \to \infty`. With :math:`\tilde\ell(u)` the loss as a
    function of the margin :math:`u = yz` (``'square'``: :math:`(1-u)^2/2`, ``'logistic'``: :math:`\ln(1+e^{-u})`,
    ``'hinge'``: :math:`\max(0, 1-u)`), :math:`\operatorname{prox}(u) = \operatorname{argmin}_x[\tilde\ell(x) +
    (x-u)^2/(2\Sigma)]` and :math:`f = (\operatorname{prox}(u) - u)/\Sigma`, the equations are

    .. math::

        m = \Sigma\hat m,\quad q = \Sigma^2(\hat m^2 + \hat q),\quad \Sigma = \frac1{\lambda + \hat\Sigma},\qquad
        \hat m = \alpha\sqrt{\tfrac2\pi}\,\mathbb E f\bigl(\sqrt{q-m^2}\,\xi\bigr),\quad
        \hat q = \alpha\,\mathbb E f(u)^2,\quad \hat\Sigma = \frac\alpha\Sigma\,\mathbb E[1 - \operatorname{prox}'(u)],

    where :math:`u = m\lvert z\rvert + \sqrt{q-m^2}\,\xi`, :math:`z, \xi \sim \mathcal N(0,1)` independent. They are
    iterated with damping from :math:`(m, q, \Sigma) = (0.1, 1, 1)`, then (when that is slow, as at small
    :math:`\lambda`) solved by Powell's hybrid root finder on :math:`(\ln m, \ln q, \ln\Sigma)`. The margin :math:`u` has
    a skew-normal law, density :math:`\frac2{\sqrt q}\phi(u/\sqrt q)\Phi(mu/\sqrt{q(q-m^2)})`; its averages are
    composite Gauss--Legendre sums on the window where the loss is not flat (panels refined at the scales
    :math:`\sqrt{q-m^2}` and :math:`\sqrt q` of the density), plus the tail probabilities in closed form (Owen's
    :math:`T`). The logistic prox is a compiled, bisection-safeguarded Newton iteration; the hinge prox is piecewise
    linear; for ``'square'`` the fixed point is explicit and returned directly (Notes).

    Parameters
    ----------
    alpha : float
        Sample ratio :math:`n/d > 0` (at most :math:`10^6`).
    loss : {'square', 'logistic', 'hinge'}
    lam : float
        Ridge penalty :math:`\lambda`; ``> 0`` for ``'logistic'`` (the data are separable: the unpenalised logistic
        minimiser does not exist), ``>= 0`` otherwise: ``lam=0`` with ``'hinge'`` is the max-margin classifier (hard-margin
        SVM with margin 1), with ``'square'`` least squares (:math:`\alpha > 1`) or the minimum-norm interpolator
        (:math:`\alpha < 1`).
    n_iter : int
        Maximum number of evaluations of the fixed-point map by the root finder.
    tol : float
        Stop when :math:`m`, :math:`q`, :math:`\Sigma` change by less than ``tol`` relatively.
    damping : float
        In :math:`[0, 1)`: new = (1 - damping) * update + damping * old, in the first phase.
    n_warm : int
        Number of damped iterations before the root finder takes over (if they have not converged already).
    warn : bool
        Emit a ``RuntimeWarning`` when the iteration has not converged.

    Returns
    -------
    ERMState

    Raises
    ------
    ValueError, TypeError
        For a bad argument (the message names it).
    FloatingPointError
        If an iterate becomes non-finite (lower ``damping`` is then no help; increase ``lam``).

    Notes
    -----
    *Square loss.* :math:`f(u) = (1-u)/(1+\Sigma)` and :math:`\operatorname{prox}' = 1/(1+\Sigma)`, so
    :math:`\hat\Sigma = \alpha/(1+\Sigma)` and :math:`\Sigma` is the positive root of
    :math:`\lambda\Sigma^2 + (\lambda + \alpha - 1)\Sigma - 1 = 0` (a Stieltjes transform of Marchenko--Pastur); then
    :math:`m = \alpha\sqrt{2/\pi}\,r` with :math:`r = \Sigma/(1+\Sigma)`, and :math:`q` solves the linear equation
    :math:`q = m^2 + \alpha r^2(1 - 2\sqrt{2/\pi}\,m + q)`.

    *Conventions.* The scaling is that of [1]_: loss summed over samples, the pre-activation divided by
    :math:`\sqrt d`, :math:`\frac\lambda2\lVert w\rVert^2`. If instead the inputs have covariance :math:`I_d/d` and
    no :math:`1/\sqrt d` is written, nothing changes; if the empirical risk is *averaged*,
    :math:`\frac1n\sum_i\ell + \frac{\lambda'}2\lVert w\rVert^2`, multiply by :math:`n`: :math:`\lambda = n\lambda'`
    (so a fixed :math:`\lambda'` means :math:`\lambda\propto d`). scikit-learn minimises
    :math:`C\sum_i\ell(y_i, v\cdot x_i) + \frac12\lVert v\rVert^2`; with :math:`v = w/\sqrt d` this is our problem for
    :math:`C = 1/(\lambda d)`.

    References
    ----------
    .. [1] B. Aubin, F. Krzakala, Y. M. Lu, L. Zdeborová, "Generalization error in high-dimensional perceptrons:
       approaching Bayes error with convex optimization", NeurIPS 2020 (arXiv:2006.06560): the fixed-point equations
       (derived by the replica method and proved with Gordon's comparison inequality).
    .. [2] C. Thrampoulidis, S. Oymak, B. Hassibi, "Regularized linear regression: a precise analysis of the estimation
       error", COLT 2015 (the convex Gaussian min-max theorem).

    Examples
    --------
    >>> st = erm_state(2.0, "logistic", 0.5)
    >>> st.converged, round(st.gen_error, 4)
    (True, 0.1959)
    """
    warn = check_bool("warn", warn)
    alpha, loss, lam = _check_args(alpha, loss, lam)
    n_iter = check_int("n_iter", n_iter, minimum=1)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    damping = check_real("damping", damping, lower=0.0, upper=1.0, upper_open=True)
    n_warm = check_int("n_warm", n_warm, minimum=0)
    if loss == "square":
        m, q, sigma, mh, qh, sh = _square_closed_form(alpha, lam)
        return ERMState(alpha, loss, lam, m, q, sigma, mh, qh, sh, _gen_error(m, q), True, 0)
    hats = _HATS[loss]

    def update(m, q, sigma, lam_k):
        a1, a2, a3 = hats(m, q, sigma)
        mh, qh, sh = alpha * a1, alpha * a2, alpha * a3 / sigma
        s_new = 1.0 / (lam_k + sh)
        return s_new * mh, s_new * s_new * (mh * mh + qh), s_new, (mh, qh, sh)

    def diverged(it):
        return FloatingPointError(f"the ERM fixed-point iteration diverged at alpha={alpha}, loss={loss!r}, lam={lam} "
                                  f"(iteration {it}); increase `lam`.")

    def solve(lam_k, start, n_damped):
        m, q, sigma = start
        it = 0
        for it in range(1, n_damped + 1):
            m_new, q_new, s_new, _ = update(m, q, sigma, lam_k)
            if not all(math.isfinite(v) and v > 0 for v in (m_new, q_new, s_new)):
                raise diverged(it)
            q_new = max(q_new, m_new * m_new * (1.0 + 1e-12))  # Cauchy-Schwarz, against rounding
            m_new = (1 - damping) * m_new + damping * m
            q_new = (1 - damping) * q_new + damping * q
            s_new = (1 - damping) * s_new + damping * sigma
            done = (abs(m_new - m) <= tol * abs(m_new) and abs(q_new - q) <= tol * q_new
                    and abs(s_new - sigma) <= tol * s_new)
            m, q, sigma = m_new, q_new, s_new
            if done:
                return (m, q, sigma), True, it

        # polish with a quasi-Newton root finder (Powell's hybrid method) on the logarithms of (m, q, Sigma)
        def resid(v):
            mm, qq, ss = np.exp(v)
            mn, qn, sn, _ = update(mm, qq, ss, lam_k)
            if not (mn > 0 and qn > 0 and sn > 0 and math.isfinite(qn)):
                return np.full(3, 1e3)
            return np.log([mn, qn, sn]) - v

        sol = optimize.root(resid, np.log([m, q, sigma]), method="hybr", options={"xtol": tol, "maxfev": n_iter})
        it += int(sol.nfev)
        if np.all(np.isfinite(sol.x)) and np.all(np.abs(resid(sol.x)) <= 100 * tol):
            return tuple(float(v) for v in np.exp(sol.x)), True, it
        return (m, q, sigma), False, it

    state, converged, it = solve(lam, (0.1, 1.0, 1.0), n_warm)
    if not converged and lam < 1.0:
        # continuation in lam (small penalties: the norm of w_hat and Sigma grow like powers of 1/lam): follow the
        # fixed point from lam = 1 down, a factor of at most 10 at a time, each solve started at the previous one
        path = np.geomspace(1.0, lam, int(math.ceil(math.log10(1.0 / lam))) + 1)
        state = (0.1, 1.0, 1.0)
        for k, lam_k in enumerate(path):
            if k > 0:
                ratio = path[k - 1] / lam_k  # Sigma ~ 1/lam in the small-penalty regime
                state = (state[0], state[1], state[2] * ratio)
            state, converged, its = solve(lam_k, state, n_warm if k == 0 else 0)
            it += its
            if not converged:
                break
    m, q, sigma = state
    m_new, q_new, s_new, (mh, qh, sh) = update(m, q, sigma, lam)
    if not all(math.isfinite(v) for v in (m_new, q_new, s_new)):
        raise diverged(it)
    if not converged and warn:
        warnings.warn(f"the ERM fixed point did not converge in {it} iterations at alpha={alpha}, loss={loss!r}, "
                      f"lam={lam}; increase `n_iter` or `tol`.", RuntimeWarning, stacklevel=2)
    return ERMState(alpha, loss, lam, m, q, sigma, mh, qh, sh, _gen_error(m, q), converged, it)


def erm_generalization_error(alpha, loss, lam):
    r"""Asymptotic 0--1 generalisation error of :math:`\ell_2`-regularised ERM in the sign-teacher perceptron.

    Returns :math:`\lim_{d\to\infty} P\bigl(\operatorname{sign}(\hat w\cdot x) \ne \operatorname{sign}(w_*\cdot
    x)\bigr) = \frac1\pi\arccos\frac{m}{\sqrt{\rho q}}` (:math:`\rho = 1`) for

    .. math::  \hat w = \operatorname*{argmin}_w \sum_{i\le n}\ell\bigl(y_i, w\cdot x_i/\sqrt d\bigr) + \frac\lambda2\lVert w\rVert^2,

    :math:`x_i \sim \mathcal N(0, I_d)`, :math:`y_i = \operatorname{sign}(w_*\cdot x_i)`, :math:`w_* \sim \mathcal N(0,
    I_d)`, :math:`n = \alpha d`, with :math:`(m, q)` the fixed point of :func:`erm_state` (see there for the equations,
    the conventions and the conversion of :math:`\lambda` from other scalings).

    Parameters
    ----------
    alpha : float
        Sample ratio :math:`n/d > 0`.
    loss : {'square', 'logistic', 'hinge'}
        :math:`(y-z)^2/2`, :math:`\ln(1 + e^{-yz})`, :math:`\max(0, 1 - yz)`.
    lam : float
        Ridge penalty :math:`\lambda` (``> 0`` for logistic; ``0`` allowed for square and hinge: least squares /
        max-margin).

    Returns
    -------
    float

    Raises
    ------
    ValueError, TypeError
        For a bad argument (the message names it).
    RuntimeError
        If the fixed-point iteration does not converge.

    References
    ----------
    .. [1] B. Aubin, F. Krzakala, Y. M. Lu, L. Zdeborová, NeurIPS 2020 (arXiv:2006.06560).

    Examples
    --------
    >>> round(erm_generalization_error(1.0, "square", 0.5), 4)
    0.2572
    """
    st = erm_state(alpha, loss, lam, warn=False)
    if not st.converged:
        raise RuntimeError(f"the ERM fixed point did not converge at alpha={st.alpha}, loss={loss!r}, lam={st.lam}; "
                           "call erm_state with a larger `n_iter` or `damping`.")
    return st.gen_error
