"""Write the student edition of the homework notebooks.

Usage: ``python -m course_lib.grading.student SOURCE_DIR TARGET_DIR``
(``make student`` runs it on ``homework/`` into ``_build/student/``).

Uses nbgrader's own preprocessors: ``ClearSolutions`` replaces every region
between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` by
``raise NotImplementedError()`` (text answers by "YOUR ANSWER HERE"), and
``ClearOutput`` strips outputs. Check cells are kept unchanged.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import nbformat

__all__ = ["make_student_notebook", "main"]


def make_student_notebook(nb):
    """Return the student edition of an instructor notebook (a new NotebookNode)."""
    from nbgrader.preprocessors import ClearOutput, ClearSolutions

    nb = nbformat.from_dict(nb)
    resources = {}
    nb, resources = ClearSolutions().preprocess(nb, resources)
    nb, resources = ClearOutput().preprocess(nb, resources)
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
