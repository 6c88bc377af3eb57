"""Bad input to course_lib.kernels: one pytest.raises per kind of message (type, finiteness, range, shape,
magnitude, rng, cross-argument consistency, divergence); each message names the parameter."""

import numpy as np
import pytest

from course_lib import kernels

CASES = [
    (kernels.ridge_risk, (0.5, 0.0), {}, ValueError, r"`lam` must be > 0"),
    (kernels.ridge_risk, (-1.0, 0.1), {}, ValueError, r"`gamma` must be > 0"),
    (kernels.ridge_risk, (0.5, 0.1), {"noise": "x"}, TypeError, r"`noise` must be a real number"),
    (kernels.optimal_ridge, (1.0,), {"signal": 1e-300, "noise": 1e100}, ValueError, r"`signal` = .* is too small"),
    (kernels.arccos_kernel, (np.eye(2), np.eye(3), 1), {}, ValueError, r"`Y`|`X`"),
    (kernels.TwoLayerNetwork, (np.array([[np.nan]]), np.array([1.0])), {}, ValueError, r"`W` must contain only finite"),
    (kernels.TwoLayerNetwork, (np.eye(2), np.array([1.0])), {}, ValueError, r"`a` must have one entry per row of `W`"),
    (kernels.TwoLayerNetwork, (np.eye(2), np.ones(2), "wide"), {}, ValueError, r"`scaling` must be 'ntk' or"),
    (kernels.two_layer_network, (4, 3), {"rng": "seed"}, TypeError, r"`rng` must be None"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)
