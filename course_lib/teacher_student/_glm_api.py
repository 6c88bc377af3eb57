"""Public names of the perceptron-capacity and GLM replica/AMP lectures (owned by one author; re-exported by the package `__init__`).

Every name listed in `__all__` here becomes part of the public API of the package.
"""

from ._amp import GAMPResult, gamp
from ._channels import CHANNELS, LinearChannel, SignChannel
from ._data import glm_teacher_student_data, teacher_student_data
from ._erm import LOSSES, ERMState, erm_generalization_error, erm_state
from ._glm import (
    BinaryThresholds,
    GLMFixedPoint,
    bayes_optimal_error,
    binary_teacher_thresholds,
    glm_state_evolution,
    sign_large_alpha_constants,
)
from ._perceptron import (
    BinaryEnumeration,
    BinaryRSEntropy,
    binary_perceptron_capacity,
    binary_perceptron_enumeration,
    binary_perceptron_rs_divergence,
    binary_perceptron_rs_entropy,
    cover_count,
    cover_separable_probability,
    critical_pattern_counts,
    gardner_capacity,
    is_linearly_separable,
    separable_fraction,
)
from ._priors import PRIORS, GaussBernoulliPrior, GaussianPrior, Prior, RademacherPrior
from ._quadrature import gauss_hermite_normal

__all__: list[str] = [
    "gardner_capacity", "cover_count", "cover_separable_probability", "is_linearly_separable", "separable_fraction",
    "critical_pattern_counts", "BinaryRSEntropy", "binary_perceptron_rs_entropy", "binary_perceptron_capacity",
    "binary_perceptron_rs_divergence", "BinaryEnumeration", "binary_perceptron_enumeration",
    "GLMFixedPoint", "glm_state_evolution", "bayes_optimal_error", "BinaryThresholds", "binary_teacher_thresholds",
    "sign_large_alpha_constants", "GAMPResult", "gamp", "glm_teacher_student_data", "teacher_student_data",
    "Prior", "GaussianPrior", "RademacherPrior", "GaussBernoulliPrior", "PRIORS", "SignChannel", "LinearChannel",
    "CHANNELS", "gauss_hermite_normal",
    "ERMState", "erm_state", "erm_generalization_error", "LOSSES",
]
