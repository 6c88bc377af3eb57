"""Teacher-student analysis (Part VI).

Perceptron capacity, the replica formula, state evolution and approximate message passing for
generalised linear models, and the committee machine. Learning dynamics live in
:mod:`course_lib.teacher_student.dynamics`. The public names are collected from
:mod:`._glm_api` and :mod:`._committee_api`.
"""

from . import _committee_api, _committee_binary_api, _glm_api
from ._committee_api import *  # noqa: F401,F403
from ._committee_binary_api import *  # noqa: F401,F403
from ._glm_api import *  # noqa: F401,F403

__all__ = [*_glm_api.__all__, *_committee_api.__all__, *_committee_binary_api.__all__]
