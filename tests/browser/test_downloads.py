"""The homework as students get it: no solution survives anywhere in the published site.

The site (`make book`) is built from the student edition of the homework. Checked here, for every
homework: the page itself, every other page, the search index, `_sources/`, every notebook under
`_build/html` and `_build/student/`, and the launch buttons of the homework pages (Binder opens
the student edition, Colab the reader edition of the `notebooks` branch, the .ipynb download is the student
edition).
"""

from __future__ import annotations

import html
import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
SITE = BUILD / "html"
HOMEWORK = sorted((ROOT / "homework").glob("*.ipynb"))
TEXT_SUFFIXES = {".html", ".js", ".txt", ".ipynb", ".json", ".md", ".py", ".csv"}


def _public_text():
    """The lectures and the front matter: a solution line that occurs there is not a leak."""
    parts = [c.source for path in sorted((ROOT / "lectures").glob("*/*.ipynb"))
             for c in nbformat.read(path, as_version=4).cells]
    parts += [path.read_text() for path in sorted((ROOT / "book").glob("*.md"))]
    return "\n".join(parts)


PUBLIC = _public_text()
MIN_LENGTH = 15  # shorter lines ("return m") say nothing about a solution and occur in any JavaScript file


def _solution_lines(nb):
    """Code lines between the solution markers (or in hidden tests) that occur nowhere else in the book's sources."""
    inside, outside = set(), set()
    for cell in nb.cells:
        in_solution = False
        for line in cell.source.splitlines():
            s = line.strip()
            if "BEGIN SOLUTION" in s or "BEGIN HIDDEN TESTS" in s:
                in_solution = True
            elif "END SOLUTION" in s or "END HIDDEN TESTS" in s:
                in_solution = False
            elif s and not s.startswith("#"):
                (inside if in_solution else outside).add(s)
    return {s for s in inside - outside if len(s) >= MIN_LENGTH and s not in PUBLIC}


def _visible_text(path):
    """The text of a file as a reader sees it: HTML without tags and entities, notebooks as their sources."""
    if path.suffix == ".ipynb":
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:
            return path.read_text(errors="replace")
        return "\n".join(c.source for c in nb.cells) + "\n" + "\n".join(
            str(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    text = path.read_text(errors="replace")
    if path.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


@pytest.fixture(scope="module")
def site_files():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE / 'index.html'} does not exist: run `make book`.")
    files = [p for p in SITE.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    files += sorted((BUILD / "student").glob("*.ipynb"))
    return {p: _visible_text(p) for p in files}


@pytest.mark.parametrize("path", HOMEWORK, ids=lambda p: p.name)
def test_no_solution_in_downloadable_files(path):
    secret = _solution_lines(nbformat.read(path, as_version=4))
    assert secret, "the instructor notebook has no solution code to protect"
    copies = [BUILD / "student" / path.name, SITE / "student" / path.name, SITE / "_sources" / "homework" / path.name]
    for copy in copies:
        assert copy.is_file(), f"{copy} is missing: run `make book`"
        text = "\n".join(c.source for c in nbformat.read(copy, as_version=4).cells)
        leaked = sorted(line for line in secret if line in text)
        assert not leaked, f"solution code in {copy.relative_to(ROOT)}: {leaked}"
        assert "NotImplementedError" in text
        assert "BEGIN HIDDEN TESTS" not in text


@pytest.mark.parametrize("path", HOMEWORK, ids=lambda p: p.name)
def test_no_solution_anywhere_in_the_site(path, site_files):
    """No solution line of this homework in any page, the search index, any source or any notebook of the site."""
    secret = _solution_lines(nbformat.read(path, as_version=4))
    leaks = {}
    for file, text in site_files.items():
        found = sorted(line for line in secret if line in text)
        if found:
            leaks[str(file.relative_to(ROOT))] = found[:3]
    assert not leaks, f"solution code of {path.name} published in: {leaks}"


@pytest.mark.parametrize("path", HOMEWORK, ids=lambda p: p.name)
def test_homework_page_launches_the_student_edition(path):
    page = SITE / "homework" / f"{path.stem}.html"
    assert page.is_file(), f"{page} is missing: run `make book`"
    text = page.read_text()
    assert "raise NotImplementedError()" in html.unescape(re.sub(r"<[^>]+>", "", text))
    colab = re.findall(r'href="(https://colab\.research\.google\.com[^"]*)"', text)
    assert all(html.unescape(u).endswith(f"/blob/notebooks/homework/{path.stem}.ipynb") for u in colab), (
        f"the Colab button must open the reader (student) edition on the notebooks branch, not {colab}")
    binder = re.findall(r'href="(https://mybinder\.org[^"]*)"', text)
    assert binder, "no Binder button on the homework page"
    assert all(f"student/{path.stem}.ipynb" in html.unescape(url) for url in binder), binder
    downloads = re.findall(r'href="([^"]*_sources/homework/[^"]*\.ipynb)"', text)
    assert downloads, "no .ipynb download button"
    student_link = re.findall(rf'href="([^"]*student/{path.stem}\.ipynb)"', text)
    assert student_link, "no link to the student edition"
