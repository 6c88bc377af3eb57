"""Tests of the Pennington--Bahri Hessian model and of the deep tanh trainer (course_lib.rmt._hessian_rmt)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, stats

from course_lib import rmt


@pytest.mark.parametrize("phi", [0.25, 0.5, 2.0])
def test_pb_epsilon_zero_is_marchenko_pastur(phi):
    x = np.linspace(0.01, 6.0, 50)
    assert_allclose(rmt.hessian_pb_density(x, phi, 0.0), rmt.marchenko_pastur_pdf(x, phi), rtol=1e-12)
    # and the cubic branch tends to it as epsilon -> 0 (inside the bulk, away from the edges)
    lo, hi = (1 - np.sqrt(phi)) ** 2, (1 + np.sqrt(phi)) ** 2
    xs = np.linspace(lo + 0.1 * (hi - lo), hi - 0.1 * (hi - lo), 20)
    assert_allclose(rmt.hessian_pb_density(xs, phi, 1e-9), rmt.marchenko_pastur_pdf(xs, phi), rtol=1e-3)


def test_pb_phi_to_zero_is_semicircle():
    # phi -> 0: H_0 -> identity, so H -> 1 + semicircle of variance epsilon (radius 2 sqrt(eps))
    eps = 0.3
    x = np.linspace(1 - 1.0, 1 + 1.0, 41)
    ref = np.sqrt(np.maximum(4 * eps - (x - 1) ** 2, 0)) / (2 * np.pi * eps)
    assert_allclose(rmt.hessian_pb_density(x, 1e-9, eps), ref, atol=1e-4)
    # F(0) of the semicircle of radius 2 centred at 1: scipy's semicircular law has radius 1
    assert_allclose(rmt.hessian_pb_negative_fraction(1e-9, 1.0), stats.semicircular.cdf(-0.5), rtol=1e-6)
    assert_allclose(rmt.hessian_pb_critical_epsilon(1e-12), 0.25, rtol=1e-9)


@pytest.mark.parametrize("phi,eps", [(0.5, 0.1), (2.0, 0.1), (1.0, 0.2), (0.3, 0.05)])
def test_pb_density_matches_subordination_solver(phi, eps):
    x = np.linspace(-1.5, 6.0, 31)
    ref = rmt.free_additive_convolution_pdf(x, rmt.free_poisson_law(1 / phi, phi), rmt.semicircle_law(eps))
    assert_allclose(rmt.hessian_pb_density(x, phi, eps), ref, atol=1e-6)


@pytest.mark.parametrize("phi,eps", [(0.5, 0.1), (2.0, 0.1), (1.0, 0.2)])
def test_pb_density_normalised_and_negative_fraction(phi, eps):
    total, neg = 0.0, 0.0
    for lo, hi in rmt.hessian_pb_support(phi, eps):
        f = lambda t: rmt.hessian_pb_density(t, phi, eps)  # noqa: E731
        total += integrate.quad(f, lo, hi, limit=200)[0]
        if lo < 0:
            neg += integrate.quad(f, lo, min(hi, 0.0), limit=200)[0]
    assert_allclose(total, 1.0, atol=1e-6)
    assert_allclose(rmt.hessian_pb_negative_fraction(phi, eps), neg, atol=1e-6)


def test_pb_critical_epsilon_and_three_halves_law():
    phi = 0.3
    ec = rmt.hessian_pb_critical_epsilon(phi)
    assert_allclose(rmt.hessian_pb_support(phi, ec)[0, 0], 0.0, atol=1e-9)  # the lower edge touches 0
    assert rmt.hessian_pb_negative_fraction(phi, 0.99 * ec) == 0.0
    d = 1e-4
    slope = np.log(rmt.hessian_pb_negative_fraction(phi, ec + d) / rmt.hessian_pb_negative_fraction(phi, ec + d / 2))
    slope /= np.log(2.0)
    assert abs(slope - 1.5) < 0.01
    # negative control: the exponent 1 (a linear onset) is rejected by the same tolerance
    assert abs(slope - 1.0) > 0.01
    assert rmt.hessian_pb_critical_epsilon(2.0) == 0.0
    assert rmt.hessian_pb_negative_fraction(2.0, 1e-3) > 0.0


def test_pb_simulation():
    rng = np.random.default_rng(3)
    n, phi, eps = 600, 0.5, 0.1
    m = int(n / phi)
    X = rng.standard_normal((n, m))
    A = rng.standard_normal((n, n))
    H = X @ X.T / m + np.sqrt(eps) * (A + A.T) / np.sqrt(2 * n)
    lam = np.linalg.eigvalsh(H)
    frac = np.mean(lam < 0)
    alpha = rmt.hessian_pb_negative_fraction(phi, eps)
    assert abs(frac - alpha) < 0.01


def test_deep_tanh_train_orthogonal_linear_isometry():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((20, 8)), rng.standard_normal((20, 3))
    # sigma_w = 1, sigma_b = 0, tiny inputs: tanh is linear, orthogonal layers make the Jacobian an isometry
    r = rmt.deep_tanh_train(1e-6 * X, Y, depth=6, width=16, sigma_w=1.0, init="orthogonal", lr=0.01, n_steps=0, rng=1)
    assert_allclose(r.jacobian_singular_values, 1.0, atol=1e-8)
    assert r.loss.size == 1 and r.steps_to_target == -1


def test_deep_tanh_train_gradient_is_exact():
    # one tiny step changes the loss by -lr |grad|^2 to first order: compare with a second, half step
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((10, 4)), rng.standard_normal((10, 2))
    kw = dict(depth=3, width=5, sigma_w=1.2, sigma_b=0.1, n_steps=1, rng=2)
    d1 = np.diff(rmt.deep_tanh_train(X, Y, lr=1e-5, **kw).loss)[0]
    d2 = np.diff(rmt.deep_tanh_train(X, Y, lr=2e-5, **kw).loss)[0]
    assert d1 < 0 and abs(d2 / d1 - 2.0) < 1e-3


def test_deep_tanh_train_target_stops():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((30, 6)), rng.standard_normal((30, 2))
    r = rmt.deep_tanh_train(X, Y, depth=2, width=16, sigma_w=1.0, lr=0.1, n_steps=2000, target=0.6, rng=0)
    assert r.steps_to_target == r.loss.size - 1 and r.loss[-1] <= 0.6 < r.loss[-2]


def test_bad_input():
    with pytest.raises(ValueError, match="ratio"):
        rmt.hessian_pb_density(1.0, 0.0, 0.1)
    with pytest.raises(ValueError, match="epsilon"):
        rmt.hessian_pb_density(1.0, 0.5, -0.1)
    with pytest.raises(ValueError, match="epsilon"):
        rmt.hessian_pb_support(0.5, 0.0)
    with pytest.raises(ValueError, match="x"):
        rmt.hessian_pb_density([np.nan], 0.5, 0.1)
    with pytest.raises(TypeError, match="ratio"):
        rmt.hessian_pb_critical_epsilon("a")
    with pytest.raises(ValueError, match="n_quad"):
        rmt.hessian_pb_negative_fraction(0.5, 0.1, n_quad=2)
    X, Y = np.ones((4, 3)), np.ones((4, 1))
    with pytest.raises(ValueError, match="init"):
        rmt.deep_tanh_train(X, Y, depth=2, width=4, sigma_w=1.0, init="haar", lr=0.1, n_steps=1)
    with pytest.raises(ValueError, match="width"):
        rmt.deep_tanh_train(X, Y, depth=2, width=2, sigma_w=1.0, init="orthogonal", lr=0.1, n_steps=1)
    with pytest.raises(ValueError, match="rows"):
        rmt.deep_tanh_train(X, Y[:3], depth=2, width=4, sigma_w=1.0, lr=0.1, n_steps=1)
    with pytest.raises(FloatingPointError, match="lr"):
        rmt.deep_tanh_train(100 * X, 1e6 * Y, depth=2, width=4, sigma_w=1.0, lr=1e3, n_steps=50, rng=0)


@pytest.mark.parametrize("ratio", [2.0, 3.0, 10.0])
def test_pb_atom_split_in_half(ratio):
    # gamma > 1, eps -> 0: the atom of mass 1 - 1/gamma at 0 is spread symmetrically by the semicircle, so half of it
    # lies left of 0 (the continuous part of the Marchenko-Pastur law stays at positive eigenvalues)
    assert_allclose(rmt.hessian_pb_negative_fraction(ratio, 1e-12), 0.5 * (1 - 1 / ratio), rtol=1e-4)
    assert rmt.hessian_pb_support(ratio, 1e-4).shape == (2, 2)  # the spread atom and the bulk are separate intervals


@pytest.mark.parametrize("ratio", [0.01, 0.1, 0.3, 0.5, 0.9])
def test_pb_critical_epsilon_closed_form(ratio):
    # the positive root of the quadratic in closed form (its discriminant is (1 + 8 gamma)^3); Pennington and Bahri's
    # (1 - 20 phi - 8 phi^2 + (1 + 8 phi)^{3/2}) / 16 is half of it, their epsilon being half the semicircle variance
    closed = (1 - 20 * ratio - 8 * ratio**2 + (1 + 8 * ratio) ** 1.5) / 8
    assert_allclose(rmt.hessian_pb_critical_epsilon(ratio), closed, rtol=1e-9)
    # the simulation-free meaning: at closed / 2 (the paper's value read in our normalisation) the index is still 0
    assert rmt.hessian_pb_negative_fraction(ratio, closed / 2) == 0.0
    assert rmt.hessian_pb_negative_fraction(ratio, 1.05 * closed) > 0.0
