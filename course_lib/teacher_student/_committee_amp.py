"""Approximate message passing for the K = 2 sign committee machine, and its teacher-student data."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import special

from .._validation import DivergenceWarning, check_array, check_int, check_real, check_rng
from ._committee_binary import binary_denoiser
from ._committee_se import _bvn

__all__ = ["CommitteeAMPResult", "committee_amp", "committee_data"]

V_FLOOR = 1e-3  # binary prior: smallest eigenvalue of the channel variance (a tiny Gaussian smoothing of the sign)


def committee_data(n, p, rng=None, prior="gaussian"):
    r"""Teacher--student data of the K = 2 sign committee: :math:`y_\mu = \operatorname{sign}(z_{\mu1}) + \operatorname{sign}(z_{\mu2})`,
    :math:`z_\mu = W_*^\top x_\mu/\sqrt p`, with :math:`X_{\mu i}\sim\mathcal N(0,1)` and :math:`W_*\in\mathbb R^{p\times2}` Gaussian.

    With ``prior="binary"`` the teacher's entries are uniform on {-1, +1} instead.

    Returns
    -------
    X : ndarray, shape (n, p)
    y : ndarray, shape (n,), values in {-2, 0, 2}
    W_star : ndarray, shape (p, 2)

    Examples
    --------
    >>> X, y, W = committee_data(10, 5, rng=0)
    >>> sorted(set(y.tolist())) <= [-2.0, 0.0, 2.0]
    True
    """
    n = check_int("n", n, minimum=1)
    p = check_int("p", p, minimum=1)
    rng = check_rng(rng)
    if not isinstance(prior, str) or prior not in ("gaussian", "binary"):
        raise ValueError(f"`prior` must be one of ('gaussian', 'binary'), got {prior!r}.")
    W = rng.standard_normal((p, 2)) if prior == "gaussian" else rng.choice([-1.0, 1.0], size=(p, 2))
    X = rng.standard_normal((n, p))
    z = X @ W / np.sqrt(p)
    return X, np.sign(z).sum(axis=1), W


def _gout(y, omega, V):
    """g_out (N, 2) and its Jacobian dg/domega (N, 2, 2) for the K = 2 sign committee."""
    s1, s2 = np.sqrt(V[0, 0]), np.sqrt(V[1, 1])
    r = V[0, 1] / (s1 * s2)
    c = np.sqrt(1.0 - r * r)
    sgn = np.where(y > 0, 1.0, -1.0)  # for y = +-2 work with Phi_2(s a1, s a2; r)
    a1, a2 = omega[:, 0] / s1, omega[:, 1] / s2

    def pieces(b1, b2):
        """Phi_2(b1, b2; r), its gradient and Hessian in (b1, b2)."""
        P = _bvn(b1, b2, r)
        ph1, ph2 = np.exp(-0.5 * b1 * b1) / np.sqrt(2 * np.pi), np.exp(-0.5 * b2 * b2) / np.sqrt(2 * np.pi)
        u1, u2 = (b2 - r * b1) / c, (b1 - r * b2) / c
        G = np.stack([ph1 * special.ndtr(u1), ph2 * special.ndtr(u2)], axis=1)
        dens = np.exp(-(b1 * b1 - 2 * r * b1 * b2 + b2 * b2) / (2 * c * c)) / (2 * np.pi * c)
        h11 = -b1 * G[:, 0] - r * dens
        h22 = -b2 * G[:, 1] - r * dens
        H = np.stack([np.stack([h11, dens], axis=1), np.stack([dens, h22], axis=1)], axis=1)
        return P, G, H

    # y = +-2: Z = Phi_2(s a1, s a2; r); y = 0: Z = 1 - Phi_2(a) - Phi_2(-a)
    Pp, Gp, Hp = pieces(a1, a2)
    Pm, Gm, Hm = pieces(-a1, -a2)
    is0 = y == 0
    Z = np.where(is0, 1.0 - Pp - Pm, np.where(sgn > 0, Pp, Pm))
    G = np.where(is0[:, None], -(Gp - Gm), np.where((sgn > 0)[:, None], Gp, -Gm))
    H = np.where(is0[:, None, None], -(Hp + Hm), np.where((sgn > 0)[:, None, None], Hp, Hm))
    Z = np.clip(Z, 1e-300, None)
    scale = np.array([1.0 / s1, 1.0 / s2])
    g = G / Z[:, None] * scale
    hess = H / Z[:, None, None] * np.outer(scale, scale)
    dg = hess - g[:, :, None] * g[:, None, :]
    return g, dg


@dataclass(frozen=True)
class CommitteeAMPResult:
    """Output of :func:`committee_amp`.

    Attributes
    ----------
    W_hat : ndarray, shape (p, 2)
        Posterior-mean estimate of the first-layer weights.
    overlaps : ndarray, shape (n_iter + 1, 2, 2) or None
        :math:`\\hat W^\\top W_*/p` after each iteration (the first row at initialisation), when the teacher is given.
    converged : bool
    n_iter : int

    Examples
    --------
    >>> from course_lib.teacher_student import committee_amp, committee_data
    >>> X, y, W = committee_data(100, 50, rng=0)
    >>> res = committee_amp(X, y, n_iter=5, rng=1)
    >>> type(res).__name__, res.W_hat.shape
    ('CommitteeAMPResult', (50, 2))
    """

    W_hat: np.ndarray
    overlaps: np.ndarray | None
    converged: bool
    n_iter: int


def committee_amp(X, y, n_iter=100, damping=0.0, tol=1e-6, W_star=None, init_scale=1e-2, rng=None,
                  prior="gaussian", W_init=None):
    r"""Approximate message passing (GAMP with 2 x 2 matrix variances) for the K = 2 sign committee, Gaussian or binary prior.

    With :math:`V^t = \frac1p\sum_i\hat C_i^t`, :math:`\omega_\mu = X_\mu\hat W/\sqrt p - V g_\mu^{t-1}`,
    :math:`g_\mu = g_{\rm out}(y_\mu, \omega_\mu, V)`, :math:`A = -\frac np\,\overline{\partial_\omega g_{\rm out}}`,
    :math:`B_i = X_{\cdot i}^\top g/\sqrt p + A\hat W_i`, the prior step is :math:`\hat W_i = (I_2 + A)^{-1}B_i`,
    :math:`\hat C_i = (I_2 + A)^{-1}`; for ``prior="binary"`` (entries uniform on {-1, +1}) it is the exact posterior mean
    and covariance of :math:`w\in\{\pm1\}^2` under :math:`e^{B_i\cdot w - w^\top A w/2}` (a sum over four
    configurations), :math:`V^t` averages the :math:`\hat C_i`, and its eigenvalues are floored at ``V_FLOOR`` = 1e-3
    (near perfect recovery :math:`V\to0` and the sign channel becomes singular). Its overlap :math:`\hat W^\top W_*/p` follows the state evolution
    (:func:`committee_state_evolution`) as :math:`p\to\infty`.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
        Labels in {-2, 0, 2}.
    n_iter : int
    damping : float in [0, 1)
    tol : float
        Stop when the estimate changes by less than ``tol`` (relative, Frobenius).
    W_star : array_like, shape (p, 2), optional
        Teacher, to record overlaps.
    init_scale : float
        Standard deviation of the random initial estimate (breaks the permutation symmetry), in (0, 1e3].
    rng : seed or numpy.random.Generator, optional
    prior : {"gaussian", "binary"}
        Prior of the first-layer weights.
    W_init : array_like, shape (p, 2), optional
        Initial estimate (e.g. an informed start near the teacher); by default random of size ``init_scale``.
        The initial variance :math:`I_2 - \hat W^\top\hat W/p` is then floored at ``V_FLOOR`` = 1e-3.

    References
    ----------
    .. [1] B. Aubin et al., NeurIPS 2018, arXiv:1806.05451, the AMP algorithm for committee machines.

    Examples
    --------
    >>> X, y, W = committee_data(600, 200, rng=0)
    >>> res = committee_amp(X, y, n_iter=30, W_star=W, rng=1)
    >>> bool(res.overlaps[-1].sum() > 0.5)
    True
    """
    X = check_array("X", X, ndim=2)
    y = check_array("y", y, ndim=1)
    n, p = X.shape
    if y.shape[0] != n:
        raise ValueError(f"`X` and `y` must have the same number of rows, got {n} and {y.shape[0]}.")
    if not np.all(np.isin(y, (-2.0, 0.0, 2.0))):
        raise ValueError("`y` must take values in {-2, 0, 2} (sign(z1) + sign(z2)).")
    n_iter = check_int("n_iter", n_iter, minimum=1)
    damping = check_real("damping", damping, lower=0.0, upper=1.0, upper_open=True)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    init_scale = check_real("init_scale", init_scale, lower=0.0, lower_open=True, upper=1e3)
    if W_star is not None:
        W_star = check_array("W_star", W_star, ndim=2)
        if W_star.shape != (p, 2):
            raise ValueError(f"`W_star` must have shape ({p}, 2), got {W_star.shape}.")
    rng = check_rng(rng)
    if not isinstance(prior, str) or prior not in ("gaussian", "binary"):
        raise ValueError(f"`prior` must be one of ('gaussian', 'binary'), got {prior!r}.")
    if W_init is None:
        W = init_scale * rng.standard_normal((p, 2))
    else:
        W = check_array("W_init", W_init, ndim=2).copy()
        if W.shape != (p, 2):
            raise ValueError(f"`W_init` must have shape ({p}, 2), got {W.shape}.")
    C = np.eye(2) - W.T @ W / p  # prior covariance minus the explained part
    if W_init is not None:  # an informed start may explain (almost) everything: keep C positive definite
        ev, U = np.linalg.eigh(C)
        C = (U * np.clip(ev, V_FLOOR, None)) @ U.T
    g = np.zeros((n, 2))
    sq = np.sqrt(p)
    overlaps = [W.T @ W_star / p] if W_star is not None else None
    converged = False
    it = 0
    for it in range(1, n_iter + 1):
        V = 0.5 * (C + C.T)
        if prior == "binary":  # near perfect recovery C -> 0: keep the channel variance positive definite
            ev, U = np.linalg.eigh(V)
            V = (U * np.clip(ev, V_FLOOR, None)) @ U.T
        omega = X @ W / sq - g @ V
        g, dg = _gout(y, omega, V)
        A = -(n / p) * dg.mean(axis=0)
        A = 0.5 * (A + A.T)
        B = X.T @ g / sq + W @ A
        if np.all(np.isfinite(A)) and np.all(np.isfinite(B)) and abs(np.linalg.det(np.eye(2) + A)) > 1e-300:
            if prior == "gaussian":
                Cn = np.linalg.inv(np.eye(2) + A)
                Wn = (1 - damping) * (B @ Cn) + damping * W
            else:
                mean, cov, _ = binary_denoiser(B, A)
                Cn = cov.mean(axis=0)
                Wn = (1 - damping) * mean + damping * W
        else:
            Cn = Wn = np.full((1, 1), np.nan)
        if not (np.all(np.isfinite(Wn)) and np.all(np.isfinite(Cn))):
            warnings.warn(
                f"committee AMP diverged at iteration {it} (a non-finite estimate); the last finite iterate is "
                f"returned with converged=False: increase `damping` (got {damping:g}).",
                DivergenceWarning,
                stacklevel=2,
            )
            it -= 1
            break
        C = (1 - damping) * Cn + damping * C
        change = np.linalg.norm(Wn - W) / max(np.linalg.norm(Wn), 1e-300)
        W = Wn
        if W_star is not None:
            overlaps.append(W.T @ W_star / p)
        if change < tol:
            converged = True
            break
    return CommitteeAMPResult(W_hat=W, overlaps=None if overlaps is None else np.array(overlaps), converged=converged,
                              n_iter=it)
