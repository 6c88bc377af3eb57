"""The spiked matrix-tensor model (p = 3) and direct simulation of Langevin dynamics / gradient flow on the sphere.

Observations of a signal ``x*`` with ``||x*||^2 = N``:

    Y_ij       = x*_i x*_j / sqrt(N) + xi_ij,                  xi_ij ~ N(0, Delta_2),   i < j,
    T_{ijk}    = sqrt((p-1)!) x*_i x*_j x*_k / N^{(p-1)/2} + xi_ijk,   xi_ijk ~ N(0, Delta_p),   i < j < k,

and the Hamiltonian (minus the log-likelihood up to constants)

    H(x) = -1/(Delta_2 sqrt(N)) sum_{i<j} Y_ij x_i x_j - sqrt((p-1)!)/(Delta_p N^{(p-1)/2}) sum_{i<j<k} T_ijk x_i x_j x_k.

Two storages of the tensor, one kernel layout (``O(N^3 / 6)`` multiply-adds per gradient, single core):

* ``storage="packed"``: only ``i < j < k``, float32, lexicographic order (``N = 1200``: 1.15 GB). The gradient
  streams it once: for each pair ``(i, j)`` the run ``T[i, j, j+1:]`` is contiguous, and the inner loop over it is a
  dot product with ``x[j+1:]`` plus an axpy into a per-``i`` buffer, which LLVM vectorises (AVX2/AVX-512). The
  kernel is memory-bound: see ``bench/RESULTS.md`` (rows "matrix-tensor gradient") for its fraction of the
  STREAM-triad roofline.
* ``storage="implicit"``: the noise is never stored. Entry number ``m`` (same order) is
  ``sqrt(Delta_p) * z_m``, ``z_m`` a standard normal obtained by Box-Muller from a SplitMix64 hash of
  ``(key, m)``, recomputed inside the kernel at every gradient; the signal part is added on the fly. Memory is
  ``O(N^2)`` (the matrix ``Y``), at a cost of one hash, a log, a square root and a cosine per entry.

``langevin_spiked_matrix_tensor(..., backend="cupy")`` runs the same integrator on a GPU with a dense tensor (two
matrix-vector products with the ``N x N^2`` unfolding per gradient, as in :mod:`._reference_runs`), drawing its
random numbers from the same NumPy generator, so both backends give the same trajectory up to float32 round-off.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..._validation import DivergenceWarning, check_int, check_real, check_rng

__all__ = ["SpikedMatrixTensor", "spiked_matrix_tensor", "LangevinTrajectory", "langevin_spiked_matrix_tensor"]

_N_MAX = 1200
_N_MAX_IMPLICIT = 4000  # the dense matrix Y (128 MB) is the memory limit; a gradient then costs ~1e10 hashes
_STORAGES = ("packed", "implicit")
_BACKENDS = ("numpy", "cupy")


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
    T_packed : ndarray of float32, shape (N (N-1) (N-2) / 6,), or None
        Tensor observation ``T_ijk``, ``i < j < k``, in lexicographic order; None for ``storage="implicit"``.
    storage : {'packed', 'implicit'}
        How the tensor is held (see :func:`spiked_matrix_tensor`).
    key : int
        For ``storage="implicit"``: the 64-bit key of the counter-based generator of the noise entries.

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
    T_packed: np.ndarray | None
    storage: str = "packed"
    key: int = 0


@njit(cache=True)
def _add_signal(Tp, xs, scale, N):
    idx = 0
    for i in range(N - 2):
        for j in range(i + 1, N - 1):
            a = scale * xs[i] * xs[j]
            for k in range(j + 1, N):
                Tp[idx] += a * xs[k]
                idx += 1


# reassociation (vectorised sums) and contraction (FMA) only: no assumption that values are finite, so a diverging
# trajectory still shows up as NaN/inf
_FAST = {"reassoc", "contract"}


@njit(cache=True, fastmath=_FAST)
def _tensor_contract(Tp, x, N, g):
    """g_l = d/dx_l sum_{i<j<k} T_ijk x_i x_j x_k (g is overwritten); returns the sum itself.

    One pass over the packed tensor. For fixed ``(i, j)`` the entries ``T_ijk``, ``k > j``, are a contiguous run
    ``r``; the inner loop accumulates ``s = <r, x[j+1:]>`` (giving ``g_i += x_j s`` and ``g_j += x_i s``) and
    ``h[j+1:] += x_j r``, and ``g += x_i h`` once per ``i``. Both are unit-stride, so LLVM vectorises them; the
    slices make the indices provably non-negative (an offset ``base + k`` with a possibly negative ``base`` kept the
    bounds-wraparound select in the loop and the loop scalar). float32 entries, float64 accumulation. The value is
    ``<x, g> / 3`` (Euler's identity for a cubic form).

    Measured on the course machine (bench/RESULTS.md): about 10 GB/s of tensor, 60-65 % of a contiguous read of the
    same array and 4-5x the previous scalar kernel. What remains is core-side: per 4-byte entry the loop converts
    it to float64 and moves 24 bytes of ``x`` and ``h`` through L1 on 4-lane vectors. The same loop in float32
    (8 lanes) reached 75-80 % of the read, at a relative error of 3e-7 instead of 1e-15; it was not adopted.
    """
    h = np.empty(N)
    for l in range(N):
        g[l] = 0.0
    idx = 0
    for i in range(N - 2):
        xi = x[i]
        gi = 0.0
        for l in range(N):
            h[l] = 0.0
        for j in range(i + 1, N - 1):
            L = N - 1 - j
            run = Tp[idx:idx + L]
            xr = x[j + 1:]
            hr = h[j + 1:]
            xj = x[j]
            s = 0.0
            for k in range(L):
                t = np.float64(run[k])
                s += t * xr[k]
                hr[k] += t * xj
            idx += L
            gi += xj * s
            g[j] += xi * s
        g[i] += gi
        for l in range(i + 2, N):
            g[l] += xi * h[l]
    total = 0.0
    for l in range(N):
        total += x[l] * g[l]
    return total / 3.0


@njit(cache=True, inline="always")
def _hash_normal(key, m):
    """Standard normal number ``m`` of stream ``key``: SplitMix64 finaliser of ``key + m * golden``, then Box-Muller.

    The 64-bit hash is split into two 32-bit uniforms, ``u1`` in ``(0, 1)`` (offset by one half, so ``log u1`` is
    finite) and ``u2`` in ``[0, 1)``; ``z = sqrt(-2 log u1) cos(2 pi u2)``. The tail is cut at
    ``sqrt(2 log 2^33) = 6.77`` standard deviations.
    """
    z = key + np.uint64(m) * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    u1 = (np.float64(z >> np.uint64(32)) + 0.5) * 2.3283064365386963e-10
    u2 = np.float64(z & np.uint64(0xFFFFFFFF)) * 2.3283064365386963e-10
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(6.283185307179586 * u2)


@njit(cache=True)
def _hash_normals(key, m):
    """The normals number ``m`` (int64 array) of stream ``key`` (for tests and for the packed copy)."""
    out = np.empty(m.shape[0])
    k = np.uint64(key)
    for a in range(m.shape[0]):
        out[a] = _hash_normal(k, m[a])
    return out


@njit(cache=True, fastmath=_FAST)
def _tensor_contract_implicit(key, sd, xs, scale, x, N, g):
    """As :func:`_tensor_contract` for ``T_ijk = sd * z_m + scale * xs_i xs_j xs_k``, ``z_m`` regenerated by hash."""
    k64 = np.uint64(key)
    h = np.empty(N)
    for l in range(N):
        g[l] = 0.0
    idx = 0
    for i in range(N - 2):
        xi = x[i]
        gi = 0.0
        for l in range(N):
            h[l] = 0.0
        for j in range(i + 1, N - 1):
            L = N - 1 - j
            xr = x[j + 1:]
            hr = h[j + 1:]
            sr = xs[j + 1:]
            a = scale * xs[i] * xs[j]
            xj = x[j]
            s = 0.0
            for k in range(L):
                t = sd * _hash_normal(k64, idx + k) + a * sr[k]
                s += t * xr[k]
                hr[k] += t * xj
            idx += L
            gi += xj * s
            g[j] += xi * s
        g[i] += gi
        for l in range(i + 2, N):
            g[l] += xi * h[l]
    total = 0.0
    for l in range(N):
        total += x[l] * g[l]
    return total / 3.0


def _packed_copy(inst):
    """The float64 packed tensor of an instance (either storage; for tests and the dense backend at small N)."""
    if inst.storage == "packed":
        return inst.T_packed.astype(np.float64)
    N = inst.N
    M = N * (N - 1) * (N - 2) // 6
    Tp = np.sqrt(inst.deltap) * _hash_normals(inst.key, np.arange(M, dtype=np.int64))
    _add_signal(Tp, inst.x_star, np.sqrt(2.0) / N, N)
    return Tp


def spiked_matrix_tensor(N, p, delta2, deltap, rng=None, *, storage="packed"):
    r"""Draw an instance of the spiked matrix-tensor model.

    .. math::

        Y_{ij} = \frac{x^*_i x^*_j}{\sqrt N} + \xi_{ij},\qquad
        T_{ijk} = \frac{\sqrt{(p-1)!}}{N^{(p-1)/2}} x^*_i x^*_j x^*_k + \xi_{ijk},

    with :math:`\xi_{ij}\sim\mathcal N(0,\Delta_2)`, :math:`\xi_{ijk}\sim\mathcal N(0,\Delta_p)` independent and the
    signal uniform on the sphere :math:`\lVert x^*\rVert^2 = N`.

    Parameters
    ----------
    N : int
        Dimension, ``10 <= N <= 1200`` for ``storage="packed"`` (the packed tensor holds ``N^3/6`` float32 numbers),
        ``10 <= N <= 4000`` for ``storage="implicit"``.
    p : int
        Tensor order; only ``p = 3`` is implemented for direct simulation.
    delta2, deltap : float
        Noise variances, positive.
    rng : numpy.random.Generator, int or None
    storage : {'packed', 'implicit'}, optional
        ``'packed'`` stores the ``N (N-1) (N-2) / 6`` entries ``i < j < k`` as float32. ``'implicit'`` stores only a
        64-bit key drawn from ``rng``: noise entry number ``m`` (same lexicographic order) is
        ``sqrt(deltap) z_m`` with ``z_m`` a standard normal computed from a counter-based hash of ``(key, m)``
        (SplitMix64, then Box-Muller), regenerated at each gradient, so memory stays ``O(N^2)``. The two storages
        have the same law but, for the same ``rng``, different noise.

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
    >>> big = spiked_matrix_tensor(2000, 3, 0.5, 1.0, rng=0, storage="implicit")
    >>> big.T_packed is None, big.storage
    (True, 'implicit')
    """
    if not isinstance(storage, str) or storage not in _STORAGES:
        raise ValueError(f"`storage` must be one of {_STORAGES}, got {storage!r}.")
    N = check_int("N", N, minimum=10, maximum=_N_MAX if storage == "packed" else _N_MAX_IMPLICIT)
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
    if storage == "implicit":
        key = int(rng.integers(0, 2**63 - 1, dtype=np.int64))
        return SpikedMatrixTensor(N=N, p=p, delta2=delta2, deltap=deltap, x_star=xs, Y=Y, T_packed=None,
                                  storage="implicit", key=key)
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
    if inst.storage == "implicit":
        s = _tensor_contract_implicit(inst.key, np.sqrt(inst.deltap), inst.x_star, np.sqrt(2.0) / N, x, N, g)
    else:
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


def _get_cupy():
    """Import CuPy and check that a GPU is visible; ImportError naming ``backend`` otherwise."""
    try:
        import cupy  # noqa: PLC0415 - optional dependency, only on a machine with a CUDA GPU

        if cupy.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError("no CUDA device")
    except Exception as exc:  # ImportError, or a CUDA runtime error when no driver/GPU is present
        raise ImportError(f"`backend` 'cupy' needs CuPy and a CUDA GPU, which are not available here ({exc}).") from exc
    return cupy


def _dense_unfolding(inst, xp):
    """The ``N x N^2`` float32 unfolding of ``U`` (``U_ijk = T_ijk`` for ``i < j < k``, 0 elsewhere) on ``xp``.

    Built one slab ``U[i]`` at a time on the host (``N^2`` floats), so neither storage is ever expanded to
    ``N^3`` in host memory.
    """
    N = inst.N
    U = xp.zeros((N, N * N), dtype=np.float32)
    slab = np.zeros((N, N), dtype=np.float32)
    start = 0
    xs = inst.x_star
    for i in range(N - 2):
        n = N - 1 - i
        r, c = np.triu_indices(n, 1)
        M = r.shape[0]
        if inst.storage == "packed":
            block = inst.T_packed[start:start + M]
        else:
            block = np.sqrt(inst.deltap) * _hash_normals(inst.key, np.arange(start, start + M, dtype=np.int64))
            block += np.sqrt(2.0) / N * xs[i] * xs[i + 1 + r] * xs[i + 1 + c]
        slab[:] = 0.0
        slab[i + 1 + r, i + 1 + c] = block
        U[i] = xp.asarray(slab.ravel())
        start += M
    return U


def _langevin_xp(inst, T, dt, n, cbar0, rng, xp):
    """The integrator of :func:`langevin_spiked_matrix_tensor` with a dense float32 tensor on namespace ``xp``.

    One gradient is two matrix--vector products with the unfolding (as in :mod:`._reference_runs`); the random numbers
    come from the NumPy generator ``rng`` in the same order as on the CPU path, moved to the device.
    """
    N = inst.N
    U2 = _dense_unfolding(inst, xp)
    Y = xp.asarray(inst.Y)
    xs = xp.asarray(inst.x_star)
    a = 1.0 / (inst.delta2 * np.sqrt(N))
    b = np.sqrt(2.0) / (inst.deltap * N)

    def drift(x):
        x32 = x.astype(np.float32)
        g1 = U2 @ xp.outer(x32, x32).ravel()
        Mx = (x32 @ U2).reshape(N, N)
        g = (g1 + Mx @ x32 + Mx.T @ x32).astype(np.float64)
        yx = Y @ x
        e = -0.5 * a * (x @ yx) - b * (x @ g1.astype(np.float64))
        f = b * g + a * yx
        f = f - (f @ x) / N * x
        return e, f

    def normal(m):
        return xp.asarray(rng.standard_normal(m))

    out = _heun_on_sphere(drift, xs, cbar0, T, dt, n, normal, xp)
    return tuple(v.get() if hasattr(v, "get") else np.asarray(v) for v in out)


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


def langevin_spiked_matrix_tensor(instance, T, dt, t_max, rng=None, *, cbar0=0.1, backend="numpy"):
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
    backend : {'numpy', 'cupy'}, optional
        ``'numpy'``: the numba kernels of the instance's storage on the CPU. ``'cupy'``: a dense float32 copy of the
        tensor on the GPU (``4 N^3`` bytes, ``N <= 1200``), two matrix-vector products per gradient; the random
        numbers still come from ``rng``, so the trajectory equals the CPU one up to float32 round-off. Needs CuPy and
        a CUDA GPU (ImportError otherwise).

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
    if not isinstance(backend, str) or backend not in _BACKENDS:
        raise ValueError(f"`backend` must be one of {_BACKENDS}, got {backend!r}.")
    T = check_real("T", T, lower=0.0)
    dt = check_real("dt", dt, lower=0.0, lower_open=True, upper=0.2)
    t_max = check_real("t_max", t_max, lower=0.0, lower_open=True)
    cbar0 = check_real("cbar0", cbar0, lower=0.0, upper=1.0, upper_open=True)
    n = int(round(t_max / dt))
    if n < 1:
        raise ValueError(f"`t_max` must be at least `dt`, got t_max={t_max} and dt={dt}.")
    rng = check_rng(rng)
    N = instance.N
    if backend == "cupy":
        if N > _N_MAX:
            raise ValueError(f"`backend` 'cupy' stores the tensor densely and needs N <= {_N_MAX}, got N = {N}.")
        cb, en, c0 = _langevin_xp(instance, T, dt, n, cbar0, rng, _get_cupy())
    else:
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
