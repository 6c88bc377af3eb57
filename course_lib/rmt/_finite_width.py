"""Finite-width law of the log squared norm of a deep Jacobian applied to a vector (Hanin--Nica regime)."""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from .._validation import check_int

__all__ = ["jacobian_log_norm_moments"]

_LOG_NORM_ACTIVATIONS = ("linear", "relu")


def jacobian_log_norm_moments(depth, width, activation="linear"):
    r"""Exact mean and variance of :math:`\log(\lVert Jx\rVert^2/\lVert x\rVert^2)` for a Gaussian network at criticality.

    The weights :math:`W_\ell\in\mathbb R^{N\times N}` have i.i.d. :math:`\mathcal N(0, c/N)` entries (no biases), :math:`c = 1` for a
    linear network (:math:`J = W_L\cdots W_1`) and :math:`c = 2` for ReLU (:math:`J = D_LW_L\cdots D_1W_1` with the masks of
    the forward pass of the input :math:`x \ne 0`), so that :math:`\mathbb E\lVert Jx\rVert^2 = \lVert x\rVert^2`. By rotation
    invariance :math:`\log(\lVert Jx\rVert^2/\lVert x\rVert^2) = \sum_{\ell=1}^L\xi_\ell` with i.i.d. :math:`\xi_\ell`:

    .. math::
        \text{linear: } \xi = \log\frac{\chi^2_N}{N}, \qquad
        \text{ReLU: } \xi = \log\frac{2\chi^2_K}{N},\ K\sim\mathrm{Bin}(N, \tfrac12)\ \text{given } K\ge1,

    hence, with the digamma and trigamma functions :math:`\psi^{(0)}, \psi^{(1)}`,
    :math:`\mathbb E\xi = \psi^{(0)}(\tfrac N2) + \log\tfrac2N`, :math:`\operatorname{Var}\xi = \psi^{(1)}(\tfrac N2)`
    (linear) and :math:`\mathbb E\xi = \mathbb E[\psi^{(0)}(\tfrac K2)] + \log\tfrac4N`,
    :math:`\operatorname{Var}\xi = \mathbb E\psi^{(1)}(\tfrac K2) + \operatorname{Var}\psi^{(0)}(\tfrac K2)` (ReLU). To leading
    order the variance is :math:`2L/N` (linear) and :math:`5L/N` (ReLU), the mean minus half of it: Hanin and Nica's
    log-normal law for :math:`L/N` of order one. (The event :math:`K = 0`, probability :math:`2^{-N}`, kills the
    signal and is excluded.)

    Parameters
    ----------
    depth : int
        Number of layers :math:`L \ge 1`.
    width : int
        Width :math:`N`, 1 <= N <= 10**7 (for ReLU, N >= 2).
    activation : {"linear", "relu"}

    Returns
    -------
    tuple of float
        ``(mean, variance)`` of :math:`\log(\lVert Jx\rVert^2/\lVert x\rVert^2)`.

    Raises
    ------
    TypeError
        If ``depth`` or ``width`` is not an integer.
    ValueError
        If ``depth`` < 1, ``width`` is out of range, or ``activation`` is not "linear" or "relu".

    References
    ----------
    .. [1] B. Hanin, M. Nica, "Products of many large random matrices and gradients in deep neural networks",
       Commun. Math. Phys. 376 (2020) 287-322, arXiv:1812.05994.

    Examples
    --------
    >>> mean, var = jacobian_log_norm_moments(32, 32, "relu")
    >>> round(var, 2), round(mean, 2)      # about 5 L/N = 5 and -5 L/(2N) = -2.5, up to O(L/N^2)
    (5.68, -2.64)
    """
    depth = check_int("depth", depth, minimum=1, maximum=10**9)
    if activation not in _LOG_NORM_ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {_LOG_NORM_ACTIVATIONS}, got {activation!r}.")
    width = check_int("width", width, minimum=2 if activation == "relu" else 1, maximum=10**7)
    n = width
    if activation == "linear":
        mean = special.digamma(n / 2.0) + np.log(2.0 / n)
        var = special.polygamma(1, n / 2.0)
    else:
        half_width = 40.0 * np.sqrt(n)  # the binomial mass beyond 40 standard deviations is below exp(-3000)
        k = np.arange(max(1, int(n / 2 - half_width)), min(n, int(n / 2 + half_width)) + 1)
        p = stats.binom.pmf(k, n, 0.5)
        p = p / p.sum()
        m = special.digamma(k / 2.0) + np.log(4.0 / n)
        mean = np.sum(p * m)
        var = np.sum(p * special.polygamma(1, k / 2.0)) + np.sum(p * (m - mean) ** 2)
    return float(depth * mean), float(depth * var)
