"""Reader notebooks run outside the website: in a fresh environment with only the reader's requirements, where
each notebook's first cell installs course_lib (here from the locally built wheel, without network).

``make test-reader`` runs this after ``make notebooks`` has written the reader edition into ``_build/notebooks``.
Without that folder the tests over it skip on a laptop (with a message) and fail when CI=true. To keep CI short
they execute one lecture and one student homework (``READER_NOTEBOOKS=all`` executes every reader notebook);
the first cell of every reader notebook is checked statically.
"""

from __future__ import annotations

import os
import pathlib
import re

import nbformat
import pytest
import yaml

from release_tools import ROOT, version

READER = ROOT / "_build" / "notebooks"
#: executed on every run: the first lecture and the first homework (the student edition)
SAMPLE = ["lectures/01_erm/erm_and_curse_of_dimensionality.ipynb", "homework/hw01_erm.ipynb"]


def install_spec() -> str:
    """What the install cell installs by default: course_lib at the tag of the book's version."""
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")
    return f"course_lib @ git+{url}@v{version()}"


#: The install cell of the contract (written by `make notebooks` as the first cell of every reader notebook). The
#: tiny notebook below uses this text; the reader edition must behave the same way (checked by the tests below).
INSTALL_CELL = '''\
# Installs course_lib, the library of this book, where it is missing (Colab, a fresh environment).
import importlib, os, subprocess, sys
try:
    import course_lib
except ImportError:
    spec = os.environ.get("COURSE_LIB_SPEC", "{spec}")
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", spec])
    importlib.invalidate_caches()
    import course_lib
print("course_lib", course_lib.__version__)
'''


def _reader_notebooks() -> list[pathlib.Path]:
    return sorted(p for p in READER.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _require_reader_edition():
    if _reader_notebooks():
        return
    message = f"no reader edition in {READER}: run `make notebooks` first (`make test-reader` does)."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)


def _errors(nb):
    return [(i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code" for o in c.get("outputs", [])
            if o.output_type == "error"]


def _assert_installed_from_wheel(nb, env):
    out = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")
    assert f"course_lib {version()}" in out or env.has_course_lib(), f"the install cell printed {out!r}"
    assert env.has_course_lib(), "the first cell did not install course_lib into the reader environment"


# -- the mechanism, on a notebook made here (runs without `make notebooks`) -------------------------------------


@pytest.mark.slow
def test_install_cell_installs_course_lib_in_a_fresh_environment(reader_env, tmp_path):
    reader_env.remove_course_lib()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell(INSTALL_CELL.format(spec=install_spec())),
        nbformat.v4.new_code_cell("import course_lib, sys\nprint(course_lib.__file__)\nprint(sys.prefix)"),
        nbformat.v4.new_code_cell(
            "import numpy as np\nfrom course_lib.erm import ball_in_cube_fraction\n"
            "measured, theory = ball_in_cube_fraction(2), np.pi / 4\nprint(measured, theory)\n"
            "assert abs(measured - theory) < 1e-12"),
    ]
    reader_env.execute(nb, tmp_path)
    assert not _errors(nb)
    where, prefix = nb.cells[1].outputs[0].text.split()
    assert pathlib.Path(prefix) == reader_env.venv, f"the kernel ran in {prefix}, not in the reader environment"
    assert where.startswith(str(reader_env.venv)), f"course_lib was imported from {where}, not from the installed wheel"
    _assert_installed_from_wheel(nb, reader_env)
    # the cell does nothing where course_lib is already there (a second run installs nothing)
    again = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(INSTALL_CELL.format(spec="no-such-package==0"))])
    reader_env.execute(again, tmp_path)
    assert not _errors(again)


@pytest.mark.slow
def test_install_cell_fails_loudly_without_a_source(reader_env, tmp_path):
    """Negative control: with an install source that does not exist, the first cell fails (no silent success)."""
    reader_env.remove_course_lib()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(INSTALL_CELL.format(spec=install_spec()))])
    env_spec = reader_env.wheel
    reader_env.wheel = env_spec.with_name("course_lib-0.0.0-py3-none-any.whl")
    try:
        reader_env.execute(nb, tmp_path, allow_errors=True)
    finally:
        reader_env.wheel = env_spec
    assert [o.ename for _, o in _errors(nb)] == ["CalledProcessError"]
    assert not reader_env.has_course_lib()


# -- the reader edition written by `make notebooks` --------------------------------------------------------------


def test_every_reader_notebook_starts_with_the_install_cell():
    _require_reader_edition()
    expected = {str(p.relative_to(ROOT).with_suffix(".ipynb")) for d in ("lectures", "homework")
                for p in (ROOT / d).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}
    found = {str(p.relative_to(READER)) for p in _reader_notebooks()}
    assert expected <= found, f"missing from the reader edition: {sorted(expected - found)[:5]}"
    spec = install_spec()
    bad = []
    for path in _reader_notebooks():
        first = nbformat.read(path, as_version=4).cells[0]
        src = first.source
        ok = (first.cell_type == "code" and "import course_lib" in src and "COURSE_LIB_SPEC" in src and spec in src
              and re.search(r"sys\.executable|%pip", src) and "myst_nb" not in src)
        if not ok:
            bad.append(str(path.relative_to(READER)))
    assert not bad, (f"{len(bad)} reader notebooks do not start with the install cell (code; installs {spec!r} or "
                     f"$COURSE_LIB_SPEC with this kernel's pip, only where `import course_lib` fails): {bad[:5]}")


def _selected():
    if os.environ.get("READER_NOTEBOOKS", "") == "all":
        return [str(p.relative_to(READER)) for p in _reader_notebooks()] or SAMPLE
    return SAMPLE


@pytest.mark.slow
@pytest.mark.parametrize("relpath", _selected())
def test_reader_notebook_runs_in_a_fresh_environment(reader_env, relpath):
    _require_reader_edition()
    path = READER / relpath
    assert path.is_file(), f"{relpath} is missing from the reader edition"
    reader_env.remove_course_lib()
    nb = nbformat.read(path, as_version=4)
    student = relpath.startswith("homework/")
    reader_env.execute(nb, path.parent, allow_errors=student)
    _assert_installed_from_wheel(nb, reader_env)
    errors = _errors(nb)
    if not student:
        assert not errors, f"{relpath}: cell {errors[0][0]} raised {errors[0][1].ename}: {errors[0][1].evalue}"
        return
    # the student edition: only the checks fail, each with the grading message, and the rest runs
    assert errors, f"{relpath}: no check failed, although the student edition has no solutions"
    graded = {i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
    for i, err in errors:
        assert err.ename in ("CheckFailed", "NotImplementedError"), (
            f"{relpath}: cell {i} raised {err.ename}: {err.evalue} (only the checks of unsolved exercises may fail)")
        if graded:
            assert i in graded or err.ename == "NotImplementedError", f"{relpath}: cell {i} is not a check but failed"
    assert 0 not in {i for i, _ in errors}, "the install cell failed"
