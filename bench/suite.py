"""The benchmarks of ``make bench``: each one times course_lib against the baseline a user would pick.

Every function takes ``smoke`` (tiny sizes, a few repetitions: checks the harness in ``make test``) and returns a
list of :class:`~bench.harness.Result`. Sizes and repetition counts are in ``_sizes``.
"""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from numba import njit

from .harness import Result, Timing, compare
from . import baselines

ROOT = Path(__file__).resolve().parent.parent
TW_REFERENCE = ROOT / "tests" / "data" / "tracy_widom_mpmath.json"


def _cfg(smoke):
    if smoke:
        return dict(repeats=3, min_time=0.002, sk_n=(64,), sk_sweeps=2, hop_n=(64,), tw_points=200, tw_first=1,
                    stream_n=1 << 14, edge_n=40, edge_size=20, se_samples=2000, tensor_n=(12,), tensor_big=(14,),
                    tensor_implicit=12)
    return dict(repeats=7, min_time=0.2, sk_n=(1000, 4000), sk_sweeps=None, hop_n=(1000, 4000), tw_points=100_000,
                tw_first=5, stream_n=1 << 25, edge_n=400, edge_size=100, se_samples=100_000, tensor_n=(150, 400),
                tensor_big=(600, 1000), tensor_implicit=200)


# --------------------------------------------------------------------------------------------- the roofline

@njit(cache=True)
def _triad(a, b, c, scalar):
    for i in range(a.shape[0]):
        a[i] = b[i] + scalar * c[i]


def stream_bandwidth(n, repeats=5):
    """Single-core STREAM triad a = b + s c on float64 arrays of n entries (3 x 8n bytes counted), best of repeats."""
    a, b, c = np.zeros(n), np.ones(n), np.full(n, 2.0)
    _triad(a, b, c, 3.0)
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        _triad(a, b, c, 3.0)
        best = min(best, time.perf_counter() - t0)
    triad = 24.0 * n / best
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.copyto(a, b)
        best = min(best, time.perf_counter() - t0)
    return {"triad_GBps": triad / 1e9, "copy_GBps": 16.0 * n / best / 1e9, "array_MB": 8.0 * n / 1e6}


# --------------------------------------------------------------------------------------------- SK Monte Carlo

@njit(cache=True, fastmath=True)
def _read_sum(a):
    acc = 0.0
    for i in range(a.shape[0]):
        acc += a[i]
    return acc


# SK and Hopfield sweeps are single-threaded on both sides (numba; NumPy with OPENBLAS_NUM_THREADS=1): they are
# timed in CPU time of this process, so that a loaded machine (other processes taking turns on the 2 cores) does not
# enter the times; memory-bandwidth contention still does, which the paired roofline below accounts for
CPU = time.process_time


def _paired_roofline(ours, J, bytes_per_call, c):
    """Reached bandwidth as a fraction of the best case of streaming J itself, measured in pairs.

    Each repetition times one call of ``ours`` and one contiguous read pass over the same matrix J (a
    vectorised sum; the memory level J lives in, L3 or DRAM, is the same for both), back to back; the fraction is
    (bytes_per_call / t_ours) / (J.nbytes / t_read), median and [min, max] over the repetitions.
    """
    flat = J.reshape(-1)
    t = compare(ours, lambda: _read_sum(flat), repeats=c["repeats"], min_time=c["min_time"], clock=CPU)
    fr = sorted(r * bytes_per_call / J.nbytes for r in t.ratios)
    read = J.nbytes / t.base_median / 1e9
    return {"bandwidth_GBps": bytes_per_call / t.ours_median / 1e9, "read_GBps": read,
            "read_fraction": fr[len(fr) // 2], "read_fraction_range": (fr[0], fr[-1])}


def bench_sk(smoke, bw):
    """SK Metropolis: our compiled sweeps vs the NumPy loop, same start (an equilibrated state), same sweeps.

    Both sides start every call from the same equilibrated configuration and run the same number of sweeps, so
    they do the same work (same acceptance rate: the baseline used to run one sweep from a random start, whose
    acceptance, 0.53 at beta = 1, is that of a relaxing chain, not of the equilibrium 0.33-0.35). Each call pays
    its set-up pass over J (our fields, energy and fingerprint; the baseline's J @ s).

    Bytes that must move per call (the roofline model): the set-up pass reads J once (N^2 entries), and each
    accepted flip reads one row of J (N entries); the fields (8N bytes) stay in L1/L2.
    """
    from course_lib.spin_glasses import metropolis, sk_couplings
    from course_lib.spin_glasses import _mc_kernels as mk

    c = _cfg(smoke)
    out = []
    beta = 1.0
    for n in c["sk_n"]:
        J64 = sk_couplings(n, rng=0)
        sweeps = c["sk_sweeps"] or (20 if n <= 1000 else 5)
        s0 = metropolis(J64, beta, 2 if smoke else 100, rng=1).state.astype(np.float64)  # equilibrated start
        for J in (J64, J64.astype(np.float32)):
            prec = "float32" if J.dtype == np.float32 else "float64"
            rng_b = np.random.default_rng(1)
            acc_b = []

            def ours():
                return metropolis(J, beta, sweeps, state=s0, rng=2)

            def base():
                s = s0.copy()
                sites = rng_b.integers(0, n, size=sweeps * n)
                us = rng_b.random(sweeps * n)
                acc_b.append(baselines.numpy_metropolis(J, s, beta, sites, us) / (sweeps * n))
                return s

            t = compare(ours, base, repeats=c["repeats"], min_time=c["min_time"], clock=CPU)
            t = Timing([x / sweeps for x in t.ours], [x / sweeps for x in t.base], t.number_ours, t.number_base)
            run = ours()
            bytes_call = J.nbytes * (1.0 + run.acceptance * sweeps)  # set-up pass + one row per accepted flip
            extra = _paired_roofline(ours, J, bytes_call, c)
            extra["ceiling"] = t.base_median * sweeps / (bytes_call / (extra["read_GBps"] * 1e9))
            out.append(Result(
                f"SK Metropolis sweep, N = {n}, {prec} couplings",
                f"N = {n}, beta = {beta}, {sweeps} sweeps/call from an equilibrated state (both sides), "
                f"J {J.nbytes / 1e6:.0f} MB, per sweep (CPU time)", t, f"`metropolis` (numba), {prec} J",
                f"NumPy single-flip loop (local fields, row update), {prec} J",
                f"acceptance {run.acceptance:.3f}", f"acceptance {np.median(acc_b):.3f} (same chain law: "
                "tests/test_spin_glasses_kernels.py)",
                target=">= 50x; >= 50 % of the roofline at N >= 4000", extra=extra))
    # per-call overhead of a one-sweep call: everything but the sweep itself (argument checks, the set-up pass over
    # J for the fields, the energy and the fingerprint, the result)
    n = 64 if smoke else 1000
    J = sk_couplings(n, rng=0)
    s0 = metropolis(J, beta, 20, rng=3).state.astype(np.float64)
    phi0 = np.empty(n)
    mk._fields(J, s0, 0.0, phi0)
    e0 = mk._energy(J, s0, 0.0)
    gen = np.random.default_rng(4)
    empty = np.empty(1)

    def call():
        return metropolis(J, beta, 1, state=s0, rng=gen)

    def kernel():
        s, phi = s0.copy(), phi0.copy()
        return mk._sweeps(J, s, phi, beta, 0.0, 1, 0, gen, e0, empty, empty)

    t = compare(kernel, call, repeats=c["repeats"], min_time=c["min_time"], clock=CPU)
    overhead = t.base_median - t.ours_median
    out.append(Result(
        f"SK 1-sweep call overhead, N = {n}", f"N = {n}, 1 sweep (CPU time)", t, "kernel alone (`_sweeps`)",
        "public `metropolis` call", "-", "-", target="call - kernel <= 1 ms",
        notes=[f"overhead = {overhead * 1e3:.3f} ms per call (of which the set-up pass over the "
               f"{J.nbytes / 1e6:.0f} MB of J: the fields, the energy and the fingerprint of J; the exact symmetry "
               "check runs once per matrix)"], extra={"overhead_ms": overhead * 1e3}))
    return out


# --------------------------------------------------------------------------------------------- Hopfield

def bench_hopfield(smoke, bw):
    """Hopfield Glauber sweeps: each entry point vs the NumPy loop and vs the fastest kernel (same draws)."""
    from course_lib.spin_glasses import hopfield_couplings, hopfield_dynamics, hopfield_pattern_dynamics

    c = _cfg(smoke)
    out = []
    beta = 2.0
    for n in c["hop_n"]:
        rng = np.random.default_rng(5)
        n_pat = max(1, n // 20)
        xi = rng.choice([-1.0, 1.0], size=(n_pat, n))
        J = hopfield_couplings(xi)  # read-only: hopfield_dynamics runs the pattern kernel
        J_plain = J.copy()  # a writeable copy: any symmetric matrix, the coupling kernel
        s0 = xi[0].copy()
        s0[: n // 5] *= -1
        sweeps = 2 if smoke else (10 if n <= 1000 else 3)
        rng_b = np.random.default_rng(6)

        def ours():
            return hopfield_dynamics(J, s0, sweeps, beta=beta, rng=7)

        def plain():
            return hopfield_dynamics(J_plain, s0, sweeps, beta=beta, rng=7)

        def pattern():
            return hopfield_pattern_dynamics(xi, s0, sweeps, beta=beta, rng=7)

        def base():
            order = np.argsort(rng_b.random((sweeps, n)), axis=1)
            return baselines.numpy_glauber_hopfield(J_plain, s0.copy(), beta, order, rng_b.random((sweeps, n)))

        def per_sweep(t):
            return Timing([x / sweeps for x in t.ours], [x / sweeps for x in t.base], t.number_ours, t.number_base)

        m = {name: float(f().state @ xi[0] / n) for name, f in (("ours", ours), ("plain", plain), ("pattern", pattern))}
        size = f"N = {n}, n = {n_pat} patterns, beta = {beta}, {sweeps} sweeps/call, per sweep (CPU time)"
        t = per_sweep(compare(ours, base, repeats=c["repeats"], min_time=c["min_time"], clock=CPU))
        out.append(Result(
            f"Hopfield Glauber sweep (couplings), N = {n}", size, t,
            "`hopfield_dynamics(hopfield_couplings(xi))` (pattern kernel)", "NumPy single-flip heat-bath loop",
            f"m1 = {m['ours']:.3f}", "same chain law", target=">= 50x"))
        t = per_sweep(compare(plain, base, repeats=c["repeats"], min_time=c["min_time"], clock=CPU))
        out.append(Result(
            f"Hopfield Glauber sweep (any symmetric J), N = {n}", size, t,
            "`hopfield_dynamics(J)` (coupling kernel)", "NumPy single-flip heat-bath loop",
            f"m1 = {m['plain']:.3f}", "same chain law", target=">= 50x"))
        fastest = pattern
        for label, f, mm in (("couplings", ours, m["ours"]), ("any symmetric J", plain, m["plain"])):
            t2 = per_sweep(compare(f, fastest, repeats=c["repeats"], min_time=c["min_time"], clock=CPU))
            out.append(Result(
                f"Hopfield: {label} vs pattern kernel, N = {n}", size, t2,
                "`hopfield_dynamics`" + (" (read-only Hebbian J)" if f is ours else " (plain J)"),
                "`hopfield_pattern_dynamics`", f"m1 = {mm:.3f}", f"m1 = {m['pattern']:.3f} (same draws)",
                target="0.5 <= ratio <= 2 (within 2x of the fastest)",
                notes=[] if f is ours else [
                    f"a plain matrix must be read once per call to get the local fields (N^2 = {n * n:.2g} entries, "
                    f"{J_plain.nbytes / 1e6:.0f} MB) where the pattern kernel reads n N = {n_pat * n:.2g}: the coupling "
                    "path can be within 2x only when the sweeps per call make the pass over J negligible"]))
    # the zero-temperature retrieval experiment of the lecture and homework: the library loop vs the same loop
    # written by hand around hopfield_pattern_dynamics (its fastest kernel)
    from course_lib.spin_glasses import hopfield_retrieval_overlaps

    n, alpha, trials = (64, 0.05, 2) if smoke else (1000, 0.1, 10)
    n_pat = max(1, int(round(alpha * n)))

    def retrieval():
        return hopfield_retrieval_overlaps(n, alpha, trials, noise=0.1, rng=8)

    def by_hand():
        rng = np.random.default_rng(8)
        out = np.empty(trials)
        for k in range(trials):
            xi = rng.choice(np.array([-1.0, 1.0]), size=(n_pat, n))
            s = xi[0].copy()
            s[rng.choice(n, size=int(round(0.1 * n)), replace=False)] *= -1.0
            out[k] = hopfield_pattern_dynamics(xi, s, 200, rng=rng).overlaps[0]
        return out

    t = compare(retrieval, by_hand, repeats=c["repeats"], min_time=c["min_time"], clock=CPU)
    t = Timing([x / trials for x in t.ours], [x / trials for x in t.base], t.number_ours, t.number_base)
    out.append(Result(
        f"Hopfield: retrieval overlaps vs pattern kernel, N = {n}",
        f"N = {n}, alpha = {alpha}, noise 0.1, beta = inf, up to 200 sweeps, per trial (CPU time)", t,
        "`hopfield_retrieval_overlaps`", "loop over `hopfield_pattern_dynamics`",
        f"mean m1 = {np.mean(retrieval()):.3f}", f"mean m1 = {np.mean(by_hand()):.3f}",
        target="0.5 <= ratio <= 2 (within 2x of the fastest)"))
    return out


# --------------------------------------------------------------------------------------------- Tracy-Widom

def _tw_baseline():
    try:
        with warnings.catch_warnings():  # it imports the deprecated scipy.misc
            warnings.simplefilter("ignore", DeprecationWarning)
            from TracyWidom import TracyWidom  # PyPI `tracywidom` (bench/requirements.txt)
    except ImportError:
        return None
    return TracyWidom


def _tw_reference():
    if not TW_REFERENCE.exists():
        return None
    return json.loads(TW_REFERENCE.read_text())


_FIRST_OURS = ("import time; t0 = time.perf_counter(); from course_lib.rmt import tracy_widom_cdf; "
               "t1 = time.perf_counter(); tracy_widom_cdf(-1.0, beta={beta}); "
               "print(time.perf_counter() - t1, t1 - t0)")
_FIRST_BASE = ("import time, warnings; warnings.simplefilter('ignore'); t0 = time.perf_counter(); "
               "from TracyWidom import TracyWidom; t1 = time.perf_counter(); "
               "TracyWidom(beta={beta}).cdf(-1.0); print(time.perf_counter() - t1, t1 - t0)")


def _child_seconds(code):
    """(first call, import) seconds reported by a fresh interpreter."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    call, imp = map(float, res.stdout.strip().splitlines()[-1].split())
    return call, imp


def bench_tracy_widom(smoke, bw):
    from course_lib.rmt import tracy_widom_cdf, tracy_widom_pdf, tracy_widom_sf
    from course_lib.rmt import _tracy_widom as tw_mod

    c = _cfg(smoke)
    TW = _tw_baseline()
    ref = _tw_reference()
    out = []
    for beta in (1, 2, 4):
        # accuracy: absolute error of F on [-6, 4] against the direct (non-interpolated) Nystroem determinant with
        # twice the nodes, and relative error against the mpmath reference (tests/data) where it is available
        grid = np.linspace(-6.0, 4.0, 11 if smoke else 41)
        direct = np.array([tw_mod._cdf_pdf_scalar(x, beta) for x in grid])[:, 0]
        err_o = np.max(np.abs(tracy_widom_cdf(grid, beta) - direct))
        acc_o = f"abs err F {err_o:.1e} on [-6, 4]"
        if ref is not None:
            pts = [p for p in ref["points"] if p["beta"] == beta]
            s_ref = np.array([p["s"] for p in pts])
            F_ref = np.array([float(p["F"]) for p in pts])
            sf_ref = np.array([float(p["sf"]) for p in pts])
            rel = np.max(np.abs(tracy_widom_cdf(s_ref, beta) / F_ref - 1.0))
            rel_sf = np.max(np.abs(tracy_widom_sf(s_ref, beta) / sf_ref - 1.0))
            acc_o += (f"; vs 30-digit mpmath at s = {', '.join(f'{x:g}' for x in s_ref)}: max rel err F {rel:.1e}, "
                      f"1 - F {rel_sf:.1e}")
        if TW is None:
            out.append(Result(f"Tracy-Widom beta = {beta}", "-", Timing([1], [1], 1, 1), "-", "tracywidom missing",
                              acc_o, "-", notes=["baseline not installed: pip install -r bench/requirements.txt"]))
            continue
        tw = TW(beta=beta)
        err_b = np.max(np.abs(tw.cdf(grid) - direct))
        acc_b = f"abs err F {err_b:.1e} on [-6, 4]"
        if ref is not None:
            with np.errstate(all="ignore"):
                relb = np.max(np.abs(tw.cdf(s_ref) / F_ref - 1.0))
                relb_sf = np.max(np.abs((1.0 - tw.cdf(s_ref)) / sf_ref - 1.0))
            acc_b += f"; same points: max rel err F {relb:.1e}, 1 - F {relb_sf:.1e}"
        # first call in a fresh process (after `import course_lib.rmt`; the baseline's import is counted, it is
        # part of its set-up)
        to, tb, io, ib = [], [], [], []
        for r in range(c["tw_first"] if (beta == 2 or not smoke) else 0):
            pair = [(_FIRST_OURS, to, io), (_FIRST_BASE, tb, ib)]
            for code, calls, imports in (pair if r % 2 == 0 else pair[::-1]):
                call, imp = _child_seconds(code.format(beta=beta))
                calls.append(call)
                imports.append(imp)
        if to:
            out.append(Result(f"Tracy-Widom first call, beta = {beta}", "fresh process, one point, after the import",
                              Timing(to, tb, 1, 1), "`tracy_widom_cdf`", "`TracyWidom(beta).cdf` (incl. construction)",
                              acc_o, acc_b, target="<= 0.2 s",
                              notes=[f"imports before the first call (not timed above): `course_lib.rmt` (the whole "
                                     f"RMT package, numba and scipy) {np.median(io):.2f} s, `TracyWidom` "
                                     f"{np.median(ib):.2f} s"]))
        t = compare(lambda: tracy_widom_cdf(-1.0, beta), lambda: tw.cdf(-1.0), repeats=c["repeats"],
                    min_time=c["min_time"])
        out.append(Result(f"Tracy-Widom scalar cdf, beta = {beta}", "one point", t, "`tracy_widom_cdf`",
                          "`TracyWidom.cdf`", "as above", "as above", target="<= 50 us"))
        x = np.random.default_rng(8).uniform(-5.0, 3.0, c["tw_points"])
        k = x.size
        for label, fo, fb in (("cdf", tracy_widom_cdf, tw.cdf), ("pdf", tracy_widom_pdf, tw.pdf)):
            t = compare(lambda: fo(x, beta), lambda: fb(x), repeats=c["repeats"], min_time=c["min_time"])
            t = Timing([v / k for v in t.ours], [v / k for v in t.base], t.number_ours, t.number_base)
            out.append(Result(f"Tracy-Widom vectorised {label}, beta = {beta}", f"{k} points in [-5, 3], per point",
                              t, f"`tracy_widom_{label}`", f"`TracyWidom.{label}`", "as above", "as above",
                              target="ratio >= 1"))
    return out


# --------------------------------------------------------------------------------------------- edge samplers

def bench_edge(smoke, bw):
    from scipy import linalg
    from course_lib.rmt import (beta_hermite_tridiagonal, edge_scaled, gaussian_ensemble,
                                largest_eigenvalue_samples, tracy_widom_cdf)

    c = _cfg(smoke)
    n, size, beta = c["edge_n"], c["edge_size"], 2
    out = []

    def ks(lam):
        x = np.sort(edge_scaled(lam, n, beta))
        F = tracy_widom_cdf(x, beta)
        i = np.arange(1, x.size + 1)
        return float(max(np.max(i / x.size - F), np.max(F - (i - 1) / x.size)))

    def ours():
        return largest_eigenvalue_samples(n, beta, size, rng=9)

    def dense():
        rng = np.random.default_rng(10)
        return np.array([np.linalg.eigvalsh(gaussian_ensemble(n, beta, rng=rng))[-1] for _ in range(size)])

    def tridiag():
        rng = np.random.default_rng(11)
        lam = []
        for _ in range(size):
            d, e = beta_hermite_tridiagonal(n, beta, rng=rng)
            lam.append(linalg.eigvalsh_tridiagonal(d, e, select="i", select_range=(n - 1, n - 1))[0])
        return np.array(lam)

    ks_o = ks(ours())
    band = f"(KS sd ~ {0.87 / np.sqrt(size):.3f})"
    for label, fb in (("dense `numpy.linalg.eigvalsh`", dense), ("full tridiagonal `eigvalsh_tridiagonal`", tridiag)):
        t = compare(ours, fb, repeats=c["repeats"], min_time=c["min_time"])
        t = Timing([v / size for v in t.ours], [v / size for v in t.base], t.number_ours, t.number_base)
        out.append(Result(f"lambda_max sampler vs {label.split()[0]}", f"n = {n}, beta = {beta}, {size} samples, per sample",
                          t, "`largest_eigenvalue_samples`", label, f"KS to F_2: {ks_o:.3f} {band}",
                          f"KS to F_2: {ks(fb()):.3f}"))
    return out


# --------------------------------------------------------------------------------------------- state evolution

def bench_state_evolution(smoke, bw):
    from course_lib.teacher_student import glm_state_evolution

    c = _cfg(smoke)
    alpha = 2.0
    ref = glm_state_evolution(alpha, "gaussian", "sign", tol=1e-14, n_iter=100_000)
    fp = glm_state_evolution(alpha, "gaussian", "sign")
    n_iter = fp.n_iter
    rng = np.random.default_rng(12)
    ms = []

    def ours():
        return glm_state_evolution(alpha, "gaussian", "sign")

    def base():
        ms.append(baselines.mc_glm_state_evolution(alpha, n_iter, c["se_samples"], rng))

    t = compare(ours, base, repeats=c["repeats"], min_time=c["min_time"])
    err_b = float(np.sqrt(np.mean((np.array(ms) - ref.m) ** 2)))
    return [Result("GLM state evolution (sign, Gaussian prior)", f"alpha = {alpha}, {n_iter} iterations, MC "
                   f"{c['se_samples']} samples/iteration", t, "`glm_state_evolution` (quadrature)",
                   "Monte-Carlo averages", f"error of m {abs(fp.m - ref.m):.1e}", f"rms error of m {err_b:.1e}",
                   notes=["the Monte-Carlo side is far less accurate: at equal accuracy (1e-12) it would need "
                          "~1e20 times more samples, so the ratio shown is a lower bound"])]


# --------------------------------------------------------------------------------------------- matrix-tensor

def bench_tensor(smoke, bw):
    """Spiked matrix-tensor gradient g_l = d/dx_l sum_{i<j<k} T_ijk x_i x_j x_k (CPU time, single core).

    (1) the packed kernel against the naive O(N^3) contraction a user would write, ``np.einsum('ijk,j,k->i')`` over
    the dense symmetric float32 tensor (6x the entries, no vectorised scatter); (2) the packed kernel alone at sizes
    beyond L2, against a contiguous read of the same packed array timed in pairs (the ratio column is then the
    fraction of the streaming roofline reached), and against the machine's triad roofline (notes); (3) the implicit
    storage (noise regenerated by a counter-based hash at every gradient) against the packed kernel: the price per
    entry of never storing the tensor.

    Bytes that must move per gradient (the roofline model): the packed tensor once, ``4 N (N-1) (N-2) / 6`` bytes;
    ``x``, ``g`` and the per-row buffer (``24 N`` bytes) stay in L1/L2. Flops: 4 per entry (two FMAs).
    """
    from course_lib.teacher_student.dynamics import spiked_matrix_tensor
    from course_lib.teacher_student.dynamics import _matrix_tensor as mt

    c = _cfg(smoke)
    out = []
    for N in c["tensor_n"]:
        inst = spiked_matrix_tensor(max(N, 10), 3, 0.5, 1.0, rng=13)
        N = inst.N
        x = np.random.default_rng(14).standard_normal(N)
        g = np.empty(N)
        T = baselines.dense_tensor_from_packed(inst.T_packed, N)
        xf = x.astype(np.float32)

        def ours():
            return mt._tensor_contract(inst.T_packed, x, N, g)

        def base():
            return baselines.dense_tensor_gradient(T, xf)

        t = compare(ours, base, repeats=c["repeats"], min_time=c["min_time"], clock=CPU)
        ours()
        gb = base()
        gd = baselines.dense_tensor_gradient(T.astype(np.float64), x)
        err = float(np.max(np.abs(g - gd)) / np.max(np.abs(gd)))
        err_b = float(np.max(np.abs(gb - gd)) / np.max(np.abs(gd)))
        del T
        gbps = inst.T_packed.nbytes / t.ours_median / 1e9
        out.append(Result(f"matrix-tensor gradient, N = {N}", f"N = {N}, packed float32 i<j<k vs dense float32 N^3 "
                          "(CPU time)", t, "`_tensor_contract` (packed, numba, one vectorised pass)",
                          "naive O(N^3) `np.einsum('ijk,j,k->i')`, dense symmetric tensor",
                          f"rel err {err:.1e} (vs float64 dense)", f"rel err {err_b:.1e} (float32 sums)",
                          extra={"bandwidth_GBps": gbps, "roofline_fraction": gbps / bw["triad_GBps"]}))
    # the packed kernel alone at sizes beyond L2, paired with a contiguous read of the same array
    for N in c["tensor_big"]:
        inst = spiked_matrix_tensor(N, 3, 0.5, 1.0, rng=15)
        x = np.random.default_rng(16).standard_normal(N)
        g = np.empty(N)
        Tp = inst.T_packed
        t = compare(lambda: mt._tensor_contract(Tp, x, N, g), lambda: _read_sum(Tp), repeats=c["repeats"],
                    min_time=c["min_time"], clock=CPU)
        gbps = Tp.nbytes / t.ours_median / 1e9
        gflops = 4.0 * Tp.shape[0] / t.ours_median / 1e9
        out.append(Result(f"matrix-tensor gradient (packed only), N = {N}",
                          f"N = {N}, {Tp.nbytes / 1e6:.0f} MB (CPU time)", t, "`_tensor_contract`",
                          "contiguous read of the same packed array (roofline; ratio = fraction of it)", "-", "-",
                          target=">= 50 % of the roofline (ratio column: fraction of the paired read)",
                          notes=[f"{Tp.nbytes / 1e6:.0f} MB moved, {4.0 * Tp.shape[0] / 1e6:.0f} Mflop per gradient: "
                                 f"{gbps:.2f} GB/s, {gflops:.2f} Gflop/s; the paired read of the same array reaches "
                                 f"{Tp.nbytes / t.base_median / 1e9:.2f} GB/s (the stricter, load-robust roofline: "
                                 "same clock, same moment; the triad below is timed in wall-clock once per run)"],
                          extra={"bandwidth_GBps": gbps, "roofline_fraction": gbps / bw["triad_GBps"]}))
        del inst, Tp
    # the implicit storage: the cost per entry of regenerating the noise
    N = c["tensor_implicit"]
    inst = spiked_matrix_tensor(N, 3, 0.5, 1.0, rng=17, storage="implicit")
    packed = spiked_matrix_tensor(N, 3, 0.5, 1.0, rng=17)
    x = np.random.default_rng(18).standard_normal(N)
    g, g2 = np.empty(N), np.empty(N)
    sd, scale = np.sqrt(inst.deltap), np.sqrt(2.0) / N

    def implicit():
        return mt._tensor_contract_implicit(inst.key, sd, inst.x_star, scale, x, N, g)

    t = compare(implicit, lambda: mt._tensor_contract(packed.T_packed, x, N, g2), repeats=c["repeats"],
                min_time=c["min_time"], clock=CPU)
    M = N * (N - 1) * (N - 2) // 6
    ns = t.ours_median / M * 1e9
    out.append(Result(f"matrix-tensor gradient (implicit storage), N = {N}",
                      f"N = {N}, {M} entries regenerated per gradient (CPU time)",
                      t, "`_tensor_contract_implicit` (SplitMix64 hash + Box-Muller per entry)",
                      "`_tensor_contract` (packed float32)", f"memory {inst.Y.nbytes / 1e6:.2f} MB (Y only)",
                      f"memory {(packed.Y.nbytes + packed.T_packed.nbytes) / 1e6:.2f} MB",
                      target="cost per entry measured",
                      notes=[f"{ns:.1f} ns per tensor entry (hash, log, sqrt, cos: scalar, numba has no vector "
                             f"libm here) against {t.base_median / M * 1e9:.2f} ns for a stored float32 entry; "
                             "memory O(N^2) instead of 2 N^3 / 3 bytes"]))
    return out


# the names of the rows each benchmark writes start with one of these (``python -m bench.run --update``)
ROW_PREFIXES = {
    "sk": ("SK ",),
    "hopfield": ("Hopfield",),
    "tracy_widom": ("Tracy-Widom",),
    "edge": ("lambda_max",),
    "state_evolution": ("GLM state evolution",),
    "tensor": ("matrix-tensor",),
    "numba": ("numba cold/warm", "numba first run", "numba: precompile"),
    "book": ("book:",),
}

BENCHMARKS = {
    "sk": bench_sk,
    "hopfield": bench_hopfield,
    "tracy_widom": bench_tracy_widom,
    "edge": bench_edge,
    "state_evolution": bench_state_evolution,
    "tensor": bench_tensor,
}


# --------------------------------------------------------------------------------------------- numba cold / warm

NUMBA_NOTEBOOKS = ("lectures/05_spin_glasses/curie_weiss_to_sk.ipynb", "lectures/05_spin_glasses/hopfield_model.ipynb",
                   "lectures/04_rmt/spectral_edge_tracy_widom.ipynb")


def _toc_notebooks(prefix="lectures/"):
    """The notebooks of ``_toc.yml`` under ``prefix``, in the book's order."""
    toc = (ROOT / "_toc.yml").read_text()
    return [f"{m}.ipynb" for m in re.findall(r"file:\s*(\S+)", toc) if m.startswith(prefix)
            and (ROOT / f"{m}.ipynb").exists()]


def _numba_cache_files():
    return set((ROOT / "course_lib").rglob("__pycache__/*.nb[ic]"))


def _execute_notebook(path):
    from course_lib._nbexec import execute_notebook

    return execute_notebook(path, timeout=int(os.environ.get("BENCH_CELL_TIMEOUT", "1200")))[1]


NUMBA_REPEATS = int(os.environ.get("BENCH_NUMBA_REPEATS", "2"))


def _snapshot_numba_cache():
    return {p: p.read_bytes() for p in _numba_cache_files()}


def _restore_numba_cache(snapshot):
    for p in _numba_cache_files() - set(snapshot):
        p.unlink()
    for p, data in snapshot.items():
        p.write_bytes(data)


def bench_numba(smoke, bw):
    """Numba compilation in a lecture's first execution: cold (cache emptied), after ``make env``, and warm.

    Phase 1, per lecture of the table of contents: empty numba's on-disk cache of course_lib, execute the notebook
    (*cold*: every kernel it calls is compiled), then execute it again (*warm*: every kernel is loaded). Lectures
    whose cold run wrote no cache file compile nothing and get no row. Phase 2: empty the cache and run
    ``python -m course_lib.precompile`` -- what ``make env`` runs at install -- once (timed: its own row). Phase 3,
    per lecture: restore the cache to exactly its state after phase 2 and execute the notebook (*first run after
    make env*). Warm and first runs are repeated ``BENCH_NUMBA_REPEATS`` (2) times and paired. The row's ratio is
    (first run after make env) / warm, the target of issue #21; the cold / warm ratio (the compile cost that
    precompilation moved to install time) is given beside it.
    ``BENCH_NUMBA_NOTEBOOKS`` (a comma-separated list of paths) restricts the set."""
    if smoke:
        return []
    only = os.environ.get("BENCH_NUMBA_NOTEBOOKS")
    rels = [x.strip() for x in only.split(",") if x.strip()] if only else _toc_notebooks()
    runs, skipped = {}, []
    for rel in rels:
        path = ROOT / rel
        for f in _numba_cache_files():
            f.unlink()
        cold = _execute_notebook(path)
        compiled = _numba_cache_files()
        if not compiled:
            skipped.append(path.stem)
            continue
        runs[rel] = [cold, [_execute_notebook(path) for _ in range(NUMBA_REPEATS)], len(compiled)]
    out = []
    if runs:
        for f in _numba_cache_files():
            f.unlink()
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "course_lib.precompile", "--jobs", "2"], cwd=ROOT,
                              capture_output=True, text=True)
        pre = time.perf_counter() - t0
        summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
        snapshot = _snapshot_numba_cache()
        for rel in runs:
            runs[rel].append([])
        for _ in range(NUMBA_REPEATS):
            for rel in runs:
                _restore_numba_cache(snapshot)
                runs[rel][-1].append(_execute_notebook(ROOT / rel))
        _restore_numba_cache(snapshot)
        compile_total = sum(max(0.0, c - min(w)) for c, w, _, _ in runs.values())
        out.append(Result("numba: precompile (make env)", f"`python -m course_lib.precompile --jobs 2` from an "
                          f"empty cache: {summary.split(': ', 1)[-1]}",
                          Timing([pre], [compile_total], 1, 1), "precompile, once at install",
                          f"sum over the {len(runs)} lectures of (cold - warm)", "-", "-",
                          target="(moves compilation out of the lectures)",
                          notes=[f"precompile exit status {proc.returncode}"] +
                                [x for x in proc.stderr.splitlines() if x.startswith("  ")][:20]))
    for rel, (cold, warm, n_files, first) in runs.items():
        stem = Path(rel).stem
        out.append(Result(f"numba first run / warm: {stem}", f"whole notebook, {NUMBA_REPEATS} executions of each "
                          f"side, paired; {n_files} cache files written cold; cold (cache emptied) / fastest warm = "
                          f"{cold / min(warm):.2f} ({cold:.1f} s)",
                          Timing(warm, first, 1, 1), "warm (numba cache filled)",
                          "first run after `make env` (precompiled)", "-", "-", target="first / warm <= 1.15",
                          notes=["ratio column = (first run after make env) / warm, median of the paired ratios"]))
    if out and skipped:
        out[-1].notes.append(f"lectures that compile no numba kernel (one execution, no row): {', '.join(skipped)}")
    return out


def bench_book(smoke, bw):
    """Execution time of every notebook of the book, read from the jupyter-cache of the last ``make book``.

    ``make book`` executes the notebooks two at a time; the wall time of that phase is bounded below by the
    longest-processing-time schedule of the recorded times on two workers, which is what the row reports beside the
    sum. Nothing is timed here: run ``make book`` (on an otherwise idle machine) first."""
    if smoke:
        return []
    from jupyter_cache import get_cache

    cache_dir = ROOT / "_build" / ".jupyter_cache"
    if not cache_dir.exists():
        print("[bench] book: no _build/.jupyter_cache (run `make book` first); row skipped", file=sys.stderr)
        return []
    latest = {}
    for rec in get_cache(str(cache_dir)).list_cache_records():
        sec = (rec.data or {}).get("execution_seconds")
        uri = str(Path(rec.uri).resolve())
        if sec is not None and (uri not in latest or rec.created > latest[uri][0]):
            latest[uri] = (rec.created, float(sec))
    # the book executes the homework as their student edition (``_build/edition/homework``)
    wanted = {}
    for x in _toc_notebooks(""):
        edition = ROOT / "_build" / "edition" / x
        wanted[str((edition if x.startswith("homework/") and edition.exists() else ROOT / x).resolve())] = x
    times = {wanted[u]: t for u, (_, t) in latest.items() if u in wanted}
    missing = sorted(x for u, x in wanted.items() if u not in latest)
    if not times:
        return []
    loads = [0.0, 0.0]
    for t in sorted(times.values(), reverse=True):
        loads[loads.index(min(loads))] += t
    total, slowest = sum(times.values()), max(times, key=times.get)
    oldest = min(c for u, (c, _) in latest.items() if u in wanted)
    notes = [f"per notebook (s): " + ", ".join(f"{Path(k).stem} {v:.1f}" for k, v in
                                               sorted(times.items(), key=lambda kv: -kv[1]))]
    if missing:
        notes.append(f"no execution record (not executed by the last build): {', '.join(missing)}")
    return [Result("book: notebook execution", f"{len(times)} notebooks of `_toc.yml`, executed by `make book` "
                   f"(records from {oldest:%Y-%m-%d %H:%M} on)",
                   Timing([max(loads)], [total], 1, 1), "2-worker schedule of the recorded times",
                   "sum over notebooks", f"slowest: {Path(slowest).stem} {times[slowest]:.1f} s", "-",
                   target="<= 6 min wall on 2 cores; no notebook > 60 s", notes=notes)]


BENCHMARKS["numba"] = bench_numba
BENCHMARKS["book"] = bench_book
