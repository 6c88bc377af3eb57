"""Solvers, samplers and checks for the course book *Mathematics of Deep Learning*.

One subpackage per part of the course:

- :mod:`course_lib.erm` -- empirical risk minimisation and the curse of dimensionality;
- :mod:`course_lib.plotting` -- the one figure style of the book;
- :mod:`course_lib.grading` -- checks used by the homework notebooks.

Notebooks import only the public names re-exported by each subpackage.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
