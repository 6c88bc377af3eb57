"""Spin glasses and the Hopfield model (Part V).

Curie-Weiss and Sherrington-Kirkpatrick models, replica-symmetric and Parisi (k-step RSB) solutions,
compiled Monte Carlo, the spherical p-spin landscape and Kac-Rice complexity, and the Hopfield model.
The public names are collected from :mod:`._mean_field_api`, :mod:`._landscape_api`, :mod:`._cavity_api`
and :mod:`._replica_moments`.
"""

from . import _cavity_api, _landscape_api, _mean_field_api, _overlaps, _replica_moments
from ._cavity_api import *  # noqa: F401,F403
from ._landscape_api import *  # noqa: F401,F403
from ._mean_field_api import *  # noqa: F401,F403
from ._replica_moments import *  # noqa: F401,F403
from ._overlaps import *  # noqa: F401,F403
from . import _aging
from ._aging import *  # noqa: F401,F403

__all__ = [*_mean_field_api.__all__, *_landscape_api.__all__, *_cavity_api.__all__, *_replica_moments.__all__, *_overlaps.__all__, *_aging.__all__]
