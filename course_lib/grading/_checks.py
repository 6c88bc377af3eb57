"""The check functions used by homework check cells."""

from __future__ import annotations

import numpy as np

from .._validation import check_real

__all__ = ["CheckFailed", "call", "check_close", "check_function", "check_statistic"]


class CheckFailed(AssertionError):
    """A homework check did not pass; the message says why."""


def _as_float_array(name, value):
    if value is None:
        raise CheckFailed(f"{name}: got None -- did the function `return` its result?")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise CheckFailed(f"{name}: expected a number or an array of numbers, got {type(value).__name__}.") from exc
    if not np.all(np.isfinite(arr)):
        raise CheckFailed(f"{name}: the answer contains NaN or infinity: {value!r}.")
    return arr


def call(name, func, *args, **kwargs):
    """Call a student's function, turning a missing implementation into a failed check.

    Use it in check cells whenever a student's function is evaluated, so that the
    student edition reports :class:`CheckFailed` ("not implemented yet") rather than a bare
    ``NotImplementedError``.
    """
    if not callable(func):
        raise CheckFailed(f"{name}: expected a function, got {type(func).__name__}.")
    try:
        return func(*args, **kwargs)
    except NotImplementedError as exc:
        raise CheckFailed(f"{name}: not implemented yet (the function raises NotImplementedError).") from exc


def check_close(name, value, expected, *, rtol=1e-7, atol=0.0):
    r"""Check ``|value - expected| <= atol + rtol |expected|`` elementwise.

    Parameters
    ----------
    name : str
        What is checked, used in the message.
    value : float or array_like
        The student's answer.
    expected : float or array_like
        The reference.
    rtol, atol : float
        Relative and absolute tolerances (>= 0, not both zero).

    Raises
    ------
    CheckFailed
        If the answer is missing, of the wrong shape, not finite or not close.

    Examples
    --------
    >>> check_close("pi", 3.14159, np.pi, rtol=1e-5)
    """
    rtol = check_real("rtol", rtol, lower=0.0)
    atol = check_real("atol", atol, lower=0.0)
    if rtol == 0.0 and atol == 0.0:
        raise ValueError("`rtol` and `atol` cannot both be zero: no floating-point answer could pass.")
    got = _as_float_array(name, value)
    want = np.asarray(expected, dtype=float)
    if got.shape != want.shape:
        raise CheckFailed(f"{name}: expected shape {want.shape}, got shape {got.shape}.")
    err = np.abs(got - want)
    bound = atol + rtol * np.abs(want)
    if np.any(err > bound):
        i = int(np.argmax(err - bound))
        raise CheckFailed(
            f"{name}: expected {want.flat[i]:.10g}, got {got.flat[i]:.10g} "
            f"(difference {err.flat[i]:.3g} > allowed {bound.flat[i]:.3g})."
        )


def check_function(name, func, reference, cases, *, rtol=1e-7, atol=0.0):
    """Check a student's function against a reference on a list of argument tuples.

    Parameters
    ----------
    name : str
        What is checked.
    func : callable
        The student's function.
    reference : callable
        The reference implementation (usually from :mod:`course_lib`).
    cases : sequence of tuple
        Positional arguments for each call.
    rtol, atol : float
        Tolerances as in :func:`check_close`.
    """
    if len(cases) == 0:
        raise ValueError("`cases` must contain at least one tuple of arguments.")
    for args in cases:
        label = f"{name}{tuple(args)!r}"
        check_close(label, call(label, func, *args), reference(*args), rtol=rtol, atol=atol)


def check_statistic(name, estimate, expected, stderr, *, n_sigma=4.0):
    r"""Check a Monte Carlo estimate against theory: ``|estimate - expected| <= n_sigma * stderr``.

    With ``n_sigma = 4`` a correct, unbiased estimator fails with probability
    about :math:`6\times10^{-5}` (Gaussian approximation); with a fixed seed the
    outcome is deterministic.

    Parameters
    ----------
    name : str
        What is checked.
    estimate : float
        The student's estimate.
    expected : float
        The theoretical value.
    stderr : float
        Standard error of the estimate (> 0).
    n_sigma : float
        Number of standard errors allowed (> 0).
    """
    stderr = check_real("stderr", stderr, lower=0.0, lower_open=True)
    n_sigma = check_real("n_sigma", n_sigma, lower=0.0, lower_open=True)
    if estimate is not None and np.ndim(estimate) != 0:
        raise CheckFailed(f"{name}: expected a single number, got an array of shape {np.shape(estimate)}.")
    got = float(_as_float_array(name, estimate))
    z = (got - expected) / stderr
    if abs(z) > n_sigma:
        raise CheckFailed(
            f"{name}: estimate {got:.6g} is {z:+.1f} standard errors from the theoretical value "
            f"{expected:.6g} (allowed: {n_sigma:g})."
        )
