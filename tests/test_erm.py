"""Unit tests of course_lib.erm against closed forms, published values and independent computations."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, special
from scipy.spatial import cKDTree

from course_lib import erm

# ---------------------------------------------------------------- geometry


@pytest.mark.parametrize(
    "d, exact",
    [(1, 2.0), (2, math.pi), (3, 4 * math.pi / 3), (4, math.pi**2 / 2), (5, 8 * math.pi**2 / 15)],
)
def test_ball_volume_closed_forms(d, exact):
    # Classical values V_1..V_5 (e.g. DLMF 5.19 / any calculus text).
    assert_allclose(erm.ball_volume(d), exact, rtol=1e-14)


def test_ball_volume_recursion_and_scaling():
    # V_d = (2 pi / d) V_{d-2} and V_d(r) = V_d r^d.
    for d in range(3, 60):
        assert_allclose(erm.ball_volume(d), 2 * math.pi / d * erm.ball_volume(d - 2), rtol=1e-12)
    assert_allclose(erm.ball_volume(7, 0.3), erm.ball_volume(7) * 0.3**7, rtol=1e-13)
    assert erm.ball_volume(3, 0.0) == 0.0
    big = erm.ball_volume(1000)  # ~ 1e-1187 underflows to zero in double; must not be NaN or raise
    assert big == 0.0 or np.isfinite(big)


def test_ball_in_cube_fraction():
    assert_allclose(erm.ball_in_cube_fraction(2), math.pi / 4, rtol=1e-14)
    assert_allclose(erm.ball_in_cube_fraction(3), math.pi / 6, rtol=1e-14)
    # Stirling asymptotics (lecture, eq-ball-fraction): ratio -> 1 with relative error ~ 1/(6d)
    d = 200  # phi_200 ~ 1e-169, still above the double-precision underflow
    asym = (math.pi * math.e / (2 * d)) ** (d / 2) / math.sqrt(math.pi * d)
    assert_allclose(erm.ball_in_cube_fraction(d) / asym, 1.0, atol=1 / (5 * d))


@pytest.mark.parametrize(
    "n, value, rtol",
    [
        (2, 2 / math.sqrt(math.pi), 1e-12),  # exact: E|Z1 - Z2| = 2/sqrt(pi)
        (3, 3 / math.sqrt(math.pi), 1e-12),  # exact: E R_3 = 3/sqrt(pi)
        (5, 2.325929, 1e-6),  # Harter (1960), Ann. Math. Statist. 31, Table 1, d_2(5)
        (10, 3.077505, 1e-6),  # Tippett (1925), Biometrika 17, Table; Harter (1960) d_2(10)
        (100, 5.015, 2e-4),  # Tippett (1925) / Harter (1960) d_2(100) = 5.015
    ],
)
def test_expected_normal_range_published(n, value, rtol):
    assert_allclose(erm.expected_normal_range(n), value, rtol=rtol)


def test_expected_normal_range_monte_carlo():
    rng = np.random.default_rng(3)
    z = rng.standard_normal((20000, 40))
    r = z.max(axis=1) - z.min(axis=1)
    assert abs(r.mean() - erm.expected_normal_range(40)) < 4 * r.std() / np.sqrt(r.size)
    assert erm.expected_normal_range(1) == 0.0


def test_sample_unit_cube_reproducible_and_in_range():
    a = erm.sample_unit_cube(50, 4, rng=12)
    b = erm.sample_unit_cube(50, 4, rng=np.random.default_rng(12))
    assert a.shape == (50, 4)
    assert_allclose(a, b)
    assert a.min() >= 0 and a.max() < 1


def test_relative_contrast_hand_example():
    pts = np.array([[1.0, 0.0], [3.0, 0.0], [0.0, 2.0]])
    q = np.zeros((1, 2))
    # distances 1, 3, 2: (3 - 1) / 1
    assert_allclose(erm.relative_contrast(pts, q), [2.0])


def test_relative_contrast_asymptotic_formula_and_mc():
    assert_allclose(erm.relative_contrast_asymptotic(10, 30), math.sqrt(0.01) * erm.expected_normal_range(10))
    assert_allclose(erm.relative_contrast_asymptotic(10, [30, 120]), [0.1, 0.05] * np.array(erm.expected_normal_range(10)))
    # at d = 8192 the O(d^-1/2) correction is ~1.5% (lecture), the MC error of 200 queries ~1%
    rng = np.random.default_rng(5)
    d, k = 8192, 50
    rc = np.concatenate([erm.relative_contrast(rng.random((k, d)), rng.random((1, d))) for _ in range(200)])
    assert abs(rc.mean() / erm.relative_contrast_asymptotic(k, d) - 1) < 0.05


def test_squared_distance_moments_constants():
    # E(x-y)^2 = 1/6, Var (x-y)^2 = 1/15 - 1/36 = 7/180, by integrating the triangular density.
    m2 = integrate.quad(lambda t: t**2 * (1 - abs(t)), -1, 1)[0]
    m4 = integrate.quad(lambda t: t**4 * (1 - abs(t)), -1, 1)[0]
    assert_allclose(erm.SQUARED_DISTANCE_MEAN, m2, rtol=1e-14)
    assert_allclose(erm.SQUARED_DISTANCE_VAR, m4 - m2**2, rtol=1e-13)


# ---------------------------------------------------------------- nearest neighbours


@pytest.mark.parametrize("periodic", [False, True])
@pytest.mark.parametrize("k", [1, 3])
def test_knn_regress_matches_kdtree(periodic, k):
    rng = np.random.default_rng(100 + k + 10 * periodic)
    x, y, q = rng.random((500, 3)), rng.standard_normal(500), rng.random((200, 3))
    pred, dist = erm.knn_regress(x, y, q, k=k, periodic=periodic, return_distance=True)
    tree = cKDTree(x, boxsize=1.0 if periodic else None)
    dd, ii = tree.query(q, k=k)
    dd, ii = dd.reshape(200, k), ii.reshape(200, k)
    assert_allclose(pred, y[ii].mean(axis=1), rtol=1e-12)
    assert_allclose(dist, dd[:, -1], rtol=1e-12)


def test_knn_regress_simple_and_k_equals_n():
    assert_allclose(erm.knn_regress([[0.0], [1.0]], [0.0, 10.0], [[0.2], [0.9]]), [0.0, 10.0])
    assert_allclose(erm.knn_regress([[0.0], [1.0], [5.0]], [1.0, 2.0, 6.0], [[0.3]], k=3), [3.0])
    # torus metric: 0.95 is at distance 0.1 from 0.05
    assert_allclose(erm.knn_regress([[0.05], [0.6]], [1.0, 2.0], [[0.95]], periodic=True), [1.0])


def test_knn_regress_errors():
    x, y = np.zeros((4, 2)), np.zeros(4)
    with pytest.raises(ValueError, match="`y_train` must have length 4"):
        erm.knn_regress(x, np.zeros(3), x)
    with pytest.raises(ValueError, match="`x_query` must have 2 columns"):
        erm.knn_regress(x, y, np.zeros((1, 3)))
    with pytest.raises(ValueError, match="`k` must be an integer <= 4"):
        erm.knn_regress(x, y, x, k=5)
    with pytest.raises(TypeError, match="`k` must be an integer"):
        erm.knn_regress(x, y, x, k=1.5)
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\)\^d"):
        erm.knn_regress(x + 1.0, y, x, periodic=True)
    with pytest.raises(ValueError, match="`x_train` must contain only finite values"):
        erm.knn_regress(np.full((4, 2), np.nan), y, x)
    with pytest.raises(ValueError, match="`x_train` must have ndim"):
        erm.knn_regress(np.zeros(4), y, x)
    with pytest.raises(TypeError, match="`periodic` must be a bool"):
        erm.knn_regress(x, y, x, periodic="yes")


@pytest.mark.parametrize("n", [1, 7, 50, 10**5])
def test_torus_nn_distance_moment_d1_exact(n):
    # d = 1: D is the minimum of n uniforms on [0, 1/2]; E D = 1/(2(n+1)), E D^2 = 1/(2(n+1)(n+2)).
    assert_allclose(erm.torus_nn_distance_moment(n, 1, power=1), 1 / (2 * (n + 1)), rtol=1e-11)
    assert_allclose(erm.torus_nn_distance_moment(n, 1), 1 / (2 * (n + 1) * (n + 2)), rtol=1e-11)


def test_torus_nn_distance_moment_d2_exact_and_asymptotic():
    # d = 2, p = 2: int_0^{1/2} 2r (1 - pi r^2)^n dr = (1 - (1 - pi/4)^(n+1)) / (pi (n+1)).
    for n in (200, 5000):
        exact = (1 - (1 - math.pi / 4) ** (n + 1)) / (math.pi * (n + 1))
        assert_allclose(erm.torus_nn_distance_moment(n, 2), exact, rtol=1e-11)
    # large n: Gamma(1 + p/d) (n V_d)^(-p/d) (lecture, Prop. torus)
    n, d = 10**7, 5
    asym = special.gamma(1 + 2 / d) * (n * erm.ball_volume(d)) ** (-2 / d)
    assert_allclose(erm.torus_nn_distance_moment(n, d), asym, rtol=1e-5)


def test_torus_nn_distance_moment_monte_carlo():
    rng = np.random.default_rng(8)
    n, d = 3000, 3
    dist = np.concatenate([
        erm.knn_regress(rng.random((n, d)), np.zeros(n), rng.random((500, d)), periodic=True, return_distance=True)[1]
        for _ in range(20)
    ])
    # each block of 500 queries shares one training set; 20 blocks make the error estimate honest
    blocks = (dist**2).reshape(20, 500).mean(axis=1)
    se = blocks.std(ddof=1) / np.sqrt(20)
    assert abs(blocks.mean() - erm.torus_nn_distance_moment(n, d)) < 4 * se


def test_torus_regime_error():
    with pytest.raises(ValueError, match="Increase `n`"):
        erm.torus_nn_distance_moment(10, 8)
    with pytest.raises(ValueError, match="Increase `n`"):
        erm.torus_sine_nn_risk(10, 8)


def _sine_risk_by_density(n, d, omega):
    """1 - E Omega_d(2 pi D) with the density of D, integrated directly in r (independent check)."""
    vd = erm.ball_volume(d)

    def dens(r):
        return n * d * vd * r ** (d - 1) * (1 - vd * r**d) ** (n - 1)

    scale = (n * vd) ** (-1 / d)
    val = integrate.quad(lambda r: (1 - omega(2 * math.pi * r)) * dens(r), 0, 0.5, points=[scale], limit=200, epsabs=1e-15)[0]
    return val


@pytest.mark.parametrize(
    "d, omega",
    [
        (1, np.cos),  # a uniform unit vector in d = 1 is +-1
        (3, lambda t: np.sinc(t / np.pi)),  # Omega_3(t) = sin t / t
    ],
)
@pytest.mark.parametrize("n", [50, 400])
def test_torus_sine_nn_risk_independent_quadrature(d, omega, n):
    assert_allclose(erm.torus_sine_nn_risk(n, d), _sine_risk_by_density(n, d, omega), rtol=1e-8)


def test_torus_sine_nn_risk_asymptotic():
    # large n: (2 pi^2 / d) E D^2 (lecture, eq-torus-risk)
    for d in (2, 5):
        n = 10**8
        lead = 2 * math.pi**2 / d * erm.torus_nn_distance_moment(n, d)
        assert_allclose(erm.torus_sine_nn_risk(n, d), lead, rtol=5e-3)


def test_torus_sine_nn_risk_monte_carlo():
    rng = np.random.default_rng(21)
    n, d, reps = 2000, 2, 30
    mse = np.empty(reps)
    for r in range(reps):
        x, q = rng.random((n, d)), rng.random((400, d))
        mse[r] = np.mean((erm.knn_regress(x, erm.torus_sine_target(x), q, periodic=True) - erm.torus_sine_target(q)) ** 2)
    assert abs(mse.mean() - erm.torus_sine_nn_risk(n, d)) < 4 * mse.std(ddof=1) / np.sqrt(reps)


def test_torus_sine_target_moments():
    x = np.random.default_rng(0).random((200000, 4))
    f = erm.torus_sine_target(x)
    assert abs(f.mean()) < 4 * np.sqrt(0.5 / x.shape[0])
    assert abs((f**2).mean() - 0.5) < 0.01


# ---------------------------------------------------------------- fitting


def test_fit_power_law_exact_data():
    x = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    fit = erm.fit_power_law(x, 3.0 * x**-0.7)
    assert_allclose([fit.exponent, fit.prefactor], [-0.7, 3.0], rtol=1e-12)
    assert fit.stderr < 1e-12 and fit.contains(-0.7)
    assert_allclose(fit.predict(32.0), 3.0 * 32.0**-0.7, rtol=1e-12)
    assert "-0.7000" in str(fit)


def test_fit_power_law_with_correction_recovers_parameters():
    x = np.geomspace(10, 1e5, 12)
    y = 2.5 * x**-0.5 * np.exp(1.3 * x**-0.5)
    fit = erm.fit_power_law(x, y, y_err=0.01 * y, correction=-0.5)
    assert_allclose([fit.exponent, fit.prefactor, fit.correction_coef], [-0.5, 2.5, 1.3], rtol=1e-10)
    assert_allclose(fit.predict(x), y, rtol=1e-10)


def test_fit_power_law_coverage():
    # Weighted fit with known Gaussian log-errors: the 95% interval must cover the truth ~95% of the time.
    rng = np.random.default_rng(4)
    x = np.geomspace(1, 1000, 8)
    hits = 0
    trials = 1000
    for _ in range(trials):
        y = 2 * x**-1.0 * np.exp(0.05 * rng.standard_normal(x.size))
        hits += erm.fit_power_law(x, y, y_err=0.05 * y).contains(-1.0)
    # binomial sd of the coverage with 1000 trials is 0.007
    assert abs(hits / trials - 0.95) < 0.03
    hits = sum(erm.fit_power_law(x, 2 * x**-1.0 * np.exp(0.05 * rng.standard_normal(x.size))).contains(-1.0) for _ in range(trials))
    assert abs(hits / trials - 0.95) < 0.03


def test_fit_power_law_errors():
    with pytest.raises(ValueError, match="must be positive"):
        erm.fit_power_law([1, 2, 3], [1, -1, 1])
    with pytest.raises(ValueError, match="without `y_err` at least 3 points"):
        erm.fit_power_law([1, 2], [1, 2])
    with pytest.raises(ValueError, match="same shape"):
        erm.fit_power_law([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="`confidence` must be < 1"):
        erm.fit_power_law([1, 2, 3], [1, 2, 3], confidence=1.0)
    with pytest.raises(ValueError, match="`correction` must be < 0"):
        erm.fit_power_law([1, 2, 3, 4], [1, 2, 3, 4], correction=0.5)
    with pytest.raises(ValueError, match="at least two distinct"):
        erm.fit_power_law([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="`y_err` must be positive"):
        erm.fit_power_law([1, 2], [1, 2], y_err=[0.1, 0.0])


# ---------------------------------------------------------------- least squares


def test_gaussian_linear_data_population_risk():
    rng = np.random.default_rng(9)
    w_star = np.array([1.0, -2.0, 0.5])
    X, y = erm.gaussian_linear_data(200000, w_star, noise_var=0.09, rng=rng)
    w = np.array([0.5, -2.0, 0.0])
    # R(w) = ||w - w_*||^2 + Delta = 0.25 + 0.25 + 0.09
    resid = (y - X @ w) ** 2
    assert abs(resid.mean() - 0.59) < 4 * resid.std() / np.sqrt(resid.size)


def test_ols_expected_estimation_error_formula_and_mc():
    assert_allclose(erm.ols_expected_estimation_error(10, 100, 2.0), 2.0 * 10 / 89)
    rng = np.random.default_rng(10)
    p, n, reps = 5, 20, 4000
    errs = np.empty(reps)
    for r in range(reps):
        X, y = erm.gaussian_linear_data(n, np.ones(p), noise_var=1.0, rng=rng)
        errs[r] = np.sum((np.linalg.lstsq(X, y, rcond=None)[0] - 1.0) ** 2)
    assert abs(errs.mean() - erm.ols_expected_estimation_error(p, n, 1.0)) < 4 * errs.std() / np.sqrt(reps)


def test_ols_expected_estimation_error_errors():
    with pytest.raises(ValueError, match="`n` must be an integer >= 12"):
        erm.ols_expected_estimation_error(10, 11, 1.0)
    with pytest.raises(ValueError, match="`noise_var` must be >= 0"):
        erm.ols_expected_estimation_error(1, 10, -1.0)


def test_least_squares_gd_converges_with_the_predicted_rate():
    rng = np.random.default_rng(11)
    X, y = erm.gaussian_linear_data(80, np.arange(1.0, 6.0), noise_var=0.25, rng=rng)
    res = erm.least_squares_gd(X, y, n_steps=400)
    w_hat = np.linalg.lstsq(X, y, rcond=None)[0]
    assert_allclose(res.w[-1], w_hat, rtol=1e-9)
    assert_allclose(res.w[0], 0.0)
    S = X.T @ X / 80
    lam = np.linalg.eigvalsh(S)
    rho = (1 - res.step * lam[0]) ** 2
    dw = res.w[:40] - w_hat
    sub = 0.5 * np.einsum("ti,ij,tj->t", dw, S, dw)
    assert np.all(sub <= rho ** np.arange(40) * sub[0] * (1 + 1e-9))


def test_least_squares_gd_errors():
    X = np.eye(3)
    with pytest.raises(ValueError, match="`step` must be < 2/lambda_max"):
        erm.least_squares_gd(X, np.ones(3), n_steps=3, step=10.0)
    with pytest.raises(ValueError, match="`step` must be > 0"):
        erm.least_squares_gd(X, np.ones(3), n_steps=3, step=0.0)
    with pytest.raises(ValueError, match="`n_steps` must be an integer >= 0"):
        erm.least_squares_gd(X, np.ones(3), n_steps=-1)
    with pytest.raises(ValueError, match="`y` must have length 3"):
        erm.least_squares_gd(X, np.ones(2), n_steps=1)


# ---------------------------------------------------------------- validation


def test_validation_messages():
    with pytest.raises(TypeError, match="`d` must be an integer, got True"):
        erm.ball_volume(True)
    with pytest.raises(ValueError, match="`d` must be an integer >= 1, got 0"):
        erm.ball_volume(0)
    with pytest.raises(ValueError, match="`radius` must be >= 0.0"):
        erm.ball_volume(2, -1.0)
    with pytest.raises(ValueError, match="`radius` must be finite"):
        erm.ball_volume(2, np.inf)
    with pytest.raises(TypeError, match="`radius` must be a real number"):
        erm.ball_volume(2, "1")
    with pytest.raises(TypeError, match="`points` must be a real numeric array"):
        erm.relative_contrast(np.array([["a", "b"]]), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="`queries` must have the same dimension"):
        erm.relative_contrast(np.zeros((3, 2)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="coincides"):
        erm.relative_contrast(np.array([[0.0, 0.0], [1.0, 1.0]]), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="`d` must be >= 1"):
        erm.relative_contrast_asymptotic(10, [0, 3])
