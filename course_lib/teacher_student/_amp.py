r"""Generalised approximate message passing (GAMP) with Bayes-optimal denoisers."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from .._validation import MAX_ABS, DivergenceWarning, check_array, check_int, check_real, check_rng
from ._channels import make_channel
from ._priors import make_prior

__all__ = ["GAMPResult", "gamp"]


@dataclass(frozen=True)
class GAMPResult:
    """Result of :func:`gamp`.

    Attributes
    ----------
    w_hat, v_hat : ndarray, shape (p,)
        Posterior means and variances after the last iteration.
    overlaps : ndarray or None
        :math:`m_t = \\langle \\hat w^t, w_*\\rangle / p` for :math:`t = 0, \\dots` (``None`` without a teacher).
    self_overlaps : ndarray
        :math:`q_t = \\lVert \\hat w^t\\rVert^2/p`, equal to :math:`m_t` on the Nishimori line.
    converged : bool
    n_iter : int

    Examples
    --------
    >>> from course_lib.teacher_student import gamp, glm_teacher_student_data
    >>> X, y, w = glm_teacher_student_data(200, 100, rng=0)
    >>> res = gamp(X, y, teacher=w, n_iter=5)
    >>> type(res).__name__, res.w_hat.shape
    ('GAMPResult', (100,))
    """

    w_hat: np.ndarray = field(repr=False)
    v_hat: np.ndarray = field(repr=False)
    overlaps: np.ndarray | None
    self_overlaps: np.ndarray
    converged: bool
    n_iter: int


def gamp(X, y, prior="gaussian", channel="sign", n_iter=50, damping=0.0, noise=0.0, teacher=None, tol=1e-8,
         rng=None):
    r"""GAMP for the GLM :math:`y_i \sim P_{out}(\cdot\mid\langle x_i, w\rangle/\sqrt p)`, :math:`w\sim P_x^{\otimes p}`.

    With :math:`F = X/\sqrt p` and scalar variances (i.i.d. Gaussian :math:`X`), each iteration reads

    .. math::

        V^t = \overline{\hat v^t},\quad \omega^t = F\hat w^t - V^t g^{t-1},\quad
        g^t = g_{out}(y, \omega^t, V^t),\quad A^t = \tfrac1p\sum_i(-\partial_\omega g^t_i),\\
        B^t = F^\top g^t + A^t \hat w^t,\quad \hat w^{t+1} = f_a(B^t, A^t),\quad \hat v^{t+1} = f_v(B^t, A^t).

    Started from the prior mean, its overlap :math:`m_t` follows :func:`glm_state_evolution` (uninformed start)
    as :math:`p \to \infty`.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    prior, channel, noise
        As in :func:`glm_state_evolution`.
    n_iter : int
        Number of iterations.
    damping : float
        In :math:`[0, 1)`: :math:`\hat w \leftarrow (1-\text{damping})\hat w^{new} + \text{damping}\,\hat w`
        (the same for :math:`\hat v`).
    teacher : array_like, shape (p,), optional
        If given, the overlaps :math:`m_t` are recorded.
    tol : float
        Stop early when :math:`\lVert\hat w^{t+1}-\hat w^t\rVert^2/p < \text{tol}`.
    rng : None, int or Generator
        Unused by the deterministic iteration; accepted for a uniform interface.

    Returns
    -------
    GAMPResult

    Raises
    ------
    ValueError
        If ``X`` and ``y`` (or ``teacher``) have mismatched lengths, or for an unknown prior or channel.

    References
    ----------
    .. [1] S. Rangan, "Generalized approximate message passing for estimation with random linear mixing", Proc. IEEE
       ISIT 2011, 2168 (arXiv:1010.5141).
    .. [2] J. Barbier et al., PNAS 116, 5451 (2019), Sec. "Approximate message passing".

    Examples
    --------
    >>> from course_lib.teacher_student import glm_teacher_student_data
    >>> X, y, w = glm_teacher_student_data(400, 200, rng=0)
    >>> res = gamp(X, y, teacher=w, n_iter=30)
    >>> bool(0.6 < res.overlaps[-1] < 0.85)
    True
    """
    X = np.asarray(X)
    if X.dtype in (np.float32, np.float64):  # float32 is kept as is (no copy) for large problems
        if not np.all(np.isfinite(X)):
            raise ValueError("`X` must contain only finite values (no NaN or inf).")
        if X.size and float(np.max(np.abs(X))) > MAX_ABS:
            raise ValueError(f"`X` must be at most {MAX_ABS:g} in magnitude (larger values overflow).")
    else:
        X = check_array("X", X, ndim=2)
    if X.ndim != 2:
        raise ValueError(f"`X` must have ndim in (2,), got an array of shape {X.shape}.")
    y = check_array("y", y, ndim=1)
    n, p = X.shape
    if y.shape[0] != n:
        raise ValueError(f"`X` and `y` must have the same number of rows, got {n} and {y.shape[0]}.")
    n_iter = check_int("n_iter", n_iter, minimum=1)
    damping = check_real("damping", damping, lower=0.0, upper=1.0, upper_open=True)
    noise = check_real("noise", noise, lower=0.0)
    tol = check_real("tol", tol, lower=0.0)
    P = make_prior(prior)
    C = make_channel(channel, noise)
    if teacher is not None:
        teacher = check_array("teacher", teacher, ndim=1)
        if teacher.shape[0] != p:
            raise ValueError(f"`teacher` must have length p = {p}, got {teacher.shape[0]}.")
    check_rng(rng)
    sq = math.sqrt(p)
    w_hat = np.zeros(p)
    v_hat = np.full(p, P.rho)
    g = np.zeros(n)
    ov = [0.0] if teacher is not None else None
    qs = [0.0]
    converged = False
    t = 0
    for t in range(1, n_iter + 1):
        V = max(float(v_hat.mean()), 1e-300)
        omega = (X @ w_hat.astype(X.dtype)).astype(np.float64) / sq - V * g
        g, dg = C.gout(y, omega, V)
        A = float(dg.sum()) / p
        B = (X.T @ g.astype(X.dtype)).astype(np.float64) / sq + A * w_hat
        w_new, v_new = P.denoise(B, A)
        if damping > 0:
            w_new = (1 - damping) * w_new + damping * w_hat
            v_new = (1 - damping) * v_new + damping * v_hat
        if not (np.all(np.isfinite(w_new)) and np.all(np.isfinite(v_new))):
            warnings.warn(
                f"GAMP diverged at iteration {t} (a non-finite estimate); the last finite iterate is "
                f"returned with converged=False: increase `damping` (got {damping:g}).",
                RuntimeWarning,
                stacklevel=2,
            )
            t -= 1
            break
        change = float(np.mean((w_new - w_hat) ** 2))
        w_hat, v_hat = w_new, v_new
        if ov is not None:
            ov.append(float(w_hat @ teacher) / p)
        qs.append(float(w_hat @ w_hat) / p)
        if change < tol or float(v_hat.mean()) < 1e-13:  # a fixed point, or perfect recovery
            converged = True
            break
    return GAMPResult(w_hat, v_hat, None if ov is None else np.array(ov), np.array(qs), converged, t)
