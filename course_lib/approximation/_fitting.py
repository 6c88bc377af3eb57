"""Fitting shallow ReLU networks: free-knot least squares in 1-D, random features in any dimension."""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy import optimize

from .._validation import check_array, check_int, check_real, check_rng
from ._network import ReLUNet
from ._pieces import _check_interval

__all__ = ["shallow_fit", "random_feature_fit"]


@njit(cache=True)
def _cholesky_solve(g, rhs):
    """Solve g x = rhs for symmetric positive definite g (p x p) and rhs (p x q), in place on copies."""
    p = g.shape[0]
    low = np.zeros((p, p))
    for i in range(p):
        for j in range(i + 1):
            acc = g[i, j]
            for k in range(j):
                acc -= low[i, k] * low[j, k]
            if i == j:
                low[i, i] = np.sqrt(max(acc, 1e-300))
            else:
                low[i, j] = acc / low[j, j]
    q = rhs.shape[1]
    out = rhs.copy()
    for col in range(q):
        for i in range(p):
            acc = out[i, col]
            for k in range(i):
                acc -= low[i, k] * out[k, col]
            out[i, col] = acc / low[i, i]
        for i in range(p - 1, -1, -1):
            acc = out[i, col]
            for k in range(i + 1, p):
                acc -= low[k, i] * out[k, col]
            out[i, col] = acc / low[i, i]
    return out


@njit(cache=True)
def _varpro_kernel(x, y, a, knots, ridge, out_resid, out_jac, out_coef):
    """Variable projection for the hinge basis [1, x - a, relu(x - knot_j)].

    out_coef: least-squares coefficients (normal equations with a relative ridge); out_resid = A c - y;
    out_jac: Kaufman's approximation of d resid / d knots, -P_perp (dA/dknot_j) c.
    """
    n = x.shape[0]
    n_k = knots.shape[0]
    p = n_k + 2
    A = np.empty((n, p))
    for i in range(n):
        A[i, 0] = 1.0
        A[i, 1] = x[i] - a
        for j in range(n_k):
            A[i, j + 2] = max(x[i] - knots[j], 0.0)
    g = np.zeros((p, p))
    rhs = np.zeros((p, 1))
    for i in range(n):
        for r in range(p):
            rhs[r, 0] += A[i, r] * y[i]
            for q in range(r + 1):
                g[r, q] += A[i, r] * A[i, q]
    for r in range(p):
        for q in range(r):
            g[q, r] = g[r, q]
    scale = 0.0
    for r in range(p):
        scale = max(scale, g[r, r])
    for r in range(p):
        g[r, r] += ridge * scale
    coef = _cholesky_solve(g, rhs)
    for r in range(p):
        out_coef[r] = coef[r, 0]
    for i in range(n):
        acc = -y[i]
        for r in range(p):
            acc += A[i, r] * coef[r, 0]
        out_resid[i] = acc
    # dA_j = -1[x > knot_j] c_{j+2};  B = A^T dA;  X = G^-1 B;  J = dA - A X
    bmat = np.zeros((p, n_k))
    for i in range(n):
        for j in range(n_k):
            if x[i] > knots[j]:
                d = -coef[j + 2, 0]
                for r in range(p):
                    bmat[r, j] += A[i, r] * d
    xmat = _cholesky_solve(g, bmat)
    for i in range(n):
        for j in range(n_k):
            acc = -coef[j + 2, 0] if x[i] > knots[j] else 0.0
            for r in range(p):
                acc -= A[i, r] * xmat[r, j]
            out_jac[i, j] = acc


def _varpro(x, y, a, knots):
    n_k = knots.size
    resid = np.empty(x.size)
    jac = np.empty((x.size, n_k))
    coef = np.empty(n_k + 2)
    _varpro_kernel(x, y, a, np.ascontiguousarray(knots, dtype=float), 1e-13, resid, jac, coef)
    return resid, jac, coef


@njit(cache=True)
def _random_feature_normal_equations(x, y, w, beta, out_gram, out_rhs):
    """Accumulate the Gram matrix and right-hand side of [1, relu(x w^T - beta)] without forming the features."""
    n, d = x.shape
    m = w.shape[0]
    phi = np.empty(m + 1)
    for i in range(n):
        phi[0] = 1.0
        for j in range(m):
            z = -beta[j]
            for k in range(d):
                z += x[i, k] * w[j, k]
            phi[j + 1] = z if z > 0.0 else 0.0
        for r in range(m + 1):
            if phi[r] == 0.0:
                continue
            out_rhs[r, 0] += phi[r] * y[i]
            for q in range(r + 1):
                out_gram[r, q] += phi[r] * phi[q]
    for r in range(m + 1):
        for q in range(r):
            out_gram[q, r] = out_gram[r, q]


def shallow_fit(f, n_units, a=0.0, b=1.0, *, knots0=None, n_grid=4097, n_starts=4, rng=None, max_nfev=100):
    r"""Least-squares fit of a one-hidden-layer ReLU network with ``n_units`` units to ``f`` on :math:`[a,b]`.

    The network is :math:`c_0 + c_1\sigma(x - a) + \sum_{j=1}^{N-1} c_{j+1}\sigma(x - \tau_j)`
    with free knots :math:`\tau_j \in [a, b]`: on :math:`[a,b]` a continuous piecewise-linear
    function with :math:`N` pieces. The squared error on a uniform grid of ``n_grid`` points is
    minimised by variable projection: for fixed knots the coefficients solve a linear least-squares
    problem, and the knots follow a Levenberg--Marquardt iteration on the projected residual
    (Golub--Pereyra, with Kaufman's Jacobian; knots are clipped to :math:`[a, b]`). The problem is
    not convex and has many local minima:
    the best of ``n_starts`` starts (``knots0`` if given, uniform knots, then random ones) is
    returned -- a local minimum, not a certified global one. A start informed by the target (e.g.
    its own breakpoints) is usually much better than a blind one.

    Parameters
    ----------
    f : callable
        Vectorised target (a :class:`ReLUNet` with one input works too).
    n_units : int
        Number of hidden units :math:`N \ge 1`.
    a, b : float
        The interval.
    knots0 : array_like, shape (n_units - 1,), optional
        A first starting configuration of the interior knots, in :math:`[a, b]`.
    n_grid : int
        Number of grid points, ``>= n_units + 2``.
    n_starts : int
        Number of starting configurations, ``>= 1``.
    rng : None, int or numpy.random.Generator
        For the random starts.
    max_nfev : int
        Iteration budget of each start.

    Returns
    -------
    ReLUNet
        Widths ``(1, n_units, 1)``.

    References
    ----------
    .. [1] G. Golub, V. Pereyra, "Separable nonlinear least squares: the variable projection method
       and its applications", Inverse Problems 19 (2003) R1-R26.
    .. [2] C. de Boor, *A Practical Guide to Splines*, Springer (1978), Ch. XII (free knots).

    Examples
    --------
    >>> net = shallow_fit(np.abs, 2, a=-1.0, b=1.0, n_grid=201)  # one interior knot suffices
    >>> float(np.max(np.abs(net(np.linspace(-1, 1, 11)) - np.abs(np.linspace(-1, 1, 11))))) < 1e-8
    True
    """
    n_units = check_int("n_units", n_units, minimum=1)
    a, b = _check_interval(a, b)
    n_grid = check_int("n_grid", n_grid, minimum=n_units + 2)
    n_starts = check_int("n_starts", n_starts, minimum=1)
    max_nfev = check_int("max_nfev", max_nfev, minimum=1)
    if not callable(f):
        raise TypeError(f"`f` must be a callable, got {type(f).__name__}.")
    rng = check_rng(rng)
    x = np.linspace(a, b, n_grid)
    y = check_array("f(x)", f(x), ndim=1)
    if y.shape != x.shape:
        raise ValueError(f"`f` must return one value per point, got shape {y.shape} for {x.shape}.")
    n_knots = n_units - 1
    starts = []
    if knots0 is not None:
        knots0 = check_array("knots0", knots0, ndim=1)
        if knots0.shape != (n_knots,):
            raise ValueError(f"`knots0` must hold n_units - 1 = {n_knots} knots, got shape {knots0.shape}.")
        if np.any(knots0 < a) or np.any(knots0 > b):
            raise ValueError(f"`knots0` must lie in [a, b] = [{a}, {b}].")
        starts.append(np.sort(knots0))
    starts.append(a + (b - a) * np.arange(1, n_knots + 1) / n_units)
    while len(starts) < n_starts:
        starts.append(np.sort(rng.uniform(a, b, n_knots)))
    best = None
    for start in starts[:n_starts]:
        if n_knots == 0:
            knots = np.zeros(0)
        else:
            cache = {}

            def fun(k):
                cache["r"], cache["j"], _ = _varpro(x, y, a, np.clip(k, a, b))
                cache["k"] = k.copy()
                return cache["r"]

            def jac(k):
                if "k" not in cache or not np.array_equal(cache["k"], k):
                    fun(k)
                return cache["j"]

            sol = optimize.least_squares(fun, start, jac=jac, method="lm", max_nfev=max_nfev, x_scale="jac")
            knots = np.sort(np.clip(sol.x, a, b))
        resid, _, coef = _varpro(x, y, a, knots)
        sse = float(resid @ resid)
        if best is None or sse < best[0]:
            best = (sse, knots, coef)
    _, knots, coef = best
    w1 = np.ones((n_units, 1))
    b1 = -np.concatenate([[a], knots])
    return ReLUNet([w1, coef[1:][None, :]], [b1, np.array([coef[0]])])


def random_feature_fit(x, y, width, rng=None, *, ridge=1e-10):
    r"""Fit a one-hidden-layer ReLU network with random, frozen inner weights (random features).

    The inner weights are drawn once, :math:`w_j` uniform on the unit sphere
    :math:`S^{d-1}` and :math:`\beta_j` uniform on :math:`[-r, r]` with :math:`r = \max_i\lVert x_i\rVert`
    (so that every hyperplane :math:`\{w_j\cdot x = \beta_j\}` may cut the data), and only the
    outer layer is fitted, by ridge-regularised least squares:

    .. math:: \hat f(x) = c_0 + \sum_{j=1}^N c_j\,\sigma(w_j\cdot x - \beta_j), \qquad
       \hat c = \operatorname{argmin}_c \sum_i (\hat f(x_i) - y_i)^2 + \lambda n \lVert c\rVert^2 .

    If :math:`f(x) = \mathbb E_{(w,\beta)}[a(w,\beta)\sigma(w\cdot x - \beta)]` with
    :math:`\mathbb E a^2 < \infty`, the Monte Carlo average of :math:`N` features already reaches
    :math:`L^2` error :math:`O(N^{-1/2})`, and the least-squares fit does at least as well on the
    training points.

    Parameters
    ----------
    x : array_like, shape (n, d) or (n,)
    y : array_like, shape (n,)
    width : int
        Number of features :math:`N \ge 1`.
    rng : None, int or numpy.random.Generator
    ridge : float
        :math:`\lambda \ge 0`. The normal equations are solved by a compiled Cholesky factorisation
        (no multi-threaded BLAS call); the tiny default keeps them well conditioned when features are
        nearly collinear.

    Returns
    -------
    ReLUNet
        Widths ``(d, width, 1)``; all :math:`(d+2)N + 1` parameters count in ``n_params``, although
        only :math:`N + 1` were fitted.

    References
    ----------
    .. [1] A. Rahimi, B. Recht, "Uniform approximation of functions with random bases",
       Allerton 2008.
    .. [2] F. Bach, "Breaking the curse of dimensionality with convex neural networks", JMLR 18 (2017),
       arXiv:1412.8690.
    .. [3] A. R. Barron, "Universal approximation bounds for superpositions of a sigmoidal function",
       IEEE Trans. Inf. Theory 39 (1993) 930-945.

    Examples
    --------
    >>> x = np.linspace(-1, 1, 200)
    >>> net = random_feature_fit(x, x**2, 50, rng=0)
    >>> float(np.max(np.abs(net(x) - x**2))) < 1e-2
    True
    """
    x = check_array("x", x, ndim=(1, 2), min_len=1)
    if x.ndim == 1:
        x = x[:, None]
    y = check_array("y", y, ndim=1)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"`y` must have one entry per row of `x` ({x.shape[0]}), got {y.shape[0]}.")
    width = check_int("width", width, minimum=1)
    ridge = check_real("ridge", ridge, lower=0.0)
    rng = check_rng(rng)
    n, d = x.shape
    w = rng.standard_normal((width, d))
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    r = float(np.max(np.linalg.norm(x, axis=1)))
    beta = rng.uniform(-r, r, width)
    gram = np.zeros((width + 1, width + 1))
    rhs = np.zeros((width + 1, 1))
    _random_feature_normal_equations(x, y, w, beta, gram, rhs)
    # ridge on the outer weights (not the constant), plus a relative jitter of 1e-12 that keeps the Cholesky
    # factorisation defined when features coincide (e.g. two units inactive on every sample)
    scale = float(np.max(np.diag(gram)))
    diag = np.full(width + 1, ridge * n + 1e-12 * scale)
    diag[0] = 1e-12 * scale
    gram[np.diag_indices(width + 1)] += diag
    coef = _cholesky_solve(gram, rhs)[:, 0]
    return ReLUNet([w, coef[1:][None, :]], [-beta, np.array([coef[0]])])
