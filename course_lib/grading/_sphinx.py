"""Sphinx extension of the student-edition build: homework pages launch the student edition.

sphinx-book-theme builds a homework page's launch buttons from the page's path in the repository
(``homework/NAME.ipynb``), which is the instructor edition there. This handler, run after the
theme's, points the Binder button at ``student/NAME.ipynb`` (which Binder's ``postBuild``
writes) and removes the Colab button (Colab opens files from GitHub, where only the instructor
edition is stored). The download buttons already give the student edition, since the site is
built from it (:mod:`course_lib.grading.edition`).
"""

from __future__ import annotations


def _student_launch_buttons(app, pagename, templatename, context, doctree):
    if not pagename.startswith("homework/"):
        return
    name = pagename.split("/", 1)[1]
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        kept = []
        for button in group.get("buttons", []):
            url = button.get("url", "")
            if "colab.research.google.com" in url:
                continue
            if "urlpath=" in url:
                button["url"] = url.replace(f"homework/{name}.ipynb", f"student/{name}.ipynb")
            kept.append(button)
        group["buttons"] = kept


def setup(app):
    app.connect("html-page-context", _student_launch_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
