"""Binary-prior (Rademacher weights) state evolution and replica-symmetric free entropy of the K = 1, 2 sign committee."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import special

from ._committee_se import _channel_terms, _gh2, _sqrtm_psd

LOG2 = math.log(2.0)


@lru_cache(maxsize=8)
def _configs(K):
    """The 2^K sign configurations of a row of binary weights, shape (2^K, K)."""
    if K == 1:
        return np.array([[1.0], [-1.0]])
    return np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])


@lru_cache(maxsize=16)
def _gh(K, n_nodes, sym=False):
    """Gauss--Hermite nodes for E over xi ~ N(0, I_K). With ``sym`` (K = 2, matrices proportional to 11^T) the
    integrands depend on xi only through (xi_1 + xi_2)/sqrt 2, and a one-dimensional rule along (1, 1) is exact."""
    if K == 2 and not sym:
        return _gh2(n_nodes)
    x, w = np.polynomial.hermite_e.hermegauss(n_nodes)
    w = w / np.sqrt(2.0 * np.pi)
    if K == 2:
        return np.stack([x, x], axis=1) / np.sqrt(2.0), w
    return x[:, None], w


def binary_denoiser(B, A):
    """Posterior mean (N, K), covariance (N, K, K) and log-normaliser (N,) of w uniform on {+-1}^K under
    exp(B.w - w^T A w / 2), by the exact sum over the 2^K configurations (log Z includes the prior 2^-K)."""
    K = A.shape[0]
    S = _configs(K)
    E = B @ S.T - 0.5 * np.einsum("ck,kl,cl->c", S, A, S)  # (N, 2^K)
    m = E.max(axis=1)
    P = np.exp(E - m[:, None])
    Z = P.sum(axis=1)
    P /= Z[:, None]
    mean = P @ S
    second = np.einsum("nc,ck,cl->nkl", P, S, S)
    cov = second - mean[:, :, None] * mean[:, None, :]
    return mean, cov, m + np.log(Z) - K * LOG2


def _prior_step(qh, n_nodes, sym=False):
    """Binary prior step: q = E[f f^T] and psi = E log Z_0, f the denoiser at B = qh w* + qh^{1/2} xi."""
    K = qh.shape[0]
    xi, wts = _gh(K, n_nodes, sym)
    R = _sqrtm_psd(qh)
    S = _configs(K)
    q = np.zeros((K, K))
    psi = 0.0
    for ws in S:  # teacher row, uniform
        B = xi @ R + qh @ ws
        f, _, logz = binary_denoiser(B, qh)
        q += (f.T * wts) @ f
        psi += float(wts @ logz)
    q /= len(S)
    return 0.5 * (q + q.T), psi / len(S)


V_SWITCH = 0.15  # below this smallest eigenvalue of V = I - q the channel average uses the sinh-mapped rule


@lru_cache(maxsize=16)
def _gl(n_nodes):
    return np.polynomial.legendre.leggauss(n_nodes)


def _sinh_rule(q, V, n_nodes, L=8.0):
    """Nodes omega (N, K) and weights for E_{omega ~ N(0, q)}, q positive definite: a tensor Gauss--Legendre rule in
    u with omega_k = s sinh(u), s = min_k sqrt(V_kk) / 2, which puts nodes on the strips |omega_k| ~ sqrt(V) where the
    channel integrand varies when q is close to I (Gauss--Hermite in xi cannot resolve them)."""
    K = q.shape[0]
    s = max(min(math.sqrt(V[k, k]) for k in range(K)) / 2.0, 1e-7)
    u, w = _gl(n_nodes)
    U = math.asinh(L / s)
    x, wx = s * np.sinh(U * u), U * w * s * np.cosh(U * u)
    if K == 1:
        om, wt = x[:, None], wx
    else:
        X1, X2 = np.meshgrid(x, x, indexing="ij")
        om, wt = np.stack([X1.ravel(), X2.ravel()], axis=1), np.outer(wx, wx).ravel()
    qi = np.linalg.inv(q)
    dens = np.exp(-0.5 * np.einsum("nk,kl,nl->n", om, qi, om)) / math.sqrt((2 * math.pi) ** K * np.linalg.det(q))
    return om, wt * dens


def _channel_step(q, n_nodes, sym=False):
    """Channel step: (q_hat / alpha, Psi_out = E sum_y Z log Z) for the K = 1 (sign) or K = 2 committee."""
    K = q.shape[0]
    V = np.eye(K) - q
    ev, U = np.linalg.eigh(V)
    V = (U * np.clip(ev, 1e-10, None)) @ U.T
    # near perfect recovery (both eigenvalues of q above 1/2; a nearly singular q, e.g. an exactly non-specialised
    # q = c 11^T, has no density for the tensor rule and keeps Gauss--Hermite in xi)
    if not sym and ev[0] < V_SWITCH and ev[-1] < 0.5:
        omega, wts = _sinh_rule(q, V, n_nodes)
    else:
        xi, wts = _gh(K, n_nodes, sym)
        omega = xi @ _sqrtm_psd(q)
    if K == 1:
        s = math.sqrt(V[0, 0])
        a = omega[:, 0] / s
        dens = np.exp(-0.5 * a * a) / math.sqrt(2 * math.pi) / s
        terms = [(special.ndtr(a), dens[:, None]), (special.ndtr(-a), -dens[:, None])]
    else:
        terms = _channel_terms(omega, V)
    out = np.zeros((K, K))
    psi = 0.0
    for z, g in terms:
        ok = z > 1e-300
        out += (g[ok].T * (wts[ok] / z[ok])) @ g[ok]
        psi += float(wts[ok] @ (z[ok] * np.log(z[ok])))
    return 0.5 * (out + out.T), psi


def free_entropy_binary(q, qh, alpha, n_nodes):
    """f_RS(q, qh) = psi_P0(qh) + alpha Psi_out(q) - Tr(q qh) / 2 for the binary prior."""
    psi0 = _prior_step(qh, n_nodes)[1]
    psi_out = _channel_step(q, n_nodes)[1]
    return psi0 + alpha * psi_out - 0.5 * float(np.trace(q @ qh))


def free_entropy_gaussian(q, qh, alpha, n_nodes):
    """f_RS for the N(0, I_K) prior: psi_P0(qh) = Tr(qh)/2 - log det(I + qh)/2."""
    K = q.shape[0]
    psi0 = 0.5 * float(np.trace(qh)) - 0.5 * float(np.linalg.slogdet(np.eye(K) + qh)[1])
    return psi0 + alpha * _channel_step(q, n_nodes)[1] - 0.5 * float(np.trace(q @ qh))


def se_step_binary(q, alpha, n_nodes):
    qh = alpha * _channel_step(q, n_nodes)[0]
    return _prior_step(qh, n_nodes)[0], qh


def _uninformed_branch(alpha, K, n_nodes, q0=None, tol=1e-10, n_iter=20000, escape=0.9):
    """Iterate the binary state evolution from ``q0`` (default: the uninformed start of committee_state_evolution);
    stop at a fixed point or as soon as Tr q / K > ``escape`` (the iterate has left for perfect recovery)."""
    q = 1e-3 * np.eye(K) + 1e-2 * np.ones((K, K)) if q0 is None else q0.copy()
    for _ in range(n_iter):
        q_new = se_step_binary(q, alpha, n_nodes)[0]
        delta = np.max(np.abs(q_new - q))
        q = q_new
        if np.trace(q) / K > escape:
            return q, True
        if delta < tol:
            return q, False
    return q, False


def _symmetric_fixed_point(alpha, n_nodes, tol=1e-13, n_iter=20000):
    """K = 2 non-specialised fixed point q = c 11^T, by the exact one-dimensional (symmetric) quadrature."""
    J = np.ones((2, 2))
    c = 0.05
    for _ in range(n_iter):
        qh = alpha * _channel_step(c * J, n_nodes, sym=True)[0]
        c_new = float(_prior_step(qh, n_nodes, sym=True)[0].mean())
        if abs(c_new - c) < tol:
            return c_new * J
        c = c_new
    raise RuntimeError(f"the non-specialised fixed point did not converge (alpha = {alpha}).")
