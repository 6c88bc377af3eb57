"""Part III (second half) -- wide networks and interpolation.

The arc-cosine kernels and the two-layer ReLU neural tangent kernel in closed form, the empirical tangent kernel and
gradient-descent training of wide two-layer networks (lazy and mean-field scalings), kernel regression; the exact
asymptotic risks of ridge(less) least squares (Hastie, Montanari, Rosset, Tibshirani) and of random-features regression
(Mei, Montanari), with simulators; the effective ranks and bound terms of benign overfitting (Bartlett, Long, Lugosi,
Tsigler).
"""

from ._double_descent import (
    BenignTerms,
    RiskSimulation,
    benign_bound_terms,
    critical_index,
    effective_ranks,
    min_norm_interpolation_risk,
    optimal_ridge,
    ridge_regression_simulation,
    ridge_risk,
    ridgeless_risk,
    risk_curve,
)
from ._mean_field import MeanFieldFlow, MeanFieldRisk, relu_mean_field_flow, relu_mean_field_risk
from ._ntk import (
    TrainResult,
    TwoLayerNetwork,
    arccos_kernel,
    deep_relu_empirical_ntk,
    deep_relu_ntk,
    empirical_ntk,
    kernel_regression,
    relu_ntk,
    train_two_layer,
    two_layer_network,
)
from ._random_features import (
    ActivationCoefficients,
    RandomFeaturesRisk,
    RandomFeaturesSimulation,
    activation_coefficients,
    random_features_regression,
    random_features_risk,
)

__all__ = [
    "ActivationCoefficients",
    "BenignTerms",
    "RandomFeaturesRisk",
    "RandomFeaturesSimulation",
    "RiskSimulation",
    "TrainResult",
    "TwoLayerNetwork",
    "activation_coefficients",
    "arccos_kernel",
    "benign_bound_terms",
    "critical_index",
    "deep_relu_empirical_ntk",
    "deep_relu_ntk",
    "effective_ranks",
    "empirical_ntk",
    "kernel_regression",
    "min_norm_interpolation_risk",
    "optimal_ridge",
    "random_features_regression",
    "random_features_risk",
    "relu_ntk",
    "ridge_regression_simulation",
    "ridge_risk",
    "ridgeless_risk",
    "risk_curve",
    "train_two_layer",
    "two_layer_network",
    "MeanFieldFlow",
    "MeanFieldRisk",
    "relu_mean_field_flow",
    "relu_mean_field_risk",
]
