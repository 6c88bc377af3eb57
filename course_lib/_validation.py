"""Argument checks shared by every public wrapper of :mod:`course_lib`.

Every message names the parameter, the value received and what is allowed,
so that a student who passes a wrong argument learns what to change.

Real arguments and array entries are also bounded in magnitude by ``MAX_ABS`` = 1e150 unless a wrapper
opts out (``max_abs=None``): no quantity of this course is that large, and squaring anything larger
overflows, so such a value is rejected with a clear message instead of turning into inf or NaN inside
numpy. Wrappers whose functions have a correct limit at large arguments (``ridge_risk`` at large
``gamma``, ``spherical_p2_energy`` at large ``t``...) opt out and return that limit.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "MAX_ABS",
    "DivergenceWarning",
    "check_int",
    "check_real",
    "check_array",
    "check_bool",
    "check_rng",
    "check_sequence",
]


#: Default bound on the magnitude of real arguments and array entries.
MAX_ABS = 1e150


class DivergenceWarning(RuntimeWarning):
    """An iteration or simulation diverged (non-finite iterate); the message names the parameter to change."""


def _check_magnitude(name, largest, max_abs):
    if max_abs is not None and largest > max_abs:
        raise ValueError(
            f"`{name}` must be at most {max_abs:g} in magnitude (larger values overflow), got {largest:g}."
        )


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


def check_real(name, value, *, lower=None, upper=None, lower_open=False, upper_open=False, max_abs=MAX_ABS):
    """Return ``value`` as a finite float after checking its type and range.

    ``lower``/``upper`` are bounds; ``*_open`` makes the bound strict; ``|value| <= max_abs`` unless
    ``max_abs`` is None.
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
    _check_magnitude(name, abs(value), max_abs)
    return value


def check_array(name, value, *, ndim=None, dtype=np.float64, min_len=None, finite=True, max_abs=MAX_ABS):
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
    max_abs : float or None
        Reject entries larger than this in magnitude (only with ``finite``).
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
    if finite and max_abs is not None and arr.size and np.issubdtype(arr.dtype, np.floating):
        _check_magnitude(name, float(np.max(np.abs(arr))), max_abs)
    return arr


def check_rng(rng, name="rng"):
    """Return a :class:`numpy.random.Generator` built from ``rng``, after checking it.

    This is the one place where the library normalises its ``rng`` arguments (SPEC 7): ``None``
    (fresh OS entropy), a non-negative integer seed, a :class:`numpy.random.SeedSequence`, a
    :class:`numpy.random.BitGenerator` or a :class:`numpy.random.Generator` (returned as is).

    Raises
    ------
    TypeError
        If ``rng`` is of any other type (a string, a float, a legacy ``RandomState``...).
    ValueError
        If ``rng`` is a negative integer.

    Examples
    --------
    >>> from course_lib._validation import check_rng
    >>> float(check_rng(0).standard_normal()) == float(check_rng(0).standard_normal())
    True
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, (np.random.SeedSequence, np.random.BitGenerator)):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"`{name}` must be a non-negative integer seed, got {rng}.")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"`{name}` must be None, a non-negative integer seed, a numpy SeedSequence/BitGenerator or a "
        f"numpy Generator, got {rng!r} of type {type(rng).__name__}."
    )


def check_sequence(name, value, *, min_len=1):
    """Return ``value`` as a tuple after checking that it is a sequence (list, tuple, 1-d array) of ``min_len`` items.

    Strings, scalars, 0-d arrays and None raise ``TypeError``; a too short sequence raises ``ValueError``.
    The items themselves are checked by the caller.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray, range)):
        raise TypeError(f"`{name}` must be a list, tuple or 1-d array, got {value!r} of type {type(value).__name__}.")
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise TypeError(f"`{name}` must be a 1-d sequence, got an array of shape {value.shape}.")
    out = tuple(value)
    if len(out) < min_len:
        raise ValueError(f"`{name}` must have at least {min_len} item(s), got {len(out)}.")
    return out
