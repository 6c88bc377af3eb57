"""Bad input to course_lib.rmt: one pytest.raises per kind of message (type, finiteness, range, shape,
magnitude, rng, cross-argument consistency, divergence); each message names the parameter."""

import numpy as np
import pytest

from course_lib import rmt

CASES = [
    (rmt.semicircle_pdf, ("x",), {}, TypeError, r"`x` must be a real numeric array"),
    (rmt.marchenko_pastur_pdf, (1.0, -0.5), {}, ValueError, r"`ratio`"),
    (rmt.gaussian_ensemble, (5,), {"rng": "seed"}, TypeError, r"`rng` must be None"),
    (rmt.mlp_init, (None,), {}, TypeError, r"`shape` must be an MLPShape"),
    (rmt.mlp_init, ("shape",), {}, TypeError, r"`shape` must be an MLPShape"),
    (rmt.MLPShape, (0, 3, 2), {}, ValueError, r"`d` must be an integer >= 1"),
    (rmt.mean_field_fixed_point, ("tanh", 1.5, 0.1), {"tol": None}, TypeError, r"`tol` must be a real number"),
    (rmt.mean_field_fixed_point, ("tanh", 1e100, 0.1), {}, ValueError, r"`sigma_w` must be <= 1000"),
    (rmt.deep_jacobian_density, ([1.0], 2, "linear", 1.0, 0.0), {"tol": 0.0}, ValueError, r"`tol` must be > 0"),
    (rmt.deep_jacobian_edge, (3, "linear", 1e300, 0.0), {}, ValueError, r"`sigma_w` must be <= 1000"),
    (rmt.prune_weights, (np.ones(3), np.ones(3), 0.5, np.array([1.0, np.nan, 0.0])), {}, TypeError,
     r"`mask` must be a boolean array"),
    (rmt.random_features_stieltjes, (None, 0.3, 0.25, 0.5, 0.5), {}, TypeError, r"`z` must be a complex number"),
    (rmt.largest_eigenvalue_samples, (10**6, 2, 1000), {"cutoff": None}, ValueError, r"`cutoff` = None keeps"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)
