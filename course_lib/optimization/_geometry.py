"""Implicit bias and optimisation geometry: mirror descent, l1 steepest descent, homogeneous networks, label noise.

The objects of the lecture *Implicit bias beyond linear regression*: mirror descent with the
hyperbolic-entropy potential and the Bregman projection it converges to (Gunasekar et al. 2018),
the l1 max-margin classifier and l1 steepest descent (greedy coordinate descent), gradient descent
on a two-layer ReLU network without biases (a 2-homogeneous model, Lyu & Li 2020) with the KKT
residual of its max-margin problem, and label-noise SGD on the product model ``u v``
(Blanc et al. 2020; Damian et al. 2021).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy import optimize

from .._validation import check_array, check_bool, check_int, check_real, check_rng
from ._bias import _check_xy as _check_xy_rows

__all__ = [
    "hyperbolic_mirror_descent",
    "hyperbolic_bregman_interpolant",
    "l1_max_margin",
    "l1_steepest_descent",
    "ReluNetPath",
    "relu_net_logistic_gd",
    "max_margin_kkt_residual",
    "label_noise_sgd_product",
]


def _check_xy(X, y):
    """The validation of :mod:`._bias` (shapes of ``X`` and ``y``), plus at least one column of ``X``."""
    X, y = _check_xy_rows(X, y)
    if X.shape[1] < 1:
        raise ValueError(f"`X` must have at least one column, got shape {X.shape}.")
    return X, y


def _check_labels(y):
    if not np.all(np.abs(y) == 1.0):
        raise ValueError("`y` must contain labels +1 or -1 only.")


def _check_w0(w0, p):
    w0 = check_array("w0", w0, ndim=1)
    if w0.shape[0] != p:
        raise ValueError(f"`w0` must have length {p} (the columns of `X`), got {w0.shape[0]}.")
    return w0


@njit(cache=True)
def _md_kernel(X, y, theta, beta, lr, n_iter):
    # explicit loops instead of X @ w, X.T @ r: the BLAS binding costs compile time and these arrays are small
    # (each sum runs over its index in increasing order; the inner loops are over contiguous rows)
    n, p = X.shape
    XT = np.empty((p, n))
    for i in range(n):
        for j in range(p):
            XT[j, i] = X[i, j]
    theta = theta.copy()
    w = np.empty(p)
    r = np.empty(n)
    g = np.empty(p)
    c = lr / n
    for _ in range(n_iter):
        for j in range(p):
            w[j] = beta * np.sinh(theta[j])
        r[:] = 0.0
        for j in range(p):  # r = X @ w - y
            wj = w[j]
            for i in range(n):
                r[i] += XT[j, i] * wj
        for i in range(n):
            r[i] -= y[i]
        g[:] = 0.0
        for i in range(n):  # g = X.T @ r
            ri = r[i]
            for j in range(p):
                g[j] += X[i, j] * ri
        for j in range(p):
            theta[j] = theta[j] - c * g[j]
    return beta * np.sinh(theta)


def hyperbolic_mirror_descent(X, y, w0, beta, lr, n_iter):
    r"""Mirror descent with the hyperbolic-entropy potential on the least-squares risk.

    With :math:`\psi_\beta(w) = \sum_j \bigl(w_j\operatorname{arcsinh}(w_j/\beta) - \sqrt{w_j^2+\beta^2}\bigr)`,
    :math:`\nabla\psi_\beta(w) = \operatorname{arcsinh}(w/\beta)` and the update is

    .. math:: \nabla\psi_\beta(w_{t+1}) = \nabla\psi_\beta(w_t) - \frac{\eta}{n} X^\top(Xw_t - y),

    so that :math:`\nabla\psi_\beta(w_t) - \nabla\psi_\beta(w_0)\in\operatorname{row}(X)` for every
    :math:`t` (Gunasekar, Lee, Soudry & Srebro, ICML 2018).

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    w0 : array_like, shape (p,)
        Starting point.
    beta : float
        Scale of the potential, ``> 0``.
    lr : float
        Step size ``eta > 0``.
    n_iter : int
        Number of steps, ``>= 0``.

    Returns
    -------
    ndarray, shape (p,)
        The last iterate.

    Examples
    --------
    >>> w = hyperbolic_mirror_descent([[1.0, 2.0]], [1.0], [0.0, 0.0], 0.1, 0.05, 2000)
    >>> round(float(w @ [1.0, 2.0]), 6)
    1.0
    """
    X, y = _check_xy(X, y)
    w0 = _check_w0(w0, X.shape[1])
    beta = check_real("beta", beta, lower=0.0, lower_open=True, max_abs=1e6)
    if beta < 1e-12:
        raise ValueError(f"`beta` must be >= 1e-12, got {beta}.")
    lr = check_real("lr", lr, lower=0.0, lower_open=True, max_abs=1e6)
    n_iter = check_int("n_iter", n_iter, minimum=0, maximum=10**8)
    theta0 = np.arcsinh(w0 / beta)
    with np.errstate(all="ignore"):
        w = _md_kernel(X, y, theta0, beta, lr, n_iter)
    if not np.all(np.isfinite(w)):
        raise ValueError(f"mirror descent diverged: `lr` = {lr} is too large for this `X` and `beta`.")
    return w


def hyperbolic_bregman_interpolant(X, y, w0, beta):
    r"""The Bregman projection :math:`\operatorname{argmin}\{D_{\psi_\beta}(w, w_0) : Xw = y\}`.

    Solved through the convex dual: the minimiser is :math:`w = \beta\sinh(\operatorname{arcsinh}(w_0/\beta) + X^\top\nu)`
    where :math:`\nu` minimises :math:`G(\nu) = \beta\sum_j\cosh\bigl(\operatorname{arcsinh}(w_{0,j}/\beta) + (X^\top\nu)_j\bigr) - \langle\nu, y\rangle`
    (:func:`scipy.optimize.minimize`, trust-region Newton with the exact Hessian
    :math:`X\operatorname{diag}(\beta\cosh(\cdot))X^\top`). Independent of :func:`hyperbolic_mirror_descent`.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Rows must be linearly independent.
    y : array_like, shape (n,)
    w0 : array_like, shape (p,)
    beta : float
        Scale of the potential, ``> 0``.

    Returns
    -------
    ndarray, shape (p,)

    Raises
    ------
    ValueError
        If the solver does not reach an interpolant (relative residual above ``1e-9``).

    Examples
    --------
    >>> w = hyperbolic_bregman_interpolant([[1.0, 2.0]], [1.0], [0.0, 0.0], 0.1)
    >>> round(float(w @ [1.0, 2.0]), 8)
    1.0
    """
    X, y = _check_xy(X, y)
    w0 = _check_w0(w0, X.shape[1])
    beta = check_real("beta", beta, lower=1e-12, max_abs=1e6)
    th0 = np.arcsinh(w0 / beta)
    scale = max(1.0, float(np.abs(X).max()))

    def fun(nu):
        with np.errstate(over="ignore"):
            return beta * np.cosh(th0 + X.T @ nu).sum() - nu @ y

    def jac(nu):
        with np.errstate(over="ignore"):
            return X @ (beta * np.sinh(th0 + X.T @ nu)) - y

    def hess(nu):
        with np.errstate(over="ignore"):
            c = beta * np.cosh(th0 + X.T @ nu)
        return (X * c) @ X.T

    res = optimize.minimize(fun, np.zeros(X.shape[0]), jac=jac, hess=hess, method="trust-exact",
                            options={"gtol": 1e-13 * scale, "maxiter": 2000})
    nu = res.x
    for _ in range(100):  # polish: damped Newton steps on the same dual, to machine precision
        g = jac(nu)
        if np.linalg.norm(g) <= 1e-14 * max(1.0, np.linalg.norm(y)):
            break
        try:
            step = np.linalg.solve(hess(nu), g)
        except np.linalg.LinAlgError:
            break
        f0, tau = fun(nu), 1.0
        while tau > 1e-10 and not fun(nu - tau * step) <= f0 + 1e-15 * abs(f0):
            tau *= 0.5
        nu = nu - tau * step
    w = beta * np.sinh(th0 + X.T @ nu)
    resid = np.linalg.norm(X @ w - y)
    if not np.all(np.isfinite(w)) or resid > 1e-9 * max(1.0, np.linalg.norm(y)):
        raise ValueError(
            f"no Bregman interpolant found (residual {resid:.3g}): `y` may be outside the range of `X`."
        )
    return w


def _check_classification(X, y):
    X, y = _check_xy(X, y)
    _check_labels(y)
    return X, y


def l1_max_margin(X, y):
    r"""The :math:`\ell_1` max-margin direction :math:`\operatorname{argmax}_{\lVert w\rVert_1\le1}\min_i y_i\langle x_i, w\rangle`.

    Solved as the linear program :math:`\max\gamma` s.t. :math:`y_i\langle x_i, w^+ - w^-\rangle\ge\gamma`,
    :math:`\mathbf 1^\top(w^+ + w^-)\le1`, :math:`w^\pm\ge0` (:func:`scipy.optimize.linprog`, HiGHS).

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
        Labels in {-1, +1}.

    Returns
    -------
    w : ndarray, shape (p,)
        A maximiser, with :math:`\lVert w\rVert_1 = 1`.
    gamma : float
        The :math:`\ell_1` margin :math:`\gamma_1`.

    Raises
    ------
    ValueError
        If the data are not linearly separable through the origin (``gamma <= 0``).

    Examples
    --------
    >>> w, g = l1_max_margin([[1.0, 2.0], [-1.0, 1.0]], [1.0, -1.0])
    >>> round(g, 6), w.round(6).tolist()
    (1.0, [1.0, 0.0])
    """
    X, y = _check_classification(X, y)
    n, p = X.shape
    Z = X * y[:, None]
    c = np.zeros(2 * p + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-Z, Z, np.ones((n, 1))])
    b_ub = np.zeros(n)
    A_ub = np.vstack([A_ub, np.concatenate([np.ones(2 * p), [0.0]])])
    b_ub = np.concatenate([b_ub, [1.0]])
    bounds = [(0, None)] * (2 * p) + [(None, None)]
    res = optimize.linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        raise ValueError(f"the linear program failed: {res.message}")
    gamma = float(-res.fun)
    if gamma <= 1e-12:
        raise ValueError("`X`, `y` are not linearly separable through the origin (l1 margin <= 0).")
    w = res.x[:p] - res.x[p:2 * p]
    return w / np.abs(w).sum(), gamma


@njit(cache=True)
def _l1sd_kernel(Z, lr, n_iter, record, out):
    n, p = Z.shape
    w = np.zeros(p)
    m = np.empty(n)
    e = np.empty(n)
    g = np.empty(p)
    k = 0
    for t in range(n_iter + 1):
        while k < record.shape[0] and record[k] == t:
            for l in range(p):  # not out[k] = w: an array-valued setitem costs seconds of compile time
                out[k, l] = w[l]
            k += 1
        if t == n_iter:
            break
        for i in range(n):  # m = Z @ w, as a loop (the BLAS binding costs compile time)
            acc = 0.0
            for l in range(p):
                acc += Z[i, l] * w[l]
            m[i] = acc
        # m.min(), e.sum() and np.argmax(np.abs(g)) written out as loops with numba's semantics (first NaN wins,
        # sequential sums): the array reductions compile error paths that cost about 2 s of compile time
        mmin = m[0]
        for i in range(1, n):
            if np.isnan(mmin):
                break
            if np.isnan(m[i]) or m[i] < mmin:
                mmin = m[i]
        s = 0.0
        for i in range(n):
            e[i] = np.exp(-(m[i] - mmin))  # losses rescaled by exp(mmin): the step eta/L is scale-free
            s += e[i]
        for l in range(p):  # g = -(Z.T @ e) / s, the gradient of L divided by L
            acc = 0.0
            for i in range(n):
                acc += Z[i, l] * e[i]
            g[l] = -acc / s
        j = 0
        gmax = np.abs(g[0])
        if not np.isnan(gmax):
            for l in range(1, p):
                v = np.abs(g[l])
                if np.isnan(v):
                    j = l
                    break
                if v > gmax:
                    gmax = v
                    j = l
        w[j] -= lr * np.abs(g[j]) * np.sign(g[j])


def l1_steepest_descent(X, y, lr, n_iter, *, record=None):
    r"""Steepest descent w.r.t. the :math:`\ell_1` norm on the exponential loss, with steps :math:`\eta/L(w_t)`.

    With :math:`L(w) = \frac1n\sum_i e^{-y_i\langle x_i, w\rangle}` and :math:`g = \nabla L(w_t)`, the update is
    :math:`w_{t+1} = w_t - \frac{\eta}{L(w_t)}\lVert g\rVert_\infty\operatorname{sign}(g_j)e_j` with
    :math:`j = \operatorname{argmax}_k|g_k|` (greedy coordinate descent, as in AdaBoost). For separable data
    the normalised margin :math:`\min_i y_i\langle x_i, w_t\rangle/\lVert w_t\rVert_1` converges to the :math:`\ell_1`
    margin for steps :math:`\eta_t\le\min\{\eta_+, 1/(B^2L(w_t))\}`, :math:`B = \max_i\lVert x_i\rVert_\infty`
    (Gunasekar, Lee, Soudry & Srebro, ICML 2018). The steps :math:`\eta/L(w_t)` used here meet the second bound
    when :math:`\eta\le1/B^2` but are unbounded, so that theorem does not strictly cover them.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
        Labels in {-1, +1}.
    lr : float
        ``eta > 0``.
    n_iter : int
        Number of steps, ``>= 0``.
    record : array_like of int, optional
        Increasing times in ``[0, n_iter]`` at which to store ``w``; default ``[n_iter]``.

    Returns
    -------
    ndarray, shape (len(record), p)
        The iterates at the recorded times, started from ``w_0 = 0``.

    Examples
    --------
    >>> W = l1_steepest_descent([[1.0, 2.0], [-1.0, 1.0]], [1.0, -1.0], 0.1, 200)
    >>> W.shape
    (1, 2)
    """
    X, y = _check_classification(X, y)
    lr = check_real("lr", lr, lower=0.0, lower_open=True, max_abs=1e3)
    n_iter = check_int("n_iter", n_iter, minimum=0, maximum=10**8)
    record = _check_record(record, n_iter)
    out = np.zeros((record.shape[0], X.shape[1]))
    _l1sd_kernel(X * y[:, None], lr, n_iter, record, out)
    return out


def _check_record(record, n_iter):
    if record is None:
        return np.array([n_iter], dtype=np.int64)
    rec = check_array("record", record, ndim=1, min_len=1)
    if np.any(rec != np.round(rec)) or np.any(rec < 0) or np.any(rec > n_iter) or np.any(np.diff(rec) <= 0):
        raise ValueError(f"`record` must be strictly increasing integers in [0, n_iter={n_iter}].")
    return rec.astype(np.int64)


@dataclass(frozen=True)
class ReluNetPath:
    """Recorded path of gradient descent on a two-layer ReLU network (see :func:`relu_net_logistic_gd`).

    Attributes
    ----------
    times : ndarray of int, shape (k,)
    a : ndarray, shape (k, m)
        Output weights at the recorded times.
    W : ndarray, shape (k, m, d)
        Hidden weights at the recorded times.
    loss : ndarray, shape (k,)
        Summed logistic loss :math:`L = \\sum_i\\log(1 + e^{-q_i})`.
    normalized_margin : ndarray, shape (k,)
        :math:`\\min_i q_i/\\lVert\\theta\\rVert^L` (:math:`L` = ``power + 1``).
    smoothed_margin : ndarray, shape (k,)
        :math:`\\log\\bigl(1/(e^{\\mathcal L} - 1)\\bigr)/\\lVert\\theta\\rVert^L` (Lyu & Li 2020), NaN while ``L >= log 2``.
    """

    times: np.ndarray
    a: np.ndarray
    W: np.ndarray
    loss: np.ndarray
    normalized_margin: np.ndarray
    smoothed_margin: np.ndarray


@njit(cache=True)
def _relu_gd_kernel(X, y, a, W, lr, n_iter, record, out_a, out_W, adaptive, power):
    n, d = X.shape
    m = a.shape[0]
    H = np.empty((n, m))
    k = 0
    for t in range(n_iter + 1):
        while k < record.shape[0] and record[k] == t:
            for j in range(m):  # not out_a[k] = a: an array-valued setitem costs seconds of compile time
                out_a[k, j] = a[j]
                for l in range(d):
                    out_W[k, j, l] = W[j, l]
            k += 1
        if t == n_iter:
            break
        for i in range(n):  # H = X @ W.T, (n, m), as a loop (the BLAS binding costs compile time)
            for j in range(m):
                acc = 0.0
                for l in range(d):
                    acc += X[i, l] * W[j, l]
                H[i, j] = acc
        ga = np.zeros(m)
        gW = np.zeros((m, d))
        loss = 0.0
        for i in range(n):
            f = 0.0
            for j in range(m):
                if H[i, j] > 0:
                    f += a[j] * H[i, j] ** power
            q = y[i] * f
            loss += np.log1p(np.exp(-q)) if q > 0 else -q + np.log1p(np.exp(q))
            # d/dq log(1 + e^{-q}) = -1/(1 + e^{q})
            if q > 0:
                e = np.exp(-q)
                c = -e / (1.0 + e)
            else:
                c = -1.0 / (1.0 + np.exp(q))
            c *= y[i]
            for j in range(m):
                if H[i, j] > 0:
                    ga[j] += c * H[i, j] ** power
                    dh = power * H[i, j] ** (power - 1)
                    for l in range(d):
                        gW[j, l] += c * a[j] * dh * X[i, l]
        step = lr
        if adaptive:
            if loss < 1e-250:  # the loss-normalised step would divide an underflowing gradient by an underflowing loss
                return t
            sa = 0.0  # (a * a).sum() and (W * W).sum() as sequential loops (the reductions cost compile time)
            for j in range(m):
                sa += a[j] * a[j]
            sw = 0.0
            for j in range(m):
                for l in range(d):
                    sw += W[j, l] * W[j, l]
            step = lr / (loss * (sa + sw) ** power)
        a = a - step * ga
        W = W - step * gW
    return -1


def _relu_margins(X, y, a, W, power=1):
    H = np.maximum(X @ W.T, 0.0) ** power
    return y * (H @ a)


def relu_net_logistic_gd(X, y, a0, W0, lr, n_iter, *, record=None, adaptive=False, power=1):
    r"""Gradient descent on the summed logistic loss of a two-layer ReLU network without biases.

    The model :math:`f(\theta; x) = \sum_{j=1}^m a_j\max(\langle w_j, x\rangle, 0)^k` (``k = power``) is :math:`(k+1)`-homogeneous in
    :math:`\theta = (a, W)`; the loss is :math:`L(\theta) = \sum_i\log(1 + e^{-q_i(\theta)})` with margins
    :math:`q_i = y_if(\theta; x_i)`. Lyu & Li (ICLR 2020) prove that once :math:`L < \log 2` the smoothed
    margin :math:`\log(1/(e^L-1))/\lVert\theta\rVert^{k+1}` is non-decreasing along gradient flow (their
    gradient-descent result needs a smooth model, which the ReLU network is not).

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels in {-1, +1}.
    a0 : array_like, shape (m,)
    W0 : array_like, shape (m, d)
    lr : float
        Step size, ``> 0``.
    n_iter : int
        Number of steps, ``>= 0``.
    record : array_like of int, optional
        Increasing times in ``[0, n_iter]``; default ``[n_iter]``.
    adaptive : bool, optional
        If True, the step is ``lr / (L(theta_t) * ||theta_t||**(2 * power))``: a time change of the
        same gradient flow (the discrete iterates differ), in which the loss decays exponentially in ``t``
        instead of like ``1/t``.
    power : int, optional
        1 (ReLU, the model is 2-homogeneous) or 2 (squared ReLU ``max(z, 0)**2``: 3-homogeneous and
        continuously differentiable).

    Returns
    -------
    ReluNetPath

    Examples
    --------
    >>> X = [[1.0, 0.5], [-1.0, 0.3]]
    >>> path = relu_net_logistic_gd(X, [1.0, -1.0], [1.0, -1.0], [[1.0, 0.0], [-1.0, 0.0]], 0.1, 500)
    >>> bool(path.loss[-1] < 0.1)
    True
    """
    X, y = _check_classification(X, y)
    a0 = check_array("a0", a0, ndim=1, min_len=1)
    W0 = check_array("W0", W0, ndim=2)
    if W0.shape != (a0.shape[0], X.shape[1]):
        raise ValueError(f"`W0` must have shape {(a0.shape[0], X.shape[1])} (len(a0), columns of X), got {W0.shape}.")
    lr = check_real("lr", lr, lower=0.0, lower_open=True, max_abs=1e3)
    n_iter = check_int("n_iter", n_iter, minimum=0, maximum=10**8)
    record = _check_record(record, n_iter)
    adaptive = check_bool("adaptive", adaptive)
    power = check_int("power", power, minimum=1, maximum=2)
    if adaptive and not (np.any(a0) and np.any(W0)):
        raise ValueError("`a0` and `W0` must be nonzero when `adaptive` is True.")
    k = record.shape[0]
    out_a = np.zeros((k, a0.shape[0]))
    out_W = np.zeros((k, *W0.shape))
    with np.errstate(all="ignore"):
        stop = _relu_gd_kernel(X, y, a0.copy(), W0.copy(), lr, n_iter, record, out_a, out_W, adaptive, power)
    if stop >= 0:
        raise ValueError(
            f"the loss fell below 1e-250 at step {stop}, where loss-normalised steps underflow: reduce `n_iter` or `lr`."
        )
    if not (np.all(np.isfinite(out_a)) and np.all(np.isfinite(out_W))):
        raise ValueError(f"gradient descent diverged: `lr` = {lr} is too large.")
    loss = np.empty(k)
    nm = np.empty(k)
    sm = np.full(k, np.nan)
    for r in range(k):
        q = _relu_margins(X, y, out_a[r], out_W[r], power)
        loss[r] = np.logaddexp(0.0, -q).sum()
        rho2 = out_a[r] @ out_a[r] + (out_W[r] ** 2).sum()
        rhoL = rho2 ** ((power + 1) / 2.0)
        nm[r] = q.min() / rhoL if rho2 > 0 else 0.0
        if loss[r] < np.log(2.0) and rho2 > 0:
            sm[r] = -np.log(np.expm1(loss[r])) / rhoL
    return ReluNetPath(record, out_a, out_W, loss, nm, sm)


def max_margin_kkt_residual(theta, margins, margin_grads, degree):
    r"""KKT residual of :math:`\min\frac12\lVert\theta\rVert^2` s.t. :math:`q_i(\theta)\ge1` at a rescaled point.

    For an ``degree``-homogeneous model, :math:`\theta` is rescaled to :math:`\hat\theta = \theta/q_{\min}^{1/L}` so
    that :math:`\min_iq_i(\hat\theta) = 1`; then multipliers :math:`\lambda\ge0` are fitted by non-negative least
    squares (:func:`scipy.optimize.nnls`) to the stationarity condition :math:`\hat\theta = \sum_i\lambda_i\nabla q_i(\hat\theta)`
    together with complementary slackness :math:`(q_i(\hat\theta) - 1)\lambda_i = 0` (extra least-squares rows).
    Returned are the relative stationarity residual :math:`\lVert\hat\theta - \sum_i\lambda_i\nabla q_i\rVert/\lVert\hat\theta\rVert`
    and the complementary-slackness gap :math:`\sum_i\lambda_i(q_i(\hat\theta) - 1)\ge0`; both vanish exactly at a
    KKT point (compare the approximate KKT points of Lyu & Li, ICLR 2020).

    Parameters
    ----------
    theta : array_like, shape (P,)
        Parameters (flattened).
    margins : array_like, shape (n,)
        :math:`q_i(\theta)`, with :math:`\min_iq_i > 0`.
    margin_grads : array_like, shape (n, P)
        :math:`\nabla q_i(\theta)`.
    degree : int
        Homogeneity degree :math:`L \ge 1`.

    Returns
    -------
    residual : float
    slackness : float
    lam : ndarray, shape (n,)
        The fitted multipliers (for :math:`\hat\theta`).

    Examples
    --------
    >>> r, s, lam = max_margin_kkt_residual([2.0, 0.0], [2.0, 4.0], [[1.0, 0.0], [0.0, 1.0]], 1)
    >>> round(r, 12), round(s, 12)
    (0.0, 0.0)
    """
    theta = check_array("theta", theta, ndim=1, min_len=1)
    margins = check_array("margins", margins, ndim=1, min_len=1)
    G = check_array("margin_grads", margin_grads, ndim=2)
    degree = check_int("degree", degree, minimum=1, maximum=100)
    if G.shape != (margins.shape[0], theta.shape[0]):
        raise ValueError(
            f"`margin_grads` must have shape {(margins.shape[0], theta.shape[0])} (len(margins), len(theta)), got {G.shape}."
        )
    qmin = float(margins.min())
    if qmin <= 0:
        raise ValueError(f"`margins` must all be > 0 (the data must be fitted), got min {qmin}.")
    if not np.any(theta):
        raise ValueError("`theta` must not be zero.")
    s = qmin ** (1.0 / degree)
    th = theta / s
    q = margins / qmin
    Gh = G / qmin ** ((degree - 1.0) / degree)
    # augmented NNLS: stationarity rows, plus rows (q_i - 1) lam_i that penalise multipliers on non-support points
    A = np.vstack([Gh.T, np.diag(q - 1.0)])
    lam, _ = optimize.nnls(A, np.concatenate([th, np.zeros(q.shape[0])]))
    res = float(np.linalg.norm(th - Gh.T @ lam) / np.linalg.norm(th))
    slack = float(lam @ (q - 1.0))
    return res, slack, lam


@njit(cache=True)
def _label_noise_kernel(u0, v0, target, sigma, lr, n_iter, n_runs, noise, record, out_u, out_v):
    for r in range(n_runs):
        u = u0
        v = v0
        k = 0
        for t in range(n_iter + 1):
            while k < record.shape[0] and record[k] == t:
                out_u[r, k] = u
                out_v[r, k] = v
                k += 1
            if t == n_iter:
                break
            res = u * v - (target + sigma * noise[r, t])
            u, v = u - lr * res * v, v - lr * res * u


def label_noise_sgd_product(u0, v0, target, sigma, lr, n_iter, *, n_runs=1, record=None, rng=None):
    r"""Label-noise SGD on the product model :math:`f(u, v) = uv` fitted to one target.

    Each step draws a fresh noisy label :math:`\tilde y_t = y + \sigma\xi_t`, :math:`\xi_t\sim N(0,1)`, and takes a
    gradient step on :math:`\frac12(uv - \tilde y_t)^2`:
    :math:`(u, v)\leftarrow(u - \eta r_tv,\ v - \eta r_tu)` with :math:`r_t = uv - \tilde y_t`. The minima form the
    hyperbola :math:`uv = y`; label noise drives the iterates to its minimum-trace-Hessian points
    :math:`|u| = |v| = \sqrt{|y|}` (Blanc et al. 2020; Damian, Ma & Lee 2021), because
    :math:`u_{t+1}^2 - v_{t+1}^2 = (1 - \eta^2r_t^2)(u_t^2 - v_t^2)` exactly. ``sigma = 0`` is plain gradient descent.

    Parameters
    ----------
    u0, v0 : float
        Start.
    target : float
        The label :math:`y`.
    sigma : float
        Label-noise standard deviation, ``>= 0``.
    lr : float
        Step size, ``> 0``.
    n_iter : int
        Number of steps, ``>= 0`` (at most ``10**7 / n_runs``).
    n_runs : int, optional
        Independent runs.
    record : array_like of int, optional
        Increasing times in ``[0, n_iter]``; default ``[n_iter]``.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    u, v : ndarray, shape (n_runs, len(record))

    Examples
    --------
    >>> u, v = label_noise_sgd_product(2.0, 0.5, 1.0, 0.0, 0.1, 100)
    >>> float(u[0, -1]), float(v[0, -1])
    (2.0, 0.5)
    """
    u0 = check_real("u0", u0, max_abs=1e3)
    v0 = check_real("v0", v0, max_abs=1e3)
    target = check_real("target", target, max_abs=1e3)
    sigma = check_real("sigma", sigma, lower=0.0, max_abs=1e3)
    lr = check_real("lr", lr, lower=0.0, lower_open=True, max_abs=10.0)
    n_runs = check_int("n_runs", n_runs, minimum=1, maximum=10**5)
    n_iter = check_int("n_iter", n_iter, minimum=0, maximum=10**7)
    if n_iter * n_runs > 10**7:
        raise ValueError(f"`n_iter` * `n_runs` must be <= 1e7, got {n_iter} * {n_runs}.")
    record = _check_record(record, n_iter)
    rng = check_rng(rng)
    noise = rng.standard_normal((n_runs, n_iter))
    k = record.shape[0]
    out_u = np.zeros((n_runs, k))
    out_v = np.zeros((n_runs, k))
    with np.errstate(all="ignore"):
        _label_noise_kernel(u0, v0, target, sigma, lr, n_iter, n_runs, noise, record, out_u, out_v)
    if not (np.all(np.isfinite(out_u)) and np.all(np.isfinite(out_v))):
        raise ValueError(f"label-noise SGD diverged: `lr` = {lr} is too large for this start and `sigma`.")
    return out_u, out_v
