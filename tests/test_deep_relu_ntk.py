"""Tests of course_lib.kernels.deep_relu_ntk: closed forms, provable properties, and the empirical NTK of wide networks.

Reference convention: Arora, Du, Hu, Li, Salakhutdinov, Wang, "On exact computation with an infinitely wide neural
net", NeurIPS 2019, Section 3 (c_sigma = 2, Sigma^(0) = Theta^(0) = <x, x'>, Theta^(L)(x, x) = L + 1 for unit x).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from course_lib.kernels import deep_relu_ntk, relu_ntk

RHOS = np.linspace(-1.0, 1.0, 201)


def _kappa0(u):
    return (np.pi - np.arccos(u)) / np.pi


def _kappa1(u):
    return (np.sqrt(1.0 - u**2) + (np.pi - np.arccos(u)) * u) / np.pi


# ---------------------------------------------------------------- closed forms


@pytest.mark.parametrize("depth", [0, 1, 2, 3, 7, 50])
def test_equal_inputs_give_depth_plus_one_exactly(depth):
    # Theta^(L)(1) = L + 1 since kappa_0(1) = kappa_1(1) = 1 (each of the L + 1 weight matrices contributes 1).
    assert deep_relu_ntk(1.0, depth) == depth + 1


def test_depth_zero_is_the_linear_kernel():
    assert_allclose(deep_relu_ntk(RHOS, 0), RHOS, rtol=0, atol=0)


def test_depth_one_closed_form_and_two_layer_kernel():
    # Theta^(1) = rho kappa_0(rho) + kappa_1(rho) (Arora et al. 2019, Sec. 3 with L = 1); Theta^(1)(0) = 1/pi.
    assert_allclose(deep_relu_ntk(RHOS, 1), RHOS * _kappa0(RHOS) + _kappa1(RHOS), rtol=0, atol=1e-15)
    assert deep_relu_ntk(0.0, 1) == pytest.approx(1 / np.pi, abs=1e-15)
    assert deep_relu_ntk(-1.0, 1) == pytest.approx(0.0, abs=1e-15)  # kappa_0(-1) = kappa_1(-1) = 0
    # The two-layer kernel relu_ntk has no sqrt(2) in its network: it is half of Theta^(1) on unit inputs.
    x = np.array([[1.0, 0.0]])
    Y = np.column_stack([RHOS, np.sqrt(1 - RHOS**2)])
    assert_allclose(2 * relu_ntk(x, Y)[0], deep_relu_ntk(RHOS, 1), rtol=0, atol=1e-12)


def test_depth_two_unrolled_sum():
    # Theta^(2) = Sigma^(0) Sdot^(1) Sdot^(2) + Sigma^(1) Sdot^(2) + Sigma^(2) (Arora et al. 2019, the sum over h).
    s1, d1 = _kappa1(RHOS), _kappa0(RHOS)
    s2, d2 = _kappa1(np.clip(s1, -1, 1)), _kappa0(np.clip(s1, -1, 1))
    assert_allclose(deep_relu_ntk(RHOS, 2), RHOS * d1 * d2 + s1 * d2 + s2, rtol=0, atol=1e-14)


def test_shapes_and_scalar_output():
    assert isinstance(deep_relu_ntk(0.3, 2), float)
    assert isinstance(deep_relu_ntk(np.float64(0.3), 2), float)
    out = deep_relu_ntk(np.full((2, 3), 0.3), 2)
    assert out.shape == (2, 3) and np.all(out == deep_relu_ntk(0.3, 2))
    assert deep_relu_ntk([], 3).shape == (0,)


def test_roundoff_outside_the_interval_is_clipped():
    assert deep_relu_ntk(1.0 + 1e-13, 4) == 5.0
    assert deep_relu_ntk(-1.0 - 1e-13, 2) == deep_relu_ntk(-1.0, 2)


# ---------------------------------------------------------------- provable properties


@pytest.mark.parametrize("depth", [1, 2, 3, 10])
def test_bounds_and_monotonicity(depth):
    th = deep_relu_ntk(RHOS, depth)
    # |Sigma^(h)| <= 1 and 0 <= Sdot^(h) <= 1 give |Theta^(h)| <= h + 1 by induction.
    assert np.all(np.abs(th) <= depth + 1 + 1e-12)
    # On [0, 1] every Sigma^(h), Sdot^(h) is non-negative and non-decreasing, hence so is Theta^(L).
    pos = th[RHOS >= 0]
    assert np.all(np.diff(pos) >= -1e-14)
    # (On [-1, 0] it is not monotone: Theta^(1)'(rho) = 2 kappa_0 + rho kappa_0' -> -inf as rho -> -1.)
    if depth == 1:
        assert th[1] < th[0]


@pytest.mark.parametrize("depth", [0, 1, 3, 8])
def test_kernel_matrix_is_positive_semidefinite(depth):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((60, 4))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    C = np.clip(X @ X.T, -1, 1)
    np.fill_diagonal(C, 1.0)  # Theta is sqrt-singular at 1: rho = 1 - 1e-16 moves it by ~1e-8
    G = deep_relu_ntk(C, depth)
    assert_allclose(np.diag(G), depth + 1, rtol=0, atol=1e-12)
    assert np.linalg.eigvalsh(G).min() >= -1e-10 * (depth + 1)


# ---------------------------------------------------------------- empirical NTK of wide finite networks


def _empirical_ntk(X, depth, width, rng, c_sigma=2.0):
    """Exact <grad f(x), grad f(x')> of the network of Arora et al. (2019), by hand-written backprop.

    g^(0) = x, f^(h) = W^(h) g^(h-1), g^(h) = sqrt(c_sigma/width) relu(f^(h)), f = a . g^(L); weights N(0, 1).
    The gradient in W^(h) is the outer product b^(h) g^(h-1)^T with b^(h) = df/df^(h), so the kernel is
    sum_h <g^(h-1)(x), g^(h-1)(x')> <b^(h)(x), b^(h)(x')> (h = L + 1 is the output layer a, b = 1).
    """
    scale = np.sqrt(c_sigma / width)
    g, pre, Ws = [X.T], [], []
    for _ in range(depth):
        W = rng.standard_normal((width, g[-1].shape[0]))
        Ws.append(W)
        pre.append(W @ g[-1])
        g.append(scale * np.maximum(pre[-1], 0.0))
    a = rng.standard_normal(g[-1].shape[0])
    K = g[depth].T @ g[depth]  # output layer
    if depth:
        b = scale * (pre[-1] > 0) * a[:, None]  # df/df^(L), one column per input
        for h in range(depth, 0, -1):
            K += (g[h - 1].T @ g[h - 1]) * (b.T @ b)
            if h > 1:
                b = scale * (pre[h - 2] > 0) * (Ws[h - 1].T @ b)
    return K


_PROBE_RHOS = np.array([-0.8, -0.3, 0.0, 0.5, 0.9, 1.0])
_WIDTH, _SEEDS = 2000, 8


def _probe_inputs():
    # x_0 = e_1 and x_i = (rho_i, sqrt(1 - rho_i^2)), so <x_0, x_i> = rho_i.
    return np.vstack([[1.0, 0.0], np.column_stack([_PROBE_RHOS, np.sqrt(1 - _PROBE_RHOS**2)])])


def _empirical_rows(depth, width=_WIDTH, seeds=_SEEDS, c_sigma=2.0):
    X = _probe_inputs()
    return np.array([_empirical_ntk(X, depth, width, np.random.default_rng(100 + s), c_sigma)[0, 1:] for s in range(seeds)])


def test_empirical_ntk_of_depth_zero_is_exact():
    X = _probe_inputs()
    assert_allclose(_empirical_ntk(X, 0, 10, np.random.default_rng(0))[0, 1:], _PROBE_RHOS, atol=1e-15)


# Tolerance: the empirical kernel fluctuates by O(width^{-1/2}) (test_fluctuations_shrink_like_inverse_sqrt_width).
# Measured over 16 seeds (100..115) at width 2000, the per-seed standard deviation of every entry was at most 0.094
# (depth 1) and 0.289 (depth 3), largest at rho = 1, i.e. at most 0.075 (L + 1). The mean of 8 seeds then has
# sd <= 0.027 (L + 1), and 0.12 (L + 1) is over 4 such standard deviations. The test re-measures the spread, so a
# tolerance that stopped covering the noise would be noticed.
def _tol(depth):
    return 0.12 * (depth + 1)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_empirical_ntk_of_wide_network_matches(depth):
    rows = _empirical_rows(depth)
    theory = deep_relu_ntk(_PROBE_RHOS, depth)
    err = np.abs(rows.mean(axis=0) - theory)
    spread = rows.std(axis=0, ddof=1)
    assert np.all(spread <= 0.12 * (depth + 1)), spread  # the noise level the tolerance assumes
    assert np.all(err <= _tol(depth)), (rows.mean(axis=0), theory, err)
    # Negative control 1: the conjugate (NNGP) kernel Sigma^(L), i.e. training only the output layer, is far off.
    sigma_l = np.clip(_PROBE_RHOS, -1, 1)
    for _ in range(depth):
        sigma_l = _kappa1(sigma_l)
    assert np.max(np.abs(rows.mean(axis=0) - sigma_l)) > 3 * _tol(depth)


@pytest.mark.parametrize("depth", [1, 3])
def test_negative_control_c_sigma_one_fails(depth):
    # The same network without the factor sqrt(2) (c_sigma = 1, a plausible slip) does not match the kernel.
    rows = _empirical_rows(depth, seeds=4, c_sigma=1.0)
    err = np.abs(rows.mean(axis=0) - deep_relu_ntk(_PROBE_RHOS, depth))
    assert err.max() > 3 * _tol(depth), err


def test_fluctuations_shrink_like_inverse_sqrt_width():
    # Depth 1, 40 seeds: the spread of Theta_m(x, x) - 2 at width 500 is about twice that at width 2000.
    X = np.array([[1.0, 0.0]])
    sd = [np.std([_empirical_ntk(X, 1, m, np.random.default_rng(s))[0, 0] for s in range(40)]) for m in (500, 2000)]
    assert 1.4 < sd[0] / sd[1] < 2.9, sd


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "rho, depth, exc, match",
    [
        (np.nan, 2, ValueError, "`rho` must contain only finite"),
        ([0.1, np.inf], 2, ValueError, "`rho` must contain only finite"),
        (1.001, 2, ValueError, r"`rho` must lie in \[-1, 1\].*1.001"),
        ([0.0, -1.5], 2, ValueError, r"`rho` must lie in \[-1, 1\].*-1.5"),
        (1.0 + 1e-9, 2, ValueError, r"`rho` must lie in \[-1, 1\]"),
        ("0.5", 2, TypeError, "`rho` must be a real numeric array"),
        (True, 2, TypeError, "`rho` must be real"),
        (0.5 + 0j, 2, TypeError, "`rho`"),
        (0.5, -1, ValueError, "`depth`"),
        (0.5, 10_001, ValueError, "`depth`"),
        (0.5, 2.5, TypeError, "`depth`"),
        (0.5, None, TypeError, "`depth`"),
        (0.5, True, TypeError, "`depth`"),
    ],
)
def test_bad_input(rho, depth, exc, match):
    with pytest.raises(exc, match=match):
        deep_relu_ntk(rho, depth)
