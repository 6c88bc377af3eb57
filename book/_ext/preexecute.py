"""Execute the book's notebooks in parallel into the Jupyter Book execution cache.

Jupyter Book 1 executes notebooks one after the other. Running them first through
jupyter-cache's parallel executor fills the same cache (``_build/.jupyter_cache``), so the
build that follows only reads the outputs. Notebooks whose code is unchanged are not run again.

Usage: ``python book/_ext/preexecute.py [--timeout SECONDS] NOTEBOOK ...``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from course_lib._nbexec import install_shell_poll_slices  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--cache", type=Path, default=Path("_build/.jupyter_cache"))
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args(argv)

    # nbclient can sleep through a cell's whole timeout after ipywidgets cells (jupyter/nbclient#312); the
    # executor's worker processes are forked from this one and inherit the fix.
    install_shell_poll_slices()
    cache = get_cache(args.cache)
    for path in args.notebooks:
        cache.add_nb_to_project(str(path.resolve()))
    executor = load_executor("local-parallel", cache=cache)
    result = executor.run_and_cache(timeout=args.timeout)
    for uri in result.succeeded:
        print(f"executed: {uri}")
    failed = list(result.excepted) + list(result.errored)
    for uri in failed:
        print(f"FAILED: {uri} (the book build will show the traceback)", file=sys.stderr)
    # A failure is reported by the book build itself, which re-executes the notebook and
    # raises with the traceback; here it only means nothing was cached for that notebook.
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
