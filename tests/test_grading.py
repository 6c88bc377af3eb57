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


def test_non_finite_reference_or_tolerance_is_an_error_never_a_pass():
    for bad in (np.nan, np.inf, -np.inf):
        with pytest.raises(ValueError, match="`expected` must be finite"):
            grading.check_close("x", 1.0, bad)
        with pytest.raises(ValueError, match="`expected` must be finite"):
            grading.check_close("v", [1.0, 2.0], [1.0, bad])
        with pytest.raises(ValueError, match="`expected` must be finite"):
            grading.check_statistic("m", 1.0, bad, 0.1)
        with pytest.raises(ValueError, match="must be finite"):
            grading.check_close("x", 1.0, 1.0, rtol=bad if bad > 0 else np.nan)
        with pytest.raises(ValueError, match="must be finite"):
            grading.check_statistic("m", 1.0, 1.0, bad if bad > 0 else np.nan)
        with pytest.raises(ValueError, match="`expected` must be finite"):
            grading.check_simulation("m", lambda rng: (rng.random(), 0.1), (), bad, seeds=range(4))


def test_failed_check_is_one_line_without_chained_traceback():
    def stub():
        raise NotImplementedError()

    with pytest.raises(grading.CheckFailed) as info:
        grading.call("f", stub)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert info.value._render_traceback_() == ["\x1b[0;31mCheckFailed\x1b[0m: f: not implemented yet "
                                                "(the function raises NotImplementedError)."]
    with pytest.raises(grading.CheckFailed) as info:
        grading.check_close("x", "one", 1.0)
    assert info.value.__suppress_context__


def test_forbid_disables_functions_constants_and_methods_then_restores_them():
    from course_lib import erm, rmt, teacher_student

    semicircle, mean = rmt.semicircle_moment, erm.SQUARED_DISTANCE_MEAN
    with grading.forbid("rmt.semicircle_moment", "erm.SQUARED_DISTANCE_MEAN",
                        "teacher_student.GaussBernoulliPrior.denoise", user="my_function"):
        with pytest.raises(grading.CheckFailed, match=r"^my_function uses rmt.semicircle_moment, which this problem"):
            rmt.semicircle_moment(2)
        with pytest.raises(grading.CheckFailed, match="uses erm.SQUARED_DISTANCE_MEAN"):
            float(erm.SQUARED_DISTANCE_MEAN)
        with pytest.raises(grading.CheckFailed, match="uses erm.SQUARED_DISTANCE_MEAN"):
            2.0 * erm.SQUARED_DISTANCE_MEAN
        with pytest.raises(grading.CheckFailed, match="GaussBernoulliPrior.denoise"):
            teacher_student.GaussBernoulliPrior(0.3).denoise(np.zeros(2), 1.0)
    assert rmt.semicircle_moment is semicircle and erm.SQUARED_DISTANCE_MEAN == mean
    teacher_student.GaussBernoulliPrior(0.3).denoise(np.zeros(2), 1.0)
    with pytest.raises(ValueError, match="does not name an attribute"):
        with grading.forbid("rmt.no_such_function"):
            pass


def test_call_with_forbid_names_the_function():
    from course_lib import rmt

    with pytest.raises(grading.CheckFailed, match="^count: count uses rmt.semicircle_moment|^count uses rmt"):
        grading.call("count", lambda m: rmt.semicircle_moment(2 * m), 3, forbid=("rmt.semicircle_moment",))
    assert grading.call("count", lambda m: m + 1, 3, forbid=("rmt.semicircle_moment",)) == 4


def _mean_of_uniforms(n, rng):
    u = rng.random(n)
    return u.mean(), u.std(ddof=1) / np.sqrt(n)


def test_check_simulation_accepts_a_correct_estimator():
    se = np.sqrt(1 / 12 / 400)
    est = grading.check_simulation("mean", _mean_of_uniforms, (400,), 0.5, seeds=range(6), stderr=se)
    assert est.shape == (6,) and np.ptp(est) > 0
    grading.check_simulation("mean", _mean_of_uniforms, (400,), 0.5, seeds=range(8))  # spread measured
    grading.check_simulation("mean", lambda n, rng: rng.random(n).mean(), (400,), 0.5, seeds=range(8),
                             returns_stderr=False)


@pytest.mark.parametrize("se", [1e9, 1e-12, 0.0144])
def test_check_simulation_rejects_theory_as_a_constant(se):
    with pytest.raises(grading.CheckFailed, match="the same estimate 0.5 for 6 different random generators"):
        grading.check_simulation("mean", lambda n, rng: (0.5, se), (400,), 0.5, seeds=range(6))


def test_check_simulation_rejects_wrong_standard_errors_and_means():
    def sd_for_se(n, rng):
        u = rng.random(n)
        return u.mean(), u.std(ddof=1)

    with pytest.raises(grading.CheckFailed, match="your standard error .* does not match the scatter"):
        grading.check_simulation("mean", sd_for_se, (400,), 0.5, seeds=range(8))
    with pytest.raises(grading.CheckFailed, match="your standard error"):
        grading.check_simulation("mean", sd_for_se, (400,), 0.5, seeds=range(4), stderr=np.sqrt(1 / 12 / 400))
    with pytest.raises(grading.CheckFailed, match="standard errors .* from the theoretical value 0.6"):
        grading.check_simulation("mean", _mean_of_uniforms, (400,), 0.6, seeds=range(8))
    grading.check_simulation("mean", _mean_of_uniforms, (400,), 0.6, seeds=range(8), bias=0.11)

    def noisy_constant(n, rng):  # responds to rng but scatters far more than a mean of n uniforms
        return 0.5 + 0.1 * rng.standard_normal(), np.sqrt(1 / 12 / n)

    with pytest.raises(grading.CheckFailed, match="scatter by"):
        grading.check_simulation("mean", noisy_constant, (400,), 0.5, seeds=range(6), stderr=np.sqrt(1 / 12 / 400))
    with pytest.raises(grading.CheckFailed, match=r"expected a pair \(estimate, stderr\)"):
        grading.check_simulation("mean", lambda n, rng: rng.random(), (400,), 0.5, seeds=range(4))
    with pytest.raises(ValueError, match="at least 4 seeds"):
        grading.check_simulation("mean", _mean_of_uniforms, (400,), 0.5, seeds=range(3))
    with pytest.raises(grading.CheckFailed, match="not implemented yet"):
        grading.simulate("f", lambda rng: (_ for _ in ()).throw(NotImplementedError()), (), seeds=range(2))


def test_student_edition_source_tree(tmp_path):
    import pathlib

    import yaml

    from course_lib.grading.edition import write_student_tree

    root = pathlib.Path(__file__).resolve().parents[1]
    out = write_student_tree(root, tmp_path / "edition")
    config = yaml.safe_load((out / "_config.yml").read_text())
    assert "course_lib.grading._sphinx" in config["sphinx"]["extra_extensions"]
    assert (out / "_toc.yml").read_text() == (root / "_toc.yml").read_text()
    for path in sorted((root / "homework").glob("*.ipynb")):
        text = "\n".join(c.source for c in nbformat.read(out / "homework" / path.name, 4).cells)
        assert "### BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "NotImplementedError" in text
    with pytest.raises(ValueError, match="must differ"):
        write_student_tree(root, root)


def test_homework_launch_buttons_point_at_the_student_edition():
    from course_lib.grading._sphinx import _student_launch_buttons

    def context():
        return {"header_buttons": [{"label": "launch-buttons", "buttons": [
            {"url": "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/homework/hw01_erm.ipynb"},
            {"url": "https://colab.research.google.com/github/o/r/blob/main/homework/hw01_erm.ipynb"},
            {"type": "javascript"}]}]}

    ctx = context()
    _student_launch_buttons(None, "homework/hw01_erm", "page.html", ctx, None)
    urls = [b.get("url") for b in ctx["header_buttons"][0]["buttons"]]
    assert urls == ["https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/student/hw01_erm.ipynb",
                    "https://colab.research.google.com/github/o/r/blob/notebooks/homework/hw01_erm.ipynb", None]
    ctx = context()
    _student_launch_buttons(None, "lectures/01_erm/x", "page.html", ctx, None)
    urls = [b.get("url") for b in ctx["header_buttons"][0]["buttons"]]
    assert urls == ["https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/homework/hw01_erm.ipynb",
                    "https://colab.research.google.com/github/o/r/blob/notebooks/homework/hw01_erm.ipynb", None]
