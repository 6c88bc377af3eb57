"""Direct simulation of the spiked matrix-tensor dynamics at large N with a dense tensor, and the shipped reference runs.

The packed kernel of :mod:`._matrix_tensor` streams the ``N^3/6`` stored entries once per gradient on one CPU core
(about 8 ms at ``N = 500`` on the course machine), so the long runs at ``N`` in the thousands that the DMFT lecture
compares with were made on a GPU. Here the same model and the same integrator (stochastic Heun on the sphere)
are written against an array namespace ``xp`` (NumPy, or CuPy on a GPU): the tensor is stored densely as
``U[i, j, k] = T_ijk`` for ``i < j < k`` and 0 otherwise, and one gradient is two matrix-vector products with the
``N x N^2`` matrix ``U``,

    g_i = sum_jk U_ijk x_j x_k,      M_jk = sum_i x_i U_ijk,      d/dx_l sum U x x x = g_l + (M x)_l + (M^T x)_l,

which a GPU does at its memory bandwidth (``N = 2048``: 34 GB of float32 read twice, about 25 ms).

The trajectories at ``N = 512, 1024, 2048`` used by the DMFT lecture were produced this way on one NVIDIA H100
(CuPy 14.2) and ship with the package (``data/matrix_tensor_reference_runs.npz``, 0.5 MB);
:func:`matrix_tensor_reference_runs` loads them. The calls were (``M=course_lib.teacher_student.dynamics._reference_runs``)::

    python -m $M --backend cupy --sizes 512  --runs 32 --seed 20261635 --out a.npz
    python -m $M --backend cupy --sizes 512  --runs 32 --seed 777008 --temperatures 1 --out b.npz
    python -m $M --backend cupy --sizes 1024 --runs 16 --seed 20262147 --out c.npz
    python -m $M --backend cupy --sizes 1024 --runs 16 --seed 777004   --out d.npz
    python -m $M --backend cupy --sizes 1024 --runs 32 --seed 777007 --temperatures 1 --out e.npz
    python -m $M --backend cupy --sizes 2048 --runs 8  --seed 20263171 --out f.npz
    python -m $M --backend cupy --sizes 2048 --runs 16 --seed 777001 --temperatures 1 --out g.npz
    python -m $M --backend cupy --sizes 2048 --runs 32 --seed 777006 --temperatures 1 --out h.npz
    python -m $M --backend cupy --sizes 2048 --runs 16 --seed 777005 --temperatures 0 --out i.npz
    python -m $M --merge a.npz b.npz c.npz d.npz e.npz f.npz g.npz h.npz i.npz

(the whole set takes about ten minutes of GPU time). With ``--backend numpy`` the same code runs on a CPU; the tests
use it at small N and check it against the packed kernel trajectory by trajectory.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numba import njit

from ..._validation import check_bool, check_int, check_real, check_sequence
from ._matrix_tensor import SpikedMatrixTensor, _heun_on_sphere

__all__ = ["MatrixTensorReferenceRuns", "matrix_tensor_reference_runs", "simulate_reference_runs"]

DATA_FILE = Path(__file__).with_name("data") / "matrix_tensor_reference_runs.npz"


@njit(cache=True)
def _unpack_upper(Tp, N, U):
    idx = 0
    for i in range(N - 2):
        for j in range(i + 1, N - 1):
            for k in range(j + 1, N):
                U[i, j, k] = Tp[idx]
                idx += 1


def dense_tensor_from_packed(instance):
    """The dense float32 array ``U`` with ``U[i, j, k] = T_ijk`` for ``i < j < k`` and zero elsewhere."""
    if not isinstance(instance, SpikedMatrixTensor):
        raise TypeError(f"`instance` must be a SpikedMatrixTensor, got {type(instance).__name__}.")
    N = instance.N
    U = np.zeros((N, N, N), dtype=np.float32)
    _unpack_upper(instance.T_packed, N, U)
    return U


class _Backend:
    """Array namespace and a normal generator with one interface for NumPy and CuPy."""

    def __init__(self, name, seed):
        if name == "numpy":
            self.xp = np
            self._gen = np.random.default_rng(seed)
            self.device = "cpu"
        elif name == "cupy":
            import cupy  # noqa: PLC0415 - optional, only on a GPU machine

            self.xp = cupy
            self._gen = cupy.random.default_rng(seed)
            props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
            self.device = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
        else:
            raise ValueError(f"`backend` must be 'numpy' or 'cupy', got {name!r}.")
        self.name = name

    def normal(self, shape, dtype=np.float64):
        return self._gen.standard_normal(shape, dtype=dtype)

    def to_numpy(self, a):
        return a.get() if self.name == "cupy" else np.asarray(a)

    def sync(self):
        if self.name == "cupy":
            self.xp.cuda.Device().synchronize()


def _dense_instance(N, delta2, deltap, be):
    """Draw (x*, Y, U) on the backend; the law is that of :func:`spiked_matrix_tensor` (p = 3)."""
    xp = be.xp
    xs = be.normal(N)
    xs *= np.sqrt(N) / xp.linalg.norm(xs)
    Y = xp.triu(be.normal((N, N)) * np.sqrt(delta2), 1)
    Y = Y + Y.T + xp.outer(xs, xs) / np.sqrt(N)
    xp.fill_diagonal(Y, 0.0)
    xs32 = xs.astype(np.float32)
    S = xp.outer(xs32, xs32) * np.float32(np.sqrt(2.0) / N)
    U = xp.empty((N, N, N), dtype=np.float32)
    sd = np.float32(np.sqrt(deltap))
    for i in range(N):
        slab = xp.triu(be.normal((N, N), dtype=np.float32) * sd + xs32[i] * S, 1)
        slab[: i + 1] = 0.0
        U[i] = slab
    return xs, Y, U


def _langevin_dense(U, Y, xs, delta2, deltap, T, dt, n_steps, cbar0, be):
    """Stochastic Heun on the sphere, step for step the scheme of :func:`langevin_spiked_matrix_tensor`.

    The random numbers are drawn in the same order (initial direction, then one vector per step when ``T > 0``),
    so with ``backend='numpy'`` and the same seed it reproduces the packed simulation up to float32 round-off.
    """
    xp = be.xp
    N = xs.shape[0]
    U2 = U.reshape(N, N * N)
    a = 1.0 / (delta2 * np.sqrt(N))
    b = np.sqrt(2.0) / (deltap * N)

    def drift(x):
        x32 = x.astype(np.float32)
        g1 = U2 @ xp.outer(x32, x32).ravel()
        M = (x32 @ U2).reshape(N, N)
        g = (g1 + M @ x32 + M.T @ x32).astype(np.float64)
        yx = Y @ x
        e = -0.5 * a * (x @ yx) - b * (x @ g1.astype(np.float64))
        f = b * g + a * yx
        f = f - (f @ x) / N * x
        return e, f

    cb, en, c0 = _heun_on_sphere(drift, xs, cbar0, T, dt, n_steps, be.normal, xp)
    return be.to_numpy(cb), be.to_numpy(en), be.to_numpy(c0)


@dataclass(frozen=True)
class MatrixTensorReferenceRuns:
    """Trajectories of the spiked matrix-tensor dynamics, grouped by temperature and size.

    Attributes
    ----------
    t : ndarray
        Common time grid ``dt * arange(n_steps + 1)``.
    sizes : tuple of int
        The dimensions ``N``.
    temperatures : tuple of float
    Cbar, energy, C0 : dict
        ``Cbar[T, N]`` is an array ``(n_runs, len(t))`` of overlaps with the signal, one row per independent instance
        and initial condition; likewise the energy per variable and the correlation with the initial condition.
    params : dict
        ``delta2, deltap, cbar0, dt, t_max`` (and ``seed`` for a single call).
    provenance : dict
        Backend, device, date, the seeds of the pooled calls and the measured seconds per gradient for each ``N``.

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import matrix_tensor_reference_runs
    >>> res = matrix_tensor_reference_runs()
    >>> type(res).__name__, res.params['dt']
    ('MatrixTensorReferenceRuns', 0.05)
    """

    t: np.ndarray
    sizes: tuple
    temperatures: tuple
    Cbar: dict
    energy: dict
    C0: dict
    params: dict
    provenance: dict = field(default_factory=dict)


def simulate_reference_runs(sizes, n_runs, *, delta2=0.5, deltap=4.0, temperatures=(0.0, 1.0), dt=0.05, t_max=6.0,
                            cbar0=0.2, seed=0, backend="numpy", verbose=False):
    r"""Simulate gradient flow / Langevin dynamics of the spiked matrix-tensor model (p = 3) with a dense tensor.

    The model, the dynamics :math:`\dot x = -\mu x - \nabla H(x) + \eta` on :math:`\lVert x\rVert^2 = N` and the
    integrator are those of :func:`spiked_matrix_tensor` and :func:`langevin_spiked_matrix_tensor`; only the
    storage of the tensor differs (dense ``N x N x N`` float32, zero outside ``i < j < k``), so that one gradient is two
    matrix--vector products with the ``N x N^2`` unfolding. Every run draws a fresh instance and initial condition.

    Parameters
    ----------
    sizes : sequence of int
        Dimensions, each ``>= 10``. Memory is ``4 N^3`` bytes (``N = 2048``: 34 GB, for a GPU).
    n_runs : sequence of int
        Number of independent runs for each size (and each temperature).
    delta2, deltap : float
        Noise variances, positive.
    temperatures : sequence of float
        ``T >= 0``; ``T = 0`` is gradient flow.
    dt, t_max : float
        Step ``0 < dt <= 0.2`` and final time ``t_max <= 1e4``.
    cbar0 : float
        Initial overlap with the signal in ``[0, 1)``.
    seed : int
        Seed of the backend's generator.
    backend : {'numpy', 'cupy'}
        Array library; ``'cupy'`` needs a CUDA GPU.

    Returns
    -------
    MatrixTensorReferenceRuns

    References
    ----------
    S. Sarao Mannelli, G. Biroli, C. Cammarota, F. Krzakala, P. Urbani, L. Zdeborová, Phys. Rev. X 10, 011057
    (2020), arXiv:1812.09066, where the same comparison of DMFT and simulation is made at N up to a few hundred.

    Examples
    --------
    >>> runs = simulate_reference_runs([12], [2], temperatures=(0.0,), t_max=0.2, seed=1)
    >>> runs.Cbar[0.0, 12].shape, float(round(runs.Cbar[0.0, 12][0, 0], 12))
    ((2, 5), 0.2)
    """
    verbose = check_bool("verbose", verbose)
    sizes = tuple(check_int("sizes", s, minimum=10) for s in check_sequence("sizes", sizes))
    n_runs = tuple(check_int("n_runs", r, minimum=1) for r in check_sequence("n_runs", n_runs))
    if len(n_runs) != len(sizes):
        raise ValueError(f"`n_runs` must have one entry per size ({len(sizes)}), got {len(n_runs)}.")
    delta2 = check_real("delta2", delta2, lower=0.0, lower_open=True)
    deltap = check_real("deltap", deltap, lower=0.0, lower_open=True)
    temperatures = tuple(check_real("temperatures", T, lower=0.0) for T in check_sequence("temperatures", temperatures))
    dt = check_real("dt", dt, lower=0.0, lower_open=True, upper=0.2)
    t_max = check_real("t_max", t_max, lower=0.0, lower_open=True, upper=1e4)
    cbar0 = check_real("cbar0", cbar0, lower=0.0, upper=1.0, upper_open=True)
    seed = check_int("seed", seed, minimum=0)
    n_steps = int(round(t_max / dt))
    if n_steps < 1:
        raise ValueError(f"`t_max` must be at least `dt`, got t_max={t_max} and dt={dt}.")
    be = _Backend(backend, seed)
    Cbar, energy, C0, sec_per_grad = {}, {}, {}, {}
    for N, R in zip(sizes, n_runs):
        for T in temperatures:
            rows = []
            t_dyn = 0.0
            for _ in range(R):
                xs, Y, U = _dense_instance(N, delta2, deltap, be)
                be.sync()
                t0 = time.perf_counter()
                rows.append(_langevin_dense(U, Y, xs, delta2, deltap, T, dt, n_steps, cbar0, be))
                be.sync()
                t_dyn += time.perf_counter() - t0
                del U
            Cbar[T, N], energy[T, N], C0[T, N] = (np.array([r[k] for r in rows]) for k in range(3))
            sec_per_grad[N] = t_dyn / (R * (2 * n_steps + 1))
            if verbose:
                print(f"N = {N}, T = {T}: {R} runs, {sec_per_grad[N] * 1e3:.2f} ms per gradient", flush=True)
    params = dict(delta2=delta2, deltap=deltap, cbar0=cbar0, dt=dt, t_max=t_max, seed=seed)
    provenance = dict(backend=be.name, device=be.device, date=time.strftime("%Y-%m-%d"),
                      sec_per_gradient={int(N): float(s) for N, s in sec_per_grad.items()})
    return MatrixTensorReferenceRuns(t=dt * np.arange(n_steps + 1), sizes=sizes, temperatures=temperatures,
                                     Cbar=Cbar, energy=energy, C0=C0, params=params, provenance=provenance)


def _merge(parts):
    """Pool the runs of several :func:`simulate_reference_runs` calls made with the same parameters (not the seed)."""
    first = parts[0]
    common = {k: v for k, v in first.params.items() if k != "seed"}
    for r in parts[1:]:
        if {k: v for k, v in r.params.items() if k != "seed"} != common or not np.array_equal(r.t, first.t):
            raise ValueError("`parts` must share delta2, deltap, cbar0, dt and t_max.")
    Cbar, energy, C0, seeds, cost = {}, {}, {}, [], {}
    for r in parts:
        for key in r.Cbar:
            for store, new in ((Cbar, r.Cbar), (energy, r.energy), (C0, r.C0)):
                store[key] = np.concatenate([store[key], new[key]]) if key in store else new[key]
        seeds.append(f"seed {r.params['seed']}: " + ", ".join(f"T={T:g} N={N} x{len(a)}" for (T, N), a in r.Cbar.items()))
        for N, sec in r.provenance["sec_per_gradient"].items():
            cost.setdefault(int(N), []).append(sec)
    sizes = tuple(sorted({N for _, N in Cbar}))
    temps = tuple(sorted({T for T, _ in Cbar}))
    provenance = dict(first.provenance, seeds="; ".join(seeds),
                      sec_per_gradient={N: float(np.mean(v)) for N, v in sorted(cost.items())})
    return MatrixTensorReferenceRuns(t=first.t, sizes=sizes, temperatures=temps, Cbar=Cbar, energy=energy, C0=C0,
                                     params=common, provenance=provenance)


def _save(runs, path):
    arrays = {"t": runs.t, "sizes": np.array(runs.sizes), "temperatures": np.array(runs.temperatures)}
    for (T, N), a in runs.Cbar.items():
        arrays[f"Cbar_T{T:g}_N{N}"] = a
        arrays[f"energy_T{T:g}_N{N}"] = runs.energy[T, N]
        arrays[f"C0_T{T:g}_N{N}"] = runs.C0[T, N]
    for k, v in runs.params.items():
        arrays[f"param_{k}"] = np.array(v)
    for k in ("backend", "device", "date", "seeds"):
        arrays[f"prov_{k}"] = np.array(str(runs.provenance.get(k, f"seed {runs.params.get('seed')}")))
    arrays["prov_sec_per_gradient"] = np.array([runs.provenance["sec_per_gradient"][int(N)] for N in runs.sizes])
    np.savez_compressed(path, **arrays)


def matrix_tensor_reference_runs(path=None):
    """Load the shipped large-N trajectories (``N = 512, 1024, 2048``) of the spiked matrix-tensor dynamics.

    They were produced by :func:`simulate_reference_runs` with ``backend='cupy'`` on one GPU (see ``provenance``),
    with the parameters of the DMFT lecture: ``delta2 = 0.5``, ``deltap = 4``, ``cbar0 = 0.2``, ``dt = 0.05``,
    ``t_max = 6``, gradient flow (32, 32, 24 runs) and Langevin at ``T = 1`` (64, 64, 56 runs).

    Parameters
    ----------
    path : str or Path, optional
        Another file written by this module's command line.

    Returns
    -------
    MatrixTensorReferenceRuns

    Examples
    --------
    >>> runs = matrix_tensor_reference_runs()
    >>> runs.sizes, runs.temperatures, runs.params["dt"]
    ((512, 1024, 2048), (0.0, 1.0), 0.05)
    """
    path = DATA_FILE if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`path`: no reference-run file at {path}.")
    with np.load(path) as f:
        sizes = tuple(int(n) for n in f["sizes"])
        temps = tuple(float(T) for T in f["temperatures"])
        keys = [(T, N) for T in temps for N in sizes]
        get = {name: {(T, N): f[f"{name}_T{T:g}_N{N}"] for T, N in keys} for name in ("Cbar", "energy", "C0")}
        params = {k[len("param_"):]: f[k].item() for k in f.files if k.startswith("param_")}
        if "seed" in params:
            params["seed"] = int(params["seed"])
        provenance = {k: str(f[f"prov_{k}"]) if f"prov_{k}" in f.files else f"seed {params.get('seed')}"
                      for k in ("backend", "device", "date", "seeds")}
        provenance["sec_per_gradient"] = dict(zip(sizes, (float(s) for s in f["prov_sec_per_gradient"])))
        t = f["t"]
    return MatrixTensorReferenceRuns(t=t, sizes=sizes, temperatures=temps, params=params, provenance=provenance, **get)


def _main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="numpy", choices=("numpy", "cupy"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048])
    parser.add_argument("--runs", type=int, nargs="+", default=[32, 16, 8])
    parser.add_argument("--temperatures", type=float, nargs="+", default=[0.0, 1.0])
    parser.add_argument("--dt", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--out", default=str(DATA_FILE))
    parser.add_argument("--merge", nargs="+", metavar="FILE", help="pool these files into --out instead of simulating")
    args = parser.parse_args(argv)
    if args.merge:
        runs = _merge([matrix_tensor_reference_runs(f) for f in args.merge])
        _save(runs, args.out)
        print(f"wrote {args.out} ({runs.provenance})")
        return
    runs = simulate_reference_runs(args.sizes, args.runs, temperatures=args.temperatures, dt=args.dt, seed=args.seed,
                                   backend=args.backend, verbose=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    _save(runs, args.out)
    print(f"wrote {args.out} ({runs.provenance})")


if __name__ == "__main__":
    _main()
