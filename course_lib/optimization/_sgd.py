"""Stochastic and full-batch gradient descent on the empirical risks, many runs in one compiled kernel."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy import linalg

from .._validation import DivergenceWarning, check_array, check_int, check_real, check_rng
from ._problems import LeastSquares, Logistic

__all__ = [
    "SGDResult",
    "GDPath",
    "step_schedule",
    "sgd",
    "gradient_descent",
    "least_squares_sgd_moments",
    "least_squares_sgd_stationary",
    "sgd_limit_covariance",
]

# splitmix64 constants (Steele, Lea & Flood 2014); passed to the kernels as arguments.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True)
def _sample_slope(kind, z, yi):
    """Derivative of the loss of one example with respect to its margin z = <x_i, theta>."""
    if kind == 0:
        return z - yi
    m = yi * z
    # -y * sigmoid(-y z), computed without overflow
    if m >= 0:
        e = np.exp(-m)
        return -yi * e / (1.0 + e)
    return -yi / (1.0 + np.exp(m))


@njit(cache=True)
def _sgd_kernel(kind, X, y, ridge, theta0, etas, seeds, record, golden, mix1, mix2, out_theta, out_avg):
    """Run len(seeds) independent SGD chains; chain r draws its indices from splitmix64 seeded by seeds[r]."""
    n, p = X.shape
    n_iter = etas.shape[0]
    n_rec = record.shape[0]
    nn = np.uint64(n)
    s30, s27, s31 = np.uint64(30), np.uint64(27), np.uint64(31)
    theta = np.empty(p)
    avg = np.empty(p)
    for r in range(seeds.shape[0]):
        state = seeds[r]
        for j in range(p):
            theta[j] = theta0[j]
            avg[j] = theta0[j]
        pos = 0
        while pos < n_rec and record[pos] == 0:
            for j in range(p):
                out_theta[r, pos, j] = theta[j]
                out_avg[r, pos, j] = avg[j]
            pos += 1
        for k in range(n_iter):
            state = state + golden
            zz = state
            zz = (zz ^ (zz >> s30)) * mix1
            zz = (zz ^ (zz >> s27)) * mix2
            zz = zz ^ (zz >> s31)
            i = np.int64(zz % nn)
            z = 0.0
            for j in range(p):
                z += X[i, j] * theta[j]
            s = _sample_slope(kind, z, y[i])
            eta = etas[k]
            for j in range(p):
                theta[j] -= eta * (s * X[i, j] + ridge * theta[j])
            w = 1.0 / (k + 1.0)
            for j in range(p):
                if k == 0:
                    avg[j] = theta[j]
                else:
                    avg[j] += w * (theta[j] - avg[j])
            while pos < n_rec and record[pos] == k + 1:
                for j in range(p):
                    out_theta[r, pos, j] = theta[j]
                    out_avg[r, pos, j] = avg[j]
                pos += 1


@njit(cache=True)
def _gd_kernel(kind, X, y, ridge, theta0, lr, n_iter, record, out_theta, out_risk):
    """Full-batch gradient descent with constant step ``lr``; stores iterates and risks at ``record``."""
    n, p = X.shape
    n_rec = record.shape[0]
    theta = theta0.copy()
    grad = np.empty(p)
    pos = 0
    for k in range(n_iter + 1):
        # risk and gradient at theta (the risk is needed only at recorded times)
        for j in range(p):
            grad[j] = ridge * theta[j]
        risk = 0.0
        while_rec = pos < n_rec and record[pos] == k
        for i in range(n):
            z = 0.0
            for j in range(p):
                z += X[i, j] * theta[j]
            s = _sample_slope(kind, z, y[i])
            for j in range(p):
                grad[j] += s * X[i, j] / n
            if while_rec:
                if kind == 0:
                    risk += 0.5 * (z - y[i]) ** 2 / n
                else:
                    m = y[i] * z
                    if m > 0:
                        risk += np.log1p(np.exp(-m)) / n
                    else:
                        risk += (-m + np.log1p(np.exp(m))) / n
        while pos < n_rec and record[pos] == k:
            sq = 0.0
            for j in range(p):
                out_theta[pos, j] = theta[j]
                sq += theta[j] * theta[j]
            out_risk[pos] = risk + 0.5 * ridge * sq
            pos += 1
        if k == n_iter:
            break
        for j in range(p):
            theta[j] -= lr * grad[j]


def _check_problem(problem):
    if not isinstance(problem, (LeastSquares, Logistic)):
        raise TypeError(
            f"`problem` must be a LeastSquares or Logistic instance, got {type(problem).__name__}."
        )
    return problem


def _check_theta0(theta0, p):
    theta0 = check_array("theta0", theta0, ndim=1)
    if theta0.shape[0] != p:
        raise ValueError(f"`theta0` must have length {p} (the dimension of the problem), got {theta0.shape[0]}.")
    return theta0


def _check_record(record, n_iter):
    if record is None:
        return np.array([n_iter], dtype=np.int64)
    rec = np.asarray(record)
    if rec.ndim != 1 or rec.size == 0 or not np.issubdtype(rec.dtype, np.integer):
        raise TypeError("`record` must be a non-empty 1-d array of integer iteration numbers.")
    rec = rec.astype(np.int64)
    if np.any(np.diff(rec) <= 0) or rec[0] < 0 or rec[-1] > n_iter:
        raise ValueError(f"`record` must be strictly increasing integers in [0, n_iter={n_iter}].")
    return rec


def step_schedule(c, n_iter, *, power=1.0, offset=0.0):
    r"""Decreasing step sizes :math:`\eta_k = c\,(k + k_0)^{-a}`, :math:`k = 1, \dots, n_{\mathrm{iter}}`.

    With :math:`a \in (1/2, 1]` they satisfy the Robbins--Monro conditions
    :math:`\sum_k \eta_k = \infty`, :math:`\sum_k \eta_k^2 < \infty` [1]_. The offset
    :math:`k_0 \ge 0` keeps the first steps stable without changing the asymptotics.

    Parameters
    ----------
    c : float
        Step constant, > 0.
    n_iter : int
        Number of steps, >= 1.
    power : float
        Exponent :math:`a`, in (0, 1].
    offset : float
        :math:`k_0 \ge 0`.

    Returns
    -------
    ndarray of shape (n_iter,)

    References
    ----------
    .. [1] H. Robbins and S. Monro, "A stochastic approximation method",
       Ann. Math. Statist. 22 (1951) 400-407.

    Examples
    --------
    >>> step_schedule(2.0, 3)
    array([2.        , 1.        , 0.66666667])
    """
    c = check_real("c", c, lower=0.0, lower_open=True)
    n_iter = check_int("n_iter", n_iter, minimum=1)
    power = check_real("power", power, lower=0.0, upper=1.0, lower_open=True)
    offset = check_real("offset", offset, lower=0.0)
    return c * (np.arange(1, n_iter + 1) + offset) ** (-power)


@dataclass(frozen=True)
class SGDResult:
    """Result of :func:`sgd`.

    Attributes
    ----------
    times : ndarray of int, shape (k,)
        Iteration numbers at which the iterates were recorded.
    theta : ndarray, shape (n_runs, k, p)
        Iterates :math:`\\theta_t` of every run at every recorded time.
    average : ndarray, shape (n_runs, k, p)
        Polyak--Ruppert averages :math:`\\bar\\theta_t = \\frac1t\\sum_{s=1}^t \\theta_s` (``theta0`` at t = 0).
    steps : ndarray, shape (n_iter,)
        The step sizes used.

    Examples
    --------
    >>> from course_lib.optimization import LeastSquares, sgd
    >>> res = sgd(LeastSquares([[1.0], [1.0]], [0.0, 2.0]), [0.0], 0.1, 100, n_runs=2, rng=0)
    >>> type(res).__name__, res.theta.shape, res.average.shape
    ('SGDResult', (2, 1, 1), (2, 1, 1))
    """

    times: np.ndarray
    theta: np.ndarray
    average: np.ndarray
    steps: np.ndarray

    def errors(self, theta_star, *, averaged=False):
        r"""Distances :math:`\lVert\theta_t - \theta_*\rVert`, shape (n_runs, k)."""
        th = self.average if averaged else self.theta
        return np.linalg.norm(th - np.asarray(theta_star, dtype=float), axis=2)


def sgd(problem, theta0, steps, n_iter, n_runs=1, rng=None, *, record=None):
    r"""Plain SGD on an empirical risk, ``n_runs`` independent runs in one compiled kernel.

    .. math:: \theta_{k} = \theta_{k-1} - \eta_k \nabla \ell_{i_k}(\theta_{k-1}),
              \qquad i_k \sim \mathrm{Unif}\{1,\dots,n\} \text{ i.i.d.},

    with :math:`\ell_i` the loss of example :math:`i` (ridge included), so that
    :math:`\mathbb{E}\nabla\ell_{i_k}(\theta) = \nabla\hat R_n(\theta)`. Each run draws its
    indices from its own splitmix64 stream, seeded with a 64-bit integer drawn
    from ``rng``; the Polyak--Ruppert average of the iterates is accumulated
    along the way.

    Parameters
    ----------
    problem : LeastSquares or Logistic
    theta0 : array_like, shape (p,)
        Common starting point.
    steps : float or array_like of shape (n_iter,)
        A constant step :math:`\eta > 0`, or the positive sequence :math:`\eta_1,\dots,\eta_{n_{\mathrm{iter}}}`
        (see :func:`step_schedule`).
    n_iter : int
        Number of steps, >= 1.
    n_runs : int
        Number of independent runs, >= 1.
    rng : None, int or numpy.random.Generator
    record : array_like of int, optional
        Strictly increasing iteration numbers in ``[0, n_iter]`` at which to store the
        iterates (default: only ``n_iter``).

    Returns
    -------
    SGDResult

    Raises
    ------
    FloatingPointError
        If an iterate becomes non-finite (the step size is too large).

    References
    ----------
    .. [1] L. Bottou, F. E. Curtis and J. Nocedal, "Optimization methods for
       large-scale machine learning", SIAM Review 60 (2018) 223-311.

    Examples
    --------
    >>> pb = LeastSquares([[1.0], [1.0]], [0.0, 2.0])
    >>> res = sgd(pb, [0.0], 0.1, 1000, n_runs=3, rng=0)
    >>> res.theta.shape
    (3, 1, 1)
    """
    problem = _check_problem(problem)
    theta0 = _check_theta0(theta0, problem.p)
    n_iter = check_int("n_iter", n_iter, minimum=1)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    if np.ndim(steps) == 0:
        eta = check_real("steps", steps, lower=0.0, lower_open=True)
        etas = np.full(n_iter, eta)
    else:
        etas = check_array("steps", steps, ndim=1)
        if etas.shape[0] != n_iter:
            raise ValueError(f"`steps` must have length n_iter={n_iter}, got {etas.shape[0]}.")
        if np.any(etas <= 0):
            raise ValueError("`steps` must be positive step sizes.")
    rec = _check_record(record, n_iter)
    rng = check_rng(rng)
    seeds = rng.integers(0, np.iinfo(np.uint64).max, size=n_runs, dtype=np.uint64, endpoint=True)
    out_theta = np.empty((n_runs, rec.size, problem.p))
    out_avg = np.empty_like(out_theta)
    _sgd_kernel(problem.kind, problem.X, problem.y, problem.ridge, theta0, etas, seeds, rec,
                _GOLDEN, _MIX1, _MIX2, out_theta, out_avg)
    if not (np.all(np.isfinite(out_theta)) and np.all(np.isfinite(out_avg))):
        raise FloatingPointError(
            f"SGD diverged (a non-finite iterate): reduce the step size `steps` (largest step {float(etas.max()):g})."
        )
    return SGDResult(times=rec, theta=out_theta, average=out_avg, steps=etas)


@dataclass(frozen=True)
class GDPath:
    """Result of :func:`gradient_descent`.

    Attributes
    ----------
    times : ndarray of int, shape (k,)
    theta : ndarray, shape (k, p)
        Iterates at the recorded times.
    risk : ndarray, shape (k,)
        Empirical risk at the recorded times.
    lr : float

    Examples
    --------
    >>> from course_lib.optimization import LeastSquares, gradient_descent
    >>> path = gradient_descent(LeastSquares([[1.0], [1.0]], [0.0, 2.0]), [0.0], 0.5, 5)
    >>> type(path).__name__, path.times.tolist(), path.theta[-1].tolist()
    ('GDPath', [0, 1, 2, 3, 4, 5], [0.96875])
    """

    times: np.ndarray
    theta: np.ndarray
    risk: np.ndarray
    lr: float


def gradient_descent(problem, theta0, lr, n_iter, *, record=None):
    r"""Full-batch gradient descent :math:`\theta_{t+1} = \theta_t - \eta\nabla\hat R_n(\theta_t)`, path recorded.

    Parameters
    ----------
    problem : LeastSquares or Logistic
    theta0 : array_like, shape (p,)
    lr : float
        Constant step :math:`\eta > 0`. Divergence may be the user's experiment: it is not an
        error, but a ``RuntimeWarning`` naming ``lr`` is issued when an iterate becomes non-finite.
    n_iter : int
        Number of steps, >= 0.
    record : array_like of int, optional
        Strictly increasing times in ``[0, n_iter]`` (default: every step).

    Returns
    -------
    GDPath

    Examples
    --------
    >>> pb = LeastSquares([[1.0, 1.0]], [2.0])
    >>> gradient_descent(pb, [0.0, 0.0], 0.5, 50).theta[-1].round(12)
    array([1., 1.])
    """
    problem = _check_problem(problem)
    theta0 = _check_theta0(theta0, problem.p)
    lr = check_real("lr", lr, lower=0.0, lower_open=True)
    n_iter = check_int("n_iter", n_iter, minimum=0)
    rec = np.arange(n_iter + 1, dtype=np.int64) if record is None else _check_record(record, n_iter)
    out_theta = np.empty((rec.size, problem.p))
    out_risk = np.empty(rec.size)
    _gd_kernel(problem.kind, problem.X, problem.y, problem.ridge, theta0, lr, n_iter, rec, out_theta, out_risk)
    if not (np.all(np.isfinite(out_theta)) and np.all(np.isfinite(out_risk))):
        warnings.warn(
            f"gradient descent diverged (non-finite iterates from the recorded time "
            f"{int(rec[np.argmax(~np.isfinite(out_risk) | ~np.isfinite(out_theta).all(axis=1))])}): "
            f"the step size `lr` = {lr:g} is too large for this problem; reduce `lr`.",
            DivergenceWarning,
            stacklevel=2,
        )
    return GDPath(times=rec, theta=out_theta, risk=out_risk, lr=lr)


def _ls_moment_parts(problem):
    X, lam = problem.X, problem.ridge
    theta_star = problem.minimizer()
    xi = problem.sample_grads(theta_star)  # zero-mean noise at the minimiser
    H = problem.hessian(theta_star)
    return X, lam, theta_star, xi, H


def _ls_second_order(X, lam, M):
    """(1/n) sum_i H_i M H_i with H_i = x_i x_i^T + lam I."""
    n = X.shape[0]
    q = np.einsum("ij,jk,ik->i", X, M, X)
    S = X.T @ X / n
    return (X.T * q) @ X / n + lam * (S @ M + M @ S) + lam**2 * M


def least_squares_sgd_moments(problem, theta0, steps, n_iter):
    r"""Exact first and second moments of the SGD error on least squares, at every step.

    For :class:`LeastSquares` the error :math:`e_k = \theta_k - \theta_*` obeys
    :math:`e_{k} = (I - \eta_k A_{i_k}) e_{k-1} - \eta_k \xi_{i_k}` with
    :math:`A_i = x_i x_i^\top + \lambda_{\mathrm{reg}} I` and :math:`\xi_i = \nabla\ell_i(\theta_*)`,
    :math:`\frac1n\sum_i \xi_i = 0`. Hence, with :math:`m_k = \mathbb{E}e_k`,
    :math:`\mathcal{M}_k = \mathbb{E}e_k e_k^\top`, :math:`A = \frac1n\sum_i A_i`, :math:`\Sigma = \frac1n\sum_i\xi_i\xi_i^\top`,

    .. math:: m_k = (I - \eta_k A) m_{k-1}, \qquad
              \mathcal{M}_k = \mathcal{M}_{k-1} - \eta_k (A \mathcal{M}_{k-1} + \mathcal{M}_{k-1} A)
              + \eta_k^2\Bigl[\tfrac1n\textstyle\sum_i A_i \mathcal{M}_{k-1} A_i
              + \tfrac1n\sum_i (A_i m_{k-1}\xi_i^\top + \xi_i m_{k-1}^\top A_i) + \Sigma\Bigr],

    an exact linear recursion (no approximation).

    Parameters
    ----------
    problem : LeastSquares
    theta0 : array_like, shape (p,)
    steps : float or array_like of shape (n_iter,)
    n_iter : int

    Returns
    -------
    mean : ndarray, shape (n_iter + 1, p)
        :math:`m_k` for k = 0..n_iter.
    second : ndarray, shape (n_iter + 1, p, p)
        :math:`\mathcal{M}_k`.

    Examples
    --------
    >>> from course_lib.optimization import LeastSquares, least_squares_sgd_moments
    >>> pb = LeastSquares([[1.0], [1.0]], [0.0, 2.0])
    >>> mean, cov = least_squares_sgd_moments(pb, [0.0], 0.1, 100)
    >>> mean.shape, cov.shape, round(float(cov[-1, 0, 0]), 4)  # -> the stationary 0.1/(2 - 0.1)
    ((101, 1), (101, 1, 1), 0.0526)
    """
    if not isinstance(problem, LeastSquares):
        raise TypeError(f"`problem` must be a LeastSquares instance, got {type(problem).__name__}.")
    theta0 = _check_theta0(theta0, problem.p)
    n_iter = check_int("n_iter", n_iter, minimum=1)
    if np.ndim(steps) == 0:
        etas = np.full(n_iter, check_real("steps", steps, lower=0.0, lower_open=True))
    else:
        etas = check_array("steps", steps, ndim=1)
        if etas.shape[0] != n_iter:
            raise ValueError(f"`steps` must have length n_iter={n_iter}, got {etas.shape[0]}.")
        if np.any(etas <= 0):
            raise ValueError("`steps` must be positive step sizes.")
    X, lam, theta_star, xi, H = _ls_moment_parts(problem)
    n, p = X.shape
    Sigma = xi.T @ xi / n
    Hi_xi = lambda m: (X.T * ((X @ m)[None, :])) @ xi / n + lam * np.outer(m, xi.mean(axis=0))  # noqa: E731
    m = theta0 - theta_star
    M = np.outer(m, m)
    mean = np.empty((n_iter + 1, p))
    second = np.empty((n_iter + 1, p, p))
    mean[0], second[0] = m, M
    for k in range(n_iter):
        eta = etas[k]
        C = Hi_xi(m)  # (1/n) sum_i H_i m xi_i^T
        M = M - eta * (H @ M + M @ H) + eta**2 * (_ls_second_order(X, lam, M) + C + C.T + Sigma)
        m = m - eta * (H @ m)
        mean[k + 1], second[k + 1] = m, M
    return mean, second


def least_squares_sgd_stationary(problem, lr):
    r"""Exact stationary second moment of constant-step SGD on least squares.

    The stationary law of :math:`e_k = \theta_k - \theta_*` has mean 0 and second
    moment :math:`\mathcal{M}_\infty(\eta)` solving the linear equation

    .. math:: A \mathcal{M} + \mathcal{M} A - \eta\,\tfrac1n\textstyle\sum_i A_i \mathcal{M} A_i = \eta\,\Sigma ,

    so that :math:`\mathcal{M}_\infty(\eta) = \eta V_1 + O(\eta^2)` with :math:`AV_1 + V_1A = \Sigma`:
    the plateau of the error is proportional to the step.

    Parameters
    ----------
    problem : LeastSquares
    lr : float
        Constant step :math:`\eta > 0`, small enough for a stationary law to exist.

    Returns
    -------
    ndarray, shape (p, p)

    Raises
    ------
    ValueError
        If the step is too large for the second moment to stay bounded.

    Examples
    --------
    >>> from course_lib.optimization import LeastSquares, least_squares_sgd_stationary
    >>> pb = LeastSquares([[1.0], [1.0]], [0.0, 2.0])
    >>> least_squares_sgd_stationary(pb, 0.1).round(6).tolist()  # eta sigma^2/(2 - eta) with sigma^2 = 1
    [[0.052632]]
    """
    if not isinstance(problem, LeastSquares):
        raise TypeError(f"`problem` must be a LeastSquares instance, got {type(problem).__name__}.")
    lr = check_real("lr", lr, lower=0.0, lower_open=True)
    X, lam, theta_star, xi, H = _ls_moment_parts(problem)
    p = problem.p
    Sigma = xi.T @ xi / problem.n
    # linear map on vec(M): M -> M - lr (HM + MH) + lr^2 (1/n) sum H_i M H_i
    basis = np.eye(p * p).reshape(p * p, p, p)
    T = np.stack([(E - lr * (H @ E + E @ H) + lr**2 * _ls_second_order(X, lam, E)).ravel() for E in basis], axis=1)
    rho = np.max(np.abs(np.linalg.eigvals(T)))
    if rho >= 1.0:
        raise ValueError(
            f"`lr`={lr} is too large: the second-moment recursion has spectral radius {rho:.4f} >= 1 "
            "and SGD has no stationary second moment."
        )
    M = np.linalg.solve(np.eye(p * p) - T, (lr**2 * Sigma).ravel()).reshape(p, p)
    return 0.5 * (M + M.T)


def sgd_limit_covariance(problem, c):
    r"""Asymptotic covariance of SGD with steps :math:`\eta_k = c/k`: :math:`k\,\mathbb{E}e_ke_k^\top \to V`.

    With :math:`A = \nabla^2\hat R_n(\theta_*)` and :math:`\Sigma` the gradient-noise
    covariance at :math:`\theta_*`, :math:`V` solves the Lyapunov equation

    .. math:: (cA - \tfrac12 I) V + V (cA - \tfrac12 I) = c^2 \Sigma ,

    which has a positive solution iff :math:`2c\lambda_{\min}(A) > 1` [1]_ [2]_.

    Parameters
    ----------
    problem : LeastSquares or Logistic
    c : float
        Step constant, > 0.

    Returns
    -------
    ndarray, shape (p, p)

    Raises
    ------
    ValueError
        If :math:`2c\lambda_{\min}(A) \le 1` (below the critical constant the error
        decays more slowly than :math:`k^{-1/2}` and has no such limit).

    References
    ----------
    .. [1] V. Fabian, "On asymptotic normality in stochastic approximation",
       Ann. Math. Statist. 39 (1968) 1327-1332.
    .. [2] B. T. Polyak and A. B. Juditsky, "Acceleration of stochastic approximation
       by averaging", SIAM J. Control Optim. 30 (1992) 838-855.

    Examples
    --------
    >>> from course_lib.optimization import LeastSquares, sgd_limit_covariance
    >>> pb = LeastSquares([[1.0], [1.0]], [0.0, 2.0])
    >>> sgd_limit_covariance(pb, 1.0).round(12).tolist()
    [[1.0]]
    """
    problem = _check_problem(problem)
    c = check_real("c", c, lower=0.0, lower_open=True)
    H = problem.hessian(problem.minimizer())
    mu = float(np.linalg.eigvalsh(H)[0])
    if 2 * c * mu <= 1:
        raise ValueError(
            f"`c`={c} is at or below the critical value 1/(2 lambda_min(H)) = {1 / (2 * mu):.4g}: "
            "no k^(-1) limit of the second moment exists."
        )
    A = c * H - 0.5 * np.eye(problem.p)
    V = linalg.solve_continuous_lyapunov(A, c**2 * problem.noise_covariance())
    return 0.5 * (V + V.T)
