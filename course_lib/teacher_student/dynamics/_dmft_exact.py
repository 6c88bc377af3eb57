"""Exact gradient flow of the pure spiked matrix model (the p = 2 limit, Delta_p = infinity).

For ``H(x) = -(1/(Delta_2 sqrt N)) sum_{i<j} Y_ij x_i x_j`` the flow on the sphere is linear up to the
normalisation: ``x(t) = exp(tJ) x(0) / ||.||``, ``J = (u u^T + sqrt(Delta_2) W) / Delta_2`` with ``W`` a Wigner
matrix (semicircle on [-2, 2]) and ``u = x*/sqrt(N)``. As ``N -> infinity`` every observable is an integral
against the semicircle of radius ``2 s``, ``s = 1/sqrt(Delta_2)``, or against the spectral measure of ``J`` at
``u`` (Stieltjes transform ``g / (1 - g / Delta_2)``: a BBP outlier at ``s (theta + 1/theta)``,
``theta = 1/sqrt(Delta_2)``, of weight ``1 - 1/theta^2`` when ``theta > 1``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial.legendre import leggauss

from ..._validation import check_array, check_int, check_real

__all__ = ["SpikedMatrixFlow", "spiked_matrix_flow_exact"]


@dataclass(frozen=True)
class SpikedMatrixFlow:
    """Exact large-N gradient flow of the spiked matrix model on the times ``t``.

    Attributes
    ----------
    t : ndarray
        Times.
    Cbar : ndarray
        Overlap with the signal.
    C : ndarray, shape (len(t), len(t))
        Two-time correlation ``C(t_i, t_j)``.
    R : ndarray, shape (len(t), len(t))
        Response ``R(t_i, t_j)`` for ``t_j <= t_i`` (zero above the diagonal).
    mu : ndarray
        Lagrange multiplier.

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import spiked_matrix_flow_exact
    >>> res = spiked_matrix_flow_exact(0.5, 0.2, [0.0, 1.0])
    >>> type(res).__name__, res.Cbar.shape
    ('SpikedMatrixFlow', (2,))
    """

    t: np.ndarray
    Cbar: np.ndarray
    C: np.ndarray
    R: np.ndarray
    mu: np.ndarray


def spiked_matrix_flow_exact(delta2, cbar0, t, *, n_quad=400):
    r"""Exact :math:`N\to\infty` gradient flow of the spiked matrix model through the semicircle law.

    With :math:`E(\tau) = \int e^{\tau\lambda}\rho_s(\lambda)d\lambda` (semicircle of radius :math:`2s`,
    :math:`s = \Delta_2^{-1/2}`), :math:`\hat\nu(\tau) = \int e^{\tau\lambda}\nu(d\lambda)` (spectral measure of
    :math:`J` at the signal) and :math:`n(t) = \bar C_0^2\hat\nu(2t) + (1-\bar C_0^2)E(2t)`,

    .. math::

        \bar C(t) = \frac{\bar C_0\hat\nu(t)}{\sqrt{n(t)}},\quad
        C(t,t') = \frac{\bar C_0^2\hat\nu(t+t') + (1-\bar C_0^2)E(t+t')}{\sqrt{n(t)n(t')}},\quad
        R(t,t') = E(t-t')\sqrt{\frac{n(t')}{n(t)}},\quad \mu(t) = \frac{n'(t)}{2n(t)}.

    The integrals use Gauss--Legendre quadrature in :math:`\lambda = 2s\cos\varphi` (exact up to rounding for
    smooth integrands).

    Parameters
    ----------
    delta2 : float
        Matrix noise variance, positive.
    cbar0 : float
        Initial overlap in ``[0, 1)``.
    t : array_like
        Non-negative times, at most 2000 of them.
    n_quad : int, optional
        Number of quadrature nodes.

    Returns
    -------
    SpikedMatrixFlow

    References
    ----------
    S. Sarao Mannelli, F. Krzakala, P. Urbani, L. Zdeborová, ICML 2019, arXiv:1902.00139;
    J. Baik, G. Ben Arous, S. Péché, Ann. Probab. 33, 1643 (2005) (outlier).

    Examples
    --------
    >>> sol = spiked_matrix_flow_exact(0.5, 0.2, [0.0, 50.0])
    >>> [round(float(c), 4) for c in sol.Cbar]  # -> sqrt(1 - Delta_2)
    [0.2, 0.7071]
    """
    delta2 = check_real("delta2", delta2, lower=0.0, lower_open=True)
    cbar0 = check_real("cbar0", cbar0, lower=0.0, upper=1.0, upper_open=True)
    t = check_array("t", t, ndim=1, min_len=1)
    n_quad = check_int("n_quad", n_quad, minimum=2, maximum=100_000)
    if np.any(t < 0) or t.size > 2000:
        raise ValueError("`t` must hold at most 2000 non-negative times.")
    s = 1.0 / np.sqrt(delta2)
    a = 1.0 / delta2
    theta = a / s
    x, w = leggauss(n_quad)
    phi = 0.5 * np.pi * (x + 1.0)
    w = 0.5 * np.pi * w
    lam = 2.0 * s * np.cos(phi)
    r = 2.0 * s * np.sin(phi)
    g = (lam - 1j * r) / (2.0 * s * s)
    rho = r / (2.0 * np.pi * s * s)
    rho_nu = -np.imag(g / (1.0 - a * g)) / np.pi
    wj = w * r  # d lambda = 2 s sin(phi) d phi
    lam_max = max(2.0 * s, s * (theta + 1.0 / theta))

    # everything is scaled by exp(-tau * lam_max) to avoid overflow; the scale cancels in ratios
    def E(tau):
        return (np.exp(np.multiply.outer(tau, lam - lam_max)) * (wj * rho)).sum(-1)

    def nu(tau):
        out = (np.exp(np.multiply.outer(tau, lam - lam_max)) * (wj * rho_nu)).sum(-1)
        if theta > 1.0:
            out = out + (1.0 - 1.0 / theta**2) * np.exp(tau * (s * (theta + 1.0 / theta) - lam_max))
        return out

    n2 = cbar0**2 * nu(2.0 * t) + (1.0 - cbar0**2) * E(2.0 * t)
    cbar = cbar0 * nu(t) / np.sqrt(n2)
    tt = np.add.outer(t, t)
    C = (cbar0**2 * nu(tt) + (1.0 - cbar0**2) * E(tt)) / np.sqrt(np.outer(n2, n2))
    dtt = np.subtract.outer(t, t)
    R = np.where(dtt >= 0, E(np.maximum(dtt, 0.0)) * np.sqrt(np.divide.outer(n2, n2).T), 0.0)
    # mu = (1/2) d/dt log n(t): differentiate under the integral
    lam_nu = (np.exp(np.multiply.outer(2 * t, lam - lam_max)) * (wj * rho_nu * lam)).sum(-1)
    lam_e = (np.exp(np.multiply.outer(2 * t, lam - lam_max)) * (wj * rho * lam)).sum(-1)
    if theta > 1.0:
        out = s * (theta + 1.0 / theta)
        lam_nu = lam_nu + (1.0 - 1.0 / theta**2) * out * np.exp(2 * t * (out - lam_max))
    mu = (cbar0**2 * lam_nu + (1.0 - cbar0**2) * lam_e) / n2
    return SpikedMatrixFlow(t=t, Cbar=cbar, C=C, R=R, mu=mu)
