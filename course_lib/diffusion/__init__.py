"""Part VII -- generative diffusion.

The Ornstein--Uhlenbeck forward process, exact scores, posterior means (Tweedie) and Fisher information of Gaussian
mixtures (and the empirical score of a training set), denoising and explicit score matching, the backward SDE with two
integrators, the probability-flow ODE, the exact law of the backward dynamics for Gaussian data with a perturbed score
(and the Girsanov bound), the cloning experiment, and the speciation and collapse times of
Biroli, Bonnaire, de Bortoli and Mezard (2024).
"""

from ._gaussian import GaussianReverseLaw, gaussian_kl, gaussian_reverse_law, gaussian_tv
from ._matching import LinearScoreFit, ScoreMatchingLosses, fit_linear_score, score_matching_losses, tweedie_denoiser
from ._score import (
    empirical_score,
    forward_diffusion,
    gaussian_mixture_cdf,
    gaussian_mixture_denoiser,
    gaussian_mixture_fisher_information,
    gaussian_mixture_posterior,
    gaussian_mixture_sample,
    gaussian_mixture_score,
    ou_noise_variance,
)
from ._sde import BackwardResult, CloningResult, backward_diffusion, cloning_experiment, probability_flow
from ._theory import (
    collapse_time,
    mixture_covariance,
    mixture_entropy_excess,
    speciation_cloning_probability,
    speciation_crossover_time,
    speciation_scaling_function,
    speciation_time,
)

__all__ = [
    "BackwardResult",
    "CloningResult",
    "GaussianReverseLaw",
    "LinearScoreFit",
    "ScoreMatchingLosses",
    "backward_diffusion",
    "cloning_experiment",
    "collapse_time",
    "empirical_score",
    "fit_linear_score",
    "forward_diffusion",
    "gaussian_kl",
    "gaussian_mixture_cdf",
    "gaussian_mixture_denoiser",
    "gaussian_mixture_fisher_information",
    "gaussian_mixture_posterior",
    "gaussian_mixture_sample",
    "gaussian_mixture_score",
    "mixture_covariance",
    "mixture_entropy_excess",
    "ou_noise_variance",
    "probability_flow",
    "speciation_cloning_probability",
    "speciation_crossover_time",
    "speciation_scaling_function",
    "speciation_time",
    "tweedie_denoiser",
    "gaussian_reverse_law",
    "gaussian_tv",
    "score_matching_losses",
]
