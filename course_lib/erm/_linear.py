"""Least squares on Gaussian data: the exact error decomposition of ERM."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_int, check_real, check_rng

__all__ = [
    "gaussian_linear_data",
    "ols_expected_estimation_error",
    "least_squares_gd",
    "GDResult",
]


def gaussian_linear_data(n, w_star, *, noise_var=0.0, rng=None):
    r"""Draw ``n`` samples of the Gaussian linear model :math:`y = \langle w_*, x\rangle + \sqrt{\Delta}\,\xi`.

    Here :math:`x \sim \mathcal N(0, I_D)` and :math:`\xi \sim \mathcal N(0,1)` independent.
    Its population risk is :math:`R(w) = \mathbb{E}(y - \langle w, x\rangle)^2
    = \lVert w - w_*\rVert^2 + \Delta`, so every error term of ERM has a closed form.

    Parameters
    ----------
    n : int
        Number of samples, >= 1.
    w_star : array_like, shape (D,)
        Teacher vector :math:`w_*`.
    noise_var : float
        Label-noise variance :math:`\Delta \ge 0`.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n, D)
    y : ndarray of shape (n,)

    Examples
    --------
    >>> from course_lib.erm import gaussian_linear_data
    >>> X, y = gaussian_linear_data(5, [1.0, -1.0], noise_var=0.1, rng=0)
    >>> X.shape, y.shape
    ((5, 2), (5,))
    """
    n = check_int("n", n, minimum=1)
    w_star = check_array("w_star", w_star, ndim=1, min_len=1)
    noise_var = check_real("noise_var", noise_var, lower=0.0)
    rng = check_rng(rng)
    X = rng.standard_normal((n, w_star.size))
    y = X @ w_star + np.sqrt(noise_var) * rng.standard_normal(n)
    return X, y


def ols_expected_estimation_error(p, n, noise_var):
    r"""Expected estimation error of least squares with an isotropic Gaussian design.

    For :math:`y = \langle w_*, x\rangle + \xi` with :math:`x\sim\mathcal N(0,I_p)`
    and :math:`\xi` independent of :math:`x` with variance :math:`s^2`, the ERM
    :math:`\hat w = (X^\top X)^{-1}X^\top y` satisfies

    .. math:: \mathbb{E}\lVert \hat w - w_*\rVert^2 = s^2\, \mathbb{E}\,\mathrm{tr}(X^\top X)^{-1}
              = \frac{s^2\, p}{n - p - 1}, \qquad n > p + 1,

    by the mean of the inverse Wishart distribution [1]_. Coordinates of the
    teacher that the model leaves out act as extra independent noise:
    :math:`s^2 = \Delta + \lVert w_{*,\text{out}}\rVert^2`.

    Parameters
    ----------
    p : int
        Number of fitted parameters, >= 1.
    n : int
        Number of samples, > p + 1.
    noise_var : float
        :math:`s^2 \ge 0`.

    Returns
    -------
    float

    References
    ----------
    .. [1] T. W. Anderson, *An Introduction to Multivariate Statistical Analysis*,
       3rd ed., Wiley (2003).

    Examples
    --------
    >>> from course_lib.erm import ols_expected_estimation_error
    >>> round(ols_expected_estimation_error(10, 100, 1.0), 6)  # 10 / (100 - 10 - 1)
    0.11236
    """
    p = check_int("p", p, minimum=1)
    n = check_int("n", n, minimum=p + 2)
    noise_var = check_real("noise_var", noise_var, lower=0.0)
    return noise_var * p / (n - p - 1)


@dataclass(frozen=True)
class GDResult:
    """Iterates of :func:`least_squares_gd`.

    Attributes
    ----------
    w : ndarray of shape (n_steps + 1, p)
        Iterates, ``w[0] = 0``.
    step : float
        Step size used.

    Examples
    --------
    >>> from course_lib.erm import least_squares_gd
    >>> res = least_squares_gd(np.eye(2), [1.0, 2.0], n_steps=3)
    >>> type(res).__name__, res.w.shape
    ('GDResult', (4, 2))
    """

    w: np.ndarray
    step: float


def least_squares_gd(X, y, *, n_steps, step=None):
    r"""Full-batch gradient descent on the empirical least-squares risk, started at zero.

    .. math:: \hat R_n(w) = \frac1{2n}\lVert y - Xw\rVert^2, \qquad
              w_{t+1} = w_t - \eta \nabla \hat R_n(w_t) .

    With :math:`S = X^\top X/n` and ERM :math:`\hat w`,
    :math:`w_t - \hat w = -(I - \eta S)^t \hat w`: the optimisation error decays
    geometrically at the rate :math:`(1 - \eta\lambda_{\min}(S))^{2t}` for
    :math:`\eta \le 1/\lambda_{\max}(S)`.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    n_steps : int
        Number of steps, >= 0.
    step : float, optional
        :math:`\eta`; defaults to :math:`1/\lambda_{\max}(S)`. Must lie in
        :math:`(0, 2/\lambda_{\max}(S))` for convergence.

    Returns
    -------
    GDResult

    Examples
    --------
    >>> from course_lib.erm import least_squares_gd
    >>> res = least_squares_gd(np.eye(2), [1.0, 2.0], n_steps=50)  # S = I/2: the default step is 2
    >>> res.w.shape, res.step, res.w[-1].round(6).tolist()
    ((51, 2), 2.0, [1.0, 2.0])
    """
    X = check_array("X", X, ndim=2, min_len=1)
    y = check_array("y", y, ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have length {X.shape[0]} (the rows of `X`), got {y.shape[0]}.")
    n_steps = check_int("n_steps", n_steps, minimum=0)
    n = X.shape[0]
    S = X.T @ X / n
    lmax = float(np.linalg.eigvalsh(S)[-1])
    if step is None:
        step = 1.0 / lmax
    step = check_real("step", step, lower=0.0, lower_open=True)
    if step >= 2.0 / lmax:
        raise ValueError(
            f"`step` must be < 2/lambda_max(X^T X/n) = {2.0 / lmax:.4g} for gradient descent to converge, got {step}."
        )
    b = X.T @ y / n
    w = np.zeros((n_steps + 1, X.shape[1]))
    for t in range(n_steps):
        w[t + 1] = w[t] - step * (S @ w[t] - b)
    return GDResult(w=w, step=step)
