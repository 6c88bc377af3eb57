"""Bad input to the score-based diffusion functions of course_lib.diffusion: one pytest.raises per message."""

import numpy as np
import pytest

from course_lib import diffusion as df

S = lambda x, t: -x  # noqa: E731
CASES = [
    (df.tweedie_denoiser, ([[1.0]], 0.5, [[1.0, 2.0]]), {}, ValueError, r"`score` must have the shape of `x`"),
    (df.tweedie_denoiser, ([[1.0]], 60.0, [[1.0]]), {}, ValueError, r"`t` must be <= 50"),
    (df.gaussian_mixture_denoiser, ([[1.0, 2.0]], 0.5, [[0.0]]), {}, ValueError, r"`x` must have last dimension"),
    (df.gaussian_mixture_cdf, (0.0, 0.5, [[0.0, 1.0]]), {}, ValueError, r"`means` must describe a mixture in dimension one"),
    (df.gaussian_mixture_cdf, (0.0, 0.0, [[0.0]]), {"cov": 0.0}, ValueError, r"use t > 0 or cov > 0"),
    (df.gaussian_mixture_fisher_information, (0.5, [[0.0, 1.0], [1.0, 0.0]]), {}, ValueError,
     r"`means` must have one row \(one Gaussian\) or one column"),
    (df.gaussian_mixture_fisher_information, (0.0, [[0.0]]), {"cov": 0.0}, ValueError, r"the score is undefined at t = 0"),
    (df.score_matching_losses, (S, np.zeros((1, 1)), 0.5, S), {}, ValueError, r"`x0` must hold at least two points"),
    (df.score_matching_losses, (S, np.zeros((5, 1)), 0.0, S), {}, ValueError, r"`t` must be > 0"),
    (df.score_matching_losses, (S, np.zeros((5, 1)), 0.5, 1.0), {}, TypeError, r"`true_score` must be callable"),
    (df.score_matching_losses, (lambda x, t: x[:, :0], np.zeros((5, 1)), 0.5, S), {}, ValueError,
     r"`score` must return an array of the shape of x"),
    (df.score_matching_losses, (lambda x, t: np.full(x.shape, np.inf), np.ones((5, 1)), 0.5, S), {}, ValueError,
     r"`score` returned non-finite values"),
    (df.fit_linear_score, (lambda x: np.ones((len(x), 2)), np.zeros((50, 1)), 0.5), {}, ValueError,
     r"`features` must have full column rank"),
    (df.fit_linear_score, (lambda x: x[:3], np.zeros((50, 1)), 0.5), {}, ValueError, r"`features` must return an array of shape"),
    (df.fit_linear_score, ("x", np.zeros((50, 1)), 0.5), {}, TypeError, r"`features` must be callable"),
    (df.probability_flow, (S, np.zeros((3, 1)), [1.0, 2.0]), {}, ValueError, r"`t_grid` must be strictly decreasing"),
    (df.probability_flow, (S, np.zeros((3, 1)), [1.0, 0.0]), {"scheme": "rk4"}, ValueError, r"`scheme` must be one of"),
    (df.probability_flow, (lambda x, t: np.full(x.shape, 1e308), np.ones((3, 1)), np.linspace(1.0, 0.0, 5)), {}, FloatingPointError,
     r"the probability flow diverged"),
    (df.gaussian_kl, (0.0, 0.0, 0.0, 1.0), {}, ValueError, r"`v1` must be > 0"),
    (df.gaussian_reverse_law, (0.0, 1.0, 1.0), {"perturbation": "linear"}, ValueError, r"`perturbation` must be one of"),
    (df.gaussian_reverse_law, (0.0, 1.0, 1.0), {"perturbation": lambda t: 1.0}, TypeError,
     r"`perturbation` must return two real numbers"),
    (df.gaussian_reverse_law, (0.0, 1.0, 1.0), {"start": (0.0, -1.0)}, ValueError, r"`start` must be > 0"),
    (df.gaussian_reverse_law, (0.0, 1.0, 1.0), {"start": (0.0, 1.0, 2.0)}, ValueError, r"`start` must be a pair"),
    (df.gaussian_reverse_law, (0.0, 1.0, 1.0), {"scheme": "euler"}, TypeError, r"`n_steps` must be an integer"),
    (df.gaussian_reverse_law, (0.0, 1.0, 1.0), {"n_steps": 10}, ValueError, r"`n_steps` must be None with scheme='exact'"),
    (df.gaussian_reverse_law, (0.0, 1.0, 10.0), {"delta": 1.0, "perturbation": lambda t: (100.0, 0.0)},
     FloatingPointError, r"reduce `delta`"),
]


@pytest.mark.parametrize("f, args, kwargs, exc, match", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_raises_naming_the_parameter(f, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        f(*args, **kwargs)
