r"""Bolthausen's approximate message passing (AMP) for the TAP equations of the Sherrington--Kirkpatrick model.

For :math:`H = -\sum_{i<j}J_{ij}S_iS_j - h\sum_iS_i` with :math:`J_{ij}\sim\mathcal N(0, 1/N)`, the TAP equations
(Thouless, Anderson and Palmer 1977) for the local magnetisations :math:`m_i = \langle S_i\rangle` read

.. math:: m_i = \tanh\Bigl(\beta h + \beta\sum_j J_{ij}m_j - \beta^2(1 - q)\,m_i\Bigr),\qquad q = \tfrac1N\lVert m\rVert^2 .

Bolthausen (2014) iterates them with the Onsager term one step behind; in the form of Bayati and Montanari (2011),
with the empirical Onsager coefficient,

.. math:: m^{t+1} = \tanh\bigl(\beta h + \beta J m^t - \beta^2 b_t\, m^{t-1}\bigr),\qquad b_t = 1 - \tfrac1N\lVert m^t\rVert^2

(Bolthausen uses the constant :math:`1 - q` in place of :math:`b_t`; from his start the two agree as
:math:`N\to\infty`).
The overlaps :math:`\frac1N\langle m^t, m^s\rangle` follow a deterministic *state evolution* as :math:`N\to\infty`.
This module runs the iteration and computes the state evolution by Gauss--Hermite quadrature.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validation import check_array, check_bool, check_int, check_real
from ._sk_replica import _gauss_mean, _rs_q, _sech4

__all__ = ["SKAMPRun", "SKAMPStateEvolution", "sk_amp", "sk_amp_state_evolution"]

_N_NODES_1D = 241  # Gauss-Hermite nodes for one-dimensional averages (relative error < 1e-11 for beta <= 3)
_N_NODES_2D = 101  # per dimension for the two-dimensional averages (tanh has complex poles: ~1e-9 for beta <= 3)
_BETA_MAX = 50.0
_H_MAX = 20.0


def _hermite_normal(n):
    """Nodes and weights of the n-point Gauss--Hermite rule for the standard normal law."""
    z, w = np.polynomial.hermite_e.hermegauss(n)
    return z, w / w.sum()


def _check_beta_h(beta, h):
    beta = check_real("beta", beta, lower=0.0, lower_open=True, upper=_BETA_MAX)
    h = check_real("h", h, lower=-_H_MAX, upper=_H_MAX)
    return beta, h


def _default_m0(beta, h):
    q, _, _ = _rs_q(beta, abs(h))
    return float(np.sqrt(q)) * (1.0 if h >= 0 else -1.0)


@dataclass(frozen=True)
class SKAMPRun:
    """Result of :func:`sk_amp`.

    Attributes
    ----------
    m : ndarray, shape (N,)
        The last iterate :math:`m^T`.
    overlaps : ndarray, shape (T + 1, T + 1)
        Gram matrix :math:`\\frac1N\\langle m^t, m^s\\rangle`, :math:`0\\le t, s\\le T`.
    magnetization : ndarray, shape (T + 1,)
        :math:`\\frac1N\\sum_i m_i^t`.
    tap_residual : ndarray, shape (T + 1,)
        Root mean square of the TAP equations at :math:`m^t`,
        :math:`\\bigl(\\frac1N\\lVert m^t - \\tanh(\\beta h + \\beta Jm^t - \\beta^2(1-q_t)m^t)\\rVert^2\\bigr)^{1/2}`,
        :math:`q_t = \\frac1N\\lVert m^t\\rVert^2`.
    increments : ndarray, shape (T,)
        :math:`\\frac1N\\lVert m^{t+1} - m^t\\rVert^2`.
    onsager : bool
        Whether the Onsager term was used.
    converged : bool
        Whether the last TAP residual is below ``tol``.
    n_iter : int

    Examples
    --------
    >>> from course_lib.spin_glasses import sk_amp, sk_couplings
    >>> run = sk_amp(sk_couplings(200, rng=0), beta=0.5, h=0.5, n_iter=5)
    >>> type(run).__name__, run.overlaps.shape
    ('SKAMPRun', (6, 6))
    """

    m: np.ndarray = field(repr=False)
    overlaps: np.ndarray = field(repr=False)
    magnetization: np.ndarray = field(repr=False)
    tap_residual: np.ndarray = field(repr=False)
    increments: np.ndarray = field(repr=False)
    onsager: bool
    converged: bool
    n_iter: int


def sk_amp(J, beta, h, n_iter=30, m0=None, onsager=True, tol=1e-10):
    r"""Bolthausen's AMP iteration for the TAP equations of the SK model.

    .. math::

        m^{t+1} = \tanh\bigl(\beta h + \beta J m^t - \beta^2 b_t\, m^{t-1}\bigr),\qquad
        b_t = 1 - \frac1N\lVert m^t\rVert^2,\qquad m^{-1} = 0,

    the Onsager reaction term evaluated one step behind. With ``onsager=False`` the term is dropped (the naive
    mean-field iteration :math:`m^{t+1} = \tanh(\beta h + \beta Jm^t)`), which does *not* follow the state evolution
    of :func:`sk_amp_state_evolution`. The iteration runs exactly ``n_iter`` steps (the state evolution describes
    fixed times :math:`t`); ``converged`` only reports whether the TAP equations hold to ``tol`` at the end. Below
    the de Almeida--Thouless line (low temperature) the iterates do not converge, as the state evolution predicts:
    no warning is issued, since that is an outcome to be measured.

    Parameters
    ----------
    J : array_like, shape (N, N)
        Symmetric couplings (e.g. :func:`sk_couplings`), :math:`N\ge2`; the diagonal is ignored.
    beta : float
        Inverse temperature, ``0 < beta <= 50``.
    h : float
        External field, ``|h| <= 20``.
    n_iter : int
        Number of iterations :math:`T \ge 1` (at most 10000).
    m0 : None, float or array_like of shape (N,)
        Initial magnetisations :math:`m^0` in :math:`[-1, 1]`; a float gives the constant vector. ``None``:
        Bolthausen's start :math:`m^0 = \sqrt{q}\,\mathbf 1` with :math:`q` the replica-symmetric solution
        (sign of ``h``).
    onsager : bool
        Keep the Onsager term.
    tol : float
        Threshold on the final TAP residual for ``converged``.

    Returns
    -------
    SKAMPRun

    Raises
    ------
    ValueError
        If ``J`` is not square and symmetric, or an argument is out of range.

    References
    ----------
    .. [1] E. Bolthausen, "An iterative construction of solutions of the TAP equations for the
       Sherrington--Kirkpatrick model", Commun. Math. Phys. 325, 333 (2014), arXiv:1201.2891 (with the constant
       coefficient :math:`1 - q` in place of :math:`b_t`).
    .. [2] D. J. Thouless, P. W. Anderson and R. G. Palmer, Phil. Mag. 35, 593 (1977).
    .. [3] M. Bayati and A. Montanari, IEEE Trans. Inf. Theory 57, 764 (2011) (empirical Onsager coefficient).

    Examples
    --------
    >>> from course_lib.spin_glasses import sk_couplings
    >>> run = sk_amp(sk_couplings(400, rng=1), beta=0.5, h=0.5, n_iter=40)
    >>> bool(run.converged), bool(run.tap_residual[-1] < 1e-10)
    (True, True)
    """
    J = check_array("J", J, ndim=2)
    N = J.shape[0]
    if J.shape[1] != N or N < 2:
        raise ValueError(f"`J` must be a square matrix of size N >= 2, got shape {J.shape}.")
    scale = max(float(np.max(np.abs(J))), 1e-300)
    if not np.allclose(J, J.T, rtol=0.0, atol=1e-12 * scale):
        raise ValueError("`J` must be symmetric (J[i, j] == J[j, i]).")
    beta, h = _check_beta_h(beta, h)
    n_iter = check_int("n_iter", n_iter, minimum=1, maximum=10_000)
    onsager = check_bool("onsager", onsager)
    tol = check_real("tol", tol, lower=0.0)
    if m0 is None:
        m = np.full(N, _default_m0(beta, h))
    elif np.ndim(m0) == 0:
        m = np.full(N, check_real("m0", m0, lower=-1.0, upper=1.0))
    else:
        m = check_array("m0", m0, ndim=1)
        if m.shape[0] != N:
            raise ValueError(f"`m0` must have length N = {N}, got {m.shape[0]}.")
        if np.any(np.abs(m) > 1.0):
            raise ValueError("`m0` must have entries in [-1, 1] (magnetisations).")
        m = m.copy()
    Jz = J.copy()
    np.fill_diagonal(Jz, 0.0)
    iterates = np.empty((n_iter + 1, N))
    iterates[0] = m
    m_prev = np.zeros(N)
    for t in range(n_iter):
        b = 1.0 - float(m @ m) / N if onsager else 0.0
        m_new = np.tanh(beta * h + beta * (Jz @ m) - beta * beta * b * m_prev)
        m_prev, m = m, m_new
        iterates[t + 1] = m
    gram = iterates @ iterates.T / N
    q_t = np.diag(gram)
    fields = iterates @ Jz  # row t: (J m^t)^T, J symmetric
    tap = np.tanh(beta * h + beta * fields - beta * beta * (1.0 - q_t)[:, None] * iterates) - iterates
    residual = np.sqrt(np.mean(tap * tap, axis=1))
    increments = np.mean(np.diff(iterates, axis=0) ** 2, axis=1)
    return SKAMPRun(m, gram, iterates.mean(axis=1), residual, increments, onsager, bool(residual[-1] < tol), n_iter)


@dataclass(frozen=True)
class SKAMPStateEvolution:
    """Result of :func:`sk_amp_state_evolution`.

    Attributes
    ----------
    overlaps : ndarray, shape (T + 1, T + 1)
        Limit :math:`\\Gamma_{ts}` of :math:`\\frac1N\\langle m^t, m^s\\rangle`.
    q : ndarray, shape (T + 1,)
        Diagonal :math:`q_t = \\Gamma_{tt}`, which obeys :math:`q_{t+1} = \\mathbb E\\tanh^2(\\beta h + \\beta\\sqrt{q_t}z)`.
    magnetization : ndarray, shape (T + 1,)
        Limit of :math:`\\frac1N\\sum_i m^t_i`.
    increments : ndarray, shape (T,)
        Limit of :math:`\\frac1N\\lVert m^{t+1} - m^t\\rVert^2`, i.e. :math:`q_t + q_{t+1} - 2\\Gamma_{t,t+1}`.
    q_rs : float
        Fixed point of the diagonal recursion: the replica-symmetric :math:`q`.
    rate : float
        :math:`\\lambda = \\beta^2\\mathbb E\\,\\mathrm{sech}^4(\\beta h + \\beta\\sqrt{q_{RS}}z)`, the slope of the
        overlap map at its fixed point (one minus the replicon): increments decay like :math:`\\lambda^t` when
        :math:`\\lambda < 1`.

    Examples
    --------
    >>> from course_lib.spin_glasses import sk_amp_state_evolution
    >>> se = sk_amp_state_evolution(0.5, 0.5, n_iter=3)
    >>> type(se).__name__, se.overlaps.shape
    ('SKAMPStateEvolution', (4, 4))
    """

    overlaps: np.ndarray = field(repr=False)
    q: np.ndarray = field(repr=False)
    magnetization: np.ndarray = field(repr=False)
    increments: np.ndarray = field(repr=False)
    q_rs: float
    rate: float


def _pair_mean(F, a, b, c, z, w):
    """E F(X) F(Y) for (X, Y) centred Gaussian with variances a, b and covariance c (tensor Gauss--Hermite)."""
    if a <= 0.0:
        return F(0.0) * float(w @ F(np.sqrt(max(b, 0.0)) * z))
    sa = np.sqrt(a)
    x = sa * z
    r = c / sa
    s = np.sqrt(max(b - r * r, 0.0))
    y = r * z[:, None] + s * z[None, :]
    return float(w @ (F(x)[:, None] * F(y)) @ w)


def sk_amp_state_evolution(beta, h, n_iter=30, m0=None):
    r"""State evolution of :func:`sk_amp` from a constant start :math:`m^0 = c\,\mathbf 1`.

    With :math:`F(y) = \tanh(\beta h + \beta y)`, the local field :math:`(Jm^t - \beta b_t m^{t-1})_i` is, as
    :math:`N\to\infty`, a centred Gaussian :math:`Y_{t+1}` with :math:`\mathrm{Cov}(Y_{t+1}, Y_{s+1}) = \Gamma_{ts}`
    (Bolthausen 2014), hence

    .. math::

        \Gamma_{00} = c^2,\qquad \Gamma_{0,s} = c\,\mathbb E F(Y_s),\qquad
        \Gamma_{t,s} = \mathbb E\bigl[F(Y_t)F(Y_s)\bigr]\quad (t, s\ge1),

    and on the diagonal :math:`q_{t+1} = \mathbb E\tanh^2(\beta h + \beta\sqrt{q_t}\,z)`, whose fixed point is the
    replica-symmetric :math:`q`. From Bolthausen's start, above the de Almeida--Thouless line (``rate < 1``, high
    temperature), :math:`\Gamma_{ts}\to q` as :math:`t, s\to\infty`: the iterates converge. Expectations by
    Gauss--Hermite quadrature (241 nodes in one dimension, 101 per dimension in two:
    accurate to about :math:`10^{-9}` for :math:`\beta\le3`), ``rate`` by adaptive quadrature.

    Parameters
    ----------
    beta : float
        Inverse temperature, ``0 < beta <= 50``.
    h : float
        External field, ``|h| <= 20``.
    n_iter : int
        Number of iterations :math:`T\ge1` (at most 2000).
    m0 : None or float
        Constant :math:`c\in[-1, 1]` of the start; ``None``: Bolthausen's :math:`c = \sqrt{q_{RS}}` (sign of ``h``).

    Returns
    -------
    SKAMPStateEvolution

    References
    ----------
    .. [1] E. Bolthausen, Commun. Math. Phys. 325, 333 (2014), arXiv:1201.2891.
    .. [2] M. Bayati and A. Montanari, IEEE Trans. Inf. Theory 57, 764 (2011).

    Examples
    --------
    >>> se = sk_amp_state_evolution(0.5, 0.5, n_iter=40, m0=0.0)
    >>> round(float(se.q[-1]), 6) == round(se.q_rs, 6)
    True
    """
    beta, h = _check_beta_h(beta, h)
    n_iter = check_int("n_iter", n_iter, minimum=1, maximum=2000)
    c = _default_m0(beta, h) if m0 is None else check_real("m0", m0, lower=-1.0, upper=1.0)
    z, w = _hermite_normal(_N_NODES_2D)
    z1, w1 = _hermite_normal(_N_NODES_1D)

    def F(y):
        return np.tanh(beta * h + beta * y)

    G = np.zeros((n_iter + 1, n_iter + 1))
    mag = np.zeros(n_iter + 1)
    G[0, 0] = c * c
    mag[0] = c
    for t in range(1, n_iter + 1):  # new index t: Var Y_t = G[t-1, t-1], Cov(Y_t, Y_s) = G[t-1, s-1]
        a = G[t - 1, t - 1]
        mag[t] = float(w1 @ F(np.sqrt(a) * z1))
        G[0, t] = G[t, 0] = c * mag[t]
        G[t, t] = float(w1 @ F(np.sqrt(a) * z1) ** 2)
        for s in range(1, t):
            G[t, s] = G[s, t] = _pair_mean(F, a, G[s - 1, s - 1], G[t - 1, s - 1], z, w)
    q_t = np.diag(G).copy()
    inc = q_t[:-1] + q_t[1:] - 2.0 * np.diag(G, 1)
    q_rs, _, _ = _rs_q(beta, abs(h))
    sq = np.sqrt(q_rs)
    center = -h / sq if sq > 0 else np.inf
    rate = beta * beta * _gauss_mean(lambda u: _sech4(beta * (sq * u + h)), center)
    return SKAMPStateEvolution(G, q_t, mag, np.maximum(inc, 0.0), float(q_rs), float(rate))
