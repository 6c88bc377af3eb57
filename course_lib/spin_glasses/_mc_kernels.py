"""Compiled single-spin-flip Monte Carlo for Ising models with dense couplings.

The Hamiltonian is :math:`H(S) = -\\tfrac12 S^\\top J S - h\\sum_i S_i` for a symmetric coupling matrix :math:`J`
(its diagonal only shifts :math:`H` by a constant). Every kernel keeps the local fields
:math:`\\tilde h_i = \\sum_{j \\ne i} J_{ij} S_j + h`, so that a proposed flip of spin :math:`i` costs :math:`O(1)`
(:math:`\\Delta H = 2 S_i \\tilde h_i`) and an accepted one :math:`O(N)` (one column of :math:`J`). Sites are chosen
uniformly at random (random scan), which makes each update reversible with respect to the Gibbs measure
:math:`\\propto e^{-\\beta H}`; one sweep is :math:`N` proposals.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

from .._validation import check_array, check_int, check_real, check_rng

__all__ = [
    "MonteCarloRun",
    "ParallelTemperingRun",
    "AnnealingRun",
    "sk_couplings",
    "ising_energy",
    "metropolis",
    "metropolis_numpy",
    "parallel_tempering",
    "simulated_annealing",
    "single_flip_transition_matrix",
]

_METHODS = {"metropolis": 0, "heat-bath": 1}


_BLOCK = 64  # 64 x 64 doubles = 32 KiB: a block and its transpose stay in the L1/L2 cache


@njit(cache=True, fastmath={"reassoc", "nsz", "arcp", "contract"})  # no "nnan"/"ninf": NaN and inf must survive
def _asymmetry(J):
    """max |J_ij - J_ji| over i < j, in one cache-blocked pass, and whether every entry of J is finite.

    Each pair of 64 x 64 blocks (I, K), I <= K, is compared with its transpose while both sit in the L1/L2 cache,
    so J is read from memory once. Finiteness: the sum of all entries is finite unless an entry is NaN or
    infinite (or the sum overflows, which the caller re-checks with ``np.isfinite``).
    """
    n = J.shape[0]
    asym = 0.0
    total = 0.0
    for i0 in range(0, n, _BLOCK):
        i1 = min(i0 + _BLOCK, n)
        for k0 in range(i0, n, _BLOCK):
            k1 = min(k0 + _BLOCK, n)
            for j in range(k0, k1):
                for i in range(i0, min(i1, j + 1)):
                    a = J[j, i]
                    b = J[i, j]
                    total += a + b
                    asym = max(asym, abs(a - b))
    return asym, np.isfinite(total)


_FAST = {"reassoc", "nsz", "arcp", "contract"}  # no "nnan"/"ninf": NaN and inf must survive


@lru_cache(maxsize=16)
def _fingerprint_weights(n):
    """Fixed weights in [1, 2) (a golden-ratio sequence) for the fingerprint of an n x n coupling matrix."""
    w = 1.0 + np.mod(np.arange(n) * 0.6180339887498949, 1.0)
    w.setflags(write=False)
    return w


@njit(cache=True, fastmath=_FAST)
def _stream(J, s, row, v):
    """row_i = sum_j J_ij s_j and the fingerprint sum_i u_i sum_j J_ij v_j, in one row-wise (contiguous) pass.

    ``u_i = 1 + frac(0.7549 i)`` and ``v`` (``_fingerprint_weights``) lie in [1, 2), so changing any single entry by
    more than a few units in the last place of the fingerprint changes the fingerprint. A NaN or inf in ``J`` makes
    the fingerprint and the row sums non-finite. Memory traffic: ``J`` read once, contiguously.
    """
    n = s.shape[0]
    fp = 0.0
    for i in range(n):
        a = 0.0
        b = 0.0
        for j in range(n):
            x = J[i, j]
            a += x * s[j]
            b += x * v[j]
        row[i] = a
        fp += (1.0 + ((i * 0.7548776662466927) % 1.0)) * b
    return fp


# Validated coupling matrices: (id, kind) -> (weak reference, data address, shape, strides, dtype, fingerprint).
# The exact O(N^2) checks (symmetry by a cache-blocked transpose pass, finiteness, ...) run once per matrix and
# kind; a later call with the same array recomputes the fingerprint in the pass that computes the local fields
# anyway (``_stream``) and repeats the checks if the fingerprint, the buffer or the layout changed. A change that
# leaves the 64-bit fingerprint bit-identical would have to move entries by less than its last unit in the
# last place (or cancel exactly), far below the 1e-12 tolerance of the symmetry check for couplings of order one.
_VALIDATED = {}
_MAX_VALIDATED = 8


def _layout(J):
    return (J.__array_interface__["data"][0], J.shape, J.strides, J.dtype.str)


def _is_validated(J, kind, fp):
    entry = _VALIDATED.get((id(J), kind))
    if entry is None:
        return False
    ref, layout, fp0 = entry
    return ref() is J and layout == _layout(J) and fp0 == fp  # NaN never equals: non-finite J is rechecked


def _remember(J, kind, fp):
    if not np.isfinite(fp):
        return
    key = (id(J), kind)
    while len(_VALIDATED) >= _MAX_VALIDATED:
        _VALIDATED.pop(next(iter(_VALIDATED)))
    try:
        ref = weakref.ref(J, lambda _r, key=key: _VALIDATED.pop(key, None))
    except TypeError:  # pragma: no cover - ndarrays support weak references
        return
    _VALIDATED[key] = (ref, _layout(J), fp)


def _couplings_fast(J):
    """``J`` itself when it is already a C-contiguous float64 or float32 array (used as given), else a checked
    float64 copy; the shape is checked, the contents are not (see ``_prepared_fields``)."""
    if isinstance(J, np.ndarray) and type(J) is np.ndarray and J.dtype in (np.float64, np.float32) \
            and J.flags.c_contiguous and J.ndim == 2:
        if J.shape[0] != J.shape[1] or J.shape[0] < 1:
            raise ValueError(f"`J` must be a non-empty square matrix, got shape {J.shape}.")
        return J
    return _square_couplings(J)


def _prepared_fields(J, s, h):
    """Check ``J`` (symmetric, finite: exactly once per matrix, see ``_VALIDATED``) and return the local fields
    phi_i = h + sum_{j != i} J_ij s_j and the energy H(s), from one streaming pass over ``J``."""
    n = s.shape[0]
    row = np.empty(n)
    fp = _stream(J, s, row, _fingerprint_weights(n))
    if not _is_validated(J, "symmetric", fp):
        asym, finite = _asymmetry(J)
        _raise_unless_symmetric(J, asym, finite)
        _remember(J, "symmetric", fp)
    phi = row - np.diagonal(J) * s + h
    energy = -0.5 * float(s @ row) - h * float(np.sum(s))
    return phi, energy


def _square_couplings(J):
    J = check_array("J", J, ndim=2, finite=False)  # finiteness is checked in the same pass as the symmetry
    if J.shape[0] != J.shape[1] or J.shape[0] < 1:
        raise ValueError(f"`J` must be a non-empty square matrix, got shape {J.shape}.")
    return J


def _raise_unless_symmetric(J, asym, finite):
    if not finite and not np.all(np.isfinite(J)):
        raise ValueError("`J` must contain only finite values (no NaN or inf).")
    if not asym <= 1e-12:
        raise ValueError(f"`J` must be symmetric (J == J.T), got max |J - J.T| = {asym:.3g}.")


def _check_couplings(J):
    J = _square_couplings(J)
    _raise_unless_symmetric(J, *_asymmetry(J))
    return J


def _check_method(method):
    if method not in _METHODS:
        raise ValueError(f"`method` must be one of {sorted(_METHODS)}, got {method!r}.")
    return _METHODS[method]


def _check_state(state, n, rng):
    if state is None:
        return rng.choice(np.array([-1, 1], dtype=np.int8), size=n)
    s = check_array("state", state, ndim=1)
    if s.shape[0] != n or not np.all(np.abs(s) == 1):
        raise ValueError(f"`state` must be a vector of {n} entries equal to -1 or +1, got shape {s.shape} "
                         f"with values {np.unique(s)[:5].tolist()}.")
    return s.astype(np.int8)


@njit(cache=True)
def _accept(delta, beta, method, u):
    """Metropolis min(1, e^{-beta dH}) or heat-bath 1 / (1 + e^{beta dH}) acceptance of a flip."""
    if method == 0:
        return delta <= 0.0 or u < np.exp(-beta * delta)
    return u * (1.0 + np.exp(beta * delta)) < 1.0


@njit(cache=True)
def _fields(J, s, h, out):
    n = s.shape[0]
    for i in range(n):
        acc = h
        for j in range(n):
            if j != i:
                acc += J[i, j] * s[j]
        out[i] = acc


@njit(cache=True)
def _energy(J, s, h):
    n = s.shape[0]
    e = 0.0
    for i in range(n):
        row = 0.0
        for j in range(n):
            row += J[i, j] * s[j]
        e -= 0.5 * s[i] * row + h * s[i]
    return e


@njit(cache=True)
def _sweeps(J, s, phi, beta, h, n_sweeps, method, rng, energy, e_out, m_out):
    """n_sweeps random-scan sweeps; energy is the running total H; writes per-sweep H/N and m."""
    n = s.shape[0]
    accepted = 0
    for t in range(n_sweeps):
        for _ in range(n):
            i = min(int(rng.random() * n), n - 1)
            delta = 2.0 * s[i] * phi[i]
            if _accept(delta, beta, method, rng.random()):
                s[i] = -s[i]
                two_si = 2.0 * s[i]
                for j in range(n):
                    phi[j] += two_si * J[i, j]
                phi[i] -= two_si * J[i, i]
                energy += delta
                accepted += 1
        if e_out.shape[0] > 0:
            e_out[t] = energy / n
            msum = 0.0
            for j in range(n):
                msum += s[j]
            m_out[t] = msum / n
    return energy, accepted


@dataclass(frozen=True)
class MonteCarloRun:
    """Trace of a single-spin-flip Monte Carlo run.

    Attributes
    ----------
    energies, magnetizations : ndarray, shape (n_sweeps,)
        :math:`H(S)/N` and :math:`m = \\frac1N\\sum_i S_i` after each sweep.
    state : ndarray of int8
        Final configuration.
    acceptance : float
        Fraction of accepted proposals.

    Examples
    --------
    >>> from course_lib.spin_glasses import metropolis, sk_couplings
    >>> res = metropolis(sk_couplings(10, rng=1), beta=0.5, n_sweeps=4, rng=2)
    >>> type(res).__name__, res.energies.shape
    ('MonteCarloRun', (4,))
    """

    energies: np.ndarray
    magnetizations: np.ndarray
    state: np.ndarray
    acceptance: float


def sk_couplings(n, rng=None):
    """Sherrington--Kirkpatrick couplings :math:`J_{ij} = J_{ji} \\sim \\mathcal N(0, 1/N)`, :math:`J_{ii} = 0`.

    With these couplings :math:`H = -\\sum_{i<j} J_{ij} S_i S_j` has :math:`\\mathbb E H(S)H(S') = \\frac{N}{2} R^2 - \\frac12`,
    :math:`R = \\frac1N \\sum_i S_i S_i'` [1]_.

    Parameters
    ----------
    n : int
        Number of spins, at least 2.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    J : ndarray, shape (n, n), symmetric with zero diagonal.

    References
    ----------
    .. [1] D. Sherrington and S. Kirkpatrick, "Solvable model of a spin-glass", Phys. Rev. Lett. 35, 1792 (1975).

    Examples
    --------
    >>> J = sk_couplings(4, rng=0)
    >>> bool(np.allclose(J, J.T)), float(np.trace(J))
    (True, 0.0)
    """
    n = check_int("n", n, minimum=2)
    rng = check_rng(rng)
    g = rng.standard_normal((n, n)) / np.sqrt(n)
    J = np.triu(g, 1)
    return J + J.T


def ising_energy(J, state, h=0.0):
    """Energy per spin :math:`H(S)/N = -\\frac{1}{2N} S^\\top J S - \\frac hN\\sum_i S_i`.

    Examples
    --------
    >>> ising_energy(np.array([[0.0, 1.0], [1.0, 0.0]]), [1, 1])
    -0.5
    """
    J = _check_couplings(J)
    h = check_real("h", h)
    if state is None:
        raise TypeError("`state` must be an array of +-1 spins (one per row of `J`), got None.")
    s = _check_state(state, J.shape[0], None)
    return float(_energy(J, s.astype(np.float64), h) / J.shape[0])


def metropolis(J, beta, n_sweeps, state=None, rng=None, *, h=0.0, method="metropolis"):
    """Single-spin-flip Metropolis or heat-bath dynamics at inverse temperature ``beta``.

    A proposed flip of a uniformly chosen spin :math:`i` changes the energy by :math:`\\Delta H = 2S_i\\tilde h_i`
    and is accepted with probability :math:`\\min(1, e^{-\\beta\\Delta H})` (Metropolis et al. 1953) or
    :math:`1/(1 + e^{\\beta\\Delta H})` (heat bath, Glauber 1963); both satisfy detailed balance with respect to
    :math:`e^{-\\beta H}/Z`. Cost: :math:`O(1)` per proposal, :math:`O(N)` per accepted flip.

    Parameters
    ----------
    J : array_like, shape (N, N)
        Symmetric couplings. A C-contiguous float32 array is used as given (single-precision couplings, half
        the memory traffic per accepted flip; fields and energies are still accumulated in float64); anything
        else is converted to float64.
    beta : float
        Inverse temperature, ``beta >= 0``.
    n_sweeps : int
        Number of sweeps of :math:`N` proposals.
    state : array_like of +-1, optional
        Initial configuration (default: uniformly random).
    rng : None, int or numpy.random.Generator
    h : float
        External field.
    method : {"metropolis", "heat-bath"}

    Returns
    -------
    MonteCarloRun

    References
    ----------
    .. [1] N. Metropolis et al., J. Chem. Phys. 21, 1087 (1953).
    .. [2] R. J. Glauber, J. Math. Phys. 4, 294 (1963).

    Examples
    --------
    >>> run = metropolis(sk_couplings(50, rng=1), beta=0.5, n_sweeps=10, rng=2)
    >>> run.energies.shape
    (10,)
    """
    J = _couplings_fast(J)
    beta = check_real("beta", beta, lower=0.0)
    n_sweeps = check_int("n_sweeps", n_sweeps, minimum=1)
    h = check_real("h", h)
    code = _check_method(method)
    rng = check_rng(rng)
    s = _check_state(state, J.shape[0], rng).astype(np.float64)
    # the per-call cost of a short run: one contiguous pass over J for the fields, the energy and the fingerprint
    # of J; the exact symmetry and finiteness checks run on the first call with a given matrix only
    phi, energy = _prepared_fields(J, s, h)
    e_out = np.empty(n_sweeps)
    m_out = np.empty(n_sweeps)
    _, acc = _sweeps(J, s, phi, beta, h, n_sweeps, code, rng, energy, e_out, m_out)
    return MonteCarloRun(e_out, m_out, s.astype(np.int8), acc / (n_sweeps * J.shape[0]))


def metropolis_numpy(J, beta, n_proposals, state=None, rng=None):
    """Plain-numpy (interpreted) Metropolis with local fields: the baseline for speed comparisons.

    Same algorithm as :func:`metropolis` (zero field), one proposal per Python-loop iteration.

    Returns
    -------
    state : ndarray of int8
        Final configuration.

    Examples
    --------
    >>> metropolis_numpy(sk_couplings(8, rng=0), 1.0, 10, rng=1).shape
    (8,)
    """
    J = _check_couplings(J)
    beta = check_real("beta", beta, lower=0.0)
    n_proposals = check_int("n_proposals", n_proposals, minimum=1)
    rng = check_rng(rng)
    n = J.shape[0]
    s = _check_state(state, n, rng).astype(np.float64)
    Jz = J - np.diag(np.diag(J))
    phi = Jz @ s
    sites = rng.integers(0, n, size=n_proposals)
    us = rng.random(n_proposals)
    for i, u in zip(sites, us):
        delta = 2.0 * s[i] * phi[i]
        if delta <= 0.0 or u < np.exp(-beta * delta):
            s[i] = -s[i]
            phi += 2.0 * s[i] * Jz[i]  # row i = column i (J symmetric), contiguous
    return s.astype(np.int8)


@njit(cache=True)
def _pt_step(J, states, phis, energies, betas, perm, t, method, rng, swaps):
    """Sweep t of parallel tempering for n_rep independent replica sets (perm[r, k] = configuration at temperature
    k): one sweep at every temperature, then exchanges of neighbouring temperatures, even or odd pairs by the parity
    of t; accepted exchanges are counted in swaps[k]. Shared by :func:`_pt_run` and the replica-overlap kernel."""
    n_rep, n_temp, n = states.shape
    for r in range(n_rep):
        for k in range(n_temp):
            c = perm[r, k]
            energies[r, c], _ = _sweeps(J, states[r, c], phis[r, c], betas[k], 0.0, 1, method, rng,
                                        energies[r, c], np.empty(0), np.empty(0))
        # replica-exchange moves between neighbouring temperatures, alternating even/odd pairs
        for k in range(t % 2, n_temp - 1, 2):
            a = perm[r, k]
            b = perm[r, k + 1]
            x = (betas[k] - betas[k + 1]) * (energies[r, a] - energies[r, b])
            if x >= 0.0 or rng.random() < np.exp(x):
                perm[r, k] = b
                perm[r, k + 1] = a
                swaps[k] += 1


@njit(cache=True)
def _pt_run(J, states, phis, energies, betas, perm, n_sweeps, method, rng, e_out, q_out, swaps):
    """Parallel tempering for n_rep independent replica sets; perm[r, t] = configuration at temperature t."""
    n_rep, n_temp, n = states.shape
    for t in range(n_sweeps):
        _pt_step(J, states, phis, energies, betas, perm, t, method, rng, swaps)
        for k in range(n_temp):
            e_out[t, k] = energies[0, perm[0, k]] / n
            if n_rep > 1:
                acc = 0.0
                a = perm[0, k]
                b = perm[1, k]
                for j in range(n):
                    acc += states[0, a, j] * states[1, b, j]
                q_out[t, k] = acc / n


@dataclass(frozen=True)
class ParallelTemperingRun:
    """Trace of a parallel-tempering run.

    Attributes
    ----------
    betas : ndarray, shape (n_temp,)
    energies : ndarray, shape (n_sweeps, n_temp)
        :math:`H/N` of the first replica set at each temperature after each sweep.
    overlaps : ndarray, shape (n_sweeps, n_temp)
        Overlap :math:`q_{ab} = \\frac1N\\sum_i S_i^a S_i^b` of two independent replica sets at each temperature.
    swap_acceptance : ndarray, shape (n_temp - 1,)
        Acceptance rate of exchanges between neighbouring temperatures.

    Examples
    --------
    >>> from course_lib.spin_glasses import parallel_tempering, sk_couplings
    >>> res = parallel_tempering(sk_couplings(8, rng=0), [0.5, 1.0], 4, rng=1)
    >>> type(res).__name__, res.energies.shape[1]
    ('ParallelTemperingRun', 2)
    """

    betas: np.ndarray
    energies: np.ndarray
    overlaps: np.ndarray
    swap_acceptance: np.ndarray


def parallel_tempering(J, betas, n_sweeps, rng=None, *, method="metropolis"):
    """Parallel tempering (replica exchange) with two independent replica sets, for energies and overlaps.

    Each temperature of the ladder is simulated by :func:`metropolis` sweeps; after each sweep neighbouring
    temperatures exchange configurations with probability :math:`\\min(1, e^{(\\beta_k - \\beta_{k+1})(H_k - H_{k+1})})`,
    which leaves the product of the Gibbs measures invariant (Hukushima and Nemoto 1996).

    Parameters
    ----------
    J : array_like, shape (N, N)
        Symmetric couplings.
    betas : array_like
        Increasing inverse temperatures (at least two).
    n_sweeps : int
    rng : None, int or numpy.random.Generator
    method : {"metropolis", "heat-bath"}

    Returns
    -------
    ParallelTemperingRun

    References
    ----------
    .. [1] K. Hukushima and K. Nemoto, J. Phys. Soc. Jpn. 65, 1604 (1996).

    Examples
    --------
    >>> run = parallel_tempering(sk_couplings(16, rng=0), [0.5, 1.0, 2.0], 20, rng=1)
    >>> run.energies.shape, run.overlaps.shape
    ((20, 3), (20, 3))
    """
    J = _check_couplings(J)
    betas = check_array("betas", betas, ndim=1, min_len=2)
    if np.any(betas < 0) or np.any(np.diff(betas) <= 0):
        raise ValueError(f"`betas` must be non-negative and strictly increasing, got {betas.tolist()}.")
    n_sweeps = check_int("n_sweeps", n_sweeps, minimum=1)
    code = _check_method(method)
    rng = check_rng(rng)
    n, n_temp, n_rep = J.shape[0], betas.shape[0], 2
    states = rng.choice(np.array([-1.0, 1.0]), size=(n_rep, n_temp, n))
    phis = np.empty_like(states)
    energies = np.empty((n_rep, n_temp))
    for r in range(n_rep):
        for c in range(n_temp):
            _fields(J, states[r, c], 0.0, phis[r, c])
            energies[r, c] = _energy(J, states[r, c], 0.0)
    perm = np.tile(np.arange(n_temp), (n_rep, 1))
    e_out = np.empty((n_sweeps, n_temp))
    q_out = np.empty((n_sweeps, n_temp))
    swaps = np.zeros(n_temp - 1)
    _pt_run(J, states, phis, energies, betas, perm, n_sweeps, code, rng, e_out, q_out, swaps)
    pairs_per_sweep = np.array([(n_sweeps + 1 - (k % 2)) // 2 for k in range(n_temp - 1)]) * n_rep
    return ParallelTemperingRun(betas, e_out, q_out, swaps / np.maximum(pairs_per_sweep, 1))


@njit(cache=True)
def _anneal(J, s, phi, betas, sweeps_per_beta, rng, best_s):
    n = s.shape[0]
    energy = _energy(J, s, 0.0)
    best = energy
    for k in range(betas.shape[0]):
        for _ in range(sweeps_per_beta):
            energy, _ = _sweeps(J, s, phi, betas[k], 0.0, 1, 0, rng, energy, np.empty(0), np.empty(0))
            if energy < best - 1e-12:
                best = energy
                for i in range(n):  # not best_s[:] = s: an array-valued setitem costs seconds of compile time
                    best_s[i] = s[i]
    # zero-temperature quench: flip any spin that lowers the energy until none does
    improved = True
    while improved:
        improved = False
        for i in range(n):
            delta = 2.0 * s[i] * phi[i]
            if delta < 0.0:
                s[i] = -s[i]
                energy += delta
                for j in range(n):
                    phi[j] += 2.0 * s[i] * J[i, j]
                phi[i] -= 2.0 * s[i] * J[i, i]
                improved = True
    if energy < best - 1e-12:
        best = energy
        for i in range(n):
            best_s[i] = s[i]
    return best


@dataclass(frozen=True)
class AnnealingRun:
    """Result of :func:`simulated_annealing`.

    Attributes
    ----------
    energy : float
        Lowest :math:`H/N` found over all restarts.
    energies : ndarray, shape (n_restarts,)
        Lowest :math:`H/N` of each restart.
    state : ndarray of int8
        A configuration with the lowest energy.

    Examples
    --------
    >>> from course_lib.spin_glasses import simulated_annealing, sk_couplings
    >>> res = simulated_annealing(sk_couplings(10, rng=0), np.linspace(0.1, 2.0, 5), rng=1)
    >>> type(res).__name__, res.state.shape
    ('AnnealingRun', (10,))
    """

    energy: float
    energies: np.ndarray
    state: np.ndarray


def simulated_annealing(J, betas, sweeps_per_beta=1, n_restarts=1, rng=None):
    """Simulated annealing (Kirkpatrick, Gelatt and Vecchi 1983) along a schedule of inverse temperatures.

    Metropolis sweeps at each ``beta`` of the increasing schedule, then a zero-temperature quench to a local
    minimum of :math:`H` (no single flip lowers it); the best of ``n_restarts`` independent runs is an upper
    bound on the ground-state energy.

    Parameters
    ----------
    J : array_like, shape (N, N)
    betas : array_like
        Increasing schedule of inverse temperatures.
    sweeps_per_beta : int
    n_restarts : int
    rng : None, int or numpy.random.Generator

    Returns
    -------
    AnnealingRun

    References
    ----------
    .. [1] S. Kirkpatrick, C. D. Gelatt and M. P. Vecchi, Science 220, 671 (1983).

    Examples
    --------
    >>> run = simulated_annealing(sk_couplings(20, rng=0), np.linspace(0.1, 3.0, 30), rng=1)
    >>> run.energy < 0
    True
    """
    J = _check_couplings(J)
    betas = check_array("betas", betas, ndim=1, min_len=1)
    if np.any(betas < 0) or np.any(np.diff(betas) < 0):
        raise ValueError(f"`betas` must be non-negative and non-decreasing, got min {betas.min():.3g} and min step "
                         f"{np.diff(betas).min() if betas.size > 1 else 0.0:.3g}.")
    sweeps_per_beta = check_int("sweeps_per_beta", sweeps_per_beta, minimum=1)
    n_restarts = check_int("n_restarts", n_restarts, minimum=1)
    rng = check_rng(rng)
    n = J.shape[0]
    bests = np.empty(n_restarts)
    best_state, best_all = None, np.inf
    for r in range(n_restarts):
        s = rng.choice(np.array([-1.0, 1.0]), size=n)
        phi = np.empty(n)
        _fields(J, s, 0.0, phi)
        best_s = s.copy()
        bests[r] = _anneal(J, s, phi, betas, sweeps_per_beta, rng, best_s) / n
        if bests[r] < best_all:
            best_all, best_state = bests[r], best_s.astype(np.int8)
    return AnnealingRun(float(best_all), bests, best_state)


def single_flip_transition_matrix(J, beta, h=0.0, method="metropolis"):
    """Exact transition matrix of one random-scan proposal on all :math:`2^N` configurations (small N).

    :math:`P(S \\to S^{(i)}) = \\frac1N a(\\Delta H_i)` with the acceptance :math:`a` of :func:`metropolis`
    (the same acceptance probabilities), the rest on the diagonal. Configuration index :math:`c` has
    :math:`S_i = 2\\,\\mathrm{bit}_i(c) - 1`.

    Returns
    -------
    P : ndarray, shape (2**N, 2**N)
        Row-stochastic matrix.
    boltzmann : ndarray, shape (2**N,)
        The Gibbs weights :math:`e^{-\\beta H}/Z`.

    Examples
    --------
    >>> P, pi = single_flip_transition_matrix(sk_couplings(3, rng=0), 1.0)
    >>> bool(np.allclose(pi @ P, pi))
    True
    """
    J = _check_couplings(J)
    beta = check_real("beta", beta, lower=0.0)
    h = check_real("h", h)
    code = _check_method(method)
    n = J.shape[0]
    if n > 12:
        raise ValueError(f"`J` must have at most 12 spins for exact enumeration, got {n}.")
    n_conf = 2**n
    bits = (np.arange(n_conf)[:, None] >> np.arange(n)) & 1
    S = 2.0 * bits - 1.0
    Jz = J - np.diag(np.diag(J))
    phi = S @ Jz + h
    E = -0.5 * np.einsum("ci,ij,cj->c", S, J, S) - h * S.sum(axis=1)
    P = np.zeros((n_conf, n_conf))
    for c in range(n_conf):
        for i in range(n):
            delta = 2.0 * S[c, i] * phi[c, i]
            prob = min(1.0, np.exp(-beta * delta)) if code == 0 else 1.0 / (1.0 + np.exp(beta * delta))
            P[c, c ^ (1 << i)] += prob / n
        P[c, c] = 1.0 - P[c].sum()
    w = np.exp(-beta * (E - E.min()))
    return P, w / w.sum()
