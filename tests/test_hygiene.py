"""Structural checks of the book: table of contents, notebooks, metadata, citations."""

import ast
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


# --- No assertion depends on wall-clock time; no number in the prose that no code produces (issue 19) ---------------

_TIMER_FUNCTIONS = {"perf_counter", "perf_counter_ns", "process_time", "process_time_ns", "monotonic", "monotonic_ns",
                    "thread_time", "thread_time_ns", "default_timer", "timeit"}
_TIMER_MODULES = {"time", "timeit"}


def _is_timer_call(node):
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    if isinstance(f, ast.Name):
        return f.id in _TIMER_FUNCTIONS
    if isinstance(f, ast.Attribute):
        if f.attr in _TIMER_FUNCTIONS:
            return True
        # time.time(), time.time_ns(), timeit.repeat()
        return isinstance(f.value, ast.Name) and f.value.id in _TIMER_MODULES and f.attr in {"time", "time_ns", "repeat"}
    return False


def _uses_time(node, tainted):
    return any(_is_timer_call(n) or (isinstance(n, ast.Name) and n.id in tainted) for n in ast.walk(node))


def _target_names(target):
    """Names bound by an assignment target; for ``x[i] = ...`` or ``x.a = ...`` the container ``x``, not ``i``."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)
    elif isinstance(target, (ast.Subscript, ast.Attribute)):
        yield from _target_names(target.value)


def _is_record(node):
    """A dict display or ``dict(...)`` call: a timing stored under one key does not taint the other keys."""
    return isinstance(node, ast.Dict) or (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                                          and node.func.id == "dict")


def wall_clock_asserts(sources):
    """Assert statements of the code cells ``sources`` whose test uses a clock reading.

    A name is tainted when it is assigned (also through a subscript or an attribute of it, augmented assignment or a
    ``for`` target) from an expression that calls a clock (``time.perf_counter``, ``time.time``, ``timeit``,
    ``time.process_time``, ...) or uses a tainted name; the taint is propagated over the whole notebook until it no
    longer grows. A simple check, not a data-flow analysis: a dict display or ``dict(...)`` that stores a timing under
    one key beside other results does not taint them. Returns the offending assert statements as source text.
    """
    trees = []
    for src in sources:
        code = "\n".join("pass" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines())
        try:
            trees.append(ast.parse(code))
        except SyntaxError:
            continue
    tainted = set()
    while True:
        before = len(tainted)
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                    if not _is_record(node.value) and _uses_time(node.value, tainted):
                        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                        for t in targets:
                            tainted.update(_target_names(t))
                elif isinstance(node, (ast.For, ast.comprehension)) and _uses_time(node.iter, tainted):
                    tainted.update(_target_names(node.target))
                elif isinstance(node, ast.NamedExpr) and _uses_time(node.value, tainted):
                    tainted.add(node.target.id)
        if len(tainted) == before:
            break
    return [ast.unparse(node) for tree in trees for node in ast.walk(tree)
            if isinstance(node, ast.Assert) and _uses_time(node.test, tainted)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_assertion_depends_on_wall_clock_time(path):
    nb = nbformat.read(path, as_version=4)
    bad = wall_clock_asserts([c.source for c in nb.cells if c.cell_type == "code"])
    assert not bad, f"assertions on wall-clock time (a busy machine fails them; timings belong in `make bench`): {bad}"


def test_no_test_asserts_on_wall_clock_time():
    bad = {str(p.relative_to(ROOT)): wall_clock_asserts([p.read_text()]) for p in sorted((ROOT / "tests").rglob("*.py"))}
    bad = {p: b for p, b in bad.items() if b}
    assert not bad, f"tests asserting on wall-clock time (performance belongs in `make bench`, as ratios): {bad}"


def test_wall_clock_check_catches_a_planted_example():
    planted = ["import time\nt0 = time.perf_counter()\nrun()\nelapsed = time.perf_counter() - t0",
               "cost = {}\ncost['a'] = (elapsed, 3)\nratio = cost['a'][0] / 2\nassert 3.0 <= ratio <= 20.0",
               "from timeit import default_timer\nassert default_timer() > 0"]
    assert wall_clock_asserts(planted) == ["assert 3.0 <= ratio <= 20.0", "assert default_timer() > 0"]
    clean = ["import time\nt0 = time.perf_counter()\nx = compute()\nprint(time.perf_counter() - t0)", "assert x > 0"]
    assert wall_clock_asserts(clean) == []


_MD_FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{[^}]*\})?.*$")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MD_MATH_BLOCK = re.compile(r"\$\$.*?\$\$", re.S)
_MD_AMSMATH = re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S)
_MD_INLINE_MATH = re.compile(r"(?<!\\)\$(?:[^$\n]|\n(?!\s*\n))+?(?<!\\)\$")
_MD_ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")  # {glue:text}, {cite}, {eq}, {ref}, {numref}, {doc}, {prf:ref}, ...
_MD_CODE = re.compile(r"`[^`\n]*`")
_MD_LINK_OR_LABEL = re.compile(r"\]\([^)]*\)|\([a-z]+-[\w-]+\)")  # link targets, (eq-label) after $$ ... $$
_MD_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s", re.M)
_MD_NUMBER = re.compile(r"[\w.,\u2013-]*\d[\w.,\u2013-]*")
ALLOWLIST_FILE = ROOT / "tests" / "markdown_numbers_allowlist.txt"


def markdown_numbers(source):
    """Tokens with digits in a Markdown cell, outside the places where a number is allowed.

    Allowed: ``{glue:text}`` and every other role (``{cite}``, ``{eq}``, ``{ref}``, ...), math (``$...$``, ``$$...$$``,
    amsmath environments), code spans and code blocks, ``(label)=`` targets, headings, directive option lines
    (``:label:``, ``:name:``), link targets and list markers.
    """
    text = _MD_AMSMATH.sub(" ", _MD_MATH_BLOCK.sub(" ", _MD_COMMENT.sub(" ", source)))
    kept, fence, directives = [], None, []
    for line in text.splitlines():
        s = line.strip()
        if fence is not None:  # inside a plain code block: skip it up to its closing fence
            fence = None if s == fence else fence
            continue
        m = _MD_FENCE.match(s)
        if m:
            if m.group(2):
                directives.append(m.group(1))  # ```{glue:figure} or :::{exercise}: its body is prose
            elif directives and s == directives[-1]:
                directives.pop()
            elif s.startswith("```"):
                fence = m.group(1)
            continue
        if s.startswith("#") or re.match(r"^\([\w:.-]+\)=$", s) or re.match(r"^:[\w-]+:", s):
            continue
        kept.append(line)
    text = _MD_LIST_MARKER.sub(" ", "\n".join(kept))
    text = _MD_LINK_OR_LABEL.sub("]", _MD_INLINE_MATH.sub(" ", _MD_CODE.sub(" ", _MD_ROLE.sub(" ", text))))
    return [t.strip(".,-\u2013") for t in _MD_NUMBER.findall(text)]


def _number_allowlist():
    """``path | token | reason`` lines of tests/markdown_numbers_allowlist.txt as {(path, token): reason}."""
    entries = {}
    for ln in ALLOWLIST_FILE.read_text().splitlines():
        if ln.strip() and not ln.startswith("#"):
            path, token, reason = (part.strip() for part in ln.split("|", 2))
            entries[(path, token)] = reason
    return entries


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_numbers_in_lecture_prose_come_from_code_or_a_source(path):
    rel = str(path.relative_to(ROOT))
    allowed = {tok for (p, tok) in _number_allowlist() if p == rel}
    nb = nbformat.read(path, as_version=4)
    found = {t for c in nb.cells if c.cell_type == "markdown" for t in markdown_numbers(c.source)}
    bad = sorted(found - allowed)
    assert not bad, (f"numbers typed into the Markdown of {rel}: {bad}. Glue them from a cell ({{glue:text}}), cite "
                     f"their source, write a constant as math, or add '{rel} | TOKEN | reason' to {ALLOWLIST_FILE.name}")


def test_number_allowlist_has_reasons_and_no_stale_entries():
    found = {}
    for path in LECTURES:
        nb = nbformat.read(path, as_version=4)
        found[str(path.relative_to(ROOT))] = {t for c in nb.cells if c.cell_type == "markdown"
                                              for t in markdown_numbers(c.source)}
    entries = _number_allowlist()
    assert all(reason for reason in entries.values()), "every allow-listed number needs a reason"
    stale = sorted(f"{p} | {t}" for (p, t) in entries if t not in found.get(p, set()))
    assert not stale, f"allow-list entries that no longer occur (delete them): {stale}"


def test_markdown_number_check_catches_a_planted_example():
    planted = ("The logistic error at $\\alpha = 8$ is 0.0529, below {glue:text}`bayes:.4f` "
               "{cite}`engel2001statistical`; `n_iter=300`,\n$$ x = 2 $$ (eq-x)\n\n1. a list item")
    assert markdown_numbers(planted) == ["0.0529"]
    assert markdown_numbers("```python\nx = 12\n```\n## Experiment 3\n(sec-4)=\n:::{figure} a.png\n:name: fig-5\n:::") == []
    # the closing fence of a directive does not open a code block: the prose after it is still read
    assert markdown_numbers("```{glue:figure} fig\n:name: fig\n\nCaption.\n```\n\nA 32-fold range.") == ["32-fold"]


def test_no_roles_in_proof_titles():
    """sphinx-proof copies a theorem's title verbatim into the index of terms and the theorem index: a `{cite}` role
    there is printed raw (and overflowed the printed index). Citations go into the body."""
    bad = []
    for nb in NOTEBOOKS:
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for line in "".join(cell["source"]).splitlines():
                if re.match(r"^\s*:{3,}\{prf:[a-z]+\}.*\{cite\}`", line):
                    bad.append((nb.name, cell.get("id"), line.strip()[:80]))
    assert not bad, bad
