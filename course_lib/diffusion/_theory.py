"""Speciation and collapse times of the backward diffusion (Biroli, Bonnaire, de Bortoli, Mezard 2024)."""

from __future__ import annotations

import numpy as np
from scipy import integrate, optimize, special

from .._validation import check_array, check_int, check_real
from ._score import _check_mixture

__all__ = [
    "mixture_covariance",
    "speciation_time",
    "speciation_cloning_probability",
    "speciation_scaling_function",
    "speciation_crossover_time",
    "mixture_entropy_excess",
    "collapse_time",
]

_GH_Z, _GH_W = special.roots_hermitenorm(121)
_GH_W = _GH_W / np.sqrt(2.0 * np.pi)


def mixture_covariance(means, cov=1.0, weights=None):
    r"""Covariance :math:`C + \sum_k w_k\mu_k\mu_k^\top - \bar\mu\bar\mu^\top` of the mixture :math:`\sum_k w_k\mathcal N(\mu_k, C)`.

    Examples
    --------
    >>> mixture_covariance([[2.0, 0.0], [-2.0, 0.0]]).tolist()
    [[5.0, 0.0], [0.0, 1.0]]
    """
    means, cov, w = _check_mixture(means, cov, weights)
    d = means.shape[1]
    mbar = w @ means
    c = (means * w[:, None]).T @ means - np.outer(mbar, mbar)
    return c + (cov * np.eye(d) if np.ndim(cov) == 0 else cov)


def speciation_time(cov):
    r"""Speciation time :math:`t_S = \tfrac12\log\Lambda`, :math:`\Lambda` the largest eigenvalue of the data covariance.

    Along the top principal direction the variance of :math:`x_t` is :math:`\Lambda e^{-2t} + 1 - e^{-2t}`; the signal
    part :math:`\Lambda e^{-2t}` falls to the level of the added noise, of order one, at :math:`t_S`. A value
    :math:`t_S \le 0` (:math:`\Lambda \le 1`) means that no direction of the data stands above the noise.

    Parameters
    ----------
    cov : array_like, shape (d, d)
        Symmetric positive semidefinite data covariance (see :func:`mixture_covariance`).

    References
    ----------
    .. [1] G. Biroli, T. Bonnaire, V. de Bortoli, M. Mezard, "Dynamical regimes of diffusion models",
       Nat. Commun. 15, 9957 (2024), arXiv:2402.18491, the speciation time t_S = (1/2) log Lambda.

    Examples
    --------
    >>> round(speciation_time(np.diag([1.0, 101.0])), 6)
    2.30756
    """
    c = check_array("cov", cov, ndim=2)
    if c.shape[0] != c.shape[1]:
        raise ValueError(f"`cov` must be a square matrix, got shape {c.shape}.")
    if not np.allclose(c, c.T, rtol=0, atol=1e-12 * max(1.0, np.abs(c).max())):
        raise ValueError(f"`cov` must be a symmetric matrix, got max |cov - cov.T| = {np.abs(c - c.T).max():.3g}.")
    lam = np.linalg.eigvalsh(c)[-1]
    if lam <= 0:
        raise ValueError(f"`cov` must have a positive largest eigenvalue, got {lam:.3g}.")
    return float(0.5 * np.log(lam))


def _check_t(t):
    arr = check_array("t", t)
    if np.any(arr < 0):
        raise ValueError(f"`t` must be >= 0, got minimum {arr.min():.3g}.")
    return arr


def _same_class_exact(t, m):
    """pi_S(t) for classes +-mu, |mu| = m, unit covariance, label = sign <x_0, mu>."""
    if t == 0.0:
        return 1.0
    e = np.exp(-t)
    s2 = -np.expm1(-2.0 * t)
    s = np.sqrt(s2)

    def integrand(z):
        y = m * e + z  # the projection of x_t, drawn from the + component (the other one by symmetry)
        pp = 0.5 * (1.0 + np.tanh(m * e * y))
        q = pp * special.ndtr((m * s2 + e * y) / s) + (1.0 - pp) * special.ndtr((-m * s2 + e * y) / s)
        return (q * q + (1.0 - q) ** 2) * np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)

    flip = -m * e  # where tanh changes sign
    val, _ = integrate.quad(integrand, -12.0 + min(flip, 0.0), 12.0, points=[flip], limit=200, epsabs=1e-12, epsrel=1e-10)
    return val


def speciation_cloning_probability(t, mu_norm):
    r"""Exact probability :math:`\pi_S(t)` that two trajectories cloned at time :math:`t` end in the same class.

    Data :math:`\tfrac12\mathcal N(\mu, I_d) + \tfrac12\mathcal N(-\mu, I_d)`, exact score, the class of an endpoint
    :math:`x_0` being :math:`\operatorname{sign}\langle x_0, \mu\rangle`. Only the projection
    :math:`y = \langle x, \mu\rangle/\lVert\mu\rVert` matters; with :math:`M = \lVert\mu\rVert`,
    :math:`\sigma_t^2 = 1 - e^{-2t}` and :math:`p_\pm(y) = \tfrac12(1 \pm \tanh(Me^{-t}y))`,

    .. math:: q(y) = \sum_\pm p_\pm(y)\,\Phi\Bigl(\frac{\pm M\sigma_t^2 + e^{-t}y}{\sigma_t}\Bigr),\qquad
              \pi_S(t) = \mathbb E_{y\sim P_t}\bigl[q(y)^2 + (1 - q(y))^2\bigr],

    a one-dimensional integral computed by adaptive quadrature. It does not depend on the dimension :math:`d`.

    Parameters
    ----------
    t : float or array_like
        Cloning times, >= 0.
    mu_norm : float
        :math:`\lVert\mu\rVert > 0`.

    References
    ----------
    .. [1] G. Biroli, T. Bonnaire, V. de Bortoli, M. Mezard, Nat. Commun. 15, 9957 (2024), arXiv:2402.18491.

    Examples
    --------
    >>> round(speciation_cloning_probability(0.0, 3.0), 6), round(speciation_cloning_probability(20.0, 3.0), 6)
    (1.0, 0.5)
    """
    arr = _check_t(t)
    m = check_real("mu_norm", mu_norm, lower=0.0, lower_open=True)
    out = np.array([_same_class_exact(float(ti), m) for ti in arr.ravel()]).reshape(arr.shape)
    return float(out) if out.ndim == 0 else out


def speciation_scaling_function(tau):
    r"""Limit of :math:`\pi_S(t_S + \tau)` as :math:`\Lambda\to\infty`: :math:`\tfrac12\bigl(1 + \mathbb E_z\tanh^2(u + \sqrt u\,z)\bigr)`, :math:`u = e^{-2\tau}`.

    Gauss--Hermite quadrature (121 nodes). This is the collapse of the cloning curves of all separations and
    dimensions onto one curve of :math:`t - t_S`.

    Examples
    --------
    >>> round(speciation_scaling_function(10.0), 6)
    0.5
    """
    arr = check_array("tau", tau)
    u = np.exp(-2.0 * arr)[..., None]
    val = 0.5 * (1.0 + np.tanh(u + np.sqrt(u) * _GH_Z) ** 2 @ _GH_W)
    return float(val) if val.ndim == 0 else val


def speciation_crossover_time(mu_norm=None, level=0.75):
    r"""Time at which the cloning probability crosses ``level`` (in ``(1/2, 1)``).

    With ``mu_norm`` the exact :math:`\pi_S` of :func:`speciation_cloning_probability` is used and the crossing time
    :math:`t_\times` is returned; with ``mu_norm=None`` the crossing :math:`\tau_\times` of the scaling function
    (:math:`t_\times - t_S` in the limit :math:`\Lambda\to\infty`) is returned.

    Examples
    --------
    >>> round(speciation_crossover_time(), 4)
    0.0808
    """
    level = check_real("level", level, lower=0.5, upper=1.0, lower_open=True, upper_open=True)
    if mu_norm is None:
        return float(optimize.brentq(lambda s: speciation_scaling_function(s) - level, -10.0, 20.0, xtol=1e-13))
    m = check_real("mu_norm", mu_norm, lower=0.0, lower_open=True)
    hi = max(1.0, np.log(m) + 20.0)
    return float(optimize.brentq(lambda s: _same_class_exact(s, m) - level, 1e-12, hi, xtol=1e-12))


def mixture_entropy_excess(a):
    r"""Entropy of :math:`\tfrac12\mathcal N(a,1) + \tfrac12\mathcal N(-a,1)` minus that of :math:`\mathcal N(0,1)`:
    :math:`a^2 - \mathbb E_z\log\cosh(a^2 + az)`, between 0 (:math:`a = 0`) and :math:`\log 2` (:math:`a\to\infty`).

    With :math:`p(y) = \phi(y)e^{-a^2/2}\cosh(ay)` and :math:`\mathbb E y^2 = 1 + a^2`,
    :math:`-\mathbb E\log p = \tfrac12\log(2\pi e) + a^2 - \mathbb E\log\cosh(ay)`, :math:`y = a + z`.
    Gauss--Hermite quadrature with 121 nodes: absolute error below :math:`3\times10^{-8}` (largest for :math:`a` of
    order 2, where :math:`\log\cosh` bends within a window of width :math:`1/a`).

    Parameters
    ----------
    a : float or array_like
        Half-distance :math:`a = \lVert\mu\rVert e^{-t}` between the two diffused means.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> round(mixture_entropy_excess(0.0), 12), round(mixture_entropy_excess(30.0), 6)
    (0.0, 0.693147)
    """
    arr = check_array("a", a, max_abs=None)  # any finite a: the excess -> log 2
    # The excess is even in a and equals log 2 to double precision from |a| ~ 10 on; clipping |a| keeps a^2 finite.
    a_c = np.minimum(np.abs(arr), 1e3)[..., None]
    x = a_c**2 + a_c * _GH_Z
    # With log cosh x = |x| - log 2 + log1p(exp(-2|x|)) and |x| = x + 2 max(-x, 0), and E z = 0 under the
    # symmetric quadrature: a^2 - E log cosh x = log 2 - E[2 max(-x, 0) + log1p(exp(-2|x|))], a form without
    # the cancellation a^2 - E|x| that returned 0 instead of log 2 at a = 1e10.
    val = np.log(2.0) - (2.0 * np.maximum(-x, 0.0) + np.log1p(np.exp(-2.0 * np.abs(x)))) @ _GH_W
    return float(val) if val.ndim == 0 else val


def collapse_time(n, d, mu_norm=0.0):
    r"""Collapse (memorisation) time :math:`t_C` of the backward dynamics driven by the empirical score of ``n`` points.

    The empirical distribution diffused to time :math:`t` is a sum of ``n`` Gaussians of variance
    :math:`\sigma_t^2 = 1 - e^{-2t}`. The term of the training point a trajectory came from dominates the sum (the
    trajectory has "collapsed", a condensation as in the random energy model) when

    .. math:: \log n < d\,s(t) - \tfrac d2\log\bigl(2\pi e\,\sigma_t^2\bigr),

    with :math:`s(t)` the entropy per dimension of the true :math:`P_t`; :math:`t_C` is the time of equality.
    For data :math:`\tfrac12\mathcal N(\pm\mu, I_d)` the right side is
    :math:`-\tfrac d2\log\sigma_t^2 + \delta h(\lVert\mu\rVert e^{-t})` (:func:`mixture_entropy_excess`); for
    ``mu_norm = 0`` (data :math:`\mathcal N(0, I_d)`) it gives the closed form
    :math:`t_C = \tfrac12\log\bigl(1 + 1/(n^{2/d} - 1)\bigr)`.

    Parameters
    ----------
    n : int
        Number of training points, >= 2.
    d : int
        Dimension, >= 1.
    mu_norm : float
        :math:`\lVert\mu\rVert \ge 0`.

    References
    ----------
    .. [1] G. Biroli, T. Bonnaire, V. de Bortoli, M. Mezard, Nat. Commun. 15, 9957 (2024), arXiv:2402.18491,
       the collapse criterion through the excess entropy and its Gaussian case.

    Examples
    --------
    >>> bool(abs(collapse_time(1000, 64) - 0.5 * np.log(1 + 1 / (1000 ** (2 / 64) - 1))) < 1e-12)
    True
    """
    n = check_int("n", n, minimum=2)
    d = check_int("d", d, minimum=1)
    m = check_real("mu_norm", mu_norm, lower=0.0)

    def excess(t):
        return -0.5 * d * np.log(-np.expm1(-2.0 * t)) + (mixture_entropy_excess(m * np.exp(-t)) if m > 0 else 0.0) - np.log(n)

    hi = 1.0
    while excess(hi) > 0:
        hi *= 2.0
    return float(optimize.brentq(excess, 1e-14, hi, xtol=1e-13))
