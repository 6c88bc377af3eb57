"""Public names of the committee-machine lecture (owned by one author; re-exported by the package `__init__`).

Every name listed in `__all__` here becomes part of the public API of the package.
"""

from ._committee_amp import CommitteeAMPResult, committee_amp, committee_data
from ._committee_se import (
    CommitteeFixedPoint,
    bivariate_normal_cdf,
    committee_channel_update,
    committee_gibbs_error,
    committee_specialisation_stability,
    committee_specialisation_threshold,
    committee_state_evolution,
)

__all__: list[str] = [
    "CommitteeAMPResult",
    "CommitteeFixedPoint",
    "bivariate_normal_cdf",
    "committee_amp",
    "committee_channel_update",
    "committee_data",
    "committee_gibbs_error",
    "committee_specialisation_stability",
    "committee_specialisation_threshold",
    "committee_state_evolution",
]
