"""``python -m course_lib.grading grade DIR`` or ``python -m course_lib.grading student SOURCE TARGET``."""

import sys

USAGE = """usage: python -m course_lib.grading {grade,student,edition} ...
  grade DIR [--source homework] [--timeout SECONDS]   grade DIR/<student>/<homework>.ipynb into DIR/grades.csv
  student SOURCE TARGET                               write the student edition of SOURCE/*.ipynb into TARGET
  edition TARGET [--root .]                           the book's source tree with the student edition of the homework"""


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("grade", "student", "edition"):
        print(USAGE, file=sys.stderr)
        return 2
    if argv[0] == "grade":
        from .grade import main as grade_main

        return grade_main(argv[1:])
    if argv[0] == "edition":
        from .edition import main as edition_main

        return edition_main(argv[1:])
    from .student import main as student_main

    return student_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
