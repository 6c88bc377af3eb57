"""Bulk grading (course_lib.grading.grade) over a folder of synthetic submissions of Homework 1.

Full marks (the instructor's solutions), the untouched student edition, tampered check cells, a
solution that loops forever, one that raises everywhere, a file that is not JSON and a renamed file:
every one gets its row in grades.csv and a feedback file, and the run never stops.
"""

from __future__ import annotations

import csv
import pathlib

import nbformat
import pytest

from course_lib.grading.grade import grade_folder, main, restore_locked_cells
from course_lib.grading.student import make_student_notebook

ROOT = pathlib.Path(__file__).resolve().parents[1]
HW = ROOT / "homework" / "hw01_erm.ipynb"
TIMEOUT = 25  # seconds per notebook: Homework 1's checks take about 3 s, its kernel a few more


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _submissions(folder):
    instructor = nbformat.read(HW, as_version=4)
    student = make_student_notebook(instructor)
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
              for c in instructor.cells if c.metadata.get("nbgrader", {}).get("grade")}

    def put(who, nb, name="hw01_erm.ipynb"):
        (folder / who).mkdir(parents=True)
        if isinstance(nb, str):
            (folder / who / name).write_text(nb)
        else:
            nbformat.write(nb, folder / who / name)

    put("alice", nbformat.from_dict(instructor))  # full marks
    put("bob", nbformat.from_dict(student))  # untouched student edition
    carol = nbformat.from_dict(instructor)  # checks emptied or deleted, P2 wrong, an extra cell of her own
    _cell(carol, "p1-check").source = "pass"
    _cell(carol, "p2-solution").source = "def squared_difference_moments(L):\n    return 1 / 6, 1 / 180\n"
    _cell(carol, "p2-check").source = "print('Problem 2: accepted.')"
    carol.cells.remove(_cell(carol, "p4-check"))
    carol.cells.insert(3, nbformat.v4.new_code_cell("helper = 42"))
    put("carol", carol)
    dave = nbformat.from_dict(instructor)  # P1 never ends
    _cell(dave, "p1-solution").source = "def ball_fraction_mc(d, n_samples, rng):\n    while True:\n        pass\n"
    put("dave", dave)
    erin = nbformat.from_dict(student)  # raises everywhere
    for cell in erin.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = cell.source.replace("raise NotImplementedError()", "raise ValueError('oops')")
    put("erin", erin)
    put("frank", '{"cells": [ this is not JSON')
    put("gina", nbformat.from_dict(instructor), name="homework1_final.ipynb")
    return points


@pytest.mark.slow
def test_grade_synthetic_submissions(tmp_path, capsys):
    points = _submissions(tmp_path)
    total = sum(points.values())
    assert main([str(tmp_path), "--source", str(HW.parent), "--timeout", str(TIMEOUT)]) == 0
    with open(tmp_path / "grades.csv") as fh:
        rows = {(r["student"], r["homework"]): r for r in csv.DictReader(fh)}
    print(capsys.readouterr().out)
    print((tmp_path / "grades.csv").read_text())
    assert len(rows) == 7
    score = {key[0]: float(r["score"]) for key, r in rows.items()}
    assert all(float(r["max_score"]) == total for key, r in rows.items() if key[0] != "gina")
    assert score["alice"] == total
    assert score["bob"] == 0
    assert score["carol"] == total - points["p2-check"]  # the restored checks pass P1 and P4, fail P2
    assert score["dave"] == total - points["p1-check"]  # the loop is interrupted, the other problems graded
    assert score["erin"] == 0 and score["frank"] == 0 and score["gina"] == 0
    assert "not a valid notebook" in rows["frank", "hw01_erm"]["comment"]
    assert "unknown homework file name" in rows["gina", "homework1_final"]["comment"]
    carol = (tmp_path / "carol" / "hw01_erm.feedback.txt").read_text()
    assert "p2-check: 0 / 2 -- variance of (x-y)^2 on [0, 1.0]: expected" in carol
    assert "p1-check: 3 / 3 -- passed" in carol
    bob = (tmp_path / "bob" / "hw01_erm.feedback.txt").read_text()
    assert bob.count("not implemented yet") == len(points)
    erin = (tmp_path / "erin" / "hw01_erm.feedback.txt").read_text()
    assert "ValueError: oops" in erin
    dave = (tmp_path / "dave" / "hw01_erm.feedback.txt").read_text()
    assert "p1-check: 0 / 3" in dave


def test_restore_locked_cells_keeps_solutions_and_added_cells():
    instructor = nbformat.read(HW, as_version=4)
    sub = make_student_notebook(instructor)
    _cell(sub, "p3-check").source = "pass"
    sub.cells.remove(_cell(sub, "p4-check"))
    _cell(sub, "p2-solution").source = "def squared_difference_moments(L):\n    return 0, 0\n"
    sub.cells.insert(4, nbformat.v4.new_code_cell("mine = 1"))
    graded = restore_locked_cells(sub, instructor)
    assert _cell(graded, "p3-check").source == _cell(instructor, "p3-check").source
    assert _cell(graded, "p4-check").source == _cell(instructor, "p4-check").source
    assert "### BEGIN HIDDEN TESTS" in _cell(graded, "p1-check").source
    assert _cell(graded, "p2-solution").source.endswith("return 0, 0\n")
    sources = [c.source for c in graded.cells]
    assert sources.index("mine = 1") == sources.index(_cell(graded, "p1-solution").source) + 1
    assert len(graded.cells) == len(instructor.cells) + 1
    # a solution cell whose nbgrader metadata was dropped by an editor is recognised by its id
    _cell(sub, "p3-solution").source = "def best_model_size(w_star, Delta, n):\n    return 7\n"
    _cell(sub, "p3-solution").metadata.pop("nbgrader")
    graded = restore_locked_cells(sub, instructor)
    assert _cell(graded, "p3-solution").source.endswith("return 7\n")
    assert len(graded.cells) == len(instructor.cells) + 1


def test_grade_cli_errors(tmp_path):
    with pytest.raises(SystemExit):
        main([str(tmp_path / "missing")])
    with pytest.raises(SystemExit):
        main([str(tmp_path), "--timeout", "0"])
    with pytest.raises(ValueError, match="no instructor notebooks"):
        grade_folder(tmp_path, tmp_path)
