"""Public names of the dynamical mean-field theory lecture (owned by one author; re-exported by the package `__init__`).

Every name listed in `__all__` here becomes part of the public API of the package.
"""

from ._dmft_exact import SpikedMatrixFlow, spiked_matrix_flow_exact
from ._dmft_solver import DMFTSolution, dmft_spiked_matrix_tensor
from ._dmft_thresholds import amp_threshold, gradient_flow_threshold, minima_complexity, spurious_minima_threshold
from ._matrix_tensor import LangevinTrajectory, SpikedMatrixTensor, langevin_spiked_matrix_tensor, spiked_matrix_tensor
from ._reference_runs import MatrixTensorReferenceRuns, matrix_tensor_reference_runs, simulate_reference_runs

__all__: list[str] = [
    "DMFTSolution",
    "LangevinTrajectory",
    "MatrixTensorReferenceRuns",
    "SpikedMatrixFlow",
    "SpikedMatrixTensor",
    "amp_threshold",
    "dmft_spiked_matrix_tensor",
    "gradient_flow_threshold",
    "langevin_spiked_matrix_tensor",
    "matrix_tensor_reference_runs",
    "minima_complexity",
    "simulate_reference_runs",
    "spiked_matrix_flow_exact",
    "spiked_matrix_tensor",
    "spurious_minima_threshold",
]
