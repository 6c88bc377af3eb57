"""Tests of course_lib.grading: checks that pass on right answers and fail, clearly, on wrong ones."""

import nbformat
import numpy as np
import pytest

from course_lib import grading
from course_lib.grading.student import main as student_main
from course_lib.grading.student import make_student_notebook


def test_check_close_passes_and_fails():
    grading.check_close("x", 1.0 + 1e-9, 1.0, rtol=1e-8)
    grading.check_close("v", [1.0, 2.0], np.array([1.0, 2.0]), atol=1e-12)
    with pytest.raises(grading.CheckFailed, match=r"x: expected 1, got 1.1 \(difference 0.1"):
        grading.check_close("x", 1.1, 1.0, rtol=1e-3)
    with pytest.raises(grading.CheckFailed, match="expected shape"):
        grading.check_close("v", [1.0], [1.0, 2.0])
    with pytest.raises(grading.CheckFailed, match="did the function `return`"):
        grading.check_close("x", None, 1.0)
    with pytest.raises(grading.CheckFailed, match="NaN or infinity"):
        grading.check_close("x", np.nan, 1.0)
    with pytest.raises(grading.CheckFailed, match="expected a number"):
        grading.check_close("x", "one", 1.0)
    with pytest.raises(ValueError, match="cannot both be zero"):
        grading.check_close("x", 1.0, 1.0, rtol=0.0)


def test_call_turns_missing_implementation_into_failed_check():
    def stub():
        raise NotImplementedError()

    with pytest.raises(grading.CheckFailed, match="f: not implemented yet"):
        grading.call("f", stub)
    with pytest.raises(grading.CheckFailed, match="expected a function"):
        grading.call("f", 3)
    assert grading.call("g", lambda a, b=1: a + b, 2, b=3) == 5


def test_check_function():
    grading.check_function("square", lambda x: x * x, lambda x: x**2, [(1.0,), (3.0,)])
    with pytest.raises(grading.CheckFailed, match=r"square\(3.0,\): expected 9"):
        grading.check_function("square", lambda x: x * x if x < 2 else 0.0, lambda x: x**2, [(1.0,), (3.0,)], rtol=1e-6)
    with pytest.raises(ValueError, match="`cases` must contain"):
        grading.check_function("f", abs, abs, [])


def test_check_statistic():
    grading.check_statistic("mean", 1.03, 1.0, 0.01)  # 3 standard errors: accepted
    with pytest.raises(grading.CheckFailed, match=r"\+5.0 standard errors"):
        grading.check_statistic("mean", 1.05, 1.0, 0.01)
    with pytest.raises(grading.CheckFailed, match="single number"):
        grading.check_statistic("mean", [1.0, 2.0], 1.0, 0.01)
    with pytest.raises(ValueError, match="`stderr` must be > 0"):
        grading.check_statistic("mean", 1.0, 1.0, 0.0)


def _instructor_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    sol = nbformat.v4.new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n")
    sol.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "s", "locked": False, "schema_version": 3}
    chk = nbformat.v4.new_code_cell("grading.check_close('f', grading.call('f', f, 2), 4)")
    chk.outputs = [nbformat.v4.new_output("stream", text="old output")]
    nb.cells = [sol, chk]
    return nb


def test_make_student_notebook_removes_solutions_keeps_checks():
    student = make_student_notebook(_instructor_notebook())
    src = student.cells[0].source
    assert "return 2 * x" not in src and "BEGIN SOLUTION" not in src
    assert "    raise NotImplementedError()" in src and src.startswith("def f(x):")
    assert student.cells[1].source == "grading.check_close('f', grading.call('f', f, 2), 4)"
    assert student.cells[1].outputs == []


def test_student_cli(tmp_path):
    src = tmp_path / "hw"
    src.mkdir()
    nbformat.write(_instructor_notebook(), src / "hw99.ipynb")
    assert student_main([str(src), str(tmp_path / "out")]) == 0
    out = nbformat.read(tmp_path / "out" / "hw99.ipynb", 4)
    assert "NotImplementedError" in out.cells[0].source
    with pytest.raises(SystemExit):
        student_main([str(tmp_path / "missing"), str(tmp_path / "out")])
