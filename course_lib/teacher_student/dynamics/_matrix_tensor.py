"""The spiked matrix-tensor model (p = 3) and direct simulation of Langevin dynamics / gradient flow on the sphere.

Observations of a signal ``x*`` with ``||x*||^2 = N``:

    Y_ij       = x*_i x*_j / sqrt(N) + xi_ij,                  xi_ij ~ N(0, Delta_2),   i < j,
    T_{ijk}    = sqrt((p-1)!) x*_i x*_j x*_k / N^{(p-1)/2} + xi_ijk,   xi_ijk ~ N(0, Delta_p),   i < j < k,

and the Hamiltonian (minus the log-likelihood up to constants)

    H(x) = -1/(Delta_2 sqrt(N)) sum_{i<j} Y_ij x_i x_j - sqrt((p-1)!)/(Delta_p N^{(p-1)/2}) sum_{i<j<k} T_ijk x_i x_j x_k.

The tensor is stored packed (only ``i < j < k``, float32) and contracted in one pass by a numba kernel,
``O(N^3 / 6)`` work per gradient.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..._validation import DivergenceWarning, check_int, check_real, check_rng

__all__ = ["SpikedMatrixTensor", "spiked_matrix_tensor", "LangevinTrajectory", "langevin_spiked_matrix_tensor"]

_N_MAX = 1200


@dataclass(frozen=True)
class SpikedMatrixTensor:
    """One instance of the spiked matrix-tensor model (p = 3).

    Attributes
    ----------
    N, p : int
        Dimension and tensor order.
    delta2, deltap : float
        Noise variances.
    x_star : ndarray, shape (N,)
        Signal, ``||x_star||^2 = N``.
    Y : ndarray, shape (N, N)
        Symmetric matrix observation with zero diagonal.
    T_packed : ndarray of float32, shape (N (N-1) (N-2) / 6,)
        Tensor observation ``T_ijk``, ``i < j < k``, in lexicographic order.

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import spiked_matrix_tensor
    >>> res = spiked_matrix_tensor(12, 3, 0.5, 1.0, rng=0)
    >>> type(res).__name__, res.x_star.shape
    ('SpikedMatrixTensor', (12,))
    """

    N: int
    p: int
    delta2: float
    deltap: float
    x_star: np.ndarray
    Y: np.ndarray
    T_packed: np.ndarray


@njit(cache=True)
def _add_signal(Tp, xs, scale, N):
    idx = 0
    for i in range(N - 2):
        for j in range(i + 1, N - 1):
            a = scale * xs[i] * xs[j]
            for k in range(j + 1, N):
                Tp[idx] += a * xs[k]
                idx += 1


@njit(cache=True, fastmath=True)
def _tensor_contract(Tp, x, N, g):
    """g_l = d/dx_l sum_{i<j<k} T_ijk x_i x_j x_k (g is overwritten); returns the sum itself."""
    for l in range(N):
        g[l] = 0.0
    total = 0.0
    idx = 0
    for i in range(N - 2):
        xi = x[i]
        gi = 0.0
        for j in range(i + 1, N - 1):
            xj = x[j]
            xixj = xi * xj
            s = 0.0
            base = idx - j - 1
            for k in range(j + 1, N):
                t = Tp[base + k]
                s += t * x[k]
                g[k] += t * xixj
            idx += N - j - 1
            gi += xj * s
            g[j] += xi * s
            total += xixj * s
        g[i] += gi
    return total


def spiked_matrix_tensor(N, p, delta2, deltap, rng=None):
    r"""Draw an instance of the spiked matrix-tensor model.

    .. math::

        Y_{ij} = \frac{x^*_i x^*_j}{\sqrt N} + \xi_{ij},\qquad
        T_{ijk} = \frac{\sqrt{(p-1)!}}{N^{(p-1)/2}} x^*_i x^*_j x^*_k + \xi_{ijk},

    with :math:`\xi_{ij}\sim\mathcal N(0,\Delta_2)`, :math:`\xi_{ijk}\sim\mathcal N(0,\Delta_p)` independent and the
    signal uniform on the sphere :math:`\lVert x^*\rVert^2 = N`.

    Parameters
    ----------
    N : int
        Dimension, ``10 <= N <= 1200`` (the packed tensor holds ``N^3/6`` float32 numbers).
    p : int
        Tensor order; only ``p = 3`` is implemented for direct simulation.
    delta2, deltap : float
        Noise variances, positive.
    rng : numpy.random.Generator, int or None

    Returns
    -------
    SpikedMatrixTensor

    References
    ----------
    S. Sarao Mannelli, F. Krzakala, P. Urbani, L. Zdeborová, "Passed & spurious: descent algorithms and local
    minima in spiked matrix-tensor models", ICML 2019, arXiv:1902.00139 (definition of the model).

    Examples
    --------
    >>> inst = spiked_matrix_tensor(12, 3, 0.5, 1.0, rng=0)
    >>> inst.T_packed.shape, bool(np.isclose(inst.x_star @ inst.x_star, 12))
    ((220,), True)
    """
    N = check_int("N", N, minimum=10, maximum=_N_MAX)
    p = check_int("p", p, minimum=3)
    if p != 3:
        raise ValueError(f"`p` must be 3 for direct simulation (the packed tensor kernel is cubic), got {p}.")
    delta2 = check_real("delta2", delta2, lower=0.0, lower_open=True)
    deltap = check_real("deltap", deltap, lower=0.0, lower_open=True)
    rng = check_rng(rng)
    xs = rng.standard_normal(N)
    xs *= np.sqrt(N) / np.linalg.norm(xs)
    noise = rng.standard_normal((N, N)) * np.sqrt(delta2)
    Y = np.triu(noise, 1)
    Y = Y + Y.T + np.outer(xs, xs) / np.sqrt(N)
    np.fill_diagonal(Y, 0.0)
    M = N * (N - 1) * (N - 2) // 6
    Tp = rng.standard_normal(M, dtype=np.float32)
    Tp *= np.float32(np.sqrt(deltap))
    _add_signal(Tp, xs.astype(np.float32), np.float32(np.sqrt(2.0) / N), N)
    return SpikedMatrixTensor(N=N, p=p, delta2=delta2, deltap=deltap, x_star=xs, Y=Y, T_packed=Tp)


def _energy_gradient(inst, x, g):
    """Return H(x) and write grad H(x) into g."""
    N = inst.N
    a = 1.0 / (inst.delta2 * np.sqrt(N))
    b = np.sqrt(2.0) / (inst.deltap * N)
    yx = inst.Y @ x
    s = _tensor_contract(inst.T_packed, x, N, g)
    g *= -b
    g -= a * yx
    return -0.5 * a * (x @ yx) - b * s


def _heun_on_sphere(drift, xs, cbar0, T, dt, n, normal, xp=np):
    """Stochastic Heun steps on the sphere ``|x|^2 = N``, shared by the packed and the dense simulations.

    ``drift(x)`` returns ``(H(x), f)`` with ``f`` the tangential part of ``-grad H(x)``; ``normal(N)`` draws standard
    normal vectors (first the initial direction, then one per step when ``T > 0``); ``xp`` is the array namespace.
    Returns the overlap with ``xs``, the energy per variable and the correlation with ``x(0)`` at the ``n + 1`` times.
    """
    N = xs.shape[0]
    z = normal(N)
    z = z - (z @ xs) / N * xs
    z *= np.sqrt(N) / xp.linalg.norm(z)
    x = cbar0 * xs + np.sqrt(1.0 - cbar0**2) * z
    x0 = x.copy()
    cb, en, c0 = (xp.empty(n + 1) for _ in range(3))
    amp = np.sqrt(2.0 * T * dt)
    for i in range(n + 1):
        e, f1 = drift(x)
        cb[i], en[i], c0[i] = x @ xs / N, e / N, x @ x0 / N
        if i == n:
            break
        noise = amp * normal(N) if T > 0.0 else 0.0
        y = x + dt * f1 + noise
        y *= np.sqrt(N) / xp.linalg.norm(y)
        _, f2 = drift(y)
        x = x + 0.5 * dt * (f1 + f2) + noise
        x *= np.sqrt(N) / xp.linalg.norm(x)
    return cb, en, c0


@dataclass(frozen=True)
class LangevinTrajectory:
    """Observables of one simulated trajectory on the grid ``t = dt * arange(n_steps + 1)``.

    Attributes
    ----------
    t : ndarray
        Times.
    Cbar : ndarray
        Overlap with the signal ``<x(t), x*> / N``.
    energy : ndarray
        ``H(x(t)) / N``.
    C0 : ndarray
        Correlation with the initial condition ``C(t, 0) = <x(t), x(0)> / N``.
    n_steps : int
        Number of time steps.
    converged : bool
        True when the trajectory stayed finite.

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import langevin_spiked_matrix_tensor, spiked_matrix_tensor
    >>> inst = spiked_matrix_tensor(12, 3, 0.5, 1.0, rng=0)
    >>> res = langevin_spiked_matrix_tensor(inst, 0.0, 0.05, 0.2, rng=1, cbar0=0.5)
    >>> type(res).__name__, res.Cbar.shape
    ('LangevinTrajectory', (5,))
    """

    t: np.ndarray
    Cbar: np.ndarray
    energy: np.ndarray
    C0: np.ndarray
    n_steps: int
    converged: bool


def langevin_spiked_matrix_tensor(instance, T, dt, t_max, rng=None, *, cbar0=0.1):
    r"""Simulate Langevin dynamics (``T > 0``) or gradient flow (``T = 0``) on the sphere.

    .. math::

        \dot x = -\mu(t) x - \nabla H(x) + \eta,\qquad
        \langle\eta_i(t)\eta_j(t')\rangle = 2T\delta_{ij}\delta(t-t'),\qquad \lVert x\rVert^2 = N.

    Scheme: stochastic Heun (predictor--corrector with the same noise increment) for the tangential drift
    :math:`-(I - xx^\top/N)\nabla H`, followed by a projection on the sphere, which realises
    :math:`\mu(t)` including its Itô part :math:`T`. Second order in ``dt`` for gradient flow.
    The initial condition has overlap exactly ``cbar0`` with the signal and is otherwise uniform.

    Parameters
    ----------
    instance : SpikedMatrixTensor
    T : float
        Temperature ``T >= 0``.
    dt : float
        Time step, ``0 < dt <= 0.2``.
    t_max : float
        Final time.
    rng : numpy.random.Generator, int or None
        Source of the initial condition and of the thermal noise.
    cbar0 : float, optional
        Initial overlap in ``[0, 1)``.

    Returns
    -------
    LangevinTrajectory

    References
    ----------
    S. Sarao Mannelli, G. Biroli, C. Cammarota, F. Krzakala, P. Urbani, L. Zdeborová, Phys. Rev. X 10, 011057
    (2020), arXiv:1812.09066 (Langevin dynamics on the sphere).

    Examples
    --------
    >>> inst = spiked_matrix_tensor(20, 3, 0.5, 1.0, rng=0)
    >>> tr = langevin_spiked_matrix_tensor(inst, 0.0, 0.05, 0.5, rng=1, cbar0=0.5)
    >>> tr.Cbar.shape, float(round(tr.Cbar[0], 12))
    ((11,), 0.5)
    """
    if not isinstance(instance, SpikedMatrixTensor):
        raise TypeError(f"`instance` must be a SpikedMatrixTensor, got {type(instance).__name__}.")
    T = check_real("T", T, lower=0.0)
    dt = check_real("dt", dt, lower=0.0, lower_open=True, upper=0.2)
    t_max = check_real("t_max", t_max, lower=0.0, lower_open=True)
    cbar0 = check_real("cbar0", cbar0, lower=0.0, upper=1.0, upper_open=True)
    n = int(round(t_max / dt))
    if n < 1:
        raise ValueError(f"`t_max` must be at least `dt`, got t_max={t_max} and dt={dt}.")
    rng = check_rng(rng)
    N = instance.N
    g = np.empty(N)

    def drift(y):
        e = _energy_gradient(instance, y, g)
        f = -g
        f -= (f @ y) / N * y
        return e, f

    cb, en, c0 = _heun_on_sphere(drift, instance.x_star, cbar0, T, dt, n, rng.standard_normal)
    converged = bool(np.all(np.isfinite(cb)) and np.all(np.isfinite(en)))
    if not converged:
        warnings.warn(
            f"the Langevin integration blew up (non-finite values): decrease `dt` (got {dt:g}).",
            DivergenceWarning,
            stacklevel=2,
        )
    return LangevinTrajectory(t=dt * np.arange(n + 1), Cbar=cb, energy=en, C0=c0, n_steps=n, converged=converged)
