"""Checks for the homework notebooks, and the student edition.

A homework notebook asks for functions; its check cells call the functions
below, which compare the student's answer with a reference from
:mod:`course_lib` (or with theory) and raise :class:`CheckFailed` with a
message that says what was expected. In the student edition (``make student``,
:mod:`course_lib.grading.student`) every solution is replaced by
``raise NotImplementedError()``, which the checks report as "not implemented
yet" -- so a check cell fails until the exercise is solved.
"""

from ._checks import CheckFailed, call, check_close, check_function, check_statistic

__all__ = ["CheckFailed", "call", "check_close", "check_function", "check_statistic"]
