"""Part II -- approximation: universal approximation and depth separation.

Explicit ReLU networks as lists of affine maps (:class:`ReLUNet`), the exact constructions of the
lectures (tent map and sawtooth, Yarotsky's square and product, the max tree, piecewise-linear
interpolants), exact piece counting by breakpoint propagation (:func:`count_pieces`), exact
:math:`L^p` distances of piecewise-affine functions, and shallow fits (free-knot least squares,
random features).
"""

from ._constructions import interpolant, max_net, sawtooth, tent, yarotsky_product, yarotsky_square
from ._fitting import random_feature_fit, shallow_fit
from ._network import ReLUNet, activation_patterns, random_relu_net, restrict_to_line
from ._pieces import (
    PiecewiseLinear,
    count_pieces,
    linear_pieces,
    lp_distance,
    piece_bound,
    sawtooth_l1_lower_bound,
)

__all__ = [
    "PiecewiseLinear",
    "ReLUNet",
    "activation_patterns",
    "count_pieces",
    "interpolant",
    "linear_pieces",
    "lp_distance",
    "max_net",
    "piece_bound",
    "random_feature_fit",
    "random_relu_net",
    "restrict_to_line",
    "sawtooth",
    "sawtooth_l1_lower_bound",
    "shallow_fit",
    "tent",
    "yarotsky_product",
    "yarotsky_square",
]

from ._barron import (  # noqa: E402  (Barron space lecture)
    maurey_approximation,
    random_feature_equivalent_error,
    random_feature_error,
    relu_gegenbauer_coefficients,
    sphere_relu_gram,
    train_relu_sphere,
)

__all__ += [
    "maurey_approximation",
    "random_feature_equivalent_error",
    "random_feature_error",
    "relu_gegenbauer_coefficients",
    "sphere_relu_gram",
    "train_relu_sphere",
]
