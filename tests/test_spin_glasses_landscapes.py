"""Unit tests of the spherical p-spin (Kac-Rice) and Hopfield parts of course_lib.spin_glasses."""

import doctest
import importlib
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import optimize, special, stats

from course_lib import spin_glasses as sg

# ---------------------------------------------------------------- Kac-Rice complexity of the spherical p-spin


def test_threshold_energy_formula():
    # E_inf = -2 sqrt((p-1)/p): Auffinger, Ben Arous, Cerny, CPAM 66 (2013), Section 2 (there E_inf > 0 and the
    # threshold energy is -E_inf); p = 3 gives -1.63299.
    assert_allclose(sg.pspin_threshold_energy(3), -1.63299, atol=5e-6)
    for p in (2, 4, 7):
        assert_allclose(sg.pspin_threshold_energy(p), -2.0 * math.sqrt((p - 1) / p), rtol=1e-14)


def test_ground_state_energy_published():
    # ABC 2013, Section 2: E_0(3) = 1.657 in their sign convention (three decimals published).
    e0 = sg.pspin_ground_state_energy(3)
    assert_allclose(e0, -1.657, atol=5e-4)
    assert abs(sg.pspin_complexity(e0, 3, k=0)) < 1e-12
    # p = 2 (spherical SK): the ground state is -lambda_max of the symmetrised coupling matrix, -sqrt(2).
    assert_allclose(sg.pspin_ground_state_energy(2), -math.sqrt(2.0), rtol=1e-10)


@pytest.mark.parametrize("p", [3, 4, 5])
def test_complexity_structure(p):
    e_inf = -sg.pspin_threshold_energy(p)
    base = 0.5 * math.log(p - 1)
    # ABC Thm 2.8 (all critical points): Theta_p(u) = log(p-1)/2 for u >= 0, continuous at the threshold; ABC Thm 2.5
    # (index k): Theta_{k,p} is constant, log(p-1)/2 - (p-2)/p, above the threshold, for every k.
    assert_allclose(sg.pspin_complexity(0.3, p), base, rtol=1e-14)
    assert_allclose(sg.pspin_complexity(-e_inf, p, k=0), base - (p - 2) / p, rtol=1e-12)
    assert_allclose(sg.pspin_complexity(-e_inf, p), base - (p - 2) / p, rtol=1e-12)
    assert_allclose(sg.pspin_complexity(-1.0, p, k=3), base - (p - 2) / p, rtol=1e-14)
    # Below the threshold: Theta_{k} - Theta_{0} = -k I_1(u) < 0, so minima dominate; Theta_0 = Theta.
    u = np.linspace(-e_inf - 0.3, -e_inf - 1e-3, 7)
    assert_allclose(sg.pspin_complexity(u, p, k=0), sg.pspin_complexity(u, p), rtol=1e-13)
    assert np.all(np.diff(sg.pspin_complexity(u, p, k=0)) > 0)
    assert np.all(sg.pspin_complexity(u, p, k=1) < sg.pspin_complexity(u, p, k=0))


def test_complexity_derivative_matches_rate_function():
    # Independent check of the rate function I_1 of the smallest GOE eigenvalue (ABC, Section 2): differentiating
    # the closed form, I_1'(u) = -2 sqrt(u^2 - E_inf^2) / E_inf^2 for u < -E_inf, so that
    # d Theta_0 / du = -(p-2) u / (2(p-1)) + 2 sqrt(u^2 - E_inf^2) / E_inf^2 (central differences, h = 1e-6).
    p = 3
    e_inf = -sg.pspin_threshold_energy(p)
    u = np.linspace(-e_inf - 0.5, -e_inf - 0.01, 9)
    h = 1e-6
    theta = lambda x: sg.pspin_complexity(x, p, k=0)  # noqa: E731
    dtheta = (theta(u + h) - theta(u - h)) / (2 * h)
    expected = -(p - 2) / (2 * (p - 1)) * u + 2 * np.sqrt(u**2 - e_inf**2) / e_inf**2
    assert_allclose(dtheta, expected, rtol=1e-6)


# ---------------------------------------------------------------- finite-N p-spin instances


def test_pspin_covariance_monte_carlo():
    # E H(s)^2 = N for |s|^2 = N (ABC eq. 1.1 normalisation); 4000 instances at n = 5, within 4 standard errors.
    rng = np.random.default_rng(11)
    n = 5
    s = np.ones(n)
    vals = np.array([sg.pspin_instance(n, 3, rng=rng).energy(s) * n for _ in range(4000)])
    est, se = np.mean(vals**2) / n, np.std(vals**2, ddof=1) / n / math.sqrt(len(vals))
    assert abs(est - 1.0) < 4 * se


def test_pspin_gradient_and_hessian_along_geodesic():
    rng = np.random.default_rng(3)
    n, p = 12, 4
    inst = sg.pspin_instance(n, p, rng=rng)
    s = rng.standard_normal(n)
    s *= math.sqrt(n) / np.linalg.norm(s)
    v = rng.standard_normal(n)
    v -= (v @ s) / n * s
    v /= np.linalg.norm(v)

    def h_curve(t):  # H along the great circle through s with velocity sqrt(n) v
        return inst.energy(s * math.cos(t) + math.sqrt(n) * v * math.sin(t)) * n

    eps = 1e-4
    d1 = (h_curve(eps) - h_curve(-eps)) / (2 * eps)
    d2 = (h_curve(eps) - 2 * h_curve(0.0) + h_curve(-eps)) / eps**2
    assert_allclose(d1, math.sqrt(n) * inst.gradient(s) @ v, rtol=1e-7)
    assert_allclose(d2, n * v @ inst.hessian(s) @ v, rtol=1e-5)
    assert abs(inst.gradient(s) @ s) < 1e-10
    assert_allclose(inst.hessian(s) @ s, 0.0, atol=1e-10)


def test_pspin_hessian_is_shifted_semicircle():
    # Tangent Hessian = sqrt((N-1)/N) sqrt(p(p-1)) W - (<grad, s>/N) I with W ~ GOE(N-1), semicircle on [-2, 2]
    # (ABC 2013, Section 3): the second moment of the rescaled spectrum has mean exactly 1 and standard deviation
    # about sqrt(2)/N = 0.012 (atol 0.06 = 5 sd); the fourth moment is 2 + O(1/N).
    rng = np.random.default_rng(5)
    n, p = 120, 3
    inst = sg.pspin_instance(n, p, rng=rng)
    s = rng.standard_normal(n)
    s *= math.sqrt(n) / np.linalg.norm(s)
    g = p * inst._matrix(s) @ s
    x = (inst.hessian_spectrum(s) + g @ s / n) / math.sqrt(p * (p - 1))
    assert x.shape == (n - 1,)
    assert_allclose(np.mean(x**2), 1.0, atol=0.06)
    assert_allclose(np.mean(x**4), 2.0, atol=0.25)


def test_gradient_descent_ends_in_a_local_minimum_above_ground_state():
    rng = np.random.default_rng(7)
    inst = sg.pspin_instance(60, 3, rng=rng)
    res = sg.pspin_gradient_descent(inst, n_steps=20000, step=0.15, tol=1e-6, rng=rng)
    assert res.converged and res.gradient_norm < 1e-6
    assert np.all(np.diff(res.energies) <= 1e-12)  # gradient descent with a small step never increases H
    eig = inst.hessian_spectrum(res.state)
    assert eig[0] > -1e-6  # a local minimum (index 0)
    # Above the ground-state energy (finite-N fluctuations of the minimum, O(N^{-2/3}), allowed) and, at N = 60,
    # within 0.3 of the threshold (gradient descent ends 0.06-0.1 above E_inf at N = 60-200 in the lecture).
    assert sg.pspin_ground_state_energy(3) - 0.1 < res.energy < sg.pspin_threshold_energy(3) + 0.3


def test_langevin_high_temperature_energy():
    # Paramagnet: <H>/N = -beta (annealed free energy beta^2/2 per spin), exact as N -> inf for T above the
    # dynamical temperature; n = 40, T = 2, batch-means standard error, 4 SE plus a discretisation bias O(step).
    rng = np.random.default_rng(9)
    inst = sg.pspin_instance(40, 3, rng=rng)
    res = sg.pspin_gradient_descent(inst, n_steps=8000, step=0.004, temperature=2.0, record_every=1, rng=rng)
    e = res.energies[1000:]
    batches = e[: len(e) // 20 * 20].reshape(20, -1).mean(axis=1)
    se = batches.std(ddof=1) / math.sqrt(20)
    assert not res.converged
    assert abs(batches.mean() - (-0.5)) < 4 * se + 0.03


def test_gradient_descent_warns_when_not_converged():
    inst = sg.pspin_instance(20, 3, rng=0)
    with pytest.warns(RuntimeWarning, match="RMS gradient"):
        sg.pspin_gradient_descent(inst, n_steps=3, rng=1)


# ---------------------------------------------------------------- Hopfield: AGS theory


def test_capacity_published():
    # Amit, Gutfreund, Sompolinsky, PRL 55 (1985) 1530 and Ann. Phys. 173 (1987) 30: alpha_c = 0.138,
    # overlap 0.967 at alpha_c (0.1379 to four digits, e.g. Amit, "Modeling Brain Function", 1989).
    ac = sg.hopfield_capacity()
    assert_allclose(ac, 0.1379, atol=5e-5)
    assert_allclose(sg.ags_solution(ac * (1 - 1e-9)).m, 0.967, atol=5e-4)
    assert sg.ags_solution(ac * 1.001).m == 0.0


def test_capacity_finite_temperature():
    # Continuity at T -> 0 and the AGS asymptotics alpha_c ~ (1 - T)^2 / 4 as T -> 1 (T_M = 1 - 2 sqrt(alpha)).
    assert_allclose(sg.hopfield_capacity(1e-3), sg.hopfield_capacity(0.0), rtol=1e-3)
    assert_allclose(sg.hopfield_capacity(0.95), 0.05**2 / 4, rtol=0.1)


def test_ags_finite_temperature_limits():
    # T -> 0 of the T > 0 equations reproduces the closed-form T = 0 solution.
    assert_allclose(sg.ags_solution(0.1, T=0.01).m, sg.ags_solution(0.1).m, atol=1e-3)
    # alpha -> 0: the Mattis equation m = tanh(m / T).
    t = 0.6
    mattis = optimize.brentq(lambda m: m - math.tanh(m / t), 0.1, 1.0)
    assert_allclose(sg.ags_solution(1e-9, T=t).m, mattis, rtol=1e-6)
    # Paramagnet above T_g = 1 + sqrt(alpha) (AGS 1987, eq. 4.20): q = m = 0.
    sol = sg.ags_solution(0.05, T=1.3)
    assert sol.converged and sol.m < 1e-8 and sol.q < 1e-8


def test_mixture_states():
    # AGS, PRA 32 (1985) 1007: Mattis states m = 1; symmetric 3-mixtures have overlaps 1/2 and energy -3/8 at
    # T = 0 and are stable below T ~ 0.46; even mixtures are unstable.
    assert sg.hopfield_mixture_state(1).m == 1.0
    st3 = sg.hopfield_mixture_state(3)
    assert_allclose([st3.m, st3.free_energy], [0.5, -0.375], rtol=1e-14)
    assert st3.stable and not sg.hopfield_mixture_state(2).stable
    assert not sg.hopfield_mixture_state(4, T=0.2).stable
    t3 = optimize.brentq(lambda t: sg.hopfield_mixture_state(3, t).min_eigenvalue, 0.3, 0.6)
    assert_allclose(t3, 0.46, atol=5e-3)
    # Mattis state at T: m = tanh(m/T).
    assert_allclose(sg.hopfield_mixture_state(1, 0.5).m, optimize.brentq(lambda m: m - math.tanh(2 * m), 0.1, 1),
                    rtol=1e-10)


# ---------------------------------------------------------------- Hopfield: dynamics


def test_couplings_and_zero_temperature_fixed_point():
    rng = np.random.default_rng(1)
    xi = rng.choice([-1.0, 1.0], size=(10, 200))
    j = sg.hopfield_couplings(xi)
    assert_allclose(j, j.T)
    assert np.all(np.diag(j) == 0.0)
    start = rng.choice([-1.0, 1.0], size=200)
    run = sg.hopfield_dynamics(j, start, 100, rng=2)
    assert run.converged
    assert np.all(run.state * (j @ run.state) >= 0.0)  # every spin aligned with its field
    assert -0.5 * run.state @ j @ run.state <= -0.5 * start @ j @ start
    # The pattern representation performs the same updates with the same random order.
    run2 = sg.hopfield_pattern_dynamics(xi, start, 100, rng=2)
    assert_allclose(run2.state, run.state)
    assert_allclose(run2.overlaps, xi @ run.state / 200)


def test_glauber_stationary_distribution_by_enumeration():
    # Heat-bath updates leave exp(-beta H) invariant: start 4000 chains from exact Gibbs samples of a 4-spin
    # system (enumeration of 16 states), run one sweep, and compare the histogram (chi-square, p > 1e-3).
    rng = np.random.default_rng(21)
    n, beta = 4, 0.8
    a = rng.standard_normal((n, n))
    j = (a + a.T) / 2
    np.fill_diagonal(j, 0.0)
    states = np.array([[1.0 if (k >> i) & 1 else -1.0 for i in range(n)] for k in range(2**n)])
    w = np.exp(0.5 * beta * np.einsum("ki,ij,kj->k", states, j, states))
    gibbs = w / w.sum()
    n_chains = 4000
    counts = np.zeros(2**n)
    for k0 in rng.choice(2**n, size=n_chains, p=gibbs):
        out = sg.hopfield_dynamics(j, states[k0], 1, beta=beta, rng=rng).state
        counts[int(((out + 1) / 2) @ (2 ** np.arange(n)))] += 1
    assert stats.chisquare(counts, n_chains * gibbs).pvalue > 1e-3


def test_retrieval_threshold_fit_recovers_logistic():
    # Binomial counts drawn from a known logistic curve: over 200 replicates the fitted alpha_1/2 must be unbiased
    # and its reported standard error must match the spread of the estimates (within 15%: the spread of 200
    # estimates has a relative standard error of 1/sqrt(400) = 5%), and the 2-SE intervals must cover about 95%.
    rng = np.random.default_rng(31)
    alphas = np.linspace(0.10, 0.20, 11)
    true_half, width, n_tr = 0.15, 0.01, 40
    prob = special.expit((true_half - alphas) / width)
    est, ses = [], []
    for _ in range(200):
        fit = sg.hopfield_retrieval_threshold(alphas, rng.binomial(n_tr, prob), n_tr)
        assert fit.converged
        est.append(fit.alpha_half)
        ses.append(fit.stderr)
    est, ses = np.array(est), np.array(ses)
    spread = est.std(ddof=1)
    assert abs(est.mean() - true_half) < 4 * spread / math.sqrt(len(est))
    assert_allclose(np.median(ses), spread, rtol=0.15)
    assert 0.90 < np.mean(np.abs(est - true_half) < 2 * ses) <= 1.0


def test_retrieval_overlaps_warn_when_not_converged():
    with pytest.warns(RuntimeWarning, match="did not reach a fixed point"):
        sg.hopfield_retrieval_overlaps(400, 0.3, 2, n_sweeps=1, rng=0)


def test_retrieval_low_load_and_above_capacity():
    m = sg.hopfield_retrieval_overlaps(800, 0.05, 5, noise=0.1, rng=4)
    assert np.all(m > 0.98)  # AGS: m = 0.9993 at alpha = 0.05; starts at 10% noise are in the basin
    m_hi = sg.hopfield_retrieval_overlaps(800, 0.3, 5, rng=4)
    assert np.all(m_hi < 0.8)  # far above alpha_c the pattern is not a fixed point nearby


def test_modern_hopfield_retrieves_far_beyond_capacity():
    # Ramsauer et al. (2021): exponential capacity. P = 2000 = 31 N random +-1 patterns in N = 64.
    rng = np.random.default_rng(8)
    xi = rng.choice([-1.0, 1.0], size=(2000, 64))
    query = xi[17].copy()
    query[rng.choice(64, 8, replace=False)] *= -1
    out = sg.modern_hopfield_retrieve(xi, query, beta=1.0)
    assert_allclose(out, xi[17], atol=1e-6)


# ---------------------------------------------------------------- bad input


def test_bad_input():
    with pytest.raises(ValueError, match="`p` must be an integer >= 2"):
        sg.pspin_complexity(-1.0, 1)
    with pytest.raises(ValueError, match="`k` must be an integer >= 0"):
        sg.pspin_complexity(-1.0, 3, k=-1)
    with pytest.raises(ValueError, match="exceed the storage limit"):
        sg.pspin_instance(10_000, 3)
    inst = sg.pspin_instance(5, 3, rng=0)
    with pytest.raises(ValueError, match="`state` must have length n = 5"):
        inst.energy(np.ones(4))
    with pytest.raises(TypeError, match="`instance` must be a PSpinInstance"):
        sg.pspin_gradient_descent("x")
    with pytest.raises(ValueError, match="`temperature` must be >= 0"):
        sg.pspin_gradient_descent(inst, temperature=-1.0)
    with pytest.raises(ValueError, match="`temperature` must be a scalar or have length"):
        sg.pspin_gradient_descent(inst, n_steps=5, temperature=[0.1, 0.2])
    with pytest.raises(ValueError, match="`state` must be nonzero"):
        sg.pspin_gradient_descent(inst, state=np.zeros(5))
    with pytest.raises(ValueError, match="`patterns` must have entries"):
        sg.hopfield_couplings([[1.0, 0.5]])
    j = sg.hopfield_couplings([[1.0, -1.0, 1.0]])
    with pytest.raises(ValueError, match="`J` must be symmetric"):
        sg.hopfield_dynamics(j + np.triu(np.ones((3, 3)), 1), [1, 1, 1], 1)
    with pytest.raises(ValueError, match="`J` must have a zero diagonal"):
        sg.hopfield_dynamics(j + np.eye(3), [1, 1, 1], 1)
    with pytest.raises(ValueError, match="`J` must be square"):
        sg.hopfield_dynamics(np.zeros((2, 3)), [1, 1], 1)
    with pytest.raises(ValueError, match="`state` must have entries"):
        sg.hopfield_dynamics(j, [1, 0, 1], 1)
    with pytest.raises(ValueError, match="`state` must have length 3"):
        sg.hopfield_dynamics(j, [1, 1], 1)
    with pytest.raises(ValueError, match="`beta` must be > 0"):
        sg.hopfield_dynamics(j, [1, 1, 1], 1, beta=0.0)
    with pytest.raises(ValueError, match="`alpha` must be > 0"):
        sg.ags_solution(0.0)
    with pytest.raises(ValueError, match="`T` must be >= 0"):
        sg.ags_solution(0.1, T=-0.1)
    with pytest.raises(ValueError, match="`T` must be < 1"):
        sg.hopfield_capacity(1.0)
    with pytest.raises(ValueError, match="`n_mix` must be an integer >= 1"):
        sg.hopfield_mixture_state(0)
    with pytest.raises(ValueError, match="`query` must have length 3"):
        sg.modern_hopfield_retrieve(np.ones((2, 3)), np.ones(2), 1.0)
    with pytest.raises(ValueError, match="`noise` must be <= 1"):
        sg.hopfield_retrieval_overlaps(10, 0.1, 1, noise=2.0)
    with pytest.raises(ValueError, match="`n_spins` must be an integer >= 2"):
        sg.hopfield_retrieval_overlaps(1, 0.1, 1)


def test_ags_warns_when_not_converged():
    with pytest.warns(RuntimeWarning, match="did not converge"):
        sg.ags_solution(0.1, T=0.5, max_iter=2)


@pytest.mark.parametrize("name", ["_kac_rice", "_pspin", "_hopfield"])
def test_docstring_examples_run(name):
    module = importlib.import_module(f"course_lib.spin_glasses.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
