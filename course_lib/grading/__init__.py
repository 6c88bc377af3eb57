"""Checks for the homework notebooks, the student edition and bulk grading.

A homework notebook asks for functions; its check cells call the functions below, which run
the student's function themselves (on the checker's own seeds, with forbidden shortcuts
disabled), compare with a reference from :mod:`course_lib` or with theory, and raise
:class:`CheckFailed` with one line that says what was expected. In the student edition
(``make student``, :mod:`course_lib.grading.student`) every solution is replaced by
``raise NotImplementedError()``, which the checks report as "not implemented yet", and the
hidden tests are removed; ``python -m course_lib.grading grade DIR``
(:mod:`course_lib.grading.grade`) grades a folder of submissions.
"""

from ._checks import CheckFailed, call, check_close, check_function, check_simulation, check_statistic, forbid, simulate

__all__ = [
    "CheckFailed",
    "call",
    "check_close",
    "check_function",
    "check_simulation",
    "check_statistic",
    "forbid",
    "simulate",
]
