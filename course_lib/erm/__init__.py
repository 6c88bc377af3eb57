"""Part I -- learning as empirical risk minimisation, and the curse of dimensionality.

Samplers, the geometry of the high-dimensional cube, nearest-neighbour
regression (compiled) with its exact theory on the torus, the exact error
decomposition of least squares, and power-law fits with confidence intervals.
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
from ._knn import knn_regress, torus_nn_distance_moment, torus_sine_nn_risk, torus_sine_target
from ._linear import GDResult, gaussian_linear_data, least_squares_gd, ols_expected_estimation_error

__all__ = [
    "GDResult",
    "PowerLawFit",
    "SQUARED_DISTANCE_MEAN",
    "SQUARED_DISTANCE_VAR",
    "ball_in_cube_fraction",
    "ball_volume",
    "expected_normal_range",
    "fit_power_law",
    "gaussian_linear_data",
    "knn_regress",
    "least_squares_gd",
    "ols_expected_estimation_error",
    "relative_contrast",
    "relative_contrast_asymptotic",
    "sample_unit_cube",
    "torus_nn_distance_moment",
    "torus_sine_nn_risk",
    "torus_sine_target",
]
