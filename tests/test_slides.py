"""Tests of course_lib.slides: MyST rewritten into Markdown that reveal.js renders."""

import nbformat
import pytest

from course_lib.slides import MystToSlides, citation_labels, glue_outputs, myst_to_markdown

GLUE = {"x": {"text/plain": "0.123456"}, "fig": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}}


def test_proof_blocks_labels_and_solutions():
    src = (
        "(sec-a)=\n# Title\n\n:::{prf:theorem} Rates\n:label: thm-x\n\nBody with {cite}`a,b` and {eq}`eq-1`.\n:::\n\n"
        ":::{prf:proof}\nEasy.\n:::\n\n:::{exercise}\n:label: ex-1\n\nDo it.\n:::\n\n:::{solution} ex-1\n:class: dropdown\n\nSecret.\n:::\n"
        "$$\nx^2\n$$ (eq-1)\n"
    )
    out = myst_to_markdown(src, GLUE)
    assert "(sec-a)=" not in out and ":label:" not in out and ":::" not in out
    assert "**Theorem (Rates).**" in out and "[a; b]" in out and "(eq-1)." in out
    assert "*Proof.*" in out and "$\\square$" in out
    assert "**Exercise.**" in out and "Secret" not in out
    assert "$$ (eq-1)" not in out and "$$" in out


def test_glue_text_figure_and_refs():
    src = "Slope {glue:text}`x:.3f`, see {prf:ref}`thm-x` and {doc}`the bibliography </book/bibliography>`.\n\n" \
          "```{glue:figure} fig\n:name: fig-a\n\nCaption text.\n```\n"
    out = myst_to_markdown(src, GLUE)
    assert "Slope 0.123" in out and "thm-x" in out and "the bibliography" in out and "</book" not in out
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in out and "Caption text." in out and "```" not in out


def test_errors():
    with pytest.raises(KeyError, match="never glued"):
        myst_to_markdown("{glue:text}`missing`", GLUE)
    with pytest.raises(KeyError, match="never glued as a figure"):
        myst_to_markdown("```{glue:figure} x\n```", GLUE)
    with pytest.raises(ValueError, match="unclosed MyST directive"):
        myst_to_markdown(":::{prf:theorem}\nno end", GLUE)


def test_preprocessor_uses_glued_outputs_and_hides_them():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("glue('x', 0.5)")
    code.outputs = [nbformat.v4.new_output("display_data", data={"application/papermill.record/text/plain": "0.5"},
                                           metadata={"scrapbook": {"name": "x"}})]
    nb.cells = [code, nbformat.v4.new_markdown_cell("value {glue:text}`x:.2f`")]
    assert glue_outputs(nb) == {"x": {"text/plain": "0.5"}}
    nb, _ = MystToSlides().preprocess(nb, {})
    assert nb.cells[1].source == "value 0.50" and nb.cells[0].outputs == []


def test_citation_labels(tmp_path):
    bib = tmp_path / "r.bib"
    bib.write_text("@article{t25, author={Tippett, L. H. C.}, title={T}, year={1925}}\n"
                   "@book{b, author={Bach, Francis and Other, A. and Third, B.}, title={B}, year={2024}}\n")
    labels = citation_labels(bib)
    assert labels == {"t25": "Tippett 1925", "b": "Bach et al. 2024"}
    assert "[Tippett 1925; Bach et al. 2024]" in myst_to_markdown("{cite}`t25,b`", {}, labels)
