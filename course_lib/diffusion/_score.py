"""Exact scores of Gaussian mixtures under the Ornstein--Uhlenbeck noising process."""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_int, check_real, check_rng

__all__ = [
    "ou_noise_variance",
    "forward_diffusion",
    "gaussian_mixture_sample",
    "gaussian_mixture_posterior",
    "gaussian_mixture_score",
    "empirical_score",
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
