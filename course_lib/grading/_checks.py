"""The check functions used by homework check cells.

Every check raises :class:`CheckFailed` with one line a student can act on. Errors of the
check itself (a non-finite reference or tolerance, a tolerance of zero) raise ``ValueError``:
they are never a pass.
"""

from __future__ import annotations

import contextlib
import math
import sys

import numpy as np

from .._validation import check_real

__all__ = [
    "CheckFailed",
    "call",
    "check_close",
    "check_function",
    "check_simulation",
    "check_statistic",
    "forbid",
    "simulate",
]


class CheckFailed(AssertionError):
    """A homework check did not pass; the message says why.

    In a notebook it is displayed as one line (``CheckFailed: <message>``) instead of a
    traceback into :mod:`course_lib`: IPython calls ``_render_traceback_`` when it exists.
    """

    def _render_traceback_(self):
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {self}"]


def _as_float_array(name, value):
    if value is None:
        raise CheckFailed(f"{name}: got None -- did the function `return` its result?")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{name}: expected a number or an array of numbers, got {type(value).__name__}.") from None
    if not np.all(np.isfinite(arr)):
        raise CheckFailed(f"{name}: the answer contains NaN or infinity: {value!r}.")
    return arr


def _finite_reference(what, value):
    """The checker's own reference as a float array; NaN or infinity is an error of the check."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"`{what}` must be a number or an array of numbers, got {type(value).__name__}.") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{what}` must be finite, got {value!r}: a check against NaN or infinity cannot pass or fail.")
    return arr


def _resolve(name):
    """``'rmt.semicircle_moment'`` or ``'teacher_student.GaussBernoulliPrior.denoise'`` -> (owner, attribute, object)."""
    import importlib

    parts = (name if name.startswith("course_lib.") else "course_lib." + name).split(".")
    owner = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:-1], start=1):
        if not hasattr(owner, part):
            try:
                importlib.import_module(".".join(parts[: i + 1]))
            except ImportError:
                raise ValueError(f"`forbid`: {name!r} does not name an attribute of course_lib.") from None
        owner = getattr(owner, part)
    if not hasattr(owner, parts[-1]):
        raise ValueError(f"`forbid`: {name!r} does not name an attribute of course_lib.")
    return owner, parts[-1], getattr(owner, parts[-1])


class _ForbiddenValue:
    """Stands in for a forbidden constant: any use of it fails the check."""

    def __init__(self, message):
        self._message = message

    def _fail(self, *args, **kwargs):
        raise CheckFailed(self._message)

    __float__ = __int__ = __index__ = __array__ = __bool__ = __neg__ = __abs__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __lt__ = __gt__ = __le__ = __ge__ = _fail


@contextlib.contextmanager
def forbid(*names, user="your code"):
    """Disable named :mod:`course_lib` functions while a student's function runs.

    Inside the ``with`` block every module attribute bound to one of the named functions
    (in :mod:`course_lib`, its private modules, and the notebook's ``__main__``) is replaced by
    a stub that raises ``CheckFailed("<user> uses <function>, which this problem asks you not
    to use")``; the originals are restored on exit, also after an error.

    Parameters
    ----------
    *names : str
        Functions or constants as ``"rmt.semicircle_moment"`` (relative to ``course_lib``), or
        methods as ``"teacher_student.GaussBernoulliPrior.denoise"``. A forbidden constant is
        replaced by an object whose every use (``float``, arithmetic) fails the check.
    user : str
        Who uses it, in the message (``grading.call`` passes the student's function name).

    Examples
    --------
    >>> from course_lib import rmt
    >>> with forbid("rmt.semicircle_moment"):
    ...     try:
    ...         rmt.semicircle_moment(4)
    ...     except CheckFailed as exc:
    ...         print(exc)
    your code uses rmt.semicircle_moment, which this problem asks you not to use.
    >>> rmt.semicircle_moment(4)
    2
    """
    patches = []
    try:
        for name in names:
            short = name.removeprefix("course_lib.")
            owner, attr, original = _resolve(name)

            message = f"{user} uses {short}, which this problem asks you not to use."
            if callable(original):

                def stub(*args, _message=message, **kwargs):
                    raise CheckFailed(_message)

                stub.__name__ = attr
            else:
                stub = _ForbiddenValue(message)
            holders = [(owner, attr)]
            # also rebind the same object where it was imported (private modules, the notebook); small
            # integers and strings are shared by unrelated names, so only the owner is patched for those
            if not isinstance(owner, type) and not isinstance(original, (int, str, bool)):
                for mod_name, mod in list(sys.modules.items()):
                    if mod is None or mod is owner:
                        continue
                    if mod_name == "__main__" or mod_name.startswith("course_lib"):
                        for key, val in list(getattr(mod, "__dict__", {}).items()):
                            if val is original:
                                holders.append((mod, key))
            for holder, key in holders:
                patches.append((holder, key, getattr(holder, key)))
                setattr(holder, key, stub)
        yield
    finally:
        for holder, key, val in reversed(patches):
            setattr(holder, key, val)


_forbid = forbid


def call(name, func, *args, forbid=(), **kwargs):
    """Call a student's function, turning a missing implementation into a failed check.

    Use it in check cells whenever a student's function is evaluated, so that the student
    edition reports :class:`CheckFailed` ("not implemented yet") rather than a bare
    ``NotImplementedError``. ``forbid`` names :mod:`course_lib` functions that the problem
    does not allow; they raise :class:`CheckFailed` while ``func`` runs (see :func:`forbid`).
    """
    if not callable(func):
        raise CheckFailed(f"{name}: expected a function, got {type(func).__name__}.")
    guard = _forbid(*forbid, user=name) if forbid else contextlib.nullcontext()
    try:
        with guard:
            return func(*args, **kwargs)
    except NotImplementedError:
        raise CheckFailed(f"{name}: not implemented yet (the function raises NotImplementedError).") from None
    except CheckFailed as exc:
        raise CheckFailed(str(exc)) from None


def check_close(name, value, expected, *, rtol=1e-7, atol=0.0):
    r"""Check ``|value - expected| <= atol + rtol |expected|`` elementwise.

    Parameters
    ----------
    name : str
        What is checked, used in the message.
    value : float or array_like
        The student's answer.
    expected : float or array_like
        The reference (finite: NaN or infinity raises ``ValueError``).
    rtol, atol : float
        Relative and absolute tolerances (finite, >= 0, not both zero).

    Raises
    ------
    CheckFailed
        If the answer is missing, of the wrong shape, not finite or not close.
    ValueError
        If the reference or a tolerance is not finite, or both tolerances are zero.

    Examples
    --------
    >>> check_close("pi", 3.14159, np.pi, rtol=1e-5)
    """
    rtol = check_real("rtol", rtol, lower=0.0)
    atol = check_real("atol", atol, lower=0.0)
    if rtol == 0.0 and atol == 0.0:
        raise ValueError("`rtol` and `atol` cannot both be zero: no floating-point answer could pass.")
    want = _finite_reference("expected", expected)
    got = _as_float_array(name, value)
    if got.shape != want.shape:
        raise CheckFailed(f"{name}: expected shape {want.shape}, got shape {got.shape}.")
    err = np.abs(got - want)
    bound = atol + rtol * np.abs(want)
    if np.any(err > bound):
        i = int(np.argmax(err - bound))
        index = tuple(int(j) for j in np.unravel_index(i, want.shape))  # plain ints: no np.int64(...) in the message
        where = f" (at index {index[0] if len(index) == 1 else index})" if want.ndim else ""
        raise CheckFailed(
            f"{name}: expected {want.flat[i]:.10g}, got {got.flat[i]:.10g}{where} "
            f"(difference {err.flat[i]:.3g} > allowed {bound.flat[i]:.3g})."
        )


def check_function(name, func, reference, cases, *, rtol=1e-7, atol=0.0, forbid=()):
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
    forbid : tuple of str
        :mod:`course_lib` functions the student's function may not call (see :func:`forbid`).
    """
    if len(cases) == 0:
        raise ValueError("`cases` must contain at least one tuple of arguments.")
    for args in cases:
        label = f"{name}{tuple(args)!r}" if len(repr(tuple(args))) < 60 else name
        check_close(label, call(label, func, *args, forbid=forbid), reference(*args), rtol=rtol, atol=atol)


def check_statistic(name, estimate, expected, stderr, *, n_sigma=4.0):
    r"""Check a Monte Carlo estimate against theory: ``|estimate - expected| <= n_sigma * stderr``.

    ``stderr`` must be computed by the checker (from theory, from a reference estimator or
    from the spread of repeated runs, see :func:`check_simulation`), never taken from the
    student. With ``n_sigma = 4`` a correct, unbiased estimator fails with probability about
    :math:`6\times10^{-5}` (Gaussian approximation); with a fixed seed the outcome is deterministic.

    Parameters
    ----------
    name : str
        What is checked.
    estimate : float
        The student's estimate.
    expected : float
        The theoretical value (finite).
    stderr : float
        Standard error of the estimate (finite, > 0), known to the checker.
    n_sigma : float
        Number of standard errors allowed (> 0).
    """
    stderr = check_real("stderr", stderr, lower=0.0, lower_open=True)
    n_sigma = check_real("n_sigma", n_sigma, lower=0.0, lower_open=True)
    expected = float(_finite_reference("expected", expected))
    if estimate is not None and np.ndim(estimate) != 0:
        raise CheckFailed(f"{name}: expected a single number, got an array of shape {np.shape(estimate)}.")
    got = float(_as_float_array(name, estimate))
    z = (got - expected) / stderr
    if abs(z) > n_sigma:
        raise CheckFailed(
            f"{name}: estimate {got:.6g} is {z:+.1f} standard errors ({stderr:.3g} each) from the theoretical value "
            f"{expected:.6g} (allowed: {n_sigma:g})."
        )


def _t_threshold(n_sigma, dof):
    """The Student-t quantile with the two-sided tail probability of ``n_sigma`` Gaussian sigmas."""
    from scipy import stats

    return float(stats.t.isf(stats.norm.sf(n_sigma), dof))


def simulate(name, func, args, *, seeds, returns_stderr=False, unpack=None, forbid=(), kwargs=None):
    """Run a student's simulation once per checker seed; the estimates must depend on the seed.

    ``func(*args, rng, **kwargs)`` is called with ``rng = np.random.default_rng(seed)`` for each
    seed. Its output, passed through ``unpack`` if given, is an estimate (a single number) or,
    when ``returns_stderr``, a pair ``(estimate, stderr)``.

    Returns
    -------
    estimates : numpy.ndarray
        One estimate per seed.
    stderrs : numpy.ndarray or None
        The standard errors the function reported (only when ``returns_stderr``).

    Raises
    ------
    CheckFailed
        If an output has the wrong form, or all estimates are equal: a simulation must draw its
        random numbers from ``rng``.
    """
    seeds = [int(s) for s in seeds]
    if len(seeds) < 2:
        raise ValueError(f"`seeds` must hold at least 2 seeds, got {len(seeds)}.")
    kwargs = kwargs or {}
    estimates, reported = [], []
    for seed in seeds:
        out = call(name, func, *args, np.random.default_rng(seed), forbid=forbid, **kwargs)
        if unpack is not None:
            try:
                out = unpack(out)
            except Exception as exc:  # a result of the wrong kind
                raise CheckFailed(f"{name}: unexpected result {out!r:.80} ({type(exc).__name__}: {exc}).") from None
        if returns_stderr:
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                raise CheckFailed(f"{name}: expected a pair (estimate, stderr), got {type(out).__name__} {out!r:.60}.")
            est, se = out
            se = _as_float_array(f"{name} (stderr)", se)
            if se.ndim != 0:
                raise CheckFailed(f"{name}: the standard error must be a single number, got shape {se.shape}.")
            reported.append(float(se))
        else:
            est = out
        if est is None or np.ndim(est) != 0:
            raise CheckFailed(f"{name}: expected a single number as the estimate, got {est!r:.60}.")
        estimates.append(float(_as_float_array(name, est)))
    e = np.array(estimates)
    if np.ptp(e) == 0.0:
        raise CheckFailed(f"{name}: the same estimate {e[0]:.6g} for {len(e)} different random generators -- "
                          "a simulation must draw its random numbers from `rng`.")
    return e, (np.array(reported) if returns_stderr else None)


def check_simulation(name, func, args, expected, *, seeds, stderr=None, returns_stderr=True, unpack=None, bias=0.0,
                     n_sigma=4.0, stderr_factor=3.0, forbid=(), kwargs=None):
    r"""Run a student's simulation on the checker's own seeds and check it against theory.

    ``func(*args, rng)`` is called once per seed with ``rng = np.random.default_rng(seed)``
    (see :func:`simulate`); it returns an estimate, or ``(estimate, stderr)`` when
    ``returns_stderr``. The checker never believes a standard error it is handed:

    1. the estimates of different seeds must differ (a simulation responds to its random input);
    2. their spread :math:`s` is measured; when the checker knows the standard error of one
       run (``stderr``, from theory or a reference estimator), :math:`s/\texttt{stderr}` must lie
       within ``[1/stderr_factor, stderr_factor]``;
    3. the mean of the :math:`k` estimates must lie within ``bias`` plus ``n_sigma`` standard
       errors of ``expected`` -- ``stderr``/:math:`\sqrt k` when given; otherwise
       :math:`s/\sqrt k` with the Student-t quantile of :math:`k - 1` degrees of freedom that has
       the tail probability of ``n_sigma`` Gaussian sigmas;
    4. a standard error the student reports must agree with the spread (``stderr`` when given,
       else :math:`s`) within the factor ``stderr_factor`` (geometric mean over the seeds).
       Confusing the standard deviation of the samples with the standard error is off by the
       square root of the sample size, far more than this factor.

    Parameters
    ----------
    name : str
        What is checked.
    func : callable
        The student's function.
    args : tuple
        Arguments before ``rng``.
    expected : float
        The theoretical value (finite).
    seeds : sequence of int
        At least 2 seeds (at least 4 when ``stderr`` is None, so that the spread is measured).
    stderr : float, optional
        The standard error of one run, known to the checker.
    returns_stderr : bool
        Whether ``func`` returns ``(estimate, stderr)``.
    unpack : callable, optional
        Maps the function's output to the estimate or the pair (e.g. ``lambda fit: (fit.exponent, fit.stderr)``).
    bias : float
        A known bound on the bias of a correct estimator (finite size), added to the tolerance (>= 0).
    n_sigma, stderr_factor : float
        Tolerances (> 0, and > 1 for ``stderr_factor``).
    forbid : tuple of str
        :mod:`course_lib` functions ``func`` may not call.
    kwargs : dict, optional
        Keyword arguments for ``func``.

    Returns
    -------
    numpy.ndarray
        The estimates, one per seed.

    Examples
    --------
    >>> def mean_of_uniforms(n, rng):
    ...     u = rng.random(n)
    ...     return u.mean(), u.std(ddof=1) / np.sqrt(n)
    >>> est = check_simulation("mean", mean_of_uniforms, (400,), 0.5, seeds=range(6), stderr=np.sqrt(1 / 12 / 400))
    >>> check_simulation("mean", lambda n, rng: (0.5, 0.01), (400,), 0.5, seeds=range(6))
    Traceback (most recent call last):
    ...
    course_lib.grading._checks.CheckFailed: mean: the same estimate 0.5 for 6 different random generators -- a simulation must draw its random numbers from `rng`.
    """
    seeds = [int(s) for s in seeds]
    n_sigma = check_real("n_sigma", n_sigma, lower=0.0, lower_open=True)
    stderr_factor = check_real("stderr_factor", stderr_factor, lower=1.0, lower_open=True)
    bias = check_real("bias", bias, lower=0.0)
    expected = float(_finite_reference("expected", expected))
    if stderr is not None:
        stderr = check_real("stderr", stderr, lower=0.0, lower_open=True)
    if len(seeds) < (2 if stderr is not None else 4):
        raise ValueError(f"`seeds` must hold at least {2 if stderr is not None else 4} seeds, got {len(seeds)}.")
    e, reported = simulate(name, func, args, seeds=seeds, returns_stderr=returns_stderr, unpack=unpack,
                           forbid=forbid, kwargs=kwargs)
    k = len(e)
    spread = float(np.std(e, ddof=1))
    if stderr is not None:
        ratio = spread / stderr
        if not 1 / stderr_factor <= ratio <= stderr_factor:
            raise CheckFailed(f"{name}: estimates of {k} independent runs scatter by {spread:.3g}, expected about "
                              f"{stderr:.3g} (a factor {ratio:.2g}; allowed between {1 / stderr_factor:.2g} and "
                              f"{stderr_factor:g}; their mean is {float(np.mean(e)):.4g}, theory {expected:.4g}) -- is "
                              f"every sample drawn independently from `rng`, and is the returned number the quantity "
                              f"asked for (its scale, a square or a root)?")
        scale, threshold, per_run = stderr / math.sqrt(k), n_sigma, stderr
    else:
        scale, threshold, per_run = spread / math.sqrt(k), _t_threshold(n_sigma, k - 1), spread
    dev = e.mean() - expected
    excess = math.copysign(max(abs(dev) - bias, 0.0), dev)
    if abs(excess) > threshold * scale:
        extra = f" beyond the allowed finite-size bias {bias:g}" if bias else ""
        raise CheckFailed(f"{name}: the mean {e.mean():.6g} of {k} runs on the checker's seeds is {excess / scale:+.1f} "
                          f"standard errors ({scale:.3g} each){extra} from the theoretical value {expected:.6g} "
                          f"(allowed: {threshold:.2g}).")
    if returns_stderr:
        if np.min(reported) <= 0:
            raise CheckFailed(f"{name}: the standard error must be positive, got {np.min(reported):.3g}.")
        typical = math.exp(float(np.mean(np.log(reported))))
        ratio = typical / per_run
        if not 1 / stderr_factor <= ratio <= stderr_factor:
            raise CheckFailed(f"{name}: your standard error {typical:.3g} does not match the scatter {per_run:.3g} of "
                              f"your estimates over independent runs (ratio {ratio:.2g}, allowed between "
                              f"{1 / stderr_factor:.2g} and {stderr_factor:g}) -- standard error = standard deviation "
                              "of the samples / sqrt(number of samples).")
    return e
