"""Tests of course_lib.rmt.free_additive_convolution(_pdf) (free additive convolution by subordination).

Closed forms used as references (Mingo and Speicher 2017, ch. 2-3; Voiculescu 1986 for the R-transform):
- semicircle(s1) ⊞ semicircle(s2) = semicircle(s1 + s2), since R(g) = s g is additive; the density
  sqrt(4 s - x^2)/(2 pi s) is the library's semicircle_pdf rescaled (semicircle_pdf is the s = 1 case);
- free Poisson(l1, a) ⊞ free Poisson(l2, a) = free Poisson(l1 + l2, a), since R(g) = l a/(1 - a g); for a = 1 the
  free Poisson law of rate l is the law of (1/N) X X^T, X in R^{N x M}, M/N = l, i.e. the Marchenko--Pastur law of
  ratio 1/l scaled by l: density mp(x/l; 1/l)/l (library's marchenko_pastur_pdf, tested in test_rmt.py);
- (δ_{-1} + δ_1)/2 ⊞ (δ_{-1} + δ_1)/2 = the arcsine law 1/(pi sqrt(4 - x^2)) on (-2, 2) (the
  lecture free_probability.ipynb, exercise fp-ex-arcsine, derives it from R(g) = (sqrt(1 + 4 g^2) - 1)/(2 g));
- δ_c ⊞ mu = mu shifted by c (R_{δ_c} = c);
- mean and variance (first two free cumulants) are additive; total mass is 1.
"""

import numpy as np
import pytest

from course_lib import rmt


def semicircle(x, s):
    return rmt.semicircle_pdf(np.asarray(x) / np.sqrt(s)) / np.sqrt(s)


@pytest.mark.parametrize("s1, s2", [(1.0, 1.0), (0.5, 2.0), (3.0, 0.01)])
def test_semicircle_plus_semicircle(s1, s2):
    s = s1 + s2
    x = np.linspace(-2.2 * np.sqrt(s), 2.2 * np.sqrt(s), 2001)
    res = rmt.free_additive_convolution(x, rmt.semicircle_law(s1), rmt.semicircle_law(s2))
    assert res.converged and res.residual < 1e-11
    err = np.max(np.abs(res.pdf - semicircle(x, s))) * np.sqrt(s)
    # eta = 1e-9 * scale: the Cauchy smoothing error is O(sqrt(eta)) ~ 3e-5 at the square-root edge,
    # O(eta) inside; measured <= 4e-9 (relative to the peak height ~ 1/sqrt(s))
    assert err < 1e-6, err
    # negative control: the semicircle of the summed standard deviations (s = (sqrt s1 + sqrt s2)^2, the law of
    # A + B when A and B are "the same" matrix up to scale) is rejected
    wrong = semicircle(x, (np.sqrt(s1) + np.sqrt(s2)) ** 2)
    assert np.max(np.abs(res.pdf - wrong)) * np.sqrt(s) > 1e-2


@pytest.mark.parametrize("l1, l2", [(0.5, 0.8), (2.0, 1.5), (0.3, 3.0)])
def test_free_poisson_rates_add(l1, l2):
    lam = l1 + l2
    hi = (1.0 + np.sqrt(lam)) ** 2
    x = np.linspace(0.02, 1.1 * hi, 3001)
    f = rmt.free_additive_convolution_pdf(x, rmt.free_poisson_law(l1), rmt.free_poisson_law(l2))
    ref = rmt.marchenko_pastur_pdf(x / lam, 1.0 / lam) / lam
    err = np.max(np.abs(f - ref))
    # O(sqrt(eta)) at the two square-root edges; measured <= 1.1e-5
    assert err < 1e-4, err
    # negative control: rates do not add classically as variances of a Gaussian-like law; the MP law with the
    # rate of the larger summand alone is far
    bad = rmt.marchenko_pastur_pdf(x / max(l1, l2), 1.0 / max(l1, l2)) / max(l1, l2)
    assert np.max(np.abs(f - bad)) > 0.02


def test_free_poisson_with_jump_size():
    a = 0.7
    x = np.linspace(0.01, 8.0, 2001)
    f = rmt.free_additive_convolution_pdf(x, rmt.free_poisson_law(1.2, a), rmt.free_poisson_law(0.9, a))
    lam = 2.1
    ref = rmt.marchenko_pastur_pdf(x / (a * lam), 1.0 / lam) / (a * lam)
    assert np.max(np.abs(f - ref)) < 1e-4


def test_bernoulli_plus_bernoulli_is_arcsine():
    x = np.linspace(-1.98, 1.98, 1001)
    f = rmt.free_additive_convolution_pdf(x, [-1.0, 1.0], [1.0, -1.0])
    ref = 1.0 / (np.pi * np.sqrt(4.0 - x**2))
    assert np.max(np.abs(f / ref - 1.0)) < 1e-6  # measured 1e-11
    # outside [-2, 2] the density vanishes (Im G = O(eta))
    out = rmt.free_additive_convolution_pdf(np.array([-3.0, 2.5, 4.0]), [-1.0, 1.0], [-1.0, 1.0])
    assert np.all(out < 1e-7)
    # negative control: the classical convolution (atoms -2, 0, 2) and the semicircle of the same variance 2
    assert np.max(np.abs(f - semicircle(x, 2.0))) > 0.05


def test_point_mass_shifts():
    x = np.linspace(-3.0, 5.0, 801)
    f = rmt.free_additive_convolution_pdf(x, [1.5, 1.5], rmt.semicircle_law(1.0))
    assert np.max(np.abs(f - rmt.semicircle_pdf(x - 1.5))) < 1e-4  # O(sqrt(eta)) at the edges; measured 1.3e-5


def test_mass_mean_variance_additive():
    rng = np.random.default_rng(7)
    a = rng.uniform(-1.0, 2.0, size=12)
    b = rng.exponential(1.0, size=9)
    lo = a.min() + b.min() - 1.0
    hi = a.max() + b.max() + 1.0
    x = np.linspace(lo, hi, 8001)
    res = rmt.free_additive_convolution(x, a, b)
    assert res.converged
    mass = np.trapezoid(res.pdf, x)
    m1 = np.trapezoid(x * res.pdf, x)
    var = np.trapezoid((x - m1) ** 2 * res.pdf, x)
    # the Cauchy tails of width eta ~ 1e-9 leave out O(eta/(hi - lo)) of the mass; trapezoid error at the
    # square-root edges O(h^{3/2}) ~ 1e-6; measured |mass - 1| ~ 1e-7
    assert abs(mass - 1.0) < 1e-4, mass
    assert abs(m1 - (a.mean() + b.mean())) < 1e-4, m1
    assert abs(var - (a.var() + b.var())) < 1e-4 * (a.var() + b.var()), var
    # negative control: the variance of a + b with the atoms matched in sorted order (not free) differs
    k = min(a.size, b.size)
    assert abs(np.var(np.sort(a)[:k] + np.sort(b)[:k]) - var) > 1e-2


def _ks(ev, x, pdf):
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]) * np.diff(x))])
    ev = np.sort(ev)
    n = ev.size
    F = np.interp(ev, x, cdf)
    i = np.arange(1, n + 1)
    return max(np.max(i / n - F), np.max(F - (i - 1) / n))


def test_voiculescu_haar_rotation_simulation():
    n = 600
    rng = np.random.default_rng(0)
    a = np.repeat([-1.0, 1.0], n // 2)
    b = np.repeat([0.0, 1.0, 3.0], n // 3)
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q *= np.sign(np.diag(r))  # Haar orthogonal (Mezzadri 2007)
    ev = np.linalg.eigvalsh(np.diag(a) + (q * b) @ q.T)
    x = np.linspace(-2.5, 5.5, 4001)
    pdf = rmt.free_additive_convolution_pdf(x, a, b)
    ks = _ks(ev, x, pdf)
    # eigenvalue rigidity: the empirical CDF is within O(log n / n) ~ 1e-2 of the limit; measured 5e-3
    assert ks < 0.02, ks
    # negative control: U = I, the spectrum is {a_i + b_i}, not free: KS ~ 0.2
    assert _ks(a + b, x, pdf) > 0.1


def test_convergence_report_and_failure():
    # x = 2.214 is near a real zero of G_B (B = {0, 1, 3}): omega_A has a pole there and the solver needs its
    # second pass (roles swapped); with one iteration per level and tol = 1e-15 it cannot converge
    res = rmt.free_additive_convolution([2.214, 0.5], [-1.0, 1.0], [0.0, 1.0, 3.0], max_iter=1, tol=1e-15)
    assert not res.converged and res.n_iter == 1
    assert res.residual > 1e-15
    res = rmt.free_additive_convolution([2.214, 0.5], [-1.0, 1.0], [0.0, 1.0, 3.0])
    assert res.converged and res.residual < 1e-11 and abs(res.omega_a[0]) > 100.0
    assert isinstance(rmt.free_additive_convolution_pdf(0.3, [0.0, 1.0], [0.0, 2.0]), float)
    res = rmt.free_additive_convolution(np.full((2, 3), 1.3), [0.0, 1.0], [0.0, 2.0])
    assert res.pdf.shape == (2, 3) and res.omega_a.shape == (2, 3)
    # the subordination functions satisfy Im omega >= Im z and G_A(omega_A) = G_B(omega_B)
    z = res.x + 1j * res.eta
    assert np.all(res.omega_a.imag >= 0.999 * z.imag) and np.all(res.omega_b.imag >= 0.999 * z.imag)
    gb = np.mean(1.0 / (res.omega_b[..., None] - np.array([0.0, 2.0])), axis=-1)
    assert np.allclose(gb, res.cauchy, rtol=1e-8)
    assert np.allclose(res.omega_a + res.omega_b, z + 1.0 / res.cauchy, rtol=1e-8)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: rmt.free_additive_convolution_pdf(np.nan, [1.0], [1.0]), ValueError, r"`x` must contain only finite"),
        (lambda: rmt.free_additive_convolution_pdf("x", [1.0], [1.0]), TypeError, r"`x` must be a real numeric"),
        (lambda: rmt.free_additive_convolution_pdf(0.0, [], [1.0]), ValueError, r"`a` must have at least 1"),
        (lambda: rmt.free_additive_convolution_pdf(0.0, [[1.0]], [1.0]), ValueError, r"`a` must have ndim"),
        (lambda: rmt.free_additive_convolution_pdf(0.0, [1.0], [np.inf]), ValueError, r"`b` must contain only finite"),
        (lambda: rmt.free_additive_convolution_pdf(0.0, [1.0], None), TypeError, r"`b` must be a real numeric"),
        (lambda: rmt.free_additive_convolution(0.0, [1.0], [1.0], eta=0.0), ValueError, r"`eta` must be > 0"),
        (lambda: rmt.free_additive_convolution(0.0, [1.0], [1.0], tol=1.0), ValueError, r"`tol` must be <= 0.001"),
        (lambda: rmt.free_additive_convolution(0.0, [1.0], [1.0], max_iter=0), ValueError, r"`max_iter` must be an integer >= 1"),
        (lambda: rmt.semicircle_law(-1.0), ValueError, r"`variance` must be > 0"),
        (lambda: rmt.free_poisson_law(0.0), ValueError, r"`rate` must be > 0"),
        (lambda: rmt.free_poisson_law(1.0, np.nan), ValueError, r"`jump` must be finite"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --- jacobian_log_norm_moments (Hanin--Nica regime) -------------------------------------------------------------------
# References: E log chi^2_k = digamma(k/2) + log 2 and Var log chi^2_k = trigamma(k/2) (log of a Gamma(k/2, 2) variable);
# asymptotics digamma(x) = log x - 1/(2x) + O(x^-2), trigamma(x) = 1/x + O(x^-2) (Abramowitz--Stegun 6.3.18, 6.4.12).


def test_log_norm_moments_small_cases_by_hand():
    # N = 2, linear: chi^2_2 / 2 is Exp(1); E log = -Euler gamma, Var log = pi^2/6 (Gumbel moments)
    m, v = rmt.jacobian_log_norm_moments(1, 2, "linear")
    assert np.isclose(m, -np.euler_gamma, rtol=1e-13) and np.isclose(v, np.pi**2 / 6, rtol=1e-13)
    # N = 2, ReLU: K = 1 or 2 with probabilities 2/3, 1/3 given K >= 1; xi = log(chi^2_K) (2/N = 1)
    ek = np.array([-np.euler_gamma - np.log(2.0), -np.euler_gamma + np.log(2.0)])  # E log chi^2_1, chi^2_2 (digamma(1/2) = -gamma - 2 log 2)
    vk = np.array([np.pi**2 / 2, np.pi**2 / 6])  # trigamma(1/2) = pi^2/2, trigamma(1) = pi^2/6
    p = np.array([2.0, 1.0]) / 3.0
    mean = np.sum(p * ek)
    var = np.sum(p * vk) + np.sum(p * (ek - mean) ** 2)
    m, v = rmt.jacobian_log_norm_moments(3, 2, "relu")
    assert np.isclose(m, 3 * mean, rtol=1e-12) and np.isclose(v, 3 * var, rtol=1e-12)


@pytest.mark.parametrize("act, c_var", [("linear", 2.0), ("relu", 5.0)])
def test_log_norm_moments_leading_order(act, c_var):
    for n in (100, 1000, 10_000):
        m, v = rmt.jacobian_log_norm_moments(7, n, act)
        # variance c L/N and mean -c L/(2N), up to O(L/N^2): relative corrections O(1/N) with a constant < 20
        assert abs(v / (c_var * 7 / n) - 1) < 20 / n, (n, v)
        assert abs(m / (-c_var * 7 / (2 * n)) - 1) < 20 / n, (n, m)
    # negative control: the ReLU variance is not the linear one
    if act == "relu":
        assert rmt.jacobian_log_norm_moments(7, 1000, "relu")[1] > 2 * rmt.jacobian_log_norm_moments(7, 1000)[1]


@pytest.mark.parametrize("act", ["linear", "relu"])
def test_log_norm_moments_simulation(act):
    n, L, S = 16, 8, 4000
    c = 2.0 if act == "relu" else 1.0
    rng = np.random.default_rng(11)
    v = rng.standard_normal((S, n))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    for _ in range(L):
        h = np.einsum("sij,sj->si", rng.standard_normal((S, n, n)) * np.sqrt(c / n), v)
        v = h if act == "linear" else np.maximum(h, 0.0)
    ok = np.any(v != 0.0, axis=1)  # K = 0 in some layer (probability <= L 2^-N = 1.2e-4 per network) is excluded
    y = np.log(np.sum(v[ok] ** 2, axis=1))
    m, var = rmt.jacobian_log_norm_moments(L, n, act)
    se_m = y.std() / np.sqrt(y.size)
    se_v = np.sqrt(np.mean((y - y.mean()) ** 4) - y.var() ** 2) / np.sqrt(y.size)
    assert abs(y.mean() - m) < 4 * se_m, (y.mean(), m, se_m)
    assert abs(y.var() - var) < 4 * se_v, (y.var(), var, se_v)
    # negative control: the leading-order variance of the other activation is rejected
    wrong = (5.0 if act == "linear" else 2.0) * L / n
    assert abs(y.var() - wrong) > 4 * se_v


@pytest.mark.parametrize(
    "args, exc, match",
    [
        ((0, 10), ValueError, r"`depth` must be an integer >= 1"),
        ((2.5, 10), TypeError, r"`depth` must be an integer"),
        ((3, 0), ValueError, r"`width` must be an integer >= 1"),
        ((3, 1, "relu"), ValueError, r"`width` must be an integer >= 2"),
        ((3, 10**8), ValueError, r"`width` must be an integer <= 10000000"),
        ((3, 10, "tanh"), ValueError, r"`activation` must be one of"),
        ((3, None), TypeError, r"`width` must be an integer"),
    ],
)
def test_log_norm_moments_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        rmt.jacobian_log_norm_moments(*args)


def test_atoms_of_the_convolution():
    # Bercovici--Voiculescu (1998, "Regularity questions for free convolution"): mu ⊞ nu has an atom at a + b iff
    # mu({a}) + nu({b}) > 1, of mass mu({a}) + nu({b}) - 1. Here 3/4 + 3/4 - 1 = 1/2 at 0; the rest is continuous.
    x = np.linspace(-1.0, 3.0, 4001)
    res = rmt.free_additive_convolution(x, [0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0])
    assert res.converged
    i0 = np.argmin(np.abs(x))
    atom = res.pdf[i0] * np.pi * res.eta  # -Im G(i eta) ~ m/eta at an atom of mass m
    assert abs(atom - 0.5) < 1e-6, atom
    away = np.abs(x) > 1e-3
    assert abs(np.trapezoid(res.pdf[away], x[away]) - 0.5) < 1e-3
    # free Poisson laws of rates 0.3 and 0.2 (atoms 0.7 and 0.8 at 0): an atom of mass 0.5 at 0, as for rate 0.5
    res = rmt.free_additive_convolution([0.0], rmt.free_poisson_law(0.3), rmt.free_poisson_law(0.2))
    assert abs(res.pdf[0] * np.pi * res.eta - 0.5) < 1e-6


def test_point_masses_only_and_far_points():
    # δ_1 ⊞ δ_{1/2} = δ_{3/2}: the Cauchy-smoothed density is eta / (pi ((x - 3/2)^2 + eta^2)), finite everywhere
    x = np.array([0.0, 1.5, 3.0])
    res = rmt.free_additive_convolution(x, [1.0], [0.5])
    assert res.converged
    assert np.allclose(res.pdf, res.eta / (np.pi * ((x - 1.5) ** 2 + res.eta**2)), rtol=1e-8)
    res = rmt.free_additive_convolution([-1e90, 1e90], [0.0, 1.0], [2.0])
    assert res.converged and np.all(np.isfinite(res.pdf)) and np.all(res.pdf < 1e-100)


@pytest.mark.parametrize("law, pdf, lo, hi, atom", [
    (rmt.semicircle_law(2.0), lambda t: semicircle(t, 2.0), -2 * np.sqrt(2.0), 2 * np.sqrt(2.0), 0.0),
    (rmt.free_poisson_law(2.5), lambda t: rmt.marchenko_pastur_pdf(t / 2.5, 0.4) / 2.5,
     2.5 * (1 - np.sqrt(0.4)) ** 2, 2.5 * (1 + np.sqrt(0.4)) ** 2, 0.0),
    (rmt.free_poisson_law(0.5, 2.0), lambda t: rmt.marchenko_pastur_pdf(t / 1.0, 2.0) / 1.0,
     (1 - np.sqrt(2.0)) ** 2, (1 + np.sqrt(2.0)) ** 2, 0.5),
])
def test_named_law_cauchy_transform_against_quadrature(law, pdf, lo, hi, atom):
    # G(z) = atom/z + int pdf(t)/(z - t) dt, by Gauss--Legendre in t = c - r cos(theta) (smooth at the square-root edges);
    # free Poisson(rate l, jump u) = law of u l * MP(ratio 1/l) (same identity as above, scaled by u)
    c, r = (hi + lo) / 2, (hi - lo) / 2
    th, w = np.polynomial.legendre.leggauss(200)
    th = np.pi * (th + 1) / 2
    t = c - r * np.cos(th)
    jac = r * np.sin(th) * np.pi / 2
    z = np.array([0.3 + 1.0j, 2.0 + 0.5j, -1.0 + 0.5j, 5.0 + 2.0j])  # not too close to the support: 200 nodes suffice
    ref = atom / z + np.sum(w * jac * pdf(t) / (z[:, None] - t), axis=1)
    g, dg = law.cauchy_and_derivative(z)
    assert np.allclose(g, ref, rtol=1e-7), (g, ref)
    # the derivative formula against a central difference
    h = 1e-6
    assert np.allclose(dg, (law.cauchy(z + h) - law.cauchy(z - h)) / (2 * h), rtol=1e-6)
    assert law.mean == pytest.approx(np.sum(w * jac * t * pdf(t)), rel=1e-8)


def test_spectral_law_rejects_unknown_names_and_bad_params():
    with pytest.raises(ValueError, match=r"`name` must be one of"):
        rmt.SpectralLaw("gaussian", (1.0,), 0.0, 1.0)
    with pytest.raises(ValueError, match=r"`params` of a semicircle law"):
        rmt.SpectralLaw("semicircle", (-1.0,), 0.0, -1.0)
    with pytest.raises(ValueError, match=r"`params` of a free_poisson law"):
        rmt.SpectralLaw("free_poisson", (1.0,), 1.0, 1.0)
