"""Structural checks of the book: table of contents, notebooks, metadata, citations."""

import json
import pathlib
import re

import nbformat
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for d in ("lectures", "homework") for p in (ROOT / d).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
LECTURES = [p for p in NOTEBOOKS if p.relative_to(ROOT).parts[0] == "lectures"]
HOMEWORK = [p for p in NOTEBOOKS if p.relative_to(ROOT).parts[0] == "homework"]


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for e in entries:
            if "file" in e:
                files.append(e["file"])
            walk(e.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return files


def _resolve(entry):
    for ext in (".ipynb", ".md"):
        if (ROOT / (entry + ext)).exists():
            return ROOT / (entry + ext)
    return None


def test_there_are_notebooks():
    assert LECTURES, "no lecture notebooks found"
    assert HOMEWORK, "no homework notebooks found"


def test_toc_entries_exist():
    missing = [e for e in _toc_files() if _resolve(e) is None]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_every_notebook_is_in_the_toc():
    listed = {_resolve(e) for e in _toc_files()}
    absent = [str(p.relative_to(ROOT)) for p in NOTEBOOKS if p not in listed]
    assert not absent, f"notebooks missing from _toc.yml: {absent}"


def test_toc_parts_are_not_empty_and_pinned_layout():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert toc["format"] == "jb-book"
    for part in toc["parts"]:
        assert part.get("chapters"), f"part {part['caption']!r} is an empty stub"
    captions = [p["caption"] for p in toc["parts"]]
    assert captions[0] == "Front matter" and "Homework" in captions


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_has_no_outputs_and_python3_kernel(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", "kernelspec must be python3"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {i} carries outputs: strip them before committing"
            assert cell.execution_count is None, f"cell {i} carries an execution count"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_lecture_structure(path):
    nb = nbformat.read(path, as_version=4)
    allowed = {"slide", "subslide", "fragment", "-", "skip", "notes"}
    for i, cell in enumerate(nb.cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        assert kind in allowed, f"cell {i} lacks slideshow.slide_type metadata (got {kind!r})"
    assert nb.cells[0].metadata["slideshow"]["slide_type"] == "slide"
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "Learning goals" in text, "a lecture starts with its learning goals"
    assert "{prf:" in text, "a lecture states its mathematics with sphinx-proof directives"
    assert ":::{exercise}" in text and ":::{solution}" in text, "a lecture has exercises with solutions"
    assert re.search(r"^assert ", code, flags=re.M), "a lecture checks theory against experiment with assertions"
    assert "np.random.seed" not in code, "use np.random.default_rng, never global seeding"
    numbered = re.findall(r"^#{2,6} \d+(?:\.\d+)*\.? .*$", text, flags=re.M)
    assert not numbered, f"section headings carry manual numbers (the table of contents numbers them): {numbered}"
    for block in re.findall(r":::\{solution\}[^\n]*\n(.*?)\n:::", text, flags=re.S):
        assert ":class: dropdown" in block, "solutions are folded by default"


@pytest.mark.parametrize("path", HOMEWORK, ids=lambda p: str(p.relative_to(ROOT)))
def test_homework_structure(path):
    nb = nbformat.read(path, as_version=4)
    n_solution = n_check = 0
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        has_markers = "### BEGIN SOLUTION" in cell.source
        if has_markers:
            n_solution += 1
            assert meta.get("solution") is True, f"cell {i} has solution markers but no nbgrader solution metadata"
            assert cell.source.count("### BEGIN SOLUTION") == cell.source.count("### END SOLUTION")
        if meta.get("grade"):
            n_check += 1
            assert "check" in cell.metadata.get("tags", []), f"check cell {i} must be tagged 'check'"
            assert "grading." in cell.source, f"check cell {i} must call course_lib.grading"
    assert n_solution >= 1 and n_check >= n_solution, "every solution is followed by a check"
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), "nbgrader grade_id values must be unique"


def test_citations_exist_in_bibliography():
    bib = (ROOT / "book" / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,\s]+),", bib))
    sources = [p.read_text() for p in (ROOT / "book").glob("*.md")]
    sources += [json.dumps(nbformat.read(p, 4).cells) for p in NOTEBOOKS]
    cited = set()
    for s in sources:
        for group in re.findall(r"\{cite(?::[pt])?\}`([^`]+)`", s):
            cited.update(k.strip() for k in group.split(","))
    missing = cited - keys
    assert not missing, f"cited but not in references.bib: {sorted(missing)}"


def test_requirements_are_pinned():
    # requirements.txt: the reader's environment; requirements-dev.txt includes it (tests/test_release.py checks the split)
    reqs = []
    for name in ("requirements.txt", "requirements-dev.txt"):
        lines = [ln.strip() for ln in (ROOT / name).read_text().splitlines()]
        reqs += [ln for ln in lines if ln and not ln.startswith("#") and ln != "-r requirements.txt"]
    unpinned = [r for r in reqs if "==" not in r]
    assert not unpinned, f"unpinned requirements: {unpinned}"
    jb = [r for r in reqs if r.lower().startswith("jupyter-book==")]
    assert jb and jb[0].split("==")[1].startswith("1."), "Jupyter Book must be pinned to 1.x"


def test_config_executes_notebooks():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert cfg["execute"]["execute_notebooks"] in ("cache", "force")
    assert cfg["execute"].get("allow_errors") is False
