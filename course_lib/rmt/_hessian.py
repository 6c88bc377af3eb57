"""Hessian, Gauss--Newton matrix and Fisher information of a one-hidden-layer softmax network, in closed form."""

from __future__ import annotations

import warnings
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
from scipy.linalg.blas import dsyrk
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

from .._validation import check_array, check_int, check_real, check_rng, check_sequence

try:  # the matrix-vector products of Lanczos are small: multi-threaded BLAS only adds overhead (and contention)
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn, but course_lib does not require it
    def threadpool_limits(*args, **kwargs):
        return nullcontext()

__all__ = [
    "MLPShape",
    "MLPTraining",
    "mlp_init",
    "mlp_loss_grad",
    "mlp_train",
    "mlp_logit_jacobian",
    "mlp_gauss_newton",
    "mlp_hessian",
    "mlp_empirical_fisher",
    "class_mean_gradient_gram",
    "prune_weights",
    "MLPTopEigen",
    "mlp_hvp",
    "mlp_top_eigenvalues",
    "cross_class_mean_gradients",
    "subspace_overlap",
    "obd_saliency",
    "quadratic_loss_change",
]


@dataclass(frozen=True)
class MLPShape:
    """Sizes of the network x -> W2 tanh(W1 x + b1) + b2: inputs ``d``, hidden units ``h``, classes ``C``.

    The parameter vector is ``[W1 (h x d, row-major), b1 (h), W2 (C x h, row-major), b2 (C)]``.

    Examples
    --------
    >>> shape = MLPShape(3, 4, 2)
    >>> shape.n_params, int(shape.weight_mask().sum())  # 4*3 + 4 + 2*4 + 2 parameters, 20 of them weights
    (26, 20)
    """

    d: int
    h: int
    C: int

    def __post_init__(self):
        for name in ("d", "h", "C"):
            object.__setattr__(self, name, check_int(name, getattr(self, name), minimum=1))

    @property
    def n_params(self):
        """Number of parameters :math:`P = hd + h + Ch + C`."""
        return self.h * self.d + self.h + self.C * self.h + self.C

    def weight_mask(self):
        """Boolean mask of the entries of ``W1`` and ``W2`` (the biases excluded)."""
        m = np.zeros(self.n_params, dtype=bool)
        m[: self.h * self.d] = True
        m[self.h * self.d + self.h: self.h * self.d + self.h + self.C * self.h] = True
        return m

    def unpack(self, theta):
        d, h, C = self.d, self.h, self.C
        i = 0
        w1 = theta[i:i + h * d].reshape(h, d); i += h * d  # noqa: E702
        b1 = theta[i:i + h]; i += h  # noqa: E702
        w2 = theta[i:i + C * h].reshape(C, h); i += C * h  # noqa: E702
        return w1, b1, w2, theta[i:i + C]


@dataclass(frozen=True)
class MLPTraining:
    """Result of :func:`mlp_train`.

    Attributes
    ----------
    theta : ndarray
        Final parameters.
    checkpoints : dict
        Step -> parameters at that step (the steps of ``record``).
    train_loss, val_loss : ndarray
        Losses at every step (``val_loss`` is NaN without validation data).
    grad_norm : float
        Norm of the final full-batch gradient.
    n_iter : int
    converged : bool
        ``grad_norm <= tol``.

    Examples
    --------
    >>> from course_lib.rmt import MLPShape, mlp_train
    >>> rng = np.random.default_rng(1)
    >>> X, y = rng.standard_normal((20, 2)), rng.integers(0, 2, 20)
    >>> res = mlp_train(X, y, MLPShape(2, 3, 2), lr=0.5, n_steps=10, rng=0)
    >>> type(res).__name__, res.train_loss.shape, res.n_iter
    ('MLPTraining', (11,), 10)
    """

    theta: np.ndarray
    checkpoints: dict
    train_loss: np.ndarray
    val_loss: np.ndarray
    grad_norm: float
    n_iter: int
    converged: bool


def _check_shape(shape):
    if not isinstance(shape, MLPShape):
        raise TypeError(
            f"`shape` must be an MLPShape(d, h, C), got {shape!r} of type {type(shape).__name__}."
        )
    return shape


def _check_data(X, y, shape, names=("X", "y")):
    _check_shape(shape)
    nx, ny = names
    X = check_array(nx, X, ndim=2)
    y = check_array(ny, y, ndim=1, dtype=np.int64)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"`{nx}` and `{ny}` must have the same number of rows, got {X.shape[0]} and {y.shape[0]}.")
    if X.shape[1] != shape.d:
        raise ValueError(f"`{nx}` must have shape[1] = d = {shape.d}, got {X.shape[1]}.")
    if np.any(y < 0) or np.any(y >= shape.C):
        raise ValueError(f"`{ny}` must contain class labels in 0..{shape.C - 1}.")
    return X, y


def _check_theta(theta, shape):
    _check_shape(shape)
    theta = check_array("theta", theta, ndim=1)
    if theta.size != shape.n_params:
        raise ValueError(f"`theta` must have {shape.n_params} entries, got {theta.size}.")
    return theta


def mlp_init(shape, rng=None, *, scale=1.0):
    r"""Initial parameters: :math:`W_1 \sim \mathcal N(0, s^2/d)`, :math:`W_2\sim\mathcal N(0, s^2/h)` entrywise, biases 0.

    ``scale`` is :math:`s = \sigma_w` (default 1, the LeCun initialisation).

    Examples
    --------
    >>> mlp_init(MLPShape(4, 3, 2), rng=0).shape
    (23,)
    """
    shape = _check_shape(shape)
    scale = check_real("scale", scale, lower=0.0, lower_open=True)
    rng = check_rng(rng)
    w1 = scale * rng.standard_normal((shape.h, shape.d)) / np.sqrt(shape.d)
    w2 = scale * rng.standard_normal((shape.C, shape.h)) / np.sqrt(shape.h)
    return np.concatenate([w1.ravel(), np.zeros(shape.h), w2.ravel(), np.zeros(shape.C)])


def _forward(theta, X, shape):
    w1, b1, w2, b2 = shape.unpack(theta)
    a = X @ w1.T + b1
    z = np.tanh(a)
    f = z @ w2.T + b2
    f = f - f.max(axis=1, keepdims=True)
    p = np.exp(f)
    p /= p.sum(axis=1, keepdims=True)
    return a, z, f, p


def mlp_loss_grad(theta, X, y, shape):
    r"""Mean softmax cross-entropy :math:`\frac1n\sum_i -\log p_{i,y_i}` and its gradient (back-propagation).

    Examples
    --------
    >>> s = MLPShape(4, 3, 2)
    >>> loss, g = mlp_loss_grad(np.zeros(s.n_params), np.ones((5, 4)), np.zeros(5, dtype=int), s)
    >>> bool(abs(loss - np.log(2)) < 1e-12), g.shape
    (True, (23,))
    """
    theta = _check_theta(theta, shape)
    X, y = _check_data(X, y, shape)
    return _loss_grad(theta, X, y, shape)


def _loss_grad(theta, X, y, shape):
    n = X.shape[0]
    _, z, f, p = _forward(theta, X, shape)
    loss = float(np.mean(np.log(np.exp(f).sum(axis=1)) - f[np.arange(n), y]))
    r = p.copy()
    r[np.arange(n), y] -= 1.0
    r /= n
    w2 = shape.unpack(theta)[2]
    delta = (r @ w2) * (1.0 - z**2)
    return loss, np.concatenate([(delta.T @ X).ravel(), delta.sum(0), (r.T @ z).ravel(), r.sum(0)])


def mlp_train(X, y, shape, *, lr, n_steps, momentum=0.0, rng=None, record=(), X_val=None, y_val=None, tol=1e-3):
    r"""Full-batch gradient descent (optionally heavy-ball momentum) on the mean cross-entropy.

    :math:`v_{t+1} = \beta v_t - \eta\nabla L(\theta_t)`, :math:`\theta_{t+1} = \theta_t + v_{t+1}`, from :func:`mlp_init`.

    Parameters
    ----------
    X, y : ndarray
        Training inputs ``(n, d)`` and labels in ``0..C-1``.
    shape : MLPShape
    lr : float
        Step size :math:`\eta > 0`.
    n_steps : int
    momentum : float
        :math:`\beta\in[0, 1)`.
    rng : seed or Generator, optional
        For the initialisation.
    record : sequence of int
        Steps at which to store the parameters (0 = initialisation).
    X_val, y_val : ndarray, optional
        Held-out data whose loss is recorded at every step.
    tol : float
        ``converged`` is ``grad_norm <= tol`` at the end.

    Returns
    -------
    MLPTraining

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]]); y = np.array([0, 1])
    >>> res = mlp_train(X, y, MLPShape(2, 3, 2), lr=1.0, n_steps=2000, rng=0, tol=1e-2)
    >>> bool(res.converged), bool(res.train_loss[-1] < 0.01)
    (True, True)
    """
    X, y = _check_data(X, y, shape)
    lr = check_real("lr", lr, lower=0.0, lower_open=True)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    momentum = check_real("momentum", momentum, lower=0.0, upper=1.0, upper_open=True)
    tol = check_real("tol", tol, lower=0.0)
    record = {int(check_int("record", r, minimum=0, maximum=n_steps)) for r in check_sequence("record", record, min_len=0)}
    has_val = X_val is not None
    if has_val:
        X_val, y_val = _check_data(X_val, y_val, shape, names=("X_val", "y_val"))
    theta = mlp_init(shape, rng)
    v = np.zeros_like(theta)
    checkpoints = {}
    train_loss = np.empty(n_steps + 1)
    val_loss = np.full(n_steps + 1, np.nan)
    for t in range(n_steps + 1):
        if t in record:
            checkpoints[t] = theta.copy()
        loss, g = _loss_grad(theta, X, y, shape)
        train_loss[t] = loss
        if has_val:
            val_loss[t] = _loss_grad(theta, X_val, y_val, shape)[0]
        if t < n_steps:
            v = momentum * v - lr * g
            theta = theta + v
    grad_norm = float(np.linalg.norm(g))
    return MLPTraining(theta, checkpoints, train_loss, val_loss, grad_norm, n_steps, grad_norm <= tol)


def mlp_logit_jacobian(theta, X, shape):
    r"""The Jacobians :math:`J_i = \partial f(x_i)/\partial\theta` of the logits, shape ``(n, C, P)``.

    With :math:`a = W_1x + b_1`, :math:`f = W_2\tanh(a) + b_2`: :math:`\partial f_k/\partial W_{1,ji} = W_{2,kj}\tanh'(a_j)x_i`,
    :math:`\partial f_k/\partial b_{1,j} = W_{2,kj}\tanh'(a_j)`, :math:`\partial f_k/\partial W_{2,k'j} = \delta_{kk'}\tanh(a_j)`,
    :math:`\partial f_k/\partial b_{2,k'} = \delta_{kk'}`.

    Examples
    --------
    >>> from course_lib.rmt import MLPShape, mlp_init, mlp_logit_jacobian
    >>> shape = MLPShape(3, 4, 2)  # d = 3 inputs, h = 4 hidden units, C = 2 classes: P = 26 parameters
    >>> theta = mlp_init(shape, rng=0)
    >>> rng = np.random.default_rng(1)
    >>> X, y = rng.standard_normal((10, 3)), rng.integers(0, 2, 10)
    >>> mlp_logit_jacobian(theta, X, shape).shape  # (n, C, P)
    (10, 2, 26)
    """
    theta = _check_theta(theta, shape)
    X = check_array("X", X, ndim=2)
    a, z, _, _ = _forward(theta, X, shape)
    w2 = shape.unpack(theta)[2]
    n, (d, h, C) = X.shape[0], (shape.d, shape.h, shape.C)
    s = w2[None, :, :] * (1.0 - z**2)[:, None, :]  # (n, C, h)
    eye = np.eye(C)
    return np.concatenate([(s[:, :, :, None] * X[:, None, None, :]).reshape(n, C, h * d), s,
                           (eye[None, :, :, None] * z[:, None, None, :]).reshape(n, C, C * h),
                           np.broadcast_to(eye, (n, C, C))], axis=2)


def mlp_gauss_newton(theta, X, y, shape, *, chunk=256):
    r"""The generalised Gauss--Newton matrix, equal to the Fisher information of the model's predictive distribution.

    .. math:: G = \frac1n\sum_i J_i^\top\bigl(\operatorname{diag}p_i - p_ip_i^\top\bigr)J_i
              = \frac1n\sum_i\sum_{c} p_{ic}\, g_{ic}g_{ic}^\top, \qquad g_{ic} = J_i^\top(p_i - e_c),

    :math:`g_{ic}` being the gradient of the loss of example :math:`i` if its label were :math:`c`. Computed as
    :math:`K^\top K/n` with :math:`K_i = A_i^\top J_i`, :math:`A_i = \operatorname{diag}\sqrt{p_i} - p_i\sqrt{p_i}^\top`
    (then :math:`A_iA_i^\top = \operatorname{diag}p_i - p_ip_i^\top` since :math:`\sum_c p_{ic} = 1`).

    Parameters
    ----------
    theta, X, y, shape
        As in :func:`mlp_loss_grad`.
    chunk : int
        Number of examples whose Jacobians are held in memory at once (``chunk * C * P`` floats).

    Returns
    -------
    ndarray
        :math:`G`, ``(P, P)``, exactly symmetric.

    References
    ----------
    .. [1] N. N. Schraudolph, "Fast curvature matrix-vector products for second-order gradient descent", Neural
       Computation 14 (2002).
    .. [2] V. Papyan, "Measurements of three-level hierarchical structure in the outliers in the spectrum of deepnet
       Hessians", ICML 2019, arXiv:1901.08244.

    Examples
    --------
    >>> from course_lib.rmt import MLPShape, mlp_gauss_newton, mlp_init
    >>> shape = MLPShape(3, 4, 2)  # d = 3 inputs, h = 4 hidden units, C = 2 classes: P = 26 parameters
    >>> theta = mlp_init(shape, rng=0)
    >>> rng = np.random.default_rng(1)
    >>> X, y = rng.standard_normal((10, 3)), rng.integers(0, 2, 10)
    >>> G = mlp_gauss_newton(theta, X, y, shape)
    >>> G.shape, bool(np.linalg.eigvalsh(G).min() > -1e-12)  # positive semi-definite
    ((26, 26), True)
    """
    theta = _check_theta(theta, shape)
    X, y = _check_data(X, y, shape)
    chunk = check_int("chunk", chunk, minimum=1)
    n, P = X.shape[0], shape.n_params
    G = np.zeros((P, P), order="F")
    for s in range(0, n, chunk):
        Xs = X[s:s + chunk]
        J = mlp_logit_jacobian(theta, Xs, shape)
        p = _forward(theta, Xs, shape)[3]
        sq = np.sqrt(p)
        K = sq[:, :, None] * J - sq[:, :, None] * np.einsum("nc,ncp->np", p, J)[:, None, :]
        # upper triangle of G + K^T K (half the flops of a product); K.T is Fortran-ordered, so BLAS reads it in place
        G = dsyrk(1.0, K.reshape(-1, P).T, beta=1.0, c=G, trans=0, overwrite_c=1)
    G = np.triu(G) + np.triu(G, 1).T
    return G / n


def mlp_hessian(theta, X, y, shape):
    r"""The exact Hessian of the mean cross-entropy, :math:`\nabla^2\hat R_n = G + E`.

    :math:`G` is :func:`mlp_gauss_newton` and :math:`E = \frac1n\sum_i\sum_k r_{ik}\nabla^2_\theta f_k(x_i)`, with the residuals
    :math:`r_i = p_i - e_{y_i}`. The logits are linear in :math:`W_2, b_2`, so only two kinds of blocks of :math:`E` are non-zero:
    for hidden unit :math:`j` and :math:`\tilde x = (x, 1)` (the weights and bias of unit :math:`j`),

    .. math:: E_{(j, \cdot), (j, \cdot)} = \frac1n\sum_i (r_i^\top W_2)_j\,\tanh''(a_{ij})\,\tilde x_i\tilde x_i^\top, \qquad
              E_{W_{2,kj}, (j,\cdot)} = \frac1n\sum_i r_{ik}\tanh'(a_{ij})\,\tilde x_i.

    :math:`E` vanishes where the network fits the data (:math:`r_i\to0`).

    Returns
    -------
    H, G : ndarray
        The Hessian :math:`\nabla^2\hat R_n` and the Gauss--Newton part :math:`G`, ``(P, P)`` each.

    References
    ----------
    .. [1] L. Sagun, U. Evci, V. U. Guney, Y. Dauphin, L. Bottou, "Empirical analysis of the Hessian of over-parametrized
       neural networks", ICLR workshop 2018, arXiv:1706.04454.

    Examples
    --------
    >>> from course_lib.rmt import MLPShape, mlp_gauss_newton, mlp_hessian, mlp_init
    >>> shape = MLPShape(3, 4, 2)  # d = 3 inputs, h = 4 hidden units, C = 2 classes: P = 26 parameters
    >>> theta = mlp_init(shape, rng=0)
    >>> rng = np.random.default_rng(1)
    >>> X, y = rng.standard_normal((10, 3)), rng.integers(0, 2, 10)
    >>> H, G = mlp_hessian(theta, X, y, shape)
    >>> H.shape, bool(np.allclose(G, mlp_gauss_newton(theta, X, y, shape)))
    ((26, 26), True)
    """
    theta = _check_theta(theta, shape)
    X, y = _check_data(X, y, shape)
    G = mlp_gauss_newton(theta, X, y, shape)
    n, d, h, C = X.shape[0], shape.d, shape.h, shape.C
    a, z, _, p = _forward(theta, X, shape)
    r = p.copy()
    r[np.arange(n), y] -= 1.0
    w2 = shape.unpack(theta)[2]
    dz = 1.0 - z**2
    d2z = -2.0 * z * dz
    xt = np.hstack([X, np.ones((n, 1))])
    E = np.zeros_like(G)
    c = (r @ w2) * d2z / n  # (n, h)
    w2_start = h * d + h
    for j in range(h):
        idx = np.concatenate([np.arange(j * d, (j + 1) * d), [h * d + j]])
        E[np.ix_(idx, idx)] = (xt * c[:, j:j + 1]).T @ xt
        cross = (r * dz[:, j:j + 1]).T @ xt / n  # (C, d + 1): row k couples W2[k, j] with unit j
        rows = w2_start + np.arange(C) * h + j
        E[np.ix_(rows, idx)] = cross
        E[np.ix_(idx, rows)] = cross.T
    return G + E, G


def mlp_empirical_fisher(theta, X, y, shape):
    r"""The empirical Fisher :math:`F = \frac1n\sum_i\nabla\ell_i\nabla\ell_i^\top = \frac1n\sum_i g_{iy_i}g_{iy_i}^\top`.

    It uses the observed labels instead of the model's predictive distribution, and so differs from :math:`G`
    (Kunstner, Balles, Hennig 2019).

    Examples
    --------
    >>> from course_lib.rmt import MLPShape, mlp_empirical_fisher, mlp_init
    >>> shape = MLPShape(3, 4, 2)  # d = 3 inputs, h = 4 hidden units, C = 2 classes: P = 26 parameters
    >>> theta = mlp_init(shape, rng=0)
    >>> rng = np.random.default_rng(1)
    >>> X, y = rng.standard_normal((10, 3)), rng.integers(0, 2, 10)
    >>> F = mlp_empirical_fisher(theta, X, y, shape)
    >>> F.shape, bool(np.allclose(F, F.T))
    ((26, 26), True)
    """
    theta = _check_theta(theta, shape)
    X, y = _check_data(X, y, shape)
    n = X.shape[0]
    p = _forward(theta, X, shape)[3]
    r = p.copy()
    r[np.arange(n), y] -= 1.0
    g = np.einsum("nc,ncp->np", r, mlp_logit_jacobian(theta, X, shape))
    return g.T @ g / n


def class_mean_gradient_gram(theta, X, y, shape):
    r"""The Gram matrix whose eigenvalues predict the outliers of :math:`G` (Papyan 2019).

    Write :math:`G = \sum_{c} w_c\,\mathbb E_c[gg^\top]` with the weights :math:`w_c = \frac1n\sum_i p_{ic}` and the law of
    :math:`g_{ic}` under the weights :math:`p_{ic}/(nw_c)`. The second moment of class :math:`c` splits into its mean
    :math:`\delta_c = \frac{1}{nw_c}\sum_i p_{ic}g_{ic}` and a covariance, and the means carry the outliers:

    .. math:: G = \underbrace{\sum_c w_c\,\delta_c\delta_c^\top}_{\text{rank}\,\le\,C-1} + \text{(within-class covariances)}.

    The rank is at most :math:`C-1` because :math:`\sum_c w_c\delta_c = \frac1n\sum_iJ_i^\top(p_i - \sum_c p_{ic}e_c) = 0`.
    The non-zero eigenvalues of the :math:`P\times P` matrix :math:`\sum_c w_c\delta_c\delta_c^\top` are those of the
    :math:`C\times C` Gram matrix :math:`M_{cc'} = \sqrt{w_cw_{c'}}\,\delta_c^\top\delta_{c'}` returned here.

    References
    ----------
    .. [1] V. Papyan, "Measurements of three-level hierarchical structure in the outliers in the spectrum of deepnet
       Hessians", ICML 2019, arXiv:1901.08244.

    Examples
    --------
    >>> from course_lib.rmt import MLPShape, class_mean_gradient_gram, mlp_init
    >>> shape = MLPShape(3, 4, 2)  # d = 3 inputs, h = 4 hidden units, C = 2 classes: P = 26 parameters
    >>> theta = mlp_init(shape, rng=0)
    >>> rng = np.random.default_rng(1)
    >>> X, y = rng.standard_normal((10, 3)), rng.integers(0, 2, 10)
    >>> class_mean_gradient_gram(theta, X, y, shape).shape  # C x C
    (2, 2)
    """
    theta = _check_theta(theta, shape)
    X, y = _check_data(X, y, shape)
    n, C = X.shape[0], shape.C
    p = _forward(theta, X, shape)[3]
    J = mlp_logit_jacobian(theta, X, shape)
    Jp = np.einsum("nc,ncp->np", p, J)  # J_i^T p_i
    w = p.mean(axis=0)
    # delta_c = sum_i p_ic (J_i^T p_i - J_i^T e_c) / (n w_c)
    delta = (p.T @ Jp - np.einsum("nc,ncp->cp", p, J)) / (n * w[:, None])
    v = np.sqrt(w)[:, None] * delta
    return v @ v.T


def prune_weights(theta, scores, fraction, mask):
    r"""Set to zero the fraction ``fraction`` of the entries selected by ``mask`` with the smallest ``scores``.

    Magnitude pruning uses :math:`|\theta_i|`; Optimal Brain Damage (LeCun, Denker, Solla 1990) uses the saliency
    :math:`\frac12 [\nabla^2\hat R_n]_{ii}\theta_i^2`, the second-order increase of the loss at a minimum when
    :math:`\theta_i` alone is removed.

    Examples
    --------
    >>> prune_weights(np.array([3.0, -1.0, 2.0, 5.0]), np.array([3.0, 1.0, 2.0, 5.0]), 0.5, np.ones(4, bool)).tolist()
    [3.0, 0.0, 0.0, 5.0]
    """
    theta = check_array("theta", theta, ndim=1)
    scores = check_array("scores", scores, ndim=1)
    fraction = check_real("fraction", fraction, lower=0.0, upper=1.0)
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        raise TypeError(f"`mask` must be a boolean array (True for the prunable entries), got dtype {mask.dtype}.")
    if scores.shape != theta.shape or mask.shape != theta.shape:
        raise ValueError("`theta`, `scores` and `mask` must have the same shape.")
    idx = np.flatnonzero(mask)
    k = int(round(fraction * idx.size))
    out = theta.copy()
    out[idx[np.argsort(scores[idx], kind="stable")[:k]]] = 0.0
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Curvature-vector products, top eigenvalues, class structure, pruning saliencies


@dataclass(frozen=True)
class MLPTopEigen:
    """Result of :func:`mlp_top_eigenvalues`.

    Attributes
    ----------
    eigenvalues : ndarray
        The ``k`` eigenvalues, in decreasing order.
    eigenvectors : ndarray
        ``(P, k)``, orthonormal columns, in the same order.
    n_matvec : int
        Number of curvature-vector products used by the Lanczos iteration.
    converged : bool

    Examples
    --------
    >>> from course_lib.rmt import MLPShape, mlp_init, mlp_top_eigenvalues
    >>> shape = MLPShape(3, 4, 2)  # d = 3 inputs, h = 4 hidden units, C = 2 classes: P = 26 parameters
    >>> theta = mlp_init(shape, rng=0)
    >>> rng = np.random.default_rng(1)
    >>> X, y = rng.standard_normal((10, 3)), rng.integers(0, 2, 10)
    >>> res = mlp_top_eigenvalues(theta, X, y, shape, k=2, rng=0)
    >>> type(res).__name__, res.eigenvalues.shape
    ('MLPTopEigen', (2,))
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    n_matvec: int
    converged: bool


_MATRICES = ("hessian", "gauss_newton")


def _check_matrix(matrix):
    if matrix not in _MATRICES:
        raise ValueError(f"`matrix` must be 'hessian' or 'gauss_newton', got {matrix!r}.")
    return matrix


def _hvp(theta, X, y, shape, v, gauss_newton):
    """Exact curvature-vector product by forward-mode differentiation of the back-propagated gradient."""
    n = X.shape[0]
    w1, b1, w2, _ = shape.unpack(theta)
    v1, c1, v2, c2 = shape.unpack(v)
    a = X @ w1.T + b1
    z = np.tanh(a)
    f = z @ w2.T + shape.unpack(theta)[3]
    f = f - f.max(axis=1, keepdims=True)
    p = np.exp(f)
    p /= p.sum(axis=1, keepdims=True)
    dz = 1.0 - z**2
    z_dot = dz * (X @ v1.T + c1)  # directional derivative of the hidden layer
    f_dot = z_dot @ w2.T + z @ v2.T + c2  # J_i v
    r_dot = (p * f_dot - p * np.sum(p * f_dot, axis=1, keepdims=True)) / n  # (diag p - pp^T) J v / n
    if gauss_newton:  # J^T r_dot with the network frozen at theta
        delta_dot = (r_dot @ w2) * dz
        return np.concatenate([(delta_dot.T @ X).ravel(), delta_dot.sum(0), (r_dot.T @ z).ravel(), r_dot.sum(0)])
    r = p.copy()
    r[np.arange(n), y] -= 1.0
    r /= n
    delta_dot = (r_dot @ w2 + r @ v2) * dz + (r @ w2) * (-2.0 * z * z_dot)
    return np.concatenate([(delta_dot.T @ X).ravel(), delta_dot.sum(0), (r_dot.T @ z + r.T @ z_dot).ravel(),
                           r_dot.sum(0)])


def mlp_hvp(theta, X, y, shape, v, *, matrix="hessian"):
    r"""Exact product of the Hessian (or of the Gauss--Newton matrix) with a vector, without forming the matrix.

    .. math:: \nabla^2\hat R_n(\theta)\,v = \frac{d}{d\varepsilon}\nabla\hat R_n(\theta + \varepsilon v)\Big|_{\varepsilon=0},
              \qquad Gv = \frac1n\sum_i J_i^\top\bigl(\operatorname{diag}p_i - p_ip_i^\top\bigr)J_iv,

    computed by differentiating back-propagation in the direction :math:`v` (Pearlmutter's :math:`\mathcal R`-operator):
    one forward pass for :math:`J_iv` and one backward pass, :math:`O(nP)` operations instead of the :math:`O(nCP^2)` of
    :func:`mlp_hessian`.

    Parameters
    ----------
    theta : ndarray
        Parameters, ``(P,)``.
    X, y : ndarray
        Inputs ``(n, d)`` and labels in ``0..C-1``.
    shape : MLPShape
    v : ndarray
        Direction, ``(P,)``.
    matrix : {'hessian', 'gauss_newton'}

    Returns
    -------
    ndarray
        ``(P,)``.

    Raises
    ------
    ValueError
        If the shapes do not match or ``matrix`` is unknown.

    References
    ----------
    .. [1] B. A. Pearlmutter, "Fast exact multiplication by the Hessian", Neural Computation 6 (1994) 147--160
       (the operator :math:`\mathcal R_v\{f(\theta)\} = \partial_r f(\theta + rv)|_{r=0}`, with
       :math:`\mathcal R_v\{\nabla\hat R_n\} = \nabla^2\hat R_n\,v`).
    .. [2] N. N. Schraudolph, "Fast curvature matrix-vector products for second-order gradient descent", Neural
       Computation 14 (2002) (the Gauss--Newton product).

    Examples
    --------
    >>> s = MLPShape(3, 2, 2)
    >>> rng = np.random.default_rng(0)
    >>> th, X, y, v = mlp_init(s, rng), rng.standard_normal((6, 3)), np.array([0, 1] * 3), rng.standard_normal(s.n_params)
    >>> bool(np.allclose(mlp_hvp(th, X, y, s, v), mlp_hessian(th, X, y, s)[0] @ v))
    True
    """
    theta = _check_theta(theta, shape)
    X, y = _check_data(X, y, shape)
    v = check_array("v", v, ndim=1)
    if v.size != shape.n_params:
        raise ValueError(f"`v` must have {shape.n_params} entries, got {v.size}.")
    return _hvp(theta, X, y, shape, v, _check_matrix(matrix) == "gauss_newton")


def mlp_top_eigenvalues(theta, X, y, shape, k=1, *, matrix="hessian", tol=1e-8, maxiter=None, rng=None):
    r"""The ``k`` largest eigenvalues of the Hessian (or Gauss--Newton matrix) by Lanczos iteration on :func:`mlp_hvp`.

    The sharpness :math:`\lambda_{\max}(\nabla^2\hat R_n)` is the first of them. ARPACK's implicitly restarted Lanczos
    method (``scipy.sparse.linalg.eigsh``, ``which='LA'``) needs only matrix-vector products. These are small, so BLAS is
    limited to one thread while it runs (through ``threadpoolctl`` when it is installed).

    Parameters
    ----------
    theta, X, y, shape
        As in :func:`mlp_hvp`.
    k : int
        Number of eigenvalues, ``1 <= k < P``.
    matrix : {'hessian', 'gauss_newton'}
    tol : float
        Relative accuracy of the eigenvalues requested from ARPACK.
    maxiter : int, optional
        Maximum number of ARPACK restarts (default ``20 * P``).
    rng : seed or Generator, optional
        For the starting vector.

    Returns
    -------
    MLPTopEigen
        ``converged`` is False, with a ``RuntimeWarning``, if ARPACK stopped before reaching ``tol``; only the eigenpairs
        that did converge are then returned (possibly fewer than ``k``, possibly none).

    Raises
    ------
    ValueError
        If ``k``, ``tol``, ``maxiter`` or ``matrix`` is out of range, or the shapes do not match.

    References
    ----------
    .. [1] R. B. Lehoucq, D. C. Sorensen, C. Yang, *ARPACK Users' Guide*, SIAM (1998).
    .. [2] J. Cohen, S. Kaur, Y. Li, J. Z. Kolter, A. Talwalkar, "Gradient descent on neural networks typically occurs
       at the edge of stability", ICLR 2021, arXiv:2103.00065 (the sharpness tracked with Lanczos).

    Examples
    --------
    >>> s = MLPShape(3, 2, 2)
    >>> rng = np.random.default_rng(0)
    >>> th, X, y = mlp_init(s, rng), rng.standard_normal((6, 3)), np.array([0, 1] * 3)
    >>> top = mlp_top_eigenvalues(th, X, y, s, k=2, rng=1)
    >>> bool(np.allclose(top.eigenvalues, np.linalg.eigvalsh(mlp_hessian(th, X, y, s)[0])[::-1][:2]))
    True
    """
    theta = _check_theta(theta, shape)
    X, y = _check_data(X, y, shape)
    P = shape.n_params
    k = check_int("k", k, minimum=1, maximum=P - 1)
    gn = _check_matrix(matrix) == "gauss_newton"
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    maxiter = 20 * P if maxiter is None else check_int("maxiter", maxiter, minimum=1)
    rng = check_rng(rng)
    count = [0]

    def mv(v):
        count[0] += 1
        return _hvp(theta, X, y, shape, np.asarray(v, dtype=np.float64).ravel(), gn)

    op = LinearOperator((P, P), matvec=mv, dtype=np.float64)
    converged = True
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            vals, vecs = eigsh(op, k=k, which="LA", tol=tol, v0=rng.standard_normal(P), maxiter=maxiter)
    except ArpackNoConvergence as exc:
        warnings.warn(f"mlp_top_eigenvalues: ARPACK did not converge within maxiter = {maxiter} restarts "
                      f"({exc.eigenvalues.size} of {k} eigenpairs converged); increase `maxiter` or `tol`.",
                      RuntimeWarning, stacklevel=2)
        vals, vecs, converged = exc.eigenvalues, exc.eigenvectors, False
    order = np.argsort(vals)[::-1]
    return MLPTopEigen(vals[order], vecs[:, order], count[0], converged)


def cross_class_mean_gradients(theta, X, y, shape):
    r"""Papyan's class/cross-class means of the per-label gradients, the source of the outliers of :math:`G`.

    With :math:`g_{ic'} = J_i^\top(p_i - e_{c'})` (the gradient at example :math:`i` had its label been :math:`c'`),
    :math:`G = \frac1n\sum_i\sum_{c'}p_{ic'}g_{ic'}g_{ic'}^\top`. Grouping the pairs :math:`(i, c')` by the true class
    :math:`c = y_i` and the label :math:`c'`, with weights :math:`w_{cc'} = \frac1n\sum_{i:y_i=c}p_{ic'}` and means
    :math:`\delta_{cc'} = \frac{1}{nw_{cc'}}\sum_{i:y_i=c}p_{ic'}g_{ic'}`,

    .. math:: G = \sum_{c,c'} w_{cc'}\,\delta_{cc'}\delta_{cc'}^\top + \sum_{c,c'} w_{cc'}\,\Sigma_{cc'},

    :math:`\Sigma_{cc'}` the covariance of the :math:`g_{ic'}` of class :math:`c` under the same weights. Because
    :math:`\sum_{c'}w_{cc'}\delta_{cc'} = \frac1n\sum_{i:y_i=c}J_i^\top(p_i - \sum_{c'}p_{ic'}e_{c'}) = 0` for every
    :math:`c`, the first sum has rank at most :math:`C(C-1)`. Summing over the true class gives the coarser means
    :math:`\delta_{c'}` of :func:`class_mean_gradient_gram` (rank :math:`\le C - 1`).

    Parameters
    ----------
    theta, X, y, shape
        As in :func:`mlp_gauss_newton`.

    Returns
    -------
    weights : ndarray
        :math:`w_{cc'}`, ``(C, C)``, summing to 1.
    means : ndarray
        :math:`\delta_{cc'}`, ``(C, C, P)`` (zero where a class has no example).

    References
    ----------
    .. [1] V. Papyan, "Measurements of three-level hierarchical structure in the outliers in the spectrum of deepnet
       Hessians", ICML 2019, arXiv:1901.08244.
    .. [2] V. Papyan, "Traces of class/cross-class structure pervade deep learning spectra", JMLR 21 (2020),
       arXiv:2008.11865.

    Examples
    --------
    >>> s = MLPShape(3, 2, 2)
    >>> rng = np.random.default_rng(0)
    >>> th, X, y = mlp_init(s, rng), rng.standard_normal((6, 3)), np.array([0, 1] * 3)
    >>> w, m = cross_class_mean_gradients(th, X, y, s)
    >>> bool(np.allclose(np.einsum("ab,abp->ap", w, m), 0.0))
    True
    """
    theta = _check_theta(theta, shape)
    X, y = _check_data(X, y, shape)
    n, C, P = X.shape[0], shape.C, shape.n_params
    p = _forward(theta, X, shape)[3]
    J = mlp_logit_jacobian(theta, X, shape)
    Jp = np.einsum("nc,ncp->np", p, J)
    onehot = np.zeros((n, C))
    onehot[np.arange(n), y] = 1.0
    weights = onehot.T @ p / n  # w_{cc'}
    # sum_{i in c} p_ic' g_ic' = sum_{i in c} p_ic' (J_i^T p_i - J_i^T e_c')
    sums = np.einsum("nc,nk,np->ckp", onehot, p, Jp) - np.einsum("nc,nk,nkp->ckp", onehot, p, J)
    means = np.zeros((C, C, P))
    pos = weights > 0
    means[pos] = sums[pos] / (n * weights[pos])[:, None]
    return weights, means


def subspace_overlap(U, V):
    r"""Fraction of the span of ``U`` that lies in the span of ``V``: :math:`\frac1k\lVert Q_V^\top Q_U\rVert_F^2`.

    :math:`Q_U` (``k`` columns) and :math:`Q_V` are orthonormal bases of the column spans; the value is the mean of the
    squared cosines of the principal angles between the two subspaces, 1 when :math:`\operatorname{span}U\subseteq
    \operatorname{span}V`, 0 when they are orthogonal, and about :math:`\dim V/P` for a random ``U`` in :math:`\mathbb R^P`.

    Parameters
    ----------
    U : ndarray
        ``(P, k)``, full column rank.
    V : ndarray
        ``(P, m)``; columns that are numerically zero or dependent are dropped (rank by SVD, relative cut-off
        :math:`10^{-10}`).

    Returns
    -------
    float

    References
    ----------
    .. [1] G. H. Golub, C. F. Van Loan, *Matrix Computations*, 4th ed., Johns Hopkins University Press (2013)
       (principal angles between subspaces, computed from an SVD).

    Examples
    --------
    >>> e = np.eye(3)
    >>> round(subspace_overlap(e[:, :1] + e[:, 1:2], e[:, :1]), 12)
    0.5
    """
    U = check_array("U", U, ndim=2)
    V = check_array("V", V, ndim=2)
    if U.shape[0] != V.shape[0]:
        raise ValueError(f"`U` and `V` must have the same number of rows, got {U.shape[0]} and {V.shape[0]}.")
    if U.shape[1] == 0 or V.shape[1] == 0:
        raise ValueError(f"`U` and `V` must have at least one column, got shapes {U.shape} and {V.shape}.")
    qu, su, _ = np.linalg.svd(U, full_matrices=False)
    if su[-1] <= 1e-10 * su[0]:
        raise ValueError("`U` must have full column rank.")
    qv, sv, _ = np.linalg.svd(V, full_matrices=False)
    qv = qv[:, sv > 1e-10 * sv[0]] if sv[0] > 0 else qv[:, :0]
    return float(np.sum((qv.T @ qu) ** 2) / U.shape[1])


def obd_saliency(theta, hessian_diag):
    r"""Optimal Brain Damage saliency :math:`s_i = \frac12\,[\nabla^2\hat R_n]_{ii}\,\theta_i^2` of every parameter.

    At a minimum (zero gradient), removing :math:`\theta_i` alone changes the loss by :math:`s_i` up to third order;
    OBD removes the parameters of smallest saliency, neglecting the off-diagonal terms of the Hessian.

    Parameters
    ----------
    theta : ndarray
        ``(P,)``.
    hessian_diag : ndarray
        The diagonal of the Hessian, ``(P,)``.

    Returns
    -------
    ndarray

    References
    ----------
    .. [1] Y. LeCun, J. S. Denker, S. A. Solla, "Optimal brain damage", NIPS 2 (1990) (the saliency
       :math:`s_k = h_{kk}u_k^2/2` of its pruning recipe).

    Examples
    --------
    >>> obd_saliency(np.array([1.0, -2.0]), np.array([4.0, 1.0])).tolist()
    [2.0, 2.0]
    """
    theta = check_array("theta", theta, ndim=1)
    hessian_diag = check_array("hessian_diag", hessian_diag, ndim=1)
    if hessian_diag.shape != theta.shape:
        raise ValueError(f"`hessian_diag` must have the shape of `theta`, {theta.shape}, got {hessian_diag.shape}.")
    return 0.5 * hessian_diag * theta**2


def quadratic_loss_change(grad, hessian, delta):
    r"""Second-order Taylor prediction :math:`g^\top\delta + \frac12\delta^\top\nabla^2\hat R_n\,\delta` of a loss change.

    The error is the cubic remainder, :math:`|\hat R_n(\theta+\delta) - \hat R_n(\theta) - q(\delta)|\le\frac16 T\lVert\delta\rVert^3`
    with :math:`T` a bound on the third derivative along the segment.

    Parameters
    ----------
    grad : ndarray
        Gradient at :math:`\theta`, ``(P,)``.
    hessian : ndarray
        Hessian at :math:`\theta`, ``(P, P)``.
    delta : ndarray
        Displacement, ``(P,)``; for pruning, :math:`\delta = -\theta\odot\mathbb 1_{\text{pruned}}`.

    Returns
    -------
    float

    References
    ----------
    .. [1] B. Hassibi, D. G. Stork, "Second order derivatives for network pruning: optimal brain surgeon", NIPS 5
       (1993).

    Examples
    --------
    >>> quadratic_loss_change(np.array([1.0, 0.0]), np.diag([2.0, 4.0]), np.array([1.0, 1.0]))
    4.0
    """
    grad = check_array("grad", grad, ndim=1)
    hessian = check_array("hessian", hessian, ndim=2)
    delta = check_array("delta", delta, ndim=1)
    P = grad.size
    if delta.size != P or hessian.shape != (P, P):
        raise ValueError(f"`hessian` must be ({P}, {P}) and `delta` must have {P} entries to match `grad`.")
    return float(grad @ delta + 0.5 * delta @ hessian @ delta)
