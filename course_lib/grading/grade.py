"""Grade a folder of homework submissions.

Usage: ``python -m course_lib.grading grade DIR [--source homework] [--timeout SECONDS]``
(``make grade SUBMISSIONS=DIR``). ``DIR`` holds one folder per student with that student's
notebooks under the homework's file name: ``DIR/<student>/<homework>.ipynb``.

For every submission, as nbgrader's ``autograde`` does:

1. the locked cells (set-up and check cells, nbgrader ``locked``/``grade``) are restored from the
   instructor notebook of the same name, hidden tests included -- a student who edited, emptied or
   deleted a check cell gets the original check (nbgrader's ``OverwriteCells``, keyed by
   ``grade_id``); the student's solution cells and any cells the student added are kept;
2. the result is executed in a fresh kernel, in a separate process and a temporary folder, with
   a time limit per notebook (a cell that runs past it is interrupted; the notebook is stopped
   at the limit, and the cells it did not reach score nothing);
3. each check cell scores its nbgrader ``points`` when it runs without an error
   (``nbgrader.utils.determine_grade``), otherwise 0 with the check's one-line message.

It writes ``DIR/grades.csv`` (``student,homework,score,max_score,comment``, one row per
submission) and, next to each submission, ``<homework>.feedback.txt`` listing every problem, its
points and the check's message. A submission that is not a notebook, has an unknown name, never
ends or raises everywhere still gets its row (score 0 and the reason); nothing stops the run.
"""

from __future__ import annotations

import argparse
import csv
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat

__all__ = ["grade_folder", "grade_submission", "restore_locked_cells", "main"]

_PASSED = "passed"


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _is_locked(cell):
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("locked") or meta.get("grade"))


def restore_locked_cells(submission, instructor):
    """The notebook to grade: the instructor's locked cells, the student's solutions and own cells.

    Cells are matched by nbgrader ``grade_id`` (solution, set-up and check cells) and by cell id
    (the problem statements). The result follows the instructor's order; each cell the student
    added stays after the cell it followed in the submission.
    """
    from .student import make_student_notebook

    stub = {_grade_id(c): c for c in make_student_notebook(instructor).cells if _grade_id(c)}
    known_ids = {c.get("id") for c in instructor.cells}
    known_grade_ids = {_grade_id(c) for c in instructor.cells if _grade_id(c)}
    # a solution cell whose nbgrader metadata an editor dropped is still recognised by its cell id
    solution_by_id = {c.get("id"): _grade_id(c) for c in instructor.cells
                      if c.metadata.get("nbgrader", {}).get("solution") and c.get("id")}
    student_solution, added_after, anchor = {}, {}, None
    for cell in submission.cells:
        gid = _grade_id(cell)
        if not gid and cell.get("id") in solution_by_id:
            gid = solution_by_id[cell.get("id")]
            student_solution[gid] = cell
            anchor = ("g", gid)
        elif gid in known_grade_ids:
            if not _is_locked(cell) and cell.metadata.get("nbgrader", {}).get("solution"):
                student_solution[gid] = cell
            anchor = ("g", gid)
        elif cell.get("id") in known_ids and not gid:
            anchor = ("i", cell.get("id"))
        else:  # a cell the student added (or one with a foreign grade_id: treated as the student's own)
            cell = nbformat.from_dict(cell)
            cell.metadata.pop("nbgrader", None)
            added_after.setdefault(anchor, []).append(cell)
    out = nbformat.from_dict(instructor)
    cells = list(added_after.get(None, []))
    for cell in out.cells:
        gid = _grade_id(cell)
        if gid and cell.metadata.get("nbgrader", {}).get("solution") and not _is_locked(cell):
            mine = student_solution.get(gid, stub.get(gid))
            cell.source = mine.source
            cell.outputs = [] if cell.cell_type == "code" else cell.get("outputs")
            if cell.cell_type != "code":
                cell.pop("outputs", None)
        elif cell.cell_type == "code":
            cell.outputs = []
        cells.append(cell)
        cells += added_after.get(("g", gid) if gid else ("i", cell.get("id")), [])
    for cell in cells:
        if cell.cell_type == "code":
            cell.execution_count = None
    out.cells = cells
    return out


def _execute(path_in, path_out, workdir, timeout):
    """Run the notebook executor in a separate process; return a short reason if it did not finish."""
    cmd = [sys.executable, "-m", "course_lib.grading._execute", str(path_in), str(path_out), str(timeout)]
    try:
        proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout + 60)
    except subprocess.TimeoutExpired:
        return f"stopped at the time limit of {timeout} s"
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        return f"could not be executed: {last[:200]}"
    return None


def _one_line(text, limit=300):
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _cell_result(cell, log):
    """(score, max_score, message) of an executed check cell, by nbgrader's rule."""
    from nbgrader.utils import determine_grade

    points = float(cell.metadata["nbgrader"].get("points", 0))
    if not cell.metadata.get("course_lib_ran"):
        return 0.0, points, "not run (the notebook stopped before this cell)"
    score, max_score = determine_grade(cell, log)
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        err = errors[0]
        if err.get("ename") == "CheckFailed":
            message = _one_line(err.get("evalue", ""))
        else:
            message = _one_line(f"{err.get('ename')}: {err.get('evalue', '')}")
        return 0.0, float(max_score), message
    return float(score), float(max_score), _PASSED


def grade_submission(path, instructor_path, *, timeout=600, log=None):
    """Grade one submission; return ``(score, max_score, comment, lines)`` (``lines``: the feedback)."""
    import logging

    log = log or logging.getLogger("course_lib.grading")
    instructor = nbformat.read(instructor_path, as_version=4)
    checks = [c for c in instructor.cells if c.metadata.get("nbgrader", {}).get("grade")]
    max_score = float(sum(c.metadata["nbgrader"].get("points", 0) for c in checks))
    try:
        submission = nbformat.read(path, as_version=4)
    except Exception as exc:  # not JSON, not a notebook
        reason = f"not a valid notebook ({type(exc).__name__}: {_one_line(exc, 150)})"
        return 0.0, max_score, reason, [reason]
    graded = restore_locked_cells(submission, instructor)
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        tmp = pathlib.Path(tmp)
        nbformat.write(graded, tmp / "in.ipynb")
        problem = _execute(tmp / "in.ipynb", tmp / "out.ipynb", tmp, timeout)
        executed = nbformat.read(tmp / "out.ipynb", as_version=4) if (tmp / "out.ipynb").exists() else graded
    score, lines = 0.0, []
    by_gid = {_grade_id(c): c for c in executed.cells if _grade_id(c)}
    for check in checks:
        gid = check.metadata["nbgrader"]["grade_id"]
        got, pts, message = _cell_result(by_gid[gid], log)
        if problem and message.startswith("not run"):
            message = f"not run ({problem})"
        score += got
        lines.append(f"{gid}: {got:g} / {pts:g} -- {message}")
    comment = problem or ("all checks passed" if score == max_score else
                          f"{sum(1 for line in lines if ' -- passed' not in line)} of {len(checks)} checks failed")
    return score, max_score, comment, lines


def grade_folder(folder, source, *, timeout=600, out=print):
    """Grade ``folder/<student>/<homework>.ipynb`` against ``source/<homework>.ipynb``; write grades.csv."""
    folder, source = pathlib.Path(folder), pathlib.Path(source)
    homework = {p.name: p for p in sorted(source.glob("*.ipynb"))}
    if not homework:
        raise ValueError(f"`source`: no instructor notebooks in {source}.")
    rows = []
    for student_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(student_dir.glob("*.ipynb")):
            start = time.perf_counter()
            if path.name not in homework:
                comment = (f"unknown homework file name {path.name!r}: hand in the notebook under its original name "
                           f"({', '.join(homework)})")
                row = (student_dir.name, path.stem, 0.0, 0.0, comment)
                lines = [comment]
            else:
                try:
                    score, max_score, comment, lines = grade_submission(path, homework[path.name], timeout=timeout)
                except Exception as exc:  # never stop the run
                    score, max_score = 0.0, 0.0
                    comment = f"grading failed: {type(exc).__name__}: {_one_line(exc, 200)}"
                    lines = [comment]
                row = (student_dir.name, path.stem, score, max_score, comment)
            rows.append(row)
            feedback = path.with_name(path.stem + ".feedback.txt")
            feedback.write_text(f"{row[1]} -- {row[0]}: {row[2]:g} / {row[3]:g} points\n" + "\n".join(lines) + "\n")
            out(f"{row[0]}/{path.name}: {row[2]:g} / {row[3]:g} ({comment}) [{time.perf_counter() - start:.0f} s]")
    with open(folder / "grades.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "homework", "score", "max_score", "comment"])
        for student, hw, score, max_score, comment in rows:
            writer.writerow([student, hw, f"{score:g}", f"{max_score:g}", comment])
    out(f"grades: {folder / 'grades.csv'} ({len(rows)} submissions)")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_lib.grading grade",
                                     description="Grade DIR/<student>/<homework>.ipynb; write DIR/grades.csv.")
    parser.add_argument("folder", type=pathlib.Path, help="the submissions, one folder per student")
    parser.add_argument("--source", type=pathlib.Path, default=pathlib.Path("homework"),
                        help="folder of the instructor notebooks (default: homework)")
    parser.add_argument("--timeout", type=int, default=600, help="time limit per notebook in seconds (default 600)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"submission folder {args.folder} does not exist")
    if not args.source.is_dir():
        parser.error(f"instructor folder {args.source} does not exist")
    if args.timeout <= 0:
        parser.error(f"--timeout must be positive, got {args.timeout}")
    grade_folder(args.folder, args.source.resolve(), timeout=args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
