"""ERM in the sign-teacher perceptron: the replica/CGMT fixed point of course_lib.teacher_student.erm_state against
closed forms, limits, published constants and simulations (issue 24, item 5)."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize_scalar

from course_lib.teacher_student import bayes_optimal_error, erm_generalization_error, erm_state
from course_lib.teacher_student import _erm


def _hebb(alpha):
    # lam -> infinity: w_hat -> (1/lam) sum_i y_i l'(y_i, 0) x_i / sqrt d, the Hebbian direction; its cosine with w_*
    # tends to sqrt(2 alpha/pi)/sqrt(1 + 2 alpha/pi) (see the lecture glm_replica_amp)
    return math.acos(math.sqrt(2 * alpha / (math.pi + 2 * alpha))) / math.pi


@pytest.mark.parametrize("alpha,lam", [(0.5, 0.1), (2.0, 1.0), (3.0, 0.01)])
def test_square_generic_iteration_matches_closed_form(alpha, lam):
    # the generic equations with the square loss's averages, iterated, against the explicit solution
    m, q, s = 0.1, 1.0, 1.0
    for _ in range(3000):
        a1, a2, a3 = _erm._hats_square(m, q, s)
        mh, qh, sh = alpha * a1, alpha * a2, alpha * a3 / s
        s = 1 / (lam + sh)
        m, q = s * mh, s * s * (mh * mh + qh)
    st = erm_state(alpha, "square", lam)
    assert_allclose([m, q, s], [st.m, st.q, st.sigma], rtol=1e-10)


def test_ridge_closed_form_sigma_is_marchenko_pastur():
    # Sigma = lim tr((X^T X/d + lam I)^{-1})/d, the Stieltjes transform of Marchenko-Pastur at -lam: positive root of
    # lam S^2 + (lam + alpha - 1) S - 1 = 0 (e.g. Bai-Silverstein 2010, eq. 3.1.2 in the variable z = -lam)
    alpha, lam = 2.0, 0.3
    S = erm_state(alpha, "square", lam).sigma
    assert_allclose(lam * S**2 + (lam + alpha - 1) * S - 1, 0.0, atol=1e-13)


def test_ridge_optimal_lambda_is_pi_over_2_minus_1():
    # y = sign(z) = sqrt(2/pi) z + e with e uncorrelated with z and E e^2 = 1 - 2/pi: ridge is optimal at
    # lam = noise/signal = (1 - 2/pi)/(2/pi) = pi/2 - 1, for every alpha (derived in the lecture)
    for alpha in (0.7, 3.0):
        res = minimize_scalar(lambda t: erm_generalization_error(alpha, "square", math.exp(t)), bounds=(-5, 3),
                              method="bounded", options={"xatol": 1e-8})
        assert_allclose(math.exp(res.x), math.pi / 2 - 1, rtol=1e-4)


@pytest.mark.parametrize("loss", ["square", "logistic", "hinge"])
def test_large_lambda_gives_hebb(loss):
    for alpha in (0.5, 3.0):
        assert_allclose(erm_generalization_error(alpha, loss, 1e5), _hebb(alpha), rtol=1e-4)


def test_large_lambda_control_rejects_wrong_constant():
    # negative control of the test above: the Hebbian formula without the factor 2/pi is far off
    wrong = math.acos(math.sqrt(3.0 / (math.pi + 3.0))) / math.pi
    assert abs(erm_generalization_error(3.0, "logistic", 1e5) - wrong) > 1e-2


def test_max_margin_rate():
    # Aubin, Krzakala, Lu, Zdeborova, NeurIPS 2020 (arXiv:2006.06560), Sec. 4: max-margin error ~ 0.500/alpha
    # at large alpha (hinge loss, lam -> 0+)
    assert_allclose(50.0 * erm_generalization_error(50.0, "hinge", 1e-5), 0.500, atol=2e-3)
    # lam -> 0+ has converged: the hinge minimiser is the max-margin one for every small lam
    assert_allclose(erm_generalization_error(5.0, "hinge", 1e-4), erm_generalization_error(5.0, "hinge", 1e-6),
                    rtol=1e-8)


def _max_margin_reduced(alpha):
    # lam -> 0+ limit of the hinge fixed point, derived independently of the solver: f(u) = (1 - u)_+ / Sigma,
    # lam Sigma -> 1 - alpha P(u < 1) > 0, so Sigma drops out of m = Sigma m_hat and q = Sigma^2 (m_hat^2 + q_hat):
    # m = alpha sqrt(2/pi) E(1 - s xi)_+, s^2 = q - m^2 = alpha E(1 - u)_+^2, u = m|z| + s xi (Gardner's
    # maximal-stability equations in the units "all margins >= 1"); solved here with scipy quadrature.
    from scipy import integrate, optimize
    from scipy.stats import norm

    def eqs(v):
        m, s = np.exp(v)
        e1 = norm.cdf(1 / s) + s * norm.pdf(1 / s)

        def g(z):
            a = 1 - m * z
            return norm.pdf(z) * ((a * a + s * s) * norm.cdf(a / s) + a * s * norm.pdf(a / s))

        e2 = 2 * sum(integrate.quad(g, lo, hi, epsabs=1e-14, epsrel=1e-12, limit=200)[0]
                     for lo, hi in ((0, 1 / m), (1 / m, 1 / m + 40 * s / m + 10)))
        return [math.log(alpha * math.sqrt(2 / math.pi) * e1 / m), math.log(alpha * e2 / (s * s))]

    m, s = np.exp(optimize.fsolve(eqs, [math.log(alpha), math.log(alpha)], xtol=1e-13))
    return math.acos(m / math.sqrt(m * m + s * s)) / math.pi


@pytest.mark.parametrize("alpha", [2.0, 20.0])
def test_max_margin_matches_reduced_equations(alpha):
    # the solver at small lam against the independent lam = 0 reduction above (agreement to ~1e-12 when written)
    assert_allclose(erm_generalization_error(alpha, "hinge", 1e-6), _max_margin_reduced(alpha), rtol=1e-7)


def test_optimal_logistic_close_to_bayes():
    # Aubin et al. 2020: optimally regularised logistic regression comes very close to the Bayes error
    # (here within 0.1% at alpha = 2), and never below it
    res = minimize_scalar(lambda t: erm_generalization_error(2.0, "logistic", math.exp(t)), bounds=(-8, 1),
                          method="bounded", options={"xatol": 1e-4})
    bayes = bayes_optimal_error(2.0)
    assert bayes <= res.fun < 1.001 * bayes


def test_logistic_prox_solves_its_equation():
    for sigma in (0.1, 1.0, 30.0, 1000.0):
        u = np.linspace(-sigma - 60, 60, 4001)
        f, dp = _erm._logistic_prox(u, sigma)
        x = u + sigma * f
        assert_allclose(x - u - sigma / (1 + np.exp(np.clip(x, -700, 700))), 0.0, atol=1e-12 * (1 + sigma))
        assert np.all((dp > 0) & (dp <= 1))


@pytest.mark.parametrize("loss", ["hinge", "logistic"])
def test_channel_averages_by_dense_grid(loss):
    # the three averages of (m_hat, q_hat, Sigma_hat)/alpha by the library's panels (skew-normal law of u, Owen's T
    # tails) against a dense grid sum over (z, xi): error O(h^2) from the kinks of the hinge prox, 1e-5 here
    m, q, sigma = 1.2, 2.0, 0.7
    s = math.sqrt(q - m * m)
    z = np.linspace(-10, 10, 2001)
    w = np.exp(-z * z / 2)
    w /= w.sum()
    u = m * np.abs(z)[:, None] + s * z[None, :]
    if loss == "hinge":
        def f_dp(x):
            return (np.where(x < 1 - sigma, 1.0, np.where(x < 1, (1 - x) / sigma, 0.0)),
                    np.where((x >= 1 - sigma) & (x < 1), 0.0, 1.0))
    else:
        def f_dp(x):
            f, dp = _erm._logistic_prox(x.ravel(), sigma)
            return f.reshape(x.shape), dp.reshape(x.shape)
    f, dp = f_dp(u)
    f0, _ = f_dp(s * z)
    dense = (math.sqrt(2 / math.pi) * float(w @ f0), float(w @ (f * f) @ w), float(w @ (1 - dp) @ w))
    assert_allclose(_erm._HATS[loss](m, q, sigma), dense, rtol=1e-4)


def _simulate(alpha, loss, lam, d, reps, rng):
    from sklearn.linear_model import LogisticRegression

    errs, norms = [], []
    for _ in range(reps):
        n = int(alpha * d)
        w_star = rng.standard_normal(d)
        X = rng.standard_normal((n, d))
        y = np.sign(X @ w_star)
        if loss == "square":
            w = np.linalg.solve(X.T @ X / d + lam * np.eye(d), X.T @ y / math.sqrt(d))
        else:  # scikit-learn: C sum l + |v|^2/2 with v = w/sqrt(d) is our objective for C = 1/(lam d)
            v = LogisticRegression(C=1 / (lam * d), fit_intercept=False, tol=1e-10, max_iter=5000).fit(X, y).coef_[0]
            w = math.sqrt(d) * v
        errs.append(math.acos(w @ w_star / np.linalg.norm(w) / np.linalg.norm(w_star)) / math.pi)
        norms.append(w @ w / d)
    se = lambda v: np.std(v, ddof=1) / math.sqrt(reps)  # noqa: E731
    return np.mean(errs), se(errs), np.mean(norms), se(norms)


@pytest.mark.parametrize("loss,alpha,lam", [("square", 2.0, 0.5), ("logistic", 2.0, 0.1), ("logistic", 4.0, 0.01)])
def test_against_simulation(loss, alpha, lam):
    # d = 300, 8 instances: 4 standard errors plus 2/d for the finite-size bias (O(1/d))
    mean, se, q_mean, q_se = _simulate(alpha, loss, lam, 300, 8, np.random.default_rng(20261207))
    st = erm_state(alpha, loss, lam)
    assert abs(mean - st.gen_error) < 4 * se + 2 / 300
    assert abs(q_mean - st.q) < 4 * q_se + 2 * st.q / 300  # q = |w_hat|^2/d, relative finite-size bias 2/d
    if loss == "logistic" and alpha == 4.0:
        # negative control: a factor d lost in the conversion of lam (C = 1/lam in scikit-learn instead of
        # 1/(lam d)) predicts a clearly different error, which the same tolerance rejects
        wrong = erm_generalization_error(alpha, loss, lam * 300)
        assert abs(mean - wrong) > 4 * se + 2 / 300


def test_bad_input():
    with pytest.raises(ValueError, match="`loss` must be one of"):
        erm_generalization_error(1.0, "ridge", 1.0)
    with pytest.raises(TypeError, match="`loss` must be one of"):
        erm_generalization_error(1.0, 3, 1.0)
    with pytest.raises(ValueError, match="`lam` must be > 0"):
        erm_generalization_error(1.0, "logistic", 0.0)
    with pytest.raises(ValueError, match="`lam` must be >= 0"):
        erm_generalization_error(1.0, "hinge", -1.0)
    with pytest.raises(ValueError, match="`lam` must be > 0 for loss='square' at alpha = 1"):
        erm_generalization_error(1.0, "square", 0.0)
    with pytest.raises(ValueError, match="`alpha` must be > 0"):
        erm_state(0.0, "square", 1.0)
    with pytest.raises(ValueError, match="`damping` must be < 1"):
        erm_state(1.0, "hinge", 1.0, damping=1.0)
