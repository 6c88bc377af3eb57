"""Tests of course_lib.teacher_student: perceptron capacity, GLM replica formula / state evolution, GAMP."""

import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, special, stats

from course_lib import teacher_student as ts


# ----------------------------------------------------------------------------- perceptron capacity
def test_gardner_capacity_zero_margin_is_two():
    # Gardner (1988), J. Phys. A 21, 257, capacity formula at kappa = 0: alpha_c = 2 (Cover 1965, Theorem 1).
    assert_allclose(ts.gardner_capacity(0.0), 2.0, rtol=1e-12)


@pytest.mark.parametrize("kappa", [-0.5, 0.5, 1.0, 2.0])
def test_gardner_capacity_closed_form(kappa):
    # int_{-k}^inf Dt (t+k)^2 = (1+k^2) Phi(k) + k phi(k)
    closed = 1.0 / ((1 + kappa**2) * stats.norm.cdf(kappa) + kappa * stats.norm.pdf(kappa))
    assert_allclose(ts.gardner_capacity(kappa), closed, rtol=1e-10)


def test_cover_count_small_values():
    # C(p, n) = 2^p for p <= n; C(2n, n) = 2^(2n-1) (half of all dichotomies at alpha = 2)
    assert ts.cover_count(3, 5) == 8
    assert ts.cover_count(10, 5) == 2 ** 9
    assert ts.cover_separable_probability(400, 200) == pytest.approx(0.5, abs=1e-12)


def _brute_force_dichotomies_2d(X):
    """All sign patterns sign(X w), w on the unit circle, by visiting one direction inside every arrangement cell."""
    ang = np.arctan2(X[:, 1], X[:, 0])
    crit = np.sort(np.mod(np.concatenate([ang + np.pi / 2, ang - np.pi / 2]), 2 * np.pi))
    mids = (crit + np.roll(crit, -1) + np.where(np.arange(len(crit)) == len(crit) - 1, 2 * np.pi, 0)) / 2
    return {tuple(np.sign(X @ np.array([np.cos(t), np.sin(t)])).astype(int)) for t in mids}


@pytest.mark.parametrize("p", [3, 5, 7])
def test_lp_separability_against_brute_force(p):
    rng = np.random.default_rng(10 + p)
    X = rng.standard_normal((p, 2))
    realised = _brute_force_dichotomies_2d(X)
    assert len(realised) == ts.cover_count(p, 2)
    for labels in itertools.product([-1, 1], repeat=p):
        y = np.array(labels, dtype=float)
        expected = tuple(labels) in realised
        assert ts.is_linearly_separable(X, y, method="lp") == expected
        assert ts.is_linearly_separable(X, y, method="hull") == expected


def test_lp_count_equals_cover_in_three_dimensions():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((6, 3))
    count = sum(ts.is_linearly_separable(X, np.array(l, float)) for l in itertools.product([-1, 1], repeat=6))
    assert count == ts.cover_count(6, 3)


def test_critical_pattern_counts_follow_cover_law():
    # Pr[P_c >= P] = C(P, n)/2^P exactly; the mean of P_c/n from 60 instances within 4 standard errors.
    n = 20
    pc = ts.critical_pattern_counts(n, 60, rng=np.random.default_rng(7))
    ps = np.arange(n, 4 * n + 1)
    surv = np.array([ts.cover_separable_probability(int(P), n) for P in ps])
    exact_mean = n + np.sum(surv[1:])  # E[P_c] = sum_{P>=1} Pr[P_c >= P]
    assert abs(pc.mean() - exact_mean) < 4 * pc.std(ddof=1) / np.sqrt(len(pc))


def test_separable_fraction_below_and_above_capacity():
    f1, _ = ts.separable_fraction(30, 1.0, 10, rng=np.random.default_rng(0))
    f3, _ = ts.separable_fraction(30, 3.0, 10, rng=np.random.default_rng(1))
    assert f1 == 1.0  # p <= n points in general position: always separable
    assert f3 == 0.0  # Cover: Pr = 6e-5 at p = 90, n = 30


def test_binary_perceptron_capacity_krauth_mezard():
    # Krauth & Mezard (1989), J. Phys. France 50, 3057: alpha_c = 0.833 (zero RS entropy).
    assert_allclose(ts.binary_perceptron_capacity(), 0.833, atol=5e-4)


def test_binary_rs_divergence_is_four_over_pi():
    # Gardner & Derrida (1988), J. Phys. A 21, 271: the RS saddle reaches q = 1 at alpha = 4/pi.
    assert_allclose(ts.binary_perceptron_rs_divergence(), 4 / math.pi, rtol=1e-10)


def test_binary_rs_entropy_small_alpha_is_annealed():
    # at small alpha q = O(alpha) and s = (1 - alpha) ln 2 - alpha^2/pi^2 + O(alpha^3) (expansion of the RS saddle)
    r = ts.binary_perceptron_rs_entropy(0.01)
    assert_allclose(r.entropy, 0.99 * math.log(2) - 0.01**2 / math.pi**2, atol=2e-6)
    assert r.converged


def test_enumeration_matches_annealed_count():
    # E[#solutions storing P patterns] = 2^(N - P) exactly (each pattern is satisfied with probability 1/2).
    res = ts.binary_perceptron_enumeration(12, 6, 200, rng=np.random.default_rng(5))
    counts = res.n_solutions
    for P in (2, 4):
        mean, se = counts[:, P].mean(), counts[:, P].std(ddof=1) / np.sqrt(counts.shape[0])
        assert abs(mean - 2.0 ** (12 - P)) < 4 * se
    assert np.all(counts[:, 0] == 2**12)


# ----------------------------------------------------------------------------- GLM state evolution
def test_state_evolution_small_alpha():
    # alpha -> 0: m_hat = 2 alpha/pi (sign channel at m = 0), m = m_hat/(1 + m_hat) for the Gaussian prior.
    fp = ts.glm_state_evolution(1e-4)
    assert_allclose(fp.m, 2e-4 / math.pi, rtol=1e-3)
    assert fp.converged


def test_state_evolution_large_alpha_decay():
    # Engel & Van den Broeck (2001), Chs. 2-3: eps_Bayes ~ 0.442/alpha, eps_Gibbs ~ 0.625/alpha; Opper & Haussler
    # (1991), PRL 66, 2677: ratio sqrt(2). The relative corrections are O(alpha^-2) (observed -1.39/alpha^2 and
    # -1.55/alpha^2), so 3/alpha^2 is a check of the order as well as of the constants.
    c_b, c_g = ts.sign_large_alpha_constants()
    assert_allclose([c_b, c_g], [0.442, 0.625], atol=1e-3)
    assert_allclose(c_g / c_b, math.sqrt(2), rtol=1e-13)
    for alpha in (30.0, 100.0, 1000.0):
        fp = ts.glm_state_evolution(alpha)
        assert_allclose(alpha * fp.gen_error, c_b, rtol=3.0 / alpha**2)
        assert_allclose(alpha * fp.gibbs_error, c_g, rtol=3.0 / alpha**2)
    fp = ts.glm_state_evolution(30.0)
    assert abs(30.0 * fp.gen_error / c_b - 1) > 0.3 / 30.0**2  # the correction is really there, of that order


def test_linear_channel_closed_form():
    # Gaussian prior + Gaussian channel: m_hat = alpha/(1 - m + Delta), m = m_hat/(1 + m_hat).
    fp = ts.glm_state_evolution(2.0, "gaussian", "linear", noise=0.5)
    assert_allclose(fp.m_hat, 2.0 / (1 - fp.m + 0.5), rtol=1e-10)
    assert_allclose(fp.m, fp.m_hat / (1 + fp.m_hat), rtol=1e-10)


def test_stationarity_of_free_entropy():
    # 2 d Psi_out/dm = E[g_out^2] (the state-evolution equation is the stationarity of f_RS).
    ch = ts.SignChannel(0.0)
    for m in (0.2, 0.7):
        h = 1e-6
        d = (ch.psi(m + h, 1 - m - h, 1.0) - ch.psi(m - h, 1 - m + h, 1.0)) / (2 * h)
        assert_allclose(2 * d, ch.se_g2(m, 1 - m, 1.0), rtol=1e-6)


def test_binary_teacher_thresholds():
    # Gyorgyi (1990), Phys. Rev. A 41, 7097: first-order transition at alpha = 1.245 (zero entropy of the poor state,
    # the same criterion as f_RS = -ln 2); Barbier et al. (2019), PNAS 116, 5451: alpha_alg = 1.493.
    th = ts.binary_teacher_thresholds()
    assert_allclose(th.alpha_it, 1.245, atol=1e-3)
    assert_allclose(th.alpha_alg, 1.493, atol=1e-3)
    assert ts.bayes_optimal_error(th.alpha_it + 0.02, "rademacher") < 1e-12
    assert ts.bayes_optimal_error(th.alpha_it - 0.02, "rademacher") > 0.05


def _independent_binary_free_entropy(alpha, m_start):
    """Uninformed fixed point and f_RS + ln 2 of the Rademacher/sign GLM by scipy adaptive quadrature only."""
    def dint(f):
        g = lambda z: math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) * f(z)  # noqa: E731
        return sum(integrate.quad(g, a, b, epsabs=1e-15, epsrel=1e-13, limit=400)[0]
                   for a, b in ((-40, -5), (-5, 0), (0, 5), (5, 40)))

    def e_g2(m):  # E[g_out^2] at overlap m, first form of the lecture's Eq. (eq-sign-ghat)
        sc = math.sqrt(m / (1 - m))
        return dint(lambda z: math.exp(-sc * sc * z * z - math.log(2 * math.pi) - special.log_ndtr(sc * z)
                                       - special.log_ndtr(-sc * z))) / (1 - m)

    def lncosh(x):
        return abs(x) + math.log1p(math.exp(-2 * abs(x))) - math.log(2)

    m = m_start
    for _ in range(200):
        mh = alpha * e_g2(m)
        m_new = dint(lambda x: math.tanh(mh + math.sqrt(mh) * x))
        if abs(m_new - m) < 1e-14:
            break
        m = m_new
    sc = math.sqrt(m / (1 - m))
    psi_x = dint(lambda x: lncosh(mh + math.sqrt(mh) * x)) - mh / 2
    psi_out = 2 * dint(lambda z: special.ndtr(sc * z) * special.log_ndtr(sc * z))
    return psi_x + alpha * psi_out - m * mh / 2 + math.log(2)


def test_binary_alpha_it_by_independent_quadrature():
    # The library's alpha_IT (Gauss-Hermite) is the zero of f_RS + ln 2 on the uninformed branch, here recomputed
    # with adaptive quadrature from the first form of E[g_out^2]; the slope of f_RS + ln 2 is about -0.4, so 1e-9 in
    # free entropy is a few 1e-9 in alpha. This is the check behind the lecture's "1.2447, not 1.249".
    th = ts.binary_teacher_thresholds()
    fp = ts.glm_state_evolution(th.alpha_it, "rademacher", n_iter=100_000, tol=1e-13)
    assert abs(_independent_binary_free_entropy(th.alpha_it, fp.m)) < 1e-9
    assert abs(_independent_binary_free_entropy(1.249, fp.m)) > 1e-3  # 1.249 is not a zero of the same equation
    assert_allclose(th.alpha_it, 1.2446840, atol=1e-7)


def test_perfect_recovery_free_entropy_with_label_noise():
    # With label noise the informed branch of a discrete prior can reach rho - m < 1e-200; its free entropy is then
    # -H(P_x) + alpha Psi_out(rho; rho), not -ln 2, and the crossing alpha_IT(Delta) tends to the noiseless value.
    alpha, noise = 1.3, 1e-7
    fp = ts.glm_state_evolution(alpha, "rademacher", noise=noise, init="informed")
    expected = -math.log(2) + alpha * ts.SignChannel(noise).psi(1.0, 0.0, 1.0)
    assert_allclose(fp.free_entropy, expected, rtol=1e-12)
    assert fp.free_entropy < -math.log(2) - 1e-4


def test_mills_ratio_and_sign_channel_derivative():
    from course_lib.teacher_student._quadrature import mills_ratio

    # reference: the asymptotic series x + 1/x - 2/x^3 + 10/x^5 at u = -x far in the tail (truncation < 1e-30
    # relative), and the log-space ratio of scipy's density and distribution function for moderate u (error about
    # 1e-16 u^2/2, i.e. < 1e-12 relative for |u| <= 40)
    x = np.array([1e12, 1e7, 1e3])
    assert_allclose(mills_ratio(-x), x + 1 / x - 2 / x**3 + 10 / x**5, rtol=1e-13)
    u = np.array([-40.0, -3.0, 0.0, 2.0, 10.0])
    assert_allclose(mills_ratio(u), np.exp(stats.norm.logpdf(u) - stats.norm.logcdf(u)), rtol=1e-12)
    ch = ts.SignChannel(0.1)
    omega = np.array([-3e3, -2.0, 0.3, 4.0])
    y = np.ones_like(omega)
    h = 1e-5
    g, minus_dg = ch.gout(y, omega, 0.5)
    fd = -(ch.gout(y, omega + h, 0.5)[0] - ch.gout(y, omega - h, 0.5)[0]) / (2 * h)
    assert_allclose(minus_dg, fd, rtol=1e-6)
    assert np.all(minus_dg > 0)


def test_gauss_bernoulli_denoiser_by_quadrature():
    prior = ts.GaussBernoulliPrior(0.3)
    B, A = 0.7, 1.3
    weight = lambda w: math.exp(B * w - A * w * w / 2) * stats.norm.pdf(w)  # noqa: E731
    z0 = 0.7 + 0.3 * integrate.quad(weight, -np.inf, np.inf)[0]
    m1 = 0.3 * integrate.quad(lambda w: w * weight(w), -np.inf, np.inf)[0] / z0
    m2 = 0.3 * integrate.quad(lambda w: w * w * weight(w), -np.inf, np.inf)[0] / z0
    mean, var = prior.denoise(B, A)
    assert_allclose([mean, var], [m1, m2 - m1**2], rtol=1e-9)


# ----------------------------------------------------------------------------- GAMP
def test_gamp_tracks_state_evolution():
    # p = 1000: the overlap fluctuates by about 1/sqrt(p) ~ 0.03 around state evolution (measured over seeds);
    # tolerance 0.1 is > 3 such standard deviations.
    X, y, w = ts.glm_teacher_student_data(2000, 1000, rng=np.random.default_rng(11))
    res = ts.gamp(X, y, teacher=w, n_iter=15, tol=0.0)
    se = ts.glm_state_evolution(2.0, n_iter=15, warn=False)
    assert_allclose(res.overlaps, se.history[: len(res.overlaps)], atol=0.1)
    assert_allclose(res.overlaps[-1], res.self_overlaps[-1], atol=0.05)  # Nishimori: m = q


def test_gamp_recovers_rademacher_teacher_above_alg():
    X, y, w = ts.glm_teacher_student_data(1000, 500, prior="rademacher", rng=np.random.default_rng(2))
    res = ts.gamp(X, y, prior="rademacher", teacher=w, n_iter=50)
    assert np.array_equal(np.sign(res.w_hat), w)


# ----------------------------------------------------------------------------- bad input
def test_bad_alpha():
    with pytest.raises(ValueError, match="`alpha` must be > 0"):
        ts.glm_state_evolution(0.0)


def test_unknown_prior():
    with pytest.raises(ValueError, match=r"`prior` must be one of \('gaussian', 'rademacher', 'gauss_bernoulli'\)"):
        ts.glm_state_evolution(1.0, prior="laplace")


def test_unknown_channel():
    with pytest.raises(ValueError, match=r"`channel` must be one of \('sign', 'linear'\)"):
        ts.glm_state_evolution(1.0, channel="relu")


def test_linear_channel_needs_noise():
    with pytest.raises(ValueError, match="`noise` must be > 0 for the 'linear' channel"):
        ts.glm_state_evolution(1.0, channel="linear")


def test_bad_init():
    with pytest.raises(ValueError, match="`init` must be 'uninformed', 'informed'"):
        ts.glm_state_evolution(1.0, init="random")


def test_mismatched_lengths():
    with pytest.raises(ValueError, match="`X` and `y` must have the same number of rows"):
        ts.gamp(np.ones((3, 2)), np.ones(4))


def test_bad_labels():
    with pytest.raises(ValueError, match="`y` must contain only the labels -1 and \\+1"):
        ts.is_linearly_separable(np.ones((2, 2)), [1.0, 0.5])


def test_bad_method():
    with pytest.raises(ValueError, match="`method` must be one of"):
        ts.separable_fraction(5, 1.0, 2, method="simplex")


def test_bad_kind():
    with pytest.raises(ValueError, match="`kind` must be one of"):
        ts.bayes_optimal_error(1.0, kind="hinge")


def test_rs_entropy_alpha_range():
    with pytest.raises(ValueError, match="`alpha` must be <"):
        ts.binary_perceptron_rs_entropy(1.5)


def test_bad_dtype():
    with pytest.raises(ValueError, match="`dtype` must be np.float64 or np.float32"):
        ts.glm_teacher_student_data(5, 3, dtype=np.int32)


def test_data_generator():
    X, y, w = ts.glm_teacher_student_data(50, 20, prior="rademacher", rng=np.random.default_rng(0))
    assert X.shape == (50, 20) and y.shape == (50,) and set(np.unique(w)) <= {-1.0, 1.0}
    assert np.all(y == np.where(X @ w >= 0, 1.0, -1.0))
