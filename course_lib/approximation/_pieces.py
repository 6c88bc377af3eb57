"""Exact affine pieces of one-dimensional ReLU networks, by breakpoint propagation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .._validation import check_array, check_int, check_real
from ._network import ReLUNet, _check_net, _widths_argument

__all__ = [
    "PiecewiseLinear",
    "linear_pieces",
    "count_pieces",
    "piece_bound",
    "lp_distance",
    "sawtooth_l1_lower_bound",
]

# Crossings closer than this many units of round-off (relative to the interval's scale) are one point.
_CLUSTER_ULPS = 16.0
# Adjacent output pieces whose slopes and intercepts agree to this relative precision are merged.
_MERGE_RTOL = 1e-9


@dataclass(frozen=True)
class PiecewiseLinear:
    r"""A continuous piecewise-affine function on :math:`[t_0, t_K]`, piece :math:`k` being
    :math:`x \mapsto s_k x + c_k` on :math:`[t_k, t_{k+1}]`.

    Attributes
    ----------
    breakpoints : ndarray, shape (K + 1,)
        :math:`t_0 < t_1 < \dots < t_K`, the ends of the interval included.
    slopes, intercepts : ndarray, shape (K,)
        :math:`s_k` and :math:`c_k`.

    Examples
    --------
    >>> pl = PiecewiseLinear(np.array([-2.0, 0.0, 2.0]), np.array([-1.0, 1.0]), np.array([0.0, 0.0]))  # |x|
    >>> pl.n_pieces, pl(np.array([-2.0, 0.5])).tolist()
    (2, [2.0, 0.5])
    """

    breakpoints: np.ndarray
    slopes: np.ndarray
    intercepts: np.ndarray

    def __post_init__(self):
        t = check_array("breakpoints", self.breakpoints, ndim=1, min_len=2)
        if np.any(np.diff(t) <= 0):
            raise ValueError(f"`breakpoints` must be strictly increasing, got {t.tolist()}.")
        s = check_array("slopes", self.slopes, ndim=1)
        c = check_array("intercepts", self.intercepts, ndim=1)
        for name, a in (("slopes", s), ("intercepts", c)):
            if a.size != t.size - 1:
                raise ValueError(f"`{name}` must have len(breakpoints) - 1 = {t.size - 1} entries, got {a.size}.")
        object.__setattr__(self, "breakpoints", t)
        object.__setattr__(self, "slopes", s)
        object.__setattr__(self, "intercepts", c)

    @property
    def n_pieces(self):
        """The number :math:`K` of pieces."""
        return int(self.slopes.size)

    def __call__(self, x):
        """Evaluate at points of :math:`[t_0, t_K]` (the end pieces are extended outside)."""
        x = np.asarray(x, dtype=float)
        k = np.clip(np.searchsorted(self.breakpoints, x, side="right") - 1, 0, self.n_pieces - 1)
        return self.slopes[k] * x + self.intercepts[k]


# ---------------------------------------------------------------------------- kernels


@njit(cache=True)
def _sorted_crossings(t_lo, t_hi, zs_row, zc_row, eps, xs, ids):
    """Fill ``xs[:n], ids[:n]`` with the zero crossings inside (t_lo + eps, t_hi - eps), sorted; return n."""
    m = zs_row.shape[0]
    n = 0
    lo = t_lo + eps
    hi = t_hi - eps
    for j in range(m):
        s = zs_row[j]
        if s != 0.0:
            x = -zc_row[j] / s
            if x > lo and x < hi:
                # insertion into the sorted prefix
                p = n
                while p > 0 and xs[p - 1] > x:
                    xs[p] = xs[p - 1]
                    ids[p] = ids[p - 1]
                    p -= 1
                xs[p] = x
                ids[p] = j
                n += 1
    return n


@njit(cache=True)
def _count_kernel(t, zs, zc, ulps, out_counts):
    """out_counts[i] = number of sub-intervals that interval i splits into (clusters of crossings + 1)."""
    n_int, m = zs.shape
    xs = np.empty(m)
    ids = np.empty(m, dtype=np.int64)
    for i in range(n_int):
        eps = ulps * 2.220446049250313e-16 * max(abs(t[i]), abs(t[i + 1]), t[i + 1] - t[i])
        n = _sorted_crossings(t[i], t[i + 1], zs[i], zc[i], eps, xs, ids)
        cnt = 0
        last = 0.0
        for r in range(n):
            if cnt == 0 or xs[r] - last > eps:
                cnt += 1
                last = xs[r]
        out_counts[i] = cnt + 1


@njit(cache=True)
def _split_kernel(t, zs, zc, ulps, offsets, out_t, out_s, out_c):
    """Split every interval at the zero crossings of the pre-activations and apply the ReLU.

    For a unit with a crossing x* inside interval i, it is active on a sub-interval iff the
    sub-interval lies on the side of x* where the slope points up; units without a crossing have
    one sign on the whole interval, read at its midpoint.
    """
    n_int, m = zs.shape
    xs = np.empty(m)
    ids = np.empty(m, dtype=np.int64)
    rep = np.empty(m)
    has = np.zeros(m, dtype=np.bool_)
    reps = np.empty(m + 1)
    for i in range(n_int):
        eps = ulps * 2.220446049250313e-16 * max(abs(t[i]), abs(t[i + 1]), t[i + 1] - t[i])
        n = _sorted_crossings(t[i], t[i + 1], zs[i], zc[i], eps, xs, ids)
        for j in range(m):
            has[j] = False
        n_rep = 0
        last = 0.0
        for r in range(n):
            if n_rep == 0 or xs[r] - last > eps:
                reps[n_rep] = xs[r]
                n_rep += 1
                last = xs[r]
            rep[ids[r]] = reps[n_rep - 1]
            has[ids[r]] = True
        base = offsets[i]
        mid_i = 0.5 * (t[i] + t[i + 1])
        for q in range(n_rep + 1):
            left = t[i] if q == 0 else reps[q - 1]
            right = t[i + 1] if q == n_rep else reps[q]
            out_t[base + q] = left
            mid = 0.5 * (left + right)
            for j in range(m):
                s = zs[i, j]
                c = zc[i, j]
                if has[j]:
                    active = (mid > rep[j]) == (s > 0.0)
                else:
                    active = s * mid_i + c > 0.0
                if active:
                    out_s[base + q, j] = s
                    out_c[base + q, j] = c
                else:
                    out_s[base + q, j] = 0.0
                    out_c[base + q, j] = 0.0
    out_t[out_t.shape[0] - 1] = t[t.shape[0] - 1]


@njit(cache=True)
def _preactivation_kernel(s, c, w, bias, out_zs, out_zc):
    """Per-interval affine pre-activations: out_zs = s @ w.T, out_zc = c @ w.T + bias (no BLAS threads)."""
    n, m_prev = s.shape
    m = w.shape[0]
    for i in range(n):
        for j in range(m):
            acc_s = 0.0
            acc_c = bias[j]
            for k in range(m_prev):
                acc_s += s[i, k] * w[j, k]
                acc_c += c[i, k] * w[j, k]
            out_zs[i, j] = acc_s
            out_zc[i, j] = acc_c


@njit(cache=True)
def _new_row_kernel(s, c, out_new):
    """out_new[k] = True iff row k differs from row k - 1 (row 0 is always new): exact comparison."""
    n, m = s.shape
    out_new[0] = True
    for k in range(1, n):
        diff = False
        for j in range(m):
            if s[k, j] != s[k - 1, j] or c[k, j] != c[k - 1, j]:
                diff = True
                break
        out_new[k] = diff


def _compress(t, s, c, new):
    """Keep the rows flagged ``new`` and the breakpoints that start them."""
    starts = np.flatnonzero(new)
    t_new = np.append(t[starts], t[-1])
    return t_new, s[starts], c[starts]


def _propagate(net, a, b):
    """Breakpoints and per-interval affine maps of the last hidden layer's activations on [a, b]."""
    t = np.array([a, b])
    s = np.ones((1, 1))
    c = np.zeros((1, 1))
    for w, bias in zip(net.weights[:-1], net.biases[:-1]):
        zs = np.empty((s.shape[0], w.shape[0]))
        zc = np.empty((s.shape[0], w.shape[0]))
        _preactivation_kernel(s, c, w, bias, zs, zc)
        counts = np.empty(zs.shape[0], dtype=np.int64)
        _count_kernel(t, zs, zc, _CLUSTER_ULPS, counts)
        offsets = np.zeros(zs.shape[0], dtype=np.int64)
        np.cumsum(counts[:-1], out=offsets[1:])
        total = int(counts.sum())
        out_t = np.empty(total + 1)
        out_s = np.empty((total, zs.shape[1]))
        out_c = np.empty((total, zs.shape[1]))
        _split_kernel(t, zs, zc, _CLUSTER_ULPS, offsets, out_t, out_s, out_c)
        new = np.empty(total, dtype=np.bool_)
        _new_row_kernel(out_s, out_c, new)
        t, s, c = _compress(out_t, out_s, out_c, new)
    return t, s, c


def _check_interval(a, b):
    a = check_real("a", a)
    b = check_real("b", b)
    if not a < b:
        raise ValueError(f"the interval [a, b] must have a < b, got a={a}, b={b}.")
    return a, b


def linear_pieces(net, a=0.0, b=1.0):
    r"""The exact maximal affine pieces of a one-input, one-output ReLU network on :math:`[a, b]`.

    The breakpoints are propagated layer by layer. On each interval of the current partition
    every unit of the next layer has an affine pre-activation :math:`z(x) = s x + c`; the interval
    is split at the zero crossings :math:`x^* = -c/s` that fall inside it, and on each
    sub-interval the ReLU either keeps :math:`(s, c)` or sets it to zero. After the output layer,
    adjacent pieces with the same slope and intercept are merged, so the pieces returned are
    maximal. The cost is :math:`O(P\,N_{\ell-1} N_\ell)` per layer for a partition of :math:`P`
    intervals -- linear in the number of pieces, never a sampling of the input.

    Arithmetic is IEEE double precision. For networks whose weights and biases are dyadic
    rationals with small denominators (the sawtooth, Yarotsky's construction) every operation is
    exact; otherwise crossings closer than a few units of round-off are identified and slopes are
    compared to a relative precision of :math:`10^{-9}`.

    Parameters
    ----------
    net : ReLUNet
        A network with one input and one output.
    a, b : float
        The interval, ``a < b``.

    Returns
    -------
    PiecewiseLinear

    Raises
    ------
    ValueError
        If ``net`` does not have exactly one input and one output, or ``a >= b``.

    References
    ----------
    .. [1] M. Telgarsky, "Benefits of depth in neural networks", COLT 2016, arXiv:1602.04485.

    Examples
    --------
    >>> from course_lib.approximation import sawtooth
    >>> pl = linear_pieces(sawtooth(2))
    >>> pl.breakpoints, pl.slopes
    (array([0.  , 0.25, 0.5 , 0.75, 1.  ]), array([ 4., -4.,  4., -4.]))
    """
    net = _check_net("net", net)
    if net.d_in != 1:
        raise ValueError(
            f"piece counting is along a line: `net` must have one input, got {net.d_in} "
            f"(restrict it to a line first with `restrict_to_line`)."
        )
    if net.d_out != 1:
        raise ValueError(f"`net` must have one output, got {net.d_out}.")
    a, b = _check_interval(a, b)
    t, s, c = _propagate(net, a, b)
    slopes = np.empty((s.shape[0], 1))
    intercepts = np.empty((s.shape[0], 1))
    _preactivation_kernel(s, c, net.weights[-1], net.biases[-1], slopes, intercepts)
    slopes, intercepts = slopes[:, 0], intercepts[:, 0]
    if slopes.size > 1:
        s_tol = _MERGE_RTOL * np.max(np.abs(slopes))
        c_tol = _MERGE_RTOL * (np.max(np.abs(intercepts)) + np.max(np.abs(slopes)) * max(abs(a), abs(b)))
        new = np.ones(slopes.size, dtype=bool)
        new[1:] = (np.abs(np.diff(slopes)) > s_tol) | (np.abs(np.diff(intercepts)) > c_tol)
        starts = np.flatnonzero(new)
        t = np.append(t[starts], t[-1])
        slopes, intercepts = slopes[starts], intercepts[starts]
    return PiecewiseLinear(breakpoints=t, slopes=slopes, intercepts=intercepts)


def count_pieces(net, a=0.0, b=1.0):
    r"""The exact number of maximal affine pieces of a one-input, one-output network on :math:`[a, b]`.

    Adjacent pieces with the same slope and intercept count once. See :func:`linear_pieces` for
    the algorithm (breakpoint propagation, never sampling); ``count_pieces(sawtooth(k)) == 2**k``,
    and ``sawtooth(20)`` (about a million pieces) takes about a second after compilation.

    Parameters
    ----------
    net : ReLUNet
        One input, one output.
    a, b : float
        The interval, ``a < b``.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``net`` has more than one input or output, or ``a >= b``.

    References
    ----------
    .. [1] M. Telgarsky, "Benefits of depth in neural networks", COLT 2016, arXiv:1602.04485.

    Examples
    --------
    >>> from course_lib.approximation import sawtooth, tent
    >>> count_pieces(tent()), count_pieces(sawtooth(10))
    (2, 1024)
    >>> count_pieces(tent(), a=-1.0, b=2.0)  # zero, up, down, zero
    4
    """
    return linear_pieces(net, a, b).n_pieces


def piece_bound(widths):
    r"""Upper bounds on the number of affine pieces of a one-input network of the given architecture.

    For hidden widths :math:`N_1, \dots, N_{L-1}` every one-input ReLU network has at most

    .. math:: \prod_{\ell=1}^{L-1} (N_\ell + 1) \;\le\; (2m)^{L}, \qquad m = \max_\ell N_\ell ,

    affine pieces on the whole real line: each unit of layer :math:`\ell` adds at most one
    breakpoint to each of the pieces of layer :math:`\ell - 1`. The right-hand side is
    Telgarsky's form of the bound.

    Parameters
    ----------
    widths : sequence of int
        :math:`(N_0, N_1, \dots, N_L)` with :math:`N_0 = 1`, e.g. ``net.widths``.

    Returns
    -------
    sharp : int
        :math:`\prod_\ell (N_\ell + 1)` (exact Python integer).
    telgarsky : int
        :math:`(2m)^L` with :math:`m` the largest hidden width (1 if there is none).

    References
    ----------
    .. [1] M. Telgarsky, "Benefits of depth in neural networks", COLT 2016, arXiv:1602.04485.
    .. [2] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of deep
       neural networks", ICML 2018, arXiv:1711.02114 (their bounds are exact for input dimension one).

    Examples
    --------
    >>> piece_bound((1, 2, 2, 2, 1))
    (27, 256)
    """
    widths = _widths_argument(widths)
    if widths[0] != 1:
        raise ValueError(f"the bound is for networks with one input: `widths[0]` must be 1, got {widths[0]}.")
    hidden = widths[1:-1]
    sharp = 1
    for n in hidden:
        sharp *= n + 1
    m = max(hidden) if hidden else 1
    return sharp, (2 * m) ** (len(widths) - 1)


def _as_pieces(name, f, a, b):
    if isinstance(f, ReLUNet):
        return linear_pieces(f, a, b)
    if isinstance(f, PiecewiseLinear):
        return f
    if isinstance(f, (int, float, np.integer, np.floating)) and not isinstance(f, (bool, np.bool_)):
        return PiecewiseLinear(np.array([a, b]), np.array([0.0]), np.array([check_real(name, f)]))
    raise TypeError(f"`{name}` must be a ReLUNet, a PiecewiseLinear or a number, got {type(f).__name__}.")


def lp_distance(f, g, a=0.0, b=1.0, p=1):
    r"""The exact distance :math:`\lVert f - g\rVert_{L^p([a,b])}` of two piecewise-affine functions.

    Both functions are decomposed into their affine pieces (:func:`linear_pieces`), the
    breakpoints are merged, and on each interval the affine difference is integrated in closed
    form: :math:`\int_u^v |d|` (with the sign change of :math:`d` located exactly),
    :math:`\int_u^v d^2 = (v-u)(d_u^2 + d_u d_v + d_v^2)/3`, or :math:`\max(|d_u|, |d_v|)` for the
    supremum norm.

    Parameters
    ----------
    f, g : ReLUNet (one input, one output), PiecewiseLinear, or float (a constant function)
    a, b : float
        The interval, ``a < b`` (a :class:`PiecewiseLinear` must cover it).
    p : {1, 2, numpy.inf}
        The exponent.

    Returns
    -------
    float
        :math:`(\int_a^b |f - g|^p)^{1/p}`, or :math:`\sup_{[a,b]} |f - g|` for ``p = inf``.

    Examples
    --------
    >>> from course_lib.approximation import sawtooth
    >>> lp_distance(sawtooth(3), 0.5, p=1)  # the tent values are uniform on [0, 1]: E|U - 1/2| = 1/4
    0.25
    """
    a, b = _check_interval(a, b)
    if p not in (1, 2, np.inf):
        raise ValueError(f"`p` must be 1, 2 or numpy.inf, got {p!r}.")
    pf = _as_pieces("f", f, a, b)
    pg = _as_pieces("g", g, a, b)
    for name, pl in (("f", pf), ("g", pg)):
        if pl.breakpoints[0] > a or pl.breakpoints[-1] < b:
            raise ValueError(f"`{name}` is given on [{pl.breakpoints[0]}, {pl.breakpoints[-1]}], which does not cover [a, b].")
    t = np.union1d(pf.breakpoints, pg.breakpoints)
    t = t[(t >= a) & (t <= b)]
    t = np.union1d(t, [a, b])
    u, v = t[:-1], t[1:]
    # evaluate at the right end with the piece of the interval's midpoint (continuity holds up to round-off)
    mid = 0.5 * (u + v)
    kf = np.clip(np.searchsorted(pf.breakpoints, mid, side="right") - 1, 0, pf.n_pieces - 1)
    kg = np.clip(np.searchsorted(pg.breakpoints, mid, side="right") - 1, 0, pg.n_pieces - 1)
    sd = pf.slopes[kf] - pg.slopes[kg]
    cd = pf.intercepts[kf] - pg.intercepts[kg]
    d_u = sd * u + cd
    d_v = sd * v + cd
    h = v - u
    if p == np.inf:
        return float(np.max(np.maximum(np.abs(d_u), np.abs(d_v))))
    if p == 2:
        return float(np.sqrt(np.sum(h * (d_u**2 + d_u * d_v + d_v**2) / 3.0)))
    same = d_u * d_v >= 0
    total = np.sum(np.where(same, h * (np.abs(d_u) + np.abs(d_v)) / 2.0, 0.0))
    # a sign change: two triangles, the root at u + h |d_u| / (|d_u| + |d_v|)
    denom = np.abs(d_u) + np.abs(d_v)
    with np.errstate(invalid="ignore", divide="ignore"):
        tri = h * (d_u**2 + d_v**2) / (2.0 * denom)
    total += np.sum(np.where(same, 0.0, tri))
    return float(total)


def sawtooth_l1_lower_bound(k, n_pieces):
    r"""Telgarsky's lower bound on the :math:`L^1([0,1])` error of approximating :math:`g^k` with few pieces.

    Every continuous function :math:`h` that is affine on each of at most :math:`t` intervals
    covering :math:`[0,1]` satisfies

    .. math:: \int_0^1 |h - g^k| \;\ge\; \frac14\Bigl(1 - \frac{t - 1}{2^{k-1}}\Bigr)_+ ,

    because at least :math:`2^{k-1} - (t - 1)` of the :math:`2^{k-1}` teeth of :math:`g^k` contain
    no breakpoint of :math:`h`, and no affine function comes closer than :math:`2^{1-k}/4` to a
    tooth of width :math:`2^{1-k}` in :math:`L^1` (the best one is the constant :math:`1/2`).

    Parameters
    ----------
    k : int
        The number of compositions, ``k >= 1``.
    n_pieces : int
        The number :math:`t \ge 1` of pieces of the approximant.

    Returns
    -------
    float

    References
    ----------
    .. [1] M. Telgarsky, "Benefits of depth in neural networks", COLT 2016, arXiv:1602.04485
       (this is the same counting argument with its constant made explicit).

    Examples
    --------
    >>> sawtooth_l1_lower_bound(6, 1), sawtooth_l1_lower_bound(6, 17), sawtooth_l1_lower_bound(6, 64)
    (0.25, 0.125, 0.0)
    """
    k = check_int("k", k, minimum=1)
    n_pieces = check_int("n_pieces", n_pieces, minimum=1)
    return 0.25 * max(0.0, 1.0 - (n_pieces - 1) / 2.0 ** (k - 1))
