"""Tweedie's formula and score matching (explicit and denoising) for the Ornstein--Uhlenbeck noise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_real, check_rng
from ._score import ou_noise_variance  # noqa: F401  (used by the doctests)

__all__ = ["ScoreMatchingLosses", "LinearScoreFit", "tweedie_denoiser", "score_matching_losses", "fit_linear_score"]

_T_MAX = 50.0  # e^{t} amplifies the score's rounding errors by e^{50} ~ 5e21 already


def _check_callable(name, f, signature):
    if not callable(f):
        raise TypeError(f"`{name}` must be callable as {signature}, got {type(f).__name__}.")
    return f


def _call_score(name, f, x, t):
    s = np.asarray(f(x, t), dtype=float)
    if s.shape != x.shape:
        raise ValueError(f"`{name}` must return an array of the shape of x {x.shape}, got {s.shape}.")
    if not np.all(np.isfinite(s)):
        raise ValueError(f"`{name}` returned non-finite values at t = {t}.")
    return s


def tweedie_denoiser(x, t, score):
    r"""Tweedie's formula: the posterior mean :math:`\mathbb E[x_0\mid x_t = x] = e^{t}\bigl(x + \sigma_t^2\,\nabla\log P_t(x)\bigr)`.

    For the forward process :math:`x_t = e^{-t}x_0 + \sigma_t z` the denoiser is an explicit function of the score of
    the *noisy* law :math:`P_t` only, whatever the data law.

    Parameters
    ----------
    x : array_like, shape (d,) or (N, d)
        Noisy points :math:`x_t`.
    t : float
        Time, in ``[0, 50]``.
    score : array_like, the shape of ``x``
        The score :math:`\nabla\log P_t` evaluated at ``x``.

    Returns
    -------
    ndarray, the shape of ``x``

    References
    ----------
    .. [1] B. Efron, "Tweedie's formula and selection bias", J. Amer. Statist. Assoc. 106 (2011) 1602-1614.

    Examples
    --------
    >>> tweedie_denoiser([[2.0]], 0.5, [[-1.0]]).round(6).tolist()
    [[2.255252]]
    """
    x = check_array("x", x, ndim=(1, 2))
    t = check_real("t", t, lower=0.0, upper=_T_MAX)
    s = check_array("score", score, ndim=(1, 2))
    if s.shape != x.shape:
        raise ValueError(f"`score` must have the shape of `x` {x.shape}, got {s.shape}.")
    return np.exp(t) * (x - np.expm1(-2.0 * t) * s)


@dataclass(frozen=True)
class ScoreMatchingLosses:
    r"""Monte Carlo estimates of the denoising and explicit score-matching losses on the same draws.

    Attributes
    ----------
    dsm, esm : float
        :math:`\mathbb E\lVert s(x_t) + z/\sigma_t\rVert^2` and :math:`\mathbb E\lVert s(x_t) - \nabla\log P_t(x_t)\rVert^2`.
    gap : float
        ``dsm - esm``, estimated from the paired differences.
    dsm_stderr, esm_stderr, gap_stderr : float
        Standard errors (sample standard deviation over :math:`\sqrt n`).
    n : int

    Examples
    --------
    >>> from course_lib.diffusion import score_matching_losses
    >>> r = score_matching_losses(lambda x, t: -x, np.zeros((100, 1)), 1.0, lambda x, t: -x, rng=0)
    >>> type(r).__name__, r.esm
    ('ScoreMatchingLosses', 0.0)
    """

    dsm: float
    esm: float
    gap: float
    dsm_stderr: float
    esm_stderr: float
    gap_stderr: float
    n: int


def score_matching_losses(score, x0, t, true_score, rng=None):
    r"""Denoising and explicit score-matching losses of a score model at time ``t``, on the same Monte Carlo draws.

    With :math:`x_t = e^{-t}x_0 + \sigma_t z`, :math:`z\sim\mathcal N(0, I_d)` drawn once per data point,

    .. math:: \mathcal L_{\mathrm{DSM}}(s) = \mathbb E\Bigl\lVert s(x_t) + \frac{z}{\sigma_t}\Bigr\rVert^2,\qquad
              \mathcal L_{\mathrm{ESM}}(s) = \mathbb E\bigl\lVert s(x_t) - \nabla\log P_t(x_t)\bigr\rVert^2 .

    Vincent (2011) shows :math:`\mathcal L_{\mathrm{DSM}}(s) - \mathcal L_{\mathrm{ESM}}(s) = d/\sigma_t^2 - J(P_t)` for
    every :math:`s` (see :func:`gaussian_mixture_fisher_information`).

    Parameters
    ----------
    score : callable
        The model, ``score(x, t)`` for ``x`` of shape (N, d).
    x0 : array_like, shape (N, d)
        Data points, N >= 2.
    t : float
        Time, > 0.
    true_score : callable
        ``true_score(x, t)``, the exact :math:`\nabla\log P_t`.
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    ScoreMatchingLosses

    References
    ----------
    .. [1] P. Vincent, "A connection between score matching and denoising autoencoders", Neural Comput. 23 (2011)
       1661-1674.
    .. [2] A. Hyvarinen, "Estimation of non-normalized statistical models by score matching", JMLR 6 (2005) 695-709.

    Examples
    --------
    >>> x0 = np.random.default_rng(1).standard_normal((4000, 1))    # data N(0, 1): P_t = N(0, 1), J(P_t) = 1
    >>> r = score_matching_losses(lambda x, t: 0 * x, x0, 1.0, lambda x, t: -x, rng=0)
    >>> bool(abs(r.gap - (1 / ou_noise_variance(1.0) - 1.0)) < 4 * r.gap_stderr)
    True
    """
    _check_callable("score", score, "score(x, t)")
    _check_callable("true_score", true_score, "true_score(x, t)")
    x0 = check_array("x0", x0, ndim=2)
    if x0.shape[0] < 2 or x0.shape[1] == 0:
        raise ValueError(f"`x0` must hold at least two points with at least one coordinate, got shape {x0.shape}.")
    t = check_real("t", t, lower=0.0, lower_open=True, upper=_T_MAX)
    rng = check_rng(rng)
    sig = np.sqrt(-np.expm1(-2.0 * t))
    z = rng.standard_normal(x0.shape)
    xt = np.exp(-t) * x0 + sig * z
    s = _call_score("score", score, xt, t)
    st = _call_score("true_score", true_score, xt, t)
    dsm = np.sum((s + z / sig) ** 2, axis=1)
    esm = np.sum((s - st) ** 2, axis=1)
    gap = dsm - esm
    n = x0.shape[0]

    def se(v):
        return float(v.std(ddof=1) / np.sqrt(n))

    return ScoreMatchingLosses(dsm=float(dsm.mean()), esm=float(esm.mean()), gap=float(gap.mean()),
                               dsm_stderr=se(dsm), esm_stderr=se(esm), gap_stderr=se(gap), n=n)


@dataclass(frozen=True)
class LinearScoreFit:
    r"""Least-squares fit of a score model linear in its parameters, :math:`s(x) = \phi(x)^\top W`.

    Attributes
    ----------
    coef : ndarray, shape (p, d)
        Minimiser :math:`W` of the empirical denoising score-matching loss.
    coef_stderr : ndarray, shape (p, d)
        Sandwich (heteroscedasticity-robust) standard errors of ``coef``.
    dsm_loss : float
        The minimal empirical denoising loss.
    coef_esm : ndarray or None
        With ``true_score``: the least-squares projection of the exact score on the same points (explicit score
        matching); in the population both fits coincide.
    diff_stderr : ndarray or None
        With ``true_score``: sandwich standard errors of ``coef - coef_esm``.
    n : int

    Examples
    --------
    >>> from course_lib.diffusion import fit_linear_score
    >>> fit = fit_linear_score(lambda x: x, np.zeros((100, 1)), 1.0, rng=0)
    >>> type(fit).__name__, fit.coef.shape
    ('LinearScoreFit', (1, 1))
    """

    coef: np.ndarray
    coef_stderr: np.ndarray
    dsm_loss: float
    coef_esm: np.ndarray | None
    diff_stderr: np.ndarray | None
    n: int


def _sandwich(phi, ginv, resid):
    """Standard errors of Ginv phi^T resid, column by column (resid (N, d))."""
    out = np.empty((phi.shape[1], resid.shape[1]))
    for j in range(resid.shape[1]):
        meat = (phi * resid[:, j:j + 1] ** 2).T @ phi
        out[:, j] = np.sqrt(np.clip(np.diag(ginv @ meat @ ginv), 0.0, None))
    return out


def fit_linear_score(features, x0, t, rng=None, true_score=None):
    r"""Fit :math:`s(x) = \phi(x)^\top W` to the score of :math:`P_t` by denoising score matching (least squares).

    With :math:`x_{t,i} = e^{-t}x_{0,i} + \sigma_t z_i` and :math:`\Phi` the (N, p) matrix of features,

    .. math:: \hat W = \arg\min_W \frac1N\sum_i \Bigl\lVert W^\top\phi(x_{t,i}) + \frac{z_i}{\sigma_t}\Bigr\rVert^2
              = -(\Phi^\top\Phi)^{-1}\Phi^\top Z/\sigma_t .

    The fit never sees the score; by Vincent's identity it converges to the :math:`L^2(P_t)` projection of
    :math:`\nabla\log P_t` on the span of the features.

    Parameters
    ----------
    features : callable
        ``features(x)`` returning an (N, p) array for ``x`` of shape (N, d).
    x0 : array_like, shape (N, d)
        Data points (N larger than the number of features).
    t : float
        Time, > 0.
    rng : seed or numpy.random.Generator, optional
    true_score : callable, optional
        ``true_score(x, t)``; if given, the explicit score-matching fit on the same points is returned as well.

    Returns
    -------
    LinearScoreFit

    Raises
    ------
    ValueError
        If the features are not of full column rank on the sample.

    References
    ----------
    .. [1] P. Vincent, Neural Comput. 23 (2011) 1661-1674.
    .. [2] A. Hyvarinen, JMLR 6 (2005) 695-709 (score matching).

    Examples
    --------
    >>> x0 = np.random.default_rng(1).standard_normal((4000, 1))    # data N(0, 1): the score of P_t is -x
    >>> fit = fit_linear_score(lambda x: x, x0, 1.0, rng=0)
    >>> bool(abs(fit.coef[0, 0] + 1.0) < 4 * fit.coef_stderr[0, 0])
    True
    """
    _check_callable("features", features, "features(x)")
    if true_score is not None:
        _check_callable("true_score", true_score, "true_score(x, t)")
    x0 = check_array("x0", x0, ndim=2)
    if x0.shape[0] < 2 or x0.shape[1] == 0:
        raise ValueError(f"`x0` must hold at least two points with at least one coordinate, got shape {x0.shape}.")
    t = check_real("t", t, lower=0.0, lower_open=True, upper=_T_MAX)
    rng = check_rng(rng)
    n = x0.shape[0]
    sig = np.sqrt(-np.expm1(-2.0 * t))
    z = rng.standard_normal(x0.shape)
    xt = np.exp(-t) * x0 + sig * z
    phi = np.asarray(features(xt), dtype=float)
    if phi.ndim != 2 or phi.shape[0] != n:
        raise ValueError(f"`features` must return an array of shape (N, p) = ({n}, p), got shape {phi.shape}.")
    if not np.all(np.isfinite(phi)):
        raise ValueError("`features` returned non-finite values.")
    if phi.shape[1] >= n or np.linalg.matrix_rank(phi) < phi.shape[1]:
        raise ValueError(f"`features` must have full column rank p < N on the sample, got p = {phi.shape[1]}, "
                         f"N = {n}, rank {np.linalg.matrix_rank(phi)}: drop redundant features or add data.")
    gram = phi.T @ phi
    ginv = np.linalg.inv(gram)
    y = -z / sig
    coef = ginv @ (phi.T @ y)
    resid = y - phi @ coef
    coef_se = _sandwich(phi, ginv, resid)
    loss = float(np.mean(np.sum(resid**2, axis=1)))
    coef_esm = diff_se = None
    if true_score is not None:
        st = _call_score("true_score", true_score, xt, t)
        coef_esm = ginv @ (phi.T @ st)
        diff_se = _sandwich(phi, ginv, y - st)
    return LinearScoreFit(coef=coef, coef_stderr=coef_se, dsm_loss=loss, coef_esm=coef_esm, diff_stderr=diff_se, n=n)
