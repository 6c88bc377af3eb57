"""Replica overlaps of a mean-field Ising spin glass from parallel tempering with several replica sets.

Public names are listed in ``__all__`` and re-exported by the package ``__init__``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._validation import check_array, check_int, check_rng
from ._mc_kernels import _check_couplings, _energy, _fields, _pt_step

__all__ = ["replica_overlaps"]


@njit(cache=True)
def _pt_overlaps(J, states, phis, energies, betas, perm, n_sweeps, n_burn, rng, q_out):
    """PT for n_rep independent replica sets; after n_burn sweeps, records all pair overlaps at the coldest beta."""
    n_rep, n_temp, n = states.shape
    cold = n_temp - 1
    swaps = np.zeros(n_temp - 1)  # counted by the shared step (as in _pt_run), not reported here
    for t in range(n_sweeps):
        _pt_step(J, states, phis, energies, betas, perm, t, 0, rng, swaps)
        if t >= n_burn:
            p = 0
            for a in range(n_rep):
                for b in range(a + 1, n_rep):
                    acc = 0.0
                    sa = states[a, perm[a, cold]]
                    sb = states[b, perm[b, cold]]
                    for j in range(n):
                        acc += sa[j] * sb[j]
                    q_out[t - n_burn, p] = acc / n
                    p += 1


def replica_overlaps(J, betas, n_sweeps, n_replicas=3, rng=None, *, n_burn=0):
    """Overlaps of independent replicas at the lowest temperature of a parallel-tempering ladder.

    Runs ``n_replicas`` independent copies of the parallel-tempering chain of :func:`parallel_tempering`
    (Metropolis sweeps, then exchanges of neighbouring temperatures with probability
    :math:`\\min(1, e^{(\\beta_k - \\beta_{k+1})(H_k - H_{k+1})})`) on the same couplings, and records after each
    sweep past ``n_burn`` the overlaps

    .. math:: q_{ab} = \\frac1N \\sum_{i=1}^N S_i^a S_i^b, \\qquad 1 \\le a < b \\le n,

    of the configurations at the coldest temperature ``betas[-1]``. Their histogram estimates the overlap
    distribution :math:`P_J(q)` of the sample (Parisi 1983); with three replicas the triplets
    :math:`(q_{12}, q_{13}, q_{23})` test ultrametricity.

    Parameters
    ----------
    J : array_like, shape (N, N)
        Symmetric couplings.
    betas : array_like
        Non-negative, strictly increasing inverse temperatures (at least two).
    n_sweeps : int
        Total number of sweeps (at least ``n_burn + 1``).
    n_replicas : int
        Number of independent replica sets, 2 to 8.
    rng : None, int or numpy.random.Generator
    n_burn : int
        Sweeps discarded before recording.

    Returns
    -------
    ndarray, shape (n_sweeps - n_burn, n_replicas * (n_replicas - 1) // 2)
        Overlaps in the order (0,1), (0,2), ..., (1,2), ... of :func:`itertools.combinations`.

    References
    ----------
    .. [1] K. Hukushima and K. Nemoto, J. Phys. Soc. Jpn. 65, 1604 (1996).
    .. [2] G. Parisi, "Order parameter for spin-glasses", Phys. Rev. Lett. 50, 1946 (1983).

    Examples
    --------
    >>> from course_lib.spin_glasses import replica_overlaps, sk_couplings
    >>> q = replica_overlaps(sk_couplings(16, rng=0), [0.5, 1.0, 2.0], 30, n_replicas=3, rng=1, n_burn=10)
    >>> q.shape, bool(abs(q).max() <= 1.0)
    ((20, 3), True)
    """
    J = _check_couplings(J)
    betas = check_array("betas", betas, ndim=1, min_len=2)
    if np.any(betas < 0) or np.any(np.diff(betas) <= 0):
        raise ValueError(f"`betas` must be non-negative and strictly increasing, got {betas.tolist()}.")
    n_replicas = check_int("n_replicas", n_replicas, minimum=2, maximum=8)
    n_burn = check_int("n_burn", n_burn, minimum=0)
    n_sweeps = check_int("n_sweeps", n_sweeps, minimum=n_burn + 1)
    rng = check_rng(rng)
    n, n_temp = J.shape[0], betas.shape[0]
    states = rng.choice(np.array([-1.0, 1.0]), size=(n_replicas, n_temp, n))
    phis = np.empty_like(states)
    energies = np.empty((n_replicas, n_temp))
    for r in range(n_replicas):
        for c in range(n_temp):
            _fields(J, states[r, c], 0.0, phis[r, c])
            energies[r, c] = _energy(J, states[r, c], 0.0)
    perm = np.tile(np.arange(n_temp), (n_replicas, 1))
    q_out = np.empty((n_sweeps - n_burn, n_replicas * (n_replicas - 1) // 2))
    _pt_overlaps(J, states, phis, energies, betas, perm, n_sweeps, n_burn, rng, q_out)
    return q_out
