"""The homework as students get it: no solution survives in anything they can download."""

from __future__ import annotations

import pathlib

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
HOMEWORK = sorted((ROOT / "homework").glob("*.ipynb"))


def _solution_lines(nb):
    """Code lines between the solution markers that appear nowhere outside them."""
    inside, outside = set(), set()
    for cell in nb.cells:
        in_solution = False
        for line in cell.source.splitlines():
            s = line.strip()
            if "BEGIN SOLUTION" in s:
                in_solution = True
            elif "END SOLUTION" in s:
                in_solution = False
            elif s and not s.startswith("#"):
                (inside if in_solution else outside).add(s)
    return inside - outside


@pytest.mark.parametrize("path", HOMEWORK, ids=lambda p: p.name)
def test_no_solution_in_downloadable_files(path):
    secret = _solution_lines(nbformat.read(path, as_version=4))
    assert secret, "the instructor notebook has no solution code to protect"
    copies = [BUILD / "student" / path.name, BUILD / "html" / "student" / path.name,
              BUILD / "html" / "_sources" / "homework" / path.name]
    for copy in copies:
        assert copy.is_file(), f"{copy} is missing: run `make book`"
        text = "\n".join(c.source for c in nbformat.read(copy, as_version=4).cells)
        leaked = sorted(line for line in secret if line in text)
        assert not leaked, f"solution code in {copy.relative_to(ROOT)}: {leaked}"
        assert "NotImplementedError" in text
