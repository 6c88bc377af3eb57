"""Convergence exponents with confidence intervals (a thin layer over :func:`course_lib.erm.fit_power_law`)."""

from __future__ import annotations

import numpy as np

from .._validation import check_array
from ..erm import fit_power_law

__all__ = ["convergence_exponent"]


def convergence_exponent(n, errors, *, confidence=0.95, correction=None):
    r"""Fit :math:`\mathrm{err}(n) \approx C n^{a}` in log-log coordinates, with a confidence interval for :math:`a`.

    ``errors`` is either one positive number per ``n`` (then ordinary least squares
    in log-log coordinates, the interval from the scatter) or an array of shape
    ``(n_runs, len(n))`` of independent runs: the mean over runs is fitted by
    weighted least squares with its standard error :math:`\hat s/\sqrt{n_{\mathrm{runs}}}`,
    and the interval is Gaussian. For the interval to be valid the columns must be
    *independent* (use separate runs for each ``n``, not one run recorded at several times).

    Parameters
    ----------
    n : array_like, shape (k,)
        Positive iteration numbers (or any abscissae).
    errors : array_like, shape (k,) or (n_runs, k)
        Positive errors.
    confidence : float
        Level of the interval.
    correction : float, optional
        Exponent :math:`\omega<0` of a finite-size correction :math:`(1 + b n^{\omega})`.

    Returns
    -------
    course_lib.erm.PowerLawFit

    Examples
    --------
    >>> n = np.array([10, 100, 1000])
    >>> round(convergence_exponent(n, 2.0 / np.sqrt(n)).exponent, 12)
    -0.5
    """
    n = check_array("n", n, ndim=1, min_len=2)
    errors = check_array("errors", errors, ndim=(1, 2))
    if np.any(n <= 0):
        raise ValueError(f"`n` must be positive (it is fitted in log-log coordinates), got min {n.min():g}.")
    if np.any(errors <= 0):
        raise ValueError(
            f"`errors` must be positive (they are fitted in log-log coordinates), got min {errors.min():g}."
        )
    if errors.shape[-1] != n.size:
        raise ValueError(f"`errors` must have {n.size} entries along its last axis (one per `n`), got shape {errors.shape}.")
    if errors.ndim == 1:
        return fit_power_law(n, errors, confidence=confidence, correction=correction)
    if errors.shape[0] < 2:
        raise ValueError("`errors` must hold at least two runs to estimate standard errors.")
    mean = errors.mean(axis=0)
    se = errors.std(axis=0, ddof=1) / np.sqrt(errors.shape[0])
    return fit_power_law(n, mean, y_err=se, confidence=confidence, correction=correction)
