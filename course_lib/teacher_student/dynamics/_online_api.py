"""Public names of the online-SGD (Saad-Solla) and hidden-manifold lectures (owned by one author; re-exported by the package `__init__`).

Every name listed in `__all__` here becomes part of the public API of the package.
"""

from ._hidden_manifold import HiddenManifoldData, hidden_manifold_data
from ._hmm_ode import HMMODESolution, HMMODEState, hmm_gaussian_constants, hmm_ode_initial_state, hmm_online_ode
from ._online_sgd import OnlineSGDResult, committee_output, online_sgd_committee, train_committee_on_data
from ._saad_solla import (
    CommitteePlateau,
    SaadSollaSolution,
    committee_generalisation_error,
    committee_plateau,
    erf_i2,
    erf_i3,
    erf_i4,
    saad_solla_ode,
    saad_solla_rhs,
)
from ._spherical_p2 import spherical_p2_energy, spherical_p2_gradient_flow

__all__: list[str] = [
    "CommitteePlateau",
    "HiddenManifoldData",
    "OnlineSGDResult",
    "SaadSollaSolution",
    "committee_generalisation_error",
    "committee_output",
    "committee_plateau",
    "erf_i2",
    "erf_i3",
    "erf_i4",
    "hidden_manifold_data",
    "online_sgd_committee",
    "saad_solla_ode",
    "saad_solla_rhs",
    "spherical_p2_energy",
    "spherical_p2_gradient_flow",
    "train_committee_on_data",
    "HMMODESolution",
    "HMMODEState",
    "hmm_gaussian_constants",
    "hmm_ode_initial_state",
    "hmm_online_ode",
]
