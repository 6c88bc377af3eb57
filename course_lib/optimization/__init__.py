"""Part III -- optimisation: convergence of SGD on empirical risks, non-convexity, and implicit bias.

Least-squares and logistic empirical risks with exact minimisers, SGD with
thousands of independent runs in one compiled kernel (and the exact moment
recursions of least squares), full-batch gradient descent, convergence
exponents with confidence intervals, gradient descent on linear and ReLU
networks, and the objects of the implicit-bias theory: the minimum-norm
interpolant, the exact hard-margin SVM and diagonal linear networks.
"""

from ._bias import (
    DLNResult,
    SVMResult,
    diagonal_linear_network,
    diagonal_net_interpolant,
    hard_margin_svm,
    min_l1_interpolant,
    min_norm_interpolant,
)
from ._critical import CriticalPoints, critical_points
from ._geometry import (
    ReluNetPath,
    hyperbolic_bregman_interpolant,
    hyperbolic_mirror_descent,
    l1_max_margin,
    l1_steepest_descent,
    label_noise_sgd_product,
    max_margin_kkt_residual,
    relu_net_logistic_gd,
)
from ._networks import (
    CommitteeResult,
    LinearNetworkPath,
    committee_gd,
    committee_population_risk,
    linear_network_gd,
    relu_kernel,
)
from ._problems import LeastSquares, Logistic
from ._rates import convergence_exponent
from ._sgd import (
    GDPath,
    SGDResult,
    gradient_descent,
    least_squares_sgd_moments,
    least_squares_sgd_stationary,
    sgd,
    sgd_limit_covariance,
    step_schedule,
)

__all__ = [
    "CommitteeResult",
    "DLNResult",
    "GDPath",
    "LeastSquares",
    "LinearNetworkPath",
    "Logistic",
    "SGDResult",
    "SVMResult",
    "committee_gd",
    "committee_population_risk",
    "convergence_exponent",
    "diagonal_linear_network",
    "diagonal_net_interpolant",
    "gradient_descent",
    "hard_margin_svm",
    "least_squares_sgd_moments",
    "least_squares_sgd_stationary",
    "linear_network_gd",
    "min_l1_interpolant",
    "min_norm_interpolant",
    "relu_kernel",
    "ReluNetPath",
    "hyperbolic_bregman_interpolant",
    "hyperbolic_mirror_descent",
    "l1_max_margin",
    "l1_steepest_descent",
    "label_noise_sgd_product",
    "max_margin_kkt_residual",
    "relu_net_logistic_gd",
    "sgd",
    "sgd_limit_covariance",
    "step_schedule",
    "CriticalPoints",
    "critical_points",
]
