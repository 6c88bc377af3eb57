"""Property-based tests (Hypothesis) of the validated public wrappers.

For random valid inputs the functions return finite results with their documented invariants (densities
non-negative and normalised, distribution functions monotone in [0, 1], overlaps in [-1, 1], energies within
their known bounds, invariance under the symmetries of the mathematics); for random invalid inputs they raise
``ValueError``/``TypeError`` naming the parameter. Every test has a fixed example budget (``settings`` below)
and no deadline, so that the whole module stays within a few tens of seconds; the Hypothesis database is off
(the runs are reproducible from the printed seed).
"""

import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import integrate

from course_lib import diffusion, erm, kernels, optimization, rmt, spin_glasses
from course_lib import teacher_student as ts
from course_lib.teacher_student import dynamics

BUDGET = settings(max_examples=25, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
SMALL = settings(max_examples=10, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False)
ratio = st.floats(0.01, 10.0)


def _names(exc, name):
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", str(exc)) is not None


# ------------------------------------------------------------------ densities and distribution functions


@BUDGET
@given(x=st.lists(finite, min_size=1, max_size=20))
def test_semicircle_pdf_nonnegative_cdf_monotone_in_unit_interval(x):
    x = np.sort(np.array(x))
    p, F = rmt.semicircle_pdf(x), rmt.semicircle_cdf(x)
    assert np.all(np.isfinite(p)) and np.all(p >= 0)
    assert np.all((F >= 0) & (F <= 1)) and np.all(np.diff(F) >= -1e-15)


@SMALL
@given(g=ratio)
def test_marchenko_pastur_density_plus_atom_is_normalised(g):
    lo, hi = rmt.marchenko_pastur_edges(g)
    # x = lo + (hi - lo)(1 - cos t)/2 removes the square-root behaviour of the density at both edges (and its
    # x^(-1/2) singularity at gamma = 1, where lo = 0); near gamma = 1 the integrand still turns over at
    # t ~ sqrt(lo / half), so the range is cut there: plain quadrature resolves the mass only to ~1e-5.
    half = (hi - lo) / 2
    t_turn = np.sqrt(lo / half)
    cuts = [0.0] + [c for c in (t_turn, 10 * t_turn, 100 * t_turn) if 0 < c < np.pi] + [np.pi]
    mass = sum(integrate.quad(lambda t: rmt.marchenko_pastur_pdf(lo + half * (1 - np.cos(t)), g) * half * np.sin(t),
                              a, b, limit=200)[0] for a, b in zip(cuts, cuts[1:]))
    assert mass + rmt.marchenko_pastur_atom(g) == pytest.approx(1.0, abs=1e-6)


@BUDGET
@given(g=ratio, x=st.lists(st.floats(-1.0, 50.0), min_size=2, max_size=20))
def test_marchenko_pastur_cdf_monotone_in_unit_interval(g, x):
    x = np.sort(np.array(x))
    F = rmt.marchenko_pastur_cdf(x, g)
    p = rmt.marchenko_pastur_pdf(x, g)
    assert np.all((F >= -1e-12) & (F <= 1 + 1e-12)) and np.all(np.diff(F) >= -1e-12)
    assert np.all(np.isfinite(p)) and np.all(p >= 0)


@SMALL
@given(L=st.integers(1, 4))
def test_fuss_catalan_pdf_normalised(L):
    edge = rmt.fuss_catalan_edge(L)
    mass, _ = integrate.quad(lambda x: float(rmt.fuss_catalan_pdf(x, L)), 0.0, edge, limit=400)
    assert mass == pytest.approx(1.0, abs=1e-4)  # integrable singularity x^(-L/(L+1)) at 0


@BUDGET
@given(a=st.floats(-1e300, 1e300, allow_nan=False), b=st.floats(-1e300, 1e300, allow_nan=False))
def test_mixture_entropy_excess_between_zero_and_log2_and_monotone(a, b):
    ha, hb = diffusion.mixture_entropy_excess(a), diffusion.mixture_entropy_excess(b)
    assert -1e-12 <= ha <= math.log(2) + 1e-12
    assert diffusion.mixture_entropy_excess(-a) == pytest.approx(ha, abs=1e-12)  # even in a
    if abs(a) < abs(b):
        assert ha <= hb + 3e-8  # the quadrature error bound of the docstring


# ------------------------------------------------------------------ overlaps and energies


@BUDGET
@given(theta=st.floats(0.0, 1e6))
def test_spiked_wigner_overlap_in_unit_interval(theta):
    m = rmt.spiked_wigner_overlap(theta)
    assert 0.0 <= m <= 1.0


@BUDGET
@given(spike=st.floats(0.0, 1e6), g=ratio)
def test_spiked_covariance_overlap_in_unit_interval(spike, g):
    m = rmt.spiked_covariance_overlap(spike, g)
    assert 0.0 <= m <= 1.0


@BUDGET
@given(beta=st.floats(1e-3, 50.0), h=st.floats(-5.0, 5.0))
def test_curie_weiss_mean_field_magnetisation_and_energy_bounds(beta, h):
    r = spin_glasses.curie_weiss_mean_field(beta, h)
    assert -1.0 <= r.m <= 1.0
    assert r.energy >= -0.5 - abs(h) - 1e-12  # H/N >= -1/2 - |h| for spins in {-1, 1}


@SMALL
@given(n=st.integers(2, 12), seed=st.integers(0, 2**32 - 1))
def test_ising_energy_bounded_by_coupling_norm_and_flip_invariant(n, seed):
    rng = np.random.default_rng(seed)
    J = spin_glasses.sk_couplings(n, rng=rng)
    s = rng.choice([-1, 1], n)
    e = spin_glasses.ising_energy(J, s)
    assert abs(e) <= 0.5 * np.abs(np.linalg.eigvalsh(J)).max() + 1e-12  # |S^T J S|/(2N) <= ||J||/2
    assert spin_glasses.ising_energy(J, -s) == pytest.approx(e, abs=1e-12)  # Z2 symmetry at h = 0


@BUDGET
@given(t=st.lists(st.floats(0.0, 1e300), min_size=1, max_size=10))
def test_spherical_p2_energy_between_minus_one_and_zero_and_decreasing(t):
    t = np.sort(np.array(t))
    e = dynamics.spherical_p2_energy(t)
    assert np.all(np.isfinite(e)) and np.all((e >= -1.0) & (e <= 0.0))
    assert np.all(np.diff(e) <= 1e-14)


@BUDGET
@given(c11=st.floats(0.0, 100.0), c22=st.floats(0.0, 100.0), rho=st.floats(-1.0, 1.0))
def test_erf_i2_is_a_correlation_in_unit_interval(c11, c22, rho):
    c12 = rho * math.sqrt(c11 * c22)
    v = dynamics.erf_i2(c11, c22, c12)
    assert -1.0 <= v <= 1.0
    assert dynamics.erf_i2(c22, c11, c12) == pytest.approx(v, abs=1e-15)  # symmetric in (u, v)


@SMALL
@given(alpha=st.floats(0.05, 20.0))
def test_glm_state_evolution_overlap_in_unit_interval(alpha):
    fp = ts.glm_state_evolution(alpha, warn=False)
    assert 0.0 <= fp.m <= 1.0 + 1e-12 and 0.0 <= fp.gen_error <= 0.5


# ------------------------------------------------------------------ risks and kernels


@BUDGET
@given(g=st.floats(1e-6, 1e12), lam=st.floats(1e-12, 1e12), r2=st.floats(0.0, 10.0), delta=st.floats(0.0, 10.0))
def test_ridge_risk_nonnegative_and_above_the_optimal_ridge(g, lam, r2, delta):
    R = kernels.ridge_risk(g, lam, r2, delta)
    assert np.isfinite(R) and R >= 0.0
    if r2 > 1e-6 and delta > 1e-6:
        _, best = kernels.optimal_ridge(g, r2, delta)
        assert best <= R * (1 + 1e-9) + 1e-300


@SMALL
@given(seed=st.integers(0, 2**32 - 1), order=st.integers(0, 2))
def test_arccos_kernel_rotation_invariant_and_psd(seed, order):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, 3))
    Q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    K = kernels.arccos_kernel(X, X, order)
    assert np.allclose(kernels.arccos_kernel(X @ Q, X @ Q, order), K, atol=1e-12)
    assert np.linalg.eigvalsh(0.5 * (K + K.T)).min() >= -1e-10 * max(1.0, np.abs(K).max())


@BUDGET
@given(d=st.integers(1, 200))
def test_ball_in_cube_fraction_in_unit_interval_and_decreasing(d):
    f = erm.ball_in_cube_fraction(d)
    assert 0.0 < f <= 1.0
    assert erm.ball_in_cube_fraction(d + 1) <= f


@SMALL
@given(seed=st.integers(0, 2**32 - 1))
def test_relu_kernel_symmetric_and_bounded_by_cauchy_schwarz(seed):
    rng = np.random.default_rng(seed)
    w, v = rng.standard_normal(4), rng.standard_normal(4)
    k = optimization.relu_kernel(w, v)
    assert k == pytest.approx(optimization.relu_kernel(v, w), rel=1e-12)
    assert 0.0 <= k <= math.sqrt(optimization.relu_kernel(w, w) * optimization.relu_kernel(v, v)) * (1 + 1e-12)


# ------------------------------------------------------------------ invalid inputs


bad_real = st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e300, -1e300, "x", None])

INVALID_REAL_CASES = [
    (rmt.semicircle_pdf, {"x": 0.0}, "x"),
    (rmt.marchenko_pastur_pdf, {"x": 1.0, "ratio": 0.5}, "ratio"),
    (kernels.ridge_risk, {"gamma": 0.5, "lam": 0.1}, "signal"),
    (diffusion.ou_noise_variance, {"t": 1.0}, "t"),
    (spin_glasses.curie_weiss_mean_field, {"beta": 1.0}, "beta"),
    (dynamics.erf_i2, {"c11": 1.0, "c22": 1.0, "c12": 0.5}, "c12"),
    (ts.glm_state_evolution, {"alpha": 1.0}, "alpha"),
    (rmt.mean_field_fixed_point, {"activation": "tanh", "sigma_w": 1.5, "sigma_b": 0.1}, "sigma_w"),
]


@BUDGET
@given(case=st.sampled_from(INVALID_REAL_CASES), bad=bad_real)
def test_invalid_reals_raise_naming_the_parameter(case, bad):
    f, kwargs, name = case
    kwargs = {**kwargs, name: bad}
    with pytest.raises((ValueError, TypeError)) as info:
        f(**kwargs)
    assert type(info.value) in (ValueError, TypeError)
    assert _names(info.value, name), str(info.value)


bad_rng = st.one_of(st.text(min_size=1, max_size=5), st.integers(max_value=-1), st.floats(allow_nan=True),
                    st.just(np.random.RandomState(0)))


@BUDGET
@given(rng=bad_rng)
def test_invalid_rng_raises_naming_rng(rng):
    for f, args in ((rmt.gaussian_ensemble, (5,)), (erm.sample_unit_cube, (3, 2)),
                    (spin_glasses.sk_couplings, (4,))):
        with pytest.raises((ValueError, TypeError), match=r"`rng`"):
            f(*args, rng=rng)


@BUDGET
@given(arr=st.builds(lambda v, bad, i: v[:i] + [bad] + v[i:],  # at least one non-finite entry, by construction
                     st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=5),
                     st.sampled_from([float("nan"), float("inf"), float("-inf")]), st.integers(0, 5)))
def test_non_finite_arrays_rejected_naming_the_parameter(arr):
    with pytest.raises(ValueError, match=r"`x`"):
        rmt.semicircle_cdf(arr)
    with pytest.raises(ValueError, match=r"`t`"):
        dynamics.spherical_p2_energy(np.abs(np.nan_to_num(arr, nan=np.nan, posinf=np.inf, neginf=np.inf)))
