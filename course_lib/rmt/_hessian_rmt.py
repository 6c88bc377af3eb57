"""The Pennington--Bahri random-matrix model of the Hessian, and a deep tanh network trained from two initialisations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import polynomial as P

from .._validation import check_array, check_int, check_real, check_rng
from ._deep import SIGMA_MAX, _random_orthogonal
from ._densities import marchenko_pastur_pdf

__all__ = [
    "hessian_pb_density",
    "hessian_pb_support",
    "hessian_pb_negative_fraction",
    "hessian_pb_critical_epsilon",
    "DeepTanhTraining",
    "deep_tanh_train",
]

_PHI_MAX = 1e4
_EPS_MAX = 1e4


def _check_pb(phi, epsilon, eps_open=False):
    phi = check_real("ratio", phi, lower=0.0, lower_open=True, upper=_PHI_MAX)
    epsilon = check_real("epsilon", epsilon, lower=0.0, lower_open=eps_open, upper=_EPS_MAX)
    return phi, epsilon


def _cubic_coeffs(phi, eps):
    """Coefficients (as polynomials in x) of c3 G^3 + c2 G^2 + c1 G + c0 = 0, lowest degree first."""
    return (np.array([1.0]), np.array([-(phi - 1.0), -1.0]), np.array([eps, phi]), np.array([-phi * eps]))


def _discriminant(phi, eps):
    c0, c1, c2, c3 = _cubic_coeffs(phi, eps)
    m = P.polymul
    terms = (18.0 * m(m(m(c3, c2), c1), c0), -4.0 * m(m(m(c2, c2), c2), c0), m(m(c2, c2), m(c1, c1)),
             -4.0 * m(m(m(c3, c1), c1), c1), -27.0 * m(m(c3, c3), m(c0, c0)))
    d = np.zeros(5)
    for t in terms:
        d[:t.size] += t
    return P.polytrim(d, 0.0)


def _support(phi, eps):
    """The intervals where the discriminant is negative (one real root and a complex pair): the support."""
    d = _discriminant(phi, eps)
    r = P.polyroots(d)
    scale = 1.0 + phi + np.sqrt(eps)
    r = np.sort(r[np.abs(r.imag) <= 1e-9 * scale].real)
    intervals = []
    for lo, hi in zip(r[:-1], r[1:]):
        if hi - lo > 1e-14 * scale and P.polyval(0.5 * (lo + hi), d) < 0.0:
            if intervals and abs(intervals[-1][1] - lo) <= 1e-14 * scale:
                intervals[-1][1] = hi  # a double root inside the support (a touching point)
            else:
                intervals.append([lo, hi])
    return np.array(intervals, dtype=float).reshape(-1, 2)


def _density(x, phi, eps):
    c0, c1, c2, c3 = (P.polyval(x, c) * np.ones_like(x) for c in _cubic_coeffs(phi, eps))
    # monic cubic G^3 + b2 G^2 + b1 G + b0 (c3 = -phi eps != 0): the companion matrices, all points at once
    comp = np.zeros(x.shape + (3, 3))
    comp[..., 0, 0] = -c2 / c3
    comp[..., 0, 1] = -c1 / c3
    comp[..., 0, 2] = -c0 / c3
    comp[..., 1, 0] = 1.0
    comp[..., 2, 1] = 1.0
    roots = np.linalg.eigvals(comp)
    return np.max(np.abs(roots.imag), axis=-1) / np.pi


def hessian_pb_density(x, ratio, epsilon):
    r"""Spectral density of the Pennington--Bahri Hessian model: Marchenko--Pastur :math:`\boxplus` semicircle.

    The model writes the Hessian as :math:`H = H_0 + H_1` with :math:`H_0` a Wishart matrix (the Gauss--Newton
    part) whose spectrum is the Marchenko--Pastur law of ratio :math:`\gamma`, mean 1 and variance :math:`\gamma`
    (with an atom of mass :math:`1 - 1/\gamma` at 0 when :math:`\gamma > 1`), and :math:`H_1` a Wigner matrix whose
    semicircle has variance :math:`\epsilon` (the residual term, proportional to the loss), the two free. The
    Cauchy transform of :math:`H` solves :math:`G = G_{\mathrm{MP}}(z - \epsilon G)` (subordination with a
    semicircle), i.e. the cubic

    .. math:: -\gamma\epsilon\,G^3 + (\gamma z + \epsilon)\,G^2 - (z + \gamma - 1)\,G + 1 = 0,

    and the density is :math:`|\operatorname{Im}G(x)|/\pi` for the complex pair of roots at real :math:`x`
    (0 where the three roots are real).

    Parameters
    ----------
    x : float or array_like
        Real points (finite).
    ratio : float
        The ratio :math:`\gamma\in(0, 10^4]` of the Wishart part (parameters per sample).
    epsilon : float
        The variance :math:`\epsilon\in[0, 10^4]` of the semicircle; 0 gives the Marchenko--Pastur density
        (its atom at 0 is not part of the density).

    Returns
    -------
    float or ndarray
        The density at ``x``, same shape.

    Raises
    ------
    TypeError
        If an argument is not real.
    ValueError
        If ``x`` is not finite or ``ratio``, ``epsilon`` are out of range.

    References
    ----------
    .. [1] J. Pennington, Y. Bahri, "Geometry of neural network loss surfaces via random matrix theory",
       ICML 2017 (PMLR 70).

    Examples
    --------
    >>> round(float(hessian_pb_density(1.0, 0.25, 0.0)), 10) == round(float(marchenko_pastur_pdf(1.0, 0.25)), 10)
    True
    >>> round(float(hessian_pb_density(1.0, 0.5, 0.1)), 4)
    0.4078
    """
    x = check_array("x", x, max_abs=1e100)
    phi, eps = _check_pb(ratio, epsilon)
    if eps == 0.0:
        out = np.asarray(marchenko_pastur_pdf(x, phi), dtype=float)
    else:
        out = _density(x, phi, eps)
    return float(out) if out.ndim == 0 else out


def hessian_pb_support(ratio, epsilon):
    r"""The support of the Pennington--Bahri density (:func:`hessian_pb_density`), as a list of intervals.

    The edges are the real roots, in :math:`x`, of the discriminant of the cubic of :func:`hessian_pb_density`, a
    polynomial of degree 4; the support is where the discriminant is negative.

    Parameters
    ----------
    ratio : float
        In :math:`(0, 10^4]`.
    epsilon : float
        In :math:`(0, 10^4]`.

    Returns
    -------
    ndarray, shape (k, 2)
        The intervals ``[lo, hi]`` of the support, increasing (k is 1 or 2).

    Raises
    ------
    TypeError, ValueError
        If an argument is not real or out of range.

    References
    ----------
    .. [1] J. Pennington, Y. Bahri, "Geometry of neural network loss surfaces via random matrix theory", ICML 2017.

    Examples
    --------
    >>> lo, hi = hessian_pb_support(1e-8, 0.3)[0]     # phi -> 0: the semicircle of radius 2 sqrt(0.3) around 1
    >>> round(float(lo), 3), round(float(hi), 3)
    (-0.095, 2.095)
    """
    phi, eps = _check_pb(ratio, epsilon, eps_open=True)
    return _support(phi, eps)


def hessian_pb_critical_epsilon(ratio):
    r"""The critical residual variance :math:`\epsilon_c(\gamma)` at which the model Hessian acquires negative eigenvalues.

    For :math:`\gamma < 1` the lower edge of :func:`hessian_pb_support` reaches 0 when :math:`\epsilon = \epsilon_c`, the
    positive root of the discriminant of the cubic at :math:`x = 0`:

    .. math:: -4\epsilon^2 + \bigl[(1-\gamma)^2 - 18\gamma(1-\gamma) - 27\gamma^2\bigr]\epsilon + 4\gamma(1-\gamma)^3 = 0,

    i.e. :math:`\epsilon_c = \tfrac18\bigl(1 - 20\gamma - 8\gamma^2 + (1 + 8\gamma)^{3/2}\bigr)`, which decreases from
    1/4 at :math:`\gamma = 0` (a semicircle of radius 1 around 1) to 0 at :math:`\gamma = 1`. Here :math:`\epsilon` is the
    variance of the semicircle; Pennington and Bahri write :math:`\epsilon` for the loss, and in their normalisation the
    critical value is half of this one, :math:`\tfrac1{16}\bigl(1 - 20\phi - 8\phi^2 + (1 + 8\phi)^{3/2}\bigr)`.

    For :math:`\gamma\ge1` the mass of the Wishart part at or near 0 (an atom for :math:`\gamma > 1`, a hard edge for
    :math:`\gamma = 1`) makes every :math:`\epsilon > 0` critical: returns 0.

    Parameters
    ----------
    ratio : float
        In :math:`(0, 10^4]`.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        If ``ratio`` is not real or out of range.

    References
    ----------
    .. [1] J. Pennington, Y. Bahri, "Geometry of neural network loss surfaces via random matrix theory", ICML 2017.

    Examples
    --------
    >>> round(hessian_pb_critical_epsilon(1e-12), 6)     # phi -> 0: a semicircle of radius 1 centred at 1
    0.25
    """
    phi = check_real("ratio", ratio, lower=0.0, lower_open=True, upper=_PHI_MAX)
    if phi >= 1.0:
        return 0.0
    b = (1.0 - phi) ** 2 - 18.0 * phi * (1.0 - phi) - 27.0 * phi**2
    c = 4.0 * phi * (1.0 - phi) ** 3
    # positive root of -4 e^2 + b e + c = 0, written without cancellation
    disc = np.sqrt(b * b + 16.0 * c)
    return float((b + disc) / 8.0) if b >= 0.0 else float(2.0 * c / (disc - b))


def hessian_pb_negative_fraction(ratio, epsilon, *, n_quad=200):
    r"""The index of the model Hessian: the mass :math:`\alpha(\epsilon, \gamma)` of the density on :math:`(-\infty, 0)`.

    Integrates :func:`hessian_pb_density` over each interval of :func:`hessian_pb_support` left of 0 by
    Gauss--Legendre quadrature after the substitution :math:`x = \ell + (r - \ell)u^2` (which removes the
    square-root edge at :math:`\ell`; :math:`r = \min(\text{upper edge}, 0)`, or the cosine substitution when the
    whole interval lies left of 0). Near :math:`\epsilon_c` (:func:`hessian_pb_critical_epsilon`, :math:`\gamma < 1`),
    :math:`\alpha\propto(\epsilon - \epsilon_c)^{3/2}` (Pennington and Bahri 2017).

    Parameters
    ----------
    ratio : float
        In :math:`(0, 10^4]`.
    epsilon : float
        In :math:`[0, 10^4]`; 0 gives 0.
    n_quad : int
        Quadrature nodes per interval, in [10, 10000].

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        If an argument is not real or out of range.

    References
    ----------
    .. [1] J. Pennington, Y. Bahri, "Geometry of neural network loss surfaces via random matrix theory",
       ICML 2017 (PMLR 70).

    Examples
    --------
    >>> round(hessian_pb_negative_fraction(1e-8, 1.0), 4)      # semicircle of radius 2 around 1: F(0)
    0.1955
    """
    phi, eps = _check_pb(ratio, epsilon)
    n_quad = check_int("n_quad", n_quad, minimum=10, maximum=10_000)
    if eps == 0.0:
        return 0.0
    u, w = np.polynomial.legendre.leggauss(n_quad)
    u, w = 0.5 * (u + 1.0), 0.5 * w
    total = 0.0
    for lo, hi in _support(phi, eps):
        if lo >= 0.0:
            continue
        if hi <= 0.0:
            th = np.pi * u
            xs = 0.5 * (lo + hi) - 0.5 * (hi - lo) * np.cos(th)
            total += float(np.sum(w * np.pi * 0.5 * (hi - lo) * np.sin(th) * _density(xs, phi, eps)))
        else:
            xs = lo + (0.0 - lo) * u**2
            total += float(np.sum(w * 2.0 * (0.0 - lo) * u * _density(xs, phi, eps)))
    return min(max(total, 0.0), 1.0)


@dataclass(frozen=True)
class DeepTanhTraining:
    """Result of :func:`deep_tanh_train`.

    Attributes
    ----------
    loss : ndarray
        The training loss before each step (length ``n_steps + 1``, the last after the final step; shorter if the
        target was reached: the run stops there).
    steps_to_target : int
        The first step count at which the loss is <= ``target``, or -1 if never within ``n_steps``.
    jacobian_singular_values : ndarray
        Singular values of the input-output Jacobian of the hidden stack at initialisation, at the first input.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.standard_normal((32, 8)), rng.standard_normal((32, 2))
    >>> r = deep_tanh_train(X, Y, depth=3, width=8, sigma_w=1.0, lr=0.05, n_steps=5, rng=1)
    >>> type(r).__name__, r.loss.size
    ('DeepTanhTraining', 6)
    """

    loss: np.ndarray
    steps_to_target: int
    jacobian_singular_values: np.ndarray


def deep_tanh_train(X, Y, *, depth, width, sigma_w, sigma_b=0.0, init="gaussian", lr, n_steps, target=0.0,
                    rng=None):
    r"""Full-batch gradient descent on a deep tanh network with a square loss, from a Gaussian or orthogonal start.

    The network is :math:`x_0 = X^\top`, :math:`h_\ell = W_\ell x_{\ell-1} + b_\ell`, :math:`x_\ell = \tanh h_\ell`
    (:math:`\ell = 1..L`, width :math:`N`), and a linear read-out :math:`f = W_{L+1}x_L`; the loss is
    :math:`\frac1{2n}\lVert f - Y^\top\rVert_F^2`. Initialisation as :func:`deep_jacobian_singular_values`: hidden
    weights :math:`\mathcal N(0, \sigma_w^2/N)` entrywise or :math:`\sigma_w` times Haar orthogonal, the first layer
    :math:`\mathcal N(0, \sigma_w^2/d)` or :math:`\sigma_w\sqrt{N/d}` times orthonormal columns (``orthogonal``,
    needs :math:`d\le N`), biases :math:`\mathcal N(0, \sigma_b^2)`, read-out :math:`\mathcal N(0, 1/N)`. All
    layers are trained with step ``lr``; the run stops at the first step where the loss is <= ``target``.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs, finite.
    Y : array_like, shape (n, k)
        Targets, finite.
    depth : int
        Number :math:`L` of tanh layers, in [1, 200].
    width : int
        Width :math:`N`, in [1, 2000].
    sigma_w : float
        In (0, 1e3].
    sigma_b : float
        In [0, 1e3].
    init : {'gaussian', 'orthogonal'}
    lr : float
        Step size, in (0, 1e3].
    n_steps : int
        Maximal number of steps, in [0, 10^6].
    target : float
        Target loss, >= 0.
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    DeepTanhTraining

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or is out of range, or ``init='orthogonal'`` with ``d > width``.
    FloatingPointError
        If the loss becomes non-finite or exceeds :math:`10^6(1 + \text{initial loss})` (lower ``lr``).

    References
    ----------
    .. [1] A. M. Saxe, J. L. McClelland, S. Ganguli, "Exact solutions to the nonlinear dynamics of learning in deep
       linear neural networks", ICLR 2014.
    .. [2] J. Pennington, S. S. Schoenholz, S. Ganguli, "Resurrecting the sigmoid in deep learning through dynamical
       isometry: theory and practice", NeurIPS 2017.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.standard_normal((32, 8)), rng.standard_normal((32, 2))
    >>> r = deep_tanh_train(X, Y, depth=3, width=8, sigma_w=1.0, init="orthogonal", lr=0.05, n_steps=20, rng=1)
    >>> bool(r.loss[-1] < r.loss[0])
    True
    """
    X = check_array("X", X, ndim=2, min_len=1, max_abs=1e6)
    Y = check_array("Y", Y, ndim=2, min_len=1, max_abs=1e6)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"`Y` must have as many rows as `X` ({X.shape[0]}), got {Y.shape[0]}.")
    depth = check_int("depth", depth, minimum=1, maximum=200)
    width = check_int("width", width, minimum=1, maximum=2000)
    sigma_w = check_real("sigma_w", sigma_w, lower=0.0, lower_open=True, upper=SIGMA_MAX)
    sigma_b = check_real("sigma_b", sigma_b, lower=0.0, upper=SIGMA_MAX)
    if init not in ("gaussian", "orthogonal"):
        raise ValueError(f"`init` must be 'gaussian' or 'orthogonal', got {init!r}.")
    n, d = X.shape
    if init == "orthogonal" and d > width:
        raise ValueError(f"`init`='orthogonal' needs the input dimension d = {d} <= `width` = {width}.")
    lr = check_real("lr", lr, lower=0.0, lower_open=True, upper=1e3)
    n_steps = check_int("n_steps", n_steps, minimum=0, maximum=1_000_000)
    target = check_real("target", target, lower=0.0)
    rng = check_rng(rng)
    Ws, bs = [], []
    for layer in range(depth):
        n_in = d if layer == 0 else width
        if init == "gaussian":
            W = sigma_w / np.sqrt(n_in) * rng.standard_normal((width, n_in))
        else:
            W = sigma_w * np.sqrt(width / n_in) * _random_orthogonal(width, rng)[:, :n_in]
        Ws.append(W)
        bs.append(sigma_b * rng.standard_normal(width))
    Wout = rng.standard_normal((Y.shape[1], width)) / np.sqrt(width)
    # Jacobian of x_L with respect to x_1 at the first input (the hidden stack, square layers)
    h = np.tanh(Ws[0] @ X[0] + bs[0])
    jac = np.eye(width)
    for W, b in zip(Ws[1:], bs[1:]):
        pre = W @ h + b
        jac = (1.0 - np.tanh(pre) ** 2)[:, None] * (W @ jac)
        h = np.tanh(pre)
    sv = np.linalg.svd(jac, compute_uv=False)
    losses = []
    steps = -1
    Yt = Y.T
    for t in range(n_steps + 1):
        acts = [X.T]
        for W, b in zip(Ws, bs):
            acts.append(np.tanh(W @ acts[-1] + b[:, None]))
        r = Wout @ acts[-1] - Yt
        with np.errstate(over="ignore", invalid="ignore"):
            loss = 0.5 * float(np.sum(r * r)) / n
        if not np.isfinite(loss) or (losses and loss > 1e6 * (1.0 + losses[0])):
            raise FloatingPointError(f"deep_tanh_train: the loss diverged at step {t} (above 1e6 times its initial "
                                     f"value, or non-finite); lower `lr` (= {lr}).")
        losses.append(loss)
        if loss <= target:
            steps = t
            break
        if t == n_steps:
            break
        delta = r / n
        with np.errstate(over="ignore", invalid="ignore"):
            gout = delta @ acts[-1].T
        if not np.all(np.isfinite(gout)):
            raise FloatingPointError(f"deep_tanh_train: the gradient became non-finite at step {t}; lower `lr` (= {lr}).")
        back = Wout.T @ delta
        Wout -= lr * gout
        for layer in range(depth - 1, -1, -1):
            back = back * (1.0 - acts[layer + 1] ** 2)
            gW = back @ acts[layer].T
            gb = back.sum(axis=1)
            if layer > 0:
                back = Ws[layer].T @ back
            Ws[layer] -= lr * gW
            bs[layer] -= lr * gb
    return DeepTanhTraining(loss=np.array(losses), steps_to_target=steps, jacobian_singular_values=sv)
