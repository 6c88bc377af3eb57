"""Random matrices inside deep networks: mean-field signal propagation and input-output Jacobians."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from scipy import optimize

from .._validation import check_array, check_int, check_real, check_rng
from ._densities import fuss_catalan_pdf

#: Bound on the weight and bias scales: the order-one values of the lectures are far below it, and above it the
#: length map q -> sigma_w^2 E phi(sqrt(q) z)^2 + sigma_b^2 overflows within a few layers.
SIGMA_MAX = 1e3

__all__ = [
    "MeanFieldFixedPoint",
    "mean_field_fixed_point",
    "critical_sigma_w",
    "deep_jacobian_singular_values",
    "deep_jacobian_spectrum_moments",
    "deep_linear_jacobian_pdf",
]

#: Result of :func:`mean_field_fixed_point`.
MeanFieldFixedPoint = namedtuple("MeanFieldFixedPoint", ["q_star", "chi", "m1", "m2", "converged", "n_iter"])
MeanFieldFixedPoint.__doc__ = """Result of :func:`mean_field_fixed_point`: ``q_star``, ``chi``, ``m1``, ``m2``, ``converged``, ``n_iter``.

Examples
--------
>>> fp = mean_field_fixed_point("tanh", 1.5, 0.1)
>>> type(fp).__name__, bool(fp.converged), round(fp.q_star, 6), round(fp.chi, 6)
('MeanFieldFixedPoint', True, 0.813322, 1.129053)
"""

_ACTIVATIONS = ("linear", "tanh", "relu")
_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(160)
_GH_W = _GH_W / np.sqrt(2.0 * np.pi)  # E f(z), z ~ N(0, 1)


def _check_activation(activation):
    if activation not in _ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {_ACTIVATIONS}, got {activation!r}.")
    return activation


def _phi(h, activation):
    if activation == "linear":
        return h
    if activation == "tanh":
        return np.tanh(h)
    return np.maximum(h, 0.0)


def _dphi(h, activation):
    if activation == "linear":
        return np.ones_like(h)
    if activation == "tanh":
        return 1.0 / np.cosh(h) ** 2
    return (h > 0).astype(float)


def _gauss_moments(q, activation):
    """E phi(sqrt(q) z)^2, E phi'^2, E phi'^4 for z ~ N(0, 1) (exact for linear and ReLU)."""
    if activation == "linear":
        return q, 1.0, 1.0
    if activation == "relu":
        return q / 2.0, 0.5, 0.5
    h = np.sqrt(q) * _GH_X
    d2 = _dphi(h, activation) ** 2
    return float(_GH_W @ np.tanh(h) ** 2), float(_GH_W @ d2), float(_GH_W @ d2**2)


def mean_field_fixed_point(activation, sigma_w, sigma_b, *, tol=1e-14, max_iter=100_000):
    r"""Fixed point of the mean-field length map and the slope :math:`\chi` of a random network.

    For a wide network with weights of variance :math:`\sigma_w^2/N` and biases of variance :math:`\sigma_b^2`, the squared
    length :math:`q_\ell = \lVert h_\ell\rVert^2/N` of the pre-activations follows the length map

    .. math:: q_{\ell} = \sigma_w^2\,\mathbb{E}\,\phi(\sqrt{q_{\ell-1}}\, z)^2 + \sigma_b^2, \qquad z\sim\mathcal N(0,1),

    iterated here from :math:`q_0 = 1` to its fixed point :math:`q^*`. Then
    :math:`\chi = \sigma_w^2\,\mathbb{E}\,\phi'(\sqrt{q^*}z)^2` is the mean squared singular value of one layer's Jacobian:
    :math:`\chi < 1` is the ordered phase, :math:`\chi > 1` the chaotic one (Poole et al. 2016; Schoenholz et al. 2017).
    Gaussian expectations use 160-point Gauss--Hermite quadrature (exact formulas for ``linear`` and ``relu``).

    Parameters
    ----------
    activation : {'linear', 'tanh', 'relu'}
    sigma_w : float
        In (0, 1e3] (``SIGMA_MAX``).
    sigma_b : float
        In [0, 1e3].
    tol : float
        Stop when successive iterates differ by less than ``tol * max(1, q)``.
    max_iter : int

    Returns
    -------
    MeanFieldFixedPoint
        ``(q_star, chi, m1, m2, converged, n_iter)`` with :math:`m_k = \mathbb{E}\,\phi'(\sqrt{q^*}z)^{2k}`.
        For ``linear`` or ``relu`` with :math:`\sigma_w^2\,\mathbb{E}\phi'^2 \ge 1` the map has no finite
        fixed point unless ``sigma_b = 0`` and :math:`\chi = 1` (then every :math:`q` is fixed and ``q_star = 1``);
        otherwise ``converged`` is False.

    References
    ----------
    .. [1] B. Poole, S. Lahiri, M. Raghu, J. Sohl-Dickstein, S. Ganguli, "Exponential expressivity in deep neural
       networks through transient chaos", NeurIPS 2016, arXiv:1606.05340.
    .. [2] S. S. Schoenholz, J. Gilmer, S. Ganguli, J. Sohl-Dickstein, "Deep information propagation", ICLR 2017,
       arXiv:1611.01232.

    Examples
    --------
    >>> fp = mean_field_fixed_point("relu", np.sqrt(2.0), 0.0)
    >>> round(fp.chi, 12), bool(fp.converged)
    (1.0, True)
    """
    activation = _check_activation(activation)
    sigma_w = check_real("sigma_w", sigma_w, lower=0.0, lower_open=True, upper=SIGMA_MAX)
    sigma_b = check_real("sigma_b", sigma_b, lower=0.0, upper=SIGMA_MAX)
    tol = check_real("tol", tol, lower=0.0, lower_open=True, upper=1.0)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    q = 1.0
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        e_phi2, _, _ = _gauss_moments(q, activation)
        q_new = sigma_w**2 * e_phi2 + sigma_b**2
        if not np.isfinite(q_new) or q_new > 1e12:
            break
        if abs(q_new - q) <= tol * max(1.0, q):
            q, converged = q_new, True
            break
        q = q_new
    _, m1, m2 = _gauss_moments(q, activation)
    return MeanFieldFixedPoint(float(q), float(sigma_w**2 * m1), m1, m2, converged, n_iter)


def critical_sigma_w(activation, sigma_b):
    r"""The weight scale :math:`\sigma_w` on the order-to-chaos line :math:`\chi(\sigma_w, \sigma_b) = 1`.

    For ``tanh`` this is found by Brent's method on :math:`\sigma_w \in (1, 10)`; for ``relu`` and ``linear`` the
    critical line is :math:`\sigma_w = \sqrt2` and :math:`\sigma_w = 1` (with :math:`\sigma_b = 0`).

    Examples
    --------
    >>> round(critical_sigma_w("tanh", 0.0), 10)
    1.0
    """
    activation = _check_activation(activation)
    sigma_b = check_real("sigma_b", sigma_b, lower=0.0, upper=SIGMA_MAX)
    if activation != "tanh":
        if sigma_b != 0.0:
            raise ValueError(f"for `activation`={activation!r} the critical line has `sigma_b` = 0, got {sigma_b}.")
        return np.sqrt(2.0) if activation == "relu" else 1.0
    if sigma_b == 0.0:
        return 1.0
    return float(optimize.brentq(lambda s: mean_field_fixed_point("tanh", s, sigma_b).chi - 1.0, 1.0 + 1e-12, 10.0,
                                 xtol=1e-14, rtol=1e-14))


def _random_orthogonal(n, rng):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))  # Haar measure (Mezzadri 2007)


def deep_jacobian_singular_values(widths, activation, sigma_w, sigma_b, init="gaussian", rng=None, *, q0=None):
    r"""Singular values of the input-output Jacobian of a random deep network at initialisation.

    The network is :math:`h_\ell = W_\ell x_{\ell-1} + b_\ell`, :math:`x_\ell = \phi(h_\ell)`, :math:`\ell = 1..L`, with
    :math:`W_\ell` either Gaussian with entries :math:`\mathcal N(0, \sigma_w^2/N_{\ell-1})` or :math:`\sigma_w` times a Haar
    orthogonal matrix (square layers only), :math:`b_\ell \sim \mathcal N(0, \sigma_b^2 I)`, and the input
    :math:`x_0 = \phi(h_0)` with :math:`h_0 \sim \mathcal N(0, q_0 I)` and :math:`q_0 = q^*` by default, so that every layer
    sits at the mean-field fixed point. The Jacobian is

    .. math:: J = \frac{\partial x_L}{\partial x_0} = D_L W_L \cdots D_1 W_1, \qquad D_\ell = \operatorname{diag}\phi'(h_\ell).

    Parameters
    ----------
    widths : sequence of int
        :math:`[N_0, N_1, \dots, N_L]`, each >= 1, at least two entries.
    activation : {'linear', 'tanh', 'relu'}
    sigma_w, sigma_b : float
        Weight and bias scales, in (0, 1e3] and [0, 1e3].
    init : {'gaussian', 'orthogonal'}
    rng : seed or numpy.random.Generator, optional
    q0 : float, optional
        Variance of the pre-activations :math:`h_0` that produce the input (default: the fixed point :math:`q^*`, or 1 if
        it does not exist).

    Returns
    -------
    ndarray
        The :math:`\min(N_0, N_L)` singular values of :math:`J`, in decreasing order.

    References
    ----------
    .. [1] J. Pennington, S. S. Schoenholz, S. Ganguli, "Resurrecting the sigmoid in deep learning through dynamical
       isometry: theory and practice", NeurIPS 2017, arXiv:1711.04735.

    Examples
    --------
    >>> s = deep_jacobian_singular_values([50] * 6, "linear", 1.0, 0.0, init="orthogonal", rng=0)
    >>> bool(np.allclose(s, 1.0))
    True
    """
    widths = check_array("widths", widths, ndim=1, min_len=2, dtype=np.int64)
    if np.any(widths < 1):
        raise ValueError(f"`widths` must contain integers >= 1, got {widths.tolist()}.")
    activation = _check_activation(activation)
    sigma_w = check_real("sigma_w", sigma_w, lower=0.0, lower_open=True, upper=SIGMA_MAX)
    sigma_b = check_real("sigma_b", sigma_b, lower=0.0, upper=SIGMA_MAX)
    if init not in ("gaussian", "orthogonal"):
        raise ValueError(f"`init` must be 'gaussian' or 'orthogonal', got {init!r}.")
    if init == "orthogonal" and np.any(widths != widths[0]):
        raise ValueError("`init`='orthogonal' needs equal widths (square weight matrices).")
    if q0 is None:
        fp = mean_field_fixed_point(activation, sigma_w, sigma_b)
        q0 = fp.q_star if fp.converged else 1.0
    q0 = check_real("q0", q0, lower=0.0, lower_open=True)
    rng = check_rng(rng)
    x = _phi(np.sqrt(q0) * rng.standard_normal(widths[0]), activation)
    jac = np.eye(widths[0])
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        if init == "gaussian":
            w = sigma_w / np.sqrt(n_in) * rng.standard_normal((n_out, n_in))
        else:
            w = sigma_w * _random_orthogonal(n_out, rng)
        h = w @ x + sigma_b * rng.standard_normal(n_out)
        jac = _dphi(h, activation)[:, None] * (w @ jac)
        x = _phi(h, activation)
    return np.linalg.svd(jac, compute_uv=False)


def deep_jacobian_spectrum_moments(depth, activation, sigma_w, sigma_b, init="gaussian"):
    r"""Mean and variance of the limiting spectrum of :math:`JJ^\top` for a network at the mean-field fixed point.

    In the limit of infinite width the matrices :math:`W_\ell^\top D_\ell^2 W_\ell` are asymptotically free, so the
    spectral law of :math:`JJ^\top` is the free multiplicative convolution of :math:`L` laws
    (Pennington, Schoenholz, Ganguli 2017, 2018). For a free product the means multiply and the *normalised* variances
    :math:`\operatorname{Var}/\text{mean}^2` add (they are minus the first coefficient of the S-transform), so with
    :math:`m_k = \mathbb{E}\,\phi'(\sqrt{q^*}z)^{2k}` and :math:`\chi = \sigma_w^2 m_1`,

    .. math:: \text{mean} = \chi^L, \qquad
              \frac{\text{variance}}{\text{mean}^2} = L\Bigl(\frac{m_2}{m_1^2} - 1 + \mathbb 1_{\text{gaussian}}\Bigr),

    the last term being the normalised variance of the Marchenko--Pastur law of :math:`W_\ell^\top W_\ell` (0 for orthogonal
    weights). For linear Gaussian networks this is the second Fuss--Catalan moment, :math:`\mathrm{FC}_L(2) - 1 = L`.

    Parameters
    ----------
    depth : int
        :math:`L` >= 1.
    activation, sigma_w, sigma_b, init
        As in :func:`deep_jacobian_singular_values`.

    Returns
    -------
    tuple of float
        ``(mean, variance)`` of the squared singular values.

    References
    ----------
    .. [1] J. Pennington, S. S. Schoenholz, S. Ganguli, "The emergence of spectral universality in deep networks",
       AISTATS 2018, arXiv:1802.09979.

    Examples
    --------
    >>> mean, var = deep_jacobian_spectrum_moments(4, "relu", np.sqrt(2.0), 0.0, init="orthogonal")
    >>> round(mean, 12), round(var, 12)
    (1.0, 4.0)
    """
    depth = check_int("depth", depth, minimum=1)
    if init not in ("gaussian", "orthogonal"):
        raise ValueError(f"`init` must be 'gaussian' or 'orthogonal', got {init!r}.")
    fp = mean_field_fixed_point(activation, sigma_w, sigma_b)
    if not fp.converged:
        raise ValueError("the length map has no finite fixed point for these parameters (chaotic linear/ReLU network): "
                         "decrease `sigma_w` or `sigma_b`.")
    mean = fp.chi**depth
    norm_var = depth * (fp.m2 / fp.m1**2 - 1.0 + (1.0 if init == "gaussian" else 0.0))
    return float(mean), float(norm_var * mean**2)


def deep_linear_jacobian_pdf(x, depth, sigma_w=1.0):
    r"""Limiting density of the squared singular values of a deep linear Gaussian network's Jacobian.

    :math:`J = W_L\cdots W_1` with entries of variance :math:`\sigma_w^2/N`: the squared singular values follow the
    Fuss--Catalan law of order :math:`L` (:func:`fuss_catalan_pdf`) scaled by :math:`\sigma_w^{2L}`.

    Examples
    --------
    >>> round(deep_linear_jacobian_pdf(1.0, 1) * np.pi, 12)
    0.866025403784
    """
    x = check_array("x", x)
    depth = check_int("depth", depth, minimum=1)
    sigma_w = check_real("sigma_w", sigma_w, lower=0.0, lower_open=True, upper=SIGMA_MAX)
    scale = sigma_w ** (2 * depth)
    out = np.asarray(fuss_catalan_pdf(x / scale, depth)) / scale
    return float(out) if out.ndim == 0 else out

