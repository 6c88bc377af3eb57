"""The compiled SK/Hopfield Monte-Carlo kernels and the NumPy baselines of ``make bench`` sample the same law.

Exact enumeration of the 2^10 configurations of a 10-spin SK instance gives the Gibbs law; chains started from
exact Gibbs samples must still follow it after a few sweeps (invariance, tested with a chi-square on 16 energy
bins of equal Gibbs mass), and a sampler at the wrong temperature must be rejected by the same test. Also: the
validation cache of the coupling matrix notices in-place changes, float32 couplings keep the energy bookkeeping,
and ``hopfield_dynamics`` gives the same trajectory through its pattern and coupling paths.
"""

import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import course_lib.spin_glasses as sg
from course_lib.spin_glasses import _mc_kernels as mk
from conftest import ROOT

sys.path.insert(0, str(ROOT))

from bench import baselines  # noqa: E402

N_SPINS, BETA, N_CHAINS, N_SWEEPS, N_BINS = 10, 0.7, 4000, 3, 16


def _instance():
    J = sg.sk_couplings(N_SPINS, rng=np.random.default_rng(31)) * 2.0  # couplings of order 1: a non-flat law
    states = np.array([[1.0 if (k >> i) & 1 else -1.0 for i in range(N_SPINS)] for k in range(2**N_SPINS)])
    energy = -0.5 * np.einsum("ki,ij,kj->k", states, J, states)
    w = np.exp(-BETA * (energy - energy.min()))
    return J, states, energy, w / w.sum()


def _energy_bins(energy, gibbs):
    """Assign each configuration to one of N_BINS groups of consecutive energies with about equal Gibbs mass."""
    order = np.argsort(energy, kind="stable")
    cum = np.cumsum(gibbs[order])
    group = np.minimum((cum - 0.5 * gibbs[order]) * N_BINS, N_BINS - 1).astype(int)
    bins = np.empty(energy.size, dtype=int)
    bins[order] = group
    return bins


def _run_sampler(name, J, s, beta, rng):
    n = s.size
    if name in ("metropolis", "heat-bath"):
        return sg.metropolis(J, beta, N_SWEEPS, state=s, rng=rng, method=name).state.astype(float)
    if name == "metropolis float32":
        return sg.metropolis(J.astype(np.float32), beta, N_SWEEPS, state=s, rng=rng).state.astype(float)
    if name == "metropolis_numpy":
        return sg.metropolis_numpy(J, beta, N_SWEEPS * n, state=s, rng=rng).astype(float)
    if name == "bench baseline":  # bench/baselines.py, the NumPy side of the SK ratio in bench/RESULTS.md
        s = s.copy()
        baselines.numpy_metropolis(J, s, beta, rng.integers(0, n, N_SWEEPS * n), rng.random(N_SWEEPS * n))
        return s
    raise AssertionError(name)


def _stationarity_pvalue(name, beta_run):
    J, states, energy, gibbs = _instance()
    bins = _energy_bins(energy, gibbs)
    expected = np.bincount(bins, weights=gibbs, minlength=N_BINS) * N_CHAINS
    rng = np.random.default_rng(32)
    counts = np.zeros(N_BINS)
    for k0 in rng.choice(2**N_SPINS, size=N_CHAINS, p=gibbs):
        out = _run_sampler(name, J, states[k0], beta_run, rng)
        counts[bins[int(((out + 1) / 2) @ (2 ** np.arange(N_SPINS)))]] += 1
    return stats.chisquare(counts, expected).pvalue


@pytest.mark.parametrize("name", ["metropolis", "heat-bath", "metropolis float32", "metropolis_numpy",
                                  "bench baseline"])
def test_kernels_and_baselines_keep_the_exact_gibbs_law(name):
    # 4000 independent chains from exact Gibbs samples, 3 sweeps each: the energy histogram (16 bins of equal
    # Gibbs mass, 15 degrees of freedom) must still be the Gibbs one; p > 1e-3 fails an exact sampler 1 time in 1000
    assert _stationarity_pvalue(name, BETA) > 1e-3


@pytest.mark.parametrize("name", ["metropolis", "bench baseline"])
def test_same_test_rejects_the_wrong_temperature(name):
    # negative control: the same chains run at beta / 2 drift towards the hotter law within 3 sweeps
    assert _stationarity_pvalue(name, BETA / 2) < 1e-3


def test_kernel_and_baseline_acceptance_agree_on_the_same_phase():
    # bench/RESULTS.md once compared the kernel's acceptance over 20 sweeps (relaxing, 0.35) with the baseline's
    # over the first sweep from a random start (0.53): both samplers agree when run on the same phase
    n, beta = 400, 1.0
    J = sg.sk_couplings(n, rng=np.random.default_rng(33))
    s0 = sg.metropolis(J, beta, 200, rng=np.random.default_rng(34)).state.astype(float)  # equilibrated start
    ours = sg.metropolis(J, beta, 40, state=s0, rng=np.random.default_rng(35)).acceptance
    rng = np.random.default_rng(36)
    acc = baselines.numpy_metropolis(J, s0.copy(), beta, rng.integers(0, n, 40 * n), rng.random(40 * n)) / (40 * n)
    # 16000 proposals each; the acceptance of an equilibrated chain fluctuates by ~0.005 (binomial, inflated by
    # autocorrelation): 0.02 is four such units, while the first-sweep rate from a random start is ~0.18 higher
    assert abs(ours - acc) < 0.02
    first = sg.metropolis(J, beta, 1, rng=np.random.default_rng(37)).acceptance
    assert first - ours > 0.1


def test_validation_cache_notices_in_place_changes(monkeypatch):
    J = sg.sk_couplings(30, rng=np.random.default_rng(38))
    calls = []
    real = mk._asymmetry
    monkeypatch.setattr(mk, "_asymmetry", lambda A: calls.append(1) or real(A))
    sg.metropolis(J, 1.0, 2, rng=0)
    sg.metropolis(J, 1.0, 2, rng=1)
    assert len(calls) == 1  # the exact check ran once; the second call only recomputed the fingerprint
    J[3, 7] += 1e-9  # now asymmetric by 1e-9 > 1e-12
    with pytest.raises(ValueError, match="`J` must be symmetric"):
        sg.metropolis(J, 1.0, 1, rng=2)
    J[7, 3] += 1e-9
    J[4, 5] = J[5, 4] = np.nan
    with pytest.raises(ValueError, match="`J` must contain only finite values"):
        sg.metropolis(J, 1.0, 1, rng=3)


def test_float32_couplings_keep_the_energy_bookkeeping():
    J32 = sg.sk_couplings(60, rng=np.random.default_rng(39)).astype(np.float32)
    run = sg.metropolis(J32, 1.2, 50, rng=np.random.default_rng(40), h=0.1)
    # the Hamiltonian is that of the float32 couplings, accumulated in float64
    assert_allclose(run.energies[-1], sg.ising_energy(J32.astype(np.float64), run.state, h=0.1), rtol=1e-10)


def test_hopfield_pattern_and_coupling_paths_agree():
    rng = np.random.default_rng(41)
    xi = rng.choice([-1.0, 1.0], size=(12, 300))
    J = sg.hopfield_couplings(xi)
    assert not J.flags.writeable
    start = xi[0] * np.where(rng.random(300) < 0.2, -1.0, 1.0)
    via_patterns = sg.hopfield_dynamics(J, start, 5, beta=2.0, rng=42)  # read-only Hebbian matrix: pattern kernel
    via_couplings = sg.hopfield_dynamics(J.copy(), start, 5, beta=2.0, rng=42)  # a plain copy: coupling kernel
    reference = sg.hopfield_pattern_dynamics(xi, start, 5, beta=2.0, rng=42)
    assert_allclose(via_patterns.state, reference.state)
    assert_allclose(via_couplings.state, reference.state)  # same draws; fields equal up to rounding
    assert via_patterns.overlaps is None and via_couplings.overlaps is None
    assert_allclose(reference.overlaps, xi @ reference.state / 300)
    with pytest.raises(ValueError, match="read-only"):
        J[0, 1] = 1.0
    J.flags.writeable = True  # modified by hand: no longer trusted, checked like any matrix
    J[0, 1] = 1.0
    with pytest.raises(ValueError, match="`J` must be symmetric"):
        sg.hopfield_dynamics(J, start, 1, beta=2.0, rng=0)


def test_pattern_cache_notices_in_place_changes():
    # hopfield_pattern_dynamics reuses the int8 copy of an unchanged pattern array (fingerprint in the +-1 check)
    rng = np.random.default_rng(43)
    xi = rng.choice([-1.0, 1.0], size=(5, 100))
    start = xi[0] * np.where(rng.random(100) < 0.3, -1.0, 1.0)
    sg.hopfield_pattern_dynamics(xi, start, 3, beta=2.0, rng=1)
    xi[2, 10] *= -1.0
    xi[3, 50] *= -1.0
    again = sg.hopfield_pattern_dynamics(xi, start, 3, beta=2.0, rng=1)
    fresh = sg.hopfield_pattern_dynamics(xi.copy(), start, 3, beta=2.0, rng=1)
    assert_allclose(again.state, fresh.state)
    assert_allclose(again.overlaps, xi @ again.state / 100)
    xi[0, 0] = 0.5
    with pytest.raises(ValueError, match="`patterns` must have entries"):
        sg.hopfield_pattern_dynamics(xi, start, 1, rng=1)


def test_bucket_order_is_numpy_argsort():
    # the sweeps sort each sweep's keys in O(n) (bucket sort): the same permutation as the original np.argsort, so
    # the Hopfield trajectories are those of the earlier versions
    from course_lib.spin_glasses._hopfield import _order_from_keys

    rng = np.random.default_rng(44)
    for n in (1, 2, 7, 100, 1000):
        for _ in range(20):
            keys = rng.random(n)
            order, count = np.empty(n, dtype=np.int64), np.empty(n + 1, dtype=np.int64)
            _order_from_keys(keys, order, count)
            assert np.array_equal(order, np.argsort(keys))
    keys = np.array([1.0 - 2.0**-53, 0.0, 0.5, 1.0 - 2.0**-52])  # keys next to 1 stay in the last bucket
    order, count = np.empty(4, dtype=np.int64), np.empty(5, dtype=np.int64)
    _order_from_keys(keys, order, count)
    assert order.tolist() == [1, 2, 3, 0]
