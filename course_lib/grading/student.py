"""Write the student edition of the homework notebooks.

Usage: ``python -m course_lib.grading student SOURCE_DIR TARGET_DIR`` (or
``python -m course_lib.grading.student SOURCE_DIR TARGET_DIR``; ``make student`` runs it on
``homework/`` into ``_build/student/``).

Uses nbgrader's own preprocessors: ``ClearSolutions`` replaces every region between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` by ``raise NotImplementedError()`` (text answers
by "YOUR ANSWER HERE"), ``ClearHiddenTests`` removes the hidden tests (between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``: they run only at grading time), and
``ClearOutput`` strips outputs. The first cell gets a note on where to write and how checking
and grading work, and check cells get ``raises-exception`` (in the student edition they fail until solved, which the
website shows as one line).
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import nbformat

__all__ = ["STUDENT_NOTE", "make_student_notebook", "main"]

STUDENT_NOTE = """\
**This is the student edition.** Write your code in place of each `raise NotImplementedError()`, inside the function
that the problem asks for (add cells of your own if you like). Then run the **check cell** that follows: it calls your
function on inputs and random seeds of its own and either prints "accepted" or stops with one line that says what was
expected and what your function gave. The check cells are locked: when your notebook is graded they are restored from
the instructor's copy, so editing them changes nothing. Grading (`make grade`) runs your notebook from top to bottom in
a fresh kernel with a time limit, runs the same checks plus a few hidden ones, and gives each problem its points when
all its checks pass. Hand in this file under its original name."""

_INSTRUCTOR_LINE = "*This is the instructor edition"


def make_student_notebook(nb):
    """Return the student edition of an instructor notebook (a new NotebookNode)."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions

    nb = nbformat.from_dict(nb)
    resources = {}
    nb, resources = ClearSolutions().preprocess(nb, resources)
    nb, resources = ClearHiddenTests().preprocess(nb, resources)
    nb, resources = ClearOutput().preprocess(nb, resources)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        tags = list(cell.metadata.get("tags", []))
        if meta.get("grade") and cell.cell_type == "code" and "raises-exception" not in tags:
            tags.append("raises-exception")
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first is not None:
        lines = first.source.split("\n")
        keep = []
        for line in lines:
            if line.startswith(_INSTRUCTOR_LINE):
                break  # the instructor's note (to the end of the cell) is replaced by the student's
            keep.append(line)
        first.source = "\n".join(keep).rstrip() + "\n\n" + STUDENT_NOTE
    nb.metadata["course_lib_edition"] = "student"
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=pathlib.Path, help="folder holding the instructor notebooks")
    parser.add_argument("target", type=pathlib.Path, help="folder for the student edition")
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        parser.error(f"source folder {args.source} does not exist")
    notebooks = sorted(args.source.glob("*.ipynb"))
    if not notebooks:
        parser.error(f"no notebooks in {args.source}")
    args.target.mkdir(parents=True, exist_ok=True)
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        out = args.target / path.name
        nbformat.write(make_student_notebook(nb), out)
        print(f"student edition: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
