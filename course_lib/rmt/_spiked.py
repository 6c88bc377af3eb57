"""Rank-one spiked models and the BBP phase transition."""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._validation import check_array, check_int, check_real, check_rng
from ._ensembles import gaussian_ensemble

__all__ = [
    "SpikedSample",
    "spiked_wigner",
    "spiked_wigner_top_eigenvalue",
    "spiked_wigner_overlap",
    "spiked_covariance_top_eigenvalue",
    "spiked_covariance_overlap",
    "spiked_covariance_shrinkage",
]

#: A spiked matrix and its planted unit vector.
SpikedSample = namedtuple("SpikedSample", ["matrix", "spike"])
SpikedSample.__doc__ = """A spiked matrix and its planted unit vector (``matrix``, ``spike``).

Examples
--------
>>> s = spiked_wigner(50, 2.0, rng=0)
>>> type(s).__name__, s.matrix.shape, round(float(np.linalg.norm(s.spike)), 12)
('SpikedSample', (50, 50), 1.0)
"""


def _out(arr):
    return float(arr) if arr.ndim == 0 else arr


def spiked_wigner(n, theta, beta=1, rng=None):
    r"""Sample the spiked Wigner matrix :math:`M = \theta\, vv^* + H`.

    :math:`H` is drawn from :func:`gaussian_ensemble` (semicircle on :math:`[-2,2]`) and :math:`v` is a
    uniformly random unit vector of :math:`\mathbb{R}^n` (``beta=1``) or :math:`\mathbb{C}^n` (``beta=2``).

    Parameters
    ----------
    n : int
        >= 1.
    theta : float
        Spike strength, >= 0.
    beta : {1, 2}
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    SpikedSample
        ``(matrix, spike)``.

    Examples
    --------
    >>> m, v = spiked_wigner(200, 3.0, rng=0)
    >>> bool(abs(np.linalg.eigvalsh(m)[-1] - 10 / 3) < 0.3)
    True
    """
    n = check_int("n", n, minimum=1)
    theta = check_real("theta", theta, lower=0.0)
    beta = check_int("beta", beta)
    if beta not in (1, 2):
        raise ValueError(f"`beta` must be 1 or 2 for the spiked Wigner model, got {beta}.")
    rng = check_rng(rng)
    h = gaussian_ensemble(n, beta, rng=rng)
    v = rng.standard_normal(n) if beta == 1 else rng.standard_normal(n) + 1j * rng.standard_normal(n)
    v = v / np.linalg.norm(v)
    return SpikedSample(h + theta * np.outer(v, v.conj()), v)


def spiked_wigner_top_eigenvalue(theta):
    r"""Almost-sure limit of :math:`\lambda_{\max}(\theta vv^* + H)`: 2 for :math:`\theta \le 1`, :math:`\theta + 1/\theta` above.

    References
    ----------
    .. [1] D. Feral, S. Peche, "The largest eigenvalue of rank one deformation of large Wigner matrices",
       Comm. Math. Phys. 272 (2007) 185-228.
    .. [2] F. Benaych-Georges, R. R. Nadakuditi, "The eigenvalues and eigenvectors of finite, low rank
       perturbations of large random matrices", Adv. Math. 227 (2011) 494-521.

    Examples
    --------
    >>> spiked_wigner_top_eigenvalue([0.5, 2.0]).tolist()
    [2.0, 2.5]
    """
    t = check_array("theta", theta)
    if np.any(t < 0):
        raise ValueError("`theta` must be >= 0.")
    big = np.maximum(t, 1.0)
    return _out(np.where(t > 1.0, big + 1.0 / big, 2.0))


def spiked_wigner_overlap(theta):
    r"""Almost-sure limit of :math:`|\langle u_{\max}, v\rangle|^2`: :math:`(1 - \theta^{-2})_+`.

    References
    ----------
    .. [1] F. Benaych-Georges, R. R. Nadakuditi (2011), Adv. Math. 227.

    Examples
    --------
    >>> spiked_wigner_overlap([0.5, 2.0]).tolist()
    [0.0, 0.75]
    """
    t = check_array("theta", theta)
    if np.any(t < 0):
        raise ValueError("`theta` must be >= 0.")
    big = np.maximum(t, 1.0)
    return _out(np.where(t > 1.0, 1.0 - 1.0 / big**2, 0.0))


def spiked_covariance_top_eigenvalue(spike, ratio):
    r"""BBP limit of the top sample-covariance eigenvalue for population covariance :math:`I + \theta\, vv^\top`.

    With :math:`d/n \to \gamma` (:math:`X \in \mathbb R^{d\times n}`, ``spike`` :math:`= \theta`),
    :math:`\lambda_{\max}(XX^\top/n) \to (1+\theta)(1 + \gamma/\theta)` if :math:`\theta > \sqrt\gamma`, and
    to the bulk edge :math:`(1 + \sqrt\gamma)^2` otherwise.

    References
    ----------
    .. [1] J. Baik, G. Ben Arous, S. Peche, "Phase transition of the largest eigenvalue for nonnull complex
       sample covariance matrices", Ann. Probab. 33 (2005) 1643-1697.
    .. [2] J. Baik, J. W. Silverstein, "Eigenvalues of large sample covariance matrices of spiked population
       models", J. Multivariate Anal. 97 (2006) 1382-1408.

    Examples
    --------
    >>> spiked_covariance_top_eigenvalue([0.5, 2.0], 1.0).tolist()
    [4.0, 4.5]
    """
    ell = check_array("spike", spike)
    if np.any(ell < 0):
        raise ValueError("`spike` must be >= 0.")
    g = check_real("ratio", ratio, lower=0.0, lower_open=True)
    safe = np.maximum(ell, np.sqrt(g))
    return _out(np.where(ell > np.sqrt(g), (1.0 + safe) * (1.0 + g / safe), (1.0 + np.sqrt(g)) ** 2))


def spiked_covariance_overlap(spike, ratio):
    r"""BBP limit of :math:`\langle u_{\max}, v\rangle^2` in the spiked covariance model.

    .. math:: \langle u_{\max}, v\rangle^2 \to \frac{1 - \gamma/\theta^2}{1 + \gamma/\theta} \quad (\theta > \sqrt\gamma),
              \qquad 0 \text{ otherwise}.

    References
    ----------
    .. [1] D. Paul, "Asymptotics of sample eigenstructure for a large dimensional spiked covariance
       model", Statist. Sinica 17 (2007) 1617-1642.

    Examples
    --------
    >>> round(spiked_covariance_overlap(2.0, 1.0), 12)
    0.5
    """
    ell = check_array("spike", spike)
    if np.any(ell < 0):
        raise ValueError("`spike` must be >= 0.")
    g = check_real("ratio", ratio, lower=0.0, lower_open=True)
    safe = np.maximum(ell, np.sqrt(g))
    return _out(np.where(ell > np.sqrt(g), (1.0 - g / safe**2) / (1.0 + g / safe), 0.0))


def spiked_covariance_shrinkage(eigenvalues, gamma, loss="frobenius"):
    r"""Optimal shrinkage of sample-covariance eigenvalues in the spiked model (Donoho–Gavish–Johnstone).

    For population covariance :math:`\Sigma = I + \sum_i \theta_i v_i v_i^\top` (noise level one) and
    :math:`d/n \to \gamma`, a sample eigenvalue :math:`\lambda > (1+\sqrt\gamma)^2` is mapped back to the spike
    :math:`\ell = 1 + \theta` by inverting the BBP map :math:`\lambda = \ell\,(1 + \gamma/(\ell - 1))`,

    .. math:: \ell(\lambda) = \tfrac12\Big(\lambda + 1 - \gamma + \sqrt{(\lambda + 1 - \gamma)^2 - 4\lambda}\Big),

    with squared cosine :math:`c^2 = (1 - \gamma/\theta^2)/(1 + \gamma/\theta)` and :math:`s^2 = 1 - c^2`. The
    asymptotically optimal shrinker is :math:`\eta(\lambda) = \ell c^2 + s^2` for the Frobenius loss
    :math:`\|\hat\Sigma - \Sigma\|_F` and :math:`\eta(\lambda) = \ell` for the operator-norm loss; eigenvalues
    at or below the bulk edge are mapped to 1. DGJ prove optimality for Gaussian data and :math:`\gamma \le 1`.

    Parameters
    ----------
    eigenvalues : array_like of float
        Sample-covariance eigenvalues, each >= 0 (any shape).
    gamma : float
        Aspect ratio :math:`d/n > 0`.
    loss : {"frobenius", "operator"}

    Returns
    -------
    float or numpy.ndarray
        Shrunk eigenvalues, same shape as ``eigenvalues``.

    References
    ----------
    .. [1] D. L. Donoho, M. Gavish, I. M. Johnstone, "Optimal shrinkage of eigenvalues in the spiked covariance
       model", Ann. Statist. 46 (2018) 1742-1778.

    Examples
    --------
    >>> lam = spiked_covariance_top_eigenvalue(3.0, 0.5)    # spike ell = 4, gamma = 1/2
    >>> round(float(spiked_covariance_shrinkage(lam, 0.5, loss="operator")), 12)
    4.0
    >>> c2 = spiked_covariance_overlap(3.0, 0.5)
    >>> bool(abs(spiked_covariance_shrinkage(lam, 0.5) - (4.0 * c2 + 1.0 - c2)) < 1e-12)
    True
    >>> spiked_covariance_shrinkage([0.5, 2.0], 0.5).tolist()
    [1.0, 1.0]
    """
    lam = check_array("eigenvalues", eigenvalues)
    if np.any(lam < 0):
        raise ValueError("`eigenvalues` must be >= 0.")
    g = check_real("gamma", gamma, lower=0.0, lower_open=True)
    if not isinstance(loss, str) or loss not in ("frobenius", "operator"):
        raise ValueError(f"`loss` must be 'frobenius' or 'operator', got {loss!r}.")
    edge = (1.0 + np.sqrt(g)) ** 2
    above = lam > edge
    safe = np.where(above, lam, 2.0 * edge)
    b = safe + 1.0 - g
    ell = 0.5 * (b + np.sqrt(np.maximum(b * b - 4.0 * safe, 0.0)))
    theta = np.maximum(ell - 1.0, np.sqrt(g))
    c2 = np.clip((1.0 - g / theta**2) / (1.0 + g / theta), 0.0, 1.0)
    eta = ell if loss == "operator" else ell * c2 + (1.0 - c2)
    return _out(np.where(above, eta, 1.0))
