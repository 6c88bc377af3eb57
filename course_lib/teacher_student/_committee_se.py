"""Replica-symmetric state evolution of the K = 2 committee machine with sign activations (Gaussian prior)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special

from .._validation import check_array, check_int, check_real

__all__ = [
    "CommitteeFixedPoint",
    "bivariate_normal_cdf",
    "committee_channel_update",
    "committee_gibbs_error",
    "committee_specialisation_stability",
    "committee_specialisation_threshold",
    "committee_state_evolution",
]


def bivariate_normal_cdf(a, b, r):
    r"""Standard bivariate normal distribution function :math:`\Phi_2(a, b; r) = \mathbb P(Z_1\le a, Z_2\le b)`.

    Computed exactly with Owen's :math:`T` function (Owen 1956):
    :math:`\Phi_2 = \tfrac12\Phi(a) + \tfrac12\Phi(b) - T(a, \tfrac{b - ra}{a\sqrt{1-r^2}}) - T(b, \tfrac{a - rb}{b\sqrt{1-r^2}}) - \beta`,
    with :math:`\beta = \tfrac12` if :math:`ab < 0` (or :math:`ab = 0` and :math:`a + b < 0`) and 0 otherwise.

    Parameters
    ----------
    a, b : float or array_like
    r : float or array_like
        Correlation, :math:`|r| < 1`.

    References
    ----------
    .. [1] D. B. Owen, "Tables for computing bivariate normal probabilities", Ann. Math. Statist. 27 (1956) 1075-1090.

    Examples
    --------
    >>> round(float(bivariate_normal_cdf(0.0, 0.0, 0.5)), 12)  # 1/4 + arcsin(r)/(2 pi)
    0.333333333333
    """
    a = check_array("a", a)
    b = check_array("b", b)
    r = check_array("r", r)
    if np.any(np.abs(r) >= 1):
        raise ValueError("`r` must satisfy |r| < 1.")
    return _bvn(a, b, r)


def _bvn(a, b, r):
    a, b, r = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(r, float))
    # Phi_2 is continuous: exact zeros are moved by 1e-15 to stay on one branch of Owen's formula
    a = np.where(a == 0.0, 1e-15, a)
    b = np.where(b == 0.0, 1e-15, b)
    s = np.sqrt(1.0 - r * r)
    ta = special.owens_t(a, (b - r * a) / (a * s))
    tb = special.owens_t(b, (a - r * b) / (b * s))
    beta = np.where(a * b < 0, 0.5, 0.0)
    out = 0.5 * special.ndtr(a) + 0.5 * special.ndtr(b) - ta - tb - beta
    return np.clip(out, 0.0, 1.0)


@lru_cache(maxsize=8)
def _gh2(n_nodes):
    x, w = np.polynomial.hermite_e.hermegauss(n_nodes)
    w = w / np.sqrt(2.0 * np.pi)
    X1, X2 = np.meshgrid(x, x, indexing="ij")
    W = np.outer(w, w)
    return np.stack([X1.ravel(), X2.ravel()], axis=1), W.ravel()


def _sqrtm_psd(q):
    ev, U = np.linalg.eigh(q)
    return (U * np.sqrt(np.clip(ev, 0.0, None))) @ U.T


def _channel_terms(omega, V):
    """Z_out(y) and grad_omega Z_out(y) for y in {+2, -2, 0} (K = 2 sign committee), omega (N, 2), V (2, 2)."""
    s1, s2 = np.sqrt(V[0, 0]), np.sqrt(V[1, 1])
    r = V[0, 1] / (s1 * s2)
    c = np.sqrt(1.0 - r * r)
    a1, a2 = omega[:, 0] / s1, omega[:, 1] / s2
    zp = _bvn(a1, a2, r)  # P(z1 > 0, z2 > 0)
    zm = _bvn(-a1, -a2, r)  # P(z1 < 0, z2 < 0)
    phi1, phi2 = np.exp(-0.5 * a1 * a1) / np.sqrt(2 * np.pi), np.exp(-0.5 * a2 * a2) / np.sqrt(2 * np.pi)
    gp = np.stack([phi1 * special.ndtr((a2 - r * a1) / c) / s1, phi2 * special.ndtr((a1 - r * a2) / c) / s2], axis=1)
    gm = -np.stack([phi1 * special.ndtr((-a2 + r * a1) / c) / s1, phi2 * special.ndtr((-a1 + r * a2) / c) / s2], axis=1)
    z0 = np.clip(1.0 - zp - zm, 0.0, 1.0)
    g0 = -(gp + gm)
    return (zp, gp), (zm, gm), (z0, g0)


def _check_q(q, name="q", K=2):
    q = check_array(name, q, ndim=2)
    if q.shape != (K, K) or abs(q[0, K - 1] - q[K - 1, 0]) > 1e-12:
        raise ValueError(f"`{name}` must be a symmetric {K} x {K} overlap matrix, got {q.tolist()}.")
    ev = np.linalg.eigvalsh(q)
    if ev[0] < -1e-12 or ev[-1] > 1 + 1e-12:
        raise ValueError(f"`{name}` must satisfy 0 <= q <= I (eigenvalues in [0, 1]), got eigenvalues {ev.tolist()}.")
    return q


def _channel_update(q, n_nodes):
    nodes, weights = _gh2(n_nodes)
    V = np.eye(2) - q
    # keep V positive definite (q = I would make the channel deterministic)
    ev, U = np.linalg.eigh(V)
    V = (U * np.clip(ev, 1e-10, None)) @ U.T
    omega = nodes @ _sqrtm_psd(q)
    out = np.zeros((2, 2))
    for z, g in _channel_terms(omega, V):
        ok = z > 1e-300
        out += (g[ok].T * (weights[ok] / z[ok])) @ g[ok]
    return 0.5 * (out + out.T)


def committee_channel_update(q, alpha, n_nodes=60):
    r"""Channel step of the state evolution: :math:`\hat q = \alpha\,\mathbb E_\xi\sum_y Z_{\rm out}\,g_{\rm out}g_{\rm out}^\top`.

    For the K = 2 committee :math:`y = \operatorname{sign}(z_1) + \operatorname{sign}(z_2)\in\{-2, 0, 2\}` (in bijection
    with the majority vote :math:`\operatorname{sign}(\operatorname{sign}z_1 + \operatorname{sign}z_2)` under the tie
    convention :math:`\operatorname{sign}0 = 0`; other tie conventions define a different channel),
    :math:`\omega = q^{1/2}\xi`, :math:`V = I_2 - q`,
    :math:`Z_{\rm out}(y;\omega,V) = \mathbb P_{z\sim\mathcal N(\omega,V)}(y)` is a bivariate normal orthant probability
    (:func:`bivariate_normal_cdf`) and :math:`g_{\rm out} = \nabla_\omega\log Z_{\rm out}` is in closed form; the average
    over :math:`\xi\sim\mathcal N(0, I_2)` uses a tensor-product Gauss--Hermite rule with ``n_nodes``:sup:`2` nodes.

    References
    ----------
    .. [1] B. Aubin, A. Maillard, J. Barbier, F. Krzakala, N. Macris, L. Zdeborova, "The committee machine:
       computational to statistical gaps in learning a two-layers neural network", NeurIPS 2018, arXiv:1806.05451,
       state evolution.

    Examples
    --------
    >>> np.round(committee_channel_update(np.zeros((2, 2)), 1.0) * np.pi, 10).tolist()  # (1/pi) 11^T at q = 0
    [[1.0, 1.0], [1.0, 1.0]]
    """
    q = _check_q(q)
    alpha = check_real("alpha", alpha, lower=0.0, lower_open=True, upper=1e4)  # q -> I numerically beyond
    n_nodes = check_int("n_nodes", n_nodes, minimum=4)
    return alpha * _channel_update(q, n_nodes)


@dataclass(frozen=True)
class CommitteeFixedPoint:
    """Fixed point of the K = 2 committee state evolution.

    Attributes
    ----------
    q, q_hat : ndarray, shape (2, 2)
        Overlap matrix with the teacher (the prior has :math:`\\rho = I_K`) and its conjugate (K x K; K = 2 except
        for the binary prior with K = 1).
    q_diag, q_off : float
        Parametrisation :math:`q = \\begin{pmatrix} q_{\\rm diag} & q_{\\rm off}\\\\ q_{\\rm off} & q_{\\rm diag}\\end{pmatrix}`
        (symmetrised); specialisation means :math:`q_{\\rm diag} > q_{\\rm off}`. For K = 1 both are the scalar overlap.
    gibbs_error : float
        Generalisation error of a posterior sample, :func:`committee_gibbs_error`.
    converged : bool
    n_iter : int
    history : ndarray, shape (n_iter + 1, K, K)
        The overlap matrices along the iteration.
    free_entropy : float
        Replica-symmetric free entropy :math:`f_{\\rm RS}(q, \\hat q)` at the returned point (see
        :func:`committee_state_evolution`).

    Examples
    --------
    >>> from course_lib.teacher_student import committee_state_evolution
    >>> fp = committee_state_evolution(0.5)
    >>> type(fp).__name__, bool(fp.converged)
    ('CommitteeFixedPoint', True)
    """

    q: np.ndarray
    q_hat: np.ndarray
    q_diag: float
    q_off: float
    gibbs_error: float
    converged: bool
    n_iter: int
    history: np.ndarray
    free_entropy: float = float("nan")


def committee_state_evolution(alpha, K=2, prior="gaussian", init=None, n_iter=2000, tol=1e-10, damping=0.0,
                              n_nodes=60):
    r"""Iterate the Bayes-optimal state evolution of the sign committee (Gaussian or binary weights) to a fixed point.

    .. math:: \hat q^{t} = \alpha\,\mathbb E_\xi\sum_y Z_{\rm out}\,g_{\rm out}g_{\rm out}^\top\big|_{q^t},\qquad
              q^{t+1} = (I_2 + \hat q^t)^{-1}\hat q^t,

    the second equation being the prior step for :math:`w\sim\mathcal N(0, I_2)` (rows of the first-layer weights).
    For ``prior="binary"`` (rows uniform on :math:`\{\pm1\}^K`) the prior step is
    :math:`q^{t+1} = \mathbb E\,f(B)f(B)^\top`, :math:`B = \hat q w_* + \hat q^{1/2}\xi`, with the exact denoiser
    :math:`f(B) = \sum_{w\in\{\pm1\}^K} w\,e^{B\cdot w - w^\top\hat q w/2}\big/\sum_w e^{B\cdot w - w^\top\hat q w/2}`
    (a sum over :math:`2^K` configurations), and ``K = 1`` (the binary perceptron, :math:`y = \operatorname{sign} z`)
    is also allowed. The returned free entropy is
    :math:`f_{\rm RS} = \psi_{P_0}(\hat q) + \alpha\,\mathbb E_\xi\sum_y Z_{\rm out}\log Z_{\rm out} - \tfrac12\operatorname{Tr}(q\hat q)`,
    :math:`\psi_{P_0}(\hat q) = \mathbb E\log\mathbb E_{w\sim P_0}e^{B\cdot w - w^\top\hat q w/2}`.
    Here :math:`\alpha = n/p` (samples per input dimension; Aubin et al. use the same :math:`\alpha = n/p`, the number of
    weights being :math:`Kp`).

    Parameters
    ----------
    alpha : float
        In (0, 1e4] (beyond, q = I to double precision).
    K : int
        2 (and also 1 for ``prior="binary"``).
    prior : {"gaussian", "binary"}
    init : array_like, shape (2, 2), optional
        Initial overlap; by default a slightly specialised :math:`q^0 = 10^{-3}I_2 + 10^{-2}\mathbf 1\mathbf 1^\top`.
        A matrix with equal entries stays non-specialised under the iteration (symmetry).
    n_iter : int
        Maximum number of iterations.
    tol : float
        Stop when :math:`\max|q^{t+1} - q^t| <` ``tol``.
    damping : float
        In [0, 1): :math:`q^{t+1}\leftarrow(1 - \text{damping})\,q^{t+1} + \text{damping}\,q^t`.
    n_nodes : int
        Gauss--Hermite nodes per dimension.

    Returns
    -------
    CommitteeFixedPoint

    Warns
    -----
    RuntimeWarning
        If the iteration did not converge within ``n_iter`` steps.

    Notes
    -----
    For ``prior="binary"`` perfect recovery :math:`q = I_K` is a fixed point for every :math:`\alpha`. As the iterate
    approaches it, :math:`V = I - q\to 0` and the channel integrand concentrates on strips of width
    :math:`\sqrt{V}` that a Gauss--Hermite rule in :math:`\xi` cannot resolve; when the smallest eigenvalue of
    :math:`V` is below 0.15 (and both eigenvalues of :math:`q` are above 1/2) the average over :math:`\omega\sim\mathcal N(0, q)` therefore uses a tensor
    Gauss--Legendre rule in :math:`u`, :math:`\omega_k = s\sinh u`, :math:`s = \min_k\sqrt{V_{kk}}/2`, with ``n_nodes``
    nodes per dimension.

    References
    ----------
    .. [1] B. Aubin et al., NeurIPS 2018, arXiv:1806.05451.
    .. [2] H. Schwarze, J. Hertz, "Generalization in fully connected committee machines", Europhys. Lett. 21 (1993) 785.
    .. [3] J. Barbier, F. Krzakala, N. Macris, L. Miolane, L. Zdeborova, "Optimal errors and phase transitions in
       high-dimensional generalized linear models", PNAS 116 (2019) 5451: the free entropy :math:`f_{\rm RS}`.

    Examples
    --------
    >>> fp = committee_state_evolution(0.5)
    >>> bool(fp.converged and abs(fp.q_diag - fp.q_off) < 1e-6)
    True
    """
    import warnings

    alpha = check_real("alpha", alpha, lower=0.0, lower_open=True, upper=1e4)  # q -> I numerically beyond
    K = check_int("K", K, minimum=1)
    if not isinstance(prior, str) or prior not in ("gaussian", "binary"):
        raise ValueError(f"`prior` must be one of ('gaussian', 'binary'), got {prior!r}.")
    if prior == "gaussian" and K != 2:
        raise ValueError(f"`K` must be 2 (the only committee size implemented for prior='gaussian'), got {K}.")
    if K not in (1, 2):
        raise ValueError(f"`K` must be 1 or 2 for prior='binary', got {K}.")
    n_iter = check_int("n_iter", n_iter, minimum=1)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    damping = check_real("damping", damping, lower=0.0, upper=1.0, upper_open=True)
    n_nodes = check_int("n_nodes", n_nodes, minimum=4)
    from . import _committee_binary as _cb

    q = 1e-3 * np.eye(K) + 1e-2 * np.ones((K, K)) if init is None else _check_q(init, "init", K).copy()
    hist = [q.copy()]
    converged = False
    qh = np.zeros((2, 2))
    it = 0
    for it in range(1, n_iter + 1):
        if prior == "gaussian":
            qh = alpha * _channel_update(q, n_nodes)
            q_new = np.linalg.solve(np.eye(2) + qh, qh)
        else:
            q_new, qh = _cb.se_step_binary(q, alpha, n_nodes)
        q_new = 0.5 * (q_new + q_new.T)
        q_new = (1 - damping) * q_new + damping * q
        delta = np.max(np.abs(q_new - q))
        q = q_new
        hist.append(q.copy())
        if delta < tol:
            converged = True
            break
    if not converged:
        warnings.warn(f"committee state evolution did not converge in {n_iter} iterations (alpha = {alpha}).",
                      RuntimeWarning, stacklevel=2)
    qd, qo = float(np.trace(q)) / K, q[0, K - 1]
    qh_end = alpha * _cb._channel_step(q, n_nodes)[0]  # conjugate of the returned q (= qh at a fixed point)
    fe = (_cb.free_entropy_gaussian if prior == "gaussian" else _cb.free_entropy_binary)(q, qh_end, alpha, n_nodes)
    gibbs = _gibbs_error(q) if K == 2 else float(np.arccos(np.clip(q[0, 0], -1.0, 1.0)) / np.pi)
    return CommitteeFixedPoint(q=q, q_hat=qh, q_diag=float(qd), q_off=float(qo), gibbs_error=gibbs,
                               converged=converged, n_iter=it, history=np.array(hist), free_entropy=float(fe))


@lru_cache(maxsize=4)
def _gl_half(n_nodes, L):
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    x = 0.5 * L * (x + 1.0)
    w = 0.5 * L * w * np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi)
    return x, w


def _gibbs_error(q, n_nodes=48, L=9.0):
    x, w = _gl_half(n_nodes, L)
    X1, X2 = np.meshgrid(x, x, indexing="ij")
    W = np.outer(w, w).ravel()
    C = np.eye(2) - q @ q
    ev, U = np.linalg.eigh(C)
    C = (U * np.clip(ev, 1e-12, None)) @ U.T
    s1, s2 = np.sqrt(C[0, 0]), np.sqrt(C[1, 1])
    r = C[0, 1] / (s1 * s2)
    agree = 0.0
    for sg1, sg2 in ((1, 1), (-1, -1), (1, -1), (-1, 1)):
        z = np.stack([sg1 * X1.ravel(), sg2 * X2.ravel()], axis=1)
        m = z @ q.T
        pp = _bvn(m[:, 0] / s1, m[:, 1] / s2, r)
        pm = _bvn(-m[:, 0] / s1, -m[:, 1] / s2, r)
        p_same = pp if sg1 + sg2 == 2 else (pm if sg1 + sg2 == -2 else 1.0 - pp - pm)
        agree += W @ p_same
    return float(1.0 - agree)


def committee_gibbs_error(q):
    r"""Generalisation error :math:`\mathbb P(y' \ne y)` of a posterior sample (Gibbs estimator) with overlap ``q``.

    Teacher and student pre-activations are jointly Gaussian, :math:`z\sim\mathcal N(0, I_2)`,
    :math:`z'\mid z\sim\mathcal N(qz, I_2 - q^2)` (Nishimori identities). The outer integral is split into the four
    quadrants of :math:`z`, on which the teacher label is constant, and computed by Gauss--Legendre quadrature; the
    inner probability is a bivariate normal orthant probability.

    Examples
    --------
    >>> round(committee_gibbs_error(np.zeros((2, 2))), 10)  # 1 - (1/16 + 1/16 + 1/4)
    0.625
    """
    return _gibbs_error(_check_q(q))


def _nonspecialised_fixed_point(alpha, n_nodes, tol=1e-13, n_iter=5000):
    q = 0.05 * np.ones((2, 2))
    for _ in range(n_iter):
        qh = alpha * _channel_update(q, n_nodes)
        q_new = np.linalg.solve(np.eye(2) + qh, qh)
        c = 0.25 * q_new.sum()  # project on the symmetric line (exact up to rounding)
        q_new = c * np.ones((2, 2))
        if np.max(np.abs(q_new - q)) < tol:
            return q_new
        q = q_new
    raise RuntimeError(f"the non-specialised fixed point did not converge (alpha = {alpha}).")


def committee_specialisation_stability(alpha, n_nodes=60, eps=1e-6):
    r"""Growth factor :math:`\lambda(\alpha)` of a small specialisation :math:`q_{\rm diag} - q_{\rm off}` under one state-evolution step.

    At the non-specialised fixed point :math:`q^* = c\,\mathbf 1\mathbf 1^\top` the state-evolution map is linearised
    in the antisymmetric direction (finite difference of size ``eps``); :math:`\lambda < 1` means that the
    non-specialised solution is stable, and the specialisation transition is at :math:`\lambda(\alpha_{\rm spec}) = 1`.

    Examples
    --------
    >>> bool(committee_specialisation_stability(1.0) < 1.0)
    True
    """
    alpha = check_real("alpha", alpha, lower=0.0, lower_open=True, upper=1e4)  # q -> I numerically beyond
    n_nodes = check_int("n_nodes", n_nodes, minimum=4)
    eps = check_real("eps", eps, lower=0.0, lower_open=True)
    q = _nonspecialised_fixed_point(alpha, n_nodes)
    qp = q + eps * np.array([[1.0, -1.0], [-1.0, 1.0]])
    qh = alpha * _channel_update(qp, n_nodes)
    q_new = np.linalg.solve(np.eye(2) + qh, qh)
    return float((q_new[0, 0] - q_new[0, 1]) / (qp[0, 0] - qp[0, 1]))


def committee_specialisation_threshold(n_nodes=60, bracket=(1.0, 4.0)):
    r"""Specialisation threshold :math:`\alpha_{\rm spec}` (:math:`\alpha = n/p`) of the K = 2 sign committee, Gaussian prior.

    Root of :math:`\lambda(\alpha) = 1` (:func:`committee_specialisation_stability`) by Brent's method. The value
    refers to the tie convention :math:`\operatorname{sign}0 = 0` (labels in {-2, 0, 2}) and :math:`\alpha = n/p`.

    Parameters
    ----------
    n_nodes : int
        Gauss--Hermite nodes per dimension.
    bracket : tuple of two floats
        Interval ``(lo, hi)``, ``0 < lo < hi``, on whose ends :math:`\lambda - 1` has opposite signs.

    Raises
    ------
    ValueError
        If ``bracket`` is not an increasing pair of positive numbers or does not bracket the root.

    Examples
    --------
    >>> a = committee_specialisation_threshold()
    >>> bool(1.5 < a < 3.0)
    True
    """
    from scipy.optimize import brentq

    n_nodes = check_int("n_nodes", n_nodes, minimum=4)
    if not isinstance(bracket, (tuple, list, np.ndarray)):
        raise TypeError(f"`bracket` must be a pair (lo, hi) of positive numbers, got {bracket!r}.")
    if len(bracket) != 2:
        raise ValueError(f"`bracket` must be a pair (lo, hi), got {bracket!r}.")
    lo = check_real("bracket[0]", bracket[0], lower=0.0, lower_open=True)
    hi = check_real("bracket[1]", bracket[1], lower=lo, lower_open=True)

    memo = {}

    def f(a):
        if a not in memo:  # brentq re-evaluates the end points: reuse them
            memo[a] = committee_specialisation_stability(a, n_nodes) - 1.0
        return memo[a]

    f_lo, f_hi = f(lo), f(hi)
    if f_lo * f_hi > 0:
        raise ValueError(f"`bracket` = ({lo}, {hi}) does not bracket the specialisation threshold: "
                         f"lambda - 1 = {f_lo:.3g} and {f_hi:.3g} have the same sign.")
    return float(brentq(f, lo, hi, xtol=1e-8))
