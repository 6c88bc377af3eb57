r"""The sweep runner: a grid of parameters times seeds, serially, on the local cores or on a Dask cluster.

Design notes
------------
*Random streams.* The task (point :math:`p`, replicate :math:`r`) draws from
``SeedSequence(seed, spawn_key=(h_1(p), ..., h_4(p), r))``, where :math:`h(p)` are the four 32-bit words of a
128-bit BLAKE2b hash of the point's parameters (names and values, in a canonical form). This is what
``SeedSequence(seed).spawn`` does, with a spawn key that names the point by its parameters instead of its position
in the grid, so that

- the result of a task depends only on ``(seed, parameters, replicate)``: not on the order in which the tasks run,
  the number of workers, the backend or the chunking (tested bit for bit);
- adding points to the grid or seeds to a point leaves the existing tasks unchanged: a research-size sweep contains
  the lecture-size one, and a cache filled by the small sweep is reused by the large one.

*Backends.* ``n_jobs=1`` runs in the calling process (a debugger and ``print`` work). The default runs on the local
cores with joblib's *loky* executor rather than :class:`concurrent.futures.ProcessPoolExecutor`: its workers are
started by fork+exec (never a bare ``fork`` of a threaded Jupyter kernel), they are reused from one sweep to the
next (the import of numba and the loading of cached kernels are paid once per session, not once per sweep), they
exit when their parent dies, and joblib is already installed with scikit-learn. A ``distributed.Client`` or a
scheduler address sends the same tasks to a Dask cluster. The function is serialised once with ``cloudpickle``
(functions and closures defined in a notebook work) and the tasks are grouped into chunks, each chunk a strided
subset of the pending tasks, so that expensive and cheap points are spread evenly over the workers.

*Cache.* With ``cache=DIR`` every finished task is written to ``DIR/<key>.pkl`` as soon as its chunk returns
(atomically: written to a temporary file, then renamed). The key is a SHA-256 hash of the function's qualified
name, the parameters, the replicate index and the seed: a rerun loads the finished tasks and runs only the others.
The function's *code* is not part of the key: after changing what a function computes, use a new directory.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import math
import numbers
import os
import pickle
import tempfile
import traceback
from pathlib import Path

import numpy as np

from .._validation import check_bool, check_int

__all__ = ["run_sweep", "SweepResult", "SweepError", "task_seed"]

#: Environment variable holding the default number of local workers (``n_jobs=None``).
JOBS_ENV = "COURSE_LIB_SWEEP_JOBS"

#: Names that a grid may not use: the runner passes ``rng`` itself and adds the columns ``point`` and ``replicate``.
RESERVED = ("rng", "point", "replicate")


class SweepError(RuntimeError):
    """The swept function raised at one task; the message names the point and the replicate.

    The original exception is chained (``__cause__``) when it could be brought back from the worker. The tasks
    that finished before it are in the cache, if one was given: fix the function and rerun to resume.
    """


# -- parameters: canonical form, hash, random stream ----------------------------------------------------------------


def _normalise_value(where, value):
    """Return ``(python value, canonical JSON-able form)`` of one grid value."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value), ["b", bool(value)]
    if isinstance(value, numbers.Integral):
        return int(value), ["i", str(int(value))]
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{where} must be finite, got {value}.")
        return value, ["f", value.hex()]
    if isinstance(value, str):
        return value, ["s", value]
    if value is None:
        return None, ["n"]
    if isinstance(value, (tuple, list)):
        pairs = [_normalise_value(f"{where}[{k}]", v) for k, v in enumerate(value)]
        return tuple(p[0] for p in pairs), ["t", [p[1] for p in pairs]]
    raise TypeError(
        f"{where} must be a number, a string, a bool, None or a tuple of these (it names the point and keys its "
        f"random stream), got {value!r} of type {type(value).__name__}."
    )


def _normalise_point(where, point):
    if not isinstance(point, dict):
        raise TypeError(f"{where} must be a dict of parameter values, got {point!r} of type {type(point).__name__}.")
    params, canon = {}, []
    for name, value in point.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"{where}: parameter names must be identifiers (strings), got {name!r}.")
        if name in RESERVED:
            raise ValueError(f"{where}: the parameter name {name!r} is reserved (reserved names: {RESERVED}).")
        params[name], c = _normalise_value(f"`grid` value of {name!r}", value)
        canon.append([name, c])
    return params, sorted(canon)


def _point_words(canon):
    digest = hashlib.blake2b(json.dumps(canon, separators=(",", ":")).encode(), digest_size=16).digest()
    return tuple(int(w) for w in np.frombuffer(digest, dtype="<u4"))


def task_seed(seed, params, replicate):
    r"""The :class:`numpy.random.SeedSequence` of one task of :func:`run_sweep`.

    ``SeedSequence(seed, spawn_key=(h_1, h_2, h_3, h_4, replicate))`` with :math:`h` the 128-bit BLAKE2b hash of the
    parameters in canonical form (names sorted; numpy scalars and Python numbers of equal value hash alike). Use it
    to rerun one task of a sweep on its own: ``func(**params, rng=np.random.default_rng(task_seed(seed, params, r)))``.

    Parameters
    ----------
    seed : int
        The sweep's seed, >= 0.
    params : dict
        The point: parameter name -> number, string, bool, None or tuple of these.
    replicate : int
        Replicate (seed) index, >= 0.

    Returns
    -------
    numpy.random.SeedSequence

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.sweep import task_seed
    >>> a = np.random.default_rng(task_seed(0, {"n": 10, "beta": 0.5}, 3)).random()
    >>> b = np.random.default_rng(task_seed(0, {"beta": np.float64(0.5), "n": np.int64(10)}, 3)).random()
    >>> bool(a == b)
    True
    """
    seed = check_int("seed", seed, minimum=0)
    _, canon = _normalise_point("`params`", params)
    replicate = check_int("replicate", replicate, minimum=0)
    return np.random.SeedSequence(seed, spawn_key=(*_point_words(canon), replicate))


def _parse_grid(grid):
    if isinstance(grid, dict):
        if not grid:
            raise ValueError("`grid` must not be empty: give a dict of parameter lists or a list of dicts.")
        axes = {}
        for name, values in grid.items():
            if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, range, np.ndarray)):
                raise TypeError(
                    f"`grid` value of {name!r} must be a list, tuple, range or 1-d array of values, got {values!r} "
                    f"of type {type(values).__name__}."
                )
            if isinstance(values, np.ndarray) and values.ndim != 1:
                raise TypeError(f"`grid` value of {name!r} must be 1-d, got an array of shape {values.shape}.")
            if len(values) == 0:
                raise ValueError(f"`grid` value of {name!r} is empty: the grid would have no point.")
            axes[name] = list(values)
        points = [dict(zip(axes, combo)) for combo in itertools.product(*axes.values())]
    elif isinstance(grid, (list, tuple)):
        if len(grid) == 0:
            raise ValueError("`grid` must not be empty: give a dict of parameter lists or a list of dicts.")
        points = list(grid)
    else:
        raise TypeError(
            f"`grid` must be a dict of parameter lists (their product is swept) or a list of dicts (one per point), "
            f"got {grid!r} of type {type(grid).__name__}."
        )
    normalised = [_normalise_point(f"`grid` point {i}", p) for i, p in enumerate(points)]
    names = tuple(normalised[0][0])
    for i, (params, _) in enumerate(normalised):
        if set(params) != set(names):
            raise ValueError(
                f"`grid` point {i} has the parameters {sorted(params)}, point 0 has {sorted(names)}: every point must "
                f"name the same parameters."
            )
    return names, [p for p, _ in normalised], [c for _, c in normalised]


# -- tasks ----------------------------------------------------------------------------------------------------------


def _normalise_outputs(out):
    """``{name: ndarray}`` from what the swept function returned (a dict or a scalar/array, named ``value``)."""
    if not isinstance(out, dict):
        out = {"value": out}
    res = {}
    for name, value in out.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"output names must be identifiers (strings), got {name!r}.")
        if name in RESERVED:
            raise ValueError(f"the output name {name!r} is reserved (reserved names: {RESERVED}).")
        arr = np.asarray(value)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_) or (
            np.iscomplexobj(arr)
        ):
            raise TypeError(
                f"output {name!r} must be a real number or a real numeric array, got {value!r} of type "
                f"{type(value).__name__}."
            )
        res[name] = arr
    return res


def _portable(exc):
    """The exception itself if it survives pickling, else a RuntimeError carrying its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # an exception holding a lock, a generator...
        return RuntimeError(f"{type(exc).__name__}: {exc}")


_FUNC_CACHE = {}


def _run_chunk(payload, tasks):
    """Run the tasks ``(index, params, replicate, seed, words)``; return ``(done, error)``.

    ``payload`` is the function itself (serial runs) or its cloudpickle bytes (worker processes). ``done`` lists
    ``(index, replicate, outputs)``; ``error`` is None or ``(index, replicate, exception, traceback text)`` for the
    first task that raised (the remaining tasks of the chunk are not run).
    """
    if isinstance(payload, bytes):
        key = hashlib.sha256(payload).hexdigest()
        func = _FUNC_CACHE.get(key)
        if func is None:
            import cloudpickle

            func = _FUNC_CACHE[key] = cloudpickle.loads(payload)
            if len(_FUNC_CACHE) > 16:
                _FUNC_CACHE.pop(next(iter(_FUNC_CACHE)))
    else:
        func = payload
    done = []
    for index, params, replicate, seed, words in tasks:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(*words, replicate)))
        try:
            out = func(**params, rng=rng)
        except Exception as exc:
            return done, (index, replicate, _portable(exc), traceback.format_exc())
        try:
            out = _normalise_outputs(out)
        except (TypeError, ValueError) as exc:
            return done, (index, replicate, exc, None)
        done.append((index, replicate, out))
    return done, None


def _func_name(func):
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', type(func).__name__)}"


def _cache_key(func_name, canon, replicate, seed):
    text = json.dumps([func_name, canon, replicate, str(seed)], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _cache_load(path):
    try:
        with open(path, "rb") as fh:
            record = pickle.load(fh)
        return record["outputs"]
    except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, AttributeError):
        return None  # missing or unreadable: the task runs again


def _cache_store(path, record):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pkl")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(record, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _local_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


# One BLAS/OpenMP/numba thread per worker: the workers are the parallelism.
_WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}


# -- the public function --------------------------------------------------------------------------------------------


def run_sweep(func, grid, n_seeds=1, *, seed=None, n_jobs=None, client=None, cache=None, progress=True,
              chunksize=None):
    r"""Run ``func`` on every point of ``grid`` with ``n_seeds`` independent random streams; return a tidy table.

    Task :math:`(p, r)` (point :math:`p`, replicate :math:`r = 0, \dots, n_{\mathrm{seeds}}(p) - 1`) calls
    ``func(**params_p, rng=np.random.default_rng(s_{p,r}))`` with the stream

    .. math:: s_{p,r} = \mathrm{SeedSequence}\bigl(\mathtt{seed},\ \mathtt{spawn\_key} = (h(p), r)\bigr),

    :math:`h(p)` a 128-bit hash of the parameters of :math:`p` (see :func:`task_seed`). SeedSequence mixes its entropy
    and spawn key into statistically independent streams [1]_, and the stream of a task is fixed by
    ``(seed, params, replicate)`` alone, so the result is bit-identical whatever the order, the number of workers,
    the backend or the chunking, and extending the grid or the number of seeds leaves the existing tasks unchanged.

    Parameters
    ----------
    func : callable
        ``func(**params, rng=Generator)`` returning a dict ``{output name: number or array}`` (the same names and
        shapes at every task) or a single number or array (named ``value``). It must draw all its randomness from
        ``rng``. For worker processes it is serialised with cloudpickle (notebook functions and closures work).
    grid : dict or list of dict
        A dict ``{name: list of values}`` sweeps the Cartesian product (the first name varies slowest); a list of
        dicts gives the points one by one. Values: numbers, strings, bools, None or tuples of these.
    n_seeds : int or callable, default 1
        Replicates per point, >= 1, or a function ``n_seeds(**params) -> int`` (fewer seeds at larger sizes).
    seed : int, optional
        Root seed, >= 0. ``None`` draws fresh entropy, recorded in ``SweepResult.seed`` (required with ``cache``).
    n_jobs : int, optional
        Local worker processes, >= 1; ``1`` runs in this process (for debugging). ``None`` reads the environment
        variable ``COURSE_LIB_SWEEP_JOBS`` if it is set (the book build sets it to 1: it already executes two
        notebooks at a time, and worker processes would only add their start-up to the same two cores), else uses
        every core available to this process. Ignored when ``client`` is given.
    client : distributed.Client or str, optional
        Run on this Dask cluster, or on the one whose scheduler has this address (``"tcp://host:8786"``; the
        client is created and closed here). The workers need ``course_lib`` and what ``func`` imports.
    cache : str or path-like, optional
        Directory where each finished task is stored as it completes; a rerun skips the stored tasks, so an
        interrupted sweep resumes. One directory per function (a lambda cannot be cached: it has no name).
    progress : bool, default True
        Show a tqdm progress bar (a widget in Jupyter, text on a terminal).
    chunksize : int, optional
        Tasks per job sent to a worker; by default about eight jobs per worker.

    Returns
    -------
    SweepResult
        One row per task, ordered by point (grid order) then replicate, with per-point mean and standard error.

    Raises
    ------
    TypeError, ValueError
        Bad arguments (an empty grid, a non-callable ``func``, ``n_seeds < 1``...); a task returning something that
        is not a real number or array, or a NaN/infinity (``ValueError``, naming the point and the replicate).
    SweepError
        ``func`` raised; the message names the point and the replicate, the original exception is chained.

    References
    ----------
    .. [1] M. E. O'Neill, "PCG: A family of simple fast space-efficient statistically good algorithms for random
       number generation", Harvey Mudd College HMC-CS-2014-0905 (2014), the seeding scheme of numpy's
       ``SeedSequence``; NumPy documentation, "Parallel random number generation".

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.sweep import run_sweep
    >>> def mean_of_normals(n, rng):
    ...     return {"mean": rng.standard_normal(n).mean()}
    >>> res = run_sweep(mean_of_normals, {"n": [10, 1000]}, 8, seed=1, n_jobs=1, progress=False)
    >>> len(res), res.point_values("n").tolist()
    (16, [10, 1000])
    >>> bool(np.all(np.abs(res.mean("mean")) < 4 * res.stderr("mean")))
    True
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable, got {func!r} of type {type(func).__name__}.")
    names, points, canons = _parse_grid(grid)
    if callable(n_seeds) and not isinstance(n_seeds, numbers.Integral):
        counts = [check_int(f"`n_seeds` returned for grid point {i} {p}; n_seeds", n_seeds(**p), minimum=1)
                  for i, p in enumerate(points)]
    else:
        counts = [check_int("n_seeds", n_seeds, minimum=1)] * len(points)
    if seed is None:
        if cache is not None:
            raise ValueError("`seed` must be given with `cache`: the cache is keyed by the seed, got seed=None.")
        seed = int(np.random.SeedSequence().entropy)
    else:
        seed = check_int("seed", seed, minimum=0)
    if n_jobs is not None:
        n_jobs = check_int("n_jobs", n_jobs, minimum=1)
    elif os.environ.get(JOBS_ENV, "").strip():
        text = os.environ[JOBS_ENV].strip()
        if not text.isdigit() or int(text) < 1:
            raise ValueError(f"the environment variable {JOBS_ENV} (the default of `n_jobs`) must be an integer >= 1, "
                             f"got {text!r}.")
        n_jobs = int(text)
    if client is not None and not isinstance(client, str) and not hasattr(client, "submit"):
        raise TypeError(
            f"`client` must be None, a scheduler address (str) or a distributed.Client, got {client!r} of type "
            f"{type(client).__name__}."
        )
    if cache is not None:
        if not isinstance(cache, (str, os.PathLike)):
            raise TypeError(f"`cache` must be None or a directory path, got {cache!r} of type {type(cache).__name__}.")
        if getattr(func, "__name__", "") == "<lambda>":
            raise ValueError("`cache` needs a named function: every lambda is called '<lambda>', so `func` = a lambda "
                             "cannot key a cache; define it with def.")
        cache = Path(cache)
        cache.mkdir(parents=True, exist_ok=True)
    progress = check_bool("progress", progress)
    if chunksize is not None:
        chunksize = check_int("chunksize", chunksize, minimum=1)

    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # a builtin or extension callable without a signature
        signature = None
    if signature is not None:
        try:
            signature.bind(**points[0], rng=None)
        except TypeError as exc:
            raise TypeError(
                f"`func` must accept the grid parameters {names} and `rng` as keywords: {exc}."
            ) from None
    func_name = _func_name(func)
    words = [_point_words(c) for c in canons]
    tasks = [(i, r) for i in range(len(points)) for r in range(counts[i])]
    results = {}
    paths = {}
    if cache is not None:
        for i, r in tasks:
            paths[i, r] = cache / f"{_cache_key(func_name, canons[i], r, seed)}.pkl"
            out = _cache_load(paths[i, r]) if paths[i, r].exists() else None
            if out is not None:
                results[i, r] = out
    pending = [(i, points[i], r, seed, words[i]) for i, r in tasks if (i, r) not in results]

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(tasks), initial=len(tasks) - len(pending), desc=getattr(func, "__name__", "sweep"),
                   unit="task", dynamic_ncols=True)

    def accept(done, error):
        for i, r, out in done:
            _check_outputs(out, i, points[i], r)
            results[i, r] = out
            if cache is not None:
                _cache_store(paths[i, r], {"func": func_name, "params": points[i], "replicate": r, "seed": seed,
                                           "outputs": out})
        if bar is not None:
            bar.update(len(done))
        if error is not None:
            i, r, exc, text = error
            if text is None:  # the function returned something that is not a table entry
                raise type(exc)(f"`func` returned a bad output at grid point {i} {points[i]}, replicate {r}: {exc}")
            err = SweepError(
                f"`func` raised at grid point {i} {points[i]}, replicate {r}: {type(exc).__name__}: {exc}"
                + ("" if cache is None else f"; the {len(results)} finished task(s) are cached in {cache}, rerun to "
                   f"resume") + f"\n\nTraceback in the worker:\n{text}"
            )
            raise err from exc

    try:
        if pending:
            if client is None and (n_jobs == 1 or (n_jobs is None and _local_cores() == 1)):
                for task in pending:
                    accept(*_run_chunk(func, [task]))
            else:
                _run_parallel(func, pending, accept, n_jobs=n_jobs, client=client, chunksize=chunksize)
    finally:
        if bar is not None:
            bar.close()
    return SweepResult._assemble(names, points, counts, results, seed, func_name)


def _check_outputs(out, i, params, r):
    for name, arr in out.items():
        if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
            raise ValueError(
                f"`func` returned a non-finite value (NaN or inf) for output {name!r} at grid point {i} {params}, "
                f"replicate {r}: {arr!r}."
            )


def _chunks(pending, n_workers, chunksize):
    n_chunks = min(len(pending), 8 * n_workers) if chunksize is None else math.ceil(len(pending) / chunksize)
    # strided: chunk k holds tasks k, k + n_chunks, ...: expensive points are spread over all chunks
    return [pending[k::n_chunks] for k in range(n_chunks)]


def _run_parallel(func, pending, accept, *, n_jobs, client, chunksize):
    import cloudpickle

    try:
        payload = cloudpickle.dumps(func)
    except Exception as exc:
        raise TypeError(
            f"`func` cannot be serialised for worker processes ({type(exc).__name__}: {exc}); run with n_jobs=1."
        ) from exc
    if client is not None:
        _run_dask(payload, pending, accept, client=client, chunksize=chunksize)
        return
    from concurrent.futures import FIRST_COMPLETED, wait

    from joblib.externals.loky import get_reusable_executor

    n_workers = n_jobs or _local_cores()
    executor = get_reusable_executor(max_workers=n_workers, timeout=300, env=_WORKER_ENV)
    todo = [executor.submit(_run_chunk, payload, chunk) for chunk in _chunks(pending, n_workers, chunksize)]
    try:
        while todo:
            finished, _ = wait(todo, return_when=FIRST_COMPLETED)
            fut = next(f for f in todo if f in finished)
            todo.remove(fut)
            accept(*fut.result())
    except KeyboardInterrupt:
        # stop now: the workers are killed (a later sweep starts fresh ones); finished tasks are already cached
        executor.shutdown(wait=False, kill_workers=True)
        raise
    except BaseException:
        # an error at one task: cancel the jobs not started, keep (and cache) those running, report the first error
        for fut in todo:
            fut.cancel()
        finished, _ = wait([f for f in todo if not f.cancelled()])
        for fut in finished:
            try:
                accept(*fut.result())
            except Exception:  # noqa: S110 - a second error is not reported over the first
                pass
        raise


def _run_dask(payload, pending, accept, *, client, chunksize):
    from distributed import Client, as_completed

    own = isinstance(client, str)
    if own:
        address = client
        try:
            client = Client(address)
        except Exception as exc:
            raise ValueError(f"`client` = {address!r}: no Dask scheduler could be reached at this address "
                             f"({type(exc).__name__}: {exc}); give 'tcp://host:port' or a distributed.Client.") from exc
    try:
        n_workers = max(1, sum(client.nthreads().values()))
        futures = [client.submit(_run_chunk, payload, chunk, pure=False)
                   for chunk in _chunks(pending, n_workers, chunksize)]
        try:
            for fut in as_completed(futures):
                accept(*fut.result())
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        if own:
            client.close()


# -- the result -----------------------------------------------------------------------------------------------------


class SweepResult:
    """The table returned by :func:`run_sweep`: one row per task, ordered by point (grid order), then replicate.

    ``res[name]`` is a column as a numpy array: a parameter, ``"point"`` (the point's index in the grid),
    ``"replicate"`` or an output (array outputs give a column of shape ``(rows, *shape)``). Per point:
    :meth:`point_values`, :meth:`by_point`, :meth:`mean`, :meth:`stderr`; :meth:`where` selects points.

    Attributes
    ----------
    params : tuple of str
        Parameter names.
    outputs : tuple of str
        Output names.
    points : list of dict
        The grid points (numpy scalars turned into Python numbers).
    n_seeds : ndarray of int
        Replicates per point.
    seed : int
        The root seed (with it, the sweep is reproducible).

    Examples
    --------
    >>> from course_lib.sweep import run_sweep
    >>> res = run_sweep(lambda a, rng: {"x": a + rng.random()}, {"a": [0, 10]}, 3, seed=0, n_jobs=1, progress=False)
    >>> res.columns
    ('a', 'point', 'replicate', 'x')
    >>> res.where(a=10)["replicate"].tolist()
    [0, 1, 2]
    """

    def __init__(self, params, points, n_seeds, columns, outputs, seed, func_name):
        self.params = tuple(params)
        self.outputs = tuple(outputs)
        self.points = [dict(p) for p in points]
        self.n_seeds = np.asarray(n_seeds, dtype=np.int64)
        self.seed = seed
        self.func_name = func_name
        self._columns = columns
        self._starts = np.concatenate([[0], np.cumsum(self.n_seeds)])

    @classmethod
    def _assemble(cls, names, points, counts, results, seed, func_name):
        first = results[0, 0]
        outputs = tuple(first)
        columns = {}
        for name in names:
            values = [p[name] for p, c in zip(points, counts) for _ in range(c)]
            columns[name] = _column(values)
        columns["point"] = np.repeat(np.arange(len(points)), counts)
        columns["replicate"] = np.concatenate([np.arange(c) for c in counts])
        for name in outputs:
            shape = first[name].shape
            rows = []
            for i, c in enumerate(counts):
                for r in range(c):
                    out = results[i, r]
                    if set(out) != set(outputs):
                        raise ValueError(
                            f"`func` returned the outputs {sorted(out)} at grid point {i} {points[i]}, replicate {r}, "
                            f"but {sorted(outputs)} at point 0: every task must return the same names."
                        )
                    if out[name].shape != shape:
                        raise ValueError(
                            f"`func` returned output {name!r} of shape {out[name].shape} at grid point {i} {points[i]}, "
                            f"replicate {r}, but of shape {shape} at point 0."
                        )
                    rows.append(out[name])
            columns[name] = np.stack(rows)
        for col in columns.values():
            col.flags.writeable = False
        return cls(names, points, counts, columns, outputs, seed, func_name)

    # -- columns and rows --
    @property
    def columns(self):
        """Column names: parameters, ``point``, ``replicate``, outputs."""
        return (*self.params, "point", "replicate", *self.outputs)

    def __len__(self):
        return int(self._starts[-1])

    def __getitem__(self, name):
        if name not in self._columns:
            raise KeyError(f"no column {name!r}; the columns are {self.columns}.")
        return self._columns[name]

    def rows(self):
        """The table as a list of dicts, one per task."""
        return [{name: _scalar(self._columns[name][k]) for name in self.columns} for k in range(len(self))]

    def to_pandas(self):
        """The table as a :class:`pandas.DataFrame` (only if pandas is installed; array outputs become lists)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("SweepResult.to_pandas needs pandas, which is not installed; use res[name] or "
                              "res.rows().") from exc
        return pd.DataFrame({name: list(self._columns[name]) if self._columns[name].ndim > 1 else self._columns[name]
                             for name in self.columns})

    # -- per point --
    def point_values(self, name):
        """The values of parameter ``name`` at each point, in grid order."""
        if name not in self.params:
            raise KeyError(f"no parameter {name!r}; the parameters are {self.params}.")
        return _column([p[name] for p in self.points])

    def by_point(self, name):
        """The column ``name`` split by point: a list of arrays of length ``n_seeds[p]``."""
        col = self[name]
        return [col[a:b] for a, b in zip(self._starts[:-1], self._starts[1:])]

    def mean(self, name):
        """Mean over the replicates of each point: an array of shape ``(points, *output shape)``."""
        return np.stack([np.mean(v, axis=0) for v in self.by_point(self._output(name))])

    def stderr(self, name):
        r"""Standard error of the mean over replicates, :math:`s/\sqrt{n}` (``ddof=1``), per point."""
        name = self._output(name)
        if np.any(self.n_seeds < 2):
            i = int(np.argmax(self.n_seeds < 2))
            raise ValueError(f"the standard error needs at least 2 replicates; grid point {i} {self.points[i]} has "
                             f"{self.n_seeds[i]}.")
        return np.stack([np.std(v, axis=0, ddof=1) / np.sqrt(len(v)) for v in self.by_point(name)])

    def where(self, **conditions):
        """The sub-table of the points whose parameters equal ``conditions`` (e.g. ``res.where(n=100)``)."""
        for name in conditions:
            if name not in self.params:
                raise KeyError(f"no parameter {name!r}; the parameters are {self.params}.")
        wanted = {name: _normalise_value(f"`{name}`", v)[0] for name, v in conditions.items()}
        keep = [i for i, p in enumerate(self.points) if all(p[k] == v for k, v in wanted.items())]
        rows = np.concatenate([np.arange(self._starts[i], self._starts[i + 1]) for i in keep]) if keep else np.arange(0)
        columns = {}
        for name, col in self._columns.items():
            columns[name] = col[rows]
            columns[name].flags.writeable = False
        return SweepResult(self.params, [self.points[i] for i in keep], self.n_seeds[keep], columns, self.outputs,
                           self.seed, self.func_name)

    def _output(self, name):
        if name not in self.outputs:
            raise KeyError(f"no output {name!r}; the outputs are {self.outputs}.")
        return name

    def __repr__(self):
        head = (f"SweepResult({self.func_name}: {len(self.points)} points, {len(self)} tasks, seed={self.seed}; "
                f"columns {self.columns})")
        scalar = [n for n in self.outputs if self._columns[n].ndim == 1]
        if not scalar or not self.points:
            return head
        lines = [head]
        for i, p in enumerate(self.points[:20]):
            vals = self.by_point(scalar[0])[i]
            se = f" ± {np.std(vals, ddof=1) / np.sqrt(len(vals)):.3g}" if len(vals) > 1 else ""
            lines.append(f"  {p}: {scalar[0]} = {np.mean(vals):.6g}{se} ({len(vals)} seeds)")
        if len(self.points) > 20:
            lines.append(f"  ... {len(self.points) - 20} more points")
        return "\n".join(lines)


def _column(values):
    try:
        arr = np.asarray(values)
    except ValueError:  # ragged tuples
        arr = None
    if arr is None or arr.ndim != 1 or arr.dtype.kind not in "biufU":
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
    return arr


def _scalar(value):
    return value.item() if isinstance(value, np.generic) else value
