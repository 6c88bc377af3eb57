"""Explicit ReLU networks: the tent map and the sawtooth, Yarotsky's square and product, max, interpolants."""

from __future__ import annotations

import numpy as np
from scipy.linalg import block_diag

from .._validation import check_array, check_int
from ._network import ReLUNet

__all__ = ["tent", "sawtooth", "yarotsky_square", "yarotsky_product", "max_net", "interpolant"]

# One tent layer acting on (relu(y), relu(y - 1/2)) of the previous tent's input y:
# the next input is g(y) = 2 relu(y) - 4 relu(y - 1/2), and relu(relu(u) - c) = relu(u - c) for c >= 0.
_TENT_W = np.array([[2.0, -4.0], [2.0, -4.0]])
_TENT_B = np.array([0.0, -0.5])


def tent():
    r"""The tent map :math:`g(x) = \sigma\bigl(2\sigma(x) - 4\sigma(x - \tfrac12)\bigr)` as a ReLU network.

    On :math:`[0, 1]`, :math:`g(x) = 2x` for :math:`x \le 1/2` and :math:`2(1-x)` for :math:`x \ge 1/2`;
    it vanishes outside :math:`[0,1]`. The network is the formula itself: hidden widths (2, 1)
    and a trivial output layer, so ``depth == 3``; it equals :math:`g` on all of :math:`\mathbb R`.

    Returns
    -------
    ReLUNet

    References
    ----------
    .. [1] M. Telgarsky, "Benefits of depth in neural networks", COLT 2016, arXiv:1602.04485.
    .. [2] P. Grohs, "Deep learning as a mathematician", lecture (2017).

    Examples
    --------
    >>> tent()(np.array([-1.0, 0.25, 0.5, 0.75, 2.0]))
    array([0. , 0.5, 1. , 0.5, 0. ])
    """
    return ReLUNet(
        [[[1.0], [1.0]], [[2.0, -4.0]], [[1.0]]],
        [[0.0, -0.5], [0.0], [0.0]],
    )


def sawtooth(k):
    r"""The :math:`k`-fold composition :math:`g^k = g\circ\cdots\circ g` of the tent map, exactly.

    One network with :math:`k` hidden layers of width 2 and an output layer (``depth == k + 1``,
    :math:`6k + 1` parameters): hidden layer :math:`\ell` holds
    :math:`(\sigma(y), \sigma(y - \tfrac12))` for :math:`y = g^{\ell-1}(x)`, and
    :math:`g(y) = 2\sigma(y) - 4\sigma(y - \tfrac12)` for :math:`y \in [0, 1]` feeds the next layer.
    On :math:`[0,1]`, :math:`g^k(x) = 1 - |2\{2^{k-1}x\} - 1|` (:math:`\{\cdot\}` the fractional part)
    has :math:`2^k` affine pieces and :math:`2^{k-1}` teeth. The network equals :math:`g^k` on
    :math:`[0,1]`, and on all of :math:`\mathbb R` for :math:`k \ge 2` (since :math:`g` maps
    :math:`\mathbb R` into :math:`[0,1]`); ``sawtooth(1)`` is :math:`2\sigma(x) - 4\sigma(x-\tfrac12)`,
    which differs from :math:`g` only on :math:`(1, \infty)`. ``sawtooth(0)`` is the identity.

    All weights are dyadic, so evaluation at dyadic points is exact in floating point.

    Parameters
    ----------
    k : int
        Number of compositions, ``k >= 0``.

    Returns
    -------
    ReLUNet

    References
    ----------
    .. [1] M. Telgarsky, "Benefits of depth in neural networks", COLT 2016, arXiv:1602.04485.

    Examples
    --------
    >>> net = sawtooth(3)
    >>> net.depth, net.widths, net.n_params
    (4, (1, 2, 2, 2, 1), 19)
    >>> net(np.array([0.0, 0.125, 0.25, 0.375]))
    array([0., 1., 0., 1.])
    """
    k = check_int("k", k, minimum=0)
    if k == 0:
        return ReLUNet([[[1.0]]], [[0.0]])
    weights = [np.array([[1.0], [1.0]])] + [_TENT_W] * (k - 1) + [np.array([[2.0, -4.0]])]
    biases = [_TENT_B] * k + [np.zeros(1)]
    return ReLUNet(weights, biases)


def yarotsky_square(m):
    r"""Yarotsky's deep ReLU approximation of :math:`x^2` on :math:`[0,1]`.

    .. math:: f_m(x) = x - \sum_{s=1}^m \frac{g^s(x)}{4^s}

    is the piecewise-linear interpolant of :math:`x^2` at the :math:`2^m + 1` points
    :math:`j 2^{-m}`, so :math:`0 \le f_m(x) - x^2 \le 4^{-(m+1)}` with equality at the midpoints
    :math:`(2j+1)2^{-(m+1)}`. The network has :math:`m` hidden layers of width 3 -- the two units of
    the sawtooth and a running sum :math:`x - \sum_{s<\ell} g^s/4^s \ge x^2 \ge 0`, which the ReLU
    leaves unchanged -- and :math:`O(m)` parameters for accuracy :math:`4^{-m}`. It equals
    :math:`f_m` on :math:`[0, 1]`.

    Parameters
    ----------
    m : int
        Number of sawtooth terms, ``m >= 0`` (``m = 0`` gives :math:`f_0(x) = x`).

    Returns
    -------
    ReLUNet
        Depth ``m + 1``, widths ``(1, 3, ..., 3, 1)``.

    References
    ----------
    .. [1] D. Yarotsky, "Error bounds for approximations with deep ReLU networks", Neural Networks 94
       (2017) 103-114, arXiv:1610.01145.

    Examples
    --------
    >>> x = np.array([0.25, 0.5, 0.75])
    >>> yarotsky_square(1)(x) - x**2  # error 4^-2 at the midpoints of [0, 1/2] and [1/2, 1]
    array([0.0625, 0.    , 0.0625])
    """
    m = check_int("m", m, minimum=0)
    if m == 0:
        return ReLUNet([[[1.0]]], [[0.0]])
    weights = [np.array([[1.0], [1.0], [1.0]])]
    biases = [np.array([0.0, -0.5, 0.0])]
    for ell in range(1, m):
        q = 4.0**-ell
        weights.append(np.array([[2.0, -4.0, 0.0], [2.0, -4.0, 0.0], [-2.0 * q, 4.0 * q, 1.0]]))
        biases.append(np.array([0.0, -0.5, 0.0]))
    q = 4.0**-m
    weights.append(np.array([[-2.0 * q, 4.0 * q, 1.0]]))
    biases.append(np.zeros(1))
    return ReLUNet(weights, biases)


def _parallel(nets):
    """Block-diagonal stacking of one-input, one-output networks of equal depth: R^n -> R^n."""
    weights = [block_diag(*[net.weights[ell] for net in nets]) for ell in range(nets[0].depth)]
    biases = [np.concatenate([net.biases[ell] for net in nets]) for ell in range(nets[0].depth)]
    return ReLUNet(weights, biases)


def yarotsky_product(m):
    r"""A deep ReLU approximation of the product :math:`xy` on :math:`[0,1]^2`, by polarisation.

    .. math:: xy = 2\Bigl(\frac{x+y}{2}\Bigr)^2 - \frac{x^2}{2} - \frac{y^2}{2}
       \quad\Longrightarrow\quad
       \tilde\times_m(x, y) = 2 f_m\Bigl(\frac{x+y}{2}\Bigr) - \frac{f_m(x)}{2} - \frac{f_m(y)}{2},

    with :math:`f_m` = :func:`yarotsky_square`. Since :math:`0 \le f_m - (\cdot)^2 \le 4^{-(m+1)}`,
    :math:`-4^{-(m+1)} \le \tilde\times_m(x,y) - xy \le 2\cdot 4^{-(m+1)}`.

    Parameters
    ----------
    m : int
        ``m >= 0``.

    Returns
    -------
    ReLUNet
        Two inputs, one output, depth ``m + 1``, hidden width 9.

    References
    ----------
    .. [1] D. Yarotsky, "Error bounds for approximations with deep ReLU networks", Neural Networks 94
       (2017) 103-114, arXiv:1610.01145.

    Examples
    --------
    >>> prod = yarotsky_product(4)
    >>> bool(abs(prod(np.array([[0.3, 0.7]]))[0] - 0.21) <= 2 * 4.0**-5)
    True
    """
    m = check_int("m", m, minimum=0)
    square = yarotsky_square(m)
    inner = ReLUNet([[[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]]], [[0.0, 0.0, 0.0]])
    outer = ReLUNet([[[2.0, -0.5, -0.5]]], [[0.0]])
    return outer.compose(_parallel([square, square, square]).compose(inner))


def max_net(d):
    r"""A ReLU network computing :math:`\max(x_1, \dots, x_d)` exactly, for every :math:`d \ge 1`.

    Pairs are reduced in a binary tree with

    .. math:: \max(x, y) = \sigma(x) - \sigma(-x) + \sigma(y - x),

    three units per pair (the first two carry :math:`x`, whatever its sign, through the ReLU); an
    unpaired entry is carried by :math:`\sigma(x) - \sigma(-x)`. After
    :math:`\lceil \log_2 d\rceil` levels one value remains. The network has
    :math:`\lceil\log_2 d\rceil` hidden layers (``depth == ceil(log2 d) + 1``) and fewer than
    :math:`3d` units in the first hidden layer; it is exact on all of :math:`\mathbb R^d` (up to
    floating-point round-off of the additions).

    Parameters
    ----------
    d : int
        Number of inputs, ``d >= 1``.

    Returns
    -------
    ReLUNet

    Raises
    ------
    ValueError
        If ``d < 1``.

    References
    ----------
    .. [1] P. Grohs, "Deep learning as a mathematician", lecture (2017): the maximum-call option.
    .. [2] W. E, J. Han, A. Jentzen, "Deep learning-based numerical methods for high-dimensional
       parabolic PDEs", Commun. Math. Stat. 5 (2017), arXiv:1706.04702.

    Examples
    --------
    >>> net = max_net(5)
    >>> net.depth, net(np.array([[3.0, -1.0, 7.5, 2.0, -8.0]]))
    (4, array([7.5]))
    """
    d = check_int("d", d, minimum=1)
    # values as affine functions of the current layer: rows of V (coefficients), entries of c (constants)
    V = np.eye(d)
    c = np.zeros(d)
    weights, biases = [], []
    while V.shape[0] > 1:
        rows, consts, new_v = [], [], []
        n_vals = V.shape[0]
        unit = 0
        for i in range(0, n_vals - 1, 2):
            x, y = (V[i], c[i]), (V[i + 1], c[i + 1])
            rows += [x[0], -x[0], y[0] - x[0]]
            consts += [x[1], -x[1], y[1] - x[1]]
            new_v.append([(unit, 1.0), (unit + 1, -1.0), (unit + 2, 1.0)])
            unit += 3
        if n_vals % 2 == 1:
            x = (V[-1], c[-1])
            rows += [x[0], -x[0]]
            consts += [x[1], -x[1]]
            new_v.append([(unit, 1.0), (unit + 1, -1.0)])
            unit += 2
        weights.append(np.array(rows))
        biases.append(np.array(consts))
        V = np.zeros((len(new_v), unit))
        for r, terms in enumerate(new_v):
            for j, coef in terms:
                V[r, j] = coef
        c = np.zeros(len(new_v))
    weights.append(V)
    biases.append(c)
    return ReLUNet(weights, biases)


def interpolant(f, knots):
    r"""The one-hidden-layer ReLU network equal to the piecewise-linear interpolant of ``f`` at ``knots``.

    For knots :math:`t_0 < t_1 < \dots < t_N` with slopes
    :math:`s_j = (f(t_{j+1}) - f(t_j))/(t_{j+1} - t_j)` and :math:`s_{-1} = 0`,

    .. math:: \mathcal I_N f(x) = f(t_0) + \sum_{j=0}^{N-1} (s_j - s_{j-1})\,\sigma(x - t_j),

    which is affine between consecutive knots and equals :math:`f` at every knot: a network with
    :math:`N` hidden units (one per interval). Left of :math:`t_0` it is constant, right of
    :math:`t_N` it continues the last slope.

    Parameters
    ----------
    f : callable or array_like
        A vectorised function of one variable, or its values at the knots.
    knots : array_like, shape (N + 1,)
        Strictly increasing, at least two.

    Returns
    -------
    ReLUNet
        Widths ``(1, N, 1)``.

    Raises
    ------
    ValueError
        If the knots are fewer than two, not finite or not strictly increasing, or the values have
        the wrong shape.

    Examples
    --------
    >>> net = interpolant(np.square, [0.0, 0.5, 1.0])
    >>> net(np.array([0.0, 0.25, 0.5, 1.0]))
    array([0.   , 0.125, 0.25 , 1.   ])
    """
    knots = check_array("knots", knots, ndim=1, min_len=2)
    steps = np.diff(knots)
    if np.any(steps <= 0):
        i = int(np.argmax(steps <= 0))
        raise ValueError(
            f"`knots` must be strictly increasing; got knots[{i}] = {knots[i]} >= knots[{i + 1}] = {knots[i + 1]}."
        )
    values = f(knots) if callable(f) else f
    values = check_array("f(knots)" if callable(f) else "f", values, ndim=1)
    if values.shape != knots.shape:
        raise ValueError(f"`f` must give one value per knot ({knots.size}), got shape {values.shape}.")
    slopes = np.diff(values) / steps
    jumps = np.diff(slopes, prepend=0.0)
    n = knots.size - 1
    return ReLUNet([np.ones((n, 1)), jumps[None, :]], [-knots[:-1], np.array([values[0]])])
