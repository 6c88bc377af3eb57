r"""Gradient flow of the p = 2 spherical model, solved exactly through the semicircle law."""

from __future__ import annotations

import numpy as np
from scipy.special import ive

from ..._validation import check_array, check_int, check_rng

__all__ = ["spherical_p2_energy", "spherical_p2_gradient_flow"]


def spherical_p2_energy(t):
    r"""Large-N energy per spin of gradient flow in the p = 2 spherical model from a random start.

    For :math:`H(S) = -\tfrac12 S^\top JS` on the sphere :math:`\lVert S\rVert^2 = N`, :math:`J` a GOE
    matrix with semicircle spectrum on :math:`[-2, 2]`, the flow :math:`\dot S = JS - \mu(t)S`, with the Lagrange multiplier
    :math:`\mu(t) = S^\top JS/N` that keeps :math:`S` on the sphere, gives :math:`S(t)\propto e^{tJ}S(0)`, hence

    .. math:: e(t) = -\frac12\,\frac{\int\lambda\,e^{2\lambda t}\rho_{\mathrm{sc}}(\lambda)\,d\lambda}
                                 {\int e^{2\lambda t}\rho_{\mathrm{sc}}(\lambda)\,d\lambda}
                   = -\frac{I_1'(4t)}{I_1(4t)} + \frac{1}{4t} = -\frac{I_2(4t)}{I_1(4t)},

    using :math:`\int e^{s\lambda}\rho_{\mathrm{sc}}(\lambda)\,d\lambda = I_1(2s)/s` with :math:`s = 2t`, its logarithmic
    derivative and :math:`I_1'(x) = I_2(x) + I_1(x)/x` (modified Bessel functions); :math:`e(0) = 0`,
    :math:`e(\infty) = -\lambda_{\max}/2 = -1` and :math:`e(t) + 1 \sim 3/(8t)`.

    Parameters
    ----------
    t : array_like
        Non-negative times.

    Returns
    -------
    ndarray

    References
    ----------
    Cugliandolo & Dean (1995), J. Phys. A 28, 4213 (the p = 2 spherical model solved through the semicircle law);
    Sarao Mannelli et al. (2020), Phys. Rev. X 10, 011057, arXiv:1812.09066.

    Examples
    --------
    >>> float(spherical_p2_energy(0.0)), round(float(spherical_p2_energy(1e4)), 3)
    (0.0, -1.0)
    """
    t = check_array("t", t, ndim=(0, 1), max_abs=None)  # any finite t: e(t) -> -1
    if np.any(t < 0):
        raise ValueError("`t` must be non-negative.")
    x = 4.0 * t
    out = np.zeros_like(x)
    # I_2(x)/I_1(x) = (x/4)(1 - x^2/24 + O(x^4)): the series below 1e-8 (where ive(1, x) underflows first)
    small = (x > 0) & (x < 1e-8)
    out[small] = -x[small] / 4.0
    mid = (x >= 1e-8) & (x <= 1e6)
    out[mid] = -ive(2, x[mid]) / ive(1, x[mid])
    # For x > 1e6 (where scipy's ive returns NaN from 1e10 on) the Hankel expansion
    # I_nu(x) ~ e^x / sqrt(2 pi x) (1 - (4nu^2 - 1)/(8x) + (4nu^2 - 1)(4nu^2 - 9)/(2 (8x)^2)), to O(x^-3) < 1e-18:
    big = x > 1e6
    u = 1.0 / (8.0 * x[big])
    out[big] = -(1.0 - 15.0 * u + 52.5 * u * u) / (1.0 - 3.0 * u - 7.5 * u * u)
    return out if out.ndim else out[()]


def spherical_p2_gradient_flow(N, t, rng=None):
    r"""Exact finite-N gradient flow of the p = 2 spherical model: energy per spin at the times ``t``.

    Draws a GOE matrix :math:`J` (off-diagonal variance :math:`1/N`, diagonal :math:`2/N`) and a uniform start on the
    sphere of radius :math:`\sqrt N`, and evaluates :math:`e(t) = -\tfrac12 S(t)^\top JS(t)/N` with
    :math:`S(t) = \sqrt N\,e^{tJ}S(0)/\lVert e^{tJ}S(0)\rVert` by diagonalising :math:`J`
    (no time stepping).

    Parameters
    ----------
    N : int
        Number of spins (>= 2).
    t : array_like, shape (n_t,)
        Non-negative times.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ndarray, shape (n_t,)

    Examples
    --------
    >>> e = spherical_p2_gradient_flow(200, [0.0, 50.0], rng=0)
    >>> bool(-1.1 < e[1] < -0.9)
    True
    """
    N = check_int("N", N, minimum=2)
    t = check_array("t", t, ndim=1)
    if np.any(t < 0):
        raise ValueError("`t` must be non-negative.")
    rng = check_rng(rng)
    A = rng.standard_normal((N, N))
    J = (A + A.T) / np.sqrt(2.0 * N)
    lam, V = np.linalg.eigh(J)
    s0 = rng.standard_normal(N)
    c2 = (V.T @ s0) ** 2
    # weights c_k^2 exp(2 lambda_k t), stabilised by the top eigenvalue
    w = c2[None, :] * np.exp(2.0 * (lam[None, :] - lam[-1]) * t[:, None])
    return -0.5 * (w @ lam) / w.sum(axis=1)
