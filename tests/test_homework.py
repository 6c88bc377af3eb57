"""The homework mechanism end to end: the student edition, as distributed, fails its checks.

(The instructor edition passing its checks is tested by executing it with nbval in `make test`,
and problem by problem, with the cheats it must reject, in tests/test_cheats.py.)
"""

import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

from course_lib.grading.student import STUDENT_NOTE, make_student_notebook

ROOT = pathlib.Path(__file__).resolve().parents[1]
HOMEWORK = sorted((ROOT / "homework").glob("*.ipynb"))


@pytest.mark.parametrize("path", HOMEWORK, ids=lambda p: p.name)
def test_every_homework_has_a_hidden_test_and_points(path):
    nb = nbformat.read(path, as_version=4)
    checks = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert checks and all(c.metadata["nbgrader"].get("points", 0) > 0 for c in checks)
    assert all(c.metadata["nbgrader"].get("locked") for c in checks)
    hidden = [c for c in checks if "### BEGIN HIDDEN TESTS" in c.source]
    assert hidden, f"{path.name} has no hidden test (### BEGIN HIDDEN TESTS in a check cell)"
    student = make_student_notebook(nb)
    assert not any("HIDDEN TESTS" in c.source for c in student.cells)
    assert student.cells[0].source.endswith(STUDENT_NOTE)
    assert "instructor edition" not in student.cells[0].source


@pytest.mark.slow
@pytest.mark.parametrize("path", HOMEWORK, ids=lambda p: p.name)
def test_student_edition_fails_every_check(path):
    student = make_student_notebook(nbformat.read(path, as_version=4))
    for cell in student.cells:
        assert "### BEGIN SOLUTION" not in cell.source
    client = NotebookClient(student, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    checks = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert checks
    for cell in checks:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert errors, f"check {cell.metadata['nbgrader']['grade_id']} passed in the student edition"
        assert errors[0].ename == "CheckFailed", (
            f"check {cell.metadata['nbgrader']['grade_id']} failed with {errors[0].ename}, not a grading message"
        )
        assert "not implemented yet" in errors[0].evalue
        # one line, not a traceback into course_lib
        assert len(errors[0].traceback) == 1 and "course_lib" not in errors[0].traceback[0].split(":", 1)[0]
        assert "raises-exception" in cell.metadata.get("tags", [])
