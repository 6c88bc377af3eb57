"""Power-law fits with confidence intervals, the workhorse of every scaling check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .._validation import check_array, check_real

__all__ = ["PowerLawFit", "fit_power_law"]


@dataclass(frozen=True)
class PowerLawFit:
    r"""Result of :func:`fit_power_law`: :math:`y \approx C x^{a}`.

    Attributes
    ----------
    exponent : float
        The fitted exponent :math:`a`.
    prefactor : float
        The fitted constant :math:`C`.
    stderr : float
        Standard error of the exponent.
    ci : tuple of float
        Confidence interval for the exponent at level ``confidence``.
    confidence : float
        The level of ``ci``.
    correction : float or None
        Exponent :math:`\omega` of the fitted finite-size correction, if any.
    correction_coef : float
        Its coefficient :math:`b` (0 without correction).

    Examples
    --------
    >>> from course_lib.erm import fit_power_law
    >>> fit = fit_power_law([10, 100, 1000], [1.0, 0.1, 0.01])
    >>> type(fit).__name__, round(fit.exponent, 12)
    ('PowerLawFit', -1.0)
    """

    exponent: float
    prefactor: float
    stderr: float
    ci: tuple
    confidence: float
    correction: float | None = None
    correction_coef: float = 0.0

    def predict(self, x):
        r"""Evaluate the fitted model, :math:`C x^a e^{b x^\omega}` (:math:`C x^a` without correction)."""
        x = np.asarray(x, dtype=float)
        out = self.prefactor * x**self.exponent
        if self.correction is not None:
            out = out * np.exp(self.correction_coef * x**self.correction)
        return out

    def contains(self, value):
        """Whether ``value`` lies in the confidence interval of the exponent."""
        return bool(self.ci[0] <= value <= self.ci[1])

    def __str__(self):
        lo, hi = self.ci
        return f"{self.exponent:.4f} ± {self.stderr:.4f} ({100 * self.confidence:.0f}% CI [{lo:.4f}, {hi:.4f}])"


def fit_power_law(x, y, *, y_err=None, confidence=0.95, correction=None):
    r"""Fit :math:`y = C x^{a}` by least squares in log-log coordinates.

    With ``y_err=None`` this is ordinary least squares on
    :math:`(\log x_i, \log y_i)` and the interval uses Student's t with
    :math:`k-2` degrees of freedom (the scatter of the points estimates the
    noise; at least one more point than parameters is needed). With ``y_err`` (standard errors of
    the :math:`y_i`, e.g. from independent repetitions) it is weighted least
    squares with :math:`\sigma_{\log y_i} = \texttt{y\_err}_i / y_i` and the
    interval is Gaussian with the errors taken as known.

    With ``correction=omega`` (a negative number) the model carries a
    leading finite-size correction, :math:`y = C x^{a}(1 + b\,x^{\omega})`,
    fitted as :math:`\log y = \log C + a\log x + b\,x^{\omega}` (linear in
    :math:`\log C, a, b`, exact to first order in :math:`b x^\omega`). Use it when
    theory predicts a correction of known order, e.g. :math:`\omega = -1/2` for
    a central-limit correction; the exponent then is the asymptotic one.

    Parameters
    ----------
    x, y : array_like, shape (k,)
        Positive abscissae (at least two distinct) and ordinates.
    y_err : array_like, shape (k,), optional
        Positive standard errors of ``y``.
    confidence : float
        Level of the interval, in (0, 1).
    correction : float, optional
        Exponent :math:`\omega < 0` of the finite-size correction.

    Returns
    -------
    PowerLawFit

    Examples
    --------
    >>> fit = fit_power_law([1, 2, 4, 8], [3.0, 1.5, 0.75, 0.375])
    >>> round(fit.exponent, 12), round(fit.prefactor, 12)
    (-1.0, 3.0)
    """
    x = check_array("x", x, ndim=1, min_len=2)
    y = check_array("y", y, ndim=1)
    confidence = check_real("confidence", confidence, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    if y.shape != x.shape:
        raise ValueError(f"`y` must have the same shape as `x` {x.shape}, got {y.shape}.")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("`x` and `y` must be positive to be fitted in log-log coordinates.")
    if np.unique(x).size < 2:
        raise ValueError("`x` must contain at least two distinct values.")
    if correction is not None:
        correction = check_real("correction", correction, upper=0.0, upper_open=True)
    lx, ly = np.log(x), np.log(y)
    k = x.size
    n_par = 2 if correction is None else 3
    if np.unique(x).size < n_par:
        raise ValueError(f"`x` must contain at least {n_par} distinct values for this model.")
    if y_err is None:
        if k < n_par + 1:
            raise ValueError(
                f"without `y_err` at least {n_par + 1} points are needed to estimate the error, got {k}."
            )
        w = np.ones(k)
    else:
        y_err = check_array("y_err", y_err, ndim=1)
        if y_err.shape != x.shape:
            raise ValueError(f"`y_err` must have the same shape as `x` {x.shape}, got {y_err.shape}.")
        if np.any(y_err <= 0):
            raise ValueError("`y_err` must be positive.")
        w = (y / y_err) ** 2
    cols = [np.ones(k), lx] if correction is None else [np.ones(k), lx, x**correction]
    A = np.column_stack(cols)
    Aw = A * w[:, None]
    cov = np.linalg.inv(A.T @ Aw)
    coef = cov @ (Aw.T @ ly)
    if y_err is None:
        resid = ly - A @ coef
        s2 = resid @ resid / (k - n_par)
        cov = cov * s2
        q = stats.t.ppf(0.5 + confidence / 2, df=k - n_par)
    else:
        q = stats.norm.ppf(0.5 + confidence / 2)
    se = float(np.sqrt(cov[1, 1]))
    a = float(coef[1])
    return PowerLawFit(
        exponent=a,
        prefactor=float(np.exp(coef[0])),
        stderr=se,
        ci=(a - q * se, a + q * se),
        confidence=confidence,
        correction=correction,
        correction_coef=0.0 if correction is None else float(coef[2]),
    )
