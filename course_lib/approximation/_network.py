"""Fully connected ReLU networks as explicit lists of affine maps."""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_int, check_real, check_rng

__all__ = ["ReLUNet", "random_relu_net", "restrict_to_line", "activation_patterns"]


def _as_float_matrix(name, value):
    arr = check_array(name, value, ndim=2)
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"`{name}` must have at least one row and one column, got shape {arr.shape}.")
    return arr


class ReLUNet:
    r"""A fully connected ReLU network :math:`x \mapsto A_L\sigma(A_{L-1}\cdots\sigma(A_1 x))`.

    With :math:`A_\ell(h) = W_\ell h + b_\ell` and :math:`\sigma(u) = \max(u, 0)` applied
    componentwise after every layer but the last,

    .. math:: \Phi(x) = W_L\,\sigma\bigl(W_{L-1}\cdots\sigma(W_1 x + b_1)\cdots + b_{L-1}\bigr) + b_L .

    Parameters
    ----------
    weights : sequence of array_like
        The matrices :math:`W_1, \dots, W_L`; :math:`W_\ell` has shape
        :math:`(N_\ell, N_{\ell-1})` (rows are output units), so that layer shapes chain.
    biases : sequence of array_like
        The vectors :math:`b_1, \dots, b_L`; :math:`b_\ell` has shape :math:`(N_\ell,)`.

    Attributes
    ----------
    weights, biases : tuple of ndarray
        Read-only copies of the parameters.
    depth : int
        The number :math:`L` of affine layers (:math:`L - 1` hidden layers), as in the notation
        of the book.
    widths : tuple of int
        :math:`(N_0, N_1, \dots, N_L)`: input dimension, hidden widths, output dimension.
    hidden_widths : tuple of int
        :math:`(N_1, \dots, N_{L-1})`.
    n_params : int
        :math:`\sum_\ell N_\ell (N_{\ell-1} + 1)`, weights and biases.
    max_abs_param : float
        The largest absolute value of a weight or bias (the :math:`R` of bounded-weight classes).

    Raises
    ------
    ValueError
        If the lists are empty or of different lengths, or the shapes do not chain.

    Notes
    -----
    Calling the network on an array of shape ``(n, N_0)`` -- or ``(n,)`` when :math:`N_0 = 1` --
    returns an array of shape ``(n, N_L)``, or ``(n,)`` when :math:`N_L = 1`.

    Examples
    --------
    >>> relu_abs = ReLUNet([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])  # |x|
    >>> relu_abs(np.array([-2.0, 0.5]))
    array([2. , 0.5])
    >>> relu_abs.depth, relu_abs.widths, relu_abs.n_params
    (2, (1, 2, 1), 7)
    """

    def __init__(self, weights, biases):
        if isinstance(weights, np.ndarray) or isinstance(biases, np.ndarray):
            raise TypeError("`weights` and `biases` must be lists of arrays (one per layer), not a single array.")
        for name, seq in (("weights", weights), ("biases", biases)):
            if not isinstance(seq, (list, tuple)):
                raise TypeError(
                    f"`{name}` must be a list or tuple of arrays (one per layer), got {type(seq).__name__}."
                )
        weights, biases = list(weights), list(biases)
        if len(weights) == 0:
            raise ValueError("`weights` must contain at least one matrix (one affine layer).")
        if len(biases) != len(weights):
            raise ValueError(
                f"`biases` must have one vector per layer: got {len(biases)} biases for {len(weights)} weight matrices."
            )
        ws, bs = [], []
        for ell, (w, b) in enumerate(zip(weights, biases), start=1):
            w = _as_float_matrix(f"weights[{ell - 1}]", w)
            b = check_array(f"biases[{ell - 1}]", b, ndim=1)
            if b.shape[0] != w.shape[0]:
                raise ValueError(
                    f"layer {ell}: `biases[{ell - 1}]` must have {w.shape[0]} entries (the rows of "
                    f"`weights[{ell - 1}]`, shape {w.shape}), got {b.shape[0]}."
                )
            if ws and w.shape[1] != ws[-1].shape[0]:
                raise ValueError(
                    f"layer {ell}: `weights[{ell - 1}]` has shape {w.shape}, so it expects {w.shape[1]} inputs, "
                    f"but layer {ell - 1} has {ws[-1].shape[0]} outputs."
                )
            w, b = w.copy(), b.copy()
            w.flags.writeable = False
            b.flags.writeable = False
            ws.append(w)
            bs.append(b)
        self._weights = tuple(ws)
        self._biases = tuple(bs)

    # ------------------------------------------------------------------ structure
    @property
    def weights(self):
        return self._weights

    @property
    def biases(self):
        return self._biases

    @property
    def depth(self):
        return len(self._weights)

    @property
    def widths(self):
        return (self._weights[0].shape[1],) + tuple(w.shape[0] for w in self._weights)

    @property
    def hidden_widths(self):
        return self.widths[1:-1]

    @property
    def d_in(self):
        return self._weights[0].shape[1]

    @property
    def d_out(self):
        return self._weights[-1].shape[0]

    @property
    def n_params(self):
        return int(sum(w.size + b.size for w, b in zip(self._weights, self._biases)))

    @property
    def n_hidden_units(self):
        """Total number of hidden units (neurons), :math:`\\sum_{\\ell<L} N_\\ell`."""
        return int(sum(self.hidden_widths))

    @property
    def max_abs_param(self):
        return float(max(max(np.max(np.abs(w)), np.max(np.abs(b))) for w, b in zip(self._weights, self._biases)))

    def __repr__(self):
        return f"ReLUNet(widths={self.widths}, n_params={self.n_params})"

    # ------------------------------------------------------------------ evaluation
    def _check_input(self, x):
        x = check_array("x", x, ndim=(1, 2))
        if x.ndim == 1:
            if self.d_in != 1:
                raise ValueError(
                    f"a 1-D `x` is accepted only by networks with one input; this one has {self.d_in}: "
                    f"pass an array of shape (n, {self.d_in})."
                )
            x = x[:, None]
        elif x.shape[1] != self.d_in:
            raise ValueError(f"`x` must have {self.d_in} columns (the network's inputs), got shape {x.shape}.")
        return x

    def hidden_preactivations(self, x):
        """Pre-activations :math:`W_\\ell h_{\\ell-1} + b_\\ell` of the hidden layers, a list of ``(n, N_ell)`` arrays."""
        h = self._check_input(x)
        out = []
        for w, b in zip(self._weights[:-1], self._biases[:-1]):
            z = h @ w.T + b
            out.append(z)
            h = np.maximum(z, 0.0)
        return out

    def __call__(self, x):
        h = self._check_input(x)
        for w, b in zip(self._weights[:-1], self._biases[:-1]):
            h = np.maximum(h @ w.T + b, 0.0)
        out = h @ self._weights[-1].T + self._biases[-1]
        return out[:, 0] if self.d_out == 1 else out

    # ------------------------------------------------------------------ algebra
    def compose(self, other):
        r"""The composition :math:`\Phi \circ \Psi` (``self`` after ``other``) as one network.

        The last affine map of ``other`` and the first of ``self`` are merged into one
        (no activation lies between them), so the result has depth
        ``self.depth + other.depth - 1``.

        Parameters
        ----------
        other : ReLUNet
            The inner network; its output dimension must equal ``self``'s input dimension.

        Returns
        -------
        ReLUNet

        Raises
        ------
        TypeError
            If ``other`` is not a :class:`ReLUNet`.
        ValueError
            If the dimensions do not match.

        Examples
        --------
        >>> double = ReLUNet([[[2.0]]], [[0.0]])
        >>> shift = ReLUNet([[[1.0]]], [[1.0]])
        >>> double.compose(shift)(np.array([0.0, 1.0]))  # 2 (x + 1)
        array([2., 4.])
        """
        if not isinstance(other, ReLUNet):
            raise TypeError(f"`other` must be a ReLUNet, got {type(other).__name__}.")
        if other.d_out != self.d_in:
            raise ValueError(
                f"cannot compose: `other` has {other.d_out} outputs but this network has {self.d_in} inputs."
            )
        w_in, b_in = other.weights[-1], other.biases[-1]
        w_out, b_out = self.weights[0], self.biases[0]
        merged_w = w_out @ w_in
        merged_b = w_out @ b_in + b_out
        weights = list(other.weights[:-1]) + [merged_w] + list(self.weights[1:])
        biases = list(other.biases[:-1]) + [merged_b] + list(self.biases[1:])
        return ReLUNet(weights, biases)


def _check_net(name, net):
    if not isinstance(net, ReLUNet):
        raise TypeError(f"`{name}` must be a ReLUNet, got {type(net).__name__}.")
    return net


def _widths_argument(widths):
    try:
        widths = list(widths)
    except TypeError:
        raise TypeError(f"`widths` must be a sequence of integers (N_0, ..., N_L), got {widths!r}.") from None
    if len(widths) < 2:
        raise ValueError(f"`widths` must list at least the input and output dimensions, got {widths!r}.")
    return [check_int(f"widths[{i}]", w, minimum=1) for i, w in enumerate(widths)]


def random_relu_net(widths, rng=None, *, bias_std=1.0):
    r"""A random ReLU network with He-initialised weights.

    .. math:: (W_\ell)_{ij} \sim \mathcal N\bigl(0, 2/N_{\ell-1}\bigr), \qquad (b_\ell)_i \sim \mathcal N(0, s_b^2),

    all independent. The variance :math:`2/N_{\ell-1}` (He et al. 2015) keeps the mean square of
    the hidden activations of the same order through the layers. The biases are *not* zero by
    default: with zero biases every layer is positively homogeneous, all breakpoints along a line
    through the origin collapse onto the origin, and piece counts become trivial.

    Parameters
    ----------
    widths : sequence of int
        :math:`(N_0, N_1, \dots, N_L)`, at least two entries, all >= 1.
    rng : None, int or numpy.random.Generator
        Normalised with :func:`numpy.random.default_rng`.
    bias_std : float
        The standard deviation :math:`s_b \ge 0` of the biases.

    Returns
    -------
    ReLUNet

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren, J. Sun, "Delving deep into rectifiers", ICCV 2015, arXiv:1502.01852.
    .. [2] B. Hanin, D. Rolnick, "Deep ReLU networks have surprisingly few activation patterns",
       NeurIPS 2019, arXiv:1906.00904.

    Examples
    --------
    >>> net = random_relu_net([1, 8, 8, 1], rng=0)
    >>> net.widths, net.n_params
    ((1, 8, 8, 1), 97)
    """
    widths = _widths_argument(widths)
    bias_std = check_real("bias_std", bias_std, lower=0.0)
    rng = check_rng(rng)
    weights, biases = [], []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        weights.append(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in)))
        biases.append(rng.normal(0.0, bias_std, size=n_out) if bias_std > 0 else np.zeros(n_out))
    return ReLUNet(weights, biases)


def restrict_to_line(net, point, direction):
    r"""The one-input network :math:`t \mapsto \Phi(p + t v)`: the restriction of ``net`` to a line.

    Only the first affine map changes: :math:`W_1 \mapsto W_1 v` (one column) and
    :math:`b_1 \mapsto W_1 p + b_1`. Piece counts of the result along an interval of :math:`t`
    are exact counts of the linear regions of ``net`` crossed by the segment.

    Parameters
    ----------
    net : ReLUNet
    point, direction : array_like, shape (net.d_in,)
        :math:`p` and :math:`v` (``direction`` non-zero).

    Returns
    -------
    ReLUNet
        With one input and the same output dimension and depth as ``net``.

    Examples
    --------
    >>> net = ReLUNet([np.eye(2), [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])  # relu(x1) + relu(x2)
    >>> restrict_to_line(net, [0.0, 0.0], [1.0, -1.0])(np.array([-1.0, 2.0]))  # |t|
    array([1., 2.])
    """
    net = _check_net("net", net)
    point = check_array("point", point, ndim=1)
    direction = check_array("direction", direction, ndim=1)
    for name, arr in (("point", point), ("direction", direction)):
        if arr.shape[0] != net.d_in:
            raise ValueError(f"`{name}` must have {net.d_in} entries (the network's inputs), got {arr.shape[0]}.")
    if not np.any(direction):
        raise ValueError("`direction` must be a non-zero vector.")
    w1, b1 = net.weights[0], net.biases[0]
    weights = [(w1 @ direction)[:, None]] + list(net.weights[1:])
    biases = [w1 @ point + b1] + list(net.biases[1:])
    return ReLUNet(weights, biases)


def activation_patterns(net, x):
    r"""Label each input by its activation pattern :math:`(\mathbb 1[z_{\ell,i}(x) > 0])_{\ell < L,\, i}`.

    On each *activation region* -- a maximal connected set of inputs sharing one pattern -- the
    network is affine. Distinct labels on a fine grid are therefore a lower bound for the number of
    activation regions meeting the grid's domain: regions smaller than a grid cell are missed, and
    (rarely) one pattern can own several disconnected regions.

    Parameters
    ----------
    net : ReLUNet
    x : array_like, shape (n, net.d_in) or (n,)

    Returns
    -------
    labels : ndarray of int, shape (n,)
        Labels ``0, 1, ..., n_patterns - 1`` (in the order of first appearance of the sorted
        patterns); ``labels.max() + 1`` is the number of distinct patterns.

    Examples
    --------
    >>> net = ReLUNet([[[1.0]], [[1.0]]], [[0.0], [0.0]])  # relu(x)
    >>> activation_patterns(net, np.array([-1.0, -0.5, 0.5]))
    array([0, 0, 1])
    """
    net = _check_net("net", net)
    pre = net.hidden_preactivations(x)
    n = pre[0].shape[0] if pre else net._check_input(x).shape[0]
    if not pre:
        return np.zeros(n, dtype=np.int64)
    bits = np.concatenate([z > 0 for z in pre], axis=1)
    packed = np.ascontiguousarray(np.packbits(bits, axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()  # one opaque key per row: fast 1-D unique
    _, labels = np.unique(keys, return_inverse=True)
    return labels.reshape(-1).astype(np.int64)
