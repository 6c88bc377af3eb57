r"""Gaussian-equivalence ODEs of online SGD on the hidden manifold model (Goldt, Mézard, Krzakala & Zdeborová 2020).

Inputs :math:`x = f(F^\top c/\sqrt D)` with latent :math:`c\sim\mathcal N(0, I_D)`, an odd entrywise nonlinearity
:math:`f` and labels :math:`y = \sum_m g(\nu_m)`, :math:`\nu_m = \tilde w_m\cdot c/\sqrt D`,
:math:`g(z) = \operatorname{erf}(z/\sqrt2)`. An erf soft committee machine (second layer fixed to one) with local
fields :math:`\lambda_k = w_k\cdot x/\sqrt N` is trained by online SGD
:math:`w_k \leftarrow w_k + \frac{\eta}{\sqrt N} g'(\lambda_k)(y - \hat y)\,x`.
By the Gaussian equivalence theorem, :math:`(\lambda, \nu)` is jointly Gaussian with covariance
:math:`\Sigma = [[Q, R], [R^\top, T]]`, :math:`Q = W\Omega W^\top/N`, :math:`\Omega = b^2F^\top F/D + (c - b^2)I_N`.
The dynamics of :math:`Q, R` close once they are resolved on the eigenvectors :math:`v_\tau` of :math:`\Omega`
(eigenvalues :math:`\rho_\tau`): with :math:`w_{k\tau} = w_k\cdot v_\tau` and
:math:`t_{m\tau} = \sqrt N\, b\, v_\tau^\top F^\top\tilde w_m/D`, the densities
:math:`q^\tau_{kl} = w_{k\tau}w_{l\tau}`, :math:`r^\tau_{km} = w_{k\tau}t_{m\tau}`,
:math:`\theta^\tau_{mn} = t_{m\tau}t_{n\tau}` give :math:`Q = \sum_\tau p_\tau\rho_\tau q^\tau`,
:math:`R = \sum_\tau p_\tau r^\tau` (weights :math:`p_\tau = 1/N`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate
from scipy.integrate import solve_ivp

from ..._validation import check_array, check_int, check_real
from ._saad_solla import _eps_g, _erf_i3, _erf_i4, _full_cov

__all__ = ["HMMODESolution", "HMMODEState", "hmm_gaussian_constants", "hmm_ode_initial_state", "hmm_online_ode"]

_ODD = ("sign", "tanh", "erf")
_ALL = ("sign", "tanh", "erf", "relu", "linear")


def hmm_gaussian_constants(f):
    r"""The constants :math:`a = \mathbb E f(z)`, :math:`b = \mathbb E[z f(z)]`, :math:`c = \mathbb E f(z)^2`.

    For :math:`z\sim\mathcal N(0, 1)`; they are the three numbers through which the nonlinearity of the hidden
    manifold model enters the Gaussian-equivalent covariance
    :math:`\Omega = a^2\mathbf 1\mathbf 1^\top + b^2F^\top F/D + (c - a^2 - b^2)I_N` (Goldt et al. 2020, PRX 10,
    041044), for columns of :math:`F` normalised to :math:`\lVert F_i\rVert^2 = D` (every preactivation standard).

    Parameters
    ----------
    f : {"sign", "tanh", "erf", "relu", "linear"}
        Entrywise nonlinearity; ``"erf"`` is :math:`\operatorname{erf}(z/\sqrt2)`.

    Returns
    -------
    tuple of float
        ``(a, b, c)``. Closed forms: sign :math:`(0, \sqrt{2/\pi}, 1)`; erf :math:`(0, 1/\sqrt\pi, 1/3)`;
        relu :math:`(1/\sqrt{2\pi}, 1/2, 1/2)`; linear :math:`(0, 1, 1)`; tanh by adaptive quadrature.

    Raises
    ------
    ValueError
        For an unknown ``f``.

    References
    ----------
    Goldt, Mézard, Krzakala & Zdeborová (2020), Phys. Rev. X 10, 041044.

    Examples
    --------
    >>> a, b, c = hmm_gaussian_constants("sign")
    >>> a, round(b**2 * np.pi, 12), c
    (0.0, 2.0, 1.0)
    """
    if not isinstance(f, str) or f not in _ALL:
        raise ValueError(f"`f` must be one of {list(_ALL)}, got {f!r}.")
    if f == "sign":
        return 0.0, float(np.sqrt(2.0 / np.pi)), 1.0
    if f == "erf":
        return 0.0, float(1.0 / np.sqrt(np.pi)), 1.0 / 3.0
    if f == "relu":
        return float(1.0 / np.sqrt(2.0 * np.pi)), 0.5, 0.5
    if f == "linear":
        return 0.0, 1.0, 1.0
    phi = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)  # noqa: E731
    b = 2.0 * integrate.quad(lambda z: z * np.tanh(z) * phi(z), 0.0, np.inf, epsabs=1e-14)[0]
    c = 2.0 * integrate.quad(lambda z: np.tanh(z) ** 2 * phi(z), 0.0, np.inf, epsabs=1e-14)[0]
    return 0.0, float(b), float(c)


@dataclass(frozen=True)
class HMMODEState:
    r"""Order-parameter densities on the spectrum of :math:`\Omega`, from :func:`hmm_ode_initial_state`.

    Attributes
    ----------
    rho : ndarray, shape (P,)
        Eigenvalues of :math:`\Omega` (the :math:`N - D` degenerate ones lumped into one entry).
    weights : ndarray, shape (P,)
        Weight :math:`p_\tau` of each entry (1/N, or (N - D)/N for the lumped one).
    q : ndarray, shape (P, K, K)
    r : ndarray, shape (P, K, M)
    theta : ndarray, shape (P, M, M)
    T : ndarray, shape (M, M)
        Teacher covariance :math:`\tilde W\tilde W^\top/D`.
    Q, R : ndarray
        The resulting :math:`Q = \sum_\tau p_\tau\rho_\tau q^\tau`, :math:`R = \sum_\tau p_\tau r^\tau`.

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import hmm_ode_initial_state
    >>> s = hmm_ode_initial_state(np.ones((1, 6)), np.eye(2, 6), np.ones((1, 2)), "sign")
    >>> type(s).__name__, s.rho.shape
    ('HMMODEState', (3,))
    """

    rho: np.ndarray
    weights: np.ndarray
    q: np.ndarray
    r: np.ndarray
    theta: np.ndarray
    T: np.ndarray
    Q: np.ndarray
    R: np.ndarray


def hmm_ode_initial_state(W, F, W_latent, f="sign"):
    r"""Resolve the student and the latent teacher of a hidden manifold model on the eigenvectors of :math:`\Omega`.

    With :math:`F = U S V^\top` (thin SVD), :math:`\Omega = b^2F^\top F/D + (c - b^2)I_N` has the eigenvalues
    :math:`\rho_\tau = b^2s_\tau^2/D + c - b^2` on the columns of :math:`V` and :math:`c - b^2` on their orthogonal
    complement (for columns normalised to :math:`\lVert F_i\rVert^2 = D`, :math:`\Omega` is the second moment of
    :math:`x` up to Mehler terms of order :math:`(F_i\cdot F_j/D)^3`). The components
    :math:`w_{k\tau} = w_k\cdot v_\tau`, :math:`t_{m\tau} = \sqrt N\,b\,s_\tau(U^\top\tilde w_m)_\tau/D` give the
    densities :math:`q^\tau, r^\tau, \theta^\tau` of :func:`hmm_online_ode`; on the complement the teacher has no
    component and the student's is lumped into one entry of weight (N - D)/N (exact: the ODE treats all directions
    with the same eigenvalue alike). For ``f = "linear"`` that eigenvalue is :math:`c - b^2 = 0`: the complement
    neither moves nor enters :math:`Q`, and it is left out.

    Parameters
    ----------
    W : array_like, shape (K, N)
        Student weights.
    F : array_like, shape (D, N)
        Feature matrix, D <= N.
    W_latent : array_like, shape (M, D)
        Latent teacher weights.
    f : {"sign", "tanh", "erf", "linear"}
        Odd nonlinearity (:math:`a = 0`; for :math:`a\ne0` the mean of the fields is a further order parameter).

    Returns
    -------
    HMMODEState

    Raises
    ------
    ValueError
        For shapes that do not match, D > N, or a nonlinearity with :math:`a \neq 0`.

    References
    ----------
    Goldt, Mézard, Krzakala & Zdeborová (2020), Phys. Rev. X 10, 041044 (the same densities, as functions of the
    eigenvalue).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> W, F = rng.standard_normal((2, 40)), rng.standard_normal((8, 40))
    >>> s = hmm_ode_initial_state(W, F, rng.standard_normal((1, 8)), "sign")
    >>> a, b, c = hmm_gaussian_constants("sign")
    >>> Omega = b**2 * F.T @ F / 8 + (c - b**2) * np.eye(40)
    >>> bool(np.allclose(s.Q, W @ Omega @ W.T / 40))
    True
    """
    W = check_array("W", W, ndim=2)
    F = check_array("F", F, ndim=2)
    W_latent = check_array("W_latent", W_latent, ndim=2)
    if not isinstance(f, str) or f not in _ODD + ("linear",):
        raise ValueError(f"`f` must be an odd nonlinearity, one of {list(_ODD + ('linear',))}, got {f!r}.")
    for name, arr in (("W", W), ("F", F), ("W_latent", W_latent)):
        if arr.size == 0:
            raise ValueError(f"`{name}` must be non-empty, got shape {arr.shape}.")
    K, N = W.shape
    D = F.shape[0]
    if F.shape[1] != N:
        raise ValueError(f"`F` must have shape (D, N) with N = {N} (the columns of `W`), got {F.shape}.")
    if D > N:
        raise ValueError(f"`F` must have D <= N rows (latent dimension at most the input dimension), got D = {D}.")
    if W_latent.shape[1] != D:
        raise ValueError(f"`W_latent` must have shape (M, D) with D = {D}, got {W_latent.shape}.")
    _, b, c = hmm_gaussian_constants(f)
    U, s, Vt = np.linalg.svd(F, full_matrices=False)
    comp = W @ Vt.T  # (K, D)
    tcomp = np.sqrt(N) * b * s[None, :] * (W_latent @ U) / D  # (M, D)
    rho = b * b * s * s / D + c - b * b
    weights = np.full(D, 1.0 / N)
    q = comp.T[:, :, None] * comp.T[:, None, :]
    r = comp.T[:, :, None] * tcomp.T[:, None, :]
    theta = tcomp.T[:, :, None] * tcomp.T[:, None, :]
    M = W_latent.shape[0]
    if N > D and c - b * b > 0:  # for f = "linear" the complement has eigenvalue 0: it neither moves nor enters Q
        rest = W @ W.T - comp @ comp.T  # projections on the complement of the row space of F
        rho = np.append(rho, c - b * b)
        weights = np.append(weights, (N - D) / N)
        q = np.concatenate([q, rest[None] / (N - D)])
        r = np.concatenate([r, np.zeros((1, K, M))])
        theta = np.concatenate([theta, np.zeros((1, M, M))])
    T = W_latent @ W_latent.T / D
    Q = np.einsum("p,pkl->kl", weights * rho, q)
    R = np.einsum("p,pkm->km", weights, r)
    return HMMODEState(rho, weights, q, r, theta, T, Q, R)


def _drift(q, r, theta, rho, wts, T, lr):
    """d q / dt, d r / dt of every density entry and the current (Q, R)."""
    K = q.shape[1]
    M = T.shape[0]
    Q = np.einsum("p,pkl->kl", wts * rho, q)
    R = np.einsum("p,pkm->km", wts, r)
    C = _full_cov(0.5 * (Q + Q.T), R, T)
    d = np.diag(C)
    s = np.concatenate([np.ones(K), -np.ones(M)])
    a = np.arange(K)[:, None, None]
    bb = np.arange(K + M)[None, :, None]
    cc = np.arange(K + M)[None, None, :]
    I3 = _erf_i3(d[a], d[bb], d[cc], C[a, bb], C[a, cc], C[bb, cc])
    T3 = -(I3 * s[None, None, :]).sum(axis=2)  # E[g'(lambda_k) u_b (y - y_hat)], shape (K, K+M)
    i = np.arange(K)[:, None, None, None]
    k = np.arange(K)[None, :, None, None]
    p = np.arange(K + M)[None, None, :, None]
    qq = np.arange(K + M)[None, None, None, :]
    I4 = _erf_i4(d[i], d[k], d[p], d[qq], C[i, k], C[i, p], C[i, qq], C[k, p], C[k, qq], C[p, qq])
    E4 = np.einsum("ikpq,p,q->ik", I4, s, s)
    G = np.linalg.solve(C, T3.T)  # (K+M, K): Sigma^{-1} E[delta_k u]
    GS, GT = G[:K], G[K:]
    A = rho[:, None, None] * np.einsum("pkl,lj->pkj", q, GS) + np.einsum("pkn,nj->pkj", r, GT)
    dq = lr * (A + np.swapaxes(A, 1, 2)) + lr * lr * rho[:, None, None] * E4[None]
    dr = lr * (rho[:, None, None] * np.einsum("lk,plm->pkm", GS, r) + np.einsum("nk,pnm->pkm", GT, theta))
    return dq, dr, Q, R


@dataclass(frozen=True)
class HMMODESolution:
    r"""Solution of :func:`hmm_online_ode` on the grid ``t`` (t = steps / N).

    Attributes
    ----------
    t : ndarray, shape (n_t,)
    Q : ndarray, shape (n_t, K, K)
    R : ndarray, shape (n_t, K, M)
    T : ndarray, shape (M, M)
    eps_g : ndarray, shape (n_t,)
        :math:`\varepsilon_g(Q, R, T)` of the Gaussian-equivalent fields.
    q, r : ndarray
        Final densities, shapes (P, K, K) and (P, K, M).
    converged : bool
    n_evaluations : int

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import hmm_online_ode
    >>> sol = hmm_online_ode([1.0], [[[0.5]]], [[[0.2]]], [[[1.0]]], [[1.0]], 0.5, 1.0, n_points=3)
    >>> type(sol).__name__, sol.t.tolist()
    ('HMMODESolution', [0.0, 0.5, 1.0])
    """

    t: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    T: np.ndarray
    eps_g: np.ndarray
    q: np.ndarray
    r: np.ndarray
    converged: bool
    n_evaluations: int


def hmm_online_ode(rho, q0, r0, theta, T, lr, t_max, *, weights=None, n_points=101, rtol=1e-7, atol=1e-9):
    r"""Integrate the Gaussian-equivalence ODEs of online SGD in the hidden manifold model.

    For every entry :math:`\tau` of the spectrum of :math:`\Omega` (eigenvalue :math:`\rho_\tau`, weight
    :math:`p_\tau`), with :math:`\Sigma = [[Q, R], [R^\top, T]]`, :math:`\delta_k = g'(\lambda_k)(y - \hat y)`,
    :math:`A_{kb} = \mathbb E[\delta_k u_b]` over the fields :math:`u = (\lambda, \nu)` and
    :math:`G = \Sigma^{-1}A^\top = [G_S; G_T]`,

    .. math::
        \frac{dr^\tau}{dt} = \eta\,\bigl(\rho_\tau G_S^\top r^\tau + G_T^\top\theta^\tau\bigr),\qquad
        \frac{dq^\tau}{dt} = \eta\,(B^\tau + B^{\tau\top}) + \eta^2\rho_\tau\,\mathbb E[\delta\delta^\top],\quad
        B^\tau = \rho_\tau q^\tau G_S + r^\tau G_T,

    with :math:`Q = \sum_\tau p_\tau\rho_\tau q^\tau`, :math:`R = \sum_\tau p_\tau r^\tau`; the Gaussian averages are
    the closed forms of :func:`erf_i3` and :func:`erf_i4`. The projection :math:`\mathbb E[\delta_k x_\tau] =
    \operatorname{Cov}(x_\tau, u)\Sigma^{-1}\mathbb E[\delta_k u]` (Stein's lemma) is what closes the equations.
    For :math:`\rho\equiv1` and :math:`T = \sum_\tau p_\tau\theta^\tau` they reduce to :func:`saad_solla_rhs`.

    Parameters
    ----------
    rho : array_like, shape (P,)
        Eigenvalues of :math:`\Omega`, positive.
    q0 : array_like, shape (P, K, K)
        Initial student densities (symmetric).
    r0 : array_like, shape (P, K, M)
        Initial student-teacher densities.
    theta : array_like, shape (P, M, M)
        Teacher densities (constant in time).
    T : array_like, shape (M, M)
        Teacher covariance (positive semi-definite).
    lr : float
        Learning rate, in (0, 1e3].
    t_max : float
        Final time, in (0, 1e5].
    weights : array_like, shape (P,), optional
        Positive weights :math:`p_\tau` (default 1/P).
    n_points : int
        Number of equally spaced output times.
    rtol, atol : float
        Tolerances of scipy's ``RK45``.

    Returns
    -------
    HMMODESolution

    Raises
    ------
    ValueError
        For shapes that do not match, non-positive eigenvalues or weights, or an initial covariance
        :math:`\Sigma` that is not positive definite.
    FloatingPointError
        If the integrator fails (too large a learning rate).

    References
    ----------
    Goldt, Mézard, Krzakala & Zdeborová (2020), Phys. Rev. X 10, 041044; Saad & Solla (1995), Phys. Rev. E 52, 4225
    (the case :math:`\Omega = I`).

    Examples
    --------
    >>> sol = hmm_online_ode([1.0], [[[0.5]]], [[[0.2]]], [[[1.0]]], [[1.0]], 0.5, 20.0, n_points=3)
    >>> bool(sol.eps_g[-1] < sol.eps_g[0])
    True
    """
    rho = check_array("rho", rho, ndim=1, min_len=1)
    if np.any(rho <= 0):
        raise ValueError(f"`rho` must hold positive eigenvalues, got minimum {rho.min():g}.")
    P = rho.size
    q0 = check_array("q0", q0, ndim=3)
    r0 = check_array("r0", r0, ndim=3)
    theta = check_array("theta", theta, ndim=3)
    T = check_array("T", T, ndim=2)
    if q0.shape[0] != P or q0.shape[1] != q0.shape[2]:
        raise ValueError(f"`q0` must have shape (P, K, K) with P = {P} (the length of `rho`), got {q0.shape}.")
    K = q0.shape[1]
    M = T.shape[0]
    if T.shape != (M, M) or not np.allclose(T, T.T):
        raise ValueError(f"`T` must be a symmetric (M, M) matrix, got shape {T.shape}.")
    if r0.shape != (P, K, M):
        raise ValueError(f"`r0` must have shape (P, K, M) = {(P, K, M)}, got {r0.shape}.")
    if theta.shape != (P, M, M):
        raise ValueError(f"`theta` must have shape (P, M, M) = {(P, M, M)}, got {theta.shape}.")
    if not np.allclose(q0, np.swapaxes(q0, 1, 2)):
        raise ValueError("`q0` must be symmetric in its last two axes.")
    if weights is None:
        wts = np.full(P, 1.0 / P)
    else:
        wts = check_array("weights", weights, ndim=1)
        if wts.shape != (P,) or np.any(wts <= 0):
            raise ValueError(f"`weights` must hold P = {P} positive numbers, got shape {wts.shape}.")
    lr = check_real("lr", lr, lower=0.0, lower_open=True, upper=1e3)
    t_max = check_real("t_max", t_max, lower=0.0, lower_open=True, upper=1e5)
    n_points = check_int("n_points", n_points, minimum=2, maximum=10**5)
    rtol = check_real("rtol", rtol, lower=1e-13, upper=1e-1)
    atol = check_real("atol", atol, lower=1e-15, upper=1e-1)
    Q = np.einsum("p,pkl->kl", wts * rho, q0)
    R = np.einsum("p,pkm->km", wts, r0)
    C = _full_cov(Q, R, T)
    scale = max(1.0, np.abs(C).max())
    if not np.all(np.isfinite(C)) or scale > 1e8 or np.linalg.eigvalsh(C).min() <= 1e-12 * scale:
        raise ValueError(
            "the initial covariance [[Q, R], [R^T, T]] of the fields (from `rho`, `q0`, `r0`, `weights`, `T`) must be "
            "positive definite with entries below 1e8."
        )
    nq, nr = P * K * K, P * K * M

    def fun(_t, y):
        q = y[:nq].reshape(P, K, K)
        r = y[nq:].reshape(P, K, M)
        dq, dr, _, _ = _drift(q, r, theta, rho, wts, T, lr)
        return np.concatenate([dq.ravel(), dr.ravel()])

    t_eval = np.linspace(0.0, t_max, n_points)
    y0 = np.concatenate([q0.ravel(), r0.ravel()])
    with np.errstate(all="ignore"):
        try:
            sol = solve_ivp(fun, (0.0, t_max), y0, method="RK45", t_eval=t_eval, rtol=rtol, atol=atol)
            ok = sol.success and np.all(np.isfinite(sol.y))
        except np.linalg.LinAlgError:
            ok = False
    if not ok:
        raise FloatingPointError(
            f"hmm_online_ode: the integrator failed (the overlaps blow up or the field covariance became singular): "
            f"decrease `lr` (got {lr:g})."
        )
    n_t = sol.t.size
    qs = sol.y[:nq].T.reshape(n_t, P, K, K)
    rs = sol.y[nq:].T.reshape(n_t, P, K, M)
    Qs = np.einsum("p,tpkl->tkl", wts * rho, qs)
    Rs = np.einsum("p,tpkm->tkm", wts, rs)
    eps = np.array([_eps_g(Qs[j], Rs[j], T) for j in range(n_t)])
    return HMMODESolution(sol.t, Qs, Rs, T, eps, qs[-1], rs[-1], True, int(sol.nfev))
