"""Unit tests of course_lib.approximation: exact constructions, exact piece counts, rates, bad input."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from course_lib import approximation as ap
from course_lib.erm import fit_power_law

EPS = np.finfo(float).eps


def tent_closed_form(x):
    """g(x) = 2x on [0, 1/2], 2(1 - x) on [1/2, 1], 0 elsewhere (Telgarsky 2016, Section 2)."""
    return np.where((x > 0) & (x < 1), np.where(x <= 0.5, 2 * x, 2 - 2 * x), 0.0)


def sawtooth_closed_form(x, k):
    """g^k(x) = 1 - |2 {2^(k-1) x} - 1| on [0, 1] (the k-fold composition, teeth of width 2^(1-k))."""
    return 1.0 - np.abs(2.0 * np.mod(2.0 ** (k - 1) * x, 1.0) - 1.0)


# ---------------------------------------------------------------- ReLUNet


def test_relunet_shapes_and_evaluation():
    rng = np.random.default_rng(0)
    w = [rng.normal(size=(4, 3)), rng.normal(size=(5, 4)), rng.normal(size=(2, 5))]
    b = [rng.normal(size=4), rng.normal(size=5), rng.normal(size=2)]
    net = ap.ReLUNet(w, b)
    assert net.depth == 3
    assert net.widths == (3, 4, 5, 2)
    assert net.hidden_widths == (4, 5)
    assert net.n_params == 4 * 4 + 5 * 5 + 2 * 6
    assert net.n_hidden_units == 9
    x = rng.normal(size=(7, 3))
    h = np.maximum(x @ w[0].T + b[0], 0)
    h = np.maximum(h @ w[1].T + b[1], 0)
    assert_allclose(net(x), h @ w[2].T + b[2], rtol=1e-14)
    assert net(x).shape == (7, 2)
    assert net.max_abs_param == max(np.abs(a).max() for a in w + b)
    # parameters are copied and read-only
    w[0][0, 0] = 1e6
    assert net.weights[0][0, 0] != 1e6
    with pytest.raises(ValueError):
        net.weights[0][0, 0] = 1.0


def test_relunet_one_dimensional_input_and_output():
    net = ap.ReLUNet([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])  # |x|
    x = np.linspace(-2, 2, 9)
    assert net(x).shape == (9,)
    assert_array_equal(net(x), np.abs(x))
    assert_array_equal(net(x[:, None]), np.abs(x))


def test_compose_is_function_composition():
    rng = np.random.default_rng(1)
    f = ap.random_relu_net([3, 6, 2], rng=rng)
    g = ap.random_relu_net([4, 5, 5, 3], rng=rng)
    fg = f.compose(g)
    assert fg.depth == f.depth + g.depth - 1
    assert fg.widths == (4, 5, 5, 6, 2)
    x = rng.normal(size=(50, 4))
    assert_allclose(fg(x), f(g(x)), rtol=1e-12, atol=1e-12)


def test_relunet_bad_input():
    with pytest.raises(ValueError, match="at least one matrix"):
        ap.ReLUNet([], [])
    with pytest.raises(ValueError, match="one vector per layer"):
        ap.ReLUNet([[[1.0]]], [[0.0], [0.0]])
    with pytest.raises(ValueError, match=r"`biases\[0\]` must have 2 entries"):
        ap.ReLUNet([[[1.0], [1.0]]], [[0.0]])
    with pytest.raises(ValueError, match="expects 3 inputs, but layer 1 has 2 outputs"):
        ap.ReLUNet([np.ones((2, 1)), np.ones((1, 3))], [np.zeros(2), np.zeros(1)])
    with pytest.raises(ValueError, match="ndim"):
        ap.ReLUNet([np.ones(3)], [np.zeros(1)])
    with pytest.raises(TypeError, match="lists of arrays"):
        ap.ReLUNet(np.ones((1, 1, 1)), [np.zeros(1)])
    with pytest.raises(ValueError, match="finite"):
        ap.ReLUNet([[[np.nan]]], [[0.0]])
    net = ap.random_relu_net([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match="must have 2 columns"):
        net(np.ones((4, 3)))
    with pytest.raises(ValueError, match="only by networks with one input"):
        net(np.ones(4))
    with pytest.raises(ValueError, match="cannot compose"):
        net.compose(net)
    with pytest.raises(TypeError, match="must be a ReLUNet"):
        net.compose(np.eye(2))


# ---------------------------------------------------------------- tent and sawtooth


def test_tent_is_the_tent_map_on_the_real_line():
    x = np.linspace(-1.0, 2.0, 100_001)
    assert_array_equal(ap.tent()(x), tent_closed_form(x))
    assert ap.tent().depth == 3


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8, 13, 20])
def test_sawtooth_matches_closed_form_composition(k):
    x = np.linspace(0.0, 1.0, 100_001)
    net = ap.sawtooth(k)
    assert net.depth == k + 1 and net.hidden_widths == (2,) * k
    assert net.n_params == 6 * k + 1
    # the closed form itself rounds 2^(k-1) x for non-dyadic x: agreement to a few ulps of 1
    assert_allclose(net(x), sawtooth_closed_form(x, k), rtol=0, atol=4 * EPS)
    # at dyadic points both are exact
    xd = np.arange(2 ** min(k + 3, 16) + 1) / 2 ** min(k + 3, 16)
    assert_array_equal(net(xd), sawtooth_closed_form(xd, k))


def test_sawtooth_equals_iterated_tent_on_the_line():
    x = np.linspace(-1.0, 2.0, 30_001)
    y = x.copy()
    for k in range(1, 7):
        y = tent_closed_form(y)
        if k >= 2:  # sawtooth(1) drops the outer relu, which matters only for x > 1
            assert_allclose(ap.sawtooth(k)(x), y, rtol=0, atol=4 * EPS)
    assert_allclose(ap.tent().compose(ap.tent())(x), tent_closed_form(tent_closed_form(x)), rtol=0, atol=4 * EPS)
    assert_array_equal(ap.sawtooth(0)(x), x)


@pytest.mark.parametrize("k", list(range(0, 21)))
def test_count_pieces_sawtooth_is_two_to_the_k(k):
    assert ap.count_pieces(ap.sawtooth(k)) == 2**k


def test_sawtooth_pieces_are_the_dyadic_intervals():
    pl = ap.linear_pieces(ap.sawtooth(5))
    assert_array_equal(pl.breakpoints, np.arange(33) / 32)
    assert_array_equal(pl.slopes, 32.0 * (-1.0) ** np.arange(32))


def test_count_pieces_tent_on_larger_interval_and_merging():
    assert ap.count_pieces(ap.tent(), -1.0, 2.0) == 4  # 0, up, down, 0
    assert ap.count_pieces(ap.tent(), -2.0, -1.0) == 1
    # relu(x) + relu(-x) - |x| is zero: its two "pieces" merge into one
    zero = ap.ReLUNet([[[1.0], [-1.0], [1.0], [-1.0]], [[1.0, 1.0, -1.0, -1.0]]], [np.zeros(4), [0.0]])
    assert ap.count_pieces(zero, -1.0, 1.0) == 1
    # x = relu(x) - relu(-x): one piece, although a hidden unit switches at 0
    ident = ap.ReLUNet([[[1.0], [-1.0]], [[1.0, -1.0]]], [np.zeros(2), [0.0]])
    assert ap.count_pieces(ident, -1.0, 1.0) == 1


# ---------------------------------------------------------------- piece counting on random networks


def test_linear_pieces_reproduce_random_networks():
    rng = np.random.default_rng(2)
    x = np.linspace(-3, 3, 20_001)
    for _ in range(40):
        depth = int(rng.integers(1, 6))
        widths = [1] + [int(rng.integers(1, 9)) for _ in range(depth)] + [1]
        net = ap.random_relu_net(widths, rng=rng)
        pl = ap.linear_pieces(net, -3.0, 3.0)
        assert_allclose(pl(x), net(x), rtol=0, atol=1e-12 * (1 + np.abs(net(x)).max()))
        # every reported breakpoint is genuine: the slope changes there
        if pl.n_pieces > 1:
            assert np.min(np.abs(np.diff(pl.slopes))) > 1e-9 * np.max(np.abs(pl.slopes))
        assert pl.breakpoints[0] == -3.0 and pl.breakpoints[-1] == 3.0
        assert np.all(np.diff(pl.breakpoints) > 0)


def test_count_pieces_agrees_with_dense_sampling():
    # independent check: count slope changes of the sampled function; pieces are wider than 1e-3 here
    net = ap.random_relu_net([1, 16, 16, 16, 1], rng=3)
    pl = ap.linear_pieces(net, -2.0, 2.0)
    assert np.diff(pl.breakpoints).min() > 1e-3
    x = np.linspace(-2, 2, 400_001)
    s = np.diff(net(x)) / np.diff(x)
    change = np.abs(np.diff(s)) > 1e-6 * np.abs(s).max()
    n_changes = int(change[0]) + int(np.sum(change[1:] & ~change[:-1]))
    assert pl.n_pieces == n_changes + 1


def test_piece_bound_holds_on_random_networks():
    # Telgarsky (2016), Lemma 2.3 / Serra et al. (2018), Theorem 1: at most prod(N_l + 1) <= (2m)^L pieces
    rng = np.random.default_rng(4)
    for _ in range(200):
        depth = int(rng.integers(1, 7))
        widths = [1] + [int(rng.integers(1, 7)) for _ in range(depth)] + [1]
        net = ap.random_relu_net(widths, rng=rng, bias_std=float(rng.uniform(0.1, 2.0)))
        sharp, telgarsky = ap.piece_bound(net.widths)
        assert ap.count_pieces(net, -50.0, 50.0) <= sharp <= telgarsky


def test_piece_bound_values():
    assert ap.piece_bound((1, 2, 2, 2, 1)) == (27, 256)
    assert ap.piece_bound((1, 1)) == (1, 2)
    # the bound is attained by a single layer with distinct breakpoints (the interpolant)
    net = ap.interpolant(np.sin, np.linspace(0, 3, 6))
    assert ap.count_pieces(net, -1.0, 4.0) == ap.piece_bound(net.widths)[0] == 6


def test_count_pieces_runtime_scales_linearly():
    # a benchmark, not a timed test: the work per piece for 2^20 pieces stays within a factor 10 of 2^16
    import time

    ap.count_pieces(ap.sawtooth(4))  # compile
    t0 = time.perf_counter()
    ap.count_pieces(ap.sawtooth(16))
    t16 = time.perf_counter() - t0
    t0 = time.perf_counter()
    assert ap.count_pieces(ap.sawtooth(20)) == 2**20
    t20 = time.perf_counter() - t0
    print(f"count_pieces(sawtooth(20)): {t20:.3f} s; per-piece cost ratio to sawtooth(16): {t20 / 16 / t16:.2f}")


def test_count_pieces_bad_input():
    with pytest.raises(ValueError, match="must have one input, got 2"):
        ap.count_pieces(ap.max_net(2))
    with pytest.raises(ValueError, match="must have one output, got 2"):
        ap.count_pieces(ap.ReLUNet([np.ones((2, 1))], [np.zeros(2)]))
    with pytest.raises(ValueError, match="a < b"):
        ap.count_pieces(ap.tent(), 1.0, 0.0)
    with pytest.raises(TypeError, match="must be a ReLUNet"):
        ap.count_pieces(np.sin)
    with pytest.raises(ValueError, match="must be 1"):
        ap.piece_bound((2, 3, 1))


# ---------------------------------------------------------------- exact distances and Telgarsky's bound


def test_lp_distance_closed_forms():
    g3 = ap.sawtooth(3)
    # g^k(U) is uniform on [0,1] for U uniform: E|V - 1/2| = 1/4, E (V - 1/2)^2 = 1/12, sup = 1/2
    assert_allclose(ap.lp_distance(g3, 0.5, p=1), 0.25, rtol=1e-15)
    assert_allclose(ap.lp_distance(g3, 0.5, p=2), math.sqrt(1 / 12), rtol=1e-15)
    assert_allclose(ap.lp_distance(g3, 0.5, p=np.inf), 0.5, rtol=1e-15)
    assert ap.lp_distance(g3, g3) == 0.0
    # int_0^1 |x - 1/3| dx = 5/18 (a sign change inside a piece)
    ident = ap.sawtooth(0)
    assert_allclose(ap.lp_distance(ident, 1 / 3), 5 / 18, rtol=1e-14)
    # against quadrature for two random networks
    rng = np.random.default_rng(5)
    f, h = ap.random_relu_net([1, 6, 6, 1], rng=rng), ap.random_relu_net([1, 9, 1], rng=rng)
    x = np.linspace(-1, 2, 3_000_001)
    d = np.abs(f(x) - h(x))
    assert_allclose(ap.lp_distance(f, h, -1, 2, p=1), np.trapezoid(d, x), rtol=1e-6)
    assert_allclose(ap.lp_distance(f, h, -1, 2, p=2), np.sqrt(np.trapezoid(d**2, x)), rtol=1e-6)
    assert_allclose(ap.lp_distance(f, h, -1, 2, p=np.inf), d.max(), rtol=1e-6)
    with pytest.raises(ValueError, match="`p` must be 1, 2 or numpy.inf"):
        ap.lp_distance(f, h, p=3)
    with pytest.raises(TypeError, match="must be a ReLUNet, a PiecewiseLinear or a number"):
        ap.lp_distance(f, "x")


def test_sawtooth_l1_lower_bound_values_and_validity():
    assert ap.sawtooth_l1_lower_bound(6, 1) == 0.25
    assert ap.sawtooth_l1_lower_bound(6, 17) == 0.125
    assert ap.sawtooth_l1_lower_bound(6, 40) == 0.0
    # the bound holds for every piecewise-linear function with t pieces we try, e.g. interpolants
    for k in (4, 6, 8):
        g = ap.sawtooth(k)
        for n in (2, 5, 9, 17, 33):
            net = ap.interpolant(g, np.linspace(0, 1, n))
            t = ap.count_pieces(net)
            assert ap.lp_distance(net, g) >= ap.sawtooth_l1_lower_bound(k, t) - 1e-15
    with pytest.raises(ValueError, match="`k` must be an integer >= 1"):
        ap.sawtooth_l1_lower_bound(0, 3)


def test_shallow_fit_respects_the_depth_separation_bound():
    k = 6
    g = ap.sawtooth(k)
    h = 2.0**-k
    for n_units in (4, 8, 16):
        knots0 = np.concatenate([[h / 2], h * np.arange(1, n_units - 1)])
        fit = ap.shallow_fit(g, n_units, knots0=knots0, n_grid=2 ** (k + 3) + 1, n_starts=2, rng=0)
        assert fit.widths == (1, n_units, 1)
        t = ap.count_pieces(fit)
        assert t <= n_units
        err = ap.lp_distance(fit, g)
        assert ap.sawtooth_l1_lower_bound(k, t) <= err < 0.25


def test_shallow_fit_recovers_a_piecewise_linear_target():
    target = ap.interpolant(lambda x: np.abs(x - 0.3) + 0.5 * np.maximum(x - 0.7, 0), [0.0, 0.3, 0.7, 1.0])
    fit = ap.shallow_fit(target, 3, knots0=[0.25, 0.75], n_grid=1001, n_starts=1)
    assert ap.lp_distance(fit, target, p=np.inf) < 1e-8
    with pytest.raises(ValueError, match="must hold n_units - 1 = 2 knots"):
        ap.shallow_fit(target, 3, knots0=[0.5])
    with pytest.raises(TypeError, match="must be a callable"):
        ap.shallow_fit([1, 2], 3)


# ---------------------------------------------------------------- Yarotsky and products


@pytest.mark.parametrize("m", list(range(0, 12)))
def test_yarotsky_square_error_is_exactly_attained(m):
    net = ap.yarotsky_square(m)
    assert net.depth == m + 1
    # maximisers: the midpoints (2j+1) 2^-(m+1), where f_m - x^2 = 4^-(m+1) exactly (dyadic arithmetic)
    xm = (2 * np.arange(2**m) + 1) / 2 ** (m + 1)
    assert_array_equal(net(xm) - xm**2, np.full(xm.size, 4.0 ** -(m + 1)))
    # interpolation: exact at the knots j 2^-m
    xk = np.arange(2**m + 1) / 2**m
    assert_array_equal(net(xk), xk**2)
    # and the error never exceeds it, nor goes negative
    x = np.linspace(0, 1, 100_001)
    e = net(x) - x**2
    assert e.max() <= 4.0 ** -(m + 1) * (1 + 1e-12) and e.min() >= -4 * EPS
    assert ap.count_pieces(net) == 2**m


def test_yarotsky_square_equals_x_minus_sawtooth_sum():
    x = np.linspace(0, 1, 10_001)
    m = 6
    expected = x - sum(ap.sawtooth(s)(x) / 4**s for s in range(1, m + 1))
    assert_allclose(ap.yarotsky_square(m)(x), expected, rtol=0, atol=8 * EPS)


@pytest.mark.parametrize("m", [0, 1, 3, 6])
def test_yarotsky_product_error_bounds(m):
    rng = np.random.default_rng(6)
    xy = rng.random((20_000, 2))
    net = ap.yarotsky_product(m)
    assert net.d_in == 2 and net.depth == m + 1
    err = net(xy) - xy[:, 0] * xy[:, 1]
    assert err.max() <= 2 * 4.0 ** -(m + 1) + 1e-14 and err.min() >= -(4.0 ** -(m + 1)) - 1e-14
    # on the diagonal the product is the square: error f_m(x) - x^2 in [0, 4^-(m+1)]
    d = np.column_stack([xy[:, 0], xy[:, 0]])
    e_diag = net(d) - xy[:, 0] ** 2
    assert e_diag.min() >= -1e-14 and e_diag.max() <= 4.0 ** -(m + 1) + 1e-14


# ---------------------------------------------------------------- max of d inputs


@pytest.mark.parametrize("d", list(range(1, 18)))
def test_max_net_equals_numpy_max(d):
    rng = np.random.default_rng(d)
    x = rng.normal(scale=10.0, size=(5_000, d))
    net = ap.max_net(d)
    assert net.depth == math.ceil(math.log2(d)) + 1
    assert net.d_in == d and net.d_out == 1
    # x + relu(y - x) rounds once per level: a few ulps of the largest magnitude
    scale = np.abs(x).max(axis=1)
    assert np.all(np.abs(net(x) - x.max(axis=1)) <= 4 * net.depth * EPS * scale)
    # exact on small integers (every intermediate is an exactly representable integer)
    xi = rng.integers(-1000, 1000, size=(2_000, d)).astype(float)
    assert_array_equal(net(xi), xi.max(axis=1))


def test_max_net_bad_input():
    with pytest.raises(ValueError, match="`d` must be an integer >= 1, got 0"):
        ap.max_net(0)
    with pytest.raises(TypeError, match="`d` must be an integer"):
        ap.max_net(2.5)


# ---------------------------------------------------------------- interpolation and its rates


def test_interpolant_is_exact_piecewise_linear_interpolation():
    rng = np.random.default_rng(7)
    knots = np.sort(rng.uniform(-2, 3, 40))
    net = ap.interpolant(np.cos, knots)
    assert net.widths == (1, 39, 1)
    assert_allclose(net(knots), np.cos(knots), rtol=0, atol=1e-13)
    x = np.linspace(knots[0], knots[-1], 50_001)
    assert_allclose(net(x), np.interp(x, knots, np.cos(knots)), rtol=0, atol=1e-13)
    # values instead of a callable
    assert_allclose(ap.interpolant(np.cos(knots), knots)(x), net(x), rtol=0, atol=0)
    assert ap.count_pieces(net, knots[0], knots[-1]) == 39


def test_interpolation_rate_smooth_target():
    # sup |f - I_N f| ~ h^2 max|f''| / 8 = pi^2 / (2 N^2) for f = sin(2 pi x), N a multiple of 4. Next order:
    # the worst cell touches the peak, error ~ cos(u)(1 - cos u) with u = pi/N, i.e. a factor 1 - 7 u^2 / 12
    ns = np.array([16, 32, 64, 128, 256, 512])
    x = np.linspace(0, 1, 2**16 + 1)
    f = lambda t: np.sin(2 * np.pi * t)  # noqa: E731
    err = np.array([np.max(np.abs(ap.interpolant(f, np.linspace(0, 1, n + 1))(x) - f(x))) for n in ns])
    fit = fit_power_law(ns, err)
    assert abs(fit.exponent + 2) < 0.01
    u = np.pi / ns
    assert_allclose(err * ns**2, np.pi**2 / 2 * (1 - 7 * u**2 / 12), rtol=1e-3)


def test_interpolation_rate_holder_target():
    # f = |x - 1/2|^alpha with 1/2 a knot: sup error = c_alpha h^alpha exactly, with
    # c_alpha = alpha^(alpha/(1-alpha)) - alpha^(1/(1-alpha)) (maximise u^alpha - u h^(alpha-1) over u)
    alpha = 0.5
    c_alpha = alpha ** (alpha / (1 - alpha)) - alpha ** (1 / (1 - alpha))
    ns = np.array([16, 32, 64, 128, 256])
    f = lambda t: np.abs(t - 0.5) ** alpha  # noqa: E731
    errs = []
    for n in ns:
        x = np.linspace(0, 1, 64 * n + 1)  # 64 points per cell: contains the maximiser h/4
        errs.append(np.max(np.abs(ap.interpolant(f, np.linspace(0, 1, n + 1))(x) - f(x))))
    assert_allclose(np.array(errs), c_alpha * (1.0 / ns) ** alpha, rtol=1e-12)


def test_interpolant_bad_input():
    with pytest.raises(ValueError, match="strictly increasing; got knots\\[1\\] = 1.0 >= knots\\[2\\] = 0.5"):
        ap.interpolant(np.sin, [0.0, 1.0, 0.5])
    with pytest.raises(ValueError, match="strictly increasing"):
        ap.interpolant(np.sin, [0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="at least 2 entries"):
        ap.interpolant(np.sin, [0.0])
    with pytest.raises(ValueError, match="one value per knot"):
        ap.interpolant([1.0, 2.0], [0.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="finite"):
        ap.interpolant(lambda t: np.array([0.0, np.inf]), [0.0, 1.0])


# ---------------------------------------------------------------- random networks, lines, regions


def test_random_relu_net_is_reproducible_and_he_scaled():
    a = ap.random_relu_net([3, 400, 400, 1], rng=8)
    b = ap.random_relu_net([3, 400, 400, 1], rng=np.random.default_rng(8))
    assert_array_equal(a.weights[1], b.weights[1])
    # He: Var W_l = 2 / N_{l-1}; 160000 entries give a relative standard error of sqrt(2/160000) ~ 0.35%
    assert_allclose(a.weights[1].var() * 400 / 2, 1.0, atol=4 * math.sqrt(2 / 160_000))
    assert_array_equal(ap.random_relu_net([2, 3, 1], rng=0, bias_std=0.0).biases[0], np.zeros(3))
    with pytest.raises(ValueError, match="at least the input and output"):
        ap.random_relu_net([3])
    with pytest.raises(ValueError, match=r"`widths\[1\]` must be an integer >= 1, got 0"):
        ap.random_relu_net([3, 0, 1])


def test_restrict_to_line_and_activation_patterns():
    rng = np.random.default_rng(9)
    net = ap.random_relu_net([2, 8, 8, 1], rng=rng)
    p, v = rng.normal(size=2), rng.normal(size=2)
    line = ap.restrict_to_line(net, p, v)
    t = np.linspace(-2, 2, 1001)
    assert_allclose(line(t), net(p + t[:, None] * v), rtol=1e-13, atol=1e-13)
    # activation patterns along the line change exactly where the pieces of the hidden layers do,
    # and there are at least as many activation regions as maximal affine pieces
    labels = ap.activation_patterns(line, np.linspace(-2, 2, 200_001))
    n_regions = int(np.sum(np.diff(labels) != 0)) + 1
    assert n_regions >= ap.count_pieces(line, -2, 2)
    # the 2-D folding network g^k(x1) + g^k(x2) has 4^k activation regions on the unit square
    k = 3
    saw = ap.sawtooth(k)
    both = ap.ReLUNet(
        [np.kron(np.eye(2), saw.weights[0])] + [np.kron(np.eye(2), w) for w in saw.weights[1:-1]]
        + [np.hstack([saw.weights[-1], saw.weights[-1]])],
        [np.tile(b, 2) for b in saw.biases[:-1]] + [np.zeros(1)],
    )
    g = (np.arange(400) + 0.5) / 400
    grid = np.column_stack([np.repeat(g, 400), np.tile(g, 400)])
    assert_allclose(both(grid), saw(grid[:, 0]) + saw(grid[:, 1]), rtol=0, atol=1e-15)
    assert ap.activation_patterns(both, grid).max() + 1 == 4**k
    with pytest.raises(ValueError, match="non-zero vector"):
        ap.restrict_to_line(net, p, [0.0, 0.0])
    with pytest.raises(ValueError, match="`point` must have 2 entries"):
        ap.restrict_to_line(net, [0.0], v)


# ---------------------------------------------------------------- random features


def test_random_feature_fit_rate_in_two_dimensions():
    # a smooth target: the least-squares error decreases at least like the Monte Carlo rate N^(-1/2)
    rng = np.random.default_rng(10)
    x = rng.uniform(-1, 1, (6000, 2))
    f = lambda z: np.exp(-2 * np.sum(z**2, axis=1)) * np.cos(2 * z[:, 0])  # noqa: E731
    x_test = rng.uniform(-1, 1, (4000, 2))
    widths = np.array([16, 32, 64, 128, 256])
    err = [np.sqrt(np.mean((ap.random_feature_fit(x, f(x), n, rng=rng)(x_test) - f(x_test)) ** 2)) for n in widths]
    fit = fit_power_law(widths, err)
    assert fit.exponent < -0.5
    net = ap.random_feature_fit(x, f(x), 16, rng=0)
    assert net.widths == (2, 16, 1) and net.n_params == 4 * 16 + 1
    with pytest.raises(ValueError, match="one entry per row"):
        ap.random_feature_fit(x, f(x)[:10], 8)


# ---------------------------------------------------------------- docstring examples


@pytest.mark.parametrize("name", ["_network", "_constructions", "_pieces", "_fitting"])
def test_docstring_examples_run(name):
    import doctest
    import importlib

    module = importlib.import_module(f"course_lib.approximation.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
