"""Sphinx extension of the student-edition build: homework pages launch the student edition.

sphinx-book-theme builds a page's launch buttons from the page's path in the repository
(``homework/NAME.ipynb``), which is the instructor edition there. This handler, run after the
theme's, points the Binder button of a homework page at ``student/NAME.ipynb`` (which Binder's
``postBuild`` writes), and the Colab button of every page at the same path on the repository's
``notebooks`` branch, which holds the reader edition (plain Jupyter, an install cell for
``course_lib``; homework as the student edition) that ``make release`` writes. The download
buttons already give the student edition, since the site is built from it
(:mod:`course_lib.grading.edition`).
"""

from __future__ import annotations

import re

#: The branch of the repository that holds the reader edition (see README, "Versions and releases").
NOTEBOOKS_BRANCH = "notebooks"


def _student_launch_buttons(app, pagename, templatename, context, doctree):
    homework = pagename.startswith("homework/")
    name = pagename.split("/", 1)[1] if homework else None
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            url = button.get("url", "")
            if "colab.research.google.com" in url:
                button["url"] = re.sub(r"/blob/[^/]+/", f"/blob/{NOTEBOOKS_BRANCH}/", url, count=1)
            elif homework and "urlpath=" in url:
                button["url"] = url.replace(f"homework/{name}.ipynb", f"student/{name}.ipynb")


def setup(app):
    app.connect("html-page-context", _student_launch_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
