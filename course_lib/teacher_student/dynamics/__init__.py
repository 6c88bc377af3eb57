"""Learning dynamics in high dimension (Part VI, continued).

Online SGD in two-layer networks (the Saad-Solla equations), the hidden manifold model, and the
dynamical mean-field theory of gradient flow and Langevin dynamics in the spiked matrix-tensor model.
The public names are collected from :mod:`._online_api` and :mod:`._dmft_api`.
"""

from . import _dmft_api, _online_api
from ._dmft_api import *  # noqa: F401,F403
from ._online_api import *  # noqa: F401,F403

__all__ = [*_online_api.__all__, *_dmft_api.__all__]
