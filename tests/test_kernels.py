"""Unit tests of course_lib.kernels against closed forms, Monte Carlo expectations and exact limits."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, optimize

from course_lib import kernels as K


# ---------------------------------------------------------------- arc-cosine kernels and the NTK


def _pairs(rng, k=6, d=4):
    return rng.standard_normal((k, d)), rng.standard_normal((k, d))


def test_arccos_kernels_against_monte_carlo():
    # k_n(x, y) = 2 E[1{w.x>0}1{w.y>0}(w.x)^n(w.y)^n], w ~ N(0, I) (Cho & Saul 2009, eq. (1)); 1e5 draws, 5 standard errors.
    rng = np.random.default_rng(1)
    X, Y = _pairs(rng)
    w = rng.standard_normal((100_000, 4))
    hx, hy = X @ w.T, Y @ w.T
    for order in (0, 1, 2):
        f = 2 * (hx > 0) * (hy > 0) * (hx * hy) ** order  # pairs (x_i, y_i)
        mc, se = f.mean(axis=1), f.std(axis=1) / np.sqrt(w.shape[0])
        exact = np.diag(K.arccos_kernel(X, Y, order))
        assert np.all(np.abs(mc - exact) < 5 * se), (order, mc, exact, se)


def test_arccos_kernel_diagonal_closed_forms():
    # theta = 0: J_0 = pi, J_1 = pi, J_2 = 3 pi, so k_0 = 1, k_1 = |x|^2, k_2 = 3 |x|^4 (Cho & Saul 2009, eq. (6)).
    x = np.array([[1.0, 2.0, -2.0]])
    assert_allclose(K.arccos_kernel(x, x, 0), [[1.0]], rtol=1e-14)
    assert_allclose(K.arccos_kernel(x, x, 1), [[9.0]], rtol=1e-14)
    assert_allclose(K.arccos_kernel(x, x, 2), [[3 * 81.0]], rtol=1e-14)
    # opposite inputs: theta = pi, every kernel vanishes
    assert_allclose(K.arccos_kernel(x, -x, 1), [[0.0]], atol=1e-14)


def test_relu_ntk_is_mean_of_empirical_ntk():
    # E Θ_m = Θ exactly for every m; average over 40 independent width-2000 networks, 5 standard errors.
    rng = np.random.default_rng(2)
    X, Y = _pairs(rng, 5, 3)
    exact = K.relu_ntk(X, Y)
    draws = np.array([K.empirical_ntk(K.two_layer_network(2000, 3, rng=rng), X, Y) for _ in range(40)])
    mc, se = draws.mean(0), draws.std(0, ddof=1) / np.sqrt(40)
    assert np.all(np.abs(mc - exact) < 5 * se + 1e-12)
    for layers in ("first", "second"):
        part = np.array([K.empirical_ntk(K.two_layer_network(2000, 3, rng=rng), X, Y, layers=layers) for _ in range(40)])
        assert np.all(np.abs(part.mean(0) - K.relu_ntk(X, Y, layers=layers)) < 5 * part.std(0, ddof=1) / np.sqrt(40) + 1e-12)


def test_relu_ntk_unit_inputs_bietti_mairal():
    # Unit inputs with <x, y> = u: Θ = (u κ0(u) + κ1(u))/2 with κ0 = (π - arccos u)/π,
    # κ1 = (u(π - arccos u) + sqrt(1 - u^2))/π (Bietti & Mairal 2019, Section 3.1).
    for u in (-0.9, -0.3, 0.0, 0.4, 0.95):
        x = np.array([[1.0, 0.0]])
        y = np.array([[u, np.sqrt(1 - u * u)]])
        k0 = (np.pi - np.arccos(u)) / np.pi
        k1 = (u * (np.pi - np.arccos(u)) + np.sqrt(1 - u * u)) / np.pi
        assert_allclose(K.relu_ntk(x, y)[0, 0], (u * k0 + k1) / 2, rtol=1e-13)


def test_relu_ntk_gram_positive_definite_iff_no_parallel_inputs():
    # Exercise ex-ntk-positive: Theta(X, X) is positive definite for pairwise non-parallel inputs, but singular for
    # d + 1 antipodal pairs +-v_i in R^d: sigma(u) - sigma(-u) = u and sigma'(u) + sigma'(-u) = 1 make the feature maps
    # of x and -x differ by a linear function, and d + 1 vectors of R^d are linearly dependent.
    rng = np.random.default_rng(11)
    V = rng.standard_normal((3, 2))
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    eig_pm = np.linalg.eigvalsh(K.relu_ntk(np.vstack([V, -V]), np.vstack([V, -V])))
    assert abs(eig_pm[0]) < 1e-12
    X = rng.standard_normal((6, 2))
    assert np.linalg.eigvalsh(K.relu_ntk(X, X))[0] > 1e-6


def test_symmetric_init_has_zero_output():
    net = K.two_layer_network(10, 3, symmetric=True, rng=3)
    assert_allclose(net(np.ones((4, 3))), 0.0, atol=1e-15)


def test_training_gradient_matches_finite_differences():
    # One step of size lr moves the parameters by -lr * grad; compare with central differences of the loss.
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((7, 3)), rng.standard_normal(7)
    for scaling in ("ntk", "mean_field"):
        net = K.two_layer_network(6, 3, scaling=scaling, rng=rng)
        lr = 1e-3
        moved = K.train_two_layer(net, X, y, lr=lr, max_steps=1).network
        grad = (net.params() - moved.params()) / lr
        theta, eps = net.params(), 1e-6

        def loss(t):
            n2 = K.TwoLayerNetwork(t[:18].reshape(6, 3).copy(), t[18:].copy(), scaling)
            return 0.5 * np.mean((n2(X) - y) ** 2)

        fd = np.array([(loss(theta + eps * e) - loss(theta - eps * e)) / (2 * eps) for e in np.eye(theta.size)])
        assert_allclose(grad, fd, rtol=1e-5, atol=1e-8)


def test_training_converges_and_interpolates():
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((8, 3)), rng.standard_normal(8)
    res = K.train_two_layer(K.two_layer_network(400, 3, rng=rng), X, y, lr=1.0, max_steps=20000, target_loss=1e-10)
    assert res.converged and res.losses[-1] <= 1e-10
    assert_allclose(res.network(X), y, atol=1e-4)


def test_kernel_regression_interpolates_and_ridge_shrinks():
    rng = np.random.default_rng(6)
    X, y = rng.standard_normal((10, 4)), rng.standard_normal(10)
    Kxx = K.relu_ntk(X, X)
    assert_allclose(K.kernel_regression(Kxx, y, Kxx), y, rtol=1e-8, atol=1e-10)
    assert np.linalg.norm(K.kernel_regression(Kxx, y, Kxx, lam=10.0)) < np.linalg.norm(y)


# ---------------------------------------------------------------- double descent, isotropic features


def test_ridgeless_risk_known_values_and_limits():
    # Hastie et al. (2022), Theorem 1: sigma^2 gamma/(1-gamma) and r^2(1-1/gamma) + sigma^2/(gamma-1).
    assert_allclose(K.ridgeless_risk(0.5, 2.0, 3.0), 3.0, rtol=1e-15)
    assert_allclose(K.ridgeless_risk(3.0, 2.0, 3.0), 2.0 * 2 / 3 + 1.5, rtol=1e-15)
    assert_allclose(K.ridgeless_risk(1e-8), 0.0, atol=1e-7)  # gamma -> 0: no variance
    assert_allclose(K.ridgeless_risk(1e8, 2.0, 1.0), 2.0, rtol=1e-7)  # gamma -> infinity: null risk r^2
    g = np.array([0.3, 2.0])
    assert K.ridgeless_risk(g).shape == (2,)


def test_ridge_risk_tends_to_ridgeless_and_to_null():
    for g in (0.2, 0.7, 1.5, 4.0):
        assert_allclose(K.ridge_risk(g, 1e-9, 1.3, 0.4), K.ridgeless_risk(g, 1.3, 0.4), rtol=1e-6)
        assert_allclose(K.ridge_risk(g, 1e9, 1.3, 0.4), 1.3, rtol=1e-6)  # lam -> infinity: w_hat -> 0


def test_risk_curve_of_the_explorer():
    g = np.array([0.5, 1.0, 2.0])
    assert_allclose(K.risk_curve(g, 0.0, 1.0, 0.0), [0.0, 0.0, 0.5], rtol=1e-15)  # noiseless: no peak
    assert np.isinf(K.risk_curve(g, 0.0)[1])
    assert_allclose(K.risk_curve(g, 0.3, 2.0, 0.5), K.ridge_risk(g, 0.3, 2.0, 0.5), rtol=1e-15)
    with pytest.raises(ValueError, match="one-dimensional grid"):
        K.risk_curve(1.0)


def test_optimal_ridge_minimises_ridge_risk():
    # lam* = sigma^2 gamma / r^2 (Hastie et al. 2022; Dobriban & Wager 2018, Thm 2.1); at gamma = r^2 = sigma^2 = 1,
    # the Stieltjes transform solves g^2 + g - 1 = 0, g = (sqrt 5 - 1)/2, and the optimal risk Delta gamma g
    # is (sqrt 5 - 1)/2.
    assert_allclose(K.optimal_ridge(1.0)[1], (np.sqrt(5) - 1) / 2, rtol=1e-14)
    for g in (0.5, 1.0, 2.5):
        lam_star, risk = K.optimal_ridge(g, 2.0, 0.5)
        res = optimize.minimize_scalar(lambda t: K.ridge_risk(g, np.exp(t), 2.0, 0.5), bounds=(-8, 5), method="bounded",
                                       options={"xatol": 1e-10})
        assert_allclose(np.exp(res.x), lam_star, rtol=1e-3)
        assert_allclose(res.fun, risk, rtol=1e-10)


def test_ridge_simulation_matches_formula():
    # n = 200 samples, 30 runs: agreement within 4 standard errors plus a 5% finite-n allowance (corrections O(1/n)).
    rng = np.random.default_rng(7)
    for p, lam in ((100, 0.0), (400, 0.0), (200, 0.5)):
        sim = K.ridge_regression_simulation(200, p, lam, signal=1.0, noise=0.5, n_runs=30, rng=rng)
        theory = K.ridgeless_risk(p / 200, 1.0, 0.5) if lam == 0 else K.ridge_risk(p / 200, lam, 1.0, 0.5)
        assert abs(sim.mean - theory) < 4 * sim.stderr + 0.05 * theory, (p, lam, sim.mean, theory)


# ---------------------------------------------------------------- random features


def test_activation_coefficients_relu_closed_form_and_quadrature():
    c = K.activation_coefficients("relu")
    assert_allclose([c.mu0, c.mu1, c.mu_star**2], [1 / np.sqrt(2 * np.pi), 0.5, 0.25 - 1 / (2 * np.pi)], rtol=1e-15)
    t = K.activation_coefficients("tanh")
    assert_allclose(t.mu0, 0.0, atol=1e-15)
    # mu1 = E G tanh(G) = E tanh'(G) (Stein); reference by adaptive quadrature (scipy.integrate.quad), an independent
    # method from the Gauss-Hermite rule of the library: 0.60570550960216.
    ref, _ = integrate.quad(lambda z: z * np.tanh(z) * np.exp(-z * z / 2) / np.sqrt(2 * np.pi), -np.inf, np.inf,
                            epsabs=1e-14, epsrel=1e-13)
    assert_allclose(t.mu1, ref, rtol=1e-10)
    # |G|: E|G| = sqrt(2/pi), E G|G| = 0, E G^2 = 1, so mu*^2 = 1 - 2/pi (half-normal moments).
    a = K.activation_coefficients("abs")
    assert_allclose([a.mu0, a.mu1, a.mu_star**2], [np.sqrt(2 / np.pi), 0.0, 1 - 2 / np.pi], rtol=1e-15, atol=1e-15)


def test_random_features_risk_limits():
    # psi1 -> 0: no features, the predictor is 0 and the risk is F_1^2 (B -> 1, V -> 0).
    r = K.random_features_risk(1e-7, 2.0, 1e-3, signal=1.0, noise=0.5)
    assert_allclose([r.bias, r.variance], [1.0, 0.0], atol=1e-5)
    # psi2 -> infinity with a large ridge: the variance term vanishes.
    r = K.random_features_risk(2.0, 1e7, 1.0, noise=1.0)
    assert r.variance < 1e-5
    assert r.converged and r.residual < 1e-10
    # the fixed-point equations hold for the returned nu_1, nu_2 (Mei & Montanari 2022, Definition 1)
    c = K.activation_coefficients("relu")
    psi1, psi2, lam = 1.5, 3.0, 0.01
    r = K.random_features_risk(psi1, psi2, lam)
    xi = 1j * np.sqrt(psi1 * psi2 * lam / c.mu_star**2)
    z2 = c.zeta**2
    n1, n2 = r.nu1, r.nu2
    assert_allclose(n1, psi1 / (-xi - n2 - z2 * n2 / (1 - z2 * n1 * n2)), rtol=1e-10)
    assert_allclose(n2, psi2 / (-xi - n1 - z2 * n1 / (1 - z2 * n1 * n2)), rtol=1e-10)


def test_random_features_risk_kernel_limit_psi1_to_infinity():
    # psi1 -> infinity: kernel ridge regression with the limiting kernel (the limit discussed by Mei & Montanari 2022;
    # the reference below is derived independently, see the random_features_risk docstring). Its kernel matrix
    # linearises to mu0^2 11^T + mu1^2 XX^T/d + mu*^2 I (El Karoui, Ann. Statist. 38 (2010) 1-50), so the risk is that
    # of ridge regression on the raw inputs, gamma = 1/psi2, ridge (mu*^2 + psi2 lam)/(mu1^2 psi2) (ridge_risk, itself
    # checked against Hastie et al. 2022 above). The correction is O(1/psi1): 1e-5 relative at psi1 = 1e6.
    c = K.activation_coefficients("relu")
    for psi2, lam, noise in ((3.0, 0.1, 0.5), (0.5, 0.05, 0.2), (2.0, 1e-3, 0.0)):
        rf = K.random_features_risk(1e6, psi2, lam, signal=1.0, noise=noise).risk
        lam_eff = (c.mu_star**2 + psi2 * lam) / (c.mu1**2 * psi2)
        assert_allclose(rf, K.ridge_risk(1.0 / psi2, lam_eff, 1.0, noise), rtol=1e-5)


def test_random_features_ridgeless_peak_at_interpolation_threshold():
    # lam -> 0 with noise: the risk blows up at psi1 = psi2 (N = n), the interpolation threshold of Mei & Montanari
    # 2022, and is finite on either side (a factor 100 is far below the ratio, which diverges as lam -> 0).
    psi2 = 2.0
    at = K.random_features_risk(psi2, psi2, 1e-8, noise=0.5).risk
    for psi1 in (1.0, 4.0):
        assert K.random_features_risk(psi1, psi2, 1e-8, noise=0.5).risk < at / 100


def test_random_features_simulation_matches_asymptotics():
    # d = 150, psi2 = 2, psi1 = 4 (away from the peak): 6 runs, 4 standard errors plus 8% for finite-d corrections.
    rng = np.random.default_rng(8)
    sim = K.random_features_regression(300, 600, 150, 1e-2, signal=1.0, noise=0.2, n_runs=6, rng=rng)
    theory = K.random_features_risk(4.0, 2.0, 1e-2, signal=1.0, noise=0.2).risk
    assert abs(sim.mean - theory) < 4 * sim.stderr + 0.08 * theory, (sim.mean, sim.stderr, theory)


# ---------------------------------------------------------------- benign overfitting


def test_effective_ranks_flat_and_inequalities():
    assert_allclose(K.effective_ranks(np.ones(50), 10), (40.0, 40.0), rtol=1e-15)
    lam = 1.0 / np.arange(1, 200) ** 1.5
    for k in (0, 5, 50):
        r, R = K.effective_ranks(lam, k)
        assert r <= R <= r * r  # elementary: lambda_i <= lambda_{k+1} for i > k, and Cauchy-Schwarz
    # critical index of a spiked-plus-flat spectrum: k* = number of spikes
    spec = np.concatenate([np.ones(3), np.full(1000, 1e-3)])
    assert K.critical_index(spec, 100) == 3
    t = K.benign_bound_terms(spec, 100)
    assert_allclose(t.variance, 3 / 100 + 100 / 1000, rtol=1e-12)
    # the theorem needs b > 1 (Bartlett, Long, Lugosi, Tsigler 2020, Theorem 4): b = 1 is refused, and b matters --
    # for lambda_i = i^-2, r_k is about k + 2, so k* is about b n - 2
    with pytest.raises(ValueError, match="`b` must be"):
        K.benign_bound_terms(spec, 100, b=1.0)
    decay = 1.0 / np.arange(1, 2001) ** 2
    assert K.benign_bound_terms(decay, 100, b=2.0).k_star > 1.5 * K.critical_index(decay, 100, 1.0)


def test_min_norm_variance_isotropic_exact():
    # Sigma = I, p > n + 1: E tr (X X^T)^{-1} = n/(p - n - 1) (mean of the inverse Wishart), noise 1.
    rng = np.random.default_rng(9)
    bias, var = K.min_norm_interpolation_risk(np.ones(60), 20, np.zeros(60), n_runs=400, rng=rng)
    assert_allclose(bias.mean, 0.0, atol=1e-20)
    assert abs(var.mean - 20 / 39) < 4 * var.stderr
    # bias with w* = e_1, Sigma = I: E |(I - Pi) e_1|^2 = 1 - n/p exactly
    w = np.zeros(60)
    w[0] = 1.0
    bias, _ = K.min_norm_interpolation_risk(np.ones(60), 20, w, noise=0.0, n_runs=400, rng=rng)
    assert abs(bias.mean - 40 / 60) < 4 * bias.stderr


# ---------------------------------------------------------------- bad input


def test_bad_input_messages():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match="`order` must be an integer <= 2"):
        K.arccos_kernel(x, x, 3)
    with pytest.raises(ValueError, match="non-zero rows"):
        K.arccos_kernel(np.zeros((1, 3)), x, 1)
    with pytest.raises(ValueError, match="`Y` must have 3 columns"):
        K.relu_ntk(x, np.ones((2, 2)))
    with pytest.raises(ValueError, match="`layers` must be one of"):
        K.relu_ntk(x, x, layers="third")
    with pytest.raises(ValueError, match="`width` must be even"):
        K.two_layer_network(5, 3, symmetric=True)
    with pytest.raises(ValueError, match="`scaling` must be one of"):
        K.two_layer_network(4, 3, scaling="mup")
    with pytest.raises(TypeError, match="`params` must be a TwoLayerNetwork"):
        K.empirical_ntk("net", x, x)
    with pytest.raises(ValueError, match="`y` must have one entry per row"):
        K.train_two_layer(K.two_layer_network(4, 3, rng=0), x, np.ones(3), lr=0.1, max_steps=1)
    with pytest.raises(FloatingPointError, match="decrease `lr`"):
        K.train_two_layer(K.two_layer_network(50, 3, rng=0), np.eye(3), np.ones(3), lr=1e3, max_steps=500,
                          train="second")
    with pytest.raises(ValueError, match="`K_train` must be square"):
        K.kernel_regression(np.ones((2, 3)), np.ones(2), np.ones((1, 2)))
    with pytest.raises(ValueError, match="`gamma` must differ from 1"):
        K.ridgeless_risk(1.0)
    with pytest.raises(ValueError, match="`gamma` must be > 0"):
        K.ridge_risk(-1.0, 0.1)
    with pytest.raises(ValueError, match="`lam` must be > 0"):
        K.ridge_risk(2.0, 0.0)
    with pytest.raises(ValueError, match="`signal` must be > 0"):
        K.optimal_ridge(2.0, signal=0.0)
    with pytest.raises(ValueError, match="`activation` must be one of"):
        K.random_features_risk(1.0, 1.0, 0.1, activation="gelu")
    with pytest.raises(ValueError, match="`psi1` must be > 0"):
        K.random_features_risk(0.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="`eigenvalues` must be non-negative"):
        K.effective_ranks([1.0, -1.0], 0)
    with pytest.raises(ValueError, match="leave a positive eigenvalue"):
        K.effective_ranks([1.0, 0.0], 1)
    with pytest.raises(ValueError, match="no k with r_k"):
        K.critical_index([1.0, 1.0], 10)
    with pytest.raises(ValueError, match="`n` must be an integer <= 2"):
        K.min_norm_interpolation_risk([1.0, 1.0, 1.0], 3, np.zeros(3))
    with pytest.raises(ValueError, match="`w_star` must have 3 entries"):
        K.min_norm_interpolation_risk([1.0, 1.0, 1.0], 2, np.zeros(2))
