"""Unit tests of course_lib.rmt against closed forms, published values and independent computations."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, linalg, optimize, stats
from scipy.linalg import eigvalsh_tridiagonal

from course_lib import rmt
from course_lib.rmt import _ensembles, _tracy_widom

# ---------------------------------------------------------------- Tracy-Widom

# Mean, variance, skewness, excess kurtosis of F_1, F_2, F_4 (F_4 in the convention
# F_4(s) = (det(I - B_{sqrt2 s}) + det(I + B_{sqrt2 s}))/2), as tabulated to 10-13 digits by
# F. Bornemann, Markov Process. Related Fields 16 (2010) 803-866, arXiv:0904.1581 (table of the
# moments of the Tracy-Widom distributions); F_1 and F_2 also in Praehofer & Spohn (2000) and
# Tracy & Widom (1994, 1996). Tolerance: one unit of the last published digit (the kurtosis digits
# quoted are truncated, not rounded, hence one full unit).
TW_MOMENTS = {
    1: ((-1.206533574583, 1.607781034581, 0.293464524086, 0.1652429384), (1e-12, 1e-12, 1e-12, 1e-10)),
    2: ((-1.771086807411, 0.8131947928329, 0.224084203610, 0.0934480876), (1e-12, 1e-13, 1e-12, 1e-10)),
    4: ((-2.306884893241, 0.5177237207726, 0.16550949435, 0.0491951565), (1e-12, 1e-13, 1e-11, 1e-10)),
}


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_tracy_widom_moments_published(beta):
    values, tols = TW_MOMENTS[beta]
    got = rmt.tracy_widom_moments(beta)
    assert isinstance(got, rmt.TracyWidomMoments)
    for name, g, v, tol in zip(got._fields, got, values, tols):
        assert abs(g - v) <= tol, f"beta={beta} {name}: {g!r} vs published {v!r}"


# Percentage points of F_1 to 4 decimals: I. M. Johnstone, Ann. Statist. 29 (2001) 295-327, Table 1
# (computed there from the Painleve II representation of Tracy and Widom).
JOHNSTONE_F1 = [(0.01, -3.8954), (0.05, -3.1804), (0.10, -2.7824), (0.30, -1.9104), (0.50, -1.2686),
                (0.70, -0.5923), (0.90, 0.4501), (0.95, 0.9793), (0.99, 2.0234)]


def test_tracy_widom_f1_percentiles_johnstone():
    for p, q in JOHNSTONE_F1:
        got = optimize.brentq(lambda s: rmt.tracy_widom_cdf(s, 1) - p, -6, 4, xtol=1e-12)
        assert abs(got - q) <= 0.5e-4 + 1e-9, (p, got, q)


@pytest.mark.parametrize("s", [-8.0, -5.0, -3.0, -1.5, 0.0, 1.0, 3.0, 6.0])
def test_tracy_widom_f2_matches_airy_kernel_determinant(s):
    # Independent discretisation: F_2(s) = det(I - K_Ai) on L^2(s, oo) with the Christoffel-Darboux
    # Airy kernel (Tracy-Widom 1994, eq. (1.4)); the product formula uses B_s instead.
    assert abs(rmt.tracy_widom_cdf(s, 2) - _tracy_widom._airy_kernel_f2(s, m=120)) < 1e-13


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_tracy_widom_discretisation_converged(beta):
    # Doubling the number of Gauss-Legendre nodes changes det(I -+ B_t) and its derivative by < 3e-13
    # (round-off of LU on ~100x100 matrices: the discretisation error itself is far smaller).
    for t in (-12.0, -7.0, -3.0, -0.5, 2.0, 8.0):
        a = np.array(_tracy_widom._dets(t))
        b = np.array(_tracy_widom._dets(t, 2 * _tracy_widom._n_nodes(t)))
        assert_allclose(a, b, rtol=0, atol=3e-13 * max(1.0, np.abs(b).max()))


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_tracy_widom_interpolant_matches_direct_nystroem(beta):
    # the public functions use a degree-140 Chebyshev interpolant of the Nystroem values
    s = np.linspace(-9.3, 11.1, 23) + 0.0137
    direct = np.array([_tracy_widom._cdf_pdf_scalar(x, beta) for x in s])
    assert_allclose(rmt.tracy_widom_cdf(s, beta), direct[:, 0], rtol=0, atol=2e-13)
    assert_allclose(rmt.tracy_widom_pdf(s, beta), direct[:, 1], rtol=0, atol=2e-13)


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_tracy_widom_tails_and_normalisation(beta):
    assert rmt.tracy_widom_cdf(-30.0, beta) == 0.0
    assert rmt.tracy_widom_cdf(40.0, beta) == 1.0
    assert rmt.tracy_widom_pdf(-30.0, beta) == 0.0  # underflows; the right tail decays like exp(-(2 beta/3) s^1.5)
    assert 0.0 < rmt.tracy_widom_pdf(40.0, beta) < 1e-70 and rmt.tracy_widom_pdf(200.0, beta) == 0.0
    s = np.linspace(-12, 14, 300)
    F = rmt.tracy_widom_cdf(s, beta)
    assert F.shape == s.shape and np.all(np.diff(F) >= -2e-13) and np.all((F >= 0) & (F <= 1))
    # the density integrates to the CDF: F(b) - F(a) = int_a^b f
    mass, _ = integrate.quad(lambda x: rmt.tracy_widom_pdf(x, beta), -4.0, 1.0, epsabs=1e-13, epsrel=1e-13)
    assert abs(mass - (rmt.tracy_widom_cdf(1.0, beta) - rmt.tracy_widom_cdf(-4.0, beta))) < 1e-12


def test_tracy_widom_identities():
    # F_2 = F_1 * det(I + B_s) and F_4(s/sqrt2) = (F_1(s) + F_2(s)/F_1(s)) / 2 (Tracy-Widom 1996; Ferrari-Spohn 2005)
    for s in (-3.0, -1.0, 0.5):
        f1, f2 = rmt.tracy_widom_cdf(s, 1), rmt.tracy_widom_cdf(s, 2)
        assert_allclose(rmt.tracy_widom_cdf(s / math.sqrt(2), 4), 0.5 * (f1 + f2 / f1), rtol=1e-13)


def test_tracy_widom_bad_input():
    with pytest.raises(ValueError, match="must be 1, 2 or 4 for the Tracy-Widom laws"):
        rmt.tracy_widom_cdf(0.0, beta=3)
    with pytest.raises(ValueError, match="only finite values"):
        rmt.tracy_widom_pdf([0.0, np.nan])


# ---------------------------------------------------------------- densities


def test_semicircle_normalised_and_catalan_moments():
    # x = 2 cos t turns the moments into trigonometric polynomials: Gauss-Legendre with 60 nodes is exact
    t, w = np.polynomial.legendre.leggauss(60)
    t, w = np.pi / 2 * (t + 1), np.pi / 2 * w
    x = 2 * np.cos(t)
    jac = 2 * np.sin(t)
    for k in range(0, 13):
        assert_allclose(np.sum(w * x**k * rmt.semicircle_pdf(x) * jac), rmt.semicircle_moment(k), rtol=1e-13, atol=1e-13)
    assert [rmt.semicircle_moment(2 * j) for j in range(8)] == [1, 1, 2, 5, 14, 42, 132, 429]  # OEIS A000108
    assert rmt.semicircle_pdf(2.5) == 0.0


@pytest.mark.parametrize("ratio", [0.1, 0.5, 1.0, 2.0, 7.5])
def test_marchenko_pastur_mass_and_narayana_moments(ratio):
    lo, hi = rmt.marchenko_pastur_edges(ratio)
    atom = rmt.marchenko_pastur_atom(ratio)
    # substitution x = c + r cos(t) removes the square-root edges
    c, r = (lo + hi) / 2, (hi - lo) / 2

    def moment(k):
        f = lambda t: (c + r * np.cos(t)) ** k * rmt.marchenko_pastur_pdf(c + r * np.cos(t), ratio) * r * np.sin(t)
        return integrate.quad(f, 0, np.pi, epsabs=1e-14, epsrel=1e-13, limit=200)[0]

    assert_allclose(moment(0) + atom, 1.0, rtol=1e-12)
    for k in range(1, 7):
        assert_allclose(moment(k), rmt.marchenko_pastur_moment(k, ratio), rtol=1e-10)
    # Narayana numbers N(4, j) = 1, 6, 6, 1 (OEIS A001263): m_4 = 1 + 6g + 6g^2 + g^3
    assert_allclose(rmt.marchenko_pastur_moment(4, ratio), 1 + 6 * ratio + 6 * ratio**2 + ratio**3, rtol=1e-14)


@pytest.mark.parametrize("ratio", [0.3, 1.0, 3.0])
def test_cdfs_integrate_the_densities(ratio):
    lo, hi = rmt.marchenko_pastur_edges(ratio)
    for x in np.linspace(lo, hi, 7)[1:-1]:
        val, _ = integrate.quad(lambda y: rmt.marchenko_pastur_pdf(y, ratio), lo, x, epsabs=1e-12, limit=200)
        assert_allclose(rmt.marchenko_pastur_cdf(x, ratio), rmt.marchenko_pastur_atom(ratio) + val, atol=1e-9)
    assert rmt.marchenko_pastur_cdf(hi + 1, ratio) == 1.0
    for x in (-1.5, -0.3, 0.7, 1.9):
        val, _ = integrate.quad(rmt.semicircle_pdf, -2, x, epsabs=1e-12)
        assert_allclose(rmt.semicircle_cdf(x), val, atol=1e-9)


def test_marchenko_pastur_bad_ratio():
    with pytest.raises(ValueError, match="`ratio` must be > 0.0"):
        rmt.marchenko_pastur_pdf(1.0, 0.0)


def test_fuss_catalan_numbers():
    # closed form and OEIS: A001764 (L=2: 1, 1, 3, 12, 55, 273), A002293 (L=3: 1, 1, 4, 22, 140, 969)
    assert [rmt.fuss_catalan_moment(2, k) for k in range(6)] == [1, 1, 3, 12, 55, 273]
    assert [rmt.fuss_catalan_moment(3, k) for k in range(6)] == [1, 1, 4, 22, 140, 969]
    for L in range(1, 11):
        for k in range(8):
            assert rmt.fuss_catalan_moment(L, k) == math.comb((L + 1) * k, k) // (L * k + 1)
            assert rmt.fuss_catalan_moment(L, k) * (L * k + 1) == math.comb((L + 1) * k, k)


@pytest.mark.parametrize("L", [1, 2, 3, 5, 10])
def test_fuss_catalan_density_moments(L):
    # Integrate in the angle phi of the parametrisation x = x(phi) (smooth integrand, Gauss-Legendre),
    # with dx/dphi = x [(L+1)^2 cot((L+1)phi) - cot(phi) - L^2 cot(L phi)], evaluating the density through
    # the public function (which inverts x(phi) by bisection).
    from course_lib.rmt._densities import _fc_x

    a = np.pi / (L + 1)
    p, w = np.polynomial.legendre.leggauss(400)
    p, w = a / 2 * (p + 1), a / 2 * w
    x = _fc_x(p, L)
    dx = x * ((L + 1) ** 2 / np.tan((L + 1) * p) - 1 / np.tan(p) - L**2 / np.tan(L * p))
    rho = rmt.fuss_catalan_pdf(x, L)
    for k in range(0, 6):
        assert_allclose(np.sum(w * x**k * rho * -dx), rmt.fuss_catalan_moment(L, k), rtol=1e-9)
    assert rmt.fuss_catalan_pdf(rmt.fuss_catalan_edge(L) * 1.01, L) == 0.0


def test_fuss_catalan_l1_is_marchenko_pastur():
    x = np.linspace(0.05, 3.95, 40)
    assert_allclose(rmt.fuss_catalan_pdf(x, 1), rmt.marchenko_pastur_pdf(x, 1.0), rtol=1e-12)


def test_fuss_catalan_bad_depth():
    with pytest.raises(ValueError, match="`L` must be an integer >= 1"):
        rmt.fuss_catalan_moment(0, 2)


# ---------------------------------------------------------------- ensembles


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_gaussian_ensemble_structure_and_moments(beta):
    rng = np.random.default_rng(40 + beta)
    n = 200
    h = rmt.gaussian_ensemble(n, beta, rng=rng)
    assert h.shape == ((2 * n, 2 * n) if beta == 4 else (n, n))
    assert_allclose(h, h.conj().T, atol=0)
    lam = np.linalg.eigvalsh(h)
    if beta == 4:  # Kramers degeneracy: every eigenvalue twice
        assert_allclose(lam[0::2], lam[1::2], atol=1e-10)
        lam = lam[0::2]
    # E (1/n) tr H^2 = 1 + (2/beta - 1)/n exactly; the fluctuation of (1/n) tr H^2 is O(1/n)
    m2 = np.mean(lam**2)
    assert abs(m2 - 1.0) < 8.0 / n
    assert abs(np.mean(lam**4) - 2.0) < 0.1


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_tridiagonal_and_dense_agree_in_distribution(beta):
    # Two-sample KS test on the largest eigenvalue (dense n=60 vs tridiagonal n=60), 400 samples each:
    # the same law gives p > 1e-3 except with probability 1e-3.
    rng = np.random.default_rng(7 + beta)
    n, reps = 60, 400
    dense = np.array([np.linalg.eigvalsh(rmt.gaussian_ensemble(n, beta, rng=rng))[-1] for _ in range(reps)])
    tri = np.array([rmt.beta_hermite_eigenvalues(n, beta, rng=rng)[-1] for _ in range(reps)])
    edge = rmt.largest_eigenvalue_samples(n, beta, reps, rng=rng, cutoff=None)
    assert stats.ks_2samp(dense, tri).pvalue > 1e-3
    assert stats.ks_2samp(dense, edge).pvalue > 1e-3
    # and the traces agree in mean: E (1/n) sum lambda^2 = 1 + (2/beta - 1)/n in both models
    t2 = np.mean([np.mean(rmt.beta_hermite_eigenvalues(n, beta, rng=rng) ** 2) for _ in range(200)])
    assert abs(t2 - (1 + (2 / beta - 1) / n)) < 4 * math.sqrt(2 * (2 / beta) / n**2 / 200) + 1e-3


def test_beta_hermite_general_beta_semicircle():
    lam = rmt.beta_hermite_eigenvalues(20000, 0.7, rng=3)
    ks = stats.kstest(lam, lambda x: np.clip((x * np.sqrt(np.clip(4 - x**2, 0, None)) / 2 + 2 * np.arcsin(np.clip(x / 2, -1, 1))) / (2 * np.pi) + 0.5, 0, 1))
    # KS distance of the empirical measure is O(log n / n) for rigid spectra; 1e-3 is generous at n = 2e4
    assert ks.statistic < 1e-3


@pytest.mark.parametrize("d, n, beta", [(200, 400, 1), (400, 200, 1), (300, 300, 2), (150, 600, 4)])
def test_wishart_tridiagonal_matches_dense(d, n, beta):
    rng = np.random.default_rng(d + n + beta)
    lam = rmt.wishart_eigenvalues(d, n, beta, rng=rng)
    assert lam.shape == (d,) and np.all(np.diff(lam) >= 0)
    assert np.count_nonzero(lam == 0.0) == max(0, d - n)
    # E tr(XX^T/n) = d and E tr (XX^T/n)^2 = d (d + n + (2/beta - 1)) / n (Wishart moments)
    reps = 60
    t1 = np.array([rmt.wishart_eigenvalues(d, n, beta, rng=rng).sum() for _ in range(reps)])
    assert abs(t1.mean() - d) < 4 * t1.std(ddof=1) / math.sqrt(reps)
    if beta == 1:  # same law as the dense matrix (nonzero eigenvalues: a two-sample KS test)
        x = rng.standard_normal((d, n))
        dense = np.linalg.eigvalsh(x @ x.T / n)[d - min(d, n):]
        assert stats.ks_2samp(dense, lam[d - min(d, n):]).pvalue > 1e-3


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_edge_truncation_is_negligible(beta):
    rng = np.random.default_rng(beta)
    n = 200_000
    diag, off = _ensembles._hermite_tridiagonal(n, float(beta), rng)
    k = int(np.ceil(10 * n ** (1 / 3)))
    full, trunc = np.empty(1), np.empty(1)
    _ensembles._top_eigenvalue_kernel(diag[None, :].copy(), off[None, :].copy(), 2.0, 0.01, 1e-16, full)
    _ensembles._top_eigenvalue_kernel(diag[None, :k].copy(), off[None, : k - 1].copy(), 2.0, 0.01, 1e-16, trunc)
    # on the Tracy-Widom scale the truncation error is ~1e-9 here (the edge eigenvector decays like
    # exp(-(2/3) (t - Lambda0)^{3/2}) in t = i / n^{1/3}, beyond its own eigenvalue's position Lambda0);
    # 1e-7 is five orders below any Monte Carlo resolution
    assert abs(full[0] - trunc[0]) * n ** (2 / 3) < 1e-7
    # and the bisection agrees with LAPACK's tridiagonal solver (whose own bisection tolerance is ~1e-12)
    ref = eigvalsh_tridiagonal(diag[:k], off[: k - 1], select="i", select_range=(k - 1, k - 1))[0]
    assert abs(ref - trunc[0]) < 1e-11


def test_edge_truncation_decays_from_the_eigenvalue_position_not_from_zero():
    # negative control for the docstring of largest_eigenvalue_samples: the eigenvector oscillates up to
    # t ~ Lambda0 = -n^{2/3}(lambda_max - 2) and decays only beyond, so the error at c = 8 is of order
    # exp(-(4/3)(8 - Lambda0)^{3/2}) ~ 1e-8..1e-5 (lecture on the spectral edge), not exp(-(4/3) 8^{3/2}) ~ 8e-14
    rng = np.random.default_rng(7)
    n, c = 100_000, 8
    k = int(np.ceil(c * n ** (1 / 3)))
    errs = []
    for _ in range(3):
        d, e = rmt.beta_hermite_tridiagonal(n, 2, rng=rng)
        errs.append(abs(rmt.tridiagonal_largest_eigenvalue(d[:k], e[: k - 1]) - rmt.tridiagonal_largest_eigenvalue(d, e)))
    assert max(errs) * n ** (2 / 3) > 1e4 * np.exp(-4 / 3 * c**1.5)


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_largest_eigenvalue_edge_is_tracy_widom(beta):
    # n = 10^6: finite-size corrections to the mean are O(n^{-2/3}) = 1e-4, far below the
    # Monte Carlo resolution of 2000 samples; KS p-value > 1e-3 and the mean within 4 standard errors.
    x = rmt.edge_scaled(rmt.largest_eigenvalue_samples(10**6, beta, 2000, rng=100 + beta), 10**6, beta)
    ks = stats.kstest(x, lambda s: rmt.tracy_widom_cdf(s, beta))
    assert ks.pvalue > 1e-3, ks
    m = rmt.tracy_widom_moments(beta)
    assert abs(x.mean() - m.mean) < 4 * math.sqrt(m.variance / x.size)


def test_wishart_edge_johnstone():
    rng = np.random.default_rng(11)
    d, n = 100, 400
    lam = np.array([rmt.wishart_eigenvalues(d, n, 1, rng=rng)[-1] for _ in range(800)])
    x = rmt.wishart_edge_scaled(lam, d, n, 1)
    assert stats.kstest(x, lambda s: rmt.tracy_widom_cdf(s, 1)).pvalue > 1e-3


def test_tridiagonal_largest_eigenvalue_public():
    d, e = rmt.beta_hermite_tridiagonal(300, 1.0, rng=4)
    assert_allclose(rmt.tridiagonal_largest_eigenvalue(d, e), eigvalsh_tridiagonal(d, e)[-1], atol=1e-12)
    with pytest.raises(ValueError, match="`off` must have length 299"):
        rmt.tridiagonal_largest_eigenvalue(d, e[:-1])


def test_ensemble_bad_input():
    with pytest.raises(ValueError, match="must be 1, 2 or 4 for a dense Gaussian ensemble"):
        rmt.gaussian_ensemble(5, beta=3)
    with pytest.raises(ValueError, match="`n` must be an integer >= 1"):
        rmt.beta_hermite_eigenvalues(0, 1.0)
    with pytest.raises(ValueError, match="`beta` must be > 0.0"):
        rmt.wishart_eigenvalues(3, 4, beta=0.0)
    with pytest.raises(ValueError, match="`cutoff` must be >= 1.0"):
        rmt.largest_eigenvalue_samples(100, 2, 10, cutoff=0.5)
    with pytest.raises(ValueError, match="must be 1 or 2 for Johnstone's Wishart scaling"):
        rmt.wishart_edge_scaled(4.0, 10, 20, beta=4)
    with pytest.raises(TypeError, match="`size` must be an integer"):
        rmt.largest_eigenvalue_samples(100, 2, 10.5)


# ---------------------------------------------------------------- spiked models


def test_spiked_formulas():
    assert_allclose(rmt.spiked_wigner_top_eigenvalue([0.0, 0.5, 1.0, 2.0, 4.0]), [2, 2, 2, 2.5, 4.25], rtol=1e-15)
    assert_allclose(rmt.spiked_wigner_overlap([0.5, 1.0, 2.0]), [0, 0, 0.75], rtol=1e-15)
    # spiked covariance at gamma = 0.25: threshold sqrt(gamma) = 0.5, edge (1.5)^2
    assert_allclose(rmt.spiked_covariance_top_eigenvalue([0.3, 1.0], 0.25), [2.25, 2.5], rtol=1e-15)
    assert_allclose(rmt.spiked_covariance_overlap([0.3, 1.0], 0.25), [0.0, 0.75 / 1.25], rtol=1e-15)
    # continuity at the threshold
    assert_allclose(rmt.spiked_covariance_top_eigenvalue(0.5 + 1e-9, 0.25), 2.25, rtol=1e-8)


@pytest.mark.parametrize("theta", [0.5, 2.0, 3.0])
def test_spiked_wigner_simulation(theta):
    # n = 800, 4 samples: above the transition the top eigenvalue and the overlap fluctuate by
    # O(n^{-1/2}) ~ 0.04 per sample (0.02 for the mean of 4); below it the eigenvalue sits at
    # 2 + O(n^{-2/3}) (mean TW_1 shift -1.2 n^{-2/3} = -0.014) and the overlap is O(1/n).
    rng = np.random.default_rng(int(10 * theta))
    tops, overlaps = [], []
    for _ in range(4):
        m, v = rmt.spiked_wigner(800, theta, rng=rng)
        w, u = linalg.eigh(m, subset_by_index=[799, 799])
        tops.append(w[-1])
        overlaps.append(abs(u[:, -1] @ v) ** 2)
    assert abs(np.mean(tops) - rmt.spiked_wigner_top_eigenvalue(theta)) < 0.06
    assert abs(np.mean(overlaps) - rmt.spiked_wigner_overlap(theta)) < 0.06


def test_spiked_bad_input():
    with pytest.raises(ValueError, match="`theta` must be >= 0"):
        rmt.spiked_wigner_overlap(-1.0)
    with pytest.raises(ValueError, match="must be 1 or 2 for the spiked Wigner model"):
        rmt.spiked_wigner(10, 1.0, beta=4)
    with pytest.raises(ValueError, match="`spike` must be >= 0"):
        rmt.spiked_covariance_overlap(-0.1, 1.0)


# ---------------------------------------------------------------- deep networks


def test_mean_field_fixed_point_closed_forms():
    # ReLU: q -> sigma_w^2 q / 2 + sigma_b^2, chi = sigma_w^2 / 2 (Poole et al. 2016; He et al. 2015)
    fp = rmt.mean_field_fixed_point("relu", 1.2, 0.5)
    assert fp.converged
    assert_allclose(fp.q_star, 0.25 / (1 - 0.72), rtol=1e-12)
    assert_allclose(fp.chi, 0.72, rtol=1e-14)
    assert not rmt.mean_field_fixed_point("linear", 1.5, 0.1).converged  # q grows geometrically
    # tanh: the fixed point satisfies the length map, E tanh^2 by adaptive quadrature
    fp = rmt.mean_field_fixed_point("tanh", 1.5, 0.3)
    e2 = integrate.quad(lambda z: np.tanh(np.sqrt(fp.q_star) * z) ** 2 * stats.norm.pdf(z), -12, 12, epsabs=1e-14)[0]
    assert_allclose(fp.q_star, 1.5**2 * e2 + 0.09, rtol=1e-12)
    sw = rmt.critical_sigma_w("tanh", 0.3)
    assert_allclose(rmt.mean_field_fixed_point("tanh", sw, 0.3).chi, 1.0, rtol=1e-12)


def test_deep_jacobian_moments_linear_is_fuss_catalan():
    for L in range(1, 8):
        mean, var = rmt.deep_jacobian_spectrum_moments(L, "linear", 1.0, 0.0, "gaussian")
        assert_allclose([mean, var + mean**2], [1.0, rmt.fuss_catalan_moment(L, 2)], rtol=1e-13)
    assert rmt.deep_jacobian_spectrum_moments(5, "linear", 1.0, 0.0, "orthogonal") == (1.0, 0.0)
    assert_allclose(rmt.deep_linear_jacobian_pdf(2.0, 3, 1.0), rmt.fuss_catalan_pdf(2.0, 3), rtol=1e-14)


def test_deep_jacobian_singular_values_simulation():
    rng = np.random.default_rng(8)
    s = rmt.deep_jacobian_singular_values([80] * 7, "tanh", 1.3, 0.1, "orthogonal", rng=rng)
    assert s.shape == (80,) and np.all(np.diff(s) <= 1e-12)
    assert_allclose(rmt.deep_jacobian_singular_values([60] * 5, "linear", 1.0, 0.0, "orthogonal", rng=rng), 1.0, rtol=1e-12)
    # one Gaussian layer, width 300: squared singular values of W are Marchenko-Pastur (gamma = 1); the normalised
    # second moment m2/m1^2 is 2 + O(1/N) (exact: E tr S^2 / d = 2 + 1/N)
    s2 = np.concatenate([rmt.deep_jacobian_singular_values([300, 300], "linear", 1.0, 0.0, rng=rng) ** 2 for _ in range(4)])
    assert abs(np.mean(s2**2) / np.mean(s2) ** 2 - 2.0) < 0.05
    # rectangular widths are allowed for Gaussian weights
    assert rmt.deep_jacobian_singular_values([30, 50, 20], "relu", 1.4, 0.0, rng=rng).shape == (20,)


def test_deep_bad_input():
    with pytest.raises(ValueError, match="`activation` must be one of"):
        rmt.mean_field_fixed_point("sigmoid", 1.0, 0.0)
    with pytest.raises(ValueError, match="`init` must be 'gaussian' or 'orthogonal'"):
        rmt.deep_jacobian_singular_values([10, 10], "tanh", 1.0, 0.0, init="xavier")
    with pytest.raises(ValueError, match="needs equal widths"):
        rmt.deep_jacobian_singular_values([10, 20], "tanh", 1.0, 0.0, init="orthogonal")
    with pytest.raises(ValueError, match="has no finite fixed point"):
        rmt.deep_jacobian_spectrum_moments(3, "relu", 2.0, 0.0)
    with pytest.raises(ValueError, match="the critical line has `sigma_b` = 0"):
        rmt.critical_sigma_w("relu", 0.1)


# ---------------------------------------------------------------- random features (Pennington-Worah 2017)


def _pw_mass_and_moments(eta, zeta, phi, psi, top):
    """Integral of the density (substitution x = s^2 for the x^(-1/2) edge at 0), plus the atom, and moments 1, 2."""
    s = np.linspace(0.0, np.sqrt(top), 6001)[1:]
    x = s * s
    w = rmt.random_features_pdf(x, eta, zeta, phi, psi) * 2 * s
    atom = rmt.random_features_atom(eta, zeta, phi, psi)
    return np.trapezoid(w, s) + atom, np.trapezoid(x * w, s), np.trapezoid(x * x * w, s)


def test_activation_constants_against_quadrature():
    # eta = Var f(sigma z), zeta = (sigma E f'(sigma z))^2 by adaptive quadrature; Gauss-Hermite converges slowly for
    # tanh(sigma z)^2 (poles at z = i pi/(2 sigma)), hence rtol 1e-7
    def gauss(g):
        dens = lambda z: g(z) * np.exp(-z * z / 2) / np.sqrt(2 * np.pi)  # noqa: E731
        return sum(integrate.quad(dens, a, b, epsabs=1e-14, epsrel=1e-13)[0] for a, b in [(-np.inf, 0), (0, np.inf)])

    for act, f, df in [("tanh", np.tanh, lambda h: 1 - np.tanh(h) ** 2), ("relu", lambda h: max(h, 0.0), lambda h: float(h > 0))]:
        for sigma in (0.5, 1.0, 2.0):
            c = rmt.activation_constants(act, sigma)
            mean = gauss(lambda z: f(sigma * z))
            assert_allclose(c.mean, mean, atol=1e-10)
            assert_allclose(c.eta, gauss(lambda z: f(sigma * z) ** 2) - mean**2, rtol=1e-7)
            assert_allclose(c.zeta, (sigma * gauss(lambda z: df(sigma * z))) ** 2, rtol=1e-7)
            assert 0 < c.zeta < c.eta
    assert rmt.activation_constants("linear", 1.5) == (0.0, 2.25, 2.25)


@pytest.mark.parametrize("phi,psi,eta", [(0.5, 1.0, 1.0), (2.0, 1.0, 0.7), (1.0, 2.0, 0.34)])
def test_random_features_zeta_zero_is_marchenko_pastur(phi, psi, eta):
    # zeta = 0: P = 1 + eta t P_phi P_psi is quadratic and M is a Wishart matrix with ratio n1/m = phi/psi, scale eta
    ratio = phi / psi
    x = eta * np.linspace(0.01, 5.0, 300)
    assert_allclose(rmt.random_features_pdf(x, eta, 0.0, phi, psi), rmt.marchenko_pastur_pdf(x / eta, ratio) / eta,
                    atol=1e-6)
    assert_allclose(rmt.random_features_atom(eta, 0.0, phi, psi), rmt.marchenko_pastur_atom(ratio), atol=1e-15)


@pytest.mark.parametrize("eta,zeta,phi,psi", [
    (1.0, 1.0, 0.5, 1.5),     # linear activation, cubic equation
    (1.0, 1.0, 0.5, 0.7),     # linear, rank n0 < n1: atom 1 - psi
    (0.3408, 0.25, 2 / 3, 4 / 3),  # ReLU constants
    (0.3408, 0.25, 2.0, 0.5),  # ReLU, rank m < n1: atom 1 - psi/phi
    (0.3, 0.1, 1.0, 1.0),     # square case, density ~ x^(-1/2) at 0
])
def test_random_features_density_normalised_with_moments(eta, zeta, phi, psi):
    # total mass 1 (atom included); m1 = eta and m2 = eta^2 (1 + phi/psi) + zeta^2/psi, from the series of P in t
    # (first two orders of the Pennington-Worah equation). Tolerance: trapezoid error at the square-root edges.
    m1, m2 = rmt.random_features_moments(eta, zeta, phi, psi)
    assert m1 == eta
    mass, n1, n2 = _pw_mass_and_moments(eta, zeta, phi, psi, top=30 * eta)
    assert_allclose(mass, 1.0, atol=3e-3)
    assert_allclose([n1, n2], [m1, m2], rtol=2e-3)


def test_random_features_stieltjes_large_z():
    # G(z) = 1/z + m1/z^2 + m2/z^3 + O(z^-4)
    eta, zeta, phi, psi = 0.3408, 0.25, 0.8, 1.3
    m1, m2 = rmt.random_features_moments(eta, zeta, phi, psi)
    z = np.array([200.0 + 1j, 500.0 + 20j])
    G = rmt.random_features_stieltjes(z, eta, zeta, phi, psi)
    assert_allclose(G, 1 / z + m1 / z**2 + m2 / z**3, rtol=1e-6)
    assert np.all(G.imag < 0)


@pytest.mark.parametrize("activation,linearized", [("relu", False), ("relu", True), ("tanh", False), ("linear", False)])
def test_random_features_simulation(activation, linearized):
    # seeded: n0 = 500, n1 = 400, m = 600. Eigenvalues are rigid, so the KS distance to the limit law is O(log n / n);
    # we allow 2 log(n1)/n1 as in the Marchenko-Pastur tests, and 5% on m2 (finite-size corrections O(1/n)).
    n0, n1, m = 500, 400, 600
    c = rmt.activation_constants(activation)
    ev = rmt.random_features_gram_eigenvalues(n0, n1, m, activation, linearized=linearized, rng=20261124)
    phi, psi = n0 / m, n0 / n1
    ks = stats.kstest(ev, lambda s: rmt.random_features_cdf(s, c.eta, c.zeta, phi, psi)).statistic
    assert ks < 2 * np.log(n1) / n1
    m1, m2 = rmt.random_features_moments(c.eta, c.zeta, phi, psi)
    assert_allclose(ev.mean(), m1, rtol=0.03)
    assert_allclose(np.mean(ev**2), m2, rtol=0.05)
    if activation == "relu":  # and the i.i.d.-features Marchenko-Pastur law (zeta = 0) is clearly rejected
        ks_mp = stats.kstest(ev, lambda s: rmt.random_features_cdf(s, c.eta, 0.0, phi, psi)).statistic
        assert ks_mp > 5 * ks


def test_random_features_bad_input():
    with pytest.raises(ValueError, match="`activation` must be one of"):
        rmt.activation_constants("gelu")
    with pytest.raises(ValueError, match="`zeta` must not exceed `eta`"):
        rmt.random_features_pdf([1.0], 1.0, 2.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="upper half plane"):
        rmt.random_features_stieltjes(1.0 + 0j, 1.0, 0.5, 1.0, 1.0)
    with pytest.raises(ValueError, match="phi"):
        rmt.random_features_moments(1.0, 0.5, 0.0, 1.0)
    with pytest.raises(ValueError, match="n1"):
        rmt.random_features_gram_eigenvalues(10, 0, 10, "relu")


# ---------------------------------------------------------------- Jacobian density by free multiplicative convolution


def test_deep_jacobian_density_linear_is_fuss_catalan():
    # linear Gaussian network: the S-transform equation reduces to psi = w (1 + psi)^(L+1), the Fuss-Catalan law
    for L in (1, 3, 8):
        edge = rmt.deep_jacobian_edge(L, "linear", 1.0, 0.0)
        assert_allclose(edge, rmt.fuss_catalan_edge(L), rtol=1e-10)
        x = np.linspace(0.05, 0.99, 40) * edge
        r = rmt.deep_jacobian_density(x, L, "linear", 1.0, 0.0)
        assert r.converged and r.residual < 1e-12 and r.atom == 0.0
        assert_allclose(r.pdf, rmt.fuss_catalan_pdf(x, L), rtol=1e-6)
    # the CDF at one layer is Marchenko-Pastur with ratio 1
    s = np.array([0.1, 0.5, 1.0, 2.0, 3.5])
    assert_allclose(rmt.deep_jacobian_cdf(s, 1, "linear", 1.0, 0.0), rmt.marchenko_pastur_cdf(s, 1.0), atol=2e-5)


def test_deep_jacobian_density_one_orthogonal_tanh_layer_is_law_of_d2():
    # L = 1, orthogonal weights: J J^T = sigma_w^2 D^2, whose density follows from the change of variables
    # d = sech^4(sqrt(q*) z), z ~ N(0, 1)
    sw, sb = 1.3, 0.3
    q = rmt.mean_field_fixed_point("tanh", sw, sb).q_star
    x = np.array([0.3, 0.8, 1.2, 1.5])
    d = x / sw**2
    z = np.arccosh(d**-0.25) / np.sqrt(q)
    exact = 2 * stats.norm.pdf(z) / (4 * np.sqrt(q) * d * np.tanh(np.sqrt(q) * z)) / sw**2
    assert_allclose(rmt.deep_jacobian_pdf(x, 1, "tanh", sw, sb, "orthogonal"), exact, rtol=1e-8)


@pytest.mark.parametrize("act, init, sb", [("tanh", "orthogonal", 0.05), ("tanh", "gaussian", 0.05),
                                           ("relu", "gaussian", 0.0), ("relu", "orthogonal", 0.0)])
def test_deep_jacobian_density_moments(act, init, sb):
    # the first two moments of the density equal the closed forms chi^L and the free-probability variance
    L = 6
    sw = rmt.critical_sigma_w(act, sb)
    edge = rmt.deep_jacobian_edge(L, act, sw, sb, init)
    grid = np.concatenate([np.geomspace(1e-12, 1e-2, 150), np.linspace(1e-2, 1 - 1e-9, 500)]) * edge
    r = rmt.deep_jacobian_density(grid, L, act, sw, sb, init, n_quad=61)
    assert r.converged
    assert r.atom == (0.5 if act == "relu" else 0.0)
    mean, var = rmt.deep_jacobian_spectrum_moments(L, act, sw, sb, init)
    trap = lambda f: np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(grid))  # noqa: E731
    assert_allclose(trap(grid * r.pdf), mean, rtol=2e-4)
    assert_allclose(trap(grid**2 * r.pdf), var + mean**2, rtol=2e-4)


def test_deep_jacobian_density_against_simulation():
    # width-300 tanh network with orthogonal weights, depth 4, two networks: KS distance below 0.05
    # (finite-width corrections to the spectrum are O(1/N) in the bulk; the bound is about 15 times that)
    rng = np.random.default_rng(11)
    sw = rmt.critical_sigma_w("tanh", 0.1)
    s2 = np.concatenate([rmt.deep_jacobian_singular_values([300] * 5, "tanh", sw, 0.1, "orthogonal", rng=rng) ** 2
                         for _ in range(2)])
    ks = stats.kstest(s2, lambda s: rmt.deep_jacobian_cdf(s, 4, "tanh", sw, 0.1, "orthogonal", n_grid=600)).statistic
    assert ks < 0.05


def test_deep_jacobian_density_bad_input():
    with pytest.raises(ValueError, match="`x` must contain points > 0"):
        rmt.deep_jacobian_density([0.0, 1.0], 2, "linear", 1.0, 0.0)
    with pytest.raises(ValueError, match="no density"):
        rmt.deep_jacobian_density([1.0], 2, "linear", 1.0, 0.0, "orthogonal")
    with pytest.raises(ValueError, match="`init` must be 'gaussian' or 'orthogonal'"):
        rmt.deep_jacobian_pdf([1.0], 2, "tanh", 1.2, 0.1, "xavier")
    with pytest.raises(ValueError, match="chaotic ReLU network"):
        rmt.deep_jacobian_edge(3, "relu", 2.0, 0.0)
    with pytest.raises(ValueError, match="`n_quad` must be an integer <= 300"):
        rmt.deep_jacobian_edge(3, "tanh", 1.2, 0.1, n_quad=400)


# ---------------------------------------------------------------- Hessian, Gauss-Newton and Fisher of a small network


def _small_net(seed=0):
    rng = np.random.default_rng(seed)
    shape = rmt.MLPShape(5, 4, 3)
    X = rng.standard_normal((40, 5))
    y = rng.integers(0, 3, 40)
    theta = rmt.mlp_init(shape, rng) + 0.3 * rng.standard_normal(shape.n_params)
    return shape, X, y, theta


def test_mlp_gradient_and_hessian_against_finite_differences():
    # central differences of the exact loss / gradient: error O(e^2) ~ 1e-10 plus round-off ~ 1e-16 / e
    shape, X, y, theta = _small_net()
    P, e = shape.n_params, 1e-5
    eye = np.eye(P)
    loss, g = rmt.mlp_loss_grad(theta, X, y, shape)
    g_fd = [(rmt.mlp_loss_grad(theta + e * eye[i], X, y, shape)[0] - rmt.mlp_loss_grad(theta - e * eye[i], X, y, shape)[0])
            / (2 * e) for i in range(P)]
    assert_allclose(g, g_fd, atol=1e-9)
    H, G = rmt.mlp_hessian(theta, X, y, shape)
    H_fd = np.column_stack([(rmt.mlp_loss_grad(theta + e * eye[i], X, y, shape)[1]
                             - rmt.mlp_loss_grad(theta - e * eye[i], X, y, shape)[1]) / (2 * e) for i in range(P)])
    assert_allclose(H, H_fd, atol=1e-8)
    assert_allclose(H, H.T, atol=1e-15)


def test_gauss_newton_fisher_and_class_means():
    shape, X, y, theta = _small_net(1)
    n, C = X.shape[0], shape.C
    J = rmt.mlp_logit_jacobian(theta, X, shape)
    f = J[:, :, -C:]  # d logits / d b2 = identity
    assert_allclose(f, np.broadcast_to(np.eye(C), f.shape))
    _, G = rmt.mlp_hessian(theta, X, y, shape)
    # G = (1/n) sum_i J_i^T (diag p_i - p_i p_i^T) J_i, directly
    W1, b1, W2, b2 = shape.unpack(theta)
    logits = np.tanh(X @ W1.T + b1) @ W2.T + b2
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    G_direct = sum(J[i].T @ (np.diag(p[i]) - np.outer(p[i], p[i])) @ J[i] for i in range(n)) / n
    assert_allclose(G, G_direct, atol=1e-14)
    # empirical Fisher: trace = mean squared norm of the per-example gradients
    F = rmt.mlp_empirical_fisher(theta, X, y, shape)
    per_example = [rmt.mlp_loss_grad(theta, X[i:i + 1], y[i:i + 1], shape)[1] for i in range(n)]
    assert_allclose(np.trace(F), np.mean([g @ g for g in per_example]), rtol=1e-12)
    # the class-mean part has rank <= C - 1 and is dominated by G (G minus it is a covariance, hence PSD)
    M = rmt.class_mean_gradient_gram(theta, X, y, shape)
    ev_M = np.linalg.eigvalsh(M)
    assert abs(ev_M[0]) < 1e-14 * ev_M[-1]
    ev_G = np.linalg.eigvalsh(G)
    assert np.all(ev_M[::-1] <= ev_G[::-1][:C] * (1 + 1e-12))


def test_mlp_train_and_prune():
    rng = np.random.default_rng(3)
    shape = rmt.MLPShape(2, 6, 2)
    X = rng.standard_normal((60, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    res = rmt.mlp_train(X, y, shape, lr=0.5, momentum=0.9, n_steps=1500, rng=rng, record=(0, 1500), tol=1e-2)
    assert res.converged and res.train_loss[-1] < res.train_loss[0] / 10
    assert_allclose(res.checkpoints[1500], res.theta)
    theta = res.theta
    mask = shape.weight_mask()
    assert mask.sum() == shape.h * shape.d + shape.C * shape.h
    pruned = rmt.prune_weights(theta, np.abs(theta), 0.5, mask)
    assert np.sum(pruned[mask] == 0) == round(0.5 * mask.sum())
    assert_allclose(pruned[~mask], theta[~mask])


def test_hessian_bad_input():
    shape, X, y, theta = _small_net()
    with pytest.raises(ValueError, match="`theta` must have 39 entries"):
        rmt.mlp_hessian(theta[:-1], X, y, shape)
    with pytest.raises(ValueError, match="`X` must have shape\\[1\\] = d = 5"):
        rmt.mlp_loss_grad(theta, X[:, :4], y, shape)
    with pytest.raises(ValueError, match="same number of rows"):
        rmt.mlp_gauss_newton(theta, X, y[:-1], shape)
    with pytest.raises(ValueError, match="class labels in 0..2"):
        rmt.mlp_empirical_fisher(theta, X, y + 3, shape)
    with pytest.raises(ValueError, match="`theta`, `scores` and `mask` must have the same shape"):
        rmt.prune_weights(theta, theta[:-1], 0.5, np.ones(theta.size, bool))
    with pytest.raises(ValueError, match="`momentum` must be"):
        rmt.mlp_train(X, y, shape, lr=0.1, n_steps=5, momentum=1.0)


def test_doctests_of_the_jacobian_density_and_hessian_modules():
    import doctest

    from course_lib.rmt import _free_jacobian, _hessian

    for module in (_free_jacobian, _hessian):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0
