r"""Arc-cosine kernels, the two-layer ReLU neural tangent kernel, and wide two-layer networks trained by gradient descent.

The network of the course (NTK parameterisation, both layers trained):

.. math:: f(x) = \frac{1}{\sqrt m}\sum_{j=1}^m a_j\,\sigma(\langle w_j, x\rangle), \qquad
          w_j\sim\mathcal N(0, I_d),\ a_j\sim\mathcal N(0, 1),\ \sigma(u) = \max(u, 0).

With ``scaling="mean_field"`` the prefactor :math:`1/\sqrt m` becomes :math:`1/m`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_bool, check_int, check_real, check_rng

__all__ = [
    "TwoLayerNetwork",
    "TrainResult",
    "arccos_kernel",
    "relu_ntk",
    "deep_relu_ntk",
    "deep_relu_empirical_ntk",
    "two_layer_network",
    "empirical_ntk",
    "train_two_layer",
    "kernel_regression",
]

_SCALINGS = ("ntk", "mean_field")
_LAYERS = ("both", "first", "second")


def _check_inputs(name, X, d=None):
    X = check_array(name, X, ndim=2, min_len=1)
    if X.shape[1] < 1:
        raise ValueError(f"`{name}` must have at least one column, got shape {X.shape}.")
    if d is not None and X.shape[1] != d:
        raise ValueError(f"`{name}` must have {d} columns (the input dimension), got shape {X.shape}.")
    return X


def _kappa0(u):
    r"""Normalised arc-cosine kernel of order 0 as a function of the cosine: :math:`(\pi - \arccos u)/\pi`."""
    return (np.pi - np.arccos(u)) / np.pi


def _kappa1(u):
    r"""Normalised arc-cosine kernel of order 1: :math:`(\sqrt{1-u^2} + (\pi - \arccos u)\,u)/\pi`."""
    return (np.sqrt(np.maximum(1.0 - u * u, 0.0)) + (np.pi - np.arccos(u)) * u) / np.pi


def _angles(X, Y):
    nx = np.linalg.norm(X, axis=1)
    ny = np.linalg.norm(Y, axis=1)
    if np.any(nx == 0) or np.any(ny == 0):
        raise ValueError("`X` and `Y` must have non-zero rows: the angle between an input and 0 is undefined.")
    cos = np.clip((X @ Y.T) / np.outer(nx, ny), -1.0, 1.0)
    return nx, ny, cos, np.arccos(cos)


def arccos_kernel(X, Y, order):
    r"""Arc-cosine kernel of Cho and Saul (2009) of order 0, 1 or 2.

    .. math:: k_n(x, y) = 2\,\mathbb E_{w\sim\mathcal N(0, I_d)}\bigl[\mathbf 1\{\langle w,x\rangle>0\}\mathbf 1\{\langle w,y\rangle>0\}
              \langle w,x\rangle^n\langle w,y\rangle^n\bigr] = \frac1\pi\lVert x\rVert^n\lVert y\rVert^n J_n(\theta),

    with :math:`\theta` the angle between :math:`x` and :math:`y` (:math:`\vartheta` in the book; Cho and Saul write the
    indicator as a Heaviside step :math:`\Theta`, which the book reserves for the tangent kernel),
    :math:`J_0(\theta) = \pi-\theta`,
    :math:`J_1(\theta) = \sin\theta + (\pi-\theta)\cos\theta` and
    :math:`J_2(\theta) = 3\sin\theta\cos\theta + (\pi-\theta)(1+2\cos^2\theta)`. In particular
    :math:`\mathbb E[\sigma'(\langle w,x\rangle)\sigma'(\langle w,y\rangle)] = k_0/2` and
    :math:`\mathbb E[\sigma(\langle w,x\rangle)\sigma(\langle w,y\rangle)] = k_1/2` for the ReLU :math:`\sigma`.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs as rows, all non-zero.
    Y : array_like, shape (k, d)
        Inputs as rows, all non-zero.
    order : int
        0, 1 or 2.

    Returns
    -------
    ndarray, shape (n, k)

    Raises
    ------
    ValueError
        For an order other than 0, 1, 2, mismatched dimensions or a zero row.

    References
    ----------
    .. [1] Y. Cho and L. K. Saul, "Kernel methods for deep learning", NeurIPS 22 (2009).

    Examples
    --------
    >>> float(arccos_kernel([[1.0, 0.0]], [[0.0, 1.0]], 0)[0, 0])  # orthogonal inputs: 1 - (pi/2)/pi
    0.5
    """
    order = check_int("order", order, minimum=0, maximum=2)
    X = _check_inputs("X", X)
    Y = _check_inputs("Y", Y, X.shape[1])
    nx, ny, cos, th = _angles(X, Y)
    if order == 0:
        return _kappa0(cos)
    if order == 1:
        return np.outer(nx, ny) * _kappa1(cos)
    sin = np.sin(th)
    return np.outer(nx, ny) ** 2 * (3.0 * sin * cos + (np.pi - th) * (1.0 + 2.0 * cos**2)) / np.pi


def relu_ntk(X, Y, *, layers="both"):
    r"""Neural tangent kernel of the two-layer ReLU network in the NTK parameterisation, in closed form.

    For :math:`f(x) = m^{-1/2}\sum_j a_j\sigma(\langle w_j,x\rangle)` with :math:`w_j\sim\mathcal N(0,I_d)`,
    :math:`a_j\sim\mathcal N(0,1)` independent, the empirical tangent kernel converges as :math:`m\to\infty` to

    .. math:: \Theta(x,y) = \underbrace{\tfrac12 k_1(x,y)}_{\text{second layer}}
              + \underbrace{\tfrac12\langle x,y\rangle k_0(x,y)}_{\text{first layer}}

    (Jacot, Gabriel, Hongler 2018), with :math:`k_0, k_1` the arc-cosine kernels (:func:`arccos_kernel`). For unit
    inputs this is half the kernel :math:`\kappa(u) = u\kappa_0(u) + \kappa_1(u)` of Bietti and Mairal (2019), whose
    network carries the prefactor :math:`\sqrt{2/m}`.

    Parameters
    ----------
    X, Y : array_like, shapes (n, d), (k, d)
        Non-zero inputs as rows.
    layers : {"both", "first", "second"}
        Which layers are trained: ``"second"`` gives the random-features kernel :math:`k_1/2`, ``"first"`` the term
        :math:`\langle x,y\rangle k_0/2`.

    Returns
    -------
    ndarray, shape (n, k)

    References
    ----------
    .. [1] A. Jacot, F. Gabriel, C. Hongler, "Neural tangent kernel: convergence and generalization in neural
       networks", NeurIPS 31 (2018).
    .. [2] A. Bietti and J. Mairal, "On the inductive bias of neural tangent kernels", NeurIPS 32 (2019).

    Examples
    --------
    >>> float(relu_ntk([[1.0, 0.0]], [[1.0, 0.0]])[0, 0])  # equal unit inputs: (1 + 1)/2
    1.0
    """
    if layers not in _LAYERS:
        raise ValueError(f"`layers` must be one of {_LAYERS}, got {layers!r}.")
    X = _check_inputs("X", X)
    Y = _check_inputs("Y", Y, X.shape[1])
    out = np.zeros((X.shape[0], Y.shape[0]))
    if layers in ("both", "second"):
        out += 0.5 * arccos_kernel(X, Y, 1)
    if layers in ("both", "first"):
        out += 0.5 * (X @ Y.T) * arccos_kernel(X, Y, 0)
    return out


#: Largest accepted ``depth`` of :func:`deep_relu_ntk` (the recursion costs ``depth`` passes over ``rho``).
_MAX_DEPTH = 10_000
#: Tolerance for cosines slightly outside [-1, 1] (rounding in a normalised inner product); they are clipped.
_RHO_TOL = 1e-12


def deep_relu_ntk(rho, depth):
    r"""Neural tangent kernel of a fully connected ReLU network with ``depth`` hidden layers, for unit-norm inputs.

    The network of Arora et al. (2019), Section 3: :math:`g^{(0)} = x`, and for :math:`h = 1,\dots,L`,
    :math:`f^{(h)} = W^{(h)}g^{(h-1)}`, :math:`g^{(h)} = \sqrt{c_\sigma/d_h}\,\sigma(f^{(h)})`, output
    :math:`f = W^{(L+1)}g^{(L)}`, all weights i.i.d. :math:`\mathcal N(0,1)`, :math:`\sigma(u)=\max(u,0)` and
    :math:`c_\sigma = 1/\mathbb E_{z\sim\mathcal N(0,1)}[\sigma(z)^2] = 2`. As the widths :math:`d_1,\dots,d_L\to\infty`
    the tangent kernel :math:`\langle\nabla_\theta f(x),\nabla_\theta f(x')\rangle` of unit inputs with
    :math:`\langle x,x'\rangle=\rho` tends to :math:`\Theta^{(L)}(\rho)`, given by :math:`\Sigma^{(0)}=\Theta^{(0)}=\rho`
    and, for :math:`h = 1,\dots,L`,

    .. math:: \Sigma^{(h)} = \kappa_1\bigl(\Sigma^{(h-1)}\bigr),\qquad
              \dot\Sigma^{(h)} = \kappa_0\bigl(\Sigma^{(h-1)}\bigr),\qquad
              \Theta^{(h)} = \Theta^{(h-1)}\,\dot\Sigma^{(h)} + \Sigma^{(h)},

    .. math:: \kappa_0(u) = \frac{\pi-\arccos u}{\pi},\qquad
              \kappa_1(u) = \frac{\sqrt{1-u^2} + (\pi-\arccos u)\,u}{\pi}.

    Here :math:`\Sigma^{(h)}(\rho) = c_\sigma\mathbb E[\sigma(u)\sigma(v)]` and
    :math:`\dot\Sigma^{(h)}(\rho) = c_\sigma\mathbb E[\sigma'(u)\sigma'(v)]` for :math:`(u, v)` centred Gaussian with
    unit variances and correlation :math:`\Sigma^{(h-1)}` (unit variances because :math:`c_\sigma = 2` keeps
    :math:`\Sigma^{(h)}(1) = 1`); these expectations are the arc-cosine kernels of Cho and Saul (2009), see
    :func:`arccos_kernel`. Unrolled, the recursion is Arora et al.'s formula
    :math:`\Theta^{(L)} = \sum_{h=1}^{L+1}\Sigma^{(h-1)}\prod_{h'=h}^{L+1}\dot\Sigma^{(h')}` with
    :math:`\dot\Sigma^{(L+1)} = 1`: term :math:`h` comes from the weights :math:`W^{(h)}`. Since
    :math:`\kappa_0(1)=\kappa_1(1)=1`, :math:`\Theta^{(L)}(1) = L+1`. For :math:`L = 1` this is
    :math:`\rho\,\kappa_0(\rho)+\kappa_1(\rho)`, twice :func:`relu_ntk` of unit inputs (whose network has no
    :math:`\sqrt2`).

    Parameters
    ----------
    rho : float or array_like
        Cosine(s) :math:`\langle x,x'\rangle` of the two unit inputs, in :math:`[-1, 1]`. Values at most ``1e-12``
        outside (rounding in a normalised inner product) are clipped to :math:`\pm1`; NaN, inf and values further
        out are rejected. Near :math:`\rho = 1` the kernel behaves like :math:`L+1-c\sqrt{1-\rho}`, so a cosine
        computed as :math:`1-10^{-16}` gives :math:`L+1` only to about :math:`10^{-8}`.
    depth : int
        Number :math:`L` of hidden layers, ``0 <= depth <= 10000``; ``depth=0`` is the linear model
        (:math:`\Theta^{(0)} = \rho`).

    Returns
    -------
    float or ndarray
        :math:`\Theta^{(L)}(\rho)`, a float for scalar ``rho``, else an array of the shape of ``rho``.

    Raises
    ------
    TypeError
        If ``depth`` is not an integer or ``rho`` is not real.
    ValueError
        If ``depth`` is out of range or ``rho`` has NaN/inf or entries outside :math:`[-1, 1]`.

    References
    ----------
    .. [1] S. Arora, S. S. Du, W. Hu, Z. Li, R. Salakhutdinov, R. Wang, "On exact computation with an infinitely
       wide neural net", NeurIPS 32 (2019), Section 3 (the fully connected NTK).
    .. [2] A. Jacot, F. Gabriel, C. Hongler, "Neural tangent kernel: convergence and generalization in neural
       networks", NeurIPS 31 (2018).
    .. [3] Y. Cho and L. K. Saul, "Kernel methods for deep learning", NeurIPS 22 (2009).

    Examples
    --------
    >>> deep_relu_ntk(1.0, 3)  # equal inputs: L + 1
    4.0
    >>> round(deep_relu_ntk(0.0, 1), 12)  # orthogonal inputs, one hidden layer: kappa_1(0) = 1/pi
    0.318309886184
    """
    depth = check_int("depth", depth, minimum=0, maximum=_MAX_DEPTH)
    scalar = np.ndim(rho) == 0 and not isinstance(rho, np.ndarray)
    if isinstance(rho, (bool, np.bool_)) or np.asarray(rho).dtype == np.bool_:
        raise TypeError(f"`rho` must be real (a cosine in [-1, 1]), got a boolean {rho!r}.")
    r = check_array("rho", rho)
    if r.size and np.max(np.abs(r)) > 1.0 + _RHO_TOL:
        bad = r.ravel()[np.argmax(np.abs(r.ravel()))]
        raise ValueError(f"`rho` must lie in [-1, 1] (a cosine of unit inputs), got an entry {bad!r}.")
    sigma = np.clip(r, -1.0, 1.0)
    theta = sigma.copy()
    for _ in range(depth):
        sigma_dot = _kappa0(sigma)
        # Clipped because kappa_1 may round a hair above 1 near rho = 1 (arccos would then give NaN).
        sigma = np.clip(_kappa1(sigma), -1.0, 1.0)
        theta = theta * sigma_dot + sigma
    return float(theta) if scalar else theta


#: Largest ``depth * width**2`` accepted by :func:`deep_relu_empirical_ntk` (its weights take 8 bytes per entry).
_MAX_EMPIRICAL_WEIGHTS = 60_000_000


def deep_relu_empirical_ntk(X, depth, width, *, c_sigma=2.0, rng=None):
    r"""Empirical tangent kernel of a finite-width deep ReLU network at a Gaussian initialisation.

    The network of :func:`deep_relu_ntk` (Arora et al. 2019) with all hidden widths equal to ``width``:
    :math:`g^{(0)} = x`, :math:`f^{(h)} = W^{(h)}g^{(h-1)}`, :math:`g^{(h)} = \sqrt{c_\sigma/\mathrm{width}}\,\sigma(f^{(h)})`
    for :math:`h = 1,\dots,L`, output :math:`f = \langle w^{(L+1)}, g^{(L)}\rangle`, all weights i.i.d.
    :math:`\mathcal N(0,1)`. Since :math:`\nabla_{W^{(h)}}f = b^{(h)}g^{(h-1)\top}` with :math:`b^{(h)} = \partial f/\partial f^{(h)}`,

    .. math:: \Theta_{\mathrm{width}}(x, x') = \sum_{h=1}^{L+1}\langle b^{(h)}(x), b^{(h)}(x')\rangle\,
              \langle g^{(h-1)}(x), g^{(h-1)}(x')\rangle,\qquad
              b^{(h)} = \sqrt{c_\sigma/\mathrm{width}}\;\sigma'(f^{(h)})\odot W^{(h+1)\top}b^{(h+1)},\quad b^{(L+1)} = 1,

    computed exactly by this backward recursion. For unit inputs and :math:`c_\sigma = 2` it converges to
    :func:`deep_relu_ntk` as ``width`` grows, with fluctuations of order :math:`\mathrm{width}^{-1/2}`.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs as rows.
    depth : int
        Number :math:`L` of hidden layers, ``0 <= depth <= 100`` (``depth=0``: the linear model, kernel :math:`XX^\top`).
    width : int
        Hidden width, ``>= 1``, with ``depth * width**2 <= 6e7`` (memory of the weights).
    c_sigma : float
        Scale :math:`c_\sigma > 0` of the hidden layers; ``2`` (the default) is :math:`1/\mathbb E[\sigma(z)^2]` for the ReLU.
    rng : None, int or numpy.random.Generator
        Draws the weights, layer by layer, :math:`W^{(1)},\dots,W^{(L)}` then :math:`w^{(L+1)}`.

    Returns
    -------
    ndarray, shape (n, n)
        The symmetric positive semi-definite matrix :math:`\Theta_{\mathrm{width}}(x_i, x_j)`.

    Raises
    ------
    TypeError
        If ``depth`` or ``width`` is not an integer, or ``X`` or ``c_sigma`` is not real.
    ValueError
        If ``X`` is not a non-empty 2-D finite array, or ``depth``, ``width`` or ``c_sigma`` is out of range.

    References
    ----------
    .. [1] S. Arora, S. S. Du, W. Hu, Z. Li, R. Salakhutdinov, R. Wang, "On exact computation with an infinitely
       wide neural net", NeurIPS 32 (2019), Section 3.
    .. [2] A. Jacot, F. Gabriel, C. Hongler, "Neural tangent kernel: convergence and generalization in neural
       networks", NeurIPS 31 (2018).

    Examples
    --------
    >>> deep_relu_empirical_ntk([[1.0, 0.0], [0.0, 1.0]], 0, 5, rng=0).tolist()  # depth 0: X X^T
    [[1.0, 0.0], [0.0, 1.0]]
    >>> K = deep_relu_empirical_ntk([[1.0, 0.0]], 2, 2000, rng=1)  # unit input: close to Theta^(2)(1) = 3
    >>> bool(abs(K[0, 0] - 3.0) < 0.5)
    True
    """
    X = _check_inputs("X", X)
    depth = check_int("depth", depth, minimum=0, maximum=100)
    width = check_int("width", width, minimum=1)
    if depth * width**2 > _MAX_EMPIRICAL_WEIGHTS:
        raise ValueError(f"`depth * width**2` must be at most {_MAX_EMPIRICAL_WEIGHTS} (memory of the weights), "
                         f"got depth={depth}, width={width}.")
    c_sigma = check_real("c_sigma", c_sigma, lower=0.0, lower_open=True)
    rng = check_rng(rng)
    scale = np.sqrt(c_sigma / width)
    gs, masks, Ws = [X], [], []
    for _ in range(depth):
        W = rng.standard_normal((width, gs[-1].shape[1]))
        f = gs[-1] @ W.T
        Ws.append(W)
        masks.append(f > 0)
        gs.append(scale * np.maximum(f, 0.0))
    theta = gs[-1] @ gs[-1].T  # output layer, b^{(L+1)} = 1
    b = np.tile(rng.standard_normal(gs[-1].shape[1]), (X.shape[0], 1))  # df/dg^{(L)}, one row per input
    for h in range(depth - 1, -1, -1):
        bf = scale * masks[h] * b  # df/df^{(h+1)}
        theta += (bf @ bf.T) * (gs[h] @ gs[h].T)
        b = bf @ Ws[h]
    return theta


@dataclass
class TwoLayerNetwork:
    r"""A two-layer ReLU network :math:`f(x) = c_m\sum_j a_j\sigma(\langle w_j, x\rangle)`.

    Attributes
    ----------
    W : ndarray, shape (m, d)
        First-layer weights, rows :math:`w_j`.
    a : ndarray, shape (m,)
        Second-layer weights.
    scaling : str
        ``"ntk"`` (:math:`c_m = m^{-1/2}`) or ``"mean_field"`` (:math:`c_m = 1/m`).

    Examples
    --------
    >>> net = TwoLayerNetwork(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, -1.0]))
    >>> net.width, round(float(net([[2.0, 1.0]])[0]), 12)  # (relu(2) - relu(1)) / sqrt(2)
    (2, 0.707106781187)
    """

    W: np.ndarray
    a: np.ndarray
    scaling: str = "ntk"

    def __post_init__(self):
        self.W = check_array("W", self.W, ndim=2, min_len=1)
        self.a = check_array("a", self.a, ndim=1)
        if self.a.shape[0] != self.W.shape[0]:
            raise ValueError(f"`a` must have one entry per row of `W` ({self.W.shape[0]}), got {self.a.shape[0]}.")
        if self.scaling not in ("ntk", "mean_field"):
            raise ValueError(f"`scaling` must be 'ntk' or 'mean_field', got {self.scaling!r}.")

    @property
    def width(self):
        return self.W.shape[0]

    @property
    def multiplier(self):
        """The output prefactor :math:`c_m`."""
        m = self.W.shape[0]
        return 1.0 / np.sqrt(m) if self.scaling == "ntk" else 1.0 / m

    def __call__(self, X):
        """Evaluate the network on the rows of ``X``."""
        X = _check_inputs("X", X, self.W.shape[1])
        return self.multiplier * (np.maximum(X @ self.W.T, 0.0) @ self.a)

    def params(self):
        """All parameters as one flat vector ``(W.ravel(), a)``."""
        return np.concatenate([self.W.ravel(), self.a])

    def copy(self):
        return TwoLayerNetwork(self.W.copy(), self.a.copy(), self.scaling)


def two_layer_network(width, d, *, scaling="ntk", init_scale=1.0, symmetric=False, rng=None):
    r"""Draw a two-layer ReLU network at initialisation.

    :math:`w_j\sim\mathcal N(0, s^2 I_d)` and :math:`a_j\sim\mathcal N(0, s^2)` independent, :math:`s` = ``init_scale``.
    With ``symmetric=True`` (the "doubling trick" of Chizat, Oyallon, Bach 2019) the second half of the units copies the
    first half with :math:`a_j\mapsto -a_j`, so that :math:`f\equiv0` at initialisation while the tangent kernel keeps
    its law up to the number of independent units (``width/2``).

    Parameters
    ----------
    width : int
        Number of hidden units :math:`m` (even when ``symmetric``).
    d : int
        Input dimension.
    scaling : {"ntk", "mean_field"}
        Output prefactor :math:`m^{-1/2}` or :math:`m^{-1}`.
    init_scale : float
        Standard deviation :math:`s > 0` of all weights.
    symmetric : bool
        Antisymmetric initialisation with zero output.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    TwoLayerNetwork

    Examples
    --------
    >>> net = two_layer_network(4, 3, symmetric=True, rng=0)
    >>> round(float(net([[1.0, 2.0, 3.0]])[0]), 12)
    0.0
    """
    width = check_int("width", width, minimum=1)
    d = check_int("d", d, minimum=1)
    if scaling not in _SCALINGS:
        raise ValueError(f"`scaling` must be one of {_SCALINGS}, got {scaling!r}.")
    init_scale = check_real("init_scale", init_scale, lower=0.0, lower_open=True)
    symmetric = check_bool("symmetric", symmetric)
    if symmetric and width % 2:
        raise ValueError(f"`width` must be even when `symmetric=True`, got {width}.")
    rng = check_rng(rng)
    if symmetric:
        half = width // 2
        W = rng.standard_normal((half, d)) * init_scale
        a = rng.standard_normal(half) * init_scale
        return TwoLayerNetwork(np.vstack([W, W]), np.concatenate([a, -a]), scaling)
    return TwoLayerNetwork(rng.standard_normal((width, d)) * init_scale, rng.standard_normal(width) * init_scale, scaling)


def _check_network(net):
    if not isinstance(net, TwoLayerNetwork):
        raise TypeError(f"`params` must be a TwoLayerNetwork (from two_layer_network), got {type(net).__name__}.")
    return net


def empirical_ntk(params, X, Y, *, layers="both"):
    r"""Empirical tangent kernel :math:`\langle\nabla_\theta f(x), \nabla_\theta f(y)\rangle` of a two-layer network.

    .. math:: \Theta_m(x,y) = c_m^2\sum_{j=1}^m\Bigl[\sigma(\langle w_j,x\rangle)\sigma(\langle w_j,y\rangle)
              + a_j^2\,\sigma'(\langle w_j,x\rangle)\sigma'(\langle w_j,y\rangle)\langle x,y\rangle\Bigr],

    the first term from the second layer, the second from the first layer. With :math:`c_m = m^{-1/2}` and fresh
    weights it is an average of :math:`m` i.i.d. terms whose mean is :func:`relu_ntk`.

    Parameters
    ----------
    params : TwoLayerNetwork
    X, Y : array_like, shapes (n, d), (k, d)
    layers : {"both", "first", "second"}

    Returns
    -------
    ndarray, shape (n, k)

    References
    ----------
    .. [1] A. Jacot, F. Gabriel, C. Hongler, NeurIPS 31 (2018) (definition of the tangent kernel).

    Examples
    --------
    >>> net = two_layer_network(2000, 2, rng=1)
    >>> bool(abs(empirical_ntk(net, [[1.0, 0.0]], [[1.0, 0.0]])[0, 0] - 1.0) < 0.1)
    True
    """
    net = _check_network(params)
    if layers not in _LAYERS:
        raise ValueError(f"`layers` must be one of {_LAYERS}, got {layers!r}.")
    d = net.W.shape[1]
    X = _check_inputs("X", X, d)
    Y = _check_inputs("Y", Y, d)
    hx, hy = X @ net.W.T, Y @ net.W.T
    c2 = net.multiplier**2
    out = np.zeros((X.shape[0], Y.shape[0]))
    if layers in ("both", "second"):
        out += c2 * (np.maximum(hx, 0.0) @ np.maximum(hy, 0.0).T)
    if layers in ("both", "first"):
        out += c2 * (((hx > 0) * net.a**2) @ (hy > 0).T.astype(float)) * (X @ Y.T)
    return out


@dataclass(frozen=True)
class TrainResult:
    """Result of :func:`train_two_layer`.

    Attributes
    ----------
    network : TwoLayerNetwork
        The trained network (the initial one is left unchanged).
    losses : ndarray
        Training loss :math:`\\frac1{2n}\\sum_i(f(x_i)-y_i)^2` before each step and after the last.
    n_steps : int
        Steps taken.
    converged : bool
        Whether the loss reached ``target_loss``.

    Examples
    --------
    >>> from course_lib.kernels import train_two_layer, two_layer_network
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((5, 3)), rng.standard_normal(5)
    >>> res = train_two_layer(two_layer_network(50, 3, rng=rng), X, y, lr=1.0, max_steps=10)
    >>> type(res).__name__, res.n_steps
    ('TrainResult', 10)
    """

    network: TwoLayerNetwork
    losses: np.ndarray
    n_steps: int
    converged: bool


def train_two_layer(params, X, y, *, lr, max_steps, target_loss=0.0, train="both"):
    r"""Full-batch gradient descent on :math:`\hat R_n(\theta) = \frac1{2n}\sum_i (f_\theta(x_i) - y_i)^2`.

    Each step is :math:`\theta\leftarrow\theta - \eta\nabla\hat R_n(\theta)` on the trained layers, with the gradients

    .. math:: \partial_{a_j}\hat R_n = \frac{c_m}{n}\sum_i r_i\sigma(\langle w_j,x_i\rangle),\qquad
              \nabla_{w_j}\hat R_n = \frac{c_m a_j}{n}\sum_i r_i\sigma'(\langle w_j,x_i\rangle)x_i ,

    :math:`r_i = f(x_i) - y_i`. In function space the step is :math:`f\leftarrow f - \frac\eta n\Theta_m(\cdot, X)r`
    to first order, so :math:`\eta < 2n/\lambda_{\max}(\Theta_m(X,X))` is needed (NTK scaling); in the mean-field
    scaling the natural step is :math:`\eta\propto m`. Training stops when the loss is at most ``target_loss`` (the run
    is then ``converged``) or after ``max_steps`` steps.

    Parameters
    ----------
    params : TwoLayerNetwork
        Initial network (not modified).
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    lr : float
        Step size :math:`\eta > 0`.
    max_steps : int
    target_loss : float
        Stop as soon as the loss is at most this value (>= 0).
    train : {"both", "first", "second"}
        Which layers move.

    Returns
    -------
    TrainResult

    Raises
    ------
    FloatingPointError
        If the loss becomes non-finite (step too large).

    References
    ----------
    .. [1] L. Chizat, E. Oyallon, F. Bach, "On lazy training in differentiable programming", NeurIPS 32 (2019).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((5, 3)); y = rng.standard_normal(5)
    >>> res = train_two_layer(two_layer_network(200, 3, rng=rng), X, y, lr=1.0, max_steps=5000, target_loss=1e-6)
    >>> res.converged
    True
    """
    net = _check_network(params).copy()
    d = net.W.shape[1]
    X = _check_inputs("X", X, d)
    y = check_array("y", y, ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have one entry per row of `X` ({X.shape[0]}), got {y.shape[0]}.")
    lr = check_real("lr", lr, lower=0.0, lower_open=True)
    max_steps = check_int("max_steps", max_steps, minimum=0)
    target_loss = check_real("target_loss", target_loss, lower=0.0)
    if train not in _LAYERS:
        raise ValueError(f"`train` must be one of {_LAYERS}, got {train!r}.")
    c = net.multiplier
    losses = np.empty(max_steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        return _gd_loop(net, X, y, c, lr, max_steps, target_loss, train, losses)


def _gd_loop(net, X, y, c, lr, max_steps, target_loss, train, losses):
    n = X.shape[0]
    W, a = net.W, net.a
    step = 0
    converged = False
    while True:
        H = X @ W.T
        act = np.maximum(H, 0.0)
        r = c * (act @ a) - y
        loss = 0.5 * float(r @ r) / n
        losses[step] = loss
        if not np.isfinite(loss):
            raise FloatingPointError(f"the training loss became {loss} at step {step}: decrease `lr` (got {lr}).")
        if loss <= target_loss:
            converged = True
            break
        if step == max_steps:
            break
        ga = (c / n) * (act.T @ r)
        if train in ("both", "first"):
            gW = (c / n) * (((H > 0) * r[:, None]).T @ X) * a[:, None]
            W -= lr * gW
        if train in ("both", "second"):
            a -= lr * ga
        step += 1
    return TrainResult(net, losses[: step + 1].copy(), step, converged)


def kernel_regression(K_train, y, K_test, *, lam=0.0):
    r"""Kernel ridge(less) regression: :math:`\hat f(x) = K(x, X)\,(K(X,X) + n\lambda_{\mathrm{reg}}I)^{-1}y`.

    With ``lam=0`` this is the minimum-RKHS-norm interpolant, the limit of gradient flow on the kernel model started
    at zero, and hence the prediction of an infinitely wide network in the lazy regime (Jacot et al. 2018).

    Parameters
    ----------
    K_train : array_like, shape (n, n)
        Kernel matrix of the training inputs (symmetric positive definite when ``lam=0``; for :func:`relu_ntk` this
        holds when no input is a multiple of another -- with antipodal pairs
        :math:`\pm x_1,\dots,\pm x_{d+1}` the matrix is singular).
    y : array_like, shape (n,)
    K_test : array_like, shape (k, n)
        Kernel between test and training inputs.
    lam : float
        Ridge :math:`\lambda_{\mathrm{reg}}\ge0`.

    Returns
    -------
    ndarray, shape (k,)

    Examples
    --------
    >>> K = np.array([[2.0, 1.0], [1.0, 2.0]])
    >>> kernel_regression(K, [1.0, 0.0], K).round(12).tolist()  # interpolates
    [1.0, 0.0]
    """
    K_train = check_array("K_train", K_train, ndim=2)
    n = K_train.shape[0]
    if K_train.shape != (n, n):
        raise ValueError(f"`K_train` must be square, got shape {K_train.shape}.")
    y = check_array("y", y, ndim=1)
    if y.shape[0] != n:
        raise ValueError(f"`y` must have {n} entries (the size of `K_train`), got {y.shape[0]}.")
    K_test = check_array("K_test", K_test, ndim=2)
    if K_test.shape[1] != n:
        raise ValueError(f"`K_test` must have {n} columns, got shape {K_test.shape}.")
    lam = check_real("lam", lam, lower=0.0)
    A = K_train + n * lam * np.eye(n)
    try:
        coef = np.linalg.solve(A, y)
    except np.linalg.LinAlgError as exc:
        raise ValueError("`K_train` + n lam I is singular: use lam > 0 or distinct inputs.") from exc
    return K_test @ coef
