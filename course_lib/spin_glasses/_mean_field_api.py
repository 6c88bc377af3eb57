"""Public names of the Curie-Weiss and Sherrington-Kirkpatrick lecture (owned by one author; re-exported by the package `__init__`).

Every name listed in `__all__` here becomes part of the public API of the package.
"""

from ._cw_exact import (
    CurieWeissExact,
    MeanFieldMagnetization,
    curie_weiss_couplings,
    curie_weiss_exact,
    curie_weiss_mean_field,
)
from ._mc_kernels import (
    AnnealingRun,
    MonteCarloRun,
    ParallelTemperingRun,
    ising_energy,
    metropolis,
    metropolis_numpy,
    parallel_tempering,
    simulated_annealing,
    single_flip_transition_matrix,
    sk_couplings,
)
from ._parisi import RSBSolution, sk_ground_state_energy, sk_rsb
from ._sk_replica import ReplicaSymmetricSolution, at_line, sk_annealed_energy, sk_replica_symmetric

__all__: list[str] = [
    "AnnealingRun",
    "CurieWeissExact",
    "MeanFieldMagnetization",
    "MonteCarloRun",
    "ParallelTemperingRun",
    "RSBSolution",
    "ReplicaSymmetricSolution",
    "at_line",
    "curie_weiss_couplings",
    "curie_weiss_exact",
    "curie_weiss_mean_field",
    "ising_energy",
    "metropolis",
    "metropolis_numpy",
    "parallel_tempering",
    "simulated_annealing",
    "single_flip_transition_matrix",
    "sk_annealed_energy",
    "sk_couplings",
    "sk_ground_state_energy",
    "sk_replica_symmetric",
    "sk_rsb",
]
