"""Leaving convexity: gradient descent on two-layer linear networks and on ReLU committee machines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .._validation import check_array, check_int, check_real, check_rng

__all__ = [
    "LinearNetworkPath",
    "linear_network_gd",
    "CommitteeResult",
    "relu_kernel",
    "committee_population_risk",
    "committee_gd",
]


@dataclass(frozen=True)
class LinearNetworkPath:
    """Result of :func:`linear_network_gd`.

    Attributes
    ----------
    loss : ndarray, shape (n_runs, n_iter + 1)
        :math:`\\tfrac12\\lVert W_2W_1 - A\\rVert_F^2` along each run.
    modes : ndarray, shape (n_runs, n_iter + 1, r)
        Mode strengths :math:`u_\\alpha^\\top W_2W_1 v_\\alpha` for the singular triplets
        :math:`(s_\\alpha, u_\\alpha, v_\\alpha)` of the target, in decreasing order of :math:`s_\\alpha`.
    singular_values : ndarray, shape (r,)

    Examples
    --------
    >>> from course_lib.optimization import linear_network_gd
    >>> path = linear_network_gd(np.diag([2.0, 1.0]), 2, 1e-3, 0.05, 10, rng=0)
    >>> type(path).__name__, path.modes.shape, path.singular_values.tolist()
    ('LinearNetworkPath', (1, 11, 2), [2.0, 1.0])
    """

    loss: np.ndarray
    modes: np.ndarray
    singular_values: np.ndarray


def linear_network_gd(target, hidden, init_scale, lr, n_iter, n_runs=1, rng=None):
    r"""Gradient descent on a two-layer linear network, :math:`f(x) = W_2W_1x`, from a small random start.

    With whitened inputs (:math:`\mathbb{E}xx^\top = I`) the square loss of a linear
    teacher :math:`y = Ax` is, up to a constant,

    .. math:: L(W_1, W_2) = \tfrac12\lVert W_2W_1 - A\rVert_F^2 ,

    a non-convex function of :math:`(W_1, W_2)` all of whose local minima are global
    (Kawaguchi 2016); the origin is a saddle point. The entries of
    :math:`W_1\in\mathbb{R}^{h\times d}` and :math:`W_2\in\mathbb{R}^{m\times h}` start i.i.d.
    :math:`\mathcal N(0, \varepsilon^2)`, :math:`\varepsilon` = ``init_scale``.

    Parameters
    ----------
    target : array_like, shape (m, d)
        The teacher matrix :math:`A`.
    hidden : int
        Width :math:`h \ge 1`.
    init_scale : float
        :math:`\varepsilon > 0`.
    lr : float
        Step :math:`\eta > 0`.
    n_iter : int
        Number of steps, >= 1.
    n_runs : int
        Independent initialisations, run together (vectorised).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    LinearNetworkPath

    References
    ----------
    .. [1] K. Kawaguchi, "Deep learning without poor local minima", NeurIPS 2016.
    .. [2] A. M. Saxe, J. L. McClelland and S. Ganguli, "Exact solutions to the nonlinear
       dynamics of learning in deep linear neural networks", ICLR 2014.

    Examples
    --------
    >>> from course_lib.optimization import linear_network_gd
    >>> path = linear_network_gd(np.diag([2.0, 1.0]), 2, 1e-3, 0.05, 400, rng=0)
    >>> path.loss.shape, bool(path.loss[0, -1] < 1e-20)  # learned mode by mode, the stronger one first
    ((1, 401), True)
    """
    A = check_array("target", target, ndim=2, min_len=1)
    hidden = check_int("hidden", hidden, minimum=1)
    init_scale = check_real("init_scale", init_scale, lower=0.0, lower_open=True)
    lr = check_real("lr", lr, lower=0.0, lower_open=True)
    n_iter = check_int("n_iter", n_iter, minimum=1)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    rng = check_rng(rng)
    m, d = A.shape
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    W1 = init_scale * rng.standard_normal((n_runs, hidden, d))
    W2 = init_scale * rng.standard_normal((n_runs, m, hidden))
    loss = np.empty((n_runs, n_iter + 1))
    modes = np.empty((n_runs, n_iter + 1, s.size))
    for k in range(n_iter + 1):
        P = W2 @ W1
        R = P - A
        loss[:, k] = 0.5 * np.einsum("rij,rij->r", R, R)
        modes[:, k] = np.einsum("ia,rij,aj->ra", U, P, Vt)
        if k == n_iter:
            break
        g1 = np.transpose(W2, (0, 2, 1)) @ R
        g2 = R @ np.transpose(W1, (0, 2, 1))
        W1 = W1 - lr * g1
        W2 = W2 - lr * g2
    if not np.all(np.isfinite(loss)):
        raise FloatingPointError(f"gradient descent diverged: reduce `lr` (got {lr}).")
    return LinearNetworkPath(loss=loss, modes=modes, singular_values=s)


# ------------------------------------------------------------------ ReLU committee machine, population loss


@njit(cache=True)
def _kappa(nw, nv, cos):
    """E relu(w.x) relu(v.x) for x ~ N(0, I) given the norms and the cosine of the angle."""
    if cos > 1.0:
        cos = 1.0
    elif cos < -1.0:
        cos = -1.0
    th = np.arccos(cos)
    return nw * nv / (2.0 * np.pi) * (np.sqrt(1.0 - cos * cos) + (np.pi - th) * cos)


@njit(cache=True)
def _dkappa(w, v, out):
    """Add grad_w E relu(w.x) relu(v.x) = (|v| sin(th) w/|w| + (pi - th) v) / (2 pi) to ``out``."""
    d = w.shape[0]
    nw = 0.0
    nv = 0.0
    dot = 0.0
    for j in range(d):
        nw += w[j] * w[j]
        nv += v[j] * v[j]
        dot += w[j] * v[j]
    nw = np.sqrt(nw)
    nv = np.sqrt(nv)
    if nw == 0.0 or nv == 0.0:
        for j in range(d):
            out[j] += 0.5 * v[j] if nw == 0.0 else 0.0
        return
    cos = dot / (nw * nv)
    if cos > 1.0:
        cos = 1.0
    elif cos < -1.0:
        cos = -1.0
    th = np.arccos(cos)
    sin = np.sqrt(1.0 - cos * cos)
    for j in range(d):
        out[j] += (nv * sin * w[j] / nw + (np.pi - th) * v[j]) / (2.0 * np.pi)


@njit(cache=True)
def _rowdot(A, a, B, b):
    """Sequential sum_j A[a, j] B[b, j] (the order of numba's .sum(), which these row norms replace)."""
    acc = 0.0
    for j in range(A.shape[1]):
        acc += A[a, j] * B[b, j]
    return acc


@njit(cache=True)
def _committee_loss(W, V):
    K = W.shape[0]
    Ks = V.shape[0]
    # row norms by loops: .sum(axis=1) compiles an axis-bounds error message (str of an int), over a second
    nW = np.empty(K)
    for a in range(K):
        nW[a] = np.sqrt(_rowdot(W, a, W, a))
    nV = np.empty(Ks)
    for b in range(Ks):
        nV[b] = np.sqrt(_rowdot(V, b, V, b))
    loss = 0.0
    for a in range(K):
        for b in range(K):
            c = 1.0 if (nW[a] == 0 or nW[b] == 0) else (W[a] @ W[b]) / (nW[a] * nW[b])
            loss += 0.5 * _kappa(nW[a], nW[b], c)
        for b in range(Ks):
            c = 1.0 if (nW[a] == 0) else (W[a] @ V[b]) / (nW[a] * nV[b])
            loss -= _kappa(nW[a], nV[b], c)
    for a in range(Ks):
        for b in range(Ks):
            loss += 0.5 * _kappa(nV[a], nV[b], (V[a] @ V[b]) / (nV[a] * nV[b]))
    return loss


@njit(cache=True)
def _committee_kernel(W0, V, lr, n_iter, tol, out_loss, out_iter):
    n_runs, K, d = W0.shape
    Ks = V.shape[0]
    G = np.empty((K, d))
    for r in range(n_runs):
        W = W0[r].copy()
        k = 0
        loss = _committee_loss(W, V)
        while k < n_iter and loss > tol:
            G[:, :] = 0.0
            for a in range(K):
                for j in range(d):
                    G[a, j] = 0.5 * W[a, j]
                for b in range(K):
                    if b != a:
                        _dkappa(W[a], W[b], G[a])
                neg = np.zeros(d)
                for b in range(Ks):
                    _dkappa(W[a], V[b], neg)
                for j in range(d):
                    G[a, j] -= neg[j]
            for a in range(K):
                for j in range(d):
                    W[a, j] -= lr * G[a, j]
            k += 1
            if k % 50 == 0 or k == n_iter:
                loss = _committee_loss(W, V)
        out_loss[r] = _committee_loss(W, V)
        out_iter[r] = k


def relu_kernel(w, v):
    r"""Closed form of :math:`\mathbb{E}_{x\sim\mathcal N(0,I)}\,\sigma(\langle w,x\rangle)\sigma(\langle v,x\rangle)`, :math:`\sigma` the ReLU.

    .. math:: \frac{\lVert w\rVert\lVert v\rVert}{2\pi}\bigl(\sin\vartheta + (\pi-\vartheta)\cos\vartheta\bigr),

    :math:`\vartheta` the angle between :math:`w` and :math:`v` (Cho & Saul 2009, arc-cosine kernel of degree one).

    Examples
    --------
    >>> round(relu_kernel([1.0, 0.0], [1.0, 0.0]), 12)  # E relu(z)^2 = 1/2
    0.5
    """
    w = check_array("w", w, ndim=1, min_len=1)
    v = check_array("v", v, ndim=1, min_len=1)
    if v.shape != w.shape:
        raise ValueError(f"`v` must have the same shape as `w` {w.shape}, got {v.shape}.")
    nw, nv = np.linalg.norm(w), np.linalg.norm(v)
    if nw == 0 or nv == 0:
        return 0.0
    return float(_kappa(nw, nv, float(w @ v) / (nw * nv)))


def committee_population_risk(W, V):
    r"""Population square loss of a ReLU committee student against a ReLU committee teacher.

    .. math:: L(W) = \tfrac12\,\mathbb{E}_{x\sim\mathcal N(0,I_d)}\Bigl(\sum_{a=1}^K\sigma(\langle w_a,x\rangle)
              - \sum_{b=1}^{K_*}\sigma(\langle v_b,x\rangle)\Bigr)^2 ,

    in closed form through :func:`relu_kernel`.

    Parameters
    ----------
    W : array_like, shape (K, d)
        Student weights (rows).
    V : array_like, shape (K_*, d)
        Teacher weights (rows, non-zero).

    Returns
    -------
    float

    Examples
    --------
    >>> from course_lib.optimization import committee_population_risk
    >>> float(abs(committee_population_risk(np.eye(2), np.eye(2))) < 1e-12)  # the student equals the teacher
    1.0
    """
    W = check_array("W", W, ndim=2, min_len=1)
    V = check_array("V", V, ndim=2, min_len=1)
    if W.shape[1] != V.shape[1]:
        raise ValueError(f"`W` must have {V.shape[1]} columns like `V`, got {W.shape[1]}.")
    if np.any(np.linalg.norm(V, axis=1) == 0):
        raise ValueError("`V` must have non-zero rows.")
    return float(_committee_loss(W, V))


@dataclass(frozen=True)
class CommitteeResult:
    """Result of :func:`committee_gd`.

    Attributes
    ----------
    loss : ndarray, shape (n_runs,)
        Final population loss of each run.
    n_iter : ndarray of int, shape (n_runs,)
        Steps taken by each run (it stops once the loss is below ``tol``).
    converged : ndarray of bool, shape (n_runs,)
        ``loss < tol``: the run found a global minimum to that accuracy.

    Examples
    --------
    >>> from course_lib.optimization import committee_gd
    >>> res = committee_gd(np.eye(2), 2, 0.05, 10, rng=0)
    >>> type(res).__name__, res.n_iter.tolist()
    ('CommitteeResult', [10])
    """

    loss: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray

    @property
    def success_rate(self):
        """Fraction of converged runs."""
        return float(self.converged.mean())


def committee_gd(V, width, lr, n_iter, n_runs=1, rng=None, *, tol=1e-6):
    r"""Gradient descent on the population loss of a ReLU committee student of width ``width``.

    The student :math:`x\mapsto\sum_{a=1}^{K}\sigma(\langle w_a,x\rangle)` learns the teacher
    with rows ``V`` under :math:`x\sim\mathcal N(0,I_d)`; the loss and its gradient are
    exact (:func:`committee_population_risk`), so the only randomness is the
    initialisation :math:`w_a \sim \mathcal N(0, I_d/d)` (Safran & Shamir 2018). A
    student with :math:`K \ge K_*` can represent the teacher, so the global minimum is 0.

    Parameters
    ----------
    V : array_like, shape (K_*, d)
    width : int
        Student width :math:`K \ge 1`.
    lr : float
        Step :math:`\eta > 0`.
    n_iter : int
        Maximum number of steps.
    n_runs : int
        Independent initialisations.
    rng : None, int or numpy.random.Generator
    tol : float
        A run succeeds when its loss falls below ``tol``.

    Returns
    -------
    CommitteeResult

    References
    ----------
    .. [1] I. Safran and O. Shamir, "Spurious local minima are common in two-layer ReLU
       neural networks", ICML 2018.

    Examples
    --------
    >>> from course_lib.optimization import committee_gd
    >>> res = committee_gd(np.eye(2), 4, 0.05, 2000, n_runs=2, rng=0, tol=1e-3)
    >>> type(res).__name__, res.loss.shape, bool(np.all(res.converged))
    ('CommitteeResult', (2,), True)
    """
    V = check_array("V", V, ndim=2, min_len=1)
    width = check_int("width", width, minimum=1)
    lr = check_real("lr", lr, lower=0.0, lower_open=True)
    n_iter = check_int("n_iter", n_iter, minimum=1)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    if np.any(np.linalg.norm(V, axis=1) == 0):
        raise ValueError("`V` must have non-zero rows.")
    rng = check_rng(rng)
    d = V.shape[1]
    W0 = rng.standard_normal((n_runs, width, d)) / np.sqrt(d)
    loss = np.empty(n_runs)
    iters = np.empty(n_runs, dtype=np.int64)
    _committee_kernel(W0, V, lr, n_iter, tol, loss, iters)
    if not np.all(np.isfinite(loss)):
        raise FloatingPointError(f"gradient descent diverged in {np.count_nonzero(~np.isfinite(loss))} runs: reduce `lr` (got {lr}).")
    return CommitteeResult(loss=loss, n_iter=iters, converged=loss < tol)
