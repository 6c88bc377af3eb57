"""Public names of the spherical p-spin and Hopfield lectures (owned by one author; re-exported by the package `__init__`).

Every name listed in `__all__` here becomes part of the public API of the package.
"""

from ._hopfield import (
    AGSSolution,
    HopfieldRun,
    MixtureState,
    RetrievalThreshold,
    ags_solution,
    hopfield_capacity,
    hopfield_couplings,
    hopfield_dynamics,
    hopfield_mixture_state,
    hopfield_pattern_dynamics,
    hopfield_retrieval_overlaps,
    hopfield_retrieval_threshold,
    modern_hopfield_retrieve,
)
from ._hopfield_phase import hopfield_rs_free_energy, hopfield_spin_glass_state
from ._kac_rice import pspin_complexity, pspin_ground_state_energy, pspin_threshold_energy
from ._pspin_statics import franz_parisi_potential, pspin_dynamical_temperature, pspin_kauzmann_temperature
from ._pspin import PSpinDescentResult, PSpinInstance, pspin_gradient_descent, pspin_instance

__all__: list[str] = [
    "pspin_complexity",
    "pspin_ground_state_energy",
    "pspin_threshold_energy",
    "pspin_dynamical_temperature",
    "pspin_kauzmann_temperature",
    "franz_parisi_potential",
    "pspin_instance",
    "pspin_gradient_descent",
    "PSpinInstance",
    "PSpinDescentResult",
    "hopfield_couplings",
    "hopfield_dynamics",
    "hopfield_pattern_dynamics",
    "hopfield_retrieval_overlaps",
    "hopfield_retrieval_threshold",
    "RetrievalThreshold",
    "ags_solution",
    "hopfield_capacity",
    "hopfield_mixture_state",
    "modern_hopfield_retrieve",
    "HopfieldRun",
    "AGSSolution",
    "MixtureState",
    "hopfield_rs_free_energy",
    "hopfield_spin_glass_state",
]
