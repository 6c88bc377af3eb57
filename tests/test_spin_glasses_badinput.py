"""Bad input to course_lib.spin_glasses: one pytest.raises per kind of message (type, finiteness, range, shape,
magnitude, rng, cross-argument consistency, divergence); each message names the parameter."""

import numpy as np
import pytest

from course_lib import spin_glasses as sg

J = sg.sk_couplings(6, rng=0)

CASES = [
    (sg.sk_couplings, (6,), {"rng": "seed"}, TypeError, r"`rng` must be None"),
    (sg.metropolis, (J, -1.0, 10), {}, ValueError, r"`beta`"),
    (sg.metropolis, (J, 1.0, 2.5), {}, TypeError, r"`n_sweeps` must be an integer"),
    (sg.ising_energy, (J, None), {}, TypeError, r"`state` must be an array of \+-1 spins"),
    (sg.ising_energy, (J, [1, 1]), {}, ValueError, r"`state`"),
    (sg.curie_weiss_mean_field, (float("nan"),), {}, ValueError, r"`beta` must be finite"),
    (sg.hopfield_retrieval_overlaps, (20, 1e100, 2), {}, ValueError, r"`alpha` must be <= 100"),
    (sg.pspin_complexity, (-1e300, 3), {}, ValueError, r"`E` must be at most 1e\+150 in magnitude"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)
