"""Compile the book's numba kernels ahead of time into numba's on-disk cache.

Every kernel of :mod:`course_lib` is compiled with ``cache=True``: the first call of a kernel in a process either
loads its machine code from ``__pycache__`` (milliseconds) or compiles it (0.1 to 3 seconds, and a first compile in
a process pays numba's own start-up on top). Compiling is therefore the largest cost of a lecture's *first*
execution on a fresh install. This module moves that cost out of the notebooks, to install time:

``python -m course_lib.precompile`` (run by ``make env``)
    compiles, in ``--jobs`` processes, every (kernel, argument types) pair listed in
    ``course_lib/_numba_signatures.json`` -- the signatures the book's notebooks use -- and writes them to the cache.
    Pairs already in the cache are only loaded. The cache is keyed by the source file and the CPU, so this is done on
    the machine that runs the book, never shipped.

``python -m course_lib.precompile --record NOTEBOOK ...`` (``make numba-signatures``)
    empties the cache, executes the notebooks (two at a time) and writes the registry from the cache's index files:
    every signature compiled by any process of those executions (sweep workers included).

A kernel called with argument types that are not in the registry (another dtype, say) is still compiled on first
use, exactly as without this module.
"""

from __future__ import annotations

import argparse
import base64
import importlib
import json
import os
import pickle
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REGISTRY = PACKAGE / "_numba_signatures.json"

__all__ = ["precompile", "record_signatures", "cache_files", "main"]


def cache_files(root: Path = PACKAGE) -> list[Path]:
    """The numba cache files (index ``.nbi`` and data ``.nbc``) of ``course_lib`` under ``root``."""
    return sorted(p for p in Path(root).rglob("__pycache__/*") if p.suffix in (".nbi", ".nbc"))


def _module_of(index: Path, root: Path) -> tuple[str, str]:
    """``pkg/sub/__pycache__/_mod.qualname-123.py311.nbi`` -> (``course_lib.sub._mod``, ``qualname``)."""
    stem = index.name.rsplit(".", 2)[0]  # drop ".py311.nbi"
    stem = stem.rsplit("-", 1)[0]  # drop "-<first line>"
    mod, qualname = stem.split(".", 1)
    parts = index.parent.parent.relative_to(root.parent).parts
    return ".".join(parts + (mod,)), qualname


def _encode(args) -> dict:
    """Argument types as their repr where ``eval`` in numba's type namespace gives them back, else a pickle."""
    from numba.core import types

    text = "(" + "".join(repr(a) + ", " for a in args) + ")"
    try:
        if eval(text, {}, dict(types.__dict__)) == tuple(args):  # noqa: S307 -- numba's own signature syntax
            return {"args": text}
    except Exception:
        pass
    return {"pickle": base64.b64encode(pickle.dumps(tuple(args))).decode()}


def _decode(entry: dict):
    from numba.core import types

    if "args" in entry:
        return eval(entry["args"], {}, dict(types.__dict__))  # noqa: S307
    return pickle.loads(base64.b64decode(entry["pickle"]))  # noqa: S301 -- written by record_signatures


def _read_index(index: Path) -> list:
    """The argument-type tuples stored in one numba cache index file."""
    import numba  # noqa: F401 -- the pickled types are numba's

    with open(index, "rb") as f:
        pickle.load(f)  # numba's version
        _stamp, overloads = pickle.loads(f.read())
    out = []
    for key in overloads:
        sig = key[0]
        out.append(tuple(getattr(sig, "args", sig)))
    return out


def record_signatures(root: Path = PACKAGE, registry: Path = REGISTRY) -> dict:
    """Write ``registry`` from the cache index files under ``root``; return it.

    Kernels are named ``module:qualname``; each has the list of its cached argument-type tuples."""
    table: dict[str, list] = {}
    for index in (p for p in cache_files(root) if p.suffix == ".nbi"):
        mod, qualname = _module_of(index, root)
        sigs = [_encode(a) for a in _read_index(index)]
        key = f"{mod}:{qualname}"
        for s in sigs:
            if s not in table.setdefault(key, []):
                table[key].append(s)
    table = {k: sorted(v, key=json.dumps) for k, v in sorted(table.items())}
    registry.write_text(json.dumps(table, indent=1) + "\n")
    return table


def _load_registry(registry: Path = REGISTRY) -> dict:
    if not registry.exists():
        return {}
    return json.loads(registry.read_text())


def _compile_chunk(items: list) -> tuple[int, int, list[str]]:
    """Compile (or load) each ``(module:qualname, [signature entries])``; return (compiled, loaded, problems)."""
    compiled = loaded = 0
    problems = []
    for key, entries in items:
        mod, qualname = key.split(":", 1)
        try:
            obj = importlib.import_module(mod)
            for part in qualname.split("."):
                obj = getattr(obj, part)
        except Exception as exc:  # a stale registry entry: say so, go on
            problems.append(f"{key}: not found ({type(exc).__name__}: {exc})")
            continue
        if not hasattr(obj, "compile") or not hasattr(obj, "overloads"):
            problems.append(f"{key}: not a numba dispatcher")
            continue
        for entry in entries:
            try:
                args = _decode(entry)
            except Exception as exc:
                problems.append(f"{key}: signature not readable ({type(exc).__name__})")
                continue
            if tuple(args) in obj.overloads:  # compiled (or loaded) with a kernel that calls it
                loaded += 1
                continue
            before = sum(obj._cache_hits.values()) if hasattr(obj, "_cache_hits") else 0
            try:
                obj.compile(tuple(args))
            except Exception as exc:
                problems.append(f"{key}{tuple(args)}: compilation failed ({type(exc).__name__}: {exc})")
                continue
            if hasattr(obj, "_cache_hits") and sum(obj._cache_hits.values()) > before:
                loaded += 1
            else:
                compiled += 1
    return compiled, loaded, problems


def precompile(jobs: int = 2, registry: Path = REGISTRY, only: str | None = None, verbose: bool = True) -> dict:
    """Compile every registered kernel signature into numba's on-disk cache.

    Parameters
    ----------
    jobs : int
        Number of processes (each imports what it compiles; numba compiles in one thread per process).
    registry : path
        The JSON registry written by :func:`record_signatures`.
    only : str, optional
        Restrict to kernels whose ``module:qualname`` contains this string (e.g. ``"spin_glasses"``).
    verbose : bool
        Print a one-line summary and every problem.

    Returns
    -------
    dict
        ``signatures``, ``compiled``, ``loaded`` (already cached, or compiled with a kernel that calls it),
        ``problems`` (list of messages), ``seconds``.

    Examples
    --------
    >>> out = precompile(jobs=1, only="_no_such_kernel_", verbose=False)
    >>> out["signatures"], out["problems"]
    (0, [])
    """
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError(f"`jobs` must be a positive integer, got {jobs!r}.")
    t0 = time.perf_counter()
    table = _load_registry(registry)
    items = [(k, v) for k, v in table.items() if only is None or only in k]
    n_sig = sum(len(v) for _, v in items)
    # balance by number of signatures, keeping each module in one process (its import is paid once)
    by_module: dict[str, list] = {}
    for k, v in items:
        by_module.setdefault(k.split(":")[0], []).append((k, v))
    chunks: list[list] = [[] for _ in range(max(1, min(jobs, len(by_module))))]
    loads = [0] * len(chunks)
    for mod, group in sorted(by_module.items(), key=lambda kv: -sum(len(v) for _, v in kv[1])):
        i = loads.index(min(loads))
        chunks[i].extend(group)
        loads[i] += sum(len(v) for _, v in group)
    compiled = loaded = 0
    problems: list[str] = []
    if len(chunks) == 1:
        results = [_compile_chunk(chunks[0])]
    else:
        with ProcessPoolExecutor(len(chunks)) as ex:
            results = list(ex.map(_compile_chunk, chunks))
    for c, l_, p in results:
        compiled += c
        loaded += l_
        problems += p
    out = {"signatures": n_sig, "compiled": compiled, "loaded": loaded, "problems": problems,
           "seconds": time.perf_counter() - t0}
    if verbose:
        print(f"course_lib.precompile: {n_sig} kernel signatures: {compiled} compiled, {loaded} already cached "
              f"(or compiled with a caller), "
              f"{len(problems)} problems ({out['seconds']:.1f} s, {len(chunks)} processes)")
        for p in problems:
            print(f"  {p}", file=sys.stderr)
    return out


def _execute(path: str) -> tuple[str, float, str]:
    from ._nbexec import execute_notebook

    t0 = time.perf_counter()
    try:
        execute_notebook(path, timeout=1200)
        err = ""
    except Exception as exc:  # the registry is still written from what compiled
        err = f"{type(exc).__name__}: {str(exc)[:200]}"
    return path, time.perf_counter() - t0, err


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.precompile", description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "2")))
    parser.add_argument("--only", default=None, help="only kernels whose module:qualname contains this string")
    parser.add_argument("--record", nargs="*", metavar="NOTEBOOK", default=None,
                        help="empty the cache, execute these notebooks, and write the registry from the cache")
    args = parser.parse_args(argv)
    if args.record is not None:
        if args.record:
            for f in cache_files():
                f.unlink()
            with ProcessPoolExecutor(max(1, args.jobs)) as ex:
                for path, sec, err in ex.map(_execute, args.record):
                    print(f"executed {path} ({sec:.1f} s){' FAILED: ' + err if err else ''}")
        table = record_signatures()
        print(f"wrote {REGISTRY.relative_to(PACKAGE.parent)}: {len(table)} kernels, "
              f"{sum(len(v) for v in table.values())} signatures")
        return 0
    out = precompile(jobs=args.jobs, only=args.only)
    return 0  # a stale entry must not break an install; tests/test_precompile.py catches it


if __name__ == "__main__":
    raise SystemExit(main())
