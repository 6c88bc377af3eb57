"""Tests of course_lib.kernels.deep_relu_empirical_ntk (finite-width tangent kernel of a deep ReLU network)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from course_lib.kernels import deep_relu_empirical_ntk, deep_relu_ntk

from test_deep_relu_ntk import _empirical_ntk, _probe_inputs


@pytest.mark.parametrize("depth", [0, 1, 2, 4])
@pytest.mark.parametrize("c_sigma", [1.0, 2.0])
def test_matches_the_independent_backprop_of_the_deep_ntk_tests(depth, c_sigma):
    # The helper of tests/test_deep_relu_ntk.py (written separately, column layout) draws the weights in the same
    # order, so with the same seed the two kernels must agree to rounding.
    X = _probe_inputs()
    mine = deep_relu_empirical_ntk(X, depth, 300, c_sigma=c_sigma, rng=np.random.default_rng(7))
    ref = _empirical_ntk(X, depth, 300, np.random.default_rng(7), c_sigma)
    assert_allclose(mine, ref, rtol=1e-12, atol=1e-12)


def test_depth_zero_is_the_linear_kernel():
    X = np.random.default_rng(0).standard_normal((5, 3))
    assert_allclose(deep_relu_empirical_ntk(X, 0, 4, rng=1), X @ X.T, rtol=0, atol=1e-14)


def test_finite_difference_gradient_of_a_tiny_network():
    # Width 3, depth 2: compare with <grad f(x), grad f(x')> from central finite differences over all weights.
    rng = np.random.default_rng(11)
    X = rng.standard_normal((3, 2))
    width, depth, seed = 3, 2, 5
    r = np.random.default_rng(seed)
    Ws = [r.standard_normal((width, 2)), r.standard_normal((width, width))]
    w_out = r.standard_normal(width)
    s = np.sqrt(2.0 / width)

    def f(params, x):
        W1, W2, wo = params
        return wo @ (s * np.maximum(W2 @ (s * np.maximum(W1 @ x, 0)), 0))

    params = [Ws[0], Ws[1], w_out]
    grads = []
    for x in X:
        g = []
        for P in params:
            for idx in np.ndindex(P.shape):
                old = P[idx]
                P[idx] = old + 1e-6
                up = f(params, x)
                P[idx] = old - 1e-6
                down = f(params, x)
                P[idx] = old
                g.append((up - down) / 2e-6)
        grads.append(g)
    grads = np.array(grads)
    assert_allclose(deep_relu_empirical_ntk(X, depth, width, rng=seed), grads @ grads.T, rtol=1e-6, atol=1e-8)


def test_symmetric_positive_semidefinite_and_close_to_the_limit():
    X = _probe_inputs()
    K = deep_relu_empirical_ntk(X, 2, 1500, rng=3)
    assert_allclose(K, K.T, rtol=0, atol=1e-12)
    assert np.linalg.eigvalsh(K).min() >= -1e-10
    # One draw at width 1500: entries fluctuate by about 0.15 at depth 2 (tests/test_deep_relu_ntk.py measures the
    # spread at width 2000); 0.6 is four such standard deviations.
    rho = np.clip(X @ X.T, -1, 1)
    assert np.max(np.abs(K - deep_relu_ntk(rho, 2))) < 0.6


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(X=[[1.0, 0.0]], depth=-1, width=10), ValueError, "`depth`"),
        (dict(X=[[1.0, 0.0]], depth=101, width=10), ValueError, "`depth`"),
        (dict(X=[[1.0, 0.0]], depth=1.5, width=10), TypeError, "`depth`"),
        (dict(X=[[1.0, 0.0]], depth=1, width=0), ValueError, "`width`"),
        (dict(X=[[1.0, 0.0]], depth=1, width=2.0), TypeError, "`width`"),
        (dict(X=[[1.0, 0.0]], depth=100, width=1000), ValueError, r"`depth \* width\*\*2`"),
        (dict(X=[[1.0, 0.0]], depth=1, width=10, c_sigma=0.0), ValueError, "`c_sigma`"),
        (dict(X=[[1.0, 0.0]], depth=1, width=10, c_sigma=np.nan), ValueError, "`c_sigma`"),
        (dict(X=[[1.0, np.nan]], depth=1, width=10), ValueError, "`X`"),
        (dict(X=[1.0, 0.0], depth=1, width=10), ValueError, "`X`"),
        (dict(X=[["a", "b"]], depth=1, width=10), TypeError, "`X`"),
    ],
)
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        deep_relu_empirical_ntk(**kwargs)
