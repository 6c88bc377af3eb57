"""Fixtures of the reader-notebook tests: a fresh reader environment and the locally built course_lib wheel.

The environment is a virtual environment with ``requirements.txt`` only (the reader's requirements, what Binder
installs) and no course_lib: each notebook's own first cell installs course_lib, from the wheel built here
(``COURSE_LIB_SPEC``), with ``PIP_NO_INDEX=1`` so that the installation cannot reach a package index. The venv is
kept in ``_build/reader-env`` between runs, keyed by the hash of requirements.txt, and course_lib is uninstalled
from it before every notebook.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from release_tools import ROOT, build_dists, run, site_packages, venv_python  # noqa: E402

ENV_DIR = ROOT / "_build" / "reader-env"
KERNEL = "course-reader"


class ReaderEnv:
    """A fresh reader environment, a course_lib wheel, and a way to run a notebook in it."""

    def __init__(self, venv: pathlib.Path, wheel: pathlib.Path):
        self.venv, self.wheel = venv, wheel
        self.python = venv_python(venv)

    def has_course_lib(self) -> bool:
        probe = run([self.python, "-c", "import importlib.util; print(importlib.util.find_spec('course_lib') is not None)"],
                    cwd=self.venv)
        return probe.stdout.strip() == "True"

    def remove_course_lib(self):
        run([self.python, "-m", "pip", "uninstall", "--quiet", "--yes", "course_lib"], cwd=self.venv)
        # numba's cache files, written after the installation, are not in the wheel's RECORD: pip leaves them
        # behind, and the folder they keep would import as a namespace package
        shutil.rmtree(site_packages(self.python) / "course_lib", ignore_errors=True)
        assert not self.has_course_lib(), "course_lib is still importable in the reader environment"

    def kernel_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
        bin_dir = str(self.python.parent)
        dev_bin = pathlib.Path(sys.prefix, "bin")  # the development environment's scripts stay out of the kernel's PATH
        rest = [p for p in env.get("PATH", "").split(os.pathsep) if p and pathlib.Path(p) != dev_bin]
        env.update(PATH=os.pathsep.join([bin_dir, *rest]), COURSE_LIB_SPEC=str(self.wheel), PIP_NO_INDEX="1",
                   PIP_DISABLE_PIP_VERSION_CHECK="1", OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")
        return env

    def execute(self, nb, cwd: pathlib.Path, allow_errors: bool = False, timeout: int = 600):
        """Execute ``nb`` (in place) with the reader environment's kernel, from the folder ``cwd``."""
        from nbclient import NotebookClient

        client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL, allow_errors=allow_errors,
                                resources={"metadata": {"path": str(cwd)}})
        client.execute(env=self.kernel_env())
        return nb


def _fresh_venv() -> pathlib.Path:
    requirements = (ROOT / "requirements.txt").read_bytes()
    key = hashlib.sha256(requirements + sys.version.encode()).hexdigest()[:16]
    stamp = ENV_DIR / ".requirements-sha256"
    if not (stamp.is_file() and stamp.read_text() == key and venv_python(ENV_DIR).is_file()):
        shutil.rmtree(ENV_DIR, ignore_errors=True)
        run([sys.executable, "-m", "venv", ENV_DIR])
        run([venv_python(ENV_DIR), "-m", "pip", "install", "--quiet", "-r", ROOT / "requirements.txt"])
        run([venv_python(ENV_DIR), "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL,
             "--display-name", "Python 3 (reader environment)"])
        stamp.write_text(key)
    return ENV_DIR


@pytest.fixture(scope="session")
def reader_env(tmp_path_factory):
    wheel, _ = build_dists(tmp_path_factory.mktemp("dist"))
    venv = _fresh_venv()
    env = ReaderEnv(venv, wheel)
    # the kernel's spec lives in the venv; nbclient (running here) finds it through JUPYTER_PATH
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", str(venv / "share" / "jupyter"))
    yield env
    mp.undo()
