r"""Priors of the teacher weights for the GLM replica formula, state evolution and GAMP.

A prior :math:`P_x` enters through its scalar denoising problem: observe :math:`B = A w + \sqrt{A}\,\xi` with
:math:`w \sim P_x`, :math:`\xi \sim \mathcal N(0,1)`; the partition function is
:math:`Z_x(B, A) = \mathbb E_{w\sim P_x} e^{B w - A w^2/2}`, the posterior mean and variance are
:math:`f_a = \partial_B \ln Z_x` and :math:`f_v = \partial_B f_a`, and the prior part of the free entropy is
:math:`\Psi_{P_x}(r) = \mathbb E \ln Z_x(r w + \sqrt r \xi, r)`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit

from ._quadrature import gauss_hermite_normal

__all__ = ["Prior", "GaussianPrior", "RademacherPrior", "GaussBernoulliPrior", "PRIORS", "make_prior"]

_N_NODES = 161


def _log2cosh(x):
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax))


class Prior:
    """Base class: a prior with second moment ``rho`` (see the module docstring for the conventions).

    Examples
    --------
    >>> from course_lib.teacher_student import GaussianPrior, Prior
    >>> isinstance(GaussianPrior(), Prior), GaussianPrior().rho
    (True, 1.0)
    """

    name = "prior"
    rho = 1.0
    entropy = np.nan  # Shannon entropy, finite for discrete priors only

    def sample(self, size, rng):
        raise NotImplementedError

    def denoise(self, B, A):
        """Posterior mean and variance :math:`(f_a(B, A), f_v(B, A))`."""
        raise NotImplementedError

    def se_update(self, r):
        r"""Overlap after one state-evolution step at :math:`\hat m = r`: returns :math:`(m, \rho - m)`, both computed
        directly (no cancellation), :math:`m = \mathbb E[w f_a(rw + \sqrt r\xi, r)]`."""
        raise NotImplementedError

    def free_entropy_term(self, r, delta):
        r""":math:`\Psi_{P_x}(r) - (\rho - \delta) r / 2`, the prior part of :math:`f_{RS}` at :math:`m = \rho-\delta`."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class GaussianPrior(Prior):
    """Standard Gaussian prior :math:`\\mathcal N(0, 1)` (the spherical perceptron), :math:`\\rho = 1`.

    Examples
    --------
    >>> fa, fv = GaussianPrior().denoise(np.array([1.0]), 1.0)  # B/(1 + A), 1/(1 + A)
    >>> fa.tolist(), fv.tolist()
    ([0.5], [0.5])
    """

    name = "gaussian"
    rho = 1.0

    def sample(self, size, rng):
        return rng.standard_normal(size)

    def denoise(self, B, A):
        return B / (1.0 + A), np.full_like(np.asarray(B, dtype=float), 1.0) / (1.0 + A)

    def se_update(self, r):
        r = np.asarray(r, dtype=float)
        return r / (1.0 + r), 1.0 / (1.0 + r)

    def free_entropy_term(self, r, delta):
        # (r - log(1+r))/2 - (1 - delta) r / 2
        return 0.5 * (delta * r - np.log1p(r))


class RademacherPrior(Prior):
    """Rademacher prior :math:`\\pm 1` with probability 1/2 (the binary perceptron), :math:`\\rho = 1`.

    Examples
    --------
    >>> fa, fv = RademacherPrior().denoise(np.array([0.0, 100.0]), 1.0)  # tanh(B), 1 - tanh(B)^2
    >>> fa.tolist(), fv.tolist()
    ([0.0, 1.0], [1.0, 0.0])
    """

    name = "rademacher"
    rho = 1.0
    entropy = math.log(2.0)

    def sample(self, size, rng):
        return rng.choice(np.array([-1.0, 1.0]), size=size)

    def denoise(self, B, A):
        t = np.tanh(B)
        return t, 1.0 - t * t

    def se_update(self, r):
        z, w = gauss_hermite_normal(_N_NODES)
        r = np.asarray(r, dtype=float)
        x = r[..., None] + np.sqrt(r)[..., None] * z
        m = np.tanh(x) @ w
        delta = (2.0 * expit(-2.0 * x)) @ w
        return m, delta

    def free_entropy_term(self, r, delta):
        z, w = gauss_hermite_normal(_N_NODES)
        r = np.asarray(r, dtype=float)
        x = r[..., None] + np.sqrt(r)[..., None] * z
        # E ln cosh(x) - r/2 - (1 - delta) r/2, with ln cosh x = |x| + log1p(e^{-2|x|}) - ln 2
        return (_log2cosh(x) @ w) - math.log(2.0) - r + 0.5 * delta * r


class GaussBernoulliPrior(Prior):
    r"""Sparse Gauss--Bernoulli prior: :math:`w = 0` with probability :math:`1-\rho`, else :math:`w\sim\mathcal N(0,1)`.

    Parameters
    ----------
    rho : float
        Density of non-zeros, in :math:`(0, 1]`; also the second moment.

    Examples
    --------
    >>> p = GaussBernoulliPrior(0.3)
    >>> p, p.rho, p.sample(4, np.random.default_rng(0)).shape
    (GaussBernoulliPrior(rho=0.3), 0.3, (4,))
    """

    name = "gauss_bernoulli"

    def __init__(self, rho=0.5):
        from .._validation import check_real

        self.rho = check_real("rho", rho, lower=0.0, upper=1.0, lower_open=True)

    def __repr__(self):
        return f"GaussBernoulliPrior(rho={self.rho})"

    def sample(self, size, rng):
        return rng.standard_normal(size) * (rng.random(size) < self.rho)

    def _post(self, B, A):
        B = np.asarray(B, dtype=float)
        A = np.asarray(A, dtype=float)
        if self.rho == 1.0:
            return np.ones_like(B + A)
        logit = math.log(self.rho) - math.log1p(-self.rho) - 0.5 * np.log1p(A) + 0.5 * B * B / (1.0 + A)
        return expit(logit)

    def denoise(self, B, A):
        B = np.asarray(B, dtype=float)
        pi = self._post(B, A)
        mu = B / (1.0 + A)
        mean = pi * mu
        second = pi * (1.0 / (1.0 + A) + mu * mu)
        return mean, second - mean * mean

    def se_update(self, r):
        z, w = gauss_hermite_normal(_N_NODES)
        r = np.asarray(r, dtype=float)
        # the non-zero component: B ~ N(0, r(1+r)) and E[w | B] = B/(1+r)
        B = np.sqrt(r * (1.0 + r))[..., None] * z
        fa = self.denoise(B, r[..., None])[0]
        m = self.rho * ((B / (1.0 + r[..., None]) * fa) @ w)
        return m, self.rho - m

    def free_entropy_term(self, r, delta):
        z, w = gauss_hermite_normal(_N_NODES)
        r = np.asarray(r, dtype=float)
        rr = r[..., None]

        def log_z(B):
            # ln Z_x = ln[(1-rho) + rho (1+A)^{-1/2} exp(B^2/(2(1+A)))]
            a = math.log1p(-self.rho) if self.rho < 1 else -np.inf
            b = math.log(self.rho) - 0.5 * np.log1p(rr) + 0.5 * B * B / (1.0 + rr)
            return np.logaddexp(a, b)

        nonzero = log_z(np.sqrt(rr * (1.0 + rr)) * z) @ w
        zero = log_z(np.sqrt(rr) * z) @ w
        psi = self.rho * nonzero + (1.0 - self.rho) * zero
        return psi - 0.5 * (self.rho - delta) * r


PRIORS = ("gaussian", "rademacher", "gauss_bernoulli")


def make_prior(prior):
    """Return a :class:`Prior` from a name in :data:`PRIORS` or a :class:`Prior` instance."""
    if isinstance(prior, Prior):
        return prior
    if prior == "gaussian":
        return GaussianPrior()
    if prior == "rademacher":
        return RademacherPrior()
    if prior == "gauss_bernoulli":
        return GaussBernoulliPrior()
    raise ValueError(f"`prior` must be one of {PRIORS} or a Prior instance, got {prior!r}.")
