r"""Random-features ridge regression: the asymptotic test error of Mei and Montanari, and simulations.

Model (Mei & Montanari 2022): inputs :math:`x_i` and weights :math:`\theta_j` uniform on the sphere of radius
:math:`\sqrt d`, features :math:`\sigma(\langle\theta_j, x\rangle/\sqrt d)`, :math:`j\le N`, predictor
:math:`\hat f(x) = \sum_j \hat a_j\sigma(\langle\theta_j,x\rangle/\sqrt d)` with

.. math:: \hat a = \operatorname{argmin}_a\ \frac1n\sum_{i=1}^n\bigl(y_i - \hat f(x_i)\bigr)^2 + \frac{N\lambda_{\mathrm{reg}}}{d}\lVert a\rVert^2,

labels :math:`y = \langle\beta_1, x\rangle + \sqrt\Delta\,\xi` with :math:`\lVert\beta_1\rVert^2 = F_1^2`. Limits:
:math:`N/d\to\psi_1`, :math:`n/d\to\psi_2`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from .._validation import check_int, check_real, check_rng

__all__ = [
    "ActivationCoefficients",
    "RandomFeaturesRisk",
    "RandomFeaturesSimulation",
    "activation_coefficients",
    "random_features_risk",
    "random_features_regression",
]

_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(200)
_GH_W = _GH_W / np.sqrt(2.0 * np.pi)
_ACTIVATIONS = {
    "relu": lambda u: np.maximum(u, 0.0),
    "tanh": np.tanh,
    "abs": np.abs,
    "softplus": lambda u: np.logaddexp(0.0, u),
}


@dataclass(frozen=True)
class ActivationCoefficients:
    r""":math:`\mu_0 = \mathbb E\sigma(G)`, :math:`\mu_1 = \mathbb E G\sigma(G)`,
    :math:`\mu_\star^2 = \mathbb E\sigma(G)^2-\mu_0^2-\mu_1^2` for :math:`G\sim\mathcal N(0,1)`, and :math:`\zeta = \mu_1/\mu_\star`.

    Examples
    --------
    >>> from course_lib.kernels import activation_coefficients
    >>> res = activation_coefficients("relu")
    >>> type(res).__name__, round(res.mu1, 6)
    ('ActivationCoefficients', 0.5)
    """

    mu0: float
    mu1: float
    mu_star: float
    zeta: float


def _check_activation(activation):
    if activation not in _ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {tuple(_ACTIVATIONS)}, got {activation!r}.")


def activation_coefficients(activation):
    r"""Hermite coefficients of an activation that enter the random-features asymptotics.

    Closed forms for the ReLU, :math:`\mu_0 = 1/\sqrt{2\pi}`, :math:`\mu_1 = 1/2`,
    :math:`\mu_\star^2 = 1/4 - 1/(2\pi)`, and for ``abs``, :math:`\mu_0 = \sqrt{2/\pi}`, :math:`\mu_1 = 0`,
    :math:`\mu_\star^2 = 1 - 2/\pi` (Gauss--Hermite quadrature converges only slowly for these kinked functions:
    about :math:`2\times10^{-3}` relative error with 200 nodes); 200-point Gauss--Hermite quadrature for the smooth
    ``tanh`` and ``softplus`` (accurate to rounding).

    Parameters
    ----------
    activation : {"relu", "tanh", "abs", "softplus"}

    Returns
    -------
    ActivationCoefficients

    References
    ----------
    .. [1] S. Mei and A. Montanari, "The generalization error of random features regression: precise asymptotics and
       the double descent curve", Comm. Pure Appl. Math. 75 (2022) 667-766, arXiv:1908.05355 (the coefficients
       :math:`\mu_0, \mu_1, \mu_\star` and :math:`\zeta` of their asymptotic formula).

    Examples
    --------
    >>> c = activation_coefficients("relu")
    >>> round(c.mu1, 3), round(c.mu_star**2, 6)
    (0.5, 0.090845)
    """
    _check_activation(activation)
    if activation == "relu":
        mu0, mu1, second = 1.0 / np.sqrt(2.0 * np.pi), 0.5, 0.5
    elif activation == "abs":
        mu0, mu1, second = np.sqrt(2.0 / np.pi), 0.0, 1.0
    else:
        f = _ACTIVATIONS[activation](_GH_X)
        mu0, mu1, second = float(_GH_W @ f), float(_GH_W @ (_GH_X * f)), float(_GH_W @ f**2)
    mu_star = float(np.sqrt(second - mu0**2 - mu1**2))
    return ActivationCoefficients(float(mu0), float(mu1), mu_star, float(mu1 / mu_star))


@dataclass(frozen=True)
class RandomFeaturesRisk:
    r"""Result of :func:`random_features_risk`.

    Attributes
    ----------
    risk : float
        Asymptotic test error :math:`F_1^2 B + (\Delta + F_\star^2)V + F_\star^2`.
    bias, variance : float
        :math:`B` and :math:`V` of Mei and Montanari.
    nu1, nu2 : complex
        The solution :math:`\nu_1,\nu_2` of the fixed-point equations at :math:`\xi = i\sqrt{\psi_1\psi_2\bar\lambda}`.
    chi : float
        :math:`\chi = \nu_1\nu_2`.
    converged : bool
        Whether both nested root searches met their tolerance.
    n_iter : int
        Number of evaluations of the inner equation.
    residual : float
        Largest absolute residual of the two fixed-point equations at the returned solution.

    Examples
    --------
    >>> from course_lib.kernels import random_features_risk
    >>> res = random_features_risk(1.0, 2.0, 1e-3)
    >>> type(res).__name__, res.converged
    ('RandomFeaturesRisk', True)
    """

    risk: float
    bias: float
    variance: float
    nu1: complex
    nu2: complex
    chi: float
    converged: bool
    n_iter: int
    residual: float


def _solve_nu(psi1, psi2, zeta, y, xtol=1e-14):
    """Solve the Mei-Montanari fixed point at xi = i y (y > 0) in the form nu_k = i v_k, v_k > 0.

    v1 = psi1 / (y + v2 + z2 v2 / (1 + z2 v1 v2)),  v2 = psi2 / (y + v1 + z2 v1 / (1 + z2 v1 v2)).
    The inner equation (v2 given v1) has its root bracketed by psi2/(y + v1 (1 + z2)) and psi2/(y + v1);
    the outer one (v1) by psi1/(y + (1 + z2) psi2/y) and psi1/y.
    """
    z2 = zeta * zeta
    count = [0]

    def inner(v1):
        lo, hi = psi2 / (y + v1 * (1.0 + z2)), psi2 / (y + v1)

        def h(v2):
            return v2 - psi2 / (y + v1 + z2 * v1 / (1.0 + z2 * v1 * v2))

        if h(lo) >= 0:
            return lo
        if h(hi) <= 0:
            return hi
        v2, r = optimize.brentq(h, lo, hi, xtol=xtol * lo, rtol=4 * np.finfo(float).eps, full_output=True)
        count[0] += r.iterations
        return v2

    def outer(v1):
        v2 = inner(v1)
        return v1 - psi1 / (y + v2 + z2 * v2 / (1.0 + z2 * v1 * v2))

    lo, hi = psi1 / (y + (1.0 + z2) * psi2 / y), psi1 / y
    if outer(lo) >= 0:
        v1, conv = lo, True
    elif outer(hi) <= 0:
        v1, conv = hi, True
    else:
        v1, r = optimize.brentq(outer, lo, hi, xtol=xtol * lo, rtol=4 * np.finfo(float).eps, full_output=True)
        conv = r.converged
    v2 = inner(v1)
    res1 = abs(v1 - psi1 / (y + v2 + z2 * v2 / (1.0 + z2 * v1 * v2)))
    res2 = abs(v2 - psi2 / (y + v1 + z2 * v1 / (1.0 + z2 * v1 * v2)))
    return v1, v2, conv, count[0], max(res1 / max(v1, 1e-300), res2 / max(v2, 1e-300))


def random_features_risk(psi1, psi2, lam, activation="relu", *, signal=1.0, noise=0.0, nonlinear=0.0):
    r"""Asymptotic test error of random-features ridge regression (Mei and Montanari), computed numerically.

    With :math:`\bar\lambda = \lambda_{\mathrm{reg}}/\mu_\star^2`, :math:`\zeta = \mu_1/\mu_\star`, let
    :math:`\nu_1,\nu_2` solve, at :math:`\xi = i\sqrt{\psi_1\psi_2\bar\lambda}`,

    .. math:: \nu_1 = \psi_1\Bigl(-\xi-\nu_2-\frac{\zeta^2\nu_2}{1-\zeta^2\nu_1\nu_2}\Bigr)^{-1},\qquad
              \nu_2 = \psi_2\Bigl(-\xi-\nu_1-\frac{\zeta^2\nu_1}{1-\zeta^2\nu_1\nu_2}\Bigr)^{-1},

    and :math:`\chi = \nu_1\nu_2`. Then the test error :math:`\mathbb E_x(f_*(x)-\hat f(x))^2` converges to
    :math:`F_1^2\mathscr B + (\Delta + F_\star^2)\mathscr V + F_\star^2` with :math:`\mathscr B = \mathscr E_1/\mathscr E_0`,
    :math:`\mathscr V = \mathscr E_2/\mathscr E_0` and the polynomials

    .. math::
        \mathscr E_0 &= -\chi^5\zeta^6 + 3\chi^4\zeta^4 + (\psi_1\psi_2-\psi_2-\psi_1+1)\chi^3\zeta^6 - 2\chi^3\zeta^4 - 3\chi^3\zeta^2
                    + (\psi_1+\psi_2-3\psi_1\psi_2+1)\chi^2\zeta^4 + 2\chi^2\zeta^2 + \chi^2 + 3\psi_1\psi_2\chi\zeta^2 - \psi_1\psi_2,\\
        \mathscr E_1 &= \psi_2\chi^3\zeta^4 - \psi_2\chi^2\zeta^2 + \psi_1\psi_2\chi\zeta^2 - \psi_1\psi_2,\\
        \mathscr E_2 &= \chi^5\zeta^6 - 3\chi^4\zeta^4 + (\psi_1-1)\chi^3\zeta^6 + 2\chi^3\zeta^4 + 3\chi^3\zeta^2
                    + (-\psi_1-1)\chi^2\zeta^4 - 2\chi^2\zeta^2 - \chi^2 .

    On the imaginary axis :math:`\nu_k = i v_k` with :math:`v_k>0` real, and the two equations become real; they are
    solved by nested bracketed root finding (Brent), whose brackets follow from the equations themselves, so the solver
    cannot diverge.

    Two limits check the formulas. (i) :math:`\psi_1\to\infty` (infinitely many features) is kernel ridge regression
    with the limiting kernel; linearising its kernel matrix, :math:`K(X,X)\approx\mu_0^2\mathbf 1\mathbf 1^\top
    + \mu_1^2XX^\top/d + \mu_\star^2I_n`, makes it ridge regression on the raw inputs at aspect ratio
    :math:`\gamma = 1/\psi_2` with the effective ridge :math:`(\mu_\star^2 + \psi_2\lambda_{\mathrm{reg}})/(\mu_1^2\psi_2)`,
    whose risk is :func:`~course_lib.kernels.ridge_risk` (relative difference :math:`O(1/\psi_1)`). (ii) As
    :math:`\lambda_{\mathrm{reg}}\to0^+` with :math:`\Delta>0`, the risk diverges at :math:`\psi_1 = \psi_2` (:math:`N = n`),
    the interpolation threshold.

    Parameters
    ----------
    psi1 : float
        :math:`\psi_1 = N/d > 0`.
    psi2 : float
        :math:`\psi_2 = n/d > 0`.
    lam : float
        :math:`\lambda_{\mathrm{reg}}>0` in the normalisation of the module docstring (use a small value for the
        ridgeless limit).
    activation : str
        See :func:`activation_coefficients`.
    signal : float
        :math:`F_1^2\ge0`.
    noise : float
        :math:`\Delta\ge0`.
    nonlinear : float
        :math:`F_\star^2\ge0`, the variance of the non-linear part of the target.

    Returns
    -------
    RandomFeaturesRisk

    Raises
    ------
    RuntimeError
        If the root search does not converge (it always should).

    References
    ----------
    .. [1] S. Mei and A. Montanari, Comm. Pure Appl. Math. 75 (2022) 667-766, arXiv:1908.05355
       (fixed point :math:`\nu_1,\nu_2`, :math:`\chi`, :math:`\mathscr E_0,\mathscr E_1,\mathscr E_2` and the limiting test error).
    .. [2] N. El Karoui, "The spectrum of kernel random matrices", Ann. Statist. 38 (2010) 1-50, arXiv:1001.0492
       (linearisation of inner-product kernel matrices, used in the :math:`\psi_1\to\infty` check).

    Examples
    --------
    >>> r = random_features_risk(1e-6, 2.0, 1e-3)   # almost no features: the predictor is ~0, risk ~ F_1^2
    >>> round(r.risk, 4)
    1.0
    """
    psi1 = check_real("psi1", psi1, lower=0.0, lower_open=True)
    psi2 = check_real("psi2", psi2, lower=0.0, lower_open=True)
    lam = check_real("lam", lam, lower=0.0, lower_open=True)
    signal = check_real("signal", signal, lower=0.0)
    noise = check_real("noise", noise, lower=0.0)
    nonlinear = check_real("nonlinear", nonlinear, lower=0.0)
    c = activation_coefficients(activation)
    lam_bar = lam / c.mu_star**2
    y = np.sqrt(psi1 * psi2 * lam_bar)
    v1, v2, conv, it, res = _solve_nu(psi1, psi2, c.zeta, y)
    if not conv or res > 1e-8:
        raise RuntimeError(f"the fixed point of Mei-Montanari did not converge (relative residual {res:.2e}).")
    chi = -v1 * v2
    z = c.zeta
    p1, p2 = psi1, psi2
    E0 = (-(chi**5) * z**6 + 3 * chi**4 * z**4 + (p1 * p2 - p2 - p1 + 1) * chi**3 * z**6 - 2 * chi**3 * z**4
          - 3 * chi**3 * z**2 + (p1 + p2 - 3 * p1 * p2 + 1) * chi**2 * z**4 + 2 * chi**2 * z**2 + chi**2
          + 3 * p1 * p2 * chi * z**2 - p1 * p2)
    E1 = p2 * chi**3 * z**4 - p2 * chi**2 * z**2 + p1 * p2 * chi * z**2 - p1 * p2
    E2 = (chi**5 * z**6 - 3 * chi**4 * z**4 + (p1 - 1) * chi**3 * z**6 + 2 * chi**3 * z**4 + 3 * chi**3 * z**2
          + (-p1 - 1) * chi**2 * z**4 - 2 * chi**2 * z**2 - chi**2)
    B, V = E1 / E0, E2 / E0
    risk = signal * B + (noise + nonlinear) * V + nonlinear
    return RandomFeaturesRisk(float(risk), float(B), float(V), 1j * v1, 1j * v2, float(chi), bool(conv), int(it),
                              float(res))


@dataclass(frozen=True)
class RandomFeaturesSimulation:
    """Result of :func:`random_features_regression`: test errors (one per run), their mean and standard error,
    and the mean training error.

    Examples
    --------
    >>> from course_lib.kernels import random_features_regression
    >>> res = random_features_regression(50, 10, 20, 1e-3, n_runs=2, rng=0)
    >>> type(res).__name__, res.test_errors.shape
    ('RandomFeaturesSimulation', (2,))
    """

    test_errors: np.ndarray
    mean: float
    stderr: float
    train_error: float


def _sphere(rng, k, d):
    g = rng.standard_normal((k, d))
    return g * (np.sqrt(d) / np.linalg.norm(g, axis=1, keepdims=True))


def random_features_regression(n, N, d, lam, activation="relu", *, signal=1.0, noise=0.0, n_test=1000, n_runs=5,
                               rng=None):
    r"""Simulate random-features ridge regression in the model of :func:`random_features_risk`.

    Each run draws the training inputs, the :math:`N` feature directions, a linear target
    :math:`\beta_1` uniform on the sphere of radius :math:`F_1`, noisy labels, fits :math:`\hat a` (primal system when
    :math:`N\le n`, dual otherwise) and returns :math:`\frac1{n_{\text{test}}}\sum(\langle\beta_1,x\rangle - \hat f(x))^2`
    on fresh inputs (the noise-free test error of the theory).

    Parameters
    ----------
    n, N, d : int
        Samples, features, input dimension.
    lam : float
        :math:`\lambda_{\mathrm{reg}}\ge0` (0: minimum-norm least squares).
    activation : str
    signal, noise : float
        :math:`F_1^2` and :math:`\Delta`.
    n_test, n_runs : int
    rng : None, int or numpy.random.Generator

    Returns
    -------
    RandomFeaturesSimulation

    Examples
    --------
    >>> sim = random_features_regression(100, 20, 50, 1e-3, n_runs=2, rng=0)
    >>> bool(0.0 < sim.mean < 1.0)
    True
    """
    n = check_int("n", n, minimum=1)
    N = check_int("N", N, minimum=1)
    d = check_int("d", d, minimum=1)
    lam = check_real("lam", lam, lower=0.0)
    _check_activation(activation)
    signal = check_real("signal", signal, lower=0.0)
    noise = check_real("noise", noise, lower=0.0)
    n_test = check_int("n_test", n_test, minimum=1)
    n_runs = check_int("n_runs", n_runs, minimum=1)
    rng = check_rng(rng)
    act = _ACTIVATIONS[activation]
    errs = np.empty(n_runs)
    train = np.empty(n_runs)
    ridge = N * lam / d
    for k in range(n_runs):
        X = _sphere(rng, n, d)
        Th = _sphere(rng, N, d)
        beta = rng.standard_normal(d)
        beta *= np.sqrt(signal) / np.linalg.norm(beta)
        y = X @ beta + np.sqrt(noise) * rng.standard_normal(n)
        Z = act(X @ Th.T / np.sqrt(d))
        if lam == 0.0 and N <= n:
            a = np.linalg.solve(Z.T @ Z, Z.T @ y)
        elif lam == 0.0:
            a = Z.T @ np.linalg.solve(Z @ Z.T, y)
        elif N <= n:
            a = np.linalg.solve(Z.T @ Z / n + ridge * np.eye(N), Z.T @ y / n)
        else:
            a = Z.T @ np.linalg.solve(Z @ Z.T / n + ridge * np.eye(n), y / n)
        Xt = _sphere(rng, n_test, d)
        errs[k] = float(np.mean((Xt @ beta - act(Xt @ Th.T / np.sqrt(d)) @ a) ** 2))
        train[k] = float(np.mean((y - Z @ a) ** 2))
    se = float(errs.std(ddof=1) / np.sqrt(n_runs)) if n_runs > 1 else float("nan")
    return RandomFeaturesSimulation(errs, float(errs.mean()), se, float(train.mean()))
