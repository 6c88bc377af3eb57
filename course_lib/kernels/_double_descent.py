r"""Double descent of least squares with isotropic features, and benign overfitting of the minimum-norm interpolant.

Notation of the book: :math:`\gamma = p/n`, :math:`\lambda_{\mathrm{reg}}` the ridge, ``signal`` :math:`= r^2 =
\lVert w_*\rVert^2`, ``noise`` :math:`=\Delta` the label-noise variance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import MAX_ABS, check_array, check_int, check_real, check_rng

__all__ = [
    "RiskSimulation",
    "BenignTerms",
    "ridgeless_risk",
    "ridge_risk",
    "risk_curve",
    "optimal_ridge",
    "ridge_regression_simulation",
    "effective_ranks",
    "critical_index",
    "benign_bound_terms",
    "min_norm_interpolation_risk",
]


def _gamma_array(gamma, max_abs=MAX_ABS):
    g = check_array("gamma", gamma, ndim=(0, 1), max_abs=max_abs)
    if np.any(g <= 0):
        raise ValueError(f"`gamma` must be > 0 (gamma = p/n), got {gamma!r}.")
    return g


def _out(arr, like):
    return float(arr) if np.ndim(like) == 0 else arr


def ridgeless_risk(gamma, signal=1.0, noise=1.0):
    r"""Asymptotic excess risk of the minimum-norm least-squares estimator with isotropic Gaussian features.

    For :math:`x\sim\mathcal N(0, I_p)`, :math:`y = \langle w_*, x\rangle + \sqrt\Delta\,\xi`, :math:`\lVert w_*\rVert^2 = r^2`,
    and :math:`\hat w = X^+y`, as :math:`n, p\to\infty` with :math:`p/n\to\gamma`,

    .. math:: \mathbb E_x\langle \hat w - w_*, x\rangle^2 \to \begin{cases}\Delta\,\dfrac{\gamma}{1-\gamma}, & \gamma<1,\\[1ex]
              r^2\Bigl(1-\dfrac1\gamma\Bigr) + \dfrac{\Delta}{\gamma-1}, & \gamma>1.\end{cases}

    Parameters
    ----------
    gamma : float or array_like
        :math:`\gamma = p/n > 0`, :math:`\ne 1` (the risk is infinite at :math:`\gamma = 1` when :math:`\Delta>0`).
    signal : float
        :math:`r^2\ge0`.
    noise : float
        :math:`\Delta\ge0`.

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] T. Hastie, A. Montanari, S. Rosset, R. J. Tibshirani, "Surprises in high-dimensional ridgeless least squares
       interpolation", Ann. Statist. 50 (2022) 949-986, arXiv:1903.08560 (isotropic features).

    Examples
    --------
    >>> ridgeless_risk(0.5), ridgeless_risk(2.0)
    (1.0, 1.5)
    """
    g = _gamma_array(gamma)
    signal = check_real("signal", signal, lower=0.0)
    noise = check_real("noise", noise, lower=0.0)
    if np.any(g == 1.0):
        raise ValueError("`gamma` must differ from 1: the ridgeless risk diverges at the interpolation threshold.")
    with np.errstate(divide="ignore"):
        out = np.where(g < 1, noise * g / (1 - g), signal * (1 - 1 / g) + noise / (g - 1))
    return _out(out, gamma)


def _mp_stieltjes(g, lam):
    """Stieltjes transform m of the Marchenko-Pastur law (ratio g, variance 1) at -lam, lam > 0.

    Stable form of the positive root of g lam m^2 + (1 - g + lam) m - 1 = 0 (no cancellation for either sign of
    b = 1 + lam - g, no overflow for huge g or lam): with D = sqrt(b^2 + 4 g lam), m = 2/(b + D) for b >= 0 and
    m = ((D - b)/g)/(2 lam) for b < 0.
    """
    b = (1.0 - g) + lam  # 1 - g is exact near g = 1 (Sterbenz), where the risk is ill-conditioned
    disc = np.hypot(b, 2.0 * np.sqrt(g) * np.sqrt(lam))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(b >= 0, 2.0 / (b + disc), ((disc - b) / g) / (2.0 * lam))


def _ridge_parts(g, lam):
    """The bias lam^2 m' and the variance factor g (m - lam m') of :func:`ridge_risk`, without cancellation.

    With b = 1 + lam - g, c = 1 - g - lam, D = sqrt(b^2 + 4 g lam) and S = D - b = 2 g lam m (computed as
    4 g lam/(D + b) when b >= 0): implicit differentiation of the quadratic gives m' = m (g m + 1)/D (its
    denominator 2 g lam m + b equals D, so it is never formed as a difference), hence

        lam^2 m' = lam m (S/2 + lam)/D,
        g (m - lam m') = g m h/(2D),  h = D + c = 4 lam/(D - c)  (second form when c < 0),

    and for b < 0 the factor lam cancels: g m h/(2D) = S/(D (D - c)). Every step is a sum, product or
    quotient of positive numbers; the direct formula loses every digit at g = 1e10, lam = 1e-9.
    """
    b = (1.0 - g) + lam  # 1 - g is exact near g = 1 (Sterbenz), where the risk is ill-conditioned
    c = (1.0 - g) - lam
    disc = np.hypot(b, 2.0 * np.sqrt(g) * np.sqrt(lam))
    neg = b < 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        s = np.where(neg, disc - b, 4.0 * (g / (disc + b)) * lam)
        lm = np.where(neg, s / (2.0 * g), 2.0 * lam / (b + disc))
        bias = lm * ((s / 2.0 + lam) / disc)
        h = np.where(c >= 0, disc + c, 4.0 * lam / (disc - c))
        variance = np.where(neg, (s / disc) / (disc - c), (g / disc) * (h / (b + disc)))
    return bias, variance


def ridge_risk(gamma, lam, signal=1.0, noise=1.0):
    r"""Asymptotic excess risk of ridge regression with isotropic Gaussian features.

    For :math:`\hat w_\lambda = (X^\top X/n + \lambda_{\mathrm{reg}} I)^{-1}X^\top y/n` and the model of
    :func:`ridgeless_risk` (:math:`w_*` uniform on the sphere of radius :math:`r`),

    .. math:: R(\lambda_{\mathrm{reg}}) = r^2\lambda_{\mathrm{reg}}^2\, g'(-\lambda_{\mathrm{reg}})
              + \Delta\,\gamma\,\bigl[g(-\lambda_{\mathrm{reg}}) - \lambda_{\mathrm{reg}}\, g'(-\lambda_{\mathrm{reg}})\bigr],

    where :math:`g(z) = \int\frac{d\mu_\gamma(s)}{s - z}` is the Stieltjes transform of the Marchenko--Pastur law
    :math:`\mu_\gamma` of :math:`X^\top X/n` (the letter :math:`g` of the notation page; :math:`m` is the width of a
    network in this subpackage),
    :math:`g(-\lambda) = \frac{-(1-\gamma+\lambda) + \sqrt{(1-\gamma+\lambda)^2+4\gamma\lambda}}{2\gamma\lambda}`, the
    positive root of :math:`\gamma\lambda g^2 + (1-\gamma+\lambda)g - 1 = 0`. As :math:`\lambda_{\mathrm{reg}}\to0^+` it
    tends to :func:`ridgeless_risk`, as :math:`\lambda_{\mathrm{reg}}\to\infty` to the null risk :math:`r^2`.

    Parameters
    ----------
    gamma : float or array_like
        :math:`\gamma>0`.
    lam : float
        :math:`\lambda_{\mathrm{reg}} > 0`.
    signal, noise : float
        :math:`r^2\ge0`, :math:`\Delta\ge0`.

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] T. Hastie, A. Montanari, S. Rosset, R. J. Tibshirani, Ann. Statist. 50 (2022) 949-986, arXiv:1903.08560
       (ridge-regularised risk, isotropic case); E. Dobriban and S. Wager, Ann. Statist. 46 (2018) 247-279,
       arXiv:1507.03003.

    Examples
    --------
    >>> round(ridge_risk(0.5, 1e-9), 6)
    1.0
    """
    g = _gamma_array(gamma, max_abs=None)  # stable for every finite gamma and lam (see _ridge_parts)
    lam = check_real("lam", lam, lower=0.0, lower_open=True, max_abs=None)
    signal = check_real("signal", signal, lower=0.0)
    noise = check_real("noise", noise, lower=0.0)
    bias, variance = _ridge_parts(g, lam)
    out = signal * bias + noise * variance
    return _out(out, gamma)


def risk_curve(gamma, lam=0.0, signal=1.0, noise=1.0):
    r"""Asymptotic excess risk over a grid of :math:`\gamma`, for any ridge :math:`\lambda_{\mathrm{reg}}\ge0`.

    The function behind the double-descent explorer: :func:`ridge_risk` for ``lam > 0``; for ``lam = 0`` the
    ridgeless risk of :func:`ridgeless_risk`, with ``inf`` at :math:`\gamma = 1` when :math:`\Delta > 0` (the
    interpolation peak) and :math:`0` there when :math:`\Delta = 0`.

    Parameters
    ----------
    gamma : array_like, shape (k,)
        Positive aspect ratios.
    lam : float
        :math:`\lambda_{\mathrm{reg}}\ge0`.
    signal, noise : float
        :math:`r^2\ge0`, :math:`\Delta\ge0`.

    Returns
    -------
    ndarray, shape (k,)

    Examples
    --------
    >>> risk_curve([0.5, 1.0, 2.0]).tolist()
    [1.0, inf, 1.5]
    """
    g = _gamma_array(gamma)
    if g.ndim != 1:
        raise ValueError(f"`gamma` must be a one-dimensional grid, got shape {g.shape}.")
    lam = check_real("lam", lam, lower=0.0)
    signal = check_real("signal", signal, lower=0.0)
    noise = check_real("noise", noise, lower=0.0)
    if lam > 0:
        return ridge_risk(g, lam, signal, noise)
    out = np.empty_like(g)
    at_one = g == 1.0
    out[at_one] = np.inf if noise > 0 else 0.0
    if np.any(~at_one):
        out[~at_one] = ridgeless_risk(g[~at_one], signal, noise)
    return out


def optimal_ridge(gamma, signal=1.0, noise=1.0):
    r"""Optimal ridge and its asymptotic risk, isotropic features.

    The risk of :func:`ridge_risk` is minimised at :math:`\lambda^\star = \Delta\gamma/r^2`, where it equals
    :math:`\Delta\gamma\, g(-\lambda^\star)` (:math:`g` the Marchenko--Pastur Stieltjes transform of
    :func:`ridge_risk`): a smooth, increasing function of :math:`\gamma` without a peak.

    Parameters
    ----------
    gamma : float or array_like
    signal : float
        :math:`r^2>0`.
    noise : float
        :math:`\Delta>0`.

    Returns
    -------
    (lam_star, risk) : tuple of float or ndarray

    References
    ----------
    .. [1] T. Hastie, A. Montanari, S. Rosset, R. J. Tibshirani, Ann. Statist. 50 (2022) 949-986 (optimal ridge
       :math:`\lambda^\star = \sigma^2\gamma/r^2` in their notation, :math:`\sigma^2 = \Delta`); E. Dobriban and
       S. Wager, Ann. Statist. 46 (2018) 247-279 (optimal :math:`\lambda^\star = \gamma\sigma^2/\alpha^2`).

    Examples
    --------
    >>> lam, risk = optimal_ridge(1.0)
    >>> lam, round(risk, 6)  # (sqrt(5) - 1)/2 at gamma = 1, r^2 = Delta = 1
    (1.0, 0.618034)
    """
    g = _gamma_array(gamma)
    signal = check_real("signal", signal, lower=0.0, lower_open=True)
    noise = check_real("noise", noise, lower=0.0, lower_open=True)
    with np.errstate(over="ignore"):
        lam = noise * g / signal
    if not np.all(lam <= MAX_ABS):
        raise ValueError(
            f"the optimal ridge `noise` * `gamma` / `signal` must be at most {MAX_ABS:g}, got "
            f"{float(np.max(lam)):g}: `signal` = {signal:g} is too small."
        )
    m = _mp_stieltjes(g, lam)
    return _out(lam, gamma), _out(noise * g * m, gamma)


@dataclass(frozen=True)
class RiskSimulation:
    """Monte Carlo excess risks: ``risks`` (one per run), their ``mean`` and its standard error ``stderr``.

    Examples
    --------
    >>> from course_lib.kernels import ridge_regression_simulation
    >>> res = ridge_regression_simulation(40, 20, 0.1, n_runs=3, rng=0)
    >>> type(res).__name__, res.risks.shape
    ('RiskSimulation', (3,))
    """

    risks: np.ndarray
    mean: float
    stderr: float


def _summary(r):
    r = np.asarray(r, dtype=float)
    se = float(r.std(ddof=1) / np.sqrt(r.size)) if r.size > 1 else float("nan")
    return RiskSimulation(r, float(r.mean()), se)


def ridge_regression_simulation(n, p, lam, *, signal=1.0, noise=1.0, n_runs=20, rng=None):
    r"""Excess risk :math:`\lVert\hat w_\lambda - w_*\rVert^2` of ridge(less) regression on isotropic Gaussian data.

    Each run draws :math:`X\in\mathbb R^{n\times p}` with i.i.d. :math:`\mathcal N(0,1)` entries, :math:`w_*` uniform on
    the sphere of radius :math:`\sqrt{r^2}`, labels :math:`y = Xw_* + \sqrt\Delta\,\xi`, and fits
    :math:`\hat w_\lambda = (X^\top X/n+\lambda_{\mathrm{reg}}I)^{-1}X^\top y/n` (``lam=0``: the minimum-norm solution
    :math:`X^+y`). Since :math:`\Sigma = I`, the excess risk is :math:`\lVert\hat w_\lambda-w_*\rVert^2`.

    Parameters
    ----------
    n, p : int
        Samples and features, >= 1.
    lam : float
        Ridge >= 0.
    signal, noise : float
    n_runs : int
        Independent repetitions (>= 2 for a standard error).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    RiskSimulation

    Examples
    --------
    >>> sim = ridge_regression_simulation(200, 100, 0.0, n_runs=5, rng=0)
    >>> bool(abs(sim.mean - 1.0) < 0.3)   # theory: gamma/(1-gamma) = 1
    True
    """
    n = check_int("n", n, minimum=1)
    p = check_int("p", p, minimum=1)
    lam = check_real("lam", lam, lower=0.0)
    signal = check_real("signal", signal, lower=0.0)
    noise = check_real("noise", noise, lower=0.0)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    rng = check_rng(rng)
    risks = np.empty(n_runs)
    for k in range(n_runs):
        X = rng.standard_normal((n, p))
        w = rng.standard_normal(p)
        w *= np.sqrt(signal) / np.linalg.norm(w)
        y = X @ w + np.sqrt(noise) * rng.standard_normal(n)
        if lam == 0.0 and p <= n:
            w_hat = np.linalg.solve(X.T @ X, X.T @ y)
        elif lam == 0.0:
            w_hat = X.T @ np.linalg.solve(X @ X.T, y)
        elif p <= n:
            w_hat = np.linalg.solve(X.T @ X / n + lam * np.eye(p), X.T @ y / n)
        else:
            w_hat = X.T @ np.linalg.solve(X @ X.T / n + lam * np.eye(n), y / n)
        risks[k] = float(np.sum((w_hat - w) ** 2))
    return _summary(risks)


def _eigs(eigenvalues):
    lam = check_array("eigenvalues", eigenvalues, ndim=1, min_len=1)
    if np.any(lam < 0):
        raise ValueError("`eigenvalues` must be non-negative (a covariance spectrum).")
    return np.sort(lam)[::-1]


def effective_ranks(eigenvalues, k):
    r"""The two effective ranks of Bartlett, Long, Lugosi and Tsigler (2020).

    With :math:`\lambda_1\ge\lambda_2\ge\cdots` the eigenvalues of :math:`\Sigma`,

    .. math:: r_k(\Sigma) = \frac{\sum_{i>k}\lambda_i}{\lambda_{k+1}}, \qquad
              R_k(\Sigma) = \frac{\bigl(\sum_{i>k}\lambda_i\bigr)^2}{\sum_{i>k}\lambda_i^2} .

    Both are at most the number of eigenvalues beyond :math:`k`, with equality for a flat tail; :math:`r_k\le R_k\le r_k^2`.

    Parameters
    ----------
    eigenvalues : array_like, shape (p,)
        Non-negative eigenvalues (any order; sorted internally).
    k : int
        :math:`0\le k<p` with :math:`\lambda_{k+1}>0`.

    Returns
    -------
    (r_k, R_k) : tuple of float

    References
    ----------
    .. [1] P. L. Bartlett, P. M. Long, G. Lugosi, A. Tsigler, "Benign overfitting in linear regression", PNAS 117
       (2020) 30063-30070 (effective ranks).

    Examples
    --------
    >>> effective_ranks([1.0, 1.0, 1.0, 1.0], 1)
    (3.0, 3.0)
    """
    lam = _eigs(eigenvalues)
    k = check_int("k", k, minimum=0, maximum=lam.size - 1)
    if lam[k] == 0:
        raise ValueError(f"`k` must leave a positive eigenvalue lambda_(k+1), got k = {k} with lambda_(k+1) = 0.")
    tail = lam[k:]
    s = float(tail.sum())
    return s / float(tail[0]), s * s / float(np.sum(tail**2))


def critical_index(eigenvalues, n, b=1.0):
    r"""The index :math:`k^* = \min\{k\ge0 : r_k(\Sigma)\ge b\,n\}` of Bartlett et al. (2020).

    Parameters
    ----------
    eigenvalues : array_like
    n : int
        Sample size.
    b : float
        The constant :math:`b>0` of the definition; the theorem of Bartlett et al. needs some universal :math:`b > 1`
        (:func:`benign_bound_terms` uses :math:`b = 2`).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If no :math:`k` satisfies :math:`r_k\ge bn`: the tail is too short for the theorem.

    Examples
    --------
    >>> critical_index([10.0] + [1.0] * 50, 20)  # r_0 = 6 < 20, r_1 = 50
    1
    """
    lam = _eigs(eigenvalues)
    n = check_int("n", n, minimum=1)
    b = check_real("b", b, lower=0.0, lower_open=True)
    pos = lam[lam > 0]
    tails = np.cumsum(pos[::-1])[::-1]  # tails[k] = sum_{i>k} lambda_i (0-based: i >= k)
    r = tails / pos
    ok = np.nonzero(r >= b * n)[0]
    if ok.size == 0:
        raise ValueError(f"no k with r_k(Sigma) >= b n = {b * n:g}: the spectrum has too small an effective rank.")
    return int(ok[0])


@dataclass(frozen=True)
class BenignTerms:
    r"""Terms of the excess-risk bounds of Bartlett et al. (2020), up to their universal constants.

    Attributes
    ----------
    k_star : int
    r0 : float
        :math:`r_0(\Sigma)`.
    R_k_star : float
        :math:`R_{k^*}(\Sigma)`.
    variance : float
        :math:`k^*/n + n/R_{k^*}(\Sigma)` (multiplies :math:`\Delta` in the upper and lower bounds).
    bias : float
        :math:`\lVert\Sigma\rVert\max\{\sqrt{r_0/n}, r_0/n\}` (multiplies :math:`\lVert w_*\rVert^2`).

    Examples
    --------
    >>> from course_lib.kernels import benign_bound_terms
    >>> res = benign_bound_terms([1.0] * 400, 100)
    >>> type(res).__name__, res.k_star
    ('BenignTerms', 0)
    """

    k_star: int
    r0: float
    R_k_star: float
    variance: float
    bias: float


def benign_bound_terms(eigenvalues, n, b=2.0):
    r"""The quantities that decide whether the minimum-norm interpolant overfits benignly.

    Bartlett, Long, Lugosi, Tsigler (2020): for :math:`x = \Sigma^{1/2}z` with independent sub-Gaussian
    coordinates of :math:`z` and sub-Gaussian label noise of variance :math:`\Delta`, there are constants
    :math:`b, c, c_1 > 1` (depending only on the sub-Gaussian norm; universal for Gaussian data) such that, with
    :math:`k^* = \min\{k\ge0 : r_k(\Sigma)\ge bn\}` and :math:`\delta<1` with :math:`\log(1/\delta) < n/c`:

    - if :math:`k^*\ge n/c_1`, then :math:`\mathbb E R(\hat w) - \Delta\ge\Delta/c`;
    - otherwise, with probability at least :math:`1-\delta`,

      .. math:: R(\hat w) - \Delta \le c\Bigl(\lVert w_*\rVert^2\lVert\Sigma\rVert\max\Bigl\{\sqrt{\tfrac{r_0(\Sigma)}n},
                \tfrac{r_0(\Sigma)}n, \sqrt{\tfrac{\log(1/\delta)}n}\Bigr\} + \log(1/\delta)\,\Delta\Bigl(\frac{k^*}n
                + \frac n{R_{k^*}(\Sigma)}\Bigr)\Bigr),

      and :math:`\mathbb E R(\hat w) - \Delta\ge\frac{\Delta}{c}\bigl(\frac{k^*}n + \frac n{R_{k^*}(\Sigma)}\bigr)`.

    This function returns the terms of these bounds without their constants. The theorem holds for some universal
    :math:`b > 1` that it does not make explicit, and the bounds are stated for that :math:`b` only, so ``b`` must
    exceed 1; the book's default is :math:`b = 2`.

    Parameters
    ----------
    eigenvalues : array_like, shape (p,)
        Non-negative eigenvalues of :math:`\Sigma` (any order; sorted internally), :math:`\lambda_1 > 0`.
    n : int
        Sample size, >= 1.
    b : float
        The constant :math:`b>1` in the definition of :math:`k^*` (see :func:`critical_index`).

    Returns
    -------
    BenignTerms

    Raises
    ------
    ValueError
        For negative eigenvalues, for ``b <= 1``, or if no :math:`k` satisfies :math:`r_k(\Sigma)\ge bn` (see
        :func:`critical_index`).

    References
    ----------
    .. [1] P. L. Bartlett, P. M. Long, G. Lugosi, A. Tsigler, "Benign overfitting in linear regression", PNAS 117
       (2020) 30063-30070, arXiv:1906.11300.

    Examples
    --------
    >>> t = benign_bound_terms([1.0] * 400, 100)
    >>> t.k_star, t.variance
    (0, 0.25)
    """
    lam = _eigs(eigenvalues)
    n = check_int("n", n, minimum=1)
    b = check_real("b", b, lower=1.0, lower_open=True)
    k = critical_index(lam, n, b)
    r0, _ = effective_ranks(lam, 0)
    _, Rk = effective_ranks(lam, k)
    return BenignTerms(k, r0, Rk, k / n + n / Rk, float(lam[0]) * max(np.sqrt(r0 / n), r0 / n))


def min_norm_interpolation_risk(eigenvalues, n, w_star, *, noise=1.0, n_runs=10, rng=None):
    r"""Bias and variance of the minimum-norm interpolant for Gaussian data with a diagonal covariance.

    Each run draws :math:`X = Z\Sigma^{1/2}` (:math:`Z` with i.i.d. standard entries, :math:`\Sigma` diagonal with the
    given eigenvalues) and returns the excess risk of :math:`\hat w = X^+y` averaged **exactly** over the label noise:

    .. math:: B = (\Pi w_* - w_*)^\top\Sigma(\Pi w_* - w_*), \qquad
              V = \Delta\operatorname{tr}\bigl((XX^\top)^{-1}X\Sigma X^\top(XX^\top)^{-1}\bigr),

    :math:`\Pi = X^+X` the projection on the row space. Requires :math:`p > n` (interpolation).

    Parameters
    ----------
    eigenvalues : array_like, shape (p,)
        Positive eigenvalues of :math:`\Sigma` (used in the given order, as the diagonal).
    n : int
        Sample size, ``1 <= n < p``.
    w_star : array_like, shape (p,)
    noise : float
        :math:`\Delta\ge0`.
    n_runs : int
    rng : None, int or numpy.random.Generator

    Returns
    -------
    (bias, variance) : tuple of RiskSimulation

    References
    ----------
    .. [1] P. L. Bartlett, P. M. Long, G. Lugosi, A. Tsigler, PNAS 117 (2020) (bias-variance decomposition).

    Examples
    --------
    >>> bias, var = min_norm_interpolation_risk([1.0] * 40, 10, np.zeros(40), n_runs=3, rng=0)
    >>> bool(abs(var.mean - 10 / 29) < 0.15)   # isotropic: n/(p - n - 1)
    True
    """
    lam = check_array("eigenvalues", eigenvalues, ndim=1, min_len=2)
    if np.any(lam <= 0):
        raise ValueError("`eigenvalues` must be positive.")
    p = lam.size
    n = check_int("n", n, minimum=1, maximum=p - 1)
    w_star = check_array("w_star", w_star, ndim=1)
    if w_star.size != p:
        raise ValueError(f"`w_star` must have {p} entries (one per eigenvalue), got {w_star.size}.")
    noise = check_real("noise", noise, lower=0.0)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    rng = check_rng(rng)
    sq = np.sqrt(lam)
    bias = np.empty(n_runs)
    var = np.empty(n_runs)
    for k in range(n_runs):
        X = rng.standard_normal((n, p)) * sq
        G = X @ X.T
        Xs = X * sq
        A = Xs @ Xs.T  # X Sigma X^T
        coef = np.linalg.solve(G, X @ w_star)
        e = X.T @ coef - w_star  # (Pi - I) w*
        bias[k] = float(np.sum(lam * e * e))
        Ginv_A = np.linalg.solve(G, A)
        var[k] = noise * float(np.trace(np.linalg.solve(G, Ginv_A.T)))  # tr(G^-1 A G^-1)
    return _summary(bias), _summary(var)
