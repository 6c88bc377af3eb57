"""Tests of the exact integer moments of the SK partition function (course_lib.spin_glasses._replica_moments).

Reference values and their sources:
- E Z_N = 2^N exp(beta^2 (N - 1)/4) (Var H = (N - 1)/2 for J_ij ~ N(0, 1/N), i < j; Aizenman, Lebowitz and Ruelle
  1987, Commun. Math. Phys. 112, 3, Section 2).
- E Z^2/(E Z)^2 -> exp(-beta^2/2) (1 - beta^2)^(-1/2) for beta < 1 (ALR 1987, the second-moment computation; the factor
  exp(-beta^2/2) is the diagonal term i = j missing from the sum over i < j, see the lecture replica_method).
- log E Z^n = nN(log 2 + beta^2/4) - beta^2 n^2/4 - n(n - 1)/4 log(1 - beta^2) + o(1) for small beta (Gaussian
  fluctuations of the n(n - 1)/2 overlaps around q = 0; derived in the lecture).
"""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import special

import course_lib.spin_glasses as sg
from course_lib.spin_glasses._replica_moments import _log_moment_kernel, _pair_signs


def _brute_log_moment(n, N, beta):
    """log E Z^n from the Gaussian-averaged summand, summed over all 2^(nN) configurations."""
    confs = np.array(list(itertools.product([-1, 1], repeat=N)), dtype=float)
    logs = []
    for idx in itertools.product(range(2**N), repeat=n):
        S = confs[list(idx)]
        Q = S @ S.T
        s = sum(Q[a, b] ** 2 for a in range(n) for b in range(a + 1, n))
        logs.append(beta**2 * n * N / 4 - beta**2 * n * n / 4 + beta**2 / (2 * N) * s)
    return special.logsumexp(logs)


def _brute_log_moment_from_couplings(n, N, beta, n_samples, rng):
    """Monte Carlo over J of Z^n, with Z computed exactly by enumeration: mean and standard error of Z^n."""
    S = np.array(list(itertools.product([-1, 1], repeat=N)), dtype=float)
    iu = np.triu_indices(N, 1)
    pairs = S[:, iu[0]] * S[:, iu[1]]  # (2^N, N(N-1)/2)
    J = rng.standard_normal((n_samples, iu[0].size)) / np.sqrt(N)
    Z = np.exp(beta * J @ pairs.T).sum(axis=1)
    x = Z**n
    return x.mean(), x.std(ddof=1) / np.sqrt(n_samples)


@pytest.mark.parametrize("n,N", [(1, 6), (2, 1), (2, 6), (3, 4), (4, 3), (5, 2)])
def test_moment_equals_brute_force_enumeration(n, N):
    assert_allclose(sg.sk_replica_moment(n, N, 0.8), _brute_log_moment(n, N, 0.8), rtol=1e-13)


def test_first_moment_closed_form():
    # E Z = 2^N exp(beta^2 (N - 1)/4) (ALR 1987)
    for N in (1, 7, 1000):
        assert_allclose(sg.sk_replica_moment(1, N, 1.7), N * np.log(2) + 1.7**2 * (N - 1) / 4, rtol=1e-14)


def test_second_moment_binomial_sum():
    # n = 2: 4^N exp(beta^2 N/2 - beta^2) 2^-N sum_k C(N, k) exp(beta^2 (N - 2k)^2 / (2N))
    N, beta = 500, 1.3
    k = np.arange(N + 1)
    logc = special.gammaln(N + 1) - special.gammaln(k + 1) - special.gammaln(N - k + 1)
    ref = N * np.log(2) + beta**2 * N / 2 - beta**2 + special.logsumexp(logc + beta**2 * (N - 2 * k) ** 2 / (2 * N))
    assert_allclose(sg.sk_replica_moment(2, N, beta), ref, rtol=1e-13)


@pytest.mark.parametrize("n", [2, 3])
def test_moment_against_monte_carlo_over_couplings(n):
    rng = np.random.default_rng(20261207)
    N, beta = 7, 0.6
    mean, se = _brute_log_moment_from_couplings(n, N, beta, 40000, rng)
    exact = np.exp(sg.sk_replica_moment(n, N, beta))
    assert abs(mean - exact) < 4 * se
    # negative control: the formula without the diagonal term exp(-beta^2 n^2/4) is rejected
    wrong = exact * np.exp(beta**2 * n * n / 4)
    assert abs(mean - wrong) > 4 * se


def test_number_of_compositions():
    # the kernel with all pair signs zero sums the multinomials: sum_c N!/prod c_t! = m^N
    for m, N in ((1, 5), (2, 9), (4, 6), (8, 4)):
        lf = special.gammaln(np.arange(N + 1) + 1.0)
        assert_allclose(_log_moment_kernel(N, np.zeros((m, 1)), lf, 0.0), N * np.log(m), rtol=1e-13)


def test_pair_signs_shape():
    p = _pair_signs(4)
    assert p.shape == (8, 6) and np.all(np.abs(p) == 1)
    assert np.all(p[0] == 1)


def test_second_moment_ratio_aizenman_lebowitz_ruelle():
    # E Z^2 / (E Z)^2 -> exp(-beta^2/2)/sqrt(1 - beta^2) (ALR 1987); the error is O(1/N): Richardson between N and 2N
    beta = 0.6
    r = {N: np.exp(sg.sk_replica_moment(2, N, beta) - 2 * sg.sk_replica_moment(1, N, beta)) for N in (5000, 10000)}
    limit = np.exp(-beta**2 / 2) / np.sqrt(1 - beta**2)
    assert abs(r[10000] - limit) < 2 * abs(r[5000] - r[10000])
    assert_allclose(2 * r[10000] - r[5000], limit, rtol=1e-6)
    # negative control: 1/sqrt(1 - beta^2) (the diagonal i = j counted) is far off
    assert abs(r[10000] - 1 / np.sqrt(1 - beta**2)) > 100 * abs(r[5000] - r[10000])


@pytest.mark.parametrize("n", [2, 3])
def test_paramagnetic_constant(n):
    beta = 0.5
    Ns = np.array([50.0, 100.0, 200.0, 300.0]) if n == 3 else np.array([500.0, 1000.0, 2000.0, 4000.0])
    sad = sg.sk_replica_moment_saddle(n, beta)
    d = np.array([sg.sk_replica_moment(n, int(N), beta) for N in Ns]) - Ns * sad.rate
    coef = np.polyfit(1 / Ns, d, 1)  # d = c + b/N
    assert_allclose(coef[1], sad.constant_paramagnetic, atol=2e-5)
    # negative control: the constant without the diagonal term -beta^2 n^2/4 is rejected by the same tolerance
    assert abs(coef[1] - (sad.constant_paramagnetic + beta**2 * n**2 / 4)) > 2e-5


def test_saddle_above_one_matches_exact_sum():
    # n = 2, beta = 1.3: (1/N) log E Z^2 - rate = c/N + O(1/N^2)
    beta = 1.3
    sad = sg.sk_replica_moment_saddle(2, beta)
    assert_allclose(sad.q, np.tanh(beta**2 * sad.q), atol=1e-10)  # q = tanh(beta^2 q)
    Ns = np.array([1000.0, 2000.0, 4000.0, 8000.0])
    L = np.array([sg.sk_replica_moment(2, int(N), beta) for N in Ns])
    coef = np.polyfit(1 / Ns, L / Ns, 2)
    assert_allclose(coef[-1], sad.rate, atol=1e-6)
    assert abs(coef[-1] - sad.rate_paramagnetic) > 0.1


def test_saddle_small_cases():
    assert sg.sk_replica_moment_saddle(1, 2.0).rate == np.log(2) + 1.0
    assert sg.sk_replica_moment_saddle(3, 0.5).q == 0.0
    # for n = 3 the q > 0 saddle wins before beta = 1 (first-order transition)
    assert sg.sk_replica_moment_saddle(3, 0.97).q > 0.5
    assert np.isnan(sg.sk_replica_moment_saddle(2, 1.2).constant_paramagnetic)


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: sg.sk_replica_moment(0, 5, 1.0), ValueError, "`n` must be an integer >= 1"),
        (lambda: sg.sk_replica_moment(7, 5, 1.0), ValueError, "`n` must be an integer <= 6"),
        (lambda: sg.sk_replica_moment(2.0, 5, 1.0), TypeError, "`n` must be an integer"),
        (lambda: sg.sk_replica_moment(2, 0, 1.0), ValueError, "`N` must be an integer >= 1"),
        (lambda: sg.sk_replica_moment(2, 5, -1.0), ValueError, "`beta` must be >= 0"),
        (lambda: sg.sk_replica_moment(2, 5, 101.0), ValueError, "`beta` must be <= 100"),
        (lambda: sg.sk_replica_moment(4, 200, 1.0), ValueError, "`N` = 200 with n = 4 needs"),
        (lambda: sg.sk_replica_moment_saddle(0, 1.0), ValueError, "`n` must be an integer >= 1"),
        (lambda: sg.sk_replica_moment_saddle(2, float("nan")), ValueError, "`beta`"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_saddle_at_the_edge_of_the_grid_is_refined():
    # n = 5, beta = 1.3: the maximiser lies within 1e-5 of q = 1 (between the last two grid points); it must still
    # satisfy the saddle equation q = <s_a s_b> under the weights exp(beta^2 q sum_{a<b} s_a s_b) (eq-rm-saddle)
    n, beta = 5, 1.3
    q = sg.sk_replica_moment_saddle(n, beta).q
    cols = np.array(list(itertools.product([-1.0, 1.0], repeat=n)))
    m = cols.sum(axis=1)
    w = np.exp(beta**2 * q * (m**2 - n) / 2)
    assert q < 1.0
    assert_allclose((w @ (cols[:, 0] * cols[:, 1])) / w.sum(), q, atol=1e-9)
