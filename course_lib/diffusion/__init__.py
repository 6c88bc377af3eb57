"""Part VII -- generative diffusion.

The Ornstein--Uhlenbeck forward process, exact scores of Gaussian mixtures (and the empirical score of a training
set), the backward SDE with two integrators, the cloning experiment, and the speciation and collapse times of
Biroli, Bonnaire, de Bortoli and Mezard (2024).
"""

from ._score import (
    empirical_score,
    forward_diffusion,
    gaussian_mixture_posterior,
    gaussian_mixture_sample,
    gaussian_mixture_score,
    ou_noise_variance,
)
from ._sde import BackwardResult, CloningResult, backward_diffusion, cloning_experiment
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
    "backward_diffusion",
    "cloning_experiment",
    "collapse_time",
    "empirical_score",
    "forward_diffusion",
    "gaussian_mixture_posterior",
    "gaussian_mixture_sample",
    "gaussian_mixture_score",
    "mixture_covariance",
    "mixture_entropy_excess",
    "ou_noise_variance",
    "speciation_cloning_probability",
    "speciation_crossover_time",
    "speciation_scaling_function",
    "speciation_time",
]
