"""Numerically fragile closed forms against high-precision references (mpmath) across their whole range.

Each function was rewritten in a cancellation- and overflow-free form; the reference evaluates the textbook
formula at enough decimal digits that its cancellation is harmless (the digits lost are counted in the comments),
so that a return to the naive formula fails these tests (negative controls at the end).
"""

import math

import mpmath as mp
import numpy as np
import pytest

from course_lib.diffusion import mixture_entropy_excess
from course_lib.kernels import ridge_risk
from course_lib.teacher_student.dynamics import spherical_p2_energy


def _ridge_reference(g, lam, signal=1.0, noise=1.0):
    """The formula of the ridge_risk docstring, literally, at the working precision of mpmath."""
    g, lam = mp.mpf(g), mp.mpf(lam)
    b = 1 + lam - g
    disc = mp.sqrt(b * b + 4 * g * lam)
    m = 2 / (b + disc) if b >= 0 else (disc - b) / (2 * g * lam)  # the positive root, without cancellation
    dm = (g * m * m + m) / (2 * g * lam * m + b)  # implicit derivative (cancels for b << 0: digits lost ~ log10 g/lam)
    return signal * lam**2 * dm + noise * g * (m - lam * dm)


GRID = [(g, lam) for g in np.logspace(-8, 14, 23) for lam in np.logspace(-14, 14, 29)]
EXTREMES = [(1e300, 1e-300), (1e-300, 1e300), (1e300, 1e300), (1e-300, 1e-300), (1.0, 1e-300), (1.0, 1e300),
            (1e10, 1e-9), (1e6, 1e-9)]


def test_ridge_risk_matches_mpmath_across_the_range():
    # up to ~620 digits cancel at (1e300, 1e-300): 1300 digits leave ~680, far more than double precision needs
    with mp.workdps(1300):
        worst = 0.0
        for g, lam in GRID + EXTREMES:
            ref = float(_ridge_reference(g, lam))
            got = ridge_risk(g, lam)
            worst = max(worst, abs(got - ref) / abs(ref))
    assert worst < 1e-13, worst  # measured 7.8e-16 on the grid


def test_ridge_risk_values_of_the_issue():
    # issue 20: ridge_risk(1e10, 1e-9) returned -2383 and ridge_risk(1e6, 1e-9) 1.119 (cancellation); the risk of a
    # hopelessly overparametrised ridge is the null risk r^2 = 1 up to 1/gamma
    assert ridge_risk(1e10, 1e-9) == pytest.approx(1.0, abs=1e-9)
    assert ridge_risk(1e6, 1e-9) == pytest.approx(1.0, abs=2e-6)
    with mp.workdps(100):
        assert ridge_risk(1e6, 1e-9) == pytest.approx(float(_ridge_reference(1e6, 1e-9)), rel=1e-14)


def _entropy_reference(a):
    """a^2 - E log cosh(a^2 + a z), z ~ N(0, 1), by mpmath quadrature split where the argument changes sign."""
    a = mp.mpf(a)

    def f(z):
        x = a * a + a * z
        return mp.npdf(z) * (abs(x) + mp.log1p(mp.exp(-2 * abs(x))) - mp.log(2))

    pts = [-mp.inf, -a - 1, -a, -a + 1, 0, mp.inf] if a > 0 else [-mp.inf, 0, mp.inf]
    pts = sorted(set(pts))
    return a * a - mp.quad(f, pts)


@pytest.mark.parametrize("a", [0.0, 0.3, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0, 30.0])
def test_mixture_entropy_excess_matches_mpmath(a):
    # 40 digits: a^2 - E|x| loses log10(a^2) <= 3 digits here
    with mp.workdps(40):
        ref = float(_entropy_reference(a))
    assert abs(mixture_entropy_excess(a) - ref) < 3e-8  # the 121-node quadrature bound of the docstring


@pytest.mark.parametrize("a", [1e3, 1e10, 1e150, 1e300, -1e300])
def test_mixture_entropy_excess_reaches_log2(a):
    # for |a| >= 30 the excess differs from log 2 by less than 2 P(z < -|a|) < 1e-190
    assert mixture_entropy_excess(a) == pytest.approx(math.log(2), abs=1e-15)


@pytest.mark.parametrize("t", [1e-3, 0.1, 1.0, 10.0, 1e3, 2.4e5, 2.6e5, 1e8, 1e10, 1e50, 1e300])
def test_spherical_p2_energy_matches_mpmath(t):
    # e(t) = -I_2(4t)/I_1(4t); mpmath's Bessel functions at 30 digits, through their asymptotic series at large x
    with mp.workdps(30):
        ref = float(-mp.besseli(2, 4 * mp.mpf(t)) / mp.besseli(1, 4 * mp.mpf(t)))
    assert spherical_p2_energy(t) == pytest.approx(ref, rel=1e-14, abs=1e-300)


def test_negative_controls_the_naive_formulas_fail():
    # the textbook forms, evaluated in double precision, miss the references above: the tests can fail
    g, lam = 1e10, 1e-9
    b = 1 + lam - g
    disc = math.sqrt(b * b + 4 * g * lam)
    m = (disc - b) / (2 * g * lam)
    dm = (g * m * m + m) / (2 * g * lam * m + b)
    naive = lam**2 * dm + g * (m - lam * dm)
    assert abs(naive - 1.0) > 1.0  # the issue's -2383
    a = 1e10
    z, w = np.polynomial.hermite_e.hermegauss(121)
    w = w / np.sqrt(2 * np.pi)
    x = a * a + a * z
    naive_h = a * a - (np.abs(x) + np.log1p(np.exp(-2 * np.abs(x))) - np.log(2)) @ w
    assert abs(naive_h - math.log(2)) > 0.1  # the issue's 0 instead of log 2
