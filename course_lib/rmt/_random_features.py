"""Gram matrices of random features Y = f(WX): the Pennington--Worah law and its sampler."""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._validation import MAX_ABS, check_array, check_bool, check_int, check_real, check_rng
from ._deep import _check_activation

__all__ = [
    "ActivationConstants",
    "activation_constants",
    "random_features_gram_eigenvalues",
    "random_features_stieltjes",
    "random_features_pdf",
    "random_features_atom",
    "random_features_cdf",
    "random_features_moments",
]

#: Result of :func:`activation_constants`: mean ``E f(sigma z)``, ``eta`` and ``zeta``.
ActivationConstants = namedtuple("ActivationConstants", ["mean", "eta", "zeta"])
ActivationConstants.__doc__ = """Result of :func:`activation_constants`: mean ``E f(sigma z)``, ``eta`` and ``zeta``.

Examples
--------
>>> c = activation_constants("linear")
>>> type(c).__name__, float(c.eta), float(c.zeta)
('ActivationConstants', 1.0, 1.0)
"""

_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(200)
_GH_W = _GH_W / np.sqrt(2.0 * np.pi)  # E g(z), z ~ N(0, 1)


def activation_constants(activation, sigma=1.0):
    r"""The constants :math:`\eta, \zeta` of an activation in the Pennington--Worah theory.

    For :math:`z\sim\mathcal N(0,1)` and the centred activation :math:`\bar f(x) = f(x) - \mathbb E f(\sigma z)`,

    .. math:: \eta = \mathbb E\,\bar f(\sigma z)^2, \qquad \zeta = \bigl(\sigma\,\mathbb E\, f'(\sigma z)\bigr)^2,

    where :math:`\sigma^2` is the variance of the entries of :math:`WX` (Pennington & Worah 2017). Always
    :math:`0\le\zeta\le\eta` (Cauchy--Schwarz after Stein's lemma), with equality iff :math:`f` is affine. Exact formulas for
    ``linear`` (:math:`\eta=\zeta=\sigma^2`) and ``relu`` (:math:`\eta = \sigma^2(1/2 - 1/(2\pi))`, :math:`\zeta=\sigma^2/4`),
    200-point Gauss--Hermite quadrature for ``tanh`` (relative error below 1e-7 for sigma <= 2).

    Returns
    -------
    ActivationConstants
        ``(mean, eta, zeta)``.

    Examples
    --------
    >>> c = activation_constants("relu")  # mean 1/sqrt(2 pi), eta = 1/2 - 1/(2 pi), zeta = 1/4
    >>> round(float(c.mean), 6), round(float(c.eta), 6), round(float(c.zeta), 6)
    (0.398942, 0.340845, 0.25)
    """
    _check_activation(activation)
    sigma = check_real("sigma", sigma, lower=0.0, lower_open=True)
    if activation == "linear":
        return ActivationConstants(0.0, sigma**2, sigma**2)
    if activation == "relu":
        mean = sigma / np.sqrt(2.0 * np.pi)
        return ActivationConstants(mean, sigma**2 / 2.0 - mean**2, sigma**2 / 4.0)
    h = sigma * _GH_X
    return ActivationConstants(0.0, float(_GH_W @ np.tanh(h) ** 2), float((sigma * (_GH_W @ (1.0 - np.tanh(h) ** 2))) ** 2))


def _act(h, activation):
    if activation == "linear":
        return h
    if activation == "tanh":
        return np.tanh(h)
    return np.maximum(h, 0.0)


def random_features_gram_eigenvalues(n0, n1, m, activation, *, sigma=1.0, linearized=False, rng=None):
    r"""Eigenvalues of the Gram matrix :math:`M = \frac1m YY^\top` of random features.

    :math:`W\in\mathbb R^{n_1\times n_0}` has i.i.d. :math:`\mathcal N(0, \sigma^2/n_0)` entries and
    :math:`X\in\mathbb R^{n_0\times m}` i.i.d. :math:`\mathcal N(0,1)` entries; :math:`Y = \bar f(WX)` with the centred
    activation :math:`\bar f = f - \mathbb E f(\sigma z)`. With ``linearized=True`` the features are instead those of the
    matched linear model :math:`Y = \sqrt{\zeta}\,WX/\sigma + \sqrt{\eta-\zeta}\,Z`, :math:`Z` an independent standard Gaussian
    matrix, which has the same :math:`\eta` and :math:`\zeta`.

    Returns
    -------
    ndarray, shape (n1,)
        The eigenvalues of :math:`M`, ascending.

    Examples
    --------
    >>> ev = random_features_gram_eigenvalues(100, 50, 200, "relu", rng=0)
    >>> ev.shape, bool(np.all(np.diff(ev) >= 0))
    ((50,), True)
    """
    linearized = check_bool("linearized", linearized)
    n0 = check_int("n0", n0, minimum=1)
    n1 = check_int("n1", n1, minimum=1)
    m = check_int("m", m, minimum=1)
    consts = activation_constants(activation, sigma)
    rng = check_rng(rng)
    W = rng.standard_normal((n1, n0)) * (sigma / np.sqrt(n0))
    X = rng.standard_normal((n0, m))
    H = W @ X
    if linearized:
        Y = np.sqrt(consts.zeta) / sigma * H + np.sqrt(consts.eta - consts.zeta) * rng.standard_normal((n1, m))
    else:
        Y = _act(H, activation) - consts.mean
    return np.linalg.eigvalsh(Y @ Y.T / m)


def _check_params(eta, zeta, phi, psi):
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    zeta = check_real("zeta", zeta, lower=0.0)
    if zeta > eta:
        raise ValueError(f"`zeta` must not exceed `eta` (Cauchy--Schwarz), got zeta={zeta!r} > eta={eta!r}.")
    phi = check_real("phi", phi, lower=0.0, lower_open=True)
    psi = check_real("psi", psi, lower=0.0, lower_open=True)
    return eta, zeta, phi, psi


def _quartic_coefficients(t, eta, zeta, phi, psi):
    """Coefficients (highest degree first) in a = P - 1 of the Pennington--Worah quartic, for each t."""
    # u = t (1 + phi a)(1 + psi a); equation: a (1 - zeta u) - (eta - zeta) u (1 - zeta u) - zeta u = 0.
    t = np.asarray(t, dtype=complex)[..., None]
    u = t * np.array([1.0, phi + psi, phi * psi])  # ascending powers of a
    one_minus = -zeta * u
    one_minus[..., 0] += 1.0
    c = np.zeros(t.shape[:-1] + (5,), dtype=complex)
    c[..., 1:4] += one_minus  # a * (1 - zeta u)
    for i in range(3):  # - (eta - zeta) u (1 - zeta u)
        for j in range(3):
            c[..., i + j] -= (eta - zeta) * u[..., i] * one_minus[..., j]
    c[..., :3] -= zeta * u
    return c[..., ::-1]


def _roots(coeffs):
    """All roots of a batch of polynomials (highest degree first), leading coefficient possibly zero -> nan roots."""
    lead = coeffs[..., 0]
    safe = np.where(np.abs(lead) > 0, lead, 1.0)
    monic = coeffs[..., 1:] / safe[..., None]
    deg = monic.shape[-1]
    comp = np.zeros(coeffs.shape[:-1] + (deg, deg), dtype=complex)
    comp[..., 0, :] = -monic
    comp[..., np.arange(1, deg), np.arange(deg - 1)] = 1.0
    r = np.linalg.eigvals(comp)
    return np.where((np.abs(lead) > 0)[..., None], r, np.nan)


def random_features_stieltjes(z, eta, zeta, phi, psi):
    r"""Stieltjes transform :math:`G(z) = \int \rho(\lambda)\,d\lambda/(z-\lambda)` of the random-feature Gram spectrum.

    Pennington & Worah (2017): with :math:`\phi = n_0/m`, :math:`\psi = n_0/n_1`,

    .. math::
        G(z) = \frac{\psi}{z} P\Bigl(\frac{1}{z\psi}\Bigr) + \frac{1-\psi}{z}, \qquad
        P = 1 + (\eta-\zeta)\,t P_\phi P_\psi + \frac{\zeta\, t P_\phi P_\psi}{1 - \zeta\, t P_\phi P_\psi},

    :math:`P_\phi = 1 + (P-1)\phi`, :math:`P_\psi = 1 + (P-1)\psi`: a quartic in :math:`P`. Of its four roots the one
    taken is the one with :math:`\operatorname{Im} G < 0` closest to :math:`1/z` in the sense of the large-:math:`z`
    expansion, namely the root minimising :math:`|G(z) - G_{\rm ref}(z)|` where the reference is obtained by continuation
    from :math:`z = \operatorname{Re}z + 10i` down to the requested imaginary part. ``z`` must have positive imaginary part.

    Examples
    --------
    >>> c = activation_constants("relu")
    >>> z = 1000.0 + 1.0j  # far from the spectrum, G(z) ~ 1/z
    >>> round(float((z * random_features_stieltjes(z, c.eta, c.zeta, 0.5, 0.5)).real), 3)
    1.0
    """
    eta, zeta, phi, psi = _check_params(eta, zeta, phi, psi)
    try:
        if z is None or isinstance(z, (str, bytes)):
            raise TypeError
        z = np.asarray(z, dtype=complex)
    except (TypeError, ValueError):
        raise TypeError(f"`z` must be a complex number or array, got {z!r} of type {type(z).__name__}.") from None
    if not np.all(np.isfinite(z)) or np.any(np.abs(z) > MAX_ABS):
        raise ValueError(f"`z` must be finite and at most {MAX_ABS:g} in modulus.")
    if np.any(z.imag <= 0):
        raise ValueError("`z` must lie in the upper half plane (Im z > 0).")
    shape = z.shape
    z = z.ravel()
    # continuation in the imaginary part, geometric from 10 down to the target
    n_steps = 20
    ims = np.exp(np.linspace(np.log(10.0 + z.imag), np.log(z.imag), n_steps))  # (n_steps, n)
    g_prev = None
    for k in range(n_steps):
        zk = z.real + 1j * ims[k]
        coeffs = _quartic_coefficients(1.0 / (zk * psi), eta, zeta, phi, psi)
        if zeta == 0.0:  # the quartic degenerates: quadratic (Marchenko--Pastur)
            coeffs = coeffs[:, 2:]
        elif zeta == eta:  # cubic (linear activation)
            coeffs = coeffs[:, 1:]
        roots = _roots(coeffs)  # a = P - 1
        G = psi / zk[:, None] * (1.0 + roots) + (1.0 - psi) / zk[:, None]
        if g_prev is None:
            ref = 1.0 / zk + eta / zk**2  # large-|z| expansion
        else:
            ref = g_prev
        dist = np.abs(G - ref[:, None])
        dist = np.where(np.isfinite(dist), dist, np.inf)
        g_prev = G[np.arange(z.size), np.argmin(dist, axis=1)]
    return g_prev.reshape(shape)


def random_features_atom(eta, zeta, phi, psi):
    r"""Mass of the atom at 0: :math:`\max(0, 1 - \psi/\phi)` (rank :math:`\le m`), and for :math:`\zeta = \eta`
    (linear activation) also :math:`1-\psi` if larger (rank :math:`\le n_0`).

    Examples
    --------
    >>> c = activation_constants("relu")
    >>> random_features_atom(c.eta, c.zeta, 1.0, 0.5), random_features_atom(c.eta, c.zeta, 0.5, 1.0)
    (0.5, 0.0)
    """
    eta, zeta, phi, psi = _check_params(eta, zeta, phi, psi)
    atom = max(0.0, 1.0 - psi / phi)
    if zeta == eta:
        atom = max(atom, 1.0 - psi)
    return atom


def random_features_pdf(x, eta, zeta, phi, psi, *, eps=1e-9):
    r"""Density :math:`\rho(x) = -\frac1\pi\operatorname{Im}G(x + i\varepsilon)` of the absolutely continuous part of the
    limiting spectrum of :math:`\frac1m YY^\top` (see :func:`random_features_stieltjes`); the atom at 0, if any, is
    :func:`random_features_atom`. ``eps`` is the distance to the real axis (default 1e-9).

    Examples
    --------
    >>> c = activation_constants("relu")
    >>> rho = random_features_pdf([0.5, 1.0], c.eta, c.zeta, 0.5, 0.5)
    >>> rho.shape, bool(np.all(rho >= 0))
    ((2,), True)
    """
    x = check_array("x", x, ndim=None)
    eps = check_real("eps", eps, lower=0.0, lower_open=True)
    G = random_features_stieltjes(x + 1j * eps, eta, zeta, phi, psi)
    rho = np.maximum(-G.imag / np.pi, 0.0)
    return rho


def random_features_moments(eta, zeta, phi, psi):
    r"""First two moments of the limiting spectrum, from the expansion of :math:`P` in powers of :math:`t`:
    :math:`m_1 = \eta` and :math:`m_2 = \eta^2(1 + \phi/\psi) + \zeta^2/\psi`.

    Examples
    --------
    >>> c = activation_constants("relu")
    >>> m1, m2 = random_features_moments(c.eta, c.zeta, 0.5, 0.5)
    >>> round(float(m1), 6) == round(float(c.eta), 6)  # the mean eigenvalue is eta
    True
    """
    eta, zeta, phi, psi = _check_params(eta, zeta, phi, psi)
    return eta, eta**2 * (1.0 + phi / psi) + zeta**2 / psi


def random_features_cdf(x, eta, zeta, phi, psi, *, n_grid=4001):
    r"""Distribution function of the limiting spectrum (atom at 0 included), by trapezoidal integration of
    :func:`random_features_pdf` on a grid of ``n_grid`` points between 0 and the upper edge of the support, located from the
    spectrum's second moment and refined on the grid. Vectorised in ``x``.

    Examples
    --------
    >>> c = activation_constants("relu")
    >>> random_features_cdf([0.0, 100.0], c.eta, c.zeta, 0.5, 0.5).round(6).tolist()
    [0.0, 1.0]
    """
    x = check_array("x", x, ndim=None)
    n_grid = check_int("n_grid", n_grid, minimum=11)
    eta, zeta, phi, psi = _check_params(eta, zeta, phi, psi)
    _, m2 = random_features_moments(eta, zeta, phi, psi)
    top = 4.0 * np.sqrt(m2) * (1.0 + np.sqrt(phi / psi)) + 4.0 * eta  # safely above the support
    # grid denser near 0, where the density may diverge like x^(-1/2)
    s = np.linspace(0.0, 1.0, n_grid)
    grid = top * s**2
    rho = random_features_pdf(grid[1:], eta, zeta, phi, psi)
    rho = np.concatenate([[0.0], rho])
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (rho[1:] + rho[:-1]) * np.diff(grid))])
    atom = random_features_atom(eta, zeta, phi, psi)
    mass = cum[-1]
    cum = cum / mass * (1.0 - atom)  # remove the quadrature error of the total mass
    F = atom + np.interp(x, grid, cum)
    return np.where(x < 0, 0.0, F)
