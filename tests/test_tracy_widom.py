"""Tracy--Widom laws in both tails: relative accuracy of cdf, sf, logcdf, logpdf (see course_lib/rmt/_tracy_widom.py)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from course_lib import rmt
from course_lib.rmt import _tracy_widom as tw

REFERENCE = Path(__file__).parent / "data" / "tracy_widom_mpmath.json"
POINTS = json.loads(REFERENCE.read_text())["points"] if REFERENCE.exists() else []


@pytest.mark.skipif(not POINTS, reason="tests/data/tracy_widom_mpmath.json not generated")
@pytest.mark.parametrize("beta", [1, 2, 4])
def test_relative_accuracy_against_mpmath_fredholm_determinants(beta):
    # reference: 30-digit mpmath Nystroem determinants, an independent route (tests/data/make_tracy_widom_reference.py)
    pts = [p for p in POINTS if p["beta"] == beta]
    assert len(pts) >= 3
    s = np.array([p["s"] for p in pts])
    F = np.array([float(p["F"]) for p in pts])
    sf = np.array([float(p["sf"]) for p in pts])
    assert_allclose(rmt.tracy_widom_cdf(s, beta), F, rtol=1e-12, atol=0)
    assert_allclose(rmt.tracy_widom_logcdf(s, beta), np.log(F), rtol=1e-13, atol=1e-13)
    # beta = 4: 1 - e^h cosh z loses a factor ~ t^(3/2) to cancellation; measured 1.4e-12 at 1 - F4(6) = 1.6e-20
    rtol_sf = 1e-12 if beta != 4 else 2e-12
    assert_allclose(rmt.tracy_widom_sf(s, beta), sf, rtol=rtol_sf, atol=0)
    for p in pts:  # the scalar path gives the same numbers
        assert math.isclose(rmt.tracy_widom_cdf(p["s"], beta), float(p["F"]), rel_tol=1e-12)
        assert math.isclose(rmt.tracy_widom_sf(p["s"], beta), float(p["sf"]), rel_tol=rtol_sf)


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_naive_complement_loses_the_right_tail(beta):
    # negative control for the sf test: 1 - cdf has only absolute accuracy, the mpmath point at s = 6 catches it
    pts = [p for p in POINTS if p["beta"] == beta and p["s"] == 6.0]
    if not pts:
        pytest.skip("no reference")
    exact = float(pts[0]["sf"])
    assert abs((1.0 - rmt.tracy_widom_cdf(6.0, beta)) / exact - 1.0) > 1e-12
    assert abs(rmt.tracy_widom_sf(6.0, beta) / exact - 1.0) < (1e-12 if beta != 4 else 2e-12)


def test_tables_meet_the_independent_asymptotic_series():
    # at t = -12 the tables (boundary value problem + integrals accumulated from t = 9) and the left asymptotic
    # series (with the Deift-Its-Krasovsky constant) are independent routes to log(-log F2), log (log F2)', log I, log q
    t = np.array([tw._T_L])
    series = np.array(tw._left_logs(-t)).ravel()
    table = np.array(tw._table_logs(t, (0, 1, 2, 3))).ravel()
    # measured 2.3e-14 on log(-log F2) = 4.97, i.e. log F2(-12) = -144.4 to 3.4e-12 (F2 to 3.4e-12 relatively)
    assert_allclose(table, series, rtol=0, atol=5e-14)
    # and at t = 9 the tables meet the Airy quadratures
    right = np.array(tw._right_logs(np.array([tw._T_R]))).ravel()
    assert_allclose(np.array(tw._table_logs(np.array([tw._T_R]), (0, 1, 2, 3))).ravel(), right, rtol=0, atol=1e-12)


def test_series_check_detects_a_wrong_constant(monkeypatch):
    # negative control: log tau2 off by 1e-11 (or the 2^(1/24) factor forgotten) breaks the match at t = -12
    monkeypatch.setattr(tw, "_LOG_TAU2", tw._LOG_TAU2 + 2e-11)
    t = np.array([tw._T_L])
    series = tw._left_logs(-t)[0]
    table = tw._table_logs(t, (0,))[0]
    assert abs(series - table)[0] > 5e-14


def test_left_tail_expansion_beta2():
    # log F2(-x) = -x^3/12 - log(x)/8 + log(2)/24 + zeta'(-1) + 3/(64 x^3) + O(x^-6)
    # (Tracy and Widom 1994, Comm. Math. Phys. 159, 151; constant: Deift, Its and Krasovsky 2008)
    for x in (15.0, 30.0, 100.0):
        expansion = -x**3 / 12 - math.log(x) / 8 + math.log(2) / 24 - 0.16542114370045092 + 3 / (64 * x**3)
        # next term: -(1/2) b_3 / 42 x^-6 = 0.246 x^-6 (b = a * a, a from q'' = tq + 2q^3)
        assert abs(rmt.tracy_widom_logcdf(-x, 2) - expansion) < 0.3 / x**6 + 1e-14 * x**3


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_logpdf_is_the_derivative_of_logcdf_in_both_tails(beta):
    # (log F)' = f / F = exp(logpdf - logcdf); central differences, h = 1e-4: truncation ~ h^2 |(log F)'''| / 6
    s = np.array([-40.0, -15.0, -11.0, -3.0, 0.0, 3.0, 8.0, 12.0, 30.0])
    h = 1e-4
    fd = (rmt.tracy_widom_logcdf(s + h, beta) - rmt.tracy_widom_logcdf(s - h, beta)) / (2 * h)
    lc, lp = rmt.tracy_widom_logcdf(s, beta), rmt.tracy_widom_logpdf(s, beta)
    left = s < 5
    assert_allclose(np.exp(lp - lc)[left], fd[left], rtol=1e-7)
    # right tail: d/ds log F = -d/ds (1 - F) / F, so compare with the derivative of sf instead
    sf = lambda x: rmt.tracy_widom_sf(x, beta)  # noqa: E731
    fd_sf = -(sf(s + h) - sf(s - h)) / (2 * h)
    right = (s > 5) & (fd_sf > 0)
    assert_allclose(np.exp(lp)[right], fd_sf[right], rtol=1e-6)


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_consistency_of_the_five_functions(beta):
    s = np.linspace(-11.5, 8.5, 401)
    F, sf = rmt.tracy_widom_cdf(s, beta), rmt.tracy_widom_sf(s, beta)
    assert_allclose(F + sf, 1.0, rtol=0, atol=3e-16)
    low = F < 0.5  # above, log F = log1p(-sf) is more accurate than log(F)
    assert_allclose(rmt.tracy_widom_logcdf(s, beta)[low], np.log(F[low]), rtol=1e-14)
    assert_allclose(rmt.tracy_widom_logcdf(s, beta)[~low], np.log1p(-sf[~low]), rtol=1e-13)
    assert_allclose(rmt.tracy_widom_logpdf(s, beta), np.log(rmt.tracy_widom_pdf(s, beta)), rtol=1e-13, atol=1e-13)
    scalar = np.array([rmt.tracy_widom_cdf(float(x), beta) for x in s])
    assert_allclose(scalar, F, rtol=1e-13, atol=0)  # same tables, math vs numpy rounding of exp(log F)
    assert rmt.tracy_widom_cdf(np.array([[0.0, 1.0]]), beta).shape == (1, 2)
    assert np.isfinite(rmt.tracy_widom_logcdf(-1e4, beta)) and rmt.tracy_widom_logcdf(-1e4, beta) < -1e10


@pytest.mark.parametrize("fn", [rmt.tracy_widom_sf, rmt.tracy_widom_logcdf, rmt.tracy_widom_logpdf])
def test_new_functions_reject_bad_input(fn):
    with pytest.raises(ValueError, match="`beta` must be 1, 2 or 4"):
        fn(0.0, beta=3)
    with pytest.raises(ValueError, match="finite"):
        fn([0.0, np.nan])
    with pytest.raises(ValueError, match="finite"):
        fn(float("inf"))
