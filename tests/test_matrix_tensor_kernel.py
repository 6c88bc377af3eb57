"""The spiked matrix-tensor gradient kernels: packed (vectorised one-pass), implicit (hash-generated noise), CuPy.

References for the numbers below: the contraction is checked against a dense ``np.einsum`` over the symmetrised
tensor (the definition); the moments of a standard normal are 0, 1, 0 and 3 with Monte-Carlo standard errors
``1/sqrt(n)``, ``sqrt(2/n)``, ``sqrt(6/n)`` and ``sqrt(24/n)``; the correlation of independent samples has s.e.
``1/sqrt(n)``. Tolerances are 5 standard errors.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from course_lib.teacher_student.dynamics import langevin_spiked_matrix_tensor, spiked_matrix_tensor
from course_lib.teacher_student.dynamics import _matrix_tensor as mt


def _dense(Tp, N):
    """Dense symmetric tensor S (all six permutations of i < j < k) and the upper part U, float64."""
    U = np.zeros((N, N, N))
    idx = 0
    for i in range(N):
        for j in range(i + 1, N):
            for k in range(j + 1, N):
                U[i, j, k] = Tp[idx]
                idx += 1
    S = sum(U.transpose(p) for p in itertools.permutations(range(3)))
    return S, U


def _contract(inst, x):
    g = np.empty(inst.N)
    if inst.storage == "packed":
        e = mt._tensor_contract(inst.T_packed, x, inst.N, g)
    else:
        e = mt._tensor_contract_implicit(inst.key, np.sqrt(inst.deltap), inst.x_star, np.sqrt(2.0) / inst.N, x,
                                         inst.N, g)
    return e, g


# N not multiples of the vector width (4 doubles / 8 floats) and runs shorter than one vector
@pytest.mark.parametrize("N", [10, 11, 13, 17, 31, 40, 67])
@pytest.mark.parametrize("storage", ["packed", "implicit"])
def test_kernel_equals_dense_contraction(N, storage):
    inst = spiked_matrix_tensor(N, 3, 0.5, 1.3, rng=N, storage=storage)
    x = np.random.default_rng(N + 1).standard_normal(N)
    S, U = _dense(mt._packed_copy(inst), N)
    g_dense = 0.5 * np.einsum("ijk,j,k->i", S, x, x)  # d/dx_l of sum_{i<j<k} T x x x
    e_dense = np.einsum("ijk,i,j,k", U, x, x, x)
    e, g = _contract(inst, x)
    # float64 accumulation of float32 (packed, exactly representable) or float64 (implicit) entries: round-off only
    assert_allclose(g, g_dense, rtol=1e-12, atol=1e-12 * np.abs(g_dense).max())
    assert_allclose(e, e_dense, rtol=1e-11)
    # negative control: contracting only the stored half (g_i = sum_{j<k} T_ijk x_j x_k, no scatter to g_j, g_k)
    g_half = np.einsum("ijk,j,k->i", U, x, x)
    assert not np.allclose(g_half, g_dense, rtol=1e-12, atol=1e-12 * np.abs(g_dense).max())


def test_packed_kernel_matches_float32_einsum_baseline():
    # the bench baseline: the dense float32 einsum of the naive O(N^3) contraction agrees to float32 accuracy
    N = 50
    inst = spiked_matrix_tensor(N, 3, 0.5, 1.0, rng=3)
    x = np.random.default_rng(4).standard_normal(N)
    S, _ = _dense(inst.T_packed, N)
    g32 = 0.5 * np.einsum("ijk,j,k->i", S.astype(np.float32), x.astype(np.float32), x.astype(np.float32))
    _, g = _contract(inst, x)
    assert np.max(np.abs(g - g32)) / np.max(np.abs(g)) < 1e-5


@pytest.mark.parametrize("storage", ["packed", "implicit"])
def test_gradient_is_finite_difference_of_energy(storage):
    N = 23
    inst = spiked_matrix_tensor(N, 3, 0.5, 0.7, rng=5, storage=storage)
    x = np.random.default_rng(6).standard_normal(N)
    g = np.empty(N)
    mt._energy_gradient(inst, x, g)
    h = 1e-5
    fd = np.empty(N)
    tmp = np.empty(N)
    for l in range(N):
        e = np.zeros(N)
        e[l] = h
        fd[l] = (mt._energy_gradient(inst, x + e, tmp) - mt._energy_gradient(inst, x - e, tmp)) / (2 * h)
    # H is a cubic polynomial: central differences are exact up to h^2 |d^3 H| / 6 plus round-off |H| eps / h
    assert_allclose(g, fd, rtol=0, atol=1e-7 * np.abs(g).max())
    # negative control: a kernel without the scatter to g_j, g_k (only g_i = sum_{j<k} T_ijk x_j x_k) is rejected
    S, U = _dense(mt._packed_copy(inst), N)
    b = np.sqrt(2.0) / (inst.deltap * N)
    bad = g + b * (0.5 * np.einsum("ijk,j,k->i", S, x, x) - np.einsum("ijk,j,k->i", U, x, x))
    assert not np.allclose(bad, fd, rtol=0, atol=1e-7 * np.abs(g).max())


# ---------------------------------------------------------------- the counter-based normals

def _normal_checks(z, w):
    """Five-sigma checks that z (and an independent stream w) are i.i.d. standard normal; returns the failures."""
    n = z.shape[0]
    fails = []
    if abs(z.mean()) > 5 / np.sqrt(n):
        fails.append("mean")
    if abs(z.var() - 1.0) > 5 * np.sqrt(2.0 / n):
        fails.append("variance")
    if abs(stats.skew(z)) > 5 * np.sqrt(6.0 / n):
        fails.append("skewness")
    if abs(stats.kurtosis(z, fisher=False) - 3.0) > 5 * np.sqrt(24.0 / n):
        fails.append("kurtosis")
    if stats.kstest(z, "norm").pvalue < 1e-4:
        fails.append("KS")
    for lag in (1, 2, 7, 1000):
        if abs(np.corrcoef(z[:-lag], z[lag:])[0, 1]) > 5 / np.sqrt(n):
            fails.append(f"lag {lag}")
    if abs(np.corrcoef(z, w)[0, 1]) > 5 / np.sqrt(n):
        fails.append("keys")
    return fails


def test_hash_normals_are_iid_standard_normal():
    n = 400_000
    m = np.arange(n, dtype=np.int64)
    z = mt._hash_normals(12345, m)
    w = mt._hash_normals(12346, m)  # neighbouring keys
    assert _normal_checks(z, w) == []
    # deterministic: the same (key, m) gives the same number, in any order of evaluation
    assert_allclose(mt._hash_normals(12345, m[::-1][:1000]), z[::-1][:1000], rtol=0, atol=0)
    # negative controls, same tolerances: uniform with variance 1, a moving average, a stream reused for two keys
    u = np.sqrt(3.0) * (2.0 * np.random.default_rng(0).random(n) - 1.0)
    assert "kurtosis" in _normal_checks(u, w)
    ma = (z[1:] + z[:-1]) / np.sqrt(2.0)
    assert "lag 1" in _normal_checks(ma, w[1:])
    assert "keys" in _normal_checks(z, z)


def test_implicit_instance_law():
    # entries T_ijk - signal are N(0, deltap), one independent number per i < j < k
    N, deltap = 60, 2.5
    inst = spiked_matrix_tensor(N, 3, 0.5, deltap, rng=7, storage="implicit")
    Tp = mt._packed_copy(inst)
    sig = np.zeros_like(Tp)
    mt._add_signal(sig, inst.x_star, np.sqrt(2.0) / N, N)
    noise = (Tp - sig) / np.sqrt(deltap)
    n = noise.shape[0]
    assert abs(noise.mean()) < 5 / np.sqrt(n)
    assert abs(noise.var() - 1.0) < 5 * np.sqrt(2.0 / n)
    # two instances from different generators have independent noise
    other = mt._packed_copy(spiked_matrix_tensor(N, 3, 0.5, deltap, rng=8, storage="implicit"))
    assert abs(np.corrcoef(Tp - sig, other - sig)[0, 1]) < 5 / np.sqrt(n)
    # the kernel uses one number for all six orderings of (i, j, k): the Hessian of the cubic form is symmetric
    x = np.random.default_rng(9).standard_normal(N)
    h = 1e-4
    Hm = np.empty((N, N))
    g1, g2 = np.empty(N), np.empty(N)
    for l in range(N):
        e = np.zeros(N)
        e[l] = h
        mt._tensor_contract_implicit(inst.key, 1.0, inst.x_star, 0.0, x + e, N, g1)
        mt._tensor_contract_implicit(inst.key, 1.0, inst.x_star, 0.0, x - e, N, g2)
        Hm[:, l] = (g1 - g2) / (2 * h)
    assert_allclose(Hm, Hm.T, atol=1e-7 * np.abs(Hm).max())


# ---------------------------------------------------------------- dynamics and backends

@pytest.mark.parametrize("storage", ["packed", "implicit"])
def test_dense_xp_path_equals_numba_path(storage):
    # the code of backend='cupy', run with NumPy as the namespace: same trajectory up to float32 round-off
    inst = spiked_matrix_tensor(26, 3, 0.5, 2.0, rng=11, storage=storage)
    for T in (0.0, 1.0):
        a = langevin_spiked_matrix_tensor(inst, T, 0.05, 1.0, rng=12, cbar0=0.3)
        cb, en, c0 = mt._langevin_xp(inst, T, 0.05, a.n_steps, 0.3, np.random.default_rng(12), np)
        assert_allclose(cb, a.Cbar, atol=1e-6)
        assert_allclose(en, a.energy, atol=1e-6)
        assert_allclose(c0, a.C0, atol=1e-6)


def test_implicit_storage_gradient_flow_reaches_signal():
    # easy phase (Delta_2 = 0.5, Delta_p = 1: well inside the region where gradient flow recovers the signal, see
    # the DMFT lecture): both storages end close to the signal from the same start
    for storage in ("packed", "implicit"):
        inst = spiked_matrix_tensor(80, 3, 0.5, 1.0, rng=13, storage=storage)
        tr = langevin_spiked_matrix_tensor(inst, 0.0, 0.1, 20.0, rng=14, cbar0=0.2)
        assert tr.converged and tr.Cbar[-1] > 0.8


def test_cupy_backend_matches_numpy():
    cupy = pytest.importorskip("cupy", reason="CuPy is not installed: the GPU backend is tested only where it is")
    try:
        n_dev = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # CUDA driver missing
        pytest.skip(f"CuPy is installed but no CUDA GPU is usable ({exc})")
    if n_dev < 1:
        pytest.skip("CuPy is installed but no CUDA GPU is visible")
    for storage in ("packed", "implicit"):
        inst = spiked_matrix_tensor(40, 3, 0.5, 2.0, rng=15, storage=storage)
        for T in (0.0, 1.0):
            a = langevin_spiked_matrix_tensor(inst, T, 0.05, 1.0, rng=16, cbar0=0.3)
            b = langevin_spiked_matrix_tensor(inst, T, 0.05, 1.0, rng=16, cbar0=0.3, backend="cupy")
            assert_allclose(b.Cbar, a.Cbar, atol=1e-5)
            assert_allclose(b.energy, a.energy, atol=1e-5)


def test_bad_input():
    with pytest.raises(ValueError, match="`storage` must be one of"):
        spiked_matrix_tensor(12, 3, 0.5, 1.0, storage="dense")
    with pytest.raises(ValueError, match="`N` must be"):
        spiked_matrix_tensor(1201, 3, 0.5, 1.0)
    with pytest.raises(ValueError, match="`N` must be"):
        spiked_matrix_tensor(4001, 3, 0.5, 1.0, storage="implicit")
    inst = spiked_matrix_tensor(12, 3, 0.5, 1.0, rng=0)
    with pytest.raises(ValueError, match="`backend` must be one of"):
        langevin_spiked_matrix_tensor(inst, 0.0, 0.05, 0.2, backend="jax")
    try:
        import cupy  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="`backend` 'cupy' needs CuPy"):
            langevin_spiked_matrix_tensor(inst, 0.0, 0.05, 0.2, backend="cupy")
