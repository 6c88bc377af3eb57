"""Tests of course_lib.optimization.critical_points: critical points of every index with their Morse index."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from course_lib import optimization as opt


def double_well(x):
    """f(x) = sum_i (x_i^4/4 - x_i^2/2): critical coordinates 0 (f'' = -1) and +-1 (f'' = 2)."""
    return float(np.sum(x**4 / 4 - x**2 / 2)), x**3 - x, np.diag(3 * x**2 - 1)


def test_double_well_all_critical_points_enumerated():
    # The 3^d critical points are the points of {-1, 0, 1}^d; one with k zero coordinates has index k and value
    # -(d - k)/4 (each coordinate +-1 contributes 1/4 - 1/2). Start at each of them perturbed by 0.15.
    d = 3
    rng = np.random.default_rng(0)
    grid = np.array(list(itertools.product([-1.0, 0.0, 1.0], repeat=d)))
    res = opt.critical_points(double_well, grid + 0.15 * rng.uniform(-1, 1, grid.shape), tol=1e-12)
    assert res.converged.all()
    assert_allclose(res.x, grid, atol=1e-12)
    k = np.sum(grid == 0, axis=1)
    assert np.array_equal(res.index, k)
    assert_allclose(res.value, -(d - k) / 4, atol=1e-14)
    assert np.all(res.n_null == 0)
    assert_allclose(res.min_abs_eig, np.where(k > 0, 1.0, 2.0), rtol=1e-10)


def test_double_well_random_starts_index_orders_value():
    # From random starts every converged point is one of the enumerated ones: value = -(d - index)/4 exactly,
    # the layered structure in its cleanest form. The wrong relation value = -index/4 is rejected.
    d = 4
    rng = np.random.default_rng(1)
    res = opt.critical_points(double_well, rng.uniform(-1.5, 1.5, (40, d)), tol=1e-10)
    c = res.converged
    assert c.sum() >= 30
    assert_allclose(res.value[c], -(d - res.index[c]) / 4, atol=1e-12)
    assert not np.allclose(res.value[c], -res.index[c] / 4, atol=1e-3)  # negative control
    assert len(set(res.index[c].tolist())) >= 3


def test_indefinite_quadratic_one_newton_step():
    # f = x^T A x / 2 with eigenvalues (-2, -1, 3, 5): the only critical point is 0, of index 2; with a tiny damping
    # the first step is Newton's and lands on it.
    rng = np.random.default_rng(2)
    Q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    A = Q @ np.diag([-2.0, -1.0, 3.0, 5.0]) @ Q.T
    res = opt.critical_points(lambda x: (float(x @ A @ x / 2), A @ x, A), rng.standard_normal(4), mu0=1e-14, tol=1e-10)
    assert res.converged[0] and res.n_iter[0] == 1
    assert res.index[0] == 2
    assert_allclose(res.x[0], 0.0, atol=1e-10)


def test_null_directions_counted():
    # f(x, y) = (x^2 - 1)^2 is constant in y: critical points have one null eigenvalue.
    def fun(x):
        return float((x[0] ** 2 - 1) ** 2), np.array([4 * x[0] * (x[0] ** 2 - 1), 0.0]), np.diag([12 * x[0] ** 2 - 4, 0.0])

    res = opt.critical_points(fun, np.array([[0.8, 3.0], [0.1, -2.0]]), tol=1e-12, eig_tol=1e-9)
    assert res.converged.all()
    assert res.n_null.tolist() == [1, 1] and res.index.tolist() == [0, 1]


def test_no_critical_point_not_converged():
    # f = exp(x_0) + x_1^2 has no critical point: the search must not report one.
    def fun(x):
        e = np.exp(x[0])
        return float(e + x[1] ** 2), np.array([e, 2 * x[1]]), np.diag([e, 2.0])

    res = opt.critical_points(fun, np.zeros(2), max_iter=30, tol=1e-8)
    assert not res.converged[0]
    assert res.grad_norm[0] > 1e-8


def test_bad_input():
    with pytest.raises(TypeError, match="`fun` must be callable"):
        opt.critical_points(3.0, np.zeros(2))
    with pytest.raises(ValueError, match="`x0` must have ndim"):
        opt.critical_points(double_well, np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="`tol`"):
        opt.critical_points(double_well, np.zeros(2), tol=0.0)
    with pytest.raises(ValueError, match="`max_iter`"):
        opt.critical_points(double_well, np.zeros(2), max_iter=0)
    with pytest.raises(ValueError, match="`eig_tol`"):
        opt.critical_points(double_well, np.zeros(2), eig_tol=-1.0)
    with pytest.raises(ValueError, match="`mu0`"):
        opt.critical_points(double_well, np.zeros(2), mu0=0.0)
    with pytest.raises(TypeError, match="must return a tuple"):
        opt.critical_points(lambda x: 1.0, np.zeros(2))
    with pytest.raises(ValueError, match="gradient of shape"):
        opt.critical_points(lambda x: (0.0, np.zeros(3), np.eye(2)), np.zeros(2))
    with pytest.raises(FloatingPointError, match="non-finite"):
        opt.critical_points(lambda x: (np.nan, np.zeros(2), np.eye(2)), np.zeros(2))


def test_a_trial_step_outside_the_domain_is_damped_not_fatal():
    # f(x) = sqrt(1 + x^2), defined (finite) only on |x| < 2 here: the undamped Newton step from x0 = 1.5 lands at
    # -x0^3 = -3.375, outside; that step must be rejected and damped, and the start still reaches the minimum at 0.
    # A non-finite value at the start itself is still an error.
    def fun(x):
        x = np.asarray(x, dtype=float)
        r = np.sqrt(1.0 + x @ x)
        v = r if np.all(np.abs(x) < 2.0) else np.inf
        return v, x / r, (np.eye(x.size) - np.outer(x, x) / r**2) / r

    res = opt.critical_points(fun, np.array([[1.5], [-1.7]]), mu0=1e-12)
    assert np.all(res.converged) and np.allclose(res.x, 0.0, atol=1e-8) and np.all(res.index == 0)
    with pytest.raises(FloatingPointError, match="non-finite"):
        opt.critical_points(fun, np.array([2.5]))
