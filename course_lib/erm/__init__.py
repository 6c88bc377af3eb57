"""Part I -- learning as empirical risk minimisation, and the curse of dimensionality.

Samplers, the geometry of the high-dimensional cube, nearest-neighbour
regression (compiled) with its exact theory on the torus, the exact error
decomposition of least squares, power-law fits with confidence intervals, and the
generalization toolkit: Rademacher complexity of norm balls (exact and Monte Carlo) and its bounds, the
spectral complexity of Bartlett--Foster--Telgarsky, a small two-layer network trainer, and the
Nagarajan--Kolter example where uniform convergence fails.
"""

from ._fitting import PowerLawFit, fit_power_law
from ._geometry import (
    SQUARED_DISTANCE_MEAN,
    SQUARED_DISTANCE_VAR,
    ball_in_cube_fraction,
    ball_volume,
    expected_normal_range,
    relative_contrast,
    relative_contrast_asymptotic,
    sample_unit_cube,
)
from ._generalization import (
    MLPResult,
    RademacherEstimate,
    empirical_rademacher,
    flipped_noise_data,
    flipped_noise_flipped_error,
    flipped_noise_test_error,
    linear_rademacher_bound,
    mlp_logits,
    spectral_complexity,
    train_mlp,
)
from ._knn import knn_regress, torus_nn_distance_moment, torus_sine_nn_risk, torus_sine_target
from ._linear import GDResult, gaussian_linear_data, least_squares_gd, ols_expected_estimation_error

__all__ = [
    "GDResult",
    "MLPResult",
    "RademacherEstimate",
    "PowerLawFit",
    "SQUARED_DISTANCE_MEAN",
    "SQUARED_DISTANCE_VAR",
    "ball_in_cube_fraction",
    "ball_volume",
    "expected_normal_range",
    "fit_power_law",
    "flipped_noise_data",
    "flipped_noise_flipped_error",
    "flipped_noise_test_error",
    "gaussian_linear_data",
    "knn_regress",
    "least_squares_gd",
    "linear_rademacher_bound",
    "mlp_logits",
    "ols_expected_estimation_error",
    "empirical_rademacher",
    "relative_contrast",
    "relative_contrast_asymptotic",
    "sample_unit_cube",
    "spectral_complexity",
    "torus_nn_distance_moment",
    "torus_sine_nn_risk",
    "torus_sine_target",
    "train_mlp",
]
