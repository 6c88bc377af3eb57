"""Lecture notebooks as reveal.js slide decks that work offline.

``python -m course_lib.slides LECTURES_DIR SITE_DIR --vendor VENDOR_DIR`` (run by ``make book``)
turns every lecture notebook into ``SITE_DIR/slides/<name>.slides.html`` with nbconvert's slides
exporter. The notebook's outputs come from the book's execution cache (``_build/.jupyter_cache``),
so the decks show exactly what the website shows; a notebook missing from the cache is executed.
MyST syntax that reveal.js cannot render (sphinx-proof and exercise blocks, glued figures and
numbers, citations and cross-references) is rewritten into plain Markdown by
:class:`MystToSlides`. reveal.js and require.js are copied from ``VENDOR_DIR`` (fetched from the
npm registry by the Makefile) and MathJax from the website's ``_static/mathjax``.
"""

from ._convert import MystToSlides, build_deck, citation_labels, glue_outputs, myst_to_markdown

__all__ = ["MystToSlides", "build_deck", "citation_labels", "glue_outputs", "myst_to_markdown"]
