"""Tests of the score-based diffusion part of course_lib.diffusion: Tweedie's formula, score matching, the
probability-flow ODE and the exact law of the backward dynamics for Gaussian data (with the Girsanov bound).

Each Monte Carlo check is seeded and stated in standard errors; each theorem check has a negative control showing
that a plausible wrong formula fails the same tolerance."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, stats

from course_lib import diffusion as df

MEANS2 = np.array([[2.0, 0.0], [-1.0, 1.5], [-1.0, -1.5]])
W2 = np.array([0.5, 0.3, 0.2])
C2 = np.array([[0.3, 0.1], [0.1, 0.2]])


def _is_posterior_mean(q, t, x0, est_fn):
    """z-scores of est_fn(q) against self-normalised importance sampling of E[x0 | x_t = q] (prior as proposal)."""
    s2 = df.ou_noise_variance(t)
    lw = -((q[:, None, :] - np.exp(-t) * x0[None]) ** 2).sum(-1) / (2 * s2)
    w = np.exp(lw - lw.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    mc = w @ x0
    se = np.sqrt(np.einsum("qn,qnd->qd", w**2, (x0[None] - mc[:, None]) ** 2))  # delta method
    return (est_fn(q) - mc) / se


def test_tweedie_equals_the_closed_form_posterior_mean_and_monte_carlo():
    t = 0.4
    q = np.array([[0.0, 0.0], [1.5, 0.5], [-1.0, 1.0], [-0.5, -1.2]])
    den = df.gaussian_mixture_denoiser(q, t, MEANS2, cov=C2, weights=W2)
    tw = df.tweedie_denoiser(q, t, df.gaussian_mixture_score(q, t, MEANS2, cov=C2, weights=W2))
    assert_allclose(tw, den, rtol=1e-12, atol=1e-13)
    x0, _ = df.gaussian_mixture_sample(100_000, MEANS2, cov=C2, weights=W2, rng=np.random.default_rng(10))
    z = _is_posterior_mean(q, t, x0, lambda y: df.tweedie_denoiser(y, t, df.gaussian_mixture_score(y, t, MEANS2, C2, W2)))
    assert np.abs(z).max() < 4.5  # 8 z-scores: |z| > 4.5 has probability < 1e-4
    # negative control: sigma_t instead of sigma_t^2 in Tweedie's formula is rejected by the same tolerance
    sig = np.sqrt(df.ou_noise_variance(t))
    z_bad = _is_posterior_mean(q, t, x0, lambda y: np.exp(t) * (y + sig * df.gaussian_mixture_score(y, t, MEANS2, C2, W2)))
    assert np.abs(z_bad).max() > 10


def test_denoiser_of_a_gaussian_and_of_dirac_masses():
    # x_0 ~ N(m, c): E[x_0 | x_t] = m + c e^{-t} (x - e^{-t} m) / (c e^{-2t} + sigma_t^2)  (Gaussian conditioning)
    m, c, t, x = 0.7, 2.0, 0.3, np.array([[1.1], [-0.4]])
    ct = c * np.exp(-2 * t) + df.ou_noise_variance(t)
    assert_allclose(df.gaussian_mixture_denoiser(x, t, [[m]], cov=c), m + c * np.exp(-t) * (x - np.exp(-t) * m) / ct,
                    rtol=1e-14)
    # cov = 0: the posterior mean of the training points
    data = np.array([[1.0], [-2.0], [0.5]])
    post = df.gaussian_mixture_posterior(x, t, data, cov=0.0)
    assert_allclose(df.gaussian_mixture_denoiser(x, t, data, cov=0.0), post @ data, rtol=1e-14)


def test_fisher_information_closed_form_and_quadrature():
    # one Gaussian: J = tr C_t^{-1}
    t = 0.5
    ct = np.exp(-2 * t) * C2 + df.ou_noise_variance(t) * np.eye(2)
    assert_allclose(df.gaussian_mixture_fisher_information(t, MEANS2[:1], cov=C2), np.trace(np.linalg.inv(ct)), rtol=1e-14)
    # a 1-d mixture: against an independent quadrature of p'(x)^2 / p(x) with scipy.stats
    means, w, c = np.array([[-1.5], [1.0]]), np.array([0.4, 0.6]), 0.2
    ctt = c * np.exp(-2 * t) + df.ou_noise_variance(t)
    comps = [stats.norm(np.exp(-t) * m[0], np.sqrt(ctt)) for m in means]

    def integrand(x):
        p = sum(wk * ck.pdf(x) for wk, ck in zip(w, comps))
        dp = sum(-wk * ck.pdf(x) * (x - ck.mean()) / ctt for wk, ck in zip(w, comps))
        return dp * dp / p

    ref = integrate.quad(integrand, -12, 12, limit=200, epsabs=1e-13)[0]
    assert_allclose(df.gaussian_mixture_fisher_information(t, means, cov=c, weights=w), ref, rtol=1e-9)
    # Fisher information of a Gaussian convolution is at most d / sigma_t^2 (the DSM constant is >= 0)
    assert df.gaussian_mixture_fisher_information(t, means, cov=c, weights=w) < 1 / df.ou_noise_variance(t)


def test_dsm_minus_esm_is_vincents_constant_for_every_model():
    means, w, c, t = np.array([[-1.5], [1.0]]), np.array([0.4, 0.6]), 0.2, 0.3
    rng = np.random.default_rng(11)
    x0, _ = df.gaussian_mixture_sample(60_000, means, cov=c, weights=w, rng=rng)
    true = lambda x, t: df.gaussian_mixture_score(x, t, means, cov=c, weights=w)  # noqa: E731
    const = 1 / df.ou_noise_variance(t) - df.gaussian_mixture_fisher_information(t, means, cov=c, weights=w)
    for model in (lambda x, t: 0 * x, lambda x, t: -x, lambda x, t: np.tanh(x) - 2 * x):
        r = df.score_matching_losses(model, x0, t, true, rng=rng)
        assert abs(r.gap - const) < 4 * r.gap_stderr
    # negative control: the constant without the Fisher term (d / sigma_t^2 alone) is rejected
    r = df.score_matching_losses(lambda x, t: 0 * x, x0, t, true, rng=rng)
    assert abs(r.gap - 1 / df.ou_noise_variance(t)) > 10 * r.gap_stderr
    # the true score minimises DSM: its ESM is zero and its DSM is the constant
    r = df.score_matching_losses(true, x0, t, true, rng=rng)
    assert r.esm == 0.0 and abs(r.dsm - const) < 4 * r.dsm_stderr


def test_dsm_fit_recovers_the_affine_score_of_gaussian_data():
    # data N(m, C): the score of P_t is -C_t^{-1}(x - e^{-t} m), affine, so the affine family contains it
    m, t = np.array([1.0, -0.5]), 0.5
    rng = np.random.default_rng(12)
    x0 = rng.multivariate_normal(m, C2, size=40_000)
    fit = df.fit_linear_score(lambda x: np.column_stack([x, np.ones(len(x))]), x0, t, rng=rng)
    ct = np.exp(-2 * t) * C2 + df.ou_noise_variance(t) * np.eye(2)
    exact = np.vstack([-np.linalg.inv(ct), np.linalg.solve(ct, np.exp(-t) * m)])  # rows: x1, x2, 1
    z = (fit.coef - exact) / fit.coef_stderr
    assert np.abs(z).max() < 4.5
    # negative control: the target -z (forgetting the 1/sigma_t) would give coefficients sigma_t times smaller
    assert np.abs((fit.coef * np.sqrt(df.ou_noise_variance(t)) - exact) / fit.coef_stderr).max() > 10


def test_dsm_fit_equals_the_esm_projection_for_a_misspecified_family():
    means, w, c, t = np.array([[-1.5], [1.0]]), np.array([0.4, 0.6]), 0.2, 0.3
    rng = np.random.default_rng(13)
    x0, _ = df.gaussian_mixture_sample(30_000, means, cov=c, weights=w, rng=rng)
    feat = lambda x: np.column_stack([x[:, 0], np.ones(len(x)), np.tanh(x[:, 0])])  # noqa: E731
    fit = df.fit_linear_score(feat, x0, t, rng=rng,
                              true_score=lambda x, t: df.gaussian_mixture_score(x, t, means, cov=c, weights=w))
    assert np.abs((fit.coef - fit.coef_esm) / fit.diff_stderr).max() < 4.5


def test_probability_flow_of_a_gaussian_is_the_linear_transport_map():
    # data N(m, v): P_T = N(m_T, v_T) and the flow map is x_0 = m + sqrt(v / v_T) (x_T - m_T) (monotone, affine)
    m, v, T = 1.0, 0.3, 3.0
    mT, vT = np.exp(-T) * m, v * np.exp(-2 * T) + df.ou_noise_variance(T)
    x_T = np.array([[-1.0], [0.0], [2.0]])
    score = lambda x, t: df.gaussian_mixture_score(x, t, [[m]], cov=v)  # noqa: E731
    exact = m + np.sqrt(v / vT) * (x_T - mT)
    errs = [np.abs(df.probability_flow(score, x_T, np.linspace(T, 0.0, n + 1)).x - exact).max() for n in (60, 120)]
    assert errs[1] < 1e-3 and 3.4 < errs[0] / errs[1] < 4.6  # Heun: second order
    errs_e = [np.abs(df.probability_flow(score, x_T, np.linspace(T, 0.0, n + 1), scheme="euler").x - exact).max()
              for n in (60, 120)]
    assert 1.7 < errs_e[0] / errs_e[1] < 2.3  # Euler: first order
    res = df.probability_flow(score, x_T, np.linspace(T, 0.0, 121), save_at=[0, 60, 120])
    assert len(res.saved) == 3 and res.n_steps == 120 and np.array_equal(res.saved[0], x_T)


def test_mixture_cdf_against_scipy():
    means, w, c, t = np.array([[-1.0], [2.0]]), np.array([0.3, 0.7]), 0.5, 0.8
    x = np.linspace(-4, 5, 7)
    ct = c * np.exp(-2 * t) + df.ou_noise_variance(t)
    ref = sum(wk * stats.norm.cdf(x, np.exp(-t) * mk[0], np.sqrt(ct)) for wk, mk in zip(w, means))
    assert_allclose(df.gaussian_mixture_cdf(x, t, means, cov=c, weights=w), ref, rtol=1e-13)


# ---- the exact law of the backward dynamics for Gaussian data and the Girsanov bound ---------------------------

def test_exact_score_from_p_T_returns_the_data_law():
    law = df.gaussian_reverse_law(1.0, 0.25, 3.0, start=(np.exp(-3.0), 0.25 * np.exp(-6.0) + df.ou_noise_variance(3.0)))
    assert_allclose([law.mean, law.var], [1.0, 0.25], rtol=1e-10)
    assert law.kl < 1e-15 and law.bound == 0.0


def test_consistent_score_error_makes_the_girsanov_bound_an_equality():
    # the score of data N(m0 + delta, v0), started from its own Q_T: Q_0 = N(m0 + delta, v0), KL = delta^2 / (2 v0),
    # and KL(P_0||Q_0) = KL(P_T||Q_T) + int_0^T E|grad log p_t - grad log q_t|^2 dt exactly (de Bruijn identity)
    m0, v0, T, delta = 1.0, 0.5, 2.0, 0.3
    start = (np.exp(-T) * (m0 + delta), v0 * np.exp(-2 * T) + df.ou_noise_variance(T))
    law = df.gaussian_reverse_law(m0, v0, T, delta=delta, perturbation="mean", start=start)
    assert_allclose([law.mean, law.var], [m0 + delta, v0], rtol=1e-10)
    assert_allclose([law.kl, law.bound], delta**2 / (2 * v0), rtol=1e-9)
    # negative control: the bound without the factor g^2 / 2 = 1 (i.e. (1/2) int E|error|^2) fails here
    assert law.kl > law.kl_init + 0.5 * law.score_error + 0.01


def test_girsanov_bound_holds_and_is_loose_for_a_constant_error():
    for T in (1.0, 4.0):
        for pert in ("mean", "constant", lambda t: (1.0, 1.0)):
            for delta in (-0.3, 0.05, 0.4):
                law = df.gaussian_reverse_law(0.5, 2.0, T, delta=delta, perturbation=pert)
                assert law.kl <= law.bound * (1 + 1e-9)
    # stationary data N(0, 1), constant error delta from N(0, 1): mean 2 delta (1 - e^{-T}), var 1 (hand calculation)
    law = df.gaussian_reverse_law(0.0, 1.0, 3.0, delta=0.2, perturbation="constant")
    assert_allclose([law.mean, law.var], [0.4 * (1 - np.exp(-3.0)), 1.0], rtol=1e-10)
    assert_allclose([law.kl, law.bound], [2 * 0.04 * (1 - np.exp(-3.0)) ** 2, 0.04 * 3.0], rtol=1e-10)


def test_discrete_chain_law_matches_simulation_and_euler_is_first_order():
    m0, v0, T, n_steps, delta = 1.0, 0.25, 4.0, 80, 0.5
    mv = lambda t: (np.exp(-t) * m0, v0 * np.exp(-2 * t) + df.ou_noise_variance(t))  # noqa: E731

    def score(x, t):
        mt, vt = mv(t)
        return -(x - mt) / vt + delta

    rng = np.random.default_rng(14)
    n = 100_000
    for scheme in ("euler", "exponential"):
        law = df.gaussian_reverse_law(m0, v0, T, delta=delta, perturbation="constant", n_steps=n_steps, scheme=scheme)
        y = df.backward_diffusion(score, rng.standard_normal((n, 1)), np.linspace(T, 0.0, n_steps + 1), scheme=scheme,
                                  rng=rng).x[:, 0]
        assert abs(y.mean() - law.mean) < 4 * np.sqrt(law.var / n)
        assert abs(y.var() - law.var) < 4 * law.var * np.sqrt(2 / n)
    # weak order one of Euler-Maruyama, exact score started from P_T: the variance error halves with h
    start = mv(T)
    errs = [df.gaussian_reverse_law(m0, v0, T, n_steps=k, scheme="euler", start=start).var - v0 for k in (80, 160, 320)]
    r = np.array(errs[:-1]) / np.array(errs[1:])
    assert np.all((r > 1.9) & (r < 2.3))


def test_flow_keeps_the_cdf_and_wrong_drifts_are_rejected():
    # Corollary (1-d): F_{T - tau}(y_tau) = F_T(y_0) along the probability flow; the same check rejects the flow with
    # the SDE's drift y + 2 score (the factor of the score is 1 for the ODE, 2 for the SDE)
    means, w, c, T = np.array([[-2.0], [0.5], [3.0]]), np.array([0.3, 0.2, 0.5]), 0.1, 4.0
    score = lambda x, t: df.gaussian_mixture_score(x, t, means, cov=c, weights=w)  # noqa: E731
    x_T, _ = df.gaussian_mixture_sample(500, means, cov=c, weights=w, t=T, rng=np.random.default_rng(15))
    grid = T * (1 - np.arange(201) / 200) ** 2
    F_T = df.gaussian_mixture_cdf(x_T[:, 0], T, means, cov=c, weights=w)
    good = df.probability_flow(score, x_T, grid).x[:, 0]
    bad = df.probability_flow(lambda x, t: 2 * score(x, t), x_T, grid).x[:, 0]
    assert np.abs(df.gaussian_mixture_cdf(good, 0.0, means, cov=c, weights=w) - F_T).max() < 1e-3
    assert np.abs(df.gaussian_mixture_cdf(bad, 0.0, means, cov=c, weights=w) - F_T).max() > 0.05
    # the reverse SDE with the ODE's drift y + score (and the noise) fails the Kolmogorov-Smirnov test of the lecture
    rng = np.random.default_rng(16)
    x_T, _ = df.gaussian_mixture_sample(5_000, means, cov=c, weights=w, t=T, rng=rng)
    grid = T * (1 - np.arange(401) / 400) ** 2
    for factor, passes in ((1.0, True), (0.5, False)):
        y = df.backward_diffusion(lambda x, t: factor * score(x, t), x_T, grid, scheme="exponential", rng=rng).x[:, 0]
        ks = np.sqrt(len(y)) * stats.kstest(y, lambda v: df.gaussian_mixture_cdf(v, 0.0, means, cov=c, weights=w)).statistic
        assert (ks < 1.95 + np.sqrt(len(y)) * 0.003) == passes


def test_gaussian_tv_against_quadrature_and_pinsker():
    for m1, v1, m2, v2 in ((0.0, 1.0, 1.0, 1.0), (0.3, 0.25, -0.2, 2.0), (1.0, 4.0, 1.0, 0.5), (0.0, 1.0, 0.0, 1.0 + 1e-6)):
        ref = 0.5 * integrate.quad(lambda x: abs(stats.norm.pdf(x, m1, np.sqrt(v1)) - stats.norm.pdf(x, m2, np.sqrt(v2))),
                                   -30, 30, points=[m1, m2], limit=400, epsabs=1e-13)[0]
        assert_allclose(df.gaussian_tv(m1, v1, m2, v2), ref, atol=1e-9)
        assert df.gaussian_tv(m1, v1, m2, v2) <= np.sqrt(df.gaussian_kl(m1, v1, m2, v2) / 2) + 1e-15  # Pinsker
    # equal variances: 2 Phi(|m1 - m2| / (2 sigma)) - 1
    assert_allclose(df.gaussian_tv(0.0, 4.0, 1.0, 4.0), 2 * stats.norm.cdf(0.25) - 1, rtol=1e-13)
