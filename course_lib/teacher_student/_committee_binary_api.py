"""Public thresholds of the binary-prior committee machine."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from .._validation import check_int, check_real
from . import _committee_binary as _cb

__all__ = ["CommitteeBinaryThresholds", "committee_binary_thresholds"]


@dataclass(frozen=True)
class CommitteeBinaryThresholds:
    """Thresholds of the sign committee with binary weights (output of :func:`committee_binary_thresholds`).

    Attributes
    ----------
    K : int
    alpha_it : float
        Information-theoretic (first-order) transition: the free entropy of the uninformed branch equals that of
        perfect recovery, :math:`-K\\log 2`.
    alpha_spec : float
        K = 2: where the non-specialised fixed point loses stability to specialisation (NaN for K = 1).
    alpha_alg : float
        Algorithmic threshold: the smallest :math:`\\alpha` at which state evolution from an uninformed start reaches
        perfect recovery (the spinodal of the uninformed branch).

    Examples
    --------
    >>> th = committee_binary_thresholds(K=1, tol=1e-2)
    >>> type(th).__name__, bool(th.alpha_it < th.alpha_alg)
    ('CommitteeBinaryThresholds', True)
    """

    K: int
    alpha_it: float
    alpha_spec: float
    alpha_alg: float


def _stability(alpha, n_nodes, eps=1e-6):
    q = _cb._symmetric_fixed_point(alpha, n_nodes)
    d = eps * np.array([[1.0, -1.0], [-1.0, 1.0]])
    q_new = _cb.se_step_binary(q + d, alpha, n_nodes)[0]
    return float((q_new[0, 0] - q_new[0, 1]) / (2 * eps))


def committee_binary_thresholds(K=2, n_nodes=40, tol=1e-3):
    r"""Thresholds :math:`\alpha_{\rm IT} < \alpha_{\rm alg}` of the sign committee (K = 1, 2) with weights uniform on :math:`\{\pm1\}`.

    Here :math:`\alpha = n/p`, labels :math:`y = \sum_k\operatorname{sign}z_k` (K = 2: tie kept as the label 0), and the
    state evolution and free entropy are those of :func:`committee_state_evolution` with ``prior="binary"``.
    Perfect recovery :math:`q = I_K` is a fixed point for every :math:`\alpha`, with free entropy :math:`-K\log 2`
    (the posterior concentrates on the teacher, of prior mass :math:`2^{-Kp}`).

    * :math:`\alpha_{\rm IT}`: root of :math:`f_{\rm RS}(\text{uninformed branch}) + K\log 2` (Brent). For K = 2 the
      uninformed branch is non-specialised there, computed with the exact one-dimensional quadrature along
      :math:`(1, 1)`.
    * :math:`\alpha_{\rm spec}` (K = 2): root of :math:`\lambda(\alpha) = 1`, :math:`\lambda` the growth factor of a small
      :math:`q_{11} - q_{12}` at the non-specialised fixed point.
    * :math:`\alpha_{\rm alg}`: bisection, to ``tol``, between the largest :math:`\alpha` at which the iteration from an
      uninformed start converges to a fixed point with :math:`\operatorname{Tr}q/K\le 0.9` and the smallest at which it
      escapes above 0.9 (towards :math:`q = I_K`); each run is warm-started from the last converged branch point.

    Parameters
    ----------
    K : int
        1 (binary perceptron) or 2.
    n_nodes : int
        Gauss--Hermite nodes per dimension, at least 20.
    tol : float
        Absolute accuracy of the bisection for :math:`\alpha_{\rm alg}`, in (0, 0.1]; the two Brent roots are cheap and
        are computed to ``min(tol, 1e-5)``.

    Returns
    -------
    CommitteeBinaryThresholds

    References
    ----------
    .. [1] B. Aubin et al., NeurIPS 2018, arXiv:1806.05451 (K = 2, binary weights).
    .. [2] G. Gyorgyi, Phys. Rev. A 41, 7097 (1990); J. Barbier et al., PNAS 116, 5451 (2019) (K = 1).

    Examples
    --------
    >>> th = committee_binary_thresholds(K=1, tol=1e-3)
    >>> round(th.alpha_it, 2), round(th.alpha_alg, 2)
    (1.24, 1.49)
    """
    K = check_int("K", K, minimum=1, maximum=2)
    n_nodes = check_int("n_nodes", n_nodes, minimum=20, maximum=200)
    tol = check_real("tol", tol, lower=0.0, lower_open=True, upper=0.1)
    log2 = math.log(2.0)
    xtol = min(tol, 1e-5)

    def f_uninformed(a):
        if K == 1:
            q = _cb._uninformed_branch(a, 1, n_nodes, tol=1e-12)[0]
            qh = a * _cb._channel_step(q, n_nodes)[0]
            return _cb.free_entropy_binary(q, qh, a, n_nodes) + log2
        q = _cb._symmetric_fixed_point(a, n_nodes)
        qh = a * _cb._channel_step(q, n_nodes, sym=True)[0]
        psi0 = _cb._prior_step(qh, n_nodes, sym=True)[1]
        psi_out = _cb._channel_step(q, n_nodes, sym=True)[1]
        return psi0 + a * psi_out - 0.5 * float(np.trace(q @ qh)) + 2 * log2

    if K == 1:
        alpha_it = optimize.brentq(f_uninformed, 1.0, 1.45, xtol=xtol)
        alpha_spec = float("nan")
        lo, hi = 1.3, 1.7
    else:
        alpha_spec = optimize.brentq(lambda a: _stability(a, n_nodes) - 1.0, 1.3, 1.9, xtol=xtol)
        alpha_it = optimize.brentq(f_uninformed, 1.2, alpha_spec, xtol=xtol)
        lo, hi = alpha_spec + 0.05, 2.3
    # bisection for the spinodal, continuing the uninformed branch upwards from lo
    q_lo, escaped = _cb._uninformed_branch(lo, K, n_nodes)
    if escaped:
        raise RuntimeError(f"state evolution escaped already at the lower bracket alpha = {lo}.")
    if not _cb._uninformed_branch(hi, K, n_nodes, q0=q_lo)[1]:
        raise RuntimeError(f"state evolution did not escape at the upper bracket alpha = {hi}.")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        q_mid, escaped = _cb._uninformed_branch(mid, K, n_nodes, q0=q_lo)
        if escaped:
            hi = mid
        else:
            lo, q_lo = mid, q_mid
    return CommitteeBinaryThresholds(K=K, alpha_it=float(alpha_it), alpha_spec=float(alpha_spec),
                                     alpha_alg=float(0.5 * (lo + hi)))
