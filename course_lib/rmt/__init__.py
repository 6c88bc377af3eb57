"""Part IV -- random matrices.

Gaussian and Wishart ensembles (dense and through the Dumitriu--Edelman tridiagonal models), the
limiting spectral densities (semicircle, Marchenko--Pastur, Fuss--Catalan), the Tracy--Widom laws
as Fredholm determinants (Bornemann's quadrature method), fast sampling of the spectral edge
(Edelman--Persson), the sample-covariance spectrum for a general population (Silverstein's
equation), spiked models with the BBP transition, the Jacobians of random deep networks
(with their full spectral density by free multiplicative convolution), free additive convolution by
subordination, the Gram matrices of random
features (Pennington--Worah), and the exact Hessian, Gauss--Newton matrix and Fisher information of
a small softmax network; heavy-tailed (Lévy) Wigner matrices, the Fréchet law of their largest
eigenvalue and maximum-likelihood power-law tail fits.
"""

from ._deep import (
    MeanFieldFixedPoint,
    critical_sigma_w,
    deep_jacobian_singular_values,
    deep_jacobian_spectrum_moments,
    deep_linear_jacobian_pdf,
    mean_field_fixed_point,
)
from ._free_additive import (
    FreeAdditiveConvolution,
    SpectralLaw,
    free_additive_convolution,
    free_additive_convolution_pdf,
    free_poisson_law,
    semicircle_law,
)
from ._finite_width import jacobian_log_norm_moments
from ._free_jacobian import (
    JacobianDensity,
    deep_jacobian_cdf,
    deep_jacobian_density,
    deep_jacobian_edge,
    deep_jacobian_pdf,
)
from ._densities import (
    fuss_catalan_edge,
    fuss_catalan_moment,
    fuss_catalan_pdf,
    marchenko_pastur_atom,
    marchenko_pastur_cdf,
    marchenko_pastur_edges,
    marchenko_pastur_moment,
    marchenko_pastur_pdf,
    semicircle_cdf,
    semicircle_moment,
    semicircle_pdf,
)
from ._ensembles import (
    beta_hermite_eigenvalues,
    beta_hermite_tridiagonal,
    edge_scaled,
    gaussian_ensemble,
    largest_eigenvalue_samples,
    tridiagonal_largest_eigenvalue,
    wishart_edge_scaled,
    wishart_eigenvalues,
)
from ._heavy_tails import PowerLawFit, frechet_cdf, heavy_tailed_wigner, power_law_fit
from ._hessian import (
    MLPShape,
    MLPTopEigen,
    MLPTraining,
    class_mean_gradient_gram,
    cross_class_mean_gradients,
    mlp_empirical_fisher,
    mlp_gauss_newton,
    mlp_hessian,
    mlp_hvp,
    mlp_init,
    mlp_logit_jacobian,
    mlp_loss_grad,
    mlp_top_eigenvalues,
    mlp_train,
    obd_saliency,
    prune_weights,
    quadratic_loss_change,
    subspace_overlap,
)
from ._random_features import (
    ActivationConstants,
    activation_constants,
    random_features_atom,
    random_features_cdf,
    random_features_gram_eigenvalues,
    random_features_moments,
    random_features_pdf,
    random_features_stieltjes,
)
from ._silverstein import silverstein_pdf
from ._rank_test import SequentialRankTest, sequential_rank_test
from ._hessian_rmt import (
    DeepTanhTraining,
    deep_tanh_train,
    hessian_pb_critical_epsilon,
    hessian_pb_density,
    hessian_pb_negative_fraction,
    hessian_pb_support,
)
from ._deterministic import ridge_risk_anisotropic
from ._spiked import (
    SpikedSample,
    spiked_covariance_overlap,
    spiked_covariance_shrinkage,
    spiked_covariance_top_eigenvalue,
    spiked_wigner,
    spiked_wigner_overlap,
    spiked_wigner_top_eigenvalue,
)
from ._tracy_widom import (TracyWidomMoments, tracy_widom_cdf, tracy_widom_logcdf, tracy_widom_logpdf,
                           tracy_widom_moments, tracy_widom_pdf, tracy_widom_sf)

__all__ = [
    "MeanFieldFixedPoint",
    "critical_sigma_w",
    "deep_jacobian_singular_values",
    "deep_jacobian_spectrum_moments",
    "deep_linear_jacobian_pdf",
    "mean_field_fixed_point",
    "JacobianDensity",
    "FreeAdditiveConvolution",
    "SpectralLaw",
    "free_additive_convolution",
    "jacobian_log_norm_moments",
    "free_additive_convolution_pdf",
    "free_poisson_law",
    "semicircle_law",
    "deep_jacobian_cdf",
    "deep_jacobian_density",
    "deep_jacobian_edge",
    "deep_jacobian_pdf",
    "MLPShape",
    "MLPTraining",
    "class_mean_gradient_gram",
    "mlp_empirical_fisher",
    "mlp_gauss_newton",
    "mlp_hessian",
    "mlp_init",
    "mlp_logit_jacobian",
    "mlp_loss_grad",
    "mlp_train",
    "prune_weights",
    "MLPTopEigen",
    "cross_class_mean_gradients",
    "mlp_hvp",
    "mlp_top_eigenvalues",
    "obd_saliency",
    "quadratic_loss_change",
    "subspace_overlap",
    "ActivationConstants",
    "activation_constants",
    "random_features_atom",
    "random_features_cdf",
    "random_features_gram_eigenvalues",
    "random_features_moments",
    "random_features_pdf",
    "random_features_stieltjes",
    "SpikedSample",
    "TracyWidomMoments",
    "beta_hermite_eigenvalues",
    "beta_hermite_tridiagonal",
    "edge_scaled",
    "fuss_catalan_edge",
    "fuss_catalan_moment",
    "fuss_catalan_pdf",
    "gaussian_ensemble",
    "largest_eigenvalue_samples",
    "marchenko_pastur_atom",
    "marchenko_pastur_cdf",
    "marchenko_pastur_edges",
    "marchenko_pastur_moment",
    "marchenko_pastur_pdf",
    "semicircle_cdf",
    "semicircle_moment",
    "semicircle_pdf",
    "silverstein_pdf",
    "ridge_risk_anisotropic",
    "spiked_covariance_overlap",
    "spiked_covariance_shrinkage",
    "spiked_covariance_top_eigenvalue",
    "spiked_wigner",
    "spiked_wigner_overlap",
    "spiked_wigner_top_eigenvalue",
    "tracy_widom_cdf",
    "tracy_widom_logcdf",
    "tracy_widom_logpdf",
    "tracy_widom_moments",
    "tracy_widom_pdf",
    "tracy_widom_sf",
    "tridiagonal_largest_eigenvalue",
    "wishart_edge_scaled",
    "wishart_eigenvalues",
    "PowerLawFit",
    "frechet_cdf",
    "heavy_tailed_wigner",
    "power_law_fit",
    "SequentialRankTest",
    "sequential_rank_test",
    "DeepTanhTraining",
    "deep_tanh_train",
    "hessian_pb_critical_epsilon",
    "hessian_pb_density",
    "hessian_pb_negative_fraction",
    "hessian_pb_support",
]
