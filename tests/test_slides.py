"""Tests of course_lib.slides: MyST turned into plain Markdown with the website's numbers, curated decks,
the reader edition and the tag script.

The tests over the real build (every deck, every reader notebook) are in tests/browser/, which `make test`
runs after `make book`.
"""

import json
import pathlib
import re

import nbformat
import pytest

from course_lib.slides import (Context, References, Target, build_slides, citation_labels, deck_html, leftovers,
                               myst_to_markdown, notebook_leftovers, parse, reader_notebook)
from course_lib.slides._deck import first_sentence
from course_lib.slides._tags import apply_tags

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = "lectures/04_rmt/edge"
REFS = References(
    targets={
        "thm-x": Target(DOC, "thm-x", "theorem", "9.1", "", "Theorem"),
        "def-y": Target(DOC, "def-y", "definition", "9.2", "", "Definition"),
        "eq-1": Target(DOC, "equation-eq-1", "equation", "9.3", "", "Equation"),
        "fig-a": Target(DOC, "fig-a", "figure", "9.1", "Edge density", "Figure"),
        "sec-a": Target(DOC, "sec-a", "section", "9.2", "Sampling the edge", "Section"),
        "lecture-edge": Target(DOC, "lecture-edge", "section", "9", "The edge", "Section"),
        "ex-1": Target(DOC, "ex-1", "exercise", "9.1", "", "Exercise"),
        "other-thm": Target("lectures/05_sg/sk", "other-thm", "theorem", "12.4", "", "Theorem"),
    },
    docs={DOC: "The edge", "lectures/05_sg/sk": "The SK model", "book/bibliography": "Bibliography"},
    citations={"t94": "Tracy and Widom (1994)", "b10": "Bornemann (2010)"},
    citation_anchors={"t94": "id7"},
)
GLUE = {"x": {"text/plain": "0.123456"}, "fig": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}}
CTX = Context(glue=GLUE, refs=REFS, docname=DOC)


def md(src, **kw):
    return myst_to_markdown(src, GLUE, REFS, docname=DOC, **kw)


def test_references_print_the_website_numbers_with_links():
    out = md("See {eq}`eq-1`, {prf:ref}`thm-x`, {prf:ref}`the other one <other-thm>`, {numref}`fig-a`, "
             "{ref}`sec-a`, {ref}`this exercise <ex-1>`, {doc}`/lectures/05_sg/sk` and {cite}`t94,b10`.")
    assert "[(9.3)](edge.html#equation-eq-1)" in out
    assert "[Theorem 9.1](edge.html#thm-x)" in out
    assert "[the other one](../05_sg/sk.html#other-thm)" in out
    assert "[Fig. 9.1](edge.html#fig-a)" in out and "[Sampling the edge](edge.html#sec-a)" in out
    assert "[this exercise](edge.html#ex-1)" in out and "[The SK model](../05_sg/sk.html)" in out
    assert "[Tracy and Widom (1994)](../../book/bibliography.html#id7); [Bornemann (2010)](../../book/bibliography.html)" in out
    assert not leftovers(out)
    assert md("{eq}`eq-1` and {cite}`t94`", links=False).strip() == "(9.3) and Tracy and Widom (1994)"


def test_absolute_links_with_a_base_url():
    refs = REFS.with_base_url("https://example.org/book/")
    out = myst_to_markdown("{prf:ref}`other-thm`", {}, refs, docname=DOC)
    assert out.strip() == "[Theorem 12.4](https://example.org/book/lectures/05_sg/sk.html#other-thm)"


def test_proof_blocks_equations_and_solutions():
    src = (
        "(sec-a)=\n# Title\n\n:::{prf:theorem} Rates\n:label: thm-x\n\nBody with {cite}`t94` and {eq}`eq-1`.\n:::\n\n"
        ":::{prf:proof}\nEasy.\n:::\n\n:::{exercise}\n:label: ex-1\n\nDo it.\n:::\n\n"
        ":::{solution} ex-1\n:class: dropdown\n\nSecret $x$.\n:::\n\n"
        "$$\nx^2\n$$ (eq-1)\n\n:::{admonition} Why\n:class: dropdown\n\nBecause.\n:::\n"
    )
    out = md(src)
    assert "**Theorem 9.1 (Rates).** Body with" in out
    assert "*Proof.* Easy." in out and "$\\square$" in out
    assert "**Exercise 9.1.** Do it." in out
    assert "<summary>Solution to Exercise 9.1</summary>" in out and "Secret $x$." in out
    assert "x^2 \\tag{9.3}" in out
    assert "<summary>Why</summary>" in out
    assert not leftovers(out), leftovers(out)


def test_glue_text_and_figure_caption():
    out = md("Slope {glue:text}`x:.3f`.\n\n```{glue:figure} fig\n:name: fig-a\n\nCaption with {eq}`eq-1`.\n```\n")
    assert "Slope 0.123." in out
    assert "**Fig. 9.1.** Caption with [(9.3)](edge.html#equation-eq-1)." in out
    assert not leftovers(out)


def test_errors_name_what_is_missing():
    with pytest.raises(KeyError, match="never glued"):
        md("{glue:text}`missing`")
    with pytest.raises(KeyError, match="'nolabel' is not defined"):
        md("{eq}`nolabel`")
    with pytest.raises(KeyError, match="not in the bibliography"):
        md("{cite}`nokey`")
    with pytest.raises(KeyError, match="not a page of the book"):
        md("{doc}`/nowhere`")
    with pytest.raises(ValueError, match="unclosed MyST directive"):
        parse(":::{prf:theorem}\nno end")
    with pytest.raises(ValueError, match="unclosed display equation"):
        parse("$$\nx")


def test_leftovers_detects_each_construct():
    # negative controls: each construct is found before conversion
    assert leftovers("{eq}`a`") == ["role"]
    assert "directive" in leftovers(":::{prf:theorem}\nx\n:::")
    assert leftovers("(lab)=\n# T") == ["target"]
    assert "labelled equation" in leftovers("$$\nx\n$$ (eq-a)")
    assert leftovers("plain $x$ and `code`") == []


def test_citation_labels(tmp_path):
    bib = tmp_path / "r.bib"
    bib.write_text("@article{t25, author={Tippett, L. H. C.}, title={T}, year={1925}}\n"
                   "@article{tw, author={Tracy, C. and Widom, H.}, title={T}, year={1994}}\n"
                   "@book{b, author={Bach, Francis and Other, A. and Third, B.}, title={B}, year={2024}}\n"
                   "@article{r1, author={Ram{\\'\\i}rez, J.}, title={A}, year={2011}}\n"
                   "@article{r2, author={Ram{\\'\\i}rez, J.}, title={B}, year={2011}}\n")
    assert citation_labels(bib) == {"t25": "Tippett (1925)", "tw": "Tracy and Widom (1994)", "b": "Bach et al. (2024)",
                                    "r1": "Ramírez (2011a)", "r2": "Ramírez (2011b)"}


def test_first_sentence_does_not_split_math():
    assert first_sentence("We set $x = 1. Y$ here. Then more.") == "We set $x = 1. Y$ here."
    assert first_sentence("No end here") == "No end here"


def _lecture():
    nb = nbformat.v4.new_notebook()
    glue_cell = nbformat.v4.new_code_cell("fig, ax = new_figure()\nglue('fig', fig, display=False)")
    glue_cell.outputs = [nbformat.v4.new_output("display_data", data={
        "application/papermill.record/image/png": "iVBORw0KGgo=", "application/papermill.record/text/plain": "F"},
        metadata={"scrapbook": {"name": "fig"}})]
    check = nbformat.v4.new_code_cell("print('measured 0.50 vs theory 0.5')\nassert True")
    check.outputs = [nbformat.v4.new_output("stream", name="stdout", text="measured 0.50 vs theory 0.5\n")]
    shown = nbformat.v4.new_code_cell("x = 1  # shown")
    shown.metadata["tags"] = ["slides-show-input"]
    long_para = " ".join(["word"] * 80) + ". Second sentence here."
    nb.cells = [
        nbformat.v4.new_markdown_cell("(lecture-edge)=\n# The edge\n\n:::{admonition} Learning goals\n:class: tip\n\n"
                                      "1. one\n2. two\n:::\n"),
        nbformat.v4.new_code_cell("import numpy as np\nfrom myst_nb import glue"),
        nbformat.v4.new_markdown_cell("## Sampling\n\nShort intro with {eq}`eq-1`.\n\n$$\na = b\n$$ (eq-1)\n\n" + long_para),
        nbformat.v4.new_markdown_cell(":::{prf:theorem} Rates\n:label: thm-x\n\nStatement.\n:::\n\n"
                                      ":::{prf:proof}\nThe long proof.\n:::"),
        nbformat.v4.new_code_cell("y = 2"),
        nbformat.v4.new_markdown_cell("**Check.** The tolerance is three standard errors."),
        check, glue_cell, shown,
        nbformat.v4.new_markdown_cell("```{glue:figure} fig\n:name: fig-a\n\nThe caption.\n```"),
    ]
    return nb


def test_deck_is_curated():
    ctx = Context(glue={}, refs=REFS, docname=DOC, link_from="slides/edge")
    slides = build_slides(_lecture(), ctx)
    kinds = [s.kind for s in slides]
    # the result and the shown code join the theorem's slide (they fit); the figure gets a slide of its own
    assert kinds == ["title", "goals", "text", "statement", "figure"], kinds
    text = deck_html(slides, title="The edge")
    assert "Lecture 9 · Mathematics of Deep Learning" in text and 'href="../lectures/04_rmt/edge.html"' in text
    assert "Short intro with" in text and "\\tag{9.3}" in text
    assert "Theorem 9.1 (Rates)." in text
    assert "import numpy" not in text and "y = 2" not in text and "x = 1  # shown" in text
    assert "measured 0.50 vs theory 0.5" in text and "Fig. 9.1." in text and "The caption." in text
    notes = "\n".join(slides[3].notes)
    assert "The long proof." in notes and "three standard errors" in notes
    assert "Second sentence here." in "\n".join(slides[2].notes) and "word word" in "\n".join(slides[2].notes)
    assert all(s.title for s in slides)
    notes_html = "".join(re.findall(r'<aside class="notes tex2jax_ignore">(.*?)</aside>', text, re.S))
    assert "The long proof." in notes_html and "three standard errors" in notes_html
    assert not leftovers(text)


def test_reader_notebook_has_no_myst_and_installs_course_lib():
    nb = _lecture()
    out = reader_notebook(nb, docname=DOC, refs=REFS, glue={"fig": {}}, spec="course_lib @ git+https://x/y@v1.0")
    assert out.cells[0].id == "install-course-lib" and "COURSE_LIB_SPEC" in out.cells[0].source
    assert "'course_lib @ git+https://x/y@v1.0'" in out.cells[0].source
    assert not notebook_leftovers(out)
    assert notebook_leftovers(nb)  # negative control: the source has MyST and myst_nb
    src = "\n".join(c.source for c in out.cells)
    assert "def glue(name, value, display=True):" in src and "**Theorem 9.1 (Rates).** Statement." in src
    assert all(not c.get("outputs") for c in out.cells if c.cell_type == "code")
    assert [c.id for c in out.cells[1:]] == [c.id for c in nb.cells]


def test_glue_shim_shows_only_figures_pyplot_does_not(capsys):
    from course_lib.slides._reader import GLUE_SHIM

    import matplotlib

    matplotlib.use("Agg")
    shown = []
    namespace = {}
    exec(GLUE_SHIM, namespace)
    import IPython.display

    orig = IPython.display.display
    IPython.display.display = shown.append
    try:
        import matplotlib.pyplot as plt
        from matplotlib.figure import Figure

        fig, _ = plt.subplots()
        namespace["glue"]("a", fig, display=False)      # pyplot shows it: not again
        free = Figure()
        namespace["glue"]("b", free, display=False)     # not managed by pyplot: displayed
        namespace["glue"]("c", 0.5, display=False)      # a number: not displayed
        namespace["glue"]("d", 0.7)                     # display=True: displayed
        plt.close(fig)
    finally:
        IPython.display.display = orig
    assert shown == [free, 0.7]


def test_tag_script_is_idempotent(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x"), nbformat.v4.new_markdown_cell("y")]
    nb.cells[0].id, nb.cells[1].id = "aaa", "bbb"
    nb.cells[1].metadata["tags"] = ["slides-skip", "keep-me"]
    (tmp_path / "l").mkdir()
    nbformat.write(nb, tmp_path / "l" / "n.ipynb")
    tags = tmp_path / "tags.json"
    tags.write_text(json.dumps({"l/n.ipynb": {"aaa": ["slides-show-input"]}}))
    assert apply_tags(tmp_path, tags, check=True) == ["l/n.ipynb"]
    assert apply_tags(tmp_path, tags) == ["l/n.ipynb"]
    assert apply_tags(tmp_path, tags) == []
    cells = nbformat.read(tmp_path / "l" / "n.ipynb", 4).cells
    assert cells[0].metadata["tags"] == ["slides-show-input"] and cells[1].metadata["tags"] == ["keep-me"]
    tags.write_text(json.dumps({"l/n.ipynb": {"zzz": ["slides-skip"]}}))
    with pytest.raises(KeyError, match="no cell with id"):
        apply_tags(tmp_path, tags)
    tags.write_text(json.dumps({"l/n.ipynb": {"aaa": ["slides-bogus"]}}))
    with pytest.raises(ValueError, match="unknown slide tag"):
        apply_tags(tmp_path, tags)


def test_committed_tags_are_applied():
    assert apply_tags(ROOT, check=True) == [], "run `python -m course_lib.slides tag`"
