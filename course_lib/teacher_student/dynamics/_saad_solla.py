r"""Saad-Solla ordinary differential equations for online SGD in a soft committee machine.

Student :math:`\hat y(x) = \sum_{i=1}^K g(\lambda_i)`, teacher :math:`y = \sum_{n=1}^M g(\nu_n)`, with
:math:`g(z) = \operatorname{erf}(z/\sqrt2)`, local fields :math:`\lambda_i = w_i\cdot x/\sqrt N`,
:math:`\nu_n = w^*_n\cdot x/\sqrt N`, inputs :math:`x\sim\mathcal N(0, I_N)` and square loss
:math:`\tfrac12(\hat y - y)^2`. The second layers are fixed to one (soft committee machine). Online SGD
:math:`w_i \leftarrow w_i - \frac{\eta}{\sqrt N}\, g'(\lambda_i)(\hat y - y)\, x` is described, as
:math:`N\to\infty` with :math:`t = \text{steps}/N`, by closed ODEs for the overlaps
:math:`Q_{ik} = w_i\cdot w_k/N`, :math:`R_{in} = w_i\cdot w^*_n/N`, :math:`T_{nm} = w^*_n\cdot w^*_m/N`.
This scaling (Goldt et al. 2019) is equivalent to Saad & Solla's :math:`J_i = w_i/\sqrt N` with step :math:`\eta/N`.
The student's output is written :math:`\hat y` (the book reserves :math:`\phi` for the Gaussian density).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import fsolve

from ..._validation import check_array, check_int, check_real

__all__ = [
    "SaadSollaSolution",
    "CommitteePlateau",
    "erf_i2",
    "erf_i3",
    "erf_i4",
    "committee_generalisation_error",
    "saad_solla_rhs",
    "saad_solla_ode",
    "committee_plateau",
]


_COV_MAX = 1e100


def _check_covariance(diag_names, off, diag, offdiag):
    """Validate the entries of a covariance matrix given entry by entry (scalars or broadcastable arrays).

    Every entry must be finite and at most 1e100 in magnitude (overlaps of order one are what the ODEs produce),
    the variances non-negative and the matrix positive semi-definite (up to rounding).
    """
    names = (*diag_names, *off)
    arrs = [check_array(n, v) for n, v in zip(names, (*diag, *offdiag))]
    for n, a in zip(names, arrs):
        if np.any(np.abs(a) > _COV_MAX):
            raise ValueError(f"`{n}` must be at most {_COV_MAX:g} in magnitude (a covariance entry), got {a.max():g}.")
    for n, a in zip(diag_names, arrs):
        if np.any(a < 0):
            raise ValueError(f"`{n}` is a variance and must be >= 0, got {a.min():g}.")
    try:
        b = np.broadcast_arrays(*arrs)
    except ValueError:
        raise ValueError(f"the arguments {', '.join(names)} must have broadcastable shapes, got "
                         f"{[a.shape for a in arrs]}.") from None
    k = len(diag_names)
    C = np.empty(b[0].shape + (k, k))
    for i in range(k):
        C[..., i, i] = b[i]
    for (n, (i, j)), v in zip(off.items(), b[k:]):
        C[..., i, j] = C[..., j, i] = v
    scale = np.maximum(1.0, np.abs(C).max(axis=(-2, -1)))
    if np.any(np.linalg.eigvalsh(C)[..., 0] < -1e-10 * scale):
        raise ValueError(
            f"the covariance matrix with variances {', '.join(diag_names)} and covariances {', '.join(off)} must be "
            f"positive semi-definite (|c_ij| <= sqrt(c_ii c_jj) and so on); `{names[k]}` and the others given "
            "describe no Gaussian vector."
        )
    return b


def erf_i2(c11, c22, c12):
    r""":math:`I_2 = \mathbb E[g(u)g(v)] = \frac{2}{\pi}\arcsin\frac{C_{12}}{\sqrt{(1+C_{11})(1+C_{22})}}`.

    For :math:`g(z) = \operatorname{erf}(z/\sqrt2)` and a centred Gaussian pair :math:`(u, v)` with covariance
    :math:`C`. References: Saad & Solla (1995), Phys. Rev. E 52, 4225, Appendix.

    Examples
    --------
    >>> round(float(erf_i2(1.0, 1.0, 1.0)), 12)  # E[erf(z/sqrt2)^2] = (2/pi) arcsin(1/2) = 1/3
    0.333333333333
    """
    c11, c22, c12 = _check_covariance(("c11", "c22"), {"c12": (0, 1)}, (c11, c22), (c12,))
    return _erf_i2(c11, c22, c12)


def _erf_i2(c11, c22, c12):
    return 2.0 / np.pi * np.arcsin(c12 / np.sqrt((1.0 + c11) * (1.0 + c22)))


def erf_i3(c11, c22, c33, c12, c13, c23):
    r""":math:`I_3 = \mathbb E[g'(u_1)\, u_2\, g(u_3)]` for erf, in closed form.

    .. math:: I_3 = \frac{2}{\pi}\frac{1}{\sqrt{\Lambda_3}}\,\frac{C_{23}(1 + C_{11}) - C_{12}C_{13}}{1 + C_{11}},
              \qquad \Lambda_3 = (1 + C_{11})(1 + C_{33}) - C_{13}^2.

    References: Saad & Solla (1995), Phys. Rev. E 52, 4225, Appendix; Goldt et al. (2019), NeurIPS, arXiv:1906.08632,
    supplementary material.

    Examples
    --------
    >>> round(float(erf_i3(1.0, 1.0, 1.0, 0.0, 0.0, 1.0)) * np.pi, 12)  # E[g'(z)] E[z g(z)] = 1/pi
    1.0
    """
    c11, c22, c33, c12, c13, c23 = _check_covariance(
        ("c11", "c22", "c33"), {"c12": (0, 1), "c13": (0, 2), "c23": (1, 2)}, (c11, c22, c33), (c12, c13, c23)
    )
    return _erf_i3(c11, c22, c33, c12, c13, c23)


def _erf_i3(c11, c22, c33, c12, c13, c23):
    lam3 = (1.0 + c11) * (1.0 + c33) - c13 * c13
    return 2.0 / np.pi / np.sqrt(lam3) * (c23 * (1.0 + c11) - c12 * c13) / (1.0 + c11)


def erf_i4(c11, c22, c33, c44, c12, c13, c14, c23, c24, c34):
    r""":math:`I_4 = \mathbb E[g'(u_1) g'(u_2) g(u_3) g(u_4)]` for erf, in closed form.

    .. math:: I_4 = \frac{4}{\pi^2}\frac{1}{\sqrt{\Lambda_4}}\arcsin\frac{\Lambda_0}{\sqrt{\Lambda_1\Lambda_2}},

    with :math:`\Lambda_4 = (1+C_{11})(1+C_{22}) - C_{12}^2` and :math:`\Lambda_0, \Lambda_1, \Lambda_2` as in
    Saad & Solla (1995), Phys. Rev. E 52, 4225, Appendix (also Goldt et al. 2019, NeurIPS, arXiv:1906.08632,
    supplementary material).

    Examples
    --------
    >>> round(float(erf_i4(1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)), 12)
    0.0
    """
    c11, c22, c33, c44, c12, c13, c14, c23, c24, c34 = _check_covariance(
        ("c11", "c22", "c33", "c44"),
        {"c12": (0, 1), "c13": (0, 2), "c14": (0, 3), "c23": (1, 2), "c24": (1, 3), "c34": (2, 3)},
        (c11, c22, c33, c44), (c12, c13, c14, c23, c24, c34),
    )
    return _erf_i4(c11, c22, c33, c44, c12, c13, c14, c23, c24, c34)


def _erf_i4(c11, c22, c33, c44, c12, c13, c14, c23, c24, c34):
    lam4 = (1.0 + c11) * (1.0 + c22) - c12 * c12
    lam0 = (lam4 * c34 - c23 * c24 * (1.0 + c11) - c13 * c14 * (1.0 + c22)
            + c12 * c13 * c24 + c12 * c14 * c23)
    lam1 = lam4 * (1.0 + c33) - c23 * c23 * (1.0 + c11) - c13 * c13 * (1.0 + c22) + 2.0 * c12 * c13 * c23
    lam2 = lam4 * (1.0 + c44) - c24 * c24 * (1.0 + c11) - c14 * c14 * (1.0 + c22) + 2.0 * c12 * c14 * c24
    return 4.0 / np.pi**2 / np.sqrt(lam4) * np.arcsin(lam0 / np.sqrt(lam1 * lam2))


def _full_cov(Q, R, T):
    K = Q.shape[0]
    M = T.shape[0]
    C = np.empty((K + M, K + M))
    C[:K, :K] = Q
    C[:K, K:] = R
    C[K:, :K] = R.T
    C[K:, K:] = T
    return C


def _eps_g(Q, R, T):
    dq = np.diag(Q)
    dt = np.diag(T)
    sq = _erf_i2(dq[:, None], dq[None, :], Q).sum()
    st = _erf_i2(dt[:, None], dt[None, :], T).sum()
    sr = _erf_i2(dq[:, None], dt[None, :], R).sum()
    return 0.5 * (sq + st - 2.0 * sr)


def _rhs(Q, R, T, lr):
    """dQ/dt, dR/dt of the Saad-Solla equations (vectorised over all index tuples)."""
    K = Q.shape[0]
    M = T.shape[0]
    C = _full_cov(Q, R, T)
    d = np.diag(C)
    # sign of each unit in the error y_hat - y: +1 for students, -1 for teachers
    s = np.concatenate([np.ones(K), -np.ones(M)])
    a = np.arange(K)[:, None, None]
    b = np.arange(K + M)[None, :, None]
    c = np.arange(K + M)[None, None, :]
    # I3[a, b, c] = E[g'(u_a) u_b g(u_c)], a a student
    I3 = _erf_i3(d[a], d[b], d[c], C[a, b], C[a, c], C[b, c])
    # E[g'(lambda_i) u_b (y - y_hat)] = -sum_c s_c I3[i, b, c]
    T3 = -(I3 * s[None, None, :]).sum(axis=2)  # shape (K, K+M)
    dR = lr * T3[:, K:]
    dQ = lr * (T3[:, :K] + T3[:, :K].T)
    i = np.arange(K)[:, None, None, None]
    k = np.arange(K)[None, :, None, None]
    p = np.arange(K + M)[None, None, :, None]
    q = np.arange(K + M)[None, None, None, :]
    I4 = _erf_i4(d[i], d[k], d[p], d[q], C[i, k], C[i, p], C[i, q], C[k, p], C[k, q], C[p, q])
    dQ = dQ + lr**2 * np.einsum("ikpq,p,q->ik", I4, s, s)
    return dQ, dR


def committee_generalisation_error(Q, R, T):
    r"""Generalisation error of the erf soft committee machine from its order parameters.

    .. math::
        \varepsilon_g = \frac{1}{\pi}\Big[\sum_{i,k}\arcsin\frac{Q_{ik}}{\sqrt{(1+Q_{ii})(1+Q_{kk})}}
        + \sum_{n,m}\arcsin\frac{T_{nm}}{\sqrt{(1+T_{nn})(1+T_{mm})}}
        - 2\sum_{i,n}\arcsin\frac{R_{in}}{\sqrt{(1+Q_{ii})(1+T_{nn})}}\Big].

    Parameters
    ----------
    Q : array_like, shape (K, K)
        Student-student overlaps (symmetric, positive semi-definite).
    R : array_like, shape (K, M)
        Student-teacher overlaps.
    T : array_like, shape (M, M)
        Teacher-teacher overlaps.

    Returns
    -------
    float
        :math:`\varepsilon_g = \tfrac12\mathbb E(\hat y - y)^2`.

    Raises
    ------
    ValueError
        If the shapes do not match or the matrices are not symmetric.

    References
    ----------
    Saad & Solla (1995), Phys. Rev. E 52, 4225; Goldt et al. (2019), NeurIPS, arXiv:1906.08632, Eq. (4)
    (the definition) in the order parameters of Eq. (5).

    Examples
    --------
    >>> round(committee_generalisation_error([[1.0]], [[1.0]], [[1.0]]), 12)
    0.0
    """
    Q, R, T = _check_overlaps(Q, R, T)
    return float(_eps_g(Q, R, T))


def _check_overlaps(Q, R, T, names=("Q", "R", "T")):
    nq, nr, nt = names
    Q = check_array(nq, Q, ndim=2)
    T = check_array(nt, T, ndim=2)
    R = check_array(nr, R, ndim=2)
    K, M = Q.shape[0], T.shape[0]
    if Q.shape != (K, K):
        raise ValueError(f"`{nq}` must be square, got shape {Q.shape}.")
    if T.shape != (M, M):
        raise ValueError(f"`{nt}` must be square, got shape {T.shape}.")
    if R.shape != (K, M):
        raise ValueError(f"`{nr}` must have shape (K, M) = {(K, M)}, got {R.shape}.")
    if not (np.allclose(Q, Q.T) and np.allclose(T, T.T)):
        raise ValueError(f"`{nq}` and `{nt}` must be symmetric.")
    C = _full_cov(Q, R, T)
    if np.linalg.eigvalsh(C).min() < -1e-10 * max(1.0, np.abs(C).max()):
        raise ValueError(
            f"the overlaps `{nq}`, `{nr}`, `{nt}` must form a positive semi-definite matrix [[Q, R], [R^T, T]]."
        )
    return Q, R, T


def saad_solla_rhs(Q, R, T, lr):
    r"""Right-hand side of the Saad-Solla equations, :math:`(dQ/dt, dR/dt)`.

    With :math:`\delta_i = g'(\lambda_i)(y - \hat y)`,

    .. math::
        \frac{dR_{in}}{dt} = \eta\,\mathbb E[\delta_i\nu_n], \qquad
        \frac{dQ_{ik}}{dt} = \eta\,\mathbb E[\delta_i\lambda_k + \delta_k\lambda_i] + \eta^2\,\mathbb E[\delta_i\delta_k],

    where the averages are the closed forms :func:`erf_i3` and :func:`erf_i4` (sums over students with sign
    :math:`-1` and teachers with sign :math:`+1`).

    Parameters
    ----------
    Q, R, T : array_like
        Overlaps, shapes (K, K), (K, M), (M, M).
    lr : float
        Learning rate :math:`\eta \in (0, 10^3]` (Goldt et al. 2019 scaling: :math:`w\leftarrow w - \frac{\eta}{\sqrt N}\ldots`).

    Returns
    -------
    dQ, dR : ndarray

    References
    ----------
    Saad & Solla (1995), Phys. Rev. E 52, 4225; Biehl & Schwarze (1995), J. Phys. A 28, 643;
    Goldt et al. (2019), NeurIPS, arXiv:1906.08632, equations of motion of the order parameters of Eq. (5),
    with second layers :math:`v = v^* = 1`.

    Examples
    --------
    >>> dQ, dR = saad_solla_rhs([[1.0]], [[1.0]], [[1.0]], 0.5)  # student = teacher: a fixed point
    >>> float(abs(dQ).max() + abs(dR).max()) < 1e-14
    True
    """
    Q, R, T = _check_overlaps(Q, R, T)
    lr = check_real("lr", lr, lower=0.0, lower_open=True, upper=1e3)  # as for online SGD
    return _rhs(Q, R, T, lr)


@dataclass(frozen=True)
class SaadSollaSolution:
    """Solution of :func:`saad_solla_ode` on the time grid ``t`` (t = steps / N).

    Attributes
    ----------
    t : ndarray, shape (n_t,)
    Q : ndarray, shape (n_t, K, K)
    R : ndarray, shape (n_t, K, M)
    T : ndarray, shape (M, M)
    eps_g : ndarray, shape (n_t,)
    converged : bool
        Whether the integrator reached ``t_max`` (scipy's ``success``).
    n_evaluations : int
        Number of right-hand-side evaluations.

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import saad_solla_ode
    >>> res = saad_solla_ode(1, 1, 0.5, [[1.0]], [[0.5]], [[0.0]], 2.0, n_points=3)
    >>> type(res).__name__, res.t.tolist()
    ('SaadSollaSolution', [0.0, 1.0, 2.0])
    """

    t: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    T: np.ndarray
    eps_g: np.ndarray
    converged: bool
    n_evaluations: int


def saad_solla_ode(K, M, lr, T_teacher, Q0, R0, t_max, *, n_points=401, t_eval=None, rtol=1e-8, atol=1e-10):
    r"""Integrate the Saad-Solla ODEs of online SGD in the erf soft committee machine.

    Integrates :math:`dQ/dt, dR/dt` of :func:`saad_solla_rhs` (T is constant) with an adaptive
    Runge-Kutta method (scipy's ``DOP853``) and returns the overlaps and
    :math:`\varepsilon_g(Q, R, T)` of :func:`committee_generalisation_error` on a time grid.

    Parameters
    ----------
    K, M : int
        Number of student and teacher hidden units.
    lr : float
        Learning rate, in (0, 1e3].
    T_teacher : array_like, shape (M, M)
        Teacher overlaps.
    Q0 : array_like, shape (K, K)
        Initial student overlaps.
    R0 : array_like, shape (K, M)
        Initial student-teacher overlaps.
    t_max : float
        Final time (in units of steps / N), in (0, 1e7].
    n_points : int
        Number of equally spaced output times in [0, t_max] (ignored if ``t_eval`` is given).
    t_eval : array_like, optional
        Increasing output times in [0, t_max].
    rtol, atol : float
        Tolerances of the integrator.

    Returns
    -------
    SaadSollaSolution

    Raises
    ------
    ValueError
        For inconsistent shapes, a non positive semi-definite initial overlap matrix, or bad scalars.
    FloatingPointError
        If the integrator fails (the overlaps blow up at too large a learning rate).

    References
    ----------
    Saad & Solla (1995), Phys. Rev. E 52, 4225; Biehl & Schwarze (1995), J. Phys. A 28, 643;
    Goldt, Advani, Saxe, Krzakala & Zdeborová (2019), NeurIPS, arXiv:1906.08632 (SGD Eq. (2), order parameters
    Eq. (5) and their equations of motion).

    Examples
    --------
    >>> sol = saad_solla_ode(1, 1, 0.5, [[1.0]], [[0.5]], [[0.0]], 20.0, n_points=3)
    >>> bool(sol.eps_g[0] > sol.eps_g[-1])
    True
    """
    K = check_int("K", K, minimum=1)
    M = check_int("M", M, minimum=1)
    lr = check_real("lr", lr, lower=0.0, lower_open=True, upper=1e3)  # as for online SGD
    # (the dynamics reach their fixed point by t ~ 1e4 for any reasonable lr; a huge t_max only makes the
    # adaptive integrator crawl along it)
    t_max = check_real("t_max", t_max, lower=0.0, lower_open=True, upper=1e7)
    rtol = check_real("rtol", rtol, lower=0.0, lower_open=True)
    atol = check_real("atol", atol, lower=0.0, lower_open=True)
    T = check_array("T_teacher", T_teacher, ndim=2)
    Q0 = check_array("Q0", Q0, ndim=2)
    R0 = check_array("R0", R0, ndim=2)
    if T.shape != (M, M):
        raise ValueError(f"`T_teacher` must have shape (M, M) = {(M, M)}, got {T.shape}.")
    if Q0.shape != (K, K):
        raise ValueError(f"`Q0` must have shape (K, K) = {(K, K)}, got {Q0.shape}.")
    if R0.shape != (K, M):
        raise ValueError(f"`R0` must have shape (K, M) = {(K, M)}, got {R0.shape}.")
    _check_overlaps(Q0, R0, T, names=("Q0", "R0", "T_teacher"))
    if t_eval is None:
        n_points = check_int("n_points", n_points, minimum=2, maximum=10**6)
        t_eval = np.linspace(0.0, t_max, n_points)
    else:
        t_eval = check_array("t_eval", t_eval, ndim=1, min_len=1)
        if np.any(np.diff(t_eval) <= 0) or t_eval[0] < 0 or t_eval[-1] > t_max:
            raise ValueError("`t_eval` must be increasing and lie in [0, t_max].")
    iu = np.triu_indices(K)

    def f(_t, y):
        Q = np.zeros((K, K))
        Q[iu] = y[: iu[0].size]
        Q = Q + np.triu(Q, 1).T
        R = y[iu[0].size:].reshape(K, M)
        dQ, dR = _rhs(Q, R, T, lr)
        return np.concatenate([dQ[iu], dR.ravel()])

    y0 = np.concatenate([Q0[iu], R0.ravel()])
    sol = solve_ivp(f, (0.0, t_max), y0, method="DOP853", t_eval=t_eval, rtol=rtol, atol=atol)
    if not sol.success:
        raise FloatingPointError(
            f"saad_solla_ode: the integrator failed at t = {sol.t[-1] if sol.t.size else 0.0:.4g} ({sol.message}): "
            f"the overlaps grow without bound for too large a learning rate: decrease `lr` (got {lr:g}), or "
            "loosen `rtol`/`atol`."
        )
    n_t = sol.t.size
    Qs = np.zeros((n_t, K, K))
    Rs = sol.y[iu[0].size:].T.reshape(n_t, K, M)
    for j in range(n_t):
        Qj = np.zeros((K, K))
        Qj[iu] = sol.y[: iu[0].size, j]
        Qs[j] = Qj + np.triu(Qj, 1).T
    eps = np.array([_eps_g(Qs[j], Rs[j], T) for j in range(n_t)])
    return SaadSollaSolution(sol.t, Qs, Rs, T, eps, bool(sol.success), int(sol.nfev))


@dataclass(frozen=True)
class CommitteePlateau:
    r"""Unspecialised symmetric fixed point of :func:`committee_plateau` (K = M, T = I).

    Attributes
    ----------
    Q, C : float
        Diagonal and off-diagonal student overlaps.
    R : float
        Student-teacher overlap (the same for every pair: no specialisation).
    eps_g : float
        Plateau height :math:`\varepsilon_g(Q, R, T)`.
    escape_rate : float
        Largest real part of the eigenvalues of the Jacobian of the full ODE at the fixed point: the rate
        :math:`\lambda_+` of the fastest unstable direction (for K = 2 the specialisation direction; degenerate
        for K >= 3). The escape time grows like :math:`\lambda_+^{-1}\log(1/\delta)` with the initial
        asymmetry :math:`\delta`.
    converged : bool
    n_iterations : int
        Function evaluations used by the root finder.

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import committee_plateau
    >>> res = committee_plateau(2, 1e-6)
    >>> type(res).__name__, round(res.Q, 6)
    ('CommitteePlateau', 0.333333)
    """

    Q: float
    C: float
    R: float
    eps_g: float
    escape_rate: float
    converged: bool
    n_iterations: int


def _sym_point(K, Q, C, R):
    Qm = np.full((K, K), C) + (Q - C) * np.eye(K)
    Rm = np.full((K, K), R)
    return Qm, Rm


def committee_plateau(K, lr):
    r"""Symmetric (unspecialised) fixed point of the Saad-Solla ODEs for K = M and :math:`T = I`.

    Solves :math:`dQ_{ii}/dt = dQ_{i\neq k}/dt = dR_{in}/dt = 0` restricted to :math:`Q_{ii} = Q`,
    :math:`Q_{i\ne k} = C`, :math:`R_{in} = R` (with the :math:`\eta^2` term) by scipy's ``fsolve``
    (MINPACK's hybrid Powell method, a quasi-Newton iteration) started at the
    small-learning-rate solution :math:`Q = C = 1/(2K-1)`, :math:`R = 1/\sqrt{K(2K-1)}`, and returns the
    plateau height and the escape rate (largest eigenvalue of the Jacobian of the full ODE, by central
    differences).

    Parameters
    ----------
    K : int
        Number of hidden units (K = M >= 2).
    lr : float
        Learning rate, in (0, 1e3].

    Returns
    -------
    CommitteePlateau

    Raises
    ------
    ValueError
        If the root finder finds no plateau fixed point (too large a learning rate).

    References
    ----------
    Saad & Solla (1995), Phys. Rev. E 52, 4225 (symmetric phase, small :math:`\eta`).

    Examples
    --------
    >>> p = committee_plateau(2, 1e-6)
    >>> round(p.R, 6), round(p.Q, 6)  # 1/sqrt(K(2K-1)) and 1/(2K-1)
    (0.408248, 0.333333)
    """
    K = check_int("K", K, minimum=2)
    lr = check_real("lr", lr, lower=0.0, lower_open=True, upper=1e3)  # as for online SGD
    T = np.eye(K)

    def g(x):
        Qm, Rm = _sym_point(K, *x)
        dQ, dR = _rhs(Qm, Rm, T, lr)
        return np.array([dQ[0, 0], dQ[0, 1], dR[0, 0]]) / lr

    x0 = np.array([1.0 / (2 * K - 1), 1.0 / (2 * K - 1), 1.0 / np.sqrt(K * (2 * K - 1))])
    x, info, ier, msg = fsolve(g, x0, full_output=True, xtol=1e-13)
    if np.abs(g(x)).max() > 1e-10:
        raise ValueError(
            f"committee_plateau: no symmetric plateau fixed point found for lr = {lr:g} ({msg}); the plateau "
            "exists for moderate learning rates: decrease `lr`."
        )
    Q, C, R = (float(v) for v in x)
    Qm, Rm = _sym_point(K, Q, C, R)
    # Jacobian of the full ODE in the coordinates (Q upper triangle, R)
    iu = np.triu_indices(K)
    y0 = np.concatenate([Qm[iu], Rm.ravel()])

    def F(y):
        Qx = np.zeros((K, K))
        Qx[iu] = y[: iu[0].size]
        Qx = Qx + np.triu(Qx, 1).T
        dQ, dR = _rhs(Qx, y[iu[0].size:].reshape(K, K), T, lr)
        return np.concatenate([dQ[iu], dR.ravel()])

    h = 1e-6
    J = np.empty((y0.size, y0.size))
    for j in range(y0.size):
        e = np.zeros(y0.size)
        e[j] = h
        J[:, j] = (F(y0 + e) - F(y0 - e)) / (2 * h)
    rate = float(np.max(np.linalg.eigvals(J).real))
    return CommitteePlateau(Q, C, R, float(_eps_g(Qm, Rm, T)), rate, True, int(info["nfev"]))


def _first_crossing(t, y, level):
    """First time at which y drops below level (linear interpolation); nan if never."""
    idx = np.nonzero(y < level)[0]
    if idx.size == 0 or idx[0] == 0:
        return np.nan
    j = idx[0]
    return float(t[j - 1] + (t[j] - t[j - 1]) * (y[j - 1] - level) / (y[j - 1] - y[j]))



