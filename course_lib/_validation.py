"""Argument checks shared by every public wrapper of :mod:`course_lib`.

Every message names the parameter, the value received and what is allowed,
so that a student who passes a wrong argument learns what to change.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_int",
    "check_real",
    "check_array",
    "check_bool",
]


def check_bool(name, value):
    """Return ``value`` if it is a bool, else raise ``TypeError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be a bool, got {value!r} of type {type(value).__name__}.")
    return bool(value)


def check_int(name, value, *, minimum=None, maximum=None):
    """Return ``value`` as a Python int after checking its type and range.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (bools are rejected too).
    ValueError
        If ``value`` lies outside ``[minimum, maximum]``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {value!r} of type {type(value).__name__}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"`{name}` must be an integer <= {maximum}, got {value}.")
    return value


def check_real(name, value, *, lower=None, upper=None, lower_open=False, upper_open=False):
    """Return ``value`` as a finite float after checking its type and range.

    ``lower``/``upper`` are bounds; ``*_open`` makes the bound strict.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number, got {value!r} of type {type(value).__name__}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite, got {value}.")
    if lower is not None and (value < lower or (lower_open and value == lower)):
        op = ">" if lower_open else ">="
        raise ValueError(f"`{name}` must be {op} {lower}, got {value}.")
    if upper is not None and (value > upper or (upper_open and value == upper)):
        op = "<" if upper_open else "<="
        raise ValueError(f"`{name}` must be {op} {upper}, got {value}.")
    return value


def check_array(name, value, *, ndim=None, dtype=np.float64, min_len=None, finite=True):
    """Return ``value`` as a C-contiguous array of ``dtype`` after checking it.

    Parameters
    ----------
    name : str
        Parameter name used in error messages.
    value : array_like
        The argument to check.
    ndim : int or tuple of int, optional
        Allowed number(s) of dimensions.
    dtype : numpy dtype
        Target dtype; real input is converted, complex or object input is rejected.
    min_len : int, optional
        Minimum length of the first axis.
    finite : bool
        Reject NaN and infinities.
    """
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - numpy raises very rarely here
        raise TypeError(f"`{name}` must be array-like, got {type(value).__name__}.") from exc
    if arr.dtype == object or np.iscomplexobj(arr) or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
    ):
        raise TypeError(f"`{name}` must be a real numeric array, got dtype {arr.dtype}.")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ValueError(
                f"`{name}` must have ndim in {allowed}, got an array of shape {arr.shape}."
            )
    if min_len is not None and (arr.ndim == 0 or arr.shape[0] < min_len):
        raise ValueError(
            f"`{name}` must have at least {min_len} entries along its first axis, got shape {arr.shape}."
        )
    arr = np.asarray(arr, dtype=dtype, order="C")  # (ascontiguousarray would turn 0-d into 1-d)
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must contain only finite values (no NaN or inf).")
    return arr
