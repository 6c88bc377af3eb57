"""Fuzz the public API of :mod:`course_lib` with bad arguments.

Every public callable of every subpackage (``__all__``, except :mod:`course_lib.grading` and
:mod:`course_lib.slides`, which have their own tests) is called first as its docstring example calls
it (the *valid call*), then once per (argument, bad value): NaN, +-inf, -1, 0, +-1e300, a value of the
wrong type, ``None``, an empty / NaN-filled / wrong-shape array, a bad ``rng``. Each call runs in a
worker process with a time limit, and its outcome is classified:

``ok``
    a ``ValueError``/``TypeError`` whose message names the mutated parameter, or a warning from
    course_lib naming it;
``accepted``
    a finite result (the value may be valid, e.g. ``x = -1`` for a density);
``wrong_type``
    any other exception (ZeroDivisionError, OverflowError, LinAlgError, AttributeError, ...);
``nonfinite``
    NaN or inf returned silently;
``hang``
    the call ran past the time limit;
``unnamed``
    a ``ValueError``/``TypeError`` whose message does not name the parameter.

The last four are failures. Run the whole fuzz with::

    .venv/bin/python tests/fuzz_api.py            # full: every bad value (several minutes)
    .venv/bin/python tests/fuzz_api.py --smoke    # the subset run by tests/test_fuzz_api.py

``--verbose`` lists every failure; ``--only NAME`` restricts to callables whose name contains NAME.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import doctest
import importlib
import inspect
import multiprocessing as mp
import numbers
import os
import re
import sys
import time
import warnings
from collections import Counter

import numpy as np

PACKAGES = [
    "approximation",
    "diffusion",
    "erm",
    "kernels",
    "optimization",
    "plotting",
    "rmt",
    "spin_glasses",
    "sweep",
    "teacher_student",
    "teacher_student.dynamics",
]

FAILURES = ("wrong_type", "nonfinite", "hang", "unnamed")
CLASSES = ("ok", "accepted", *FAILURES)

# Results that are legitimately infinite for a finite argument (a density with an integrable
# singularity evaluated at it). Key: (callable, parameter, repr of the bad value).
ALLOWED_NONFINITE: set[tuple[str, str, str]] = set()


class _Recorded(Exception):
    pass


def public_callables():
    """Yield ``(qualified name, package module, object)`` for every public callable."""
    seen = set()
    for pkg in PACKAGES:
        mod = importlib.import_module(f"course_lib.{pkg}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            alias = getattr(obj, "__name__", name) != name and getattr(obj, "__name__", None) in mod.__all__
            if callable(obj) and not alias and id(obj) not in seen:  # an alias is fuzzed under its own name
                seen.add(id(obj))
                yield f"{pkg}.{name}", mod, obj


def _defining_globals(obj):
    mod = inspect.getmodule(obj)
    return dict(vars(mod)) if mod is not None else {}


def example_call(pkg_mod, name, obj, *, skip=0):
    """Run the docstring example of ``obj`` and return the ``(args, kwargs)`` of its call number ``skip``.

    Returns ``None`` if the example never calls ``obj`` directly (result containers, for instance).
    """
    doc = inspect.getdoc(obj) or ""
    examples = doctest.DocTestParser().get_examples(doc)
    if not examples:
        return None
    recorded = {}
    count = [0]

    def recorder(*args, **kwargs):
        if count[0] < skip:
            count[0] += 1
            return obj(*args, **kwargs)
        recorded["call"] = (copy.deepcopy(args), copy.deepcopy(kwargs))
        raise _Recorded

    ns = _defining_globals(obj)
    ns[name] = recorder
    setattr(pkg_mod, name, recorder)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for ex in examples:
                try:
                    exec(compile(ex.source, f"<example {name}>", "exec"), ns)
                except _Recorded:
                    break
                except Exception:
                    if "call" in recorded:
                        break
                    continue
    finally:
        setattr(pkg_mod, name, obj)
        import matplotlib.pyplot as plt

        plt.close("all")
    return recorded.get("call")


NAN, INF = float("nan"), float("inf")


def _numeric_array(value):
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (ValueError, TypeError):
        return False


def _bad_values(pname, value, default, smoke):
    """The bad values tried for one parameter, as ``(label, value)`` pairs."""
    out = []
    none_ok = default is None
    if "rng" in pname:
        out = [("rng='seed'", "seed"), ("rng=-1", -1), ("rng=1.5", 1.5)]
        return out[:1] if smoke else out
    if isinstance(value, (bool, np.bool_)):
        out = [("'yes'", "yes"), ("2.5", 2.5)]
    elif isinstance(value, numbers.Integral):
        out = [("nan", NAN), ("-1", -1), ("0", 0), ("2.5", 2.5), ("1e300", 1e300), ("inf", INF), ("'x'", "x")]
        if smoke:
            out = [("-1", -1), ("'x'", "x")]
    elif isinstance(value, numbers.Real):
        out = [
            ("nan", NAN), ("inf", INF), ("-inf", -INF), ("-1", -1.0), ("0", 0.0),
            ("1e300", 1e300), ("-1e300", -1e300), ("'x'", "x"),
        ]
        if smoke:
            out = [("nan", NAN), ("1e300", 1e300), ("'x'", "x")]
    elif isinstance(value, (np.ndarray, list)) and _numeric_array(value):
        arr = np.asarray(value)
        out = [("empty array", np.empty((0,) + arr.shape[1:]))]
        if arr.size and np.issubdtype(arr.dtype, np.number):
            bad = arr.astype(float).copy()
            bad.flat[0] = np.nan
            out.append(("array with NaN", bad))
            bad = arr.astype(float).copy()
            bad.flat[-1] = np.inf
            out.append(("array with inf", bad))
            out.append(("array with -1e300", np.full(arr.shape, -1e300)))
        out.append(("array with an extra axis", arr[..., None]))
        if arr.ndim >= 1:
            out.append(("0-d array", np.asarray(1.0)))
        out.append(("'x'", "x"))
        if smoke:
            out = [o for o in out if o[0] in ("array with NaN", "array with an extra axis")]
    elif isinstance(value, str):
        out = [("'no-such-option'", "no-such-option"), ("3", 3)]
        if smoke:
            out = out[:1]
    elif isinstance(value, tuple):
        out = [("()", ()), ("'x'", "x")]
        if value and isinstance(value[0], numbers.Real):
            out.append(("tuple with NaN", (NAN,) + tuple(value[1:])))
            out.append(("tuple with -1", (-1,) + tuple(value[1:])))
        if smoke:
            out = out[1:2] + out[2:3]
    elif value is None:
        out = [("'x'", "x")]
    else:
        out = [("3", 3), ("'x'", "x")]
        if smoke:
            out = out[1:]
    if not none_ok and not smoke:
        out.append(("None", None))
    return out


def mutations(obj, call, smoke=False):
    """List ``(param, label, args, kwargs)``: the valid call with one argument replaced."""
    args, kwargs = call
    try:
        sig = inspect.signature(obj)
        bound = sig.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return []
    out = []
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in bound.arguments:
            value = bound.arguments[p.name]
        elif p.default is not p.empty:
            value = p.default
        else:
            continue
        default = None if p.default is p.empty else p.default
        if p.default is p.empty:
            default = "<required>"
        for label, bad in _bad_values(p.name, value, default, smoke):
            b = sig.bind(*args, **kwargs)
            b.arguments[p.name] = bad
            out.append((p.name, label, b.args, b.kwargs))
    return out


def _nonfinite(x, depth=0):
    if depth > 4:
        return False
    if isinstance(x, (bool, np.bool_, str, bytes)) or x is None:
        return False
    if isinstance(x, numbers.Number):
        try:
            return not np.isfinite(x)
        except TypeError:
            return False
    if isinstance(x, np.ndarray):
        if np.issubdtype(x.dtype, np.inexact):
            return not np.all(np.isfinite(x))
        if x.dtype == object:
            return any(_nonfinite(v, depth + 1) for v in x.ravel()[:1000])
        return False
    if isinstance(x, dict):
        return any(_nonfinite(v, depth + 1) for v in x.values())
    if isinstance(x, (list, tuple)):
        return any(_nonfinite(v, depth + 1) for v in x)
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return any(_nonfinite(getattr(x, f.name), depth + 1) for f in dataclasses.fields(x))
    return False


def names_param(message, pname):
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(pname)}(?![A-Za-z0-9_])", message) is not None


def classify(fullname, obj, pname, label, args, kwargs, *, allow_nonfinite=False):
    """Call ``obj`` and return ``(class, detail)``.

    ``allow_nonfinite``: the valid call itself returns inf (a documented value, such as the interpolation peak of
    ``risk_curve``), so non-finite results of the mutated calls are not failures.
    """
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = obj(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        except (ValueError, TypeError) as exc:
            if type(exc).__module__.startswith(("numpy", "scipy", "numba")):
                return "wrong_type", f"{type(exc).__name__}: {exc}"[:300]
            msg = str(exc)
            if names_param(msg, pname):
                return "ok", f"{type(exc).__name__}: {msg}"[:300]
            return "unnamed", f"{type(exc).__name__}: {msg}"[:300]
        except (FloatingPointError, OSError) as exc:
            # the library's divergence signal ("diverged: reduce `lr`"; numpy's own does not name the
            # parameter) and a missing file named by its parameter are the right exception types
            if names_param(str(exc), pname):
                return "ok", f"{type(exc).__name__}: {exc}"[:300]
            return "wrong_type", f"{type(exc).__name__}: {exc}"[:300]
        except Exception as exc:  # noqa: BLE001 - classifying is the point
            return "wrong_type", f"{type(exc).__name__}: {exc}"[:300]
        finally:
            plt.close("all")
    from course_lib._validation import DivergenceWarning

    # the library's warnings (stacklevel=2 points them at the caller, so the category or the file tells them apart)
    ours = [w for w in caught if (issubclass(w.category, DivergenceWarning) or "course_lib" in (w.filename or ""))
            and names_param(str(w.message), pname)]
    if ours:
        return "ok", f"warned: {ours[0].message}"[:300]
    if _nonfinite(result):
        if allow_nonfinite or (fullname, pname, label) in ALLOWED_NONFINITE:
            return "accepted", "allowed non-finite"
        return "nonfinite", f"returned {type(result).__name__} with NaN/inf"
    return "accepted", ""


def _worker(fullname, start, smoke, conn, scratch):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import matplotlib

    matplotlib.use("Agg")
    pkg, name = fullname.rsplit(".", 1)
    pkg_mod = importlib.import_module(f"course_lib.{pkg}")
    obj = getattr(pkg_mod, name)
    # the calls run in a scratch directory: a bad value such as cache='x' may legitimately create files there
    os.chdir(scratch)
    call = None
    valid_nonfinite = False
    for skip in range(6):
        try:
            call = example_call(pkg_mod, name, obj, skip=skip)
        except Exception:  # noqa: BLE001
            call = None
        if call is None:
            break
        cls, detail = classify(fullname, obj, "", "", *call)
        if cls in ("accepted", "nonfinite"):
            valid_nonfinite = cls == "nonfinite"
            break
        call = None
    if call is None:
        conn.send(("noexample", None))
        conn.close()
        return
    muts = mutations(obj, call, smoke)
    conn.send(("count", len(muts)))
    for i, (pname, label, args, kwargs) in enumerate(muts):
        if i < start:
            continue
        conn.send(("start", (i, pname, label)))
        cls, detail = classify(fullname, obj, pname, label, args, kwargs, allow_nonfinite=valid_nonfinite)
        conn.send(("done", (i, pname, label, cls, detail)))
    conn.send(("end", None))
    conn.close()


def fuzz_one(fullname, smoke=False, timeout=20.0, example_timeout=180.0):
    """Fuzz one callable in worker processes; return a list of outcome tuples."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:  # the workers' working directory
        return _fuzz_one(fullname, smoke, timeout, example_timeout, scratch)


def _fuzz_one(fullname, smoke, timeout, example_timeout, scratch):
    ctx = mp.get_context("fork")
    outcomes = []
    start = 0
    labels = {}
    while True:
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_worker, args=(fullname, start, smoke, child, scratch))
        proc.start()
        child.close()
        current = None
        restart = False
        deadline = time.monotonic() + example_timeout  # example discovery and compilation
        while True:
            if not parent.poll(max(0.0, deadline - time.monotonic())):
                if current is None:
                    outcomes.append((fullname, "<example>", "", "slow_example", "example did not run in time"))
                    proc.kill()
                    proc.join()
                    return outcomes
                pname, label = labels.get(current, ("?", "?"))
                outcomes.append((fullname, pname, label, "hang", f"no result within {timeout:g} s"))
                proc.kill()
                proc.join()
                start = current + 1
                restart = True
                break
            try:
                kind, payload = parent.recv()
            except EOFError:
                if current is not None:
                    pname, label = labels.get(current, ("?", "?"))
                    outcomes.append((fullname, pname, label, "wrong_type", "worker crashed"))
                    start = current + 1
                    restart = True
                proc.join()
                break
            if kind == "noexample":
                proc.join()
                return [(fullname, "<example>", "", "noexample", "")]
            if kind == "count":
                continue
            if kind == "start":
                current = payload[0]
                labels[current] = payload[1:]
                deadline = time.monotonic() + timeout
                continue
            if kind == "done":
                i, pname, label, cls, detail = payload
                labels[i] = (pname, label)
                outcomes.append((fullname, pname, label, cls, detail))
                current = None
                deadline = time.monotonic() + timeout
                continue
            if kind == "end":
                proc.join()
                return outcomes
        if not restart:
            return outcomes


def run(names=None, smoke=False, timeout=20.0, jobs=1):
    """Fuzz the callables in ``names`` (default: all) and return every outcome."""
    if names is None:
        names = [n for n, _, _ in public_callables()]
    if jobs <= 1:
        results = []
        for n in names:
            results.extend(fuzz_one(n, smoke, timeout))
        return results
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(jobs) as pool:
        parts = list(pool.map(lambda n: fuzz_one(n, smoke, timeout), names))
    return [o for part in parts for o in part]


def summary(outcomes):
    """The one-line summary and the callables that could not be fuzzed."""
    calls = [o for o in outcomes if o[3] not in ("noexample", "slow_example")]
    c = Counter(o[3] for o in calls)
    fuzzed = len({o[0] for o in calls})
    noex = sorted({o[0] for o in outcomes if o[3] == "noexample"})
    slow = sorted({o[0] for o in outcomes if o[3] == "slow_example"})
    parts = ", ".join(f"{k} {c.get(k, 0)}" for k in CLASSES)
    bad = sum(c.get(k, 0) for k in FAILURES)
    return (
        f"fuzz: {fuzzed} callables, {len(calls)} calls: {parts}; failures {bad}; "
        f"{len(noex)} callables without a direct example call, {len(slow)} with a too slow example"
    ), noex + slow


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", default=None)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--show", default=None, help="also list the outcomes of this class (ok, accepted, ...)")
    a = ap.parse_args(argv)
    names = [n for n, _, _ in public_callables()]
    if a.only:
        names = [n for n in names if a.only in n]
    t0 = time.time()
    outcomes = run(names, smoke=a.smoke, timeout=a.timeout, jobs=a.jobs)
    line, noex = summary(outcomes)
    if a.verbose or a.show:
        for o in outcomes:
            if o[3] in FAILURES or o[3] == a.show:
                print(f"{o[3]:10s} {o[0]}({o[1]}={o[2]}): {o[4]}")
        print("not fuzzed (no direct example call, or a too slow example):", ", ".join(noex))
    print(line, f"[{time.time() - t0:.0f} s]")
    return 1 if any(o[3] in (*FAILURES, "slow_example") for o in outcomes) else 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main())
