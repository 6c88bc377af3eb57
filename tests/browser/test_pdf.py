"""The PDFs of `make pdf` (printed from the website by Chromium; see book/_ext/print_pdf.py).

Needs `_build/pdf` (run `make book` or `make pdf` first; `make test` does). Text is extracted
with pypdf, page by page.
"""

from __future__ import annotations

import json
import os
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
PDF_DIR = ROOT / "_build" / "pdf"
BOOK = PDF_DIR / "book.pdf"
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
DOCS = [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part["chapters"]]
LECTURES = [d for d in DOCS if d.startswith("lectures/")]

# Statements, equations and figures as numbered on the website (checked there by test_site.py).
EXPECTED = [
    "Theorem 9.1 (",  # a theorem of the spectral-edge lecture, with its title
    "Definition 1.1 (",
    "Fig. 8.2",
    "Fig. 19.1",
    "(8.1)",  # an equation number
    "Tracy and Widom, 1994",  # a bibliography entry, labelled author-year
    "Index of theorems",
]


def _need_pdfs():
    if not BOOK.is_file():
        message = f"{BOOK} does not exist: run `make pdf` (or `make book`) first."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def book():
    _need_pdfs()
    from pypdf import PdfReader

    return PdfReader(BOOK)


@pytest.fixture(scope="module")
def book_text(book):
    ligatures = {"\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\ufb03": "ffi", "\ufb04": "ffl"}
    pages = [page.extract_text() or "" for page in book.pages]
    return ["".join(ligatures.get(ch, ch) for ch in text) for text in pages]


def test_summary_has_no_cut_content_and_every_page():
    _need_pdfs()
    summary = json.loads((PDF_DIR / "summary.json").read_text())
    assert not summary["problems"], summary["problems"]
    assert set(summary["documents"]) >= set(DOCS)


def test_book_length_and_outline(book):
    n = len(book.pages)
    # 21 lectures, 9 homework sets, front and back matter: several hundred A4 pages
    assert 300 <= n <= 2000, f"{n} pages"
    titles = [item.title for item in book.outline if not isinstance(item, list)]
    assert any(t.startswith("Part IV") for t in titles), titles
    assert any(t.startswith("Part VII") for t in titles), titles


def test_book_text_has_numbered_statements_bibliography_and_toc(book_text):
    text = "\n".join(book_text)
    flat = re.sub(r"\s+", " ", text)
    missing = [e for e in EXPECTED if e not in flat]
    assert not missing, f"not found in the book's text: {missing}"
    assert any("Contents" in page for page in book_text[:3])
    assert "Mathematics of Deep Learning" in book_text[0], "the first page is not the title page"
    # the table of contents gives every lecture's first page
    toc = re.sub(r"\s+", " ", " ".join(book_text[:4]))
    assert "The spectral edge" in toc


def test_no_unresolved_reference(book_text):
    hits = [(i + 1, m) for i, page in enumerate(book_text) for m in re.findall(r".{0,30}\?\?.{0,30}", page)]
    assert not hits, f"'??' (an unresolved reference) on pages: {hits[:10]}"


def test_links_stay_inside_the_book(book):
    goto = external_local = 0
    for page in book.pages:
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object().get("/A")
            if not a:
                continue
            if a.get("/S") == "/GoTo":
                goto += 1
            elif a.get("/S") == "/URI" and "127.0.0.1" in str(a.get("/URI")):
                external_local += 1
    assert external_local == 0, "links to the print server left in the PDF"
    assert goto > 500, f"only {goto} internal links (cross-references, citations, table of contents)"


@pytest.mark.parametrize("doc", LECTURES)
def test_one_pdf_per_lecture(doc):
    _need_pdfs()
    from pypdf import PdfReader

    path = PDF_DIR / (pathlib.PurePosixPath(doc).name + ".pdf")
    assert path.is_file(), f"no PDF for {doc}"
    reader = PdfReader(path)
    assert len(reader.pages) >= 3
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text() or "")
    # the lecture's title and its chapter number, as on the website
    assert re.search(r"\b\d{1,2}\. \S", first), first[:200]
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object().get("/A")
            if a and a.get("/S") == "/URI":
                assert "127.0.0.1" not in str(a.get("/URI"))


@pytest.mark.parametrize("path", sorted((ROOT / "homework").glob("*.ipynb")), ids=lambda p: p.name)
def test_homework_pdf_has_no_solution(path):
    """A homework PDF is what students download: no solution code (as test_downloads.py checks the notebooks)."""
    _need_pdfs()
    import nbformat
    from pypdf import PdfReader

    from test_downloads import _solution_lines

    nb = nbformat.read(path, as_version=4)
    secret = {re.sub(r"\s+", "", line) for line in _solution_lines(nb)}
    # what students see anyway (the text, the checks) may quote a piece of a solution line
    visible = re.sub(r"\s+", "", "".join(c.source for c in nb.cells if "BEGIN SOLUTION" not in c.source))
    secret = {s for s in secret if len(s) > 25 and s not in visible}
    reader = PdfReader(PDF_DIR / (path.stem + ".pdf"))
    text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))
    leaked = sorted(s for s in secret if s in text)
    assert not leaked, f"solution code in {path.stem}.pdf: {leaked[:3]}"


def test_printed_figures_are_readable():
    """Every figure is printed at a scale where course_lib.plotting's 10 pt tick labels stay >= 7 pt."""
    _need_pdfs()
    summary = json.loads((PDF_DIR / "summary.json").read_text())
    assert summary["figures"] >= 60, f"only {summary['figures']} figures printed"
    assert not summary["tick_label_pt_below_min"], summary["tick_label_pt_below_min"]
