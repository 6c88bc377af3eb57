"""Baselines: what a user would write without ``course_lib`` (straightforward vectorised NumPy/SciPy)."""

from __future__ import annotations

import numpy as np
from scipy import special


def numpy_metropolis(Jz, s, beta, sites, uniforms):
    """Single-flip Metropolis with local fields phi = Jz s, one proposal per Python iteration.

    ``Jz`` symmetric with zero diagonal; the accepted flip updates the fields with one vectorised row operation.
    Returns the number of accepted flips (``s`` is updated in place).
    """
    phi = Jz @ s
    accepted = 0
    for i, u in zip(sites, uniforms):
        delta = 2.0 * s[i] * phi[i]
        if delta <= 0.0 or u < np.exp(-beta * delta):
            s[i] = -s[i]
            phi += (2.0 * s[i]) * Jz[i]
            accepted += 1
    return accepted


def numpy_glauber_hopfield(J, s, beta, order, uniforms):
    """Asynchronous heat-bath (Glauber) sweeps of the Hopfield model, random order per sweep, fields kept updated."""
    h = J @ s
    for t in range(order.shape[0]):
        for a, i in enumerate(order[t]):
            new = 1.0 if uniforms[t, a] < 1.0 / (1.0 + np.exp(-2.0 * beta * h[i])) else -1.0
            if new != s[i]:
                s[i] = new
                h += (2.0 * new) * J[i]
    return s


def mc_glm_state_evolution(alpha, n_iter, n_samples, rng):
    """State evolution of the Bayes-optimal sign-channel GLM with a Gaussian prior, averages by Monte Carlo.

    m_{t+1} = mhat / (1 + mhat), mhat = alpha E[g_out^2], with g_out = y N(y w / sqrt V) / (sqrt V Phi(y w / sqrt V)),
    w = sqrt(m) xi, z = w + sqrt(V) eta, y = sign z, V = 1 - m (rho = 1). Fresh samples at every iteration.
    """
    m = 1e-8
    for _ in range(n_iter):
        v = 1.0 - m
        xi = rng.standard_normal(n_samples)
        eta = rng.standard_normal(n_samples)
        w = np.sqrt(m) * xi
        y = np.where(w + np.sqrt(v) * eta >= 0.0, 1.0, -1.0)
        u = y * w / np.sqrt(v)
        g2 = np.exp(2.0 * (-0.5 * u * u - 0.5 * np.log(2.0 * np.pi) - special.log_ndtr(u))) / v
        mhat = alpha * g2.mean()
        m = mhat / (1.0 + mhat)
    return m


def dense_tensor_from_packed(Tp, N):
    """The symmetric dense N x N x N tensor (zero where two indices coincide) of a packed i<j<k tensor."""
    U = np.zeros((N, N, N), dtype=np.float32)
    start = 0
    for i in range(N - 2):
        r, c = np.triu_indices(N - 1 - i, 1)
        U[i, i + 1 + r, i + 1 + c] = Tp[start:start + r.shape[0]]
        start += r.shape[0]
    T = U.copy()
    for perm in ((0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
        T += U.transpose(perm)
    return T


def dense_tensor_gradient(T, x):
    """Gradient of sum_{i<j<k} T_ijk x_i x_j x_k = (1/6) T[x, x, x] for a symmetric T: (1/2) T[., x, x] (O(N^3))."""
    return 0.5 * np.einsum("ijk,j,k->i", T, x, x)
