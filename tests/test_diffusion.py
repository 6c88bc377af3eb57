"""Tests of course_lib.diffusion: exact scores, the backward SDE, speciation and collapse times."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, stats

from course_lib import diffusion as df


def test_ou_noise_variance_closed_form():
    t = 0.37
    assert_allclose(df.ou_noise_variance(t), 1 - np.exp(-2 * t), rtol=1e-15)
    assert df.ou_noise_variance(0.0) == 0.0


def test_single_gaussian_score_matches_the_analytic_ou_solution():
    # x_0 ~ N(a, c I): x_t ~ N(e^{-t} a, (c e^{-2t} + 1 - e^{-2t}) I), score -(x - e^{-t} a) / C_t
    rng = np.random.default_rng(0)
    a, c, t = rng.standard_normal(5), 2.5, 0.6
    x = rng.standard_normal((7, 5))
    ct = c * np.exp(-2 * t) + 1 - np.exp(-2 * t)
    assert_allclose(df.gaussian_mixture_score(x, t, a[None, :], cov=c), -(x - np.exp(-t) * a) / ct, rtol=1e-13)
    # a full covariance matrix: C_t = e^{-2t} C + (1 - e^{-2t}) I
    A = rng.standard_normal((5, 5))
    C = A @ A.T
    Ct = np.exp(-2 * t) * C + (1 - np.exp(-2 * t)) * np.eye(5)
    assert_allclose(df.gaussian_mixture_score(x, t, a[None, :], cov=C), -np.linalg.solve(Ct, (x - np.exp(-t) * a).T).T,
                    rtol=1e-11)


def test_mixture_score_is_the_gradient_of_the_log_density():
    rng = np.random.default_rng(1)
    means, w, t = rng.standard_normal((3, 2)) * 2, np.array([0.2, 0.3, 0.5]), 0.4
    ct = 0.5 * np.exp(-2 * t) + 1 - np.exp(-2 * t)

    def logp(x):
        return np.log(sum(wk * stats.multivariate_normal(np.exp(-t) * m, ct * np.eye(2)).pdf(x) for wk, m in zip(w, means)))

    x, eps = np.array([0.3, -0.7]), 1e-6
    grad = [(logp(x + eps * e) - logp(x - eps * e)) / (2 * eps) for e in np.eye(2)]
    assert_allclose(df.gaussian_mixture_score(x, t, means, cov=0.5, weights=w), grad, rtol=1e-7)


def test_two_class_score_has_the_tanh_form():
    rng = np.random.default_rng(2)
    mu, t = rng.standard_normal(4) * 3, 0.8
    x = rng.standard_normal((6, 4))
    mt = np.exp(-t) * mu
    expected = -x + np.tanh(x @ mt)[:, None] * mt
    assert_allclose(df.gaussian_mixture_score(x, t, np.stack([mu, -mu])), expected, rtol=1e-12, atol=1e-14)


def test_empirical_score_and_posterior_sum_to_one():
    rng = np.random.default_rng(3)
    data, x = rng.standard_normal((20, 3)), rng.standard_normal((5, 3))
    post = df.gaussian_mixture_posterior(x, 0.3, data, cov=0.0)
    assert_allclose(post.sum(axis=1), 1.0, rtol=1e-14)
    assert_allclose(df.empirical_score(x, 0.3, data), df.gaussian_mixture_score(x, 0.3, data, cov=0.0), rtol=1e-14)


def test_mixture_covariance_and_speciation_time():
    # +-mu with unit covariance: Lambda = 1 + |mu|^2 (Biroli et al. 2024, two-Gaussian example)
    mu = np.array([3.0, 4.0, 0.0])
    cov = df.mixture_covariance(np.stack([mu, -mu]))
    assert_allclose(cov, np.eye(3) + np.outer(mu, mu), rtol=1e-14)
    assert_allclose(df.speciation_time(cov), 0.5 * np.log(26.0), rtol=1e-14)


def test_backward_sde_samples_a_gaussian_and_euler_error_is_first_order():
    # data N(0, c): exact score -x / C_t; the endpoint variance has an O(h) bias with Euler-Maruyama
    c, T, n = 4.0, 4.0, 40000

    def score(x, t):
        return -x / (c * np.exp(-2 * t) + 1 - np.exp(-2 * t))

    rng = np.random.default_rng(4)
    x_T = rng.standard_normal((n, 1)) * np.sqrt(c * np.exp(-2 * T) + 1 - np.exp(-2 * T))
    errs = []
    for h in (0.2, 0.1):
        grid = np.linspace(T, 0.0, int(round(T / h)) + 1)
        errs.append(df.backward_diffusion(score, x_T, grid, rng=rng).x.var() - c)
    se = c * np.sqrt(2 / n)  # standard error of a sample variance
    assert abs(errs[1]) < 0.15 * c  # within 15 % at h = 0.1
    assert abs(errs[0] / errs[1] - 2.0) < 0.6 + 4 * se / abs(errs[1])  # halving h halves the bias (first order)
    res = df.backward_diffusion(score, x_T, np.linspace(T, 0.0, 801), scheme="exponential", rng=rng, save_at=[0, 400])
    assert abs(res.x.var() - c) < 4 * se + 0.05 * c and len(res.saved) == 2 and res.n_steps == 800


def test_cloning_probability_limits_and_scaling():
    m = 5.0
    assert_allclose(df.speciation_cloning_probability([0.0, 30.0], m), [1.0, 0.5], atol=1e-10)
    # as |mu| -> infinity, pi_S(t_S + tau) tends to the scaling function
    big = 200.0
    t_s = 0.5 * np.log(1 + big**2)
    taus = np.array([-0.5, 0.0, 0.7])
    assert_allclose(df.speciation_cloning_probability(t_s + taus, big), df.speciation_scaling_function(taus), atol=1e-4)
    # scaling function against direct adaptive quadrature
    u = np.exp(-2 * 0.3)
    ref = 0.5 * (1 + integrate.quad(lambda z: np.tanh(u + np.sqrt(u) * z) ** 2 * stats.norm.pdf(z), -12, 12)[0])
    assert_allclose(df.speciation_scaling_function(0.3), ref, rtol=1e-10)
    assert_allclose(df.speciation_scaling_function(df.speciation_crossover_time()), 0.75, rtol=1e-10)


def test_cloning_experiment_matches_exact_probability():
    rng = np.random.default_rng(5)
    mu = np.array([4.0, 0.0, 0.0])
    means = np.stack([mu, -mu])
    T = 3.5
    grid = np.linspace(T, 0.0, 141)
    x_T, _ = df.gaussian_mixture_sample(1500, means, t=T, rng=rng)
    res = df.cloning_experiment(lambda x, t: df.gaussian_mixture_score(x, t, means), x_T, grid, [40, 60, 80],
                                lambda x: (x @ mu > 0).astype(int), scheme="exponential", rng=rng)
    theory = df.speciation_cloning_probability(res.t, 4.0)
    # binomial standard errors; the O(h) discretisation bias (h = 0.025) is below one standard error here
    assert np.all(np.abs(res.same - theory) < 4 * res.stderr + 0.01)


def test_collapse_time_closed_form_and_monotonicity():
    # Gaussian data N(0, I_d): t_C = (1/2) log(1 + 1 / (n^{2/d} - 1))  (Biroli et al. 2024, Gaussian case)
    for n, d in ((100, 10), (10**4, 50), (2, 1)):
        assert_allclose(df.collapse_time(n, d), 0.5 * np.log(1 + 1 / (n ** (2 / d) - 1)), rtol=1e-10)
    assert df.collapse_time(1000, 32, 3.0) > df.collapse_time(1000, 32)  # a mixture has more entropy
    assert df.collapse_time(10**4, 32) < df.collapse_time(10**3, 32) < df.collapse_time(10**3, 64)
    assert_allclose(df.mixture_entropy_excess([0.0, 40.0]), [0.0, np.log(2)], atol=1e-12)


def test_forward_and_sampling_shapes():
    rng = np.random.default_rng(6)
    x, lab = df.gaussian_mixture_sample(5000, [[3.0, 0.0], [-3.0, 0.0]], t=0.5, rng=rng)
    assert x.shape == (5000, 2) and set(np.unique(lab)) == {0, 1}
    assert abs(x[:, 1].var() - 1.0) < 0.1
    y = df.forward_diffusion(np.zeros((4000, 1)), 1.0, rng=rng)
    assert abs(y.var() - (1 - np.exp(-2))) < 0.06


def test_bad_input():
    means = [[1.0, 0.0], [-1.0, 0.0]]
    with pytest.raises(ValueError, match="`t` must be >= 0"):
        df.gaussian_mixture_score([0.0, 0.0], -1.0, means)
    with pytest.raises(ValueError, match="last dimension d = 2"):
        df.gaussian_mixture_score([0.0, 0.0, 0.0], 1.0, means)
    with pytest.raises(ValueError, match="`cov` must be a variance >= 0"):
        df.gaussian_mixture_score([0.0, 0.0], 1.0, means, cov=-1.0)
    with pytest.raises(ValueError, match="positive semidefinite"):
        df.gaussian_mixture_score([0.0, 0.0], 1.0, means, cov=-np.eye(2))
    with pytest.raises(ValueError, match=r"\(2, 2\) matrix"):
        df.gaussian_mixture_score([0.0, 0.0], 1.0, means, cov=np.eye(3))
    with pytest.raises(ValueError, match="`cov` must be a symmetric"):
        df.gaussian_mixture_score([0.0, 0.0], 1.0, means, cov=[[1.0, 0.5], [0.0, 1.0]])
    with pytest.raises(ValueError, match="positive and sum to 1"):
        df.gaussian_mixture_score([0.0, 0.0], 1.0, means, weights=[0.7, 0.7])
    with pytest.raises(ValueError, match="one entry per mean"):
        df.gaussian_mixture_score([0.0, 0.0], 1.0, means, weights=[1.0])
    with pytest.raises(ValueError, match="undefined at t = 0"):
        df.gaussian_mixture_score([0.0, 0.0], 0.0, means, cov=0.0)
    with pytest.raises(ValueError, match="`t` must be > 0"):
        df.empirical_score([0.0, 0.0], 0.0, means)
    with pytest.raises(ValueError, match="strictly decreasing"):
        df.backward_diffusion(lambda x, t: -x, np.zeros((3, 1)), [0.0, 1.0])
    with pytest.raises(ValueError, match="`scheme` must be one of"):
        df.backward_diffusion(lambda x, t: -x, np.zeros((3, 1)), [1.0, 0.0], scheme="heun")
    with pytest.raises(TypeError, match="`score` must be callable"):
        df.backward_diffusion(None, np.zeros((3, 1)), [1.0, 0.0])
    with pytest.raises(ValueError, match="shape of x"):
        df.backward_diffusion(lambda x, t: x[:, :1], np.zeros((3, 2)), [1.0, 0.0])
    with pytest.raises(ValueError, match="strictly inside the grid"):
        df.cloning_experiment(lambda x, t: -x, np.zeros((3, 1)), [2.0, 1.0, 0.0], [0], lambda x: x[:, 0] > 0)
    with pytest.raises(TypeError, match="`classify` must be callable"):
        df.cloning_experiment(lambda x, t: -x, np.zeros((3, 1)), [2.0, 1.0, 0.0], [1], None)
    with pytest.raises(TypeError, match="integer indices"):
        df.cloning_experiment(lambda x, t: -x, np.zeros((3, 1)), [2.0, 1.0, 0.0], [0.5], lambda x: x[:, 0] > 0)
    with pytest.raises(ValueError, match="one label per trajectory"):
        df.cloning_experiment(lambda x, t: -x, np.zeros((3, 1)), [2.0, 1.0, 0.0], [1], lambda x: np.zeros(2))
    with pytest.raises(ValueError, match="must be a square matrix"):
        df.speciation_time(np.ones((2, 3)))
    with pytest.raises(ValueError, match="positive largest eigenvalue"):
        df.speciation_time(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="`mu_norm` must be > 0"):
        df.speciation_cloning_probability(1.0, 0.0)
    with pytest.raises(ValueError, match="`level` must be < 1"):
        df.speciation_crossover_time(3.0, level=1.0)
    with pytest.raises(ValueError, match="`n` must be an integer >= 2"):
        df.collapse_time(1, 10)
    with pytest.raises(TypeError, match="`d` must be an integer"):
        df.collapse_time(10, 2.5)


def test_mixture_entropy_excess_against_direct_quadrature():
    # delta h(a) = h(1/2 N(a,1) + 1/2 N(-a,1)) - (1/2) log(2 pi e), by adaptive quadrature of -p log p
    for a in (0.4, 1.3, 2.5):
        def minus_p_log_p(y, a=a):
            p = 0.5 * (stats.norm.pdf(y - a) + stats.norm.pdf(y + a))
            return -p * np.log(p)

        h = integrate.quad(minus_p_log_p, -a - 15, a + 15, limit=200, epsabs=1e-13)[0]
        # 121-node Gauss-Hermite on log cosh(a^2 + a z), whose curvature sits in a window of width 1/a: ~1e-8 at a = 2.5
        assert_allclose(df.mixture_entropy_excess(a), h - 0.5 * np.log(2 * np.pi * np.e), rtol=0, atol=5e-8)
