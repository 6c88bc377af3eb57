"""Implicit bias: minimum-norm interpolation, the hard-margin SVM, diagonal linear networks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy import optimize

from .._validation import check_array, check_int, check_real

__all__ = [
    "min_norm_interpolant",
    "min_l1_interpolant",
    "SVMResult",
    "hard_margin_svm",
    "DLNResult",
    "diagonal_linear_network",
    "diagonal_net_interpolant",
]


def _check_xy(X, y):
    X = check_array("X", X, ndim=2, min_len=1)
    y = check_array("y", y, ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have length {X.shape[0]} (the rows of `X`), got {y.shape[0]}.")
    return X, y


def min_norm_interpolant(X, y):
    r"""The interpolant of minimum Euclidean norm, :math:`X^+ y = \operatorname{argmin}\{\lVert\theta\rVert : X\theta = y\}`.

    Computed from the SVD (:func:`numpy.linalg.lstsq`); equal to
    :math:`X^\top (XX^\top)^{-1} y` when the rows of :math:`X` are independent.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)

    Returns
    -------
    ndarray, shape (p,)

    Raises
    ------
    ValueError
        If no interpolant exists (``y`` is not in the range of ``X``).

    Examples
    --------
    >>> min_norm_interpolant([[1.0, 1.0]], [2.0])
    array([1., 1.])
    """
    X, y = _check_xy(X, y)
    theta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = np.linalg.norm(X @ theta - y)
    if resid > 1e-9 * max(1.0, np.linalg.norm(y)):
        raise ValueError(
            f"no interpolant exists: `y` is not in the range of `X` (least-squares residual {resid:.3g})."
        )
    return theta


def min_l1_interpolant(X, y):
    r"""An interpolant of minimum :math:`\ell_1` norm (basis pursuit), by linear programming.

    .. math:: \min \lVert\beta\rVert_1 \quad\text{s.t.}\quad X\beta = y ,

    written as a linear program in :math:`(\beta^+, \beta^-) \ge 0` and solved to a vertex
    by the HiGHS simplex method (:func:`scipy.optimize.linprog`).

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)

    Returns
    -------
    ndarray, shape (p,)

    Raises
    ------
    ValueError
        If no interpolant exists.

    Examples
    --------
    >>> from course_lib.optimization import min_l1_interpolant
    >>> min_l1_interpolant([[1.0, 2.0, 0.5]], [1.0]).round(12).tolist()  # all weight on the largest coefficient
    [0.0, 0.5, 0.0]
    """
    X, y = _check_xy(X, y)
    p = X.shape[1]
    res = optimize.linprog(np.ones(2 * p), A_eq=np.hstack([X, -X]), b_eq=y, bounds=(0, None), method="highs-ds")
    if res.status != 0:
        raise ValueError(f"no interpolant exists, or the linear program failed: {res.message}")
    return res.x[:p] - res.x[p:]


@dataclass(frozen=True)
class SVMResult:
    """Result of :func:`hard_margin_svm`.

    Attributes
    ----------
    w : ndarray, shape (p,)
        The max-margin vector normalised to margin one: :math:`\\min_i y_i\\langle w, x_i\\rangle = 1`.
    direction : ndarray, shape (p,)
        :math:`w / \\lVert w\\rVert`.
    margin : float
        The geometric margin :math:`1/\\lVert w\\rVert`.
    dual : ndarray, shape (n,)
        Lagrange multipliers :math:`\\alpha_i \\ge 0` with :math:`w = \\sum_i \\alpha_i y_i x_i`.
    support : ndarray of int
        Indices of the support vectors (:math:`\\alpha_i > 0`).

    Examples
    --------
    >>> from course_lib.optimization import hard_margin_svm
    >>> res = hard_margin_svm([[1.0, 0.0], [-1.0, 0.0]], [1, -1])
    >>> type(res).__name__, res.direction.tolist(), round(res.margin, 12)
    ('SVMResult', [1.0, 0.0], 1.0)
    """

    w: np.ndarray
    direction: np.ndarray
    margin: float
    dual: np.ndarray
    support: np.ndarray


def _ldp(Z):
    """Least-distance programming min |w| s.t. Z w >= 1 (Lawson & Hanson 1974); None if infeasible."""
    n, p = Z.shape
    E = np.vstack([Z.T, np.ones((1, n))])
    f = np.zeros(p + 1)
    f[-1] = 1.0
    u, _ = optimize.nnls(E, f, maxiter=50 * (n + p + 1))
    r = E @ u - f
    if np.linalg.norm(r) < 1e-10 or -r[-1] < 1e-12:
        return None, None
    w = -r[:p] / r[-1]
    alpha = u / (-r[-1])  # multipliers of the constraints, w = Z^T alpha
    return w, alpha


def hard_margin_svm(X, y, *, tol=1e-9):
    r"""Exact hard-margin SVM through the origin: the max-margin direction of separable data.

    .. math:: \hat w = \operatorname{argmin}\,\{\lVert w\rVert^2 : y_i\langle w, x_i\rangle \ge 1,\ i=1,\dots,n\},
              \qquad \text{margin } \gamma = 1/\lVert\hat w\rVert .

    This is a least-distance program. It is solved exactly by Lawson and Hanson's
    reduction to non-negative least squares [1]_ (a finite active-set method,
    :func:`scipy.optimize.nnls`), after which the active set is *polished*: with
    :math:`Z_S` the rows :math:`y_ix_i^\top` of the support vectors, :math:`\alpha_S` solves
    :math:`Z_SZ_S^\top\alpha_S = \mathbf 1` and :math:`\hat w = Z_S^\top\alpha_S`. The
    Karush--Kuhn--Tucker conditions (:math:`\alpha\ge0`, feasibility, complementary
    slackness) are verified to ``tol`` before returning. This is the direction to
    which gradient descent on the logistic loss converges [2]_.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
        Labels in {-1, +1}.
    tol : float
        Tolerance of the KKT verification.

    Returns
    -------
    SVMResult

    Raises
    ------
    ValueError
        If the labels are not +-1, or the data are not linearly separable through the origin.

    References
    ----------
    .. [1] C. L. Lawson and R. J. Hanson, *Solving Least Squares Problems*, Prentice-Hall (1974),
       algorithm LDP.
    .. [2] D. Soudry, E. Hoffer, M. S. Nacson, S. Gunasekar and N. Srebro, "The implicit
       bias of gradient descent on separable data", JMLR 19 (2018) 1-57.

    Examples
    --------
    >>> res = hard_margin_svm([[1.0, 1.0], [-1.0, 0.0]], [1.0, -1.0])
    >>> np.round(res.w, 12) + 0.0, round(res.margin, 12)
    (array([1., 0.]), 1.0)
    """
    X, y = _check_xy(X, y)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    if not np.all(np.abs(y) == 1.0):
        raise ValueError("`y` must contain only the labels -1 and +1.")
    Z = X * y[:, None]
    w, alpha = _ldp(Z)
    if w is None:
        raise ValueError("the data are not linearly separable through the origin: no hard-margin SVM exists.")
    # polish on the active set
    margins = Z @ w
    S = np.flatnonzero((alpha > tol * max(1.0, alpha.max())) | (np.abs(margins - 1.0) < 1e-10))
    ZS = Z[S]
    aS, *_ = np.linalg.lstsq(ZS @ ZS.T, np.ones(S.size), rcond=None)
    w_pol = ZS.T @ aS
    if np.all(aS >= -tol) and np.all(Z @ w_pol >= 1.0 - tol) and np.allclose(ZS @ w_pol, 1.0, atol=tol):
        w, alpha = w_pol, np.zeros(y.size)
        alpha[S] = np.maximum(aS, 0.0)
    # KKT verification
    margins = Z @ w
    if not (np.all(alpha >= -tol) and margins.min() >= 1 - tol and np.all(alpha * (margins - 1.0) <= tol * (1 + alpha))
            and np.linalg.norm(Z.T @ alpha - w) <= tol * max(1.0, np.linalg.norm(w))):
        raise RuntimeError("hard_margin_svm: the KKT conditions could not be verified (degenerate data?).")
    support = np.flatnonzero(alpha > tol)
    norm = float(np.linalg.norm(w))
    return SVMResult(w=w, direction=w / norm, margin=1.0 / norm, dual=alpha, support=support)


def _is_separable(X, y):
    """Whether (X, y) is strictly linearly separable through the origin."""
    w, _ = _ldp(X * y[:, None])
    return w is not None


@njit(cache=True)
def _dln_kernel(X, y, init_scale, lr, n_iter, tol, out_beta, out_info):
    """GD on L(u, v) = |X(u*u - v*v) - y|^2 / (2n), u(0) = v(0) = init_scale; stops when the loss < tol."""
    n, p = X.shape
    u = np.full(p, init_scale)
    v = np.full(p, init_scale)
    beta = np.zeros(p)
    r = np.empty(n)
    g = np.empty(p)
    loss = 0.0
    k = 0
    for k in range(n_iter + 1):
        for j in range(p):
            beta[j] = u[j] * u[j] - v[j] * v[j]
        loss = 0.0
        for i in range(n):
            s = 0.0
            for j in range(p):
                s += X[i, j] * beta[j]
            r[i] = s - y[i]
            loss += r[i] * r[i]
        loss *= 0.5 / n
        if loss < tol or k == n_iter:
            break
        for j in range(p):
            s = 0.0
            for i in range(n):
                s += X[i, j] * r[i]
            g[j] = s / n
        for j in range(p):
            u[j] -= lr * 2.0 * u[j] * g[j]
            v[j] += lr * 2.0 * v[j] * g[j]
    for j in range(p):
        out_beta[j] = beta[j]
    out_info[0] = loss
    out_info[1] = k


@dataclass(frozen=True)
class DLNResult:
    """Result of :func:`diagonal_linear_network`.

    Attributes
    ----------
    beta : ndarray, shape (p,)
        The linear predictor :math:`\\beta = u\\odot u - v\\odot v` at the end.
    loss : float
        The training loss at the end.
    n_iter : int
        Steps taken.
    converged : bool
        Whether the loss fell below the tolerance.

    Examples
    --------
    >>> from course_lib.optimization import diagonal_linear_network
    >>> res = diagonal_linear_network([[1.0, 2.0, 0.5]], [1.0], 0.1, 0.05, 5000)
    >>> type(res).__name__, res.beta.shape
    ('DLNResult', (3,))
    """

    beta: np.ndarray
    loss: float
    n_iter: int
    converged: bool


def diagonal_linear_network(X, y, init_scale, lr, n_iter, *, tol=1e-12):
    r"""Gradient descent on a diagonal linear network, :math:`f(x) = \langle u\odot u - v\odot v, x\rangle`.

    .. math:: L(u, v) = \frac1{2n}\lVert X(u\odot u - v\odot v) - y\rVert^2, \qquad
              u_0 = v_0 = \alpha\mathbf 1 ,

    with :math:`\alpha` = ``init_scale``. Under gradient flow the predictor stays of the form
    :math:`\beta(t) = 2\alpha^2\sinh(X^\top\nu(t))` and converges to the interpolant minimising
    the hyperbolic entropy :math:`Q_\alpha` (see :func:`diagonal_net_interpolant`) [1]_: the
    minimum-:math:`\ell_1` interpolant as :math:`\alpha\to0`, the minimum-:math:`\ell_2` one as
    :math:`\alpha\to\infty`. Iterations stop when the loss falls below ``tol``.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    init_scale : float
        :math:`\alpha > 0`.
    lr : float
        Step :math:`\eta > 0`.
    n_iter : int
        Maximum number of steps, >= 1.
    tol : float
        Loss at which to stop.

    Returns
    -------
    DLNResult

    References
    ----------
    .. [1] B. Woodworth, S. Gunasekar, J. D. Lee, E. Moroshko, P. Savarese, I. Golan,
       D. Soudry and N. Srebro, "Kernel and rich regimes in overparametrized models",
       COLT 2020.

    Examples
    --------
    >>> from course_lib.optimization import diagonal_linear_network
    >>> res = diagonal_linear_network([[1.0, 2.0, 0.5]], [1.0], 0.1, 0.05, 5000)
    >>> res.converged, bool(abs(res.beta @ [1.0, 2.0, 0.5] - 1.0) < 1e-5)
    (True, True)
    """
    X, y = _check_xy(X, y)
    init_scale = check_real("init_scale", init_scale, lower=0.0, lower_open=True)
    lr = check_real("lr", lr, lower=0.0, lower_open=True)
    n_iter = check_int("n_iter", n_iter, minimum=1)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    beta = np.empty(X.shape[1])
    info = np.empty(2)
    _dln_kernel(X, y, init_scale, lr, n_iter, tol, beta, info)
    if not np.all(np.isfinite(beta)):
        raise FloatingPointError(f"gradient descent diverged: reduce `lr` (got {lr}).")
    return DLNResult(beta=beta, loss=float(info[0]), n_iter=int(info[1]), converged=bool(info[0] < tol))


def diagonal_net_interpolant(X, y, init_scale):
    r"""The interpolant selected by gradient flow on a diagonal linear network (Woodworth et al. 2020).

    .. math:: \beta_\alpha = \operatorname{argmin}\{Q_\alpha(\beta) : X\beta = y\},\qquad
              Q_\alpha(\beta) = \alpha^2\sum_j q\bigl(\beta_j/\alpha^2\bigr),\quad
              q(z) = 2 - \sqrt{4 + z^2} + z\,\operatorname{arcsinh}(z/2).

    By the KKT conditions :math:`\beta_\alpha = 2\alpha^2\sinh(X^\top\nu)` with :math:`\nu` solving
    :math:`2\alpha^2 X\sinh(X^\top\nu) = y`, the gradient condition of the strictly convex dual
    :math:`D(\nu) = 2\alpha^2\sum_j\cosh((X^\top\nu)_j) - \langle\nu, y\rangle`; it is solved by
    Newton's method with backtracking to machine precision.

    Parameters
    ----------
    X : array_like, shape (n, p), rows independent
    y : array_like, shape (n,)
    init_scale : float
        :math:`\alpha > 0`.

    Returns
    -------
    ndarray, shape (p,)

    Raises
    ------
    ValueError
        If Newton's method does not converge.

    Examples
    --------
    >>> from course_lib.optimization import diagonal_net_interpolant
    >>> diagonal_net_interpolant([[1.0, 2.0, 0.5]], [1.0], 1e-3).round(3).tolist()  # small scale: near the l1 one
    [0.001, 0.5, 0.0]
    """
    X, y = _check_xy(X, y)
    a2 = 2.0 * check_real("init_scale", init_scale, lower=0.0, lower_open=True) ** 2
    n = X.shape[0]
    nu = np.zeros(n)

    def dual(v):
        z = X.T @ v
        if np.max(np.abs(z)) > 700.0:  # cosh overflows: outside any useful region
            return np.inf
        return a2 * np.sum(np.cosh(z)) - v @ y

    f = dual(nu)
    for _ in range(500):
        z = X.T @ nu
        g = a2 * X @ np.sinh(z) - y
        if np.linalg.norm(g) <= 1e-12 * max(1.0, np.linalg.norm(y)):
            return a2 * np.sinh(X.T @ nu)
        Hm = a2 * (X * np.cosh(z)) @ X.T
        step = np.linalg.solve(Hm, g)
        t = 1.0
        while True:
            cand = nu - t * step
            fc = dual(cand)
            if np.isfinite(fc) and (fc <= f - 1e-4 * t * (g @ step) + 1e-13 * abs(f) or t < 1e-14):
                break
            t *= 0.5
        nu, f = cand, fc
    raise ValueError("diagonal_net_interpolant: Newton's method did not converge (is Xbeta = y solvable?).")
