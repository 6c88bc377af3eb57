"""Mean-field dynamics of a two-layer ReLU network on Gaussian inputs, in closed form (no sampling of x).

For :math:`\\sigma_*(x;a,w) = a\\,\\sigma(\\langle w,x\\rangle)`, :math:`\\sigma` the ReLU and :math:`x\\sim\\mathcal N(0,I_d)`,
every expectation of the population risk is an arc-cosine kernel of degree one (Cho and Saul 2009),

.. math:: \\kappa(w,w') = \\mathbb E[\\sigma(\\langle w,x\\rangle)\\sigma(\\langle w',x\\rangle)]
          = \\frac{\\lVert w\\rVert\\lVert w'\\rVert}{2\\pi}\\bigl(\\sin\\vartheta+(\\pi-\\vartheta)\\cos\\vartheta\\bigr),

so the Wasserstein gradient flow of a discrete law :math:`\\rho = \\sum_k p_k\\delta_{(a_k,w_k)}` is a finite ODE.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from numba import njit

from .._validation import DivergenceWarning, check_array, check_real

__all__ = ["MeanFieldRisk", "MeanFieldFlow", "relu_mean_field_risk", "relu_mean_field_flow"]


@njit(cache=True)
def _kappa_grad(w, v, grad):
    """Return kappa(w, v) and write grad_w kappa(w, v) = (|v| sin t w/|w| + (pi - t) v) / (2 pi) into grad."""
    nw = 0.0
    nv = 0.0
    dot = 0.0
    for i in range(w.shape[0]):
        nw += w[i] * w[i]
        nv += v[i] * v[i]
        dot += w[i] * v[i]
    nw = math.sqrt(nw)
    nv = math.sqrt(nv)
    if nw == 0.0 or nv == 0.0:  # a zero unit is the zero function; relu'(0) = 0 by convention
        for i in range(w.shape[0]):
            grad[i] = 0.0
        return 0.0
    c = min(1.0, max(-1.0, dot / (nw * nv)))
    t = math.acos(c)
    s = math.sqrt(max(0.0, 1.0 - c * c))
    for i in range(w.shape[0]):
        grad[i] = (nv * s * w[i] / nw + (math.pi - t) * v[i]) / (2.0 * math.pi)
    return nw * nv * (s + (math.pi - t) * c) / (2.0 * math.pi)


@njit(cache=True)
def _psi_grad(a, W, p, b, V, out_a, out_W, tmp):
    """Velocity field grad Psi(theta_k; rho) at every atom, and the population risk R(rho)."""
    K, d = W.shape
    L = V.shape[0]
    risk = 0.0
    for l1 in range(L):
        for l2 in range(L):
            risk += 0.5 * b[l1] * b[l2] * _kappa_grad(V[l1], V[l2], tmp)
    for k in range(K):
        ga = 0.0
        for i in range(d):
            out_W[k, i] = 0.0
        for l in range(L):
            kv = _kappa_grad(W[k], V[l], tmp)
            ga -= b[l] * kv
            risk -= p[k] * a[k] * b[l] * kv
            for i in range(d):
                out_W[k, i] -= a[k] * b[l] * tmp[i]
        for j in range(K):
            kv = _kappa_grad(W[k], W[j], tmp)
            ga += p[j] * a[j] * kv
            risk += 0.5 * p[k] * p[j] * a[k] * a[j] * kv
            for i in range(d):
                out_W[k, i] += a[k] * p[j] * a[j] * tmp[i]
        out_a[k] = ga
    return risk


@njit(cache=True)
def _flow_kernel(a0, W0, P, b, V, h, n_steps, out_a, out_W, risks):
    """RK4 for d theta_k / dt = -grad Psi(theta_k; rho_t), one run per row of P."""
    K, d = W0.shape
    tmp = np.empty(d)
    ka = np.empty((4, K))
    kW = np.empty((4, K, d))
    sa = np.empty(K)
    sW = np.empty((K, d))
    for r in range(P.shape[0]):
        p = P[r]
        a = a0.copy()
        W = W0.copy()
        for n in range(n_steps + 1):
            risks[r, n] = _psi_grad(a, W, p, b, V, ka[0], kW[0], tmp)
            if n == n_steps:
                break
            for st in range(1, 4):
                c = 0.5 * h if st < 3 else h
                for k in range(K):
                    sa[k] = a[k] - c * ka[st - 1, k]
                    for i in range(d):
                        sW[k, i] = W[k, i] - c * kW[st - 1, k, i]
                _psi_grad(sa, sW, p, b, V, ka[st], kW[st], tmp)
            for k in range(K):
                a[k] -= h / 6.0 * (ka[0, k] + 2.0 * ka[1, k] + 2.0 * ka[2, k] + ka[3, k])
                for i in range(d):
                    W[k, i] -= h / 6.0 * (kW[0, k, i] + 2.0 * kW[1, k, i] + 2.0 * kW[2, k, i] + kW[3, k, i])
        for k in range(K):  # element loops, not out_a[r] = a: an array-valued setitem costs seconds of compile time
            out_a[r, k] = a[k]
            for i in range(d):
                out_W[r, k, i] = W[k, i]


@dataclass(frozen=True)
class MeanFieldRisk:
    """Population risk of a weighted ReLU network and its gradients.

    Attributes
    ----------
    risk : float
        :math:`R(\\rho) = \\frac12\\mathbb E[(f_\\rho(x)-y(x))^2]`.
    grad_a : ndarray, shape (K,)
        :math:`\\partial R/\\partial a_k = p_k\\,\\partial_a\\Psi(\\theta_k;\\rho)`.
    grad_W : ndarray, shape (K, d)
        :math:`\\partial R/\\partial w_k = p_k\\,\\nabla_w\\Psi(\\theta_k;\\rho)`.
    """

    risk: float
    grad_a: np.ndarray
    grad_W: np.ndarray


@dataclass(frozen=True)
class MeanFieldFlow:
    """Output of :func:`relu_mean_field_flow`.

    Attributes
    ----------
    times : ndarray, shape (n_steps + 1,)
        The grid :math:`0, h, \\dots, t`.
    risks : ndarray, shape (n_steps + 1,) or (R, n_steps + 1)
        :math:`R(\\rho_s)` on the grid (one row per weight vector when ``weights`` is two-dimensional).
    a : ndarray, shape (K,) or (R, K)
        Output weights of the atoms at time ``t``.
    W : ndarray, shape (K, d) or (R, K, d)
        Input weights (features) of the atoms at time ``t``.
    """

    times: np.ndarray
    risks: np.ndarray
    a: np.ndarray
    W: np.ndarray


def _check_model(a, W, weights, teacher_a, teacher_W):
    W = check_array("W", W, ndim=2, min_len=1, max_abs=1e100)
    K, d = W.shape
    if d < 1:
        raise ValueError(f"`W` must have at least one column (the input dimension d), got shape {W.shape}.")
    a = check_array("a", a, ndim=1, max_abs=1e100)
    if a.shape[0] != K:
        raise ValueError(f"`a` must have one entry per row of `W` ({K}), got shape {a.shape}.")
    weights = check_array("weights", weights, ndim=(1, 2), max_abs=1e100)
    if weights.shape[-1] != K:
        raise ValueError(f"`weights` must have {K} entries along its last axis (one per atom), got shape {weights.shape}.")
    if weights.ndim == 2 and weights.shape[0] < 1:
        raise ValueError(f"`weights` must have at least one row, got shape {weights.shape}.")
    if np.any(weights < 0):
        raise ValueError(f"`weights` must be non-negative (the masses of the atoms), got minimum {weights.min():g}.")
    teacher_W = check_array("teacher_W", teacher_W, ndim=2, min_len=1, max_abs=1e100)
    if teacher_W.shape[1] != d:
        raise ValueError(f"`teacher_W` must have d = {d} columns like `W`, got shape {teacher_W.shape}.")
    teacher_a = check_array("teacher_a", teacher_a, ndim=1, max_abs=1e100)
    if teacher_a.shape[0] != teacher_W.shape[0]:
        raise ValueError(
            f"`teacher_a` must have one entry per row of `teacher_W` ({teacher_W.shape[0]}), got shape {teacher_a.shape}."
        )
    return a, W, weights, teacher_a, teacher_W


def relu_mean_field_risk(a, W, weights, teacher_a, teacher_W):
    r"""Population risk of a weighted two-layer ReLU network on Gaussian inputs, and its gradients, in closed form.

    For :math:`f_\rho(x) = \sum_k p_k a_k\sigma(\langle w_k,x\rangle)`, teacher
    :math:`y(x) = \sum_l b_l\sigma(\langle v_l,x\rangle)` and :math:`x\sim\mathcal N(0,I_d)`,

    .. math:: R(\rho) = \tfrac12\sum_{k,j}p_kp_ja_ka_j\kappa(w_k,w_j) - \sum_{k,l}p_ka_kb_l\kappa(w_k,v_l)
              + \tfrac12\sum_{l,l'}b_lb_{l'}\kappa(v_l,v_{l'}),

    with :math:`\kappa` the degree-one arc-cosine kernel of the module docstring, and
    :math:`\nabla_w\kappa(w,w') = \mathbb E[\sigma'(\langle w,x\rangle)\sigma(\langle w',x\rangle)x]
    = \bigl(\lVert w'\rVert\sin\vartheta\,w/\lVert w\rVert + (\pi-\vartheta)w'\bigr)/(2\pi)`.
    The gradients are :math:`\partial R/\partial\theta_k = p_k\nabla_\theta\Psi(\theta_k;\rho)`, where
    :math:`\Psi(\theta;\rho) = V(\theta) + \int U(\theta,\theta')\rho(d\theta')` is the potential of Mei, Montanari and
    Nguyen (2018). A zero row of ``W`` is the zero unit, with gradient zero (:math:`\sigma'(0)=0`).

    Parameters
    ----------
    a : array_like, shape (K,)
        Output weights of the atoms.
    W : array_like, shape (K, d)
        Input weights of the atoms.
    weights : array_like, shape (K,)
        Non-negative masses :math:`p_k` (they need not sum to one).
    teacher_a : array_like, shape (L,)
        Output weights :math:`b_l` of the teacher.
    teacher_W : array_like, shape (L, d)
        Input weights :math:`v_l` of the teacher.

    Returns
    -------
    MeanFieldRisk
        ``risk``, ``grad_a``, ``grad_W``.

    Raises
    ------
    ValueError
        For mismatched shapes, negative weights or non-finite entries.

    References
    ----------
    .. [1] Y. Cho and L. K. Saul, "Kernel methods for deep learning", NeurIPS 22 (2009).
    .. [2] S. Mei, A. Montanari and P.-M. Nguyen, "A mean field view of the landscape of two-layer neural networks",
       PNAS 115 (2018).

    Examples
    --------
    A student equal to the teacher has zero risk; a zero student has risk E[relu(z)^2]/2 = 1/4:

    >>> r = relu_mean_field_risk([1.0], [[1.0, 0.0]], [1.0], [1.0], [[1.0, 0.0]])
    >>> round(r.risk, 12), r.grad_W.tolist()
    (0.0, [[0.0, 0.0]])
    >>> round(relu_mean_field_risk([0.0], [[0.0, 1.0]], [1.0], [1.0], [[1.0, 0.0]]).risk, 12)
    0.25
    """
    a, W, weights, teacher_a, teacher_W = _check_model(a, W, weights, teacher_a, teacher_W)
    if weights.ndim != 1:
        raise ValueError(f"`weights` must be one-dimensional here, got shape {weights.shape}.")
    ga = np.empty_like(a)
    gW = np.empty_like(W)
    risk = _psi_grad(a, W, weights, teacher_a, teacher_W, ga, gW, np.empty(W.shape[1]))
    return MeanFieldRisk(risk=float(risk), grad_a=weights * ga, grad_W=weights[:, None] * gW)


def relu_mean_field_flow(a, W, weights, teacher_a, teacher_W, *, t, dt=0.01):
    r"""Mean-field (Wasserstein) gradient flow of a discrete law of ReLU units, integrated exactly in law.

    The law :math:`\rho_s = \sum_k p_k\delta_{\theta_k(s)}`, :math:`\theta_k = (a_k,w_k)`, solves the continuity equation
    :math:`\partial_s\rho = \nabla\cdot(\rho\nabla_\theta\Psi(\theta;\rho))` when its atoms follow

    .. math:: \dot\theta_k = -\nabla_\theta\Psi(\theta_k;\rho_s),\qquad k = 1,\dots,K,

    with fixed masses :math:`p_k` (Mei, Montanari, Nguyen 2018; Chizat, Bach 2018). With :math:`p_k = 1/m` and
    :math:`K = m` this is gradient flow of the :math:`m`-particle network :math:`\frac1m\sum_j a_j\sigma(\langle w_j,x\rangle)`
    in the time of the mean-field scaling (:math:`s = k\eta/m` after :math:`k` gradient steps of size :math:`\eta` on
    its risk; this is :math:`\xi\equiv\frac12` in the equation :math:`\partial_s\rho = 2\xi(s)\nabla\cdot(\rho\nabla\Psi)`
    of Mei, Montanari and Nguyen, whose risk has no factor :math:`\frac12`); with :math:`p_k` the empirical frequencies
    of :math:`m` i.i.d. draws from
    :math:`\sum_k p_k\delta_{\theta_k}` it is that particle system exactly. The expectations over
    :math:`x\sim\mathcal N(0,I_d)` are in closed form (:func:`relu_mean_field_risk`); time is discretised by RK4 with
    ``ceil(t/dt)`` equal steps.

    Parameters
    ----------
    a : array_like, shape (K,)
        Initial output weights of the atoms.
    W : array_like, shape (K, d)
        Initial input weights of the atoms.
    weights : array_like, shape (K,) or (R, K)
        Non-negative masses :math:`p_k`; several rows run several flows from the same atoms in one compiled loop.
    teacher_a : array_like, shape (L,)
        Output weights of the teacher network.
    teacher_W : array_like, shape (L, d)
        Input weights of the teacher network.
    t : float
        Final time, ``0 <= t <= 1e4``.
    dt : float
        Largest time step, ``0 < dt <= 1``; at most ``1e6`` steps.

    Returns
    -------
    MeanFieldFlow
        ``times``, ``risks`` and the atoms ``a``, ``W`` at time ``t``.

    Raises
    ------
    ValueError
        For mismatched shapes, negative weights, or ``t``, ``dt`` out of range.

    Warns
    -----
    DivergenceWarning
        If the flow leaves the finite numbers (reduce ``dt``).

    References
    ----------
    .. [1] S. Mei, A. Montanari and P.-M. Nguyen, "A mean field view of the landscape of two-layer neural networks",
       PNAS 115 (2018).
    .. [2] L. Chizat and F. Bach, "On the global convergence of gradient descent for over-parameterized models using
       optimal transport", NeurIPS 31 (2018).

    Examples
    --------
    Two copies of an atom with masses 1/2 each move exactly like one atom of mass 1:

    >>> rng = np.random.default_rng(0)
    >>> a0, W0 = rng.standard_normal(2), rng.standard_normal((2, 3))
    >>> two = relu_mean_field_flow(a0[[0, 0, 1]], W0[[0, 0, 1]], [0.25, 0.25, 0.5], [1.0], [[1.0, 0, 0]], t=1.0)
    >>> one = relu_mean_field_flow(a0, W0, [0.5, 0.5], [1.0], [[1.0, 0, 0]], t=1.0)
    >>> bool(np.allclose(two.risks, one.risks)), bool(two.risks[-1] < two.risks[0])
    (True, True)
    """
    a, W, weights, teacher_a, teacher_W = _check_model(a, W, weights, teacher_a, teacher_W)
    t = check_real("t", t, lower=0.0, upper=1e4)
    dt = check_real("dt", dt, lower=0.0, upper=1.0, lower_open=True)
    n_steps = max(1, math.ceil(t / dt - 1e-9)) if t > 0 else 0
    if n_steps > 1_000_000:
        raise ValueError(f"`t / dt` must be at most 1e6 steps, got t = {t:g}, dt = {dt:g}.")
    h = t / n_steps if n_steps else 0.0
    P = np.atleast_2d(weights)
    R, K, d = P.shape[0], W.shape[0], W.shape[1]
    out_a, out_W = np.empty((R, K)), np.empty((R, K, d))
    risks = np.empty((R, n_steps + 1))
    with np.errstate(all="ignore"):
        _flow_kernel(a, W, P, teacher_a, teacher_W, h, n_steps, out_a, out_W, risks)
    if not (np.all(np.isfinite(risks)) and np.all(np.isfinite(out_W)) and np.all(np.isfinite(out_a))):
        warnings.warn(
            f"relu_mean_field_flow left the finite numbers with dt = {dt:g}; reduce `dt`.", DivergenceWarning, stacklevel=2
        )
    times = np.linspace(0.0, t, n_steps + 1)
    if weights.ndim == 1:
        return MeanFieldFlow(times=times, risks=risks[0], a=out_a[0], W=out_W[0])
    return MeanFieldFlow(times=times, risks=risks, a=out_a, W=out_W)
