"""Two-time dynamical mean-field theory (DMFT) of the spiked matrix-tensor model.

The correlation ``C(t, t')``, the response ``R(t, t')``, the overlap with the signal ``Cbar(t)`` and the
Lagrange multiplier ``mu(t)`` of Langevin dynamics (temperature ``T``) or gradient flow (``T = 0``) on the
sphere obey the Cugliandolo--Kurchan-type equations of Sarao Mannelli et al. (Phys. Rev. X 2020, arXiv:1812.09066),

    d/dt C(t,t') = -mu(t) C(t,t') + Q'(Cbar(t)) Cbar(t') + int_0^t R(t,s) Q''(C(t,s)) C(t',s) ds
                   + int_0^t' R(t',s) Q'(C(t,s)) ds,                                  (t > t')
    d/dt R(t,t') = -mu(t) R(t,t') + int_t'^t R(t,s) Q''(C(t,s)) R(s,t') ds,           R(t^+, t) = 1,
    d/dt Cbar(t) = -mu(t) Cbar(t) + Q'(Cbar(t)) + int_0^t R(t,s) Cbar(s) Q''(C(t,s)) ds,
    mu(t)        = T + Q'(Cbar(t)) Cbar(t) + int_0^t R(t,s) [Q''(C(t,s)) C(t,s) + Q'(C(t,s))] ds,

with ``Q(x) = x^2 / (2 Delta_2) + x^p / (p Delta_p)`` and ``C(t, t) = 1``.  The solver is Heun's
predictor--corrector method on a uniform grid with trapezoidal memory integrals (second order in ``dt``);
it stores ``C`` (symmetrised), ``R`` and its transpose: ``O(n^2)`` memory and ``O(n^3)`` work for
``n = t_max / dt`` steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from ..._validation import check_int, check_real

__all__ = ["DMFTSolution", "dmft_spiked_matrix_tensor"]


@njit(cache=True, fastmath=True)
def _q1(x, a2, ap, p):
    """Q'(x) with a2 = 1/Delta_2 and ap = 1/Delta_p."""
    return a2 * x + ap * x ** (p - 1)


@njit(cache=True, fastmath=True)
def _q2(x, a2, ap, p):
    """Q''(x)."""
    return a2 + ap * (p - 1) * x ** (p - 2)


@njit(cache=True, fastmath=True)
def _q0(x, a2, ap, p):
    """Q(x)."""
    return 0.5 * a2 * x * x + ap * x**p / p


@njit(cache=True, fastmath=True)
def _trap(f, lo, hi, dt):
    """Trapezoidal rule of the grid values f[lo..hi] (zero when lo == hi)."""
    if hi <= lo:
        return 0.0
    acc = 0.0
    for s in range(lo, hi + 1):
        acc += f[s]
    return dt * (acc - 0.5 * (f[lo] + f[hi]))


@njit(cache=True, fastmath=True)
def _row_derivatives(i, C, R, Rt, cb, a2, ap, p, temp, dt, dC, dR, G, B, W, out):
    """Time derivatives of row ``i`` (time ``t_i``) given rows ``0..i`` of C, R and Cbar[0..i].

    Fills dC[j], dR[j] for j <= i and stores (dCbar/dt, mu, energy per variable) in ``out``.
    The convention R[i, i] = 1 is the limit R(t, t^-) used by the trapezoidal rule.
    """
    for s in range(i + 1):
        G[s] = R[i, s] * _q2(C[i, s], a2, ap, p)
        B[s] = _q1(C[i, s], a2, ap, p)
    cbi = cb[i]
    qcb = _q1(cbi, a2, ap, p)
    for s in range(i + 1):
        W[s] = R[i, s] * B[s]
    int_rq1 = _trap(W, 0, i, dt)
    for s in range(i + 1):
        W[s] = G[s] * C[i, s]
    int_rq2c = _trap(W, 0, i, dt)
    for s in range(i + 1):
        W[s] = G[s] * cb[s]
    int_rq2cb = _trap(W, 0, i, dt)
    mu = temp + qcb * cbi + int_rq2c + int_rq1
    out[0] = -mu * cbi + qcb + int_rq2cb
    out[1] = mu
    out[2] = -_q0(cbi, a2, ap, p) - int_rq1
    for j in range(i + 1):
        # int_0^{t_i} R(t_i,s) Q''(C(t_i,s)) C(t_j,s) ds  (C stored symmetrically, row j contiguous)
        acc = 0.0
        for s in range(i + 1):
            acc += G[s] * C[j, s]
        if i > 0:
            acc = dt * (acc - 0.5 * (G[0] * C[j, 0] + G[i] * C[j, i]))
        else:
            acc = 0.0
        # int_0^{t_j} R(t_j,s) Q'(C(t_i,s)) ds
        acc2 = 0.0
        for s in range(j + 1):
            acc2 += R[j, s] * B[s]
        if j > 0:
            acc2 = dt * (acc2 - 0.5 * (R[j, 0] * B[0] + R[j, j] * B[j]))
        else:
            acc2 = 0.0
        dC[j] = -mu * C[i, j] + qcb * cb[j] + acc + acc2
        # int_{t_j}^{t_i} R(t_i,s) Q''(C(t_i,s)) R(s,t_j) ds   (Rt[j, s] = R[s, j])
        accr = 0.0
        if i > j:
            for s in range(j, i + 1):
                accr += G[s] * Rt[j, s]
            accr = dt * (accr - 0.5 * (G[j] * Rt[j, j] + G[i] * Rt[j, i]))
        dR[j] = -mu * R[i, j] + accr


@njit(cache=True, fastmath=True)
def _solve(n, dt, a2, ap, p, temp, cb0):
    m = n + 1
    C = np.zeros((m, m))
    R = np.zeros((m, m))
    Rt = np.zeros((m, m))
    cb = np.zeros(m)
    mu = np.zeros(m)
    en = np.zeros(m)
    C[0, 0] = 1.0
    R[0, 0] = 1.0
    Rt[0, 0] = 1.0
    cb[0] = cb0
    dC0 = np.zeros(m)
    dR0 = np.zeros(m)
    dC1 = np.zeros(m)
    dR1 = np.zeros(m)
    G = np.zeros(m)
    B = np.zeros(m)
    W = np.zeros(m)
    out0 = np.zeros(3)
    out1 = np.zeros(3)
    for i in range(n):
        _row_derivatives(i, C, R, Rt, cb, a2, ap, p, temp, dt, dC0, dR0, G, B, W, out0)
        mu[i] = out0[1]
        en[i] = out0[2]
        # predictor (explicit Euler) for row i + 1
        k = i + 1
        for j in range(k):
            c = C[i, j] + dt * dC0[j]
            C[k, j] = c
            C[j, k] = c
            r = R[i, j] + dt * dR0[j]
            R[k, j] = r
            Rt[j, k] = r
        C[k, k] = 1.0
        R[k, k] = 1.0
        Rt[k, k] = 1.0
        cb[k] = cb[i] + dt * out0[0]
        # corrector (trapezoidal rule in t at fixed t')
        _row_derivatives(k, C, R, Rt, cb, a2, ap, p, temp, dt, dC1, dR1, G, B, W, out1)
        for j in range(k):
            c = C[i, j] + 0.5 * dt * (dC0[j] + dC1[j])
            C[k, j] = c
            C[j, k] = c
            r = R[i, j] + 0.5 * dt * (dR0[j] + dR1[j])
            R[k, j] = r
            Rt[j, k] = r
        cb[k] = cb[i] + 0.5 * dt * (out0[0] + out1[0])
    _row_derivatives(n, C, R, Rt, cb, a2, ap, p, temp, dt, dC0, dR0, G, B, W, out0)
    mu[n] = out0[1]
    en[n] = out0[2]
    return C, R, cb, mu, en


def _inverse_variance(name, value):
    """Return 1/value for a noise variance in (0, inf]; ``np.inf`` switches the channel off."""
    if isinstance(value, float) and value == np.inf:
        return 0.0
    return 1.0 / check_real(name, value, lower=0.0, lower_open=True)


@dataclass(frozen=True)
class DMFTSolution:
    """Solution of the DMFT equations on the grid ``t = dt * arange(n + 1)``.

    Attributes
    ----------
    t : ndarray, shape (n + 1,)
        Time grid.
    C, R : ndarray, shape (n + 1, n + 1)
        Two-time correlation ``C[i, j] = C(t_i, t_j)`` (symmetric, unit diagonal) and response
        ``R[i, j] = R(t_i, t_j)`` for ``j <= i`` (zero above the diagonal; ``R[i, i] = 1`` is the limit
        ``R(t, t^-)``).
    Cbar : ndarray, shape (n + 1,)
        Overlap with the signal.
    mu : ndarray, shape (n + 1,)
        Lagrange multiplier enforcing ``C(t, t) = 1``.
    energy : ndarray, shape (n + 1,)
        Energy per variable ``-Q(Cbar(t)) - int_0^t R(t,s) Q'(C(t,s)) ds``.
    n_steps : int
        Number of time steps.
    converged : bool
        True when every entry is finite (the explicit scheme did not blow up).

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import dmft_spiked_matrix_tensor
    >>> res = dmft_spiked_matrix_tensor(3, 0.5, 2.0, 0.0, 0.1, 0.5)
    >>> type(res).__name__, res.Cbar.shape
    ('DMFTSolution', (6,))
    """

    t: np.ndarray
    C: np.ndarray
    R: np.ndarray
    Cbar: np.ndarray
    mu: np.ndarray
    energy: np.ndarray
    n_steps: int
    converged: bool


def dmft_spiked_matrix_tensor(p, delta2, deltap, T, dt, t_max, *, cbar0=0.1):
    r"""Integrate the DMFT equations of Langevin dynamics / gradient flow in the spiked matrix-tensor model.

    The dynamics is :math:`\dot x = -\mu(t) x - \nabla H(x) + \eta`, :math:`\langle \eta_i(t)\eta_j(t')\rangle
    = 2T\delta_{ij}\delta(t-t')`, on the sphere :math:`\lVert x\rVert^2 = N`; as :math:`N\to\infty` the
    correlation :math:`C(t,t')`, the response :math:`R(t,t')` and the overlap :math:`\bar C(t)` obey

    .. math::

        \partial_t C(t,t') &= -\mu(t)C(t,t') + Q'(\bar C(t))\bar C(t') + \int_0^t R(t,s)Q''(C(t,s))C(t',s)\,ds
            + \int_0^{t'} R(t',s) Q'(C(t,s))\,ds,\\
        \partial_t R(t,t') &= -\mu(t)R(t,t') + \int_{t'}^t R(t,s)Q''(C(t,s))R(s,t')\,ds,\\
        \partial_t \bar C(t) &= -\mu(t)\bar C(t) + Q'(\bar C(t)) + \int_0^t R(t,s)\bar C(s)Q''(C(t,s))\,ds,

    with :math:`Q(x) = x^2/(2\Delta_2) + x^p/(p\Delta_p)`, :math:`C(t,t)=1`, :math:`R(t^+,t)=1` and
    :math:`\mu(t) = T + Q'(\bar C)\bar C + \int_0^t R(t,s)[Q''(C(t,s))C(t,s) + Q'(C(t,s))]ds`.

    Scheme: Heun's predictor--corrector on the uniform grid :math:`t_i = i\,dt`, memory integrals by the
    trapezoidal rule; global error :math:`O(dt^2)`, memory :math:`O(n^2)`, work :math:`O(n^3)` for
    :math:`n = t_{\max}/dt` steps (numba kernel).

    Parameters
    ----------
    p : int
        Order of the tensor, ``p >= 3``.
    delta2, deltap : float
        Noise variances :math:`\Delta_2, \Delta_p > 0`; ``np.inf`` removes that channel (``deltap=np.inf`` is
        the pure spiked matrix model).
    T : float
        Temperature, ``T >= 0`` (``T = 1`` Langevin at the Bayes-optimal temperature, ``T = 0`` gradient flow).
    dt : float
        Time step, ``0 < dt <= 0.5``.
    t_max : float
        Final time; ``n = round(t_max / dt)`` steps (at most 4000).
    cbar0 : float, optional
        Initial overlap :math:`\bar C(0)\in[0, 1)`.

    Returns
    -------
    DMFTSolution

    References
    ----------
    S. Sarao Mannelli, G. Biroli, C. Cammarota, F. Krzakala, P. Urbani, L. Zdeborová, "Marvels and pitfalls of
    the Langevin algorithm in noisy high-dimensional inference", Phys. Rev. X 10, 011057 (2020),
    arXiv:1812.09066 (the DMFT equations for C, R, Cbar and mu). L. F. Cugliandolo, J. Kurchan, Phys. Rev. Lett. 71, 173 (1993).

    Examples
    --------
    >>> sol = dmft_spiked_matrix_tensor(3, 0.5, 2.0, 0.0, 0.1, 2.0)
    >>> bool(abs(sol.C[-1, -1] - 1.0) < 1e-12), sol.Cbar.shape
    (True, (21,))
    """
    p = check_int("p", p, minimum=3)
    a2 = _inverse_variance("delta2", delta2)
    ap = _inverse_variance("deltap", deltap)
    if a2 == 0.0 and ap == 0.0:
        raise ValueError("`delta2` and `deltap` cannot both be infinite: the model has no signal.")
    T = check_real("T", T, lower=0.0)
    dt = check_real("dt", dt, lower=0.0, lower_open=True, upper=0.5)
    t_max = check_real("t_max", t_max, lower=0.0, lower_open=True)
    cbar0 = check_real("cbar0", cbar0, lower=0.0, upper=1.0, upper_open=True)
    n = int(round(t_max / dt))
    if n < 1:
        raise ValueError(f"`t_max` must be at least `dt`, got t_max={t_max} and dt={dt}.")
    if n > 4000:
        raise ValueError(f"`t_max / dt` must be at most 4000 steps (O(n^2) memory), got {n}.")
    C, R, cb, mu, en = _solve(n, dt, a2, ap, float(p), T, cbar0)
    converged = bool(np.all(np.isfinite(C)) and np.all(np.isfinite(R)) and np.all(np.isfinite(cb)))
    if not converged:
        import warnings

        warnings.warn("the DMFT integration blew up (non-finite values): decrease `dt`.", RuntimeWarning, stacklevel=2)
    return DMFTSolution(t=dt * np.arange(n + 1), C=C, R=R, Cbar=cb, mu=mu, energy=en, n_steps=n, converged=converged)
