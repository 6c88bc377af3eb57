"""Exact scores of Gaussian mixtures under the Ornstein--Uhlenbeck noising process."""

from __future__ import annotations

import numpy as np
from scipy import integrate, special

from .._validation import check_array, check_int, check_real, check_rng

__all__ = [
    "ou_noise_variance",
    "forward_diffusion",
    "gaussian_mixture_sample",
    "gaussian_mixture_posterior",
    "gaussian_mixture_score",
    "empirical_score",
    "gaussian_mixture_denoiser",
    "gaussian_mixture_cdf",
    "gaussian_mixture_fisher_information",
]


def ou_noise_variance(t):
    r"""Variance :math:`\sigma_t^2 = 1 - e^{-2t}` of the noise added by the forward process up to time ``t``.

    The forward process is :math:`dx = -x\,dt + \sqrt2\,dW`, whose solution is
    :math:`x_t = e^{-t}x_0 + \sigma_t z` with :math:`z\sim\mathcal N(0, I_d)`.

    Examples
    --------
    >>> round(ou_noise_variance(0.5), 6)
    0.632121
    """
    t = check_real("t", t, lower=0.0)
    return float(-np.expm1(-2.0 * t))


def forward_diffusion(x0, t, rng=None):
    r"""Sample :math:`x_t = e^{-t}x_0 + \sqrt{1 - e^{-2t}}\,z` exactly (the Ornstein--Uhlenbeck transition).

    Parameters
    ----------
    x0 : array_like, shape (d,) or (N, d)
    t : float
        Diffusion time, >= 0.
    rng : seed or numpy.random.Generator, optional

    Examples
    --------
    >>> forward_diffusion(np.ones(3), 0.0, rng=0).tolist()
    [1.0, 1.0, 1.0]
    """
    x0 = check_array("x0", x0, ndim=(1, 2))
    t = check_real("t", t, lower=0.0)
    rng = check_rng(rng)
    return np.exp(-t) * x0 + np.sqrt(-np.expm1(-2.0 * t)) * rng.standard_normal(x0.shape)


def _check_mixture(means, cov, weights, *, allow_zero_cov=True):
    means = check_array("means", means, ndim=2, min_len=1)
    k, d = means.shape
    cov_arr = check_array("cov", cov, ndim=(0, 2))
    if cov_arr.ndim == 0:
        c = float(cov_arr)
        if c < 0 or (c == 0 and not allow_zero_cov):
            raise ValueError(f"`cov` must be a variance >= 0 (or a covariance matrix), got {c}.")
        cov_out = c
    else:
        if cov_arr.shape != (d, d):
            raise ValueError(f"`cov` must be a scalar or a ({d}, {d}) matrix matching `means`, got shape {cov_arr.shape}.")
        if not np.allclose(cov_arr, cov_arr.T, rtol=0, atol=1e-12 * max(1.0, np.abs(cov_arr).max())):
            raise ValueError("`cov` must be a symmetric matrix.")
        evals = np.linalg.eigvalsh(cov_arr)
        if evals[0] < -1e-12 * max(1.0, evals[-1]):
            raise ValueError(f"`cov` must be positive semidefinite, got smallest eigenvalue {evals[0]:.3g}.")
        cov_out = cov_arr
    if weights is None:
        w = np.full(k, 1.0 / k)
    else:
        w = check_array("weights", weights, ndim=1)
        if w.shape[0] != k:
            raise ValueError(f"`weights` must have one entry per mean ({k}), got {w.shape[0]}.")
        if np.any(w <= 0) or abs(w.sum() - 1.0) > 1e-10:
            raise ValueError("`weights` must be positive and sum to 1.")
    return means, cov_out, w


def _check_points(x, d):
    x = check_array("x", x, ndim=(1, 2))
    if x.shape[-1] != d:
        raise ValueError(f"`x` must have last dimension d = {d} (that of `means`), got shape {x.shape}.")
    return x


def _posterior_and_precision(x2, t, means, cov, w):
    """Responsibilities (N, K) and the time-t covariance data for points x2 (N, d)."""
    e = np.exp(-t)
    s2 = -np.expm1(-2.0 * t)
    mt = e * means
    if np.ndim(cov) == 0:
        ct = cov * e * e + s2
        if ct <= 0:
            raise ValueError("the score is undefined at t = 0 when `cov` = 0 (a sum of Dirac masses): use t > 0.")
        logits = (x2 @ mt.T - 0.5 * np.sum(mt * mt, axis=1)) / ct + np.log(w)
        prec = 1.0 / ct
    else:
        ct = cov * e * e + s2 * np.eye(means.shape[1])
        prec = np.linalg.inv(ct)
        pm = mt @ prec  # (K, d)
        logits = x2 @ pm.T - 0.5 * np.sum(pm * mt, axis=1) + np.log(w)
    logits -= logits.max(axis=1, keepdims=True)
    post = np.exp(logits)
    post /= post.sum(axis=1, keepdims=True)
    return post, mt, prec


def gaussian_mixture_posterior(x, t, means, cov=1.0, weights=None):
    r"""Posterior probabilities :math:`\mathbb P(k \mid x_t = x)` of the components of a diffused Gaussian mixture.

    For data :math:`x_0 \sim \sum_k w_k\,\mathcal N(\mu_k, C)` the law of :math:`x_t` is
    :math:`P_t = \sum_k w_k\,\mathcal N(e^{-t}\mu_k, C_t)` with :math:`C_t = e^{-2t}C + \sigma_t^2 I_d`, and

    .. math:: \mathbb P(k\mid x) = \frac{w_k\,\mathcal N(x; e^{-t}\mu_k, C_t)}{\sum_l w_l\,\mathcal N(x; e^{-t}\mu_l, C_t)}.

    Parameters
    ----------
    x : array_like, shape (d,) or (N, d)
    t : float
        >= 0 (> 0 when ``cov`` is 0).
    means : array_like, shape (K, d)
    cov : float or array_like, shape (d, d)
        Common covariance :math:`C` of the components: a variance (:math:`C = c I_d`, ``c >= 0``) or a PSD matrix.
    weights : array_like, shape (K,), optional
        Positive, summing to one; uniform by default.

    Returns
    -------
    ndarray, shape (K,) or (N, K)

    Examples
    --------
    >>> gaussian_mixture_posterior([0.0, 0.0], 1.0, [[1.0, 0.0], [-1.0, 0.0]]).tolist()
    [0.5, 0.5]
    """
    t = check_real("t", t, lower=0.0)
    means, cov, w = _check_mixture(means, cov, weights)
    x = _check_points(x, means.shape[1])
    post, _, _ = _posterior_and_precision(np.atleast_2d(x), t, means, cov, w)
    return post[0] if x.ndim == 1 else post


def gaussian_mixture_score(x, t, means, cov=1.0, weights=None):
    r"""Exact score :math:`\nabla_x \log P_t(x)` of a Gaussian mixture diffused by the Ornstein--Uhlenbeck process.

    With the notation of :func:`gaussian_mixture_posterior`,

    .. math:: \nabla\log P_t(x) = \sum_k \mathbb P(k\mid x)\, C_t^{-1}\bigl(e^{-t}\mu_k - x\bigr).

    For two classes :math:`\pm\mu` with :math:`C = I_d` this is :math:`-x + \mu_t\tanh(\langle \mu_t, x\rangle)`,
    :math:`\mu_t = e^{-t}\mu`. With ``cov = 0`` and the training points as ``means`` it is the empirical score.

    Parameters
    ----------
    x, t, means, cov, weights
        As in :func:`gaussian_mixture_posterior`.

    Returns
    -------
    ndarray, the shape of ``x``

    References
    ----------
    .. [1] G. Biroli, T. Bonnaire, V. de Bortoli, M. Mezard, "Dynamical regimes of diffusion models",
       Nat. Commun. 15, 9957 (2024), arXiv:2402.18491, Sec. "Gaussian mixtures".

    Examples
    --------
    >>> gaussian_mixture_score([[0.5, 1.0]], 0.0, [[0.0, 0.0]], cov=2.0).tolist()
    [[-0.25, -0.5]]
    """
    t = check_real("t", t, lower=0.0)
    means, cov, w = _check_mixture(means, cov, weights)
    x = _check_points(x, means.shape[1])
    x2 = np.atleast_2d(x)
    post, mt, prec = _posterior_and_precision(x2, t, means, cov, w)
    diff = post @ mt - x2
    out = diff * prec if np.ndim(prec) == 0 else diff @ prec
    return out[0] if x.ndim == 1 else out


def empirical_score(x, t, data):
    r"""Score of the empirical distribution of the training points diffused to time ``t`` (``t > 0``).

    .. math:: \nabla\log P^{\mathrm e}_t(x) = \frac{1}{\sigma_t^2}\Bigl(\sum_{i=1}^n \frac{e^{-\lVert x - e^{-t}a_i\rVert^2/2\sigma_t^2}}
       {\sum_j e^{-\lVert x - e^{-t}a_j\rVert^2/2\sigma_t^2}}\,e^{-t}a_i - x\Bigr)

    It is the score that a network trained to zero loss on :math:`a_1,\dots,a_n` would learn, and the one that makes
    the backward dynamics collapse on the training set.

    Examples
    --------
    >>> bool(np.allclose(empirical_score([[1.0]], 1.0, [[1.0]]), gaussian_mixture_score([[1.0]], 1.0, [[1.0]], cov=0.0)))
    True
    """
    t = check_real("t", t, lower=0.0, lower_open=True)
    data = check_array("data", data, ndim=2, min_len=1)
    if data.shape[1] == 0:
        raise ValueError(f"`data` must have at least one column (coordinate), got shape {data.shape}.")
    x_arr = check_array("x", x, ndim=(1, 2))
    if x_arr.shape[-1] != data.shape[1]:
        raise ValueError(
            f"`x` must have {data.shape[1]} coordinates (the number of columns of `data`), got shape {x_arr.shape}."
        )
    return gaussian_mixture_score(x, t, data, cov=0.0)


def gaussian_mixture_sample(n, means, cov=1.0, weights=None, t=0.0, rng=None):
    r"""Draw ``n`` points of the Gaussian mixture diffused to time ``t``, :math:`P_t = \sum_k w_k\mathcal N(e^{-t}\mu_k, C_t)`.

    Returns
    -------
    x : ndarray, shape (n, d)
    labels : ndarray of int, shape (n,)
        The component each point was drawn from.

    Examples
    --------
    >>> x, lab = gaussian_mixture_sample(4, [[5.0], [-5.0]], cov=0.0, rng=1)
    >>> bool(np.all(np.abs(x[:, 0]) == 5.0))
    True
    """
    n = check_int("n", n, minimum=1)
    t = check_real("t", t, lower=0.0)
    means, cov, w = _check_mixture(means, cov, weights)
    rng = check_rng(rng)
    k, d = means.shape
    labels = rng.choice(k, size=n, p=w)
    e, s2 = np.exp(-t), -np.expm1(-2.0 * t)
    z = rng.standard_normal((n, d))
    if np.ndim(cov) == 0:
        noise = np.sqrt(cov * e * e + s2) * z
    else:
        evals, evecs = np.linalg.eigh(cov * e * e + s2 * np.eye(d))
        noise = (z * np.sqrt(np.clip(evals, 0.0, None))) @ evecs.T
    return e * means[labels] + noise, labels


def gaussian_mixture_denoiser(x, t, means, cov=1.0, weights=None):
    r"""Posterior mean :math:`\mathbb E[x_0 \mid x_t = x]` of a Gaussian mixture under the Ornstein--Uhlenbeck noise.

    Given the component :math:`k`, :math:`(x_0, x_t)` is jointly Gaussian, so

    .. math:: \mathbb E[x_0\mid x_t = x] = \sum_k \mathbb P(k\mid x)\,
              \bigl(\mu_k + e^{-t}\,C\,C_t^{-1}(x - e^{-t}\mu_k)\bigr),\qquad C_t = e^{-2t}C + \sigma_t^2 I_d .

    This closed form does not use the score; Tweedie's formula (:func:`tweedie_denoiser`) gives the same value from
    the score alone, which is what the lecture checks.

    Parameters
    ----------
    x, t, means, cov, weights
        As in :func:`gaussian_mixture_posterior` (``t > 0`` when ``cov`` is 0).

    Returns
    -------
    ndarray, the shape of ``x``

    References
    ----------
    .. [1] B. Efron, "Tweedie's formula and selection bias", J. Amer. Statist. Assoc. 106 (2011) 1602-1614.

    Examples
    --------
    >>> gaussian_mixture_denoiser([[2.0]], 0.5, [[0.0]], cov=1.0).round(6).tolist()
    [[1.213061]]
    """
    t = check_real("t", t, lower=0.0)
    means, cov, w = _check_mixture(means, cov, weights)
    x = _check_points(x, means.shape[1])
    x2 = np.atleast_2d(x)
    post, mt, prec = _posterior_and_precision(x2, t, means, cov, w)
    e = np.exp(-t)
    out = post @ means  # sum_k P(k|x) mu_k
    if np.ndim(prec) == 0:
        gain = e * cov * prec  # scalar e^{-t} C C_t^{-1}
        out = out + gain * (x2 - post @ mt)
    else:
        gain = e * cov @ prec  # (d, d)
        out = out + (x2 - post @ mt) @ gain.T
    return out[0] if x.ndim == 1 else out


def gaussian_mixture_cdf(x, t, means, cov=1.0, weights=None):
    r"""Distribution function :math:`F_t(x) = \sum_k w_k\,\Phi\bigl((x - e^{-t}\mu_k)/\sqrt{c_t}\bigr)` of a one-dimensional
    Gaussian mixture diffused to time ``t`` (:math:`c_t = e^{-2t}c + \sigma_t^2`).

    Parameters
    ----------
    x : float or array_like
        Points (any shape).
    t : float
        >= 0 (> 0 when ``cov`` is 0).
    means : array_like, shape (K, 1)
        Means of a mixture in dimension one.
    cov : float
        Variance :math:`c \ge 0` of the components.
    weights : array_like, shape (K,), optional

    Returns
    -------
    float or ndarray, the shape of ``x``

    Examples
    --------
    >>> round(gaussian_mixture_cdf(0.0, 0.3, [[1.0], [-1.0]]), 12)
    0.5
    """
    t = check_real("t", t, lower=0.0)
    means, cov, w = _check_mixture(means, cov, weights)
    if means.shape[1] != 1:
        raise ValueError(f"`means` must describe a mixture in dimension one, shape (K, 1), got shape {means.shape}.")
    if np.ndim(cov) != 0:
        cov = float(cov[0, 0])
    xa = check_array("x", x)
    ct = cov * np.exp(-2.0 * t) - np.expm1(-2.0 * t)
    if ct <= 0:
        raise ValueError("the law at t = 0 with `cov` = 0 is a sum of Dirac masses: use t > 0 or cov > 0.")
    z = (xa[..., None] - np.exp(-t) * means[:, 0]) / np.sqrt(ct)
    val = special.ndtr(z) @ w
    return float(val) if val.ndim == 0 else val


def gaussian_mixture_fisher_information(t, means, cov=1.0, weights=None):
    r"""Fisher information :math:`J(P_t) = \mathbb E_{x\sim P_t}\lVert\nabla\log P_t(x)\rVert^2` of a diffused Gaussian mixture.

    For one component it is :math:`\operatorname{tr} C_t^{-1}` (exact); for a mixture in dimension one it is computed by
    adaptive quadrature of :math:`P_t(x)\,(\partial_x\log P_t(x))^2` (absolute error below :math:`10^{-10}`). Other cases
    (several components in dimension :math:`d\ge2`) raise ``ValueError``.

    With it, the constant of Vincent's identity (denoising minus explicit score matching) is
    :math:`d/\sigma_t^2 - J(P_t)`.

    Parameters
    ----------
    t : float
        >= 0 (> 0 when ``cov`` is 0).
    means, cov, weights
        As in :func:`gaussian_mixture_posterior`.

    References
    ----------
    .. [1] P. Vincent, "A connection between score matching and denoising autoencoders", Neural Comput. 23 (2011)
       1661-1674.

    Examples
    --------
    >>> round(gaussian_mixture_fisher_information(0.5, [[0.0, 0.0]], cov=2.0), 10)
    1.4621171573
    """
    t = check_real("t", t, lower=0.0)
    means, cov, w = _check_mixture(means, cov, weights)
    k, d = means.shape
    e, s2 = np.exp(-t), -np.expm1(-2.0 * t)
    ct = cov * e * e + (s2 if np.ndim(cov) == 0 else s2 * np.eye(d))
    if np.ndim(ct) == 0 and ct <= 0:
        raise ValueError("the score is undefined at t = 0 when `cov` = 0 (a sum of Dirac masses): use t > 0.")
    if k == 1:
        return float(d / ct) if np.ndim(ct) == 0 else float(np.trace(np.linalg.inv(ct)))
    if d != 1:
        raise ValueError(f"`means` must have one row (one Gaussian) or one column (dimension one) for an exact Fisher "
                         f"information, got shape {means.shape}.")
    c1 = float(ct) if np.ndim(ct) == 0 else float(ct[0, 0])
    sd = np.sqrt(c1)
    centres = e * means[:, 0]

    def integrand(y):
        z = (y - centres) / sd
        lz = -0.5 * z * z + np.log(w)
        m = lz.max()
        pk = np.exp(lz - m)
        p = pk.sum()
        score = -(pk @ z) / (p * sd)
        return np.exp(m) * p / (np.sqrt(2.0 * np.pi) * sd) * score * score

    lo, hi = centres.min() - 12.0 * sd, centres.max() + 12.0 * sd
    pts = np.unique(np.clip(np.concatenate([centres, centres - 3 * sd, centres + 3 * sd]), lo, hi))
    val, _ = integrate.quad(integrand, lo, hi, points=pts[(pts > lo) & (pts < hi)], limit=400, epsabs=1e-12,
                            epsrel=1e-12)
    return float(val)
