r"""The hidden manifold model of Goldt, Mézard, Krzakala & Zdeborová (2020)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from ..._validation import check_int, check_rng
from ._online_sgd import _given_or_gaussian

__all__ = ["HiddenManifoldData", "hidden_manifold_data"]

_NONLINEARITIES = {
    "sign": np.sign,
    "tanh": np.tanh,
    "erf": lambda z: erf(z / np.sqrt(2.0)),
    "relu": lambda z: np.maximum(z, 0.0),
}


@dataclass(frozen=True)
class HiddenManifoldData:
    r"""Samples of :func:`hidden_manifold_data`.

    Attributes
    ----------
    X : ndarray, shape (n, N)
        Inputs :math:`f(CF/\sqrt d)`.
    C : ndarray, shape (n, d)
        Latent coordinates.
    F : ndarray, shape (d, N)
        Feature matrix (the manifold).
    y : ndarray, shape (n,)
        Labels of the latent teacher :math:`\sum_m g(\tilde w_m\cdot c/\sqrt d)`.
    W_latent : ndarray, shape (M, d)
        Latent teacher weights.

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import hidden_manifold_data
    >>> res = hidden_manifold_data(5, 30, 3, "sign", rng=0)
    >>> type(res).__name__, res.X.shape
    ('HiddenManifoldData', (5, 30))
    """

    X: np.ndarray
    C: np.ndarray
    F: np.ndarray
    y: np.ndarray
    W_latent: np.ndarray


def hidden_manifold_data(n, N, d, f="sign", rng=None, *, M=2, F=None, W_latent=None):
    r"""Draw ``n`` samples of the hidden manifold model.

    .. math:: X = f\!\left(\frac{CF}{\sqrt d}\right),\qquad
              y_\mu = \sum_{m=1}^{M} g\!\left(\frac{\tilde w_m\cdot c_\mu}{\sqrt d}\right),\qquad
              g(z) = \operatorname{erf}(z/\sqrt2),

    with :math:`C\in\mathbb R^{n\times d}` and :math:`F\in\mathbb R^{d\times N}` standard Gaussian and the
    nonlinearity applied entrywise; the labels depend on the inputs only through the latent coordinates.

    Parameters
    ----------
    n : int
        Number of samples.
    N : int
        Input dimension.
    d : int
        Latent dimension (1 <= d).
    f : {"sign", "tanh", "erf", "relu"}
        Entrywise nonlinearity.
    rng : None, int or numpy.random.Generator
    M : int
        Hidden units of the latent teacher.
    F : array_like, shape (d, N), optional
        Feature matrix to reuse (to draw train and test sets on the same manifold).
    W_latent : array_like, shape (M, d), optional
        Latent teacher to reuse.

    Returns
    -------
    HiddenManifoldData

    Raises
    ------
    ValueError
        For an unknown ``f`` or wrong shapes.

    References
    ----------
    Goldt, Mézard, Krzakala & Zdeborová (2020), Phys. Rev. X 10, 041044.

    Examples
    --------
    >>> data = hidden_manifold_data(5, 30, 3, "sign", rng=0)
    >>> data.X.shape, sorted(set(data.X.ravel().tolist()))
    ((5, 30), [-1.0, 1.0])
    """
    n = check_int("n", n, minimum=1)
    N = check_int("N", N, minimum=1)
    d = check_int("d", d, minimum=1)
    M = check_int("M", M, minimum=1)
    if f not in _NONLINEARITIES:
        raise ValueError(f"`f` must be one of {sorted(_NONLINEARITIES)}, got {f!r}.")
    rng = check_rng(rng)
    F = _given_or_gaussian("F", F, (d, N), "(d, N)", rng)
    W_latent = _given_or_gaussian("W_latent", W_latent, (M, d), "(M, d)", rng)
    C = rng.standard_normal((n, d))
    X = _NONLINEARITIES[f](C @ F / np.sqrt(d))
    y = erf(C @ W_latent.T / np.sqrt(d) / np.sqrt(2.0)).sum(axis=1)
    return HiddenManifoldData(X, C, F, y, W_latent)
