"""Critical points of every index: Levenberg--Marquardt on the squared gradient norm, with the exact Hessian."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_int, check_real

__all__ = ["CriticalPoints", "critical_points"]


@dataclass(frozen=True)
class CriticalPoints:
    """Result of :func:`critical_points`, one row per start.

    Attributes
    ----------
    x : ndarray
        Final points, ``(n_starts, P)``.
    value : ndarray
        :math:`f(x)` at the final points.
    grad_norm : ndarray
        :math:`\\lVert\\nabla f(x)\\rVert` at the final points.
    index : ndarray of int
        Number of Hessian eigenvalues below ``-eig_tol`` (the Morse index).
    n_null : ndarray of int
        Number of Hessian eigenvalues in ``[-eig_tol, eig_tol]`` (degenerate directions).
    min_abs_eig : ndarray
        Smallest absolute Hessian eigenvalue.
    n_iter : ndarray of int
        Accepted iterations of each start.
    converged : ndarray of bool
        ``grad_norm <= tol``: only these rows are critical points.

    Examples
    --------
    >>> res = critical_points(lambda x: (float(x @ x), 2 * x, 2 * np.eye(x.size)), np.ones((2, 3)))
    >>> type(res).__name__, res.x.shape, res.index.tolist(), bool(res.converged.all())
    ('CriticalPoints', (2, 3), [0, 0], True)
    """

    x: np.ndarray
    value: np.ndarray
    grad_norm: np.ndarray
    index: np.ndarray
    n_null: np.ndarray
    min_abs_eig: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray


def _evaluate(fun, x, P, trial=False):
    """``fun`` at ``x`` as (value, gradient, symmetrised Hessian); at a trial point (``trial=True``) a non-finite
    result returns None (the step is rejected and damped) instead of raising."""
    with np.errstate(all="ignore") if trial else np.errstate():
        out = fun(x.copy())
    if not isinstance(out, tuple) or len(out) != 3:
        raise TypeError("`fun` must return a tuple (value, gradient, Hessian).")
    value = float(out[0])
    g = np.asarray(out[1], dtype=np.float64)
    H = np.asarray(out[2], dtype=np.float64)
    if g.shape != (P,) or H.shape != (P, P):
        raise ValueError(f"`fun` must return a gradient of shape ({P},) and a Hessian of shape ({P}, {P}), "
                         f"got {g.shape} and {H.shape}.")
    if not (np.isfinite(value) and np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        if trial:
            return None
        raise FloatingPointError("`fun` returned a non-finite value, gradient or Hessian; start closer to the region "
                                 "where it is defined (smaller `x0`).")
    return value, g, 0.5 * (H + H.T)


def critical_points(fun, x0, *, tol=1e-8, max_iter=100, eig_tol=1e-8, mu0=1e-3):
    r"""Critical points of a smooth function from one or many starts, with their Morse index.

    Minimising the merit :math:`m(x) = \tfrac12\lVert\nabla f(x)\rVert^2` finds critical points of *every* index, not
    only minima, because :math:`m` vanishes at all of them. Each step is the Levenberg--Marquardt step for the system
    :math:`\nabla f(x) = 0`, whose Jacobian is the Hessian :math:`H = \nabla^2 f(x)`:

    .. math::

        x_{t+1} = x_t - (H^2 + \mu_t I)^{-1} H\,\nabla f(x_t),

    accepted if it decreases :math:`\lVert\nabla f\rVert` (then :math:`\mu_{t+1} = \max(\mu_t/3, 10^{-15})`), otherwise
    retried with :math:`4\mu_t`; a start stops after ``max_iter`` accepted steps, at ``tol``, or when :math:`\mu_t`
    exceeds :math:`10^{12}` (no decreasing step found). For :math:`\mu\to0` this is Newton's method on
    :math:`\nabla f = 0`, which converges quadratically to any non-degenerate critical point; for large
    :math:`\mu` it is gradient descent on :math:`m`. A start can also stop at a local minimum of :math:`m` with
    :math:`\nabla f\ne0` (where :math:`H\nabla f = 0`): only rows with ``converged``
    (:math:`\lVert\nabla f\rVert\le` ``tol``) are critical points. The index is the number of eigenvalues of the
    exact Hessian below ``-eig_tol``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (value, gradient, Hessian)`` for ``x`` of shape ``(P,)``.
    x0 : array_like
        Starts, ``(P,)`` or ``(n_starts, P)``.
    tol : float
        Gradient-norm threshold of a critical point (> 0).
    max_iter : int
        Maximum accepted steps per start (>= 1).
    eig_tol : float
        Eigenvalues with absolute value at most ``eig_tol`` count as null (>= 0).
    mu0 : float
        Initial damping :math:`\mu_0 > 0`.

    Returns
    -------
    CriticalPoints

    Raises
    ------
    TypeError
        If ``fun`` is not callable or does not return a 3-tuple.
    ValueError
        On bad ``x0``, ``tol``, ``max_iter``, ``eig_tol``, ``mu0`` or wrongly shaped derivatives.
    FloatingPointError
        If ``fun`` returns a non-finite value at a start (at a trial point the step is rejected and damped instead).

    References
    ----------
    .. [1] J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006, Sec. 10.3 (Levenberg--Marquardt).
    .. [2] J. Pennington, Y. Bahri, "Geometry of neural network loss surfaces via random matrix theory", ICML 2017
       (critical points of all indices of small networks located by minimising the squared gradient norm).

    Examples
    --------
    Separable double well :math:`f(x) = \sum_i (x_i^4/4 - x_i^2/2)`: critical coordinates :math:`0` (a maximum) and
    :math:`\pm1` (minima), so a critical point with :math:`k` zero coordinates has index :math:`k`.

    >>> def fun(x):
    ...     return float(np.sum(x**4 / 4 - x**2 / 2)), x**3 - x, np.diag(3 * x**2 - 1)
    >>> res = critical_points(fun, np.array([[0.1, 0.9], [1.2, -0.2]]))
    >>> res.index.tolist(), np.round(res.value, 6).tolist(), bool(res.converged.all())
    ([1, 1], [-0.25, -0.25], True)
    """
    if not callable(fun):
        raise TypeError(f"`fun` must be callable, got {fun!r} of type {type(fun).__name__}.")
    x0 = check_array("x0", x0, ndim=(1, 2), min_len=1)
    starts = x0[None, :] if x0.ndim == 1 else x0
    if starts.shape[1] < 1:
        raise ValueError(f"`x0` must have at least one coordinate, got shape {x0.shape}.")
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    eig_tol = check_real("eig_tol", eig_tol, lower=0.0)
    mu0 = check_real("mu0", mu0, lower=0.0, lower_open=True)
    n_starts, P = starts.shape
    xs = np.empty_like(starts)
    value, gnorm, min_abs = np.empty(n_starts), np.empty(n_starts), np.empty(n_starts)
    index, n_null, n_iter = (np.zeros(n_starts, dtype=np.int64) for _ in range(3))
    for s in range(n_starts):
        x = starts[s].copy()
        f, g, H = _evaluate(fun, x, P)
        lam, Q = np.linalg.eigh(H)
        mu, it = mu0, 0
        while it < max_iter and np.linalg.norm(g) > tol and mu < 1e12:
            gq = Q.T @ g
            x_new = x - Q @ (lam * gq / (lam**2 + mu))
            trial = _evaluate(fun, x_new, P, trial=True)
            if trial is None:  # the step left the region where fun is finite: damp it
                mu *= 4.0
                continue
            f_new, g_new, H_new = trial
            if np.linalg.norm(g_new) < np.linalg.norm(g):
                x, f, g, H = x_new, f_new, g_new, H_new
                lam, Q = np.linalg.eigh(H)
                mu, it = max(mu / 3.0, 1e-15), it + 1
            else:
                mu *= 4.0
        xs[s], value[s], gnorm[s], n_iter[s] = x, f, np.linalg.norm(g), it
        index[s] = int(np.sum(lam < -eig_tol))
        n_null[s] = int(np.sum(np.abs(lam) <= eig_tol))
        min_abs[s] = float(np.min(np.abs(lam)))
    return CriticalPoints(x=xs, value=value, grad_norm=gnorm, index=index, n_null=n_null, min_abs_eig=min_abs,
                          n_iter=n_iter, converged=gnorm <= tol)
