"""Bad input to course_lib.diffusion: one pytest.raises per kind of message (type, finiteness, range, shape,
magnitude, rng, cross-argument consistency, divergence); each message names the parameter."""

import numpy as np
import pytest

from course_lib import diffusion

CASES = [
    (diffusion.forward_diffusion, (np.zeros((3, 1)), -1.0), {}, ValueError, r"`t` must be >= 0"),
    (diffusion.forward_diffusion, (np.full((3, 1), np.nan), 1.0), {}, ValueError, r"`x0` must contain only finite"),
    (diffusion.cloning_experiment, (lambda x, t: -x, np.zeros((0, 1)), np.linspace(2, 0, 11), [5],
                                    lambda x: (x[:, 0] > 0).astype(int)), {}, ValueError,
     r"`x_T` must hold at least one trajectory"),
    (diffusion.cloning_experiment, (lambda x, t: -x, np.zeros((5, 1)), np.linspace(2, 0, 11), [5], 3), {},
     TypeError, r"`classify` must be callable"),
    (diffusion.empirical_score, ([[1.0]], 1.0, [[np.nan]]), {}, ValueError, r"`data` must contain only finite"),
    (diffusion.empirical_score, ([[1.0]], 1.0, "x"), {}, TypeError, r"`data` must be a real numeric array"),
    (diffusion.empirical_score, ([[1.0, 2.0]], 1.0, [[1.0]]), {}, ValueError, r"`x` must have 1 coordinates"),
    (diffusion.mixture_entropy_excess, (np.nan,), {}, ValueError, r"`a` must contain only finite values"),
    (diffusion.collapse_time, (10, 2), {"mu_norm": 1e300}, ValueError, r"`mu_norm` must be at most"),
    (diffusion.gaussian_mixture_sample, (4, [[1.0]]), {"rng": 1.5}, TypeError, r"`rng` must be None"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)
