"""Helpers of the release tests (tests/test_release.py, tests/reader/): build course_lib, make environments.

Nothing here needs the network: the wheel and the sdist are built with ``python -m build --no-isolation`` (setuptools
and build are pinned in requirements-dev.txt) and installed with ``--no-deps --no-index``.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import sysconfig

ROOT = pathlib.Path(__file__).resolve().parents[1]


def version() -> str:
    """``__version__`` as written in course_lib/__init__.py (the single source)."""
    match = re.search(r'^__version__ = "([^"]+)"$', (ROOT / "course_lib" / "__init__.py").read_text(), re.M)
    assert match, "course_lib/__init__.py has no line __version__ = \"X.Y.Z\""
    return match.group(1)


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    """Run ``cmd``; on failure, raise with its output (pytest shows it)."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def build_dists(outdir: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """``python -m build``: the sdist, then the wheel built from that sdist; returns (wheel, sdist)."""
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", outdir, ROOT], cwd=ROOT)
    v = version()
    wheel, sdist = outdir / f"course_lib-{v}-py3-none-any.whl", outdir / f"course_lib-{v}.tar.gz"
    assert wheel.is_file() and sdist.is_file(), f"python -m build left {sorted(p.name for p in outdir.iterdir())}"
    return wheel, sdist


def venv_python(venv: pathlib.Path) -> pathlib.Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def site_packages(python: pathlib.Path) -> pathlib.Path:
    out = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    return pathlib.Path(out)


def venv_over_current(venv: pathlib.Path) -> pathlib.Path:
    """A new venv that sees the packages of the running environment but not its (editable) course_lib.

    The running environment's site-packages is appended to the new one's ``sys.path`` by a ``.pth`` line, which
    does not process the ``.pth`` files inside it: the editable install of course_lib stays invisible, and
    numpy, scipy, numba, pytest... are found. Returns the new interpreter.
    """
    run([sys.executable, "-m", "venv", venv])
    python = venv_python(venv)
    (site_packages(python) / "_dev_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python
