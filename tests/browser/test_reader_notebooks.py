"""The reader edition of the notebooks (`make notebooks`), checked over every generated notebook.

Runs with the browser tests, after `make book` (which writes `_build/notebooks/`); no browser is needed.
"""

import os
import pathlib
import re

import nbformat
import pytest

from course_lib.slides import notebook_leftovers

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "_build" / "notebooks"


def _need(path, target):
    if not path.exists():
        message = f"{path} does not exist: run `make {target}`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_reader_edition_has_every_notebook_and_no_myst():
    _need(NOTEBOOKS, "notebooks")
    lectures = sorted(p.relative_to(ROOT) for p in (ROOT / "lectures").rglob("*.ipynb")
                      if ".ipynb_checkpoints" not in p.parts)
    homework = sorted(p.relative_to(ROOT) for p in (ROOT / "homework").glob("*.ipynb"))
    missing = [str(p) for p in lectures + homework if not (NOTEBOOKS / p).is_file()]
    assert not missing, f"no reader edition of {missing}"
    bad = {}
    for path in sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts):
        found = notebook_leftovers(nbformat.read(path, 4))
        if found:
            bad[str(path.relative_to(NOTEBOOKS))] = found
    assert not bad, f"MyST/Sphinx syntax left in the reader edition: {bad}"
    # every link points into the website as if the notebook sat at its page's place: check each resolves
    site = ROOT / "_build" / "html"
    broken = set()
    for path in sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts):
        page = site / path.relative_to(NOTEBOOKS).with_suffix(".html")
        for cell in nbformat.read(path, 4).cells:
            if cell.cell_type != "markdown":
                continue
            text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", "", cell.source, flags=re.S)  # math is not a link
            for href in re.findall(r"\]\(([^)\s]+)\)", text):
                if re.match(r"^[a-z]+:", href):
                    continue
                file, _, anchor = href.partition("#")
                target = (page.parent / file).resolve()
                if not target.is_file() or (anchor and f'id="{anchor}"' not in target.read_text(encoding="utf-8")):
                    broken.add(f"{path.relative_to(NOTEBOOKS)}: {href}")
    assert not broken, f"links of the reader edition that do not resolve on the website: {sorted(broken)[:8]}"
    for path in homework:  # the student edition: no line of a solution survives
        inside_lines, outside_lines = set(), set()
        for cell in nbformat.read(ROOT / path, 4).cells:
            inside = False
            for line in cell.source.splitlines():
                if "BEGIN SOLUTION" in line or "END SOLUTION" in line:
                    inside = "BEGIN" in line
                elif line.strip() and not line.strip().startswith("#"):
                    (inside_lines if inside else outside_lines).add(line.strip())
        secret = inside_lines - outside_lines
        assert secret, f"{path}: no solution to protect (negative control)"
        text = "\n".join(c.source for c in nbformat.read(NOTEBOOKS / path, 4).cells)
        lines = {line.strip() for line in text.splitlines()}
        leaked = sorted(secret & lines)
        assert not leaked, f"{path}: solution code in the reader edition: {leaked[:3]}"
        assert "NotImplementedError" in text
