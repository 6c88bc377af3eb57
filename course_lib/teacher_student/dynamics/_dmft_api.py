"""Public names of the dynamical mean-field theory lecture (owned by one author; re-exported by the package `__init__`).

Every name listed in `__all__` here becomes part of the public API of the package.
"""

from ._dmft_exact import SpikedMatrixFlow, spiked_matrix_flow_exact
from ._dmft_solver import DMFTSolution, dmft_spiked_matrix_tensor
from ._dmft_thresholds import amp_threshold, gradient_flow_threshold, minima_complexity, spurious_minima_threshold
from ._matrix_tensor import LangevinTrajectory, SpikedMatrixTensor, langevin_spiked_matrix_tensor, spiked_matrix_tensor

__all__: list[str] = [
    "DMFTSolution",
    "LangevinTrajectory",
    "SpikedMatrixFlow",
    "SpikedMatrixTensor",
    "amp_threshold",
    "dmft_spiked_matrix_tensor",
    "gradient_flow_threshold",
    "langevin_spiked_matrix_tensor",
    "minima_complexity",
    "spiked_matrix_flow_exact",
    "spiked_matrix_tensor",
    "spurious_minima_threshold",
]
