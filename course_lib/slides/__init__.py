"""The lectures as curated reveal.js decks and as a plain-Jupyter reader edition.

Both rest on one engine: MyST Markdown of the book turned into plain Markdown with every reference
printed as the number the website shows (:mod:`._myst`, :class:`References` read from the Sphinx build).

* ``python -m course_lib.slides decks …`` (``make slides``): one deck per lecture in
  ``_build/html/slides/`` that shows what a lecturer shows (:mod:`._deck`), fits the canvas, keeps proofs
  and tolerance arguments in the speaker notes and works offline (reveal.js and MathJax from the site);
  ``… pdf …`` prints each to a PDF handout, one page per slide.
* ``python -m course_lib.slides notebooks …`` (``make notebooks``): the reader edition in
  ``_build/notebooks/`` (:mod:`._reader`).
"""

from ._convert import build_deck, executed, myst_to_markdown
from ._deck import TAGS, Slide, build_slides, deck_html
from ._myst import Context, glue_outputs, leftovers, parse, render_markdown
from ._reader import install_cell, install_spec, notebook_leftovers, reader_notebook
from ._refs import References, Target, citation_labels

__all__ = ["Context", "References", "Slide", "TAGS", "Target", "build_deck", "build_slides", "citation_labels",
           "deck_html", "executed", "glue_outputs", "install_cell", "install_spec", "leftovers",
           "myst_to_markdown", "notebook_leftovers", "parse", "reader_notebook", "render_markdown"]
