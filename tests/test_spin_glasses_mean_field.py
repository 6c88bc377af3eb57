"""Tests of the Curie-Weiss / Sherrington-Kirkpatrick part of course_lib.spin_glasses."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import special

import course_lib.spin_glasses as sg

# Published values used below
# - SK ground-state energy per spin, replica symmetric: -sqrt(2/pi) = -0.797885 (Sherrington & Kirkpatrick 1975, eq. (17)).
# - RS zero-temperature entropy -1/(2 pi) (Sherrington & Kirkpatrick 1975, after eq. (17)).
# - 1RSB ground state -0.7652 (Parisi 1980, J. Phys. A 13, L115, Table 1: E = -0.7652 at T = 0 for one breaking).
# - 2RSB ground state -0.7636 (Crisanti & Rizzo 2002, Phys. Rev. E 65, 046137, Table I).
# - Parisi (full RSB) ground state -0.7631667 (Crisanti & Rizzo 2002; Oppermann & Schmidt 2008, -0.763166726566).
E0_RS = -np.sqrt(2.0 / np.pi)
E0_1RSB = -0.7652
E0_2RSB = -0.7636
E0_PARISI = -0.7631667


# --- Curie-Weiss -----------------------------------------------------------------------------------------------


def test_curie_weiss_exact_small_n_by_enumeration():
    n, beta, h = 6, 0.8, 0.3
    bits = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    S = 2 * bits - 1
    M = S.sum(axis=1)
    E = -(M**2) / (2 * n) - h * M
    w = np.exp(-beta * E)
    Z = w.sum()
    r = sg.curie_weiss_exact(n, beta, h)
    assert_allclose(r.free_energy, -np.log(Z) / (beta * n), rtol=1e-13)
    assert_allclose(r.energy, (w @ E) / Z / n, rtol=1e-13)
    assert_allclose(r.magnetization, (w @ M) / Z / n, rtol=1e-13)


@pytest.mark.parametrize("beta,h", [(0.5, 0.0), (2.0, 0.0), (1.5, 0.2)])
def test_curie_weiss_exact_converges_to_mean_field(beta, h):
    # f_N - f = O(log N / N) (Laplace's method); at N = 4000 below 3e-3
    mf = sg.curie_weiss_mean_field(beta, h)
    ex = sg.curie_weiss_exact(4000, beta, h)
    assert abs(ex.free_energy - mf.free_energy) < 3e-3
    assert abs(ex.abs_magnetization - abs(mf.m)) < 2e-2
    assert mf.converged


def test_curie_weiss_mean_field_closed_forms():
    assert sg.curie_weiss_mean_field(0.7).m == 0.0
    m = sg.curie_weiss_mean_field(3.0).m
    assert_allclose(m, np.tanh(3.0 * m), rtol=1e-13)
    assert_allclose(sg.curie_weiss_mean_field(3.0, -0.1).m, -sg.curie_weiss_mean_field(3.0, 0.1).m, rtol=1e-13)


@pytest.mark.parametrize("method", ["metropolis", "heat-bath"])
def test_curie_weiss_monte_carlo_matches_exact(method):
    # Monte Carlo mean energy within 4 standard errors (batch means over 20 batches) of the exact finite-N value
    n, beta = 64, 1.3
    ex = sg.curie_weiss_exact(n, beta)
    run = sg.metropolis(sg.curie_weiss_couplings(n), beta, 40000, rng=np.random.default_rng(11), method=method)
    e = run.energies[2000:]
    batches = e.reshape(20, -1).mean(axis=1)
    se = batches.std(ddof=1) / np.sqrt(20)
    assert abs(e.mean() - ex.energy) < 4 * se
    mb = np.abs(run.magnetizations[2000:]).reshape(20, -1).mean(axis=1)
    assert abs(mb.mean() - ex.abs_magnetization) < 4 * mb.std(ddof=1) / np.sqrt(20)


# --- Monte Carlo kernels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["metropolis", "heat-bath"])
def test_detailed_balance_by_exact_enumeration(method):
    J = sg.sk_couplings(4, rng=np.random.default_rng(0))
    P, pi = sg.single_flip_transition_matrix(J, 1.7, h=0.2, method=method)
    flux = pi[:, None] * P
    assert_allclose(flux, flux.T, atol=1e-15)
    assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)


def test_compiled_kernel_samples_gibbs_measure():
    # empirical law of the 2^3 configurations after each sweep vs the Gibbs weights: chi-square p-value > 1e-3
    n, beta = 3, 1.0
    J = sg.sk_couplings(n, rng=np.random.default_rng(1)) * 2.0
    run = sg.metropolis(J, beta, 1, state=[1, 1, 1], rng=np.random.default_rng(2))
    _, pi = sg.single_flip_transition_matrix(J, beta)
    rng = np.random.default_rng(3)
    state = np.array([1, 1, 1])
    counts = np.zeros(2**n)
    for _ in range(4000):
        run = sg.metropolis(J, beta, 3, state=state, rng=rng)
        state = run.state
        counts[int(((state + 1) // 2) @ (1 << np.arange(n)))] += 1
    chi2 = ((counts - 4000 * pi) ** 2 / (4000 * pi)).sum()
    assert special.chdtrc(2**n - 1, chi2) > 1e-3


def test_running_energy_matches_recomputed_energy():
    J = sg.sk_couplings(50, rng=np.random.default_rng(4))
    run = sg.metropolis(J, 1.5, 30, rng=np.random.default_rng(5), h=0.3)
    assert_allclose(run.energies[-1], sg.ising_energy(J, run.state, h=0.3), rtol=1e-10)


def test_sk_high_temperature_energy_is_annealed():
    # E H/N = -beta/2 for T > 1 (annealed = quenched, Aizenman-Lebowitz-Ruelle 1987); finite-N correction
    # +beta/(2N) from the missing diagonal; disorder + thermal spread ~ 0.01 at N = 300, 3 samples
    T, n = 2.0, 300
    rng = np.random.default_rng(6)
    e = [sg.metropolis(sg.sk_couplings(n, rng=rng), 1 / T, 600, rng=rng).energies[100:].mean() for _ in range(3)]
    assert abs(np.mean(e) - sg.sk_annealed_energy(T)) < 0.015


def test_parallel_tempering_shapes_and_low_temperature():
    J = sg.sk_couplings(32, rng=np.random.default_rng(7))
    run = sg.parallel_tempering(J, np.linspace(0.4, 2.5, 8), 400, rng=np.random.default_rng(8))
    assert run.energies.shape == (400, 8) and run.overlaps.shape == (400, 8)
    assert np.all((run.swap_acceptance > 0) & (run.swap_acceptance <= 1))
    # colder means lower energy and larger |q|
    e = run.energies[100:].mean(axis=0)
    assert np.all(np.diff(e) < 0.02)
    q = np.abs(run.overlaps[100:]).mean(axis=0)
    assert q[-1] > q[0]


def test_simulated_annealing_finds_ground_state_of_small_instance():
    n = 10
    J = sg.sk_couplings(n, rng=np.random.default_rng(9))
    bits = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    S = 2.0 * bits - 1.0
    e_min = (-0.5 * np.einsum("ci,ij,cj->c", S, J, S)).min() / n
    run = sg.simulated_annealing(J, np.linspace(0.1, 4.0, 40), 5, n_restarts=3, rng=np.random.default_rng(10))
    assert_allclose(run.energy, e_min, rtol=1e-12)
    assert_allclose(sg.ising_energy(J, run.state), run.energy, rtol=1e-12)


# --- replica symmetry and RSB ----------------------------------------------------------------------------------


def test_rs_zero_temperature():
    r = sg.sk_replica_symmetric(0.0)
    assert_allclose(r.energy, E0_RS, rtol=1e-14)
    assert_allclose(r.entropy, -1.0 / (2.0 * np.pi), rtol=1e-14)
    # the T -> 0 limit of the finite-T solution: e - e0 = O(T^2), s -> -1/(2 pi)
    r2 = sg.sk_replica_symmetric(0.01)
    assert_allclose(r2.energy, E0_RS, atol=1e-4)
    assert_allclose(r2.entropy, -1.0 / (2.0 * np.pi), atol=1e-2)


def test_rs_fixed_point_and_paramagnet():
    r = sg.sk_replica_symmetric(0.6, h=0.3)
    assert r.converged and 0 < r.q < 1
    hi = sg.sk_replica_symmetric(1.5)
    assert hi.q == 0.0
    assert_allclose(hi.energy, sg.sk_annealed_energy(1.5), rtol=1e-14)
    # q ~ (1 - T) just below T = 1 (Sherrington & Kirkpatrick 1975, eq. (15)): q / (1 - T) -> 1
    assert_allclose(sg.sk_replica_symmetric(0.999).q / 0.001, 1.0, rtol=0.01)
    # RS unstable below T = 1 at h = 0 (negative replicon)
    assert sg.sk_replica_symmetric(0.8).replicon < 0 < hi.replicon


def test_at_line_asymptotics():
    # de Almeida & Thouless 1978, eqs. (31)-(32)
    h = 1e-3
    assert_allclose(sg.at_line(h), 1 - (0.75) ** (1 / 3) * h ** (2 / 3), atol=1e-4)
    h = 2.5
    assert_allclose(sg.at_line(h), 4 / (3 * np.sqrt(2 * np.pi)) * np.exp(-h * h / 2), rtol=0.01)
    assert sg.at_line(0.0) == 1.0
    T = sg.at_line(0.5)
    assert abs(sg.sk_replica_symmetric(T, 0.5).replicon) < 1e-8


def test_ground_state_energies_rs_1rsb_2rsb_parisi():
    e = [sg.sk_ground_state_energy(k) for k in (0, 1, 2)]
    assert_allclose(e[0], E0_RS, rtol=1e-15)
    assert_allclose(e[1], E0_1RSB, atol=1e-4)  # published to 4 decimals
    assert_allclose(e[2], E0_2RSB, atol=1e-4)
    full = sg.sk_ground_state_energy("full")
    assert abs(full - E0_PARISI) < 5e-4  # "to at least three decimals"
    # k-RSB energies increase monotonically towards the Parisi value (Guerra's bound: each is a lower bound
    # on e_0 up to the 1e-7 discretisation error)
    assert e[0] < e[1] < e[2] < full < E0_PARISI + 1e-6


def test_rsb_finite_temperature_consistency():
    rs = sg.sk_rsb(0.5, k=0)
    one = sg.sk_rsb(0.5, k=1)
    assert one.converged
    # Parisi functional: RSB raises f (inf over a larger set of -beta f), less negative entropy deficit
    assert one.free_energy > rs.free_energy
    assert one.entropy > rs.entropy
    # thermodynamic identity f = e - T s holds by construction; check e against a finite difference of beta f
    d = 1e-3
    bf = [(1 / T) * sg.sk_rsb(T, k=1).free_energy for T in (1 / (2 + d), 1 / (2 - d))]
    assert_allclose((bf[0] - bf[1]) / (2 * d), one.energy, atol=1e-5)
    assert np.all(np.diff(one.q) > 0) and 0 < one.x[0] < 1


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: sg.sk_replica_symmetric(-0.1), ValueError, "`T` must be >= 0"),
        (lambda: sg.sk_rsb(1.2, k=1), ValueError, "`T` must be < 1 for k >= 1"),
        (lambda: sg.sk_rsb(0.5, k=9), ValueError, "`k` must be an integer <= 5"),
        (lambda: sg.sk_ground_state_energy("half"), ValueError, "`k` must be a non-negative integer or 'full'"),
        (lambda: sg.at_line(4.0), ValueError, r"`h` must satisfy \|h\| <= 3"),
        (lambda: sg.metropolis(np.array([[0.0, 1.0], [0.0, 0.0]]), 1.0, 1), ValueError, "`J` must be symmetric"),
        (lambda: sg.metropolis(np.ones((2, 3)), 1.0, 1), ValueError, "`J` must be a non-empty square matrix"),
        (lambda: sg.metropolis(np.eye(2), -1.0, 1), ValueError, "`beta` must be >= 0"),
        (lambda: sg.metropolis(np.eye(2), 1.0, 1, method="glauber"), ValueError, "`method` must be one of"),
        (lambda: sg.metropolis(np.eye(2), 1.0, 1, state=[1, 0]), ValueError, "`state` must be a vector of 2"),
        (lambda: sg.parallel_tempering(np.eye(2), [1.0, 0.5], 1), ValueError, "`betas` must be non-negative and strictly"),
        (lambda: sg.simulated_annealing(np.eye(2), [1.0, 0.5]), ValueError, "`betas` must be non-negative and non-decr"),
        (lambda: sg.single_flip_transition_matrix(np.eye(13), 1.0), ValueError, "at most 12 spins"),
        (lambda: sg.curie_weiss_exact(0, 1.0), ValueError, "`n` must be an integer >= 1"),
        (lambda: sg.curie_weiss_exact(10, 0.0), ValueError, "`beta` must be > 0"),
        (lambda: sg.sk_couplings(1), ValueError, "`n` must be an integer >= 2"),
        (lambda: sg.sk_annealed_energy(0.0), ValueError, "`T` must be > 0"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_rs_replicon_diverges_at_zero_temperature():
    # 1 - beta^2 E sech^4 ~ 1 - (4/3) beta phi(h) -> -inf as T -> 0, for every h
    assert sg.sk_replica_symmetric(0.0).replicon == -np.inf
    assert sg.sk_replica_symmetric(0.0, 0.7).replicon == -np.inf
    assert sg.sk_replica_symmetric(0.02).replicon < -20
