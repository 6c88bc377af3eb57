"""The Hopfield model: Hebbian couplings, compiled zero-temperature and Glauber dynamics, the
Amit-Gutfreund-Sompolinsky replica-symmetric theory, mixture states, and the modern (attention) Hopfield network."""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy import optimize, special

from .._validation import check_array, check_int, check_real, check_rng
from ._mc_kernels import _asymmetry, _fingerprint_weights, _is_validated, _remember, _stream

__all__ = [
    "HopfieldRun",
    "AGSSolution",
    "MixtureState",
    "hopfield_couplings",
    "hopfield_dynamics",
    "hopfield_pattern_dynamics",
    "hopfield_retrieval_overlaps",
    "RetrievalThreshold",
    "hopfield_retrieval_threshold",
    "ags_solution",
    "hopfield_capacity",
    "hopfield_mixture_state",
    "modern_hopfield_retrieve",
]

_GL_T, _GL_W = np.polynomial.legendre.leggauss(64)


# --------------------------------------------------------------------------- couplings and dynamics


@njit(cache=True, fastmath={"reassoc", "nsz", "arcp", "contract"})
def _pm1_fingerprint(xi, v):
    """(all entries +1 or -1, fingerprint sum_mu u_mu sum_i v_i xi[mu, i]) in one contiguous read pass.

    The weights u, v lie in [1, 2): changing the sign of any entry moves the fingerprint by at least 2, far above
    its rounding; a NaN makes it NaN (and fails the +-1 test).
    """
    bad = 0
    fp = 0.0
    for m in range(xi.shape[0]):
        acc = 0.0
        for i in range(xi.shape[1]):
            x = xi[m, i]
            bad += (x != 1.0) & (x != -1.0)
            acc += x * v[i]
        fp += (1.0 + ((m * 0.7548776662466927) % 1.0)) * acc
    return bad == 0, fp


# (N, n) int8 copies of recently used pattern arrays: id -> (weak reference, layout, fingerprint, copy). A call
# with the same, unchanged array (same buffer, layout and fingerprint) reuses the transposed copy.
_PATTERNS_T = {}


def _transpose_pm1(xi):
    """The patterns (n, N) of +-1 as an (N, n) int8 array, or None if an entry is not +1 or -1."""
    ok, fp = _pm1_fingerprint(xi, _fingerprint_weights(xi.shape[1]))
    if not ok:
        return None
    layout = (xi.__array_interface__["data"][0], xi.shape, xi.strides, xi.dtype.str)
    entry = _PATTERNS_T.get(id(xi))
    if entry is not None and entry[0]() is xi and entry[1] == layout and entry[2] == fp:
        return entry[3]
    xi_t = np.ascontiguousarray(xi.astype(np.int8).T)  # exact: every entry is +1 or -1
    while len(_PATTERNS_T) >= 8:
        _PATTERNS_T.pop(next(iter(_PATTERNS_T)))
    key = id(xi)
    try:
        _PATTERNS_T[key] = (weakref.ref(xi, lambda _r, key=key: _PATTERNS_T.pop(key, None)), layout, fp, xi_t)
    except TypeError:  # pragma: no cover - ndarrays support weak references
        pass
    return xi_t


def _patterns_t(patterns):
    """The checked patterns as an (N, n) int8 array (one row of n pattern entries per spin)."""
    xi = check_array("patterns", patterns, ndim=2, min_len=1, finite=False)  # +-1 below implies finite
    xi_t = _transpose_pm1(xi)
    if xi_t is None:
        raise ValueError("`patterns` must have entries +1 or -1.")
    return xi_t


# Hebbian matrices returned by hopfield_couplings: id -> (weak reference, (N, n) int8 patterns). The matrix is
# returned read-only, so while it is still read-only its entries are those computed from the patterns, and
# hopfield_dynamics can run the pattern kernel (O(n) per update, no pass over the N^2 couplings).
_HEBBIAN = {}


def _register_hebbian(j, xi_t):
    key = id(j)
    _HEBBIAN[key] = (weakref.ref(j, lambda _r, key=key: _HEBBIAN.pop(key, None)), xi_t)


def _hebbian_patterns(J):
    entry = _HEBBIAN.get(id(J))
    if entry is None or entry[0]() is not J or J.flags.writeable:
        return None
    return entry[1]


def _check_spins(name, state, n):
    s = check_array(name, state, ndim=1)
    if s.shape[0] != n:
        raise ValueError(f"`{name}` must have length {n}, got {s.shape[0]}.")
    if not np.all(np.abs(s) == 1.0):
        raise ValueError(f"`{name}` must have entries +1 or -1.")
    return s.copy()


def hopfield_couplings(patterns):
    r"""Hebbian couplings :math:`J_{ij} = \frac1N\sum_{\mu=1}^{n}\xi^\mu_i\xi^\mu_j` for :math:`i\ne j`, :math:`J_{ii}=0`.

    Here :math:`n` is the number of stored patterns and :math:`N` the number of spins (load :math:`\alpha = n/N`).

    Parameters
    ----------
    patterns : array_like of shape (n, N)
        Stored patterns :math:`\xi^1,\dots,\xi^n` (rows) with entries :math:`\pm1`.

    Returns
    -------
    ndarray of shape (N, N)
        Read-only (``.copy()`` it to modify it). While it stays read-only, :func:`hopfield_dynamics` recognises it
        and, for :math:`n \le N/2`, runs the pattern representation of :func:`hopfield_pattern_dynamics` (same
        updates, same random draws, fields in exact integer arithmetic) instead of reading the :math:`N^2` couplings.

    References
    ----------
    .. [1] J. J. Hopfield, "Neural networks and physical systems with emergent collective computational
       abilities", PNAS 79 (1982) 2554-2558.

    Examples
    --------
    >>> hopfield_couplings([[1, -1, 1]]).tolist()
    [[0.0, -0.3333333333333333, 0.3333333333333333], [-0.3333333333333333, 0.0, -0.3333333333333333], [0.3333333333333333, -0.3333333333333333, 0.0]]
    """
    xi = check_array("patterns", patterns, ndim=2, min_len=1, finite=False)  # +-1 below implies finite
    xi_t = _transpose_pm1(xi)
    if xi_t is None:
        raise ValueError("`patterns` must have entries +1 or -1.")
    n = xi.shape[1]
    j = xi.T @ xi / n
    np.fill_diagonal(j, 0.0)
    j.flags.writeable = False
    if xi.shape[0] <= n // 2:  # few patterns: hopfield_dynamics will use them (O(n) per update instead of O(N))
        _register_hebbian(j, xi_t)
    return j


@dataclass
class HopfieldRun:
    """Outcome of :func:`hopfield_dynamics` or :func:`hopfield_pattern_dynamics`.

    Attributes
    ----------
    state : ndarray
        Final spins.
    n_sweeps : int
        Sweeps performed (a sweep is N single-spin updates in a random order).
    converged : bool
        Zero temperature: a sweep without a flip was reached (a fixed point). Always False at finite beta.
    overlaps : ndarray or None
        Final overlaps :math:`m_\\mu = \\xi^\\mu\\cdot S/N` (pattern dynamics only).

    Examples
    --------
    >>> from course_lib.spin_glasses import hopfield_couplings, hopfield_dynamics
    >>> xi = np.array([[1, -1, 1, -1, 1, 1]])
    >>> res = hopfield_dynamics(hopfield_couplings(xi), [1, 1, 1, -1, 1, 1], 10, rng=0)
    >>> type(res).__name__, res.converged
    ('HopfieldRun', True)
    """

    state: np.ndarray
    n_sweeps: int
    converged: bool
    overlaps: np.ndarray | None = None


@njit(cache=True)
def _updated_spin(s_i, field, beta, uniforms, t, a):
    """New value of a spin with local field ``field``: sign dynamics at beta = inf, heat bath otherwise."""
    if np.isinf(beta):
        return s_i if field == 0.0 else (1.0 if field > 0.0 else -1.0)
    return 1.0 if uniforms[t, a] < 1.0 / (1.0 + math.exp(-2.0 * beta * field)) else -1.0


@njit(cache=True)
def _order_from_keys(keys, order, count):
    """order = np.argsort(keys) for keys in [0, 1), in O(n) expected time (bucket sort, n buckets).

    Bucket b holds the keys with floor(n key) = b (monotone in the key), filled in index order and sorted by
    insertion (about one key per bucket); distinct keys give numpy's permutation exactly (equal keys, which
    numpy's unstable quicksort may order either way, have probability ~n^2 2^-54 for keys drawn by rng.random).
    """
    n = keys.shape[0]
    for b in range(n + 1):
        count[b] = 0
    for a in range(n):
        count[min(int(keys[a] * n), n - 1) + 1] += 1
    for b in range(n):
        count[b + 1] += count[b]
    for a in range(n):
        b = min(int(keys[a] * n), n - 1)
        order[count[b]] = a
        count[b] += 1
    start = 0
    for b in range(n):
        end = count[b]
        for x in range(start + 1, end):
            v = order[x]
            kv = keys[v]
            y = x - 1
            while y >= start and keys[order[y]] > kv:
                order[y + 1] = order[y]
                y -= 1
            order[y + 1] = v
        start = end


@njit(cache=True)
def _sweeps_couplings(j, s, h, keys, uniforms, beta, out_sweeps):
    """Sweeps with the local fields h = J s (given) kept up to date: an accepted flip of i adds 2 s_i J[i, :]."""
    n = s.shape[0]
    n_sw = keys.shape[0]
    order = np.empty(n, dtype=np.int64)
    count = np.empty(n + 1, dtype=np.int64)
    done = 0
    for t in range(n_sw):
        flips = 0
        _order_from_keys(keys[t], order, count)  # this sweep's random order, sorted only when the sweep runs
        for a in range(n):
            i = order[a]
            new = _updated_spin(s[i], h[i], beta, uniforms, t, a)
            if new != s[i]:
                s[i] = new
                flips += 1
                two = 2.0 * new
                for k in range(n):  # row i = column i (J is symmetric): contiguous reads
                    h[k] += two * j[i, k]
        done = t + 1
        if np.isinf(beta) and flips == 0:
            out_sweeps[0] = done
            return True
    out_sweeps[0] = done
    return False


@njit(cache=True)
def _sweeps_patterns(xi_t, s, keys, uniforms, beta, out_sweeps, out_m):
    """Sweeps with the integer overlaps M_mu = xi^mu . S kept up to date (int8 patterns, int32 overlaps).

    All sums are exact integers (as they were in float64), so the fields h_i = (xi_i . M) / N - (n/N) S_i are
    bit-identical to a float64 implementation, while the inner products vectorise (16 int32 lanes with AVX-512).
    """
    n, n_pat = xi_t.shape
    mu = np.zeros(n_pat, dtype=np.int32)
    for i in range(n):
        si = np.int32(s[i])
        for k in range(n_pat):
            mu[k] += xi_t[i, k] * si
    self_c = n_pat / n
    n_sw = keys.shape[0]
    order = np.empty(n, dtype=np.int64)
    count = np.empty(n + 1, dtype=np.int64)
    done = 0
    for t in range(n_sw):
        flips = 0
        _order_from_keys(keys[t], order, count)  # this sweep's random order, sorted only when the sweep runs
        for a in range(n):
            i = order[a]
            acc = np.int32(0)
            for k in range(n_pat):
                acc += xi_t[i, k] * mu[k]
            h = acc / n - self_c * s[i]
            new = _updated_spin(s[i], h, beta, uniforms, t, a)
            if new != s[i]:
                s[i] = new
                flips += 1
                two = np.int32(2) if new > 0.0 else np.int32(-2)
                for k in range(n_pat):
                    mu[k] += two * xi_t[i, k]
        done = t + 1
        if np.isinf(beta) and flips == 0:
            break
    out_sweeps[0] = done
    for k in range(n_pat):
        out_m[k] = mu[k] / n
    return np.isinf(beta) and flips == 0


def _draws(rng, n_sweeps, n, beta):
    keys = rng.random((n_sweeps, n))  # sweep t visits the spins in the order np.argsort(keys[t])
    uniforms = np.zeros((1, 1)) if np.isinf(beta) else rng.random((n_sweeps, n))
    return keys, uniforms


def _check_beta(beta):
    if isinstance(beta, (int, float, np.floating)) and not isinstance(beta, bool) and beta == np.inf:
        return np.inf
    return check_real("beta", beta, lower=0.0, lower_open=True)


def hopfield_dynamics(J, state, n_sweeps, beta=np.inf, rng=None):
    r"""Asynchronous Hopfield dynamics with couplings ``J``: zero temperature or Glauber (heat bath).

    Each sweep visits the N spins in a fresh random order. At zero temperature (``beta=inf``)
    :math:`S_i \leftarrow \operatorname{sign}(\tilde h_i)` with the local field :math:`\tilde h_i = \sum_j J_{ij}S_j`
    (unchanged if :math:`\tilde h_i = 0`); the energy :math:`H = -\frac12 S^\top J S` never increases and the run
    stops at the first sweep without a flip. At inverse temperature :math:`\beta`, :math:`S_i = +1` with probability
    :math:`1/(1 + e^{-2\beta \tilde h_i})`,
    which satisfies detailed balance with respect to :math:`e^{-\beta H}`. The local fields are updated after each
    flip, so a proposed update costs O(1) and a flip O(N) (compiled). Per call, one contiguous pass over ``J``
    computes the fields; the exact checks of ``J`` (finite, symmetric, zero diagonal) run on the first call with a
    given matrix only (a fingerprint computed in the same pass detects later changes). An unmodified (read-only)
    matrix returned by :func:`hopfield_couplings` with :math:`n \le N/2` patterns is run in the pattern
    representation of :func:`hopfield_pattern_dynamics` instead: the same updates with the same random draws, in
    exact integer arithmetic (so an exactly zero field stays zero, where summing the rounded couplings may leave
    a residue of order 1e-16 that decides the tie at ``beta=inf``).

    Parameters
    ----------
    J : array_like of shape (N, N)
        Symmetric couplings with zero diagonal.
    state : array_like of shape (N,)
        Initial spins, +-1.
    n_sweeps : int
        Maximal number of sweeps, >= 1.
    beta : float
        Inverse temperature, > 0, or ``numpy.inf`` (default).
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    HopfieldRun

    References
    ----------
    .. [1] R. J. Glauber, "Time-dependent statistics of the Ising model", J. Math. Phys. 4 (1963) 294-307.
    .. [2] J. J. Hopfield, PNAS 79 (1982) 2554-2558.

    Examples
    --------
    >>> xi = np.array([[1, -1, 1, -1, 1, 1]])
    >>> run = hopfield_dynamics(hopfield_couplings(xi), [1, 1, 1, -1, 1, 1], 10, rng=0)
    >>> run.state.tolist(), run.converged
    ([1.0, -1.0, 1.0, -1.0, 1.0, 1.0], True)
    """
    xi_t = _hebbian_patterns(J)
    if xi_t is not None:  # an unmodified matrix of hopfield_couplings: the pattern kernel, same draws
        s = _check_spins("state", state, xi_t.shape[0])
        n_sweeps = check_int("n_sweeps", n_sweeps, minimum=1)
        return _run_patterns(xi_t, s, n_sweeps, _check_beta(beta), check_rng(rng), with_overlaps=False)
    if type(J) is np.ndarray and J.dtype == np.float64 and J.ndim == 2 and J.flags.c_contiguous:
        j = J  # used as given: the checks below read it once
    else:
        j = check_array("J", J, ndim=2)
    n = j.shape[0]
    if j.shape != (n, n):
        raise ValueError(f"`J` must be square, got shape {j.shape}.")
    s = _check_spins("state", state, n)
    n_sweeps = check_int("n_sweeps", n_sweeps, minimum=1)
    beta = _check_beta(beta)
    rng = check_rng(rng)
    h = np.empty(n)
    fp = _stream(j, s, h, _fingerprint_weights(n))  # local fields and the fingerprint of J, one pass
    if not _is_validated(j, "hopfield", fp):  # the exact checks, once per matrix
        check_array("J", j, ndim=2)  # finite and not huge (no copy: j is C-contiguous float64 already)
        asym, _ = _asymmetry(j)  # one cache-blocked pass
        if not asym <= 1e-12:
            raise ValueError("`J` must be symmetric.")
        if np.any(np.diagonal(j) != 0.0):
            raise ValueError("`J` must have a zero diagonal.")
        _remember(j, "hopfield", fp)
    keys, uniforms = _draws(rng, n_sweeps, n, beta)
    done = np.zeros(1, dtype=np.int64)
    conv = _sweeps_couplings(j, s, h, keys, uniforms, beta, done)
    return HopfieldRun(state=s, n_sweeps=int(done[0]), converged=bool(conv))


def hopfield_pattern_dynamics(patterns, state, n_sweeps, beta=np.inf, rng=None):
    r"""The dynamics of :func:`hopfield_dynamics` for Hebbian couplings, without forming the N x N matrix.

    With :math:`M_\mu = \langle\xi^\mu, S\rangle` kept up to date, the local field
    :math:`\tilde h_i = \frac1N\sum_\mu\xi^\mu_i M_\mu - \frac nN S_i` costs O(n) and a flip O(n), for n stored
    patterns, so large N fit in memory (N = 10^4 needs n x N numbers, not N^2).

    Parameters
    ----------
    patterns : array_like of shape (n, N)
        Stored patterns, +-1.
    state, n_sweeps, beta, rng
        As in :func:`hopfield_dynamics`.

    Returns
    -------
    HopfieldRun
        With ``overlaps`` the final :math:`m_\mu = M_\mu/N`.

    References
    ----------
    .. [1] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Storing infinite numbers of patterns in a spin-glass model of
       neural networks", Phys. Rev. Lett. 55 (1985) 1530-1533.

    Examples
    --------
    >>> xi = np.array([[1, -1, 1, -1, 1, 1]])
    >>> hopfield_pattern_dynamics(xi, [1, 1, 1, -1, 1, 1], 10, rng=0).overlaps.tolist()
    [1.0]
    """
    xi_t = _patterns_t(patterns)
    n = xi_t.shape[0]
    s = _check_spins("state", state, n)
    n_sweeps = check_int("n_sweeps", n_sweeps, minimum=1)
    beta = _check_beta(beta)
    rng = check_rng(rng)
    return _run_patterns(xi_t, s, n_sweeps, beta, rng, with_overlaps=True)


def _run_patterns(xi_t, s, n_sweeps, beta, rng, with_overlaps):
    keys, uniforms = _draws(rng, n_sweeps, s.shape[0], beta)
    done = np.zeros(1, dtype=np.int64)
    m = np.empty(xi_t.shape[1])
    conv = _sweeps_patterns(xi_t, s, keys, uniforms, beta, done, m)
    return HopfieldRun(state=s, n_sweeps=int(done[0]), converged=bool(conv), overlaps=m if with_overlaps else None)


def hopfield_retrieval_overlaps(n_spins, alpha, n_trials, noise=0.0, n_sweeps=200, rng=None):
    r"""Final overlaps of zero-temperature retrieval at load :math:`\alpha = n/N`, one fresh instance per trial.

    Each trial draws :math:`n = \max(1, \operatorname{round}(\alpha N))` random patterns of :math:`N` spins, starts
    from pattern 1 with a fraction ``noise`` of its spins flipped, runs the zero-temperature dynamics of
    :func:`hopfield_pattern_dynamics` to a fixed point, and records the overlap :math:`m_1` of the end state with
    pattern 1.

    Parameters
    ----------
    n_spins : int
        Number of spins N, >= 2.
    alpha : float
        Load, in (0, 100].
    n_trials : int
        >= 1.
    noise : float
        Fraction of flipped spins in the start, in [0, 1].
    n_sweeps : int
        Maximal number of sweeps per trial.
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    ndarray of shape (n_trials,)

    Warns
    -----
    RuntimeWarning
        If a trial has not reached a fixed point after ``n_sweeps`` sweeps.

    Examples
    --------
    >>> m = hopfield_retrieval_overlaps(500, 0.05, 4, rng=0)
    >>> bool(np.all(m > 0.95))
    True
    """
    n = check_int("n_spins", n_spins, minimum=2)
    alpha = check_real("alpha", alpha, lower=0.0, lower_open=True, upper=100.0)  # n = alpha N patterns in memory
    n_trials = check_int("n_trials", n_trials, minimum=1)
    noise = check_real("noise", noise, lower=0.0, upper=1.0)
    n_sweeps = check_int("n_sweeps", n_sweeps, minimum=1)
    rng = check_rng(rng)
    n_pat = max(1, int(round(alpha * n)))
    out = np.empty(n_trials)
    n_flip = int(round(noise * n))
    n_stuck = 0
    for t in range(n_trials):
        xi = rng.choice(np.array([-1.0, 1.0]), size=(n_pat, n))
        s = xi[0].copy()
        s[rng.choice(n, size=n_flip, replace=False)] *= -1.0
        keys, uniforms = _draws(rng, n_sweeps, n, np.inf)
        done = np.zeros(1, dtype=np.int64)
        n_stuck += not _sweeps_patterns(np.ascontiguousarray(xi.T, dtype=np.int8), s, keys, uniforms, np.inf, done,
                                        np.empty(n_pat))
        out[t] = xi[0] @ s / n
    if n_stuck:
        import warnings

        warnings.warn(f"hopfield_retrieval_overlaps: {n_stuck} of {n_trials} trials did not reach a fixed point in "
                      f"n_sweeps = {n_sweeps} sweeps; increase n_sweeps.", RuntimeWarning, stacklevel=2)
    return out


@dataclass
class RetrievalThreshold:
    """Logistic fit of a retrieval probability curve (:func:`hopfield_retrieval_threshold`).

    Attributes
    ----------
    alpha_half : float
        Load at which the fitted retrieval probability is 1/2.
    stderr : float
        Its standard error (inverse Fisher information of the binomial likelihood).
    width : float
        Width w of the logistic curve 1 / (1 + exp((alpha - alpha_half) / w)).
    converged : bool
    n_iter : int

    Examples
    --------
    >>> from course_lib.spin_glasses import hopfield_retrieval_threshold
    >>> res = hopfield_retrieval_threshold([0.1, 0.15, 0.2], [20, 10, 0], 20)
    >>> type(res).__name__, round(res.alpha_half, 3)
    ('RetrievalThreshold', 0.15)
    """

    alpha_half: float
    stderr: float
    width: float
    converged: bool
    n_iter: int


def hopfield_retrieval_threshold(alphas, successes, n_trials):
    r"""Maximum-likelihood logistic fit :math:`P(\text{retrieval}\mid\alpha) = 1/(1 + e^{(\alpha - \alpha_{1/2})/w})`.

    The counts are binomial, :math:`k_i\sim\mathrm{Bin}(t_i, P(\alpha_i))` with :math:`t_i` trials at load
    :math:`\alpha_i`; the estimate maximises the likelihood (Nelder-Mead in :math:`(\alpha_{1/2}, \log w)`, scipy)
    and the standard error is the square root of the first diagonal entry of the inverse Fisher information
    :math:`\sum_i t_i P_i(1-P_i)\nabla\eta_i\nabla\eta_i^\top`, :math:`\eta_i = (\alpha_{1/2} - \alpha_i)/w`
    (gradient in :math:`(\alpha_{1/2}, w)`; the entry for :math:`\alpha_{1/2}` does not depend on how the width is
    parametrised). It is the asymptotic (many-trials) standard error of the logistic model; it does not include
    the error of the logistic shape itself.

    Parameters
    ----------
    alphas : array_like
        Loads (at least 2 distinct values).
    successes : array_like of int
        Number of successful retrievals at each load.
    n_trials : int or array_like of int
        Trials at each load (>= 1).

    Returns
    -------
    RetrievalThreshold

    Examples
    --------
    >>> fit = hopfield_retrieval_threshold([0.1, 0.15, 0.2], [20, 10, 0], 20)
    >>> round(fit.alpha_half, 3)
    0.15
    """
    a = check_array("alphas", alphas, ndim=1, min_len=2)
    k = check_array("successes", successes, ndim=1)
    n = np.broadcast_to(check_array("n_trials", n_trials, ndim=(0, 1)), a.shape).astype(float)
    if k.shape != a.shape:
        raise ValueError(f"`successes` must have the shape of `alphas` {a.shape}, got {k.shape}.")
    if np.any(n < 1) or np.any(k < 0) or np.any(k > n):
        raise ValueError("`successes` must lie between 0 and `n_trials`, and `n_trials` must be >= 1.")
    frac = k / n
    start_a = float(a[np.argmin(np.abs(frac - 0.5))])
    start_w = max(float(np.ptp(a)) / 10.0, 1e-6)

    def nll(theta):
        eta = (theta[0] - a) / np.exp(theta[1])
        return float(np.sum(n * np.logaddexp(0.0, -eta) - (n - k) * (-eta)))

    res = optimize.minimize(nll, [start_a, np.log(start_w)], method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000})
    a_half, w = float(res.x[0]), float(np.exp(res.x[1]))
    eta = (a_half - a) / w
    pr = special.expit(eta)
    grad = np.stack([np.full_like(a, 1.0 / w), -(a_half - a) / w**2])
    fisher = (grad * (n * pr * (1.0 - pr))) @ grad.T
    cov = np.linalg.pinv(fisher)
    if not res.success:  # pragma: no cover - Nelder-Mead on two parameters
        import warnings

        warnings.warn("hopfield_retrieval_threshold: the likelihood maximisation did not converge.",
                      RuntimeWarning, stacklevel=2)
    return RetrievalThreshold(alpha_half=a_half, stderr=float(np.sqrt(max(cov[0, 0], 0.0))), width=w,
                              converged=bool(res.success), n_iter=int(res.nit))


# --------------------------------------------------------------------------- AGS replica-symmetric theory


@dataclass
class AGSSolution:
    """Replica-symmetric solution of the Hopfield model (:func:`ags_solution`).

    Attributes
    ----------
    m : float
        Overlap with the condensed pattern (0 when no retrieval state exists on this branch).
    q : float
        Edwards-Anderson order parameter (1 at T = 0).
    r : float
        Mean squared overlap with the uncondensed patterns, times 1/alpha.
    converged : bool
    n_iter : int
        Fixed-point iterations (0 for the closed-form T = 0 solution).

    Examples
    --------
    >>> from course_lib.spin_glasses import ags_solution
    >>> res = ags_solution(0.1)
    >>> type(res).__name__, bool(res.m > 0.9)
    ('AGSSolution', True)
    """

    m: float
    q: float
    r: float
    converged: bool
    n_iter: int


def _ags_g(y):
    """sqrt(2 alpha) as a function of y = m / sqrt(2 alpha r) on the T = 0 retrieval branch."""
    return special.erf(y) / y - 2.0 / np.sqrt(np.pi) * np.exp(-y * y)


def _ags_peak():
    res = optimize.minimize_scalar(lambda y: -_ags_g(y), bounds=(0.5, 3.0), method="bounded",
                                   options={"xatol": 1e-13})
    return float(res.x), float(_ags_g(res.x))


@njit(cache=True)
def _gauss_tanh(m, sig, beta, t, w):
    """(E tanh(beta(m + sig z)), E tanh^2(...)) for z ~ N(0,1), by Gauss-Legendre on three panels split at the kink."""
    lo, hi = -12.0, 12.0
    if sig > 0.0:
        z0 = -m / sig
        d = 10.0 / (beta * sig)
    else:
        z0 = 0.0
        d = 1.0
    a = max(lo, z0 - d)
    b = min(hi, z0 + d)
    edges = np.array([lo, a, b, hi])
    e1 = 0.0
    e2 = 0.0
    for k in range(3):
        left = edges[k]
        right = edges[k + 1]
        if right <= left:
            continue
        half = 0.5 * (right - left)
        mid = 0.5 * (right + left)
        for i in range(t.shape[0]):
            z = mid + half * t[i]
            g = w[i] * half * math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
            th = math.tanh(beta * (m + sig * z))
            e1 += g * th
            e2 += g * th * th
    return e1, e2


@njit(cache=True)
def _ags_iterate(alpha, beta, m, q, t, w, tol, max_iter, damping, out):
    r = 1.0
    for it in range(1, max_iter + 1):
        denom = 1.0 - beta * (1.0 - q)
        r = q / (denom * denom)
        e1, e2 = _gauss_tanh(m, math.sqrt(alpha * r), beta, t, w)
        m_new = damping * m + (1.0 - damping) * e1
        q_new = damping * q + (1.0 - damping) * e2
        if abs(m_new - m) < tol and abs(q_new - q) < tol:
            out[0] = m_new
            out[1] = q_new
            denom = 1.0 - beta * (1.0 - q_new)
            out[2] = q_new / (denom * denom)
            return it
        m = m_new
        q = q_new
    out[0] = m
    out[1] = q
    out[2] = r
    return -1


def ags_solution(alpha, T=0.0, m0=1.0, tol=1e-12, max_iter=200_000):
    r"""Replica-symmetric (AGS) solution of the Hopfield model at load :math:`\alpha` and temperature :math:`T`.

    For :math:`T > 0` the saddle-point equations, with :math:`z\sim\mathcal N(0,1)` and :math:`\beta = 1/T`,

    .. math::

        m = \mathbb E\tanh\beta(m + \sqrt{\alpha r}\,z),\quad
        q = \mathbb E\tanh^2\beta(m + \sqrt{\alpha r}\,z),\quad
        r = \frac{q}{(1 - \beta(1-q))^2},

    are iterated from :math:`(m, q) = (m_0, 1)` (the retrieval branch when :math:`m_0 = 1`), the Gaussian averages
    by piecewise Gauss-Legendre quadrature split at the kink of the tanh. At :math:`T = 0` they reduce to
    :math:`m = \operatorname{erf}(y)`, :math:`\sqrt{2\alpha} = \operatorname{erf}(y)/y - \frac{2}{\sqrt\pi}e^{-y^2}`
    with :math:`y = m/\sqrt{2\alpha r}`, :math:`C = \sqrt{2/(\pi\alpha r)}\,e^{-y^2}`, :math:`r = (1 - C)^{-2}`,
    solved by root bracketing on the branch of the larger root (the retrieval state); for
    :math:`\alpha > \alpha_c` only :math:`m = 0`, :math:`r = (1 + \sqrt{2/(\pi\alpha)})^2` remains.

    Parameters
    ----------
    alpha : float
        Load :math:`\alpha = n/N` (stored patterns per spin), > 0.
    T : float
        Temperature, >= 0.
    m0 : float
        Initial overlap for the iteration at T > 0, in [0, 1].
    tol : float
        Convergence tolerance on (m, q), > 0.
    max_iter : int

    Returns
    -------
    AGSSolution

    Warns
    -----
    RuntimeWarning
        If the iteration does not converge.

    References
    ----------
    .. [1] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Statistical mechanics of neural networks near saturation",
       Ann. Phys. 173 (1987) 30-67 (the saddle-point equations at T = 0).
    .. [2] D. J. Amit, H. Gutfreund, H. Sompolinsky, Phys. Rev. Lett. 55 (1985) 1530-1533.

    Examples
    --------
    >>> sol = ags_solution(0.1)
    >>> round(sol.m, 4)
    0.998
    """
    alpha = check_real("alpha", alpha, lower=0.0, lower_open=True)
    T = check_real("T", T, lower=0.0)
    m0 = check_real("m0", m0, lower=0.0, upper=1.0)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    if T == 0.0:
        y_star, g_star = _ags_peak()
        target = np.sqrt(2.0 * alpha)
        if target > g_star:
            r = (1.0 + np.sqrt(2.0 / (np.pi * alpha))) ** 2
            return AGSSolution(m=0.0, q=1.0, r=float(r), converged=True, n_iter=0)
        hi = y_star
        while _ags_g(hi) > target:
            hi *= 2.0
        y = optimize.brentq(lambda v: _ags_g(v) - target, y_star, hi, xtol=1e-15, rtol=1e-15)
        m = float(special.erf(y))
        r = m**2 / (2.0 * alpha * y**2)
        return AGSSolution(m=m, q=1.0, r=float(r), converged=True, n_iter=0)
    out = np.zeros(3)
    n_iter = _ags_iterate(alpha, 1.0 / T, m0, 1.0, _GL_T, _GL_W, tol, max_iter, 0.3, out)
    converged = n_iter > 0
    if not converged:
        import warnings

        warnings.warn(f"ags_solution(alpha={alpha}, T={T}) did not converge in {max_iter} iterations.",
                      RuntimeWarning, stacklevel=2)
    return AGSSolution(m=float(abs(out[0])), q=float(out[1]), r=float(out[2]), converged=converged,
                       n_iter=max(n_iter, max_iter) if not converged else n_iter)


def hopfield_capacity(T=0.0):
    r"""Storage capacity :math:`\alpha_c(T)`: the largest load at which the AGS retrieval state exists.

    At :math:`T = 0`, :math:`\alpha_c = \max_y \frac12\bigl(\operatorname{erf}(y)/y - \frac{2}{\sqrt\pi}e^{-y^2}\bigr)^2
    \approx 0.13791`, with overlap :math:`m = \operatorname{erf}(y^*) \approx 0.967` there. This is the
    replica-symmetric value; breaking replica symmetry raises it only to :math:`0.13819` (Steffan and Kuhn 1994).
    For :math:`0 < T < 1`, the retrieval branch is parametrised by the noise amplitude :math:`\sigma = \sqrt{\alpha r}`: for fixed
    :math:`\sigma` the overlap is the largest root of :math:`m = \mathbb E\tanh\beta(m + \sigma z)`, then :math:`q`
    and :math:`\alpha(\sigma) = \sigma^2(1 - \beta(1-q))^2/q` follow, and :math:`\alpha_c(T) = \max_\sigma\alpha(\sigma)`
    (the saddle-node where the retrieval solution disappears).

    Parameters
    ----------
    T : float
        Temperature in [0, 1) (no retrieval state exists for T >= 1).

    Returns
    -------
    float

    References
    ----------
    .. [1] D. J. Amit, H. Gutfreund, H. Sompolinsky, Phys. Rev. Lett. 55 (1985) 1530-1533 (alpha_c = 0.138);
       Ann. Phys. 173 (1987) 30-67.
    .. [2] H. Steffan, R. Kuhn, "Replica symmetry breaking in attractor neural network models", Z. Phys. B 95
       (1994) 249-260 (RS 0.137905, one-step RSB 0.138186).

    Examples
    --------
    >>> round(hopfield_capacity(), 4)
    0.1379
    """
    T = check_real("T", T, lower=0.0, upper=1.0, upper_open=True)
    if T == 0.0:
        return float(_ags_peak()[1] ** 2 / 2.0)
    beta = 1.0 / T
    sigmas = np.linspace(0.01, 1.5, 150)
    vals = np.array([_retrieval_alpha(sg, beta) for sg in sigmas])
    if not np.any(vals > 0.0):  # pragma: no cover - a retrieval state exists for every T < 1
        return 0.0
    i = int(np.argmax(vals))
    lo, hi = sigmas[max(i - 1, 0)], sigmas[min(i + 1, len(sigmas) - 1)]
    res = optimize.minimize_scalar(lambda sg: -_retrieval_alpha(sg, beta), bounds=(lo, hi), method="bounded",
                                   options={"xatol": 1e-10})
    return float(max(-res.fun, vals[i]))


def _retrieval_alpha(sig, beta):
    """Load alpha at which the retrieval fixed point has noise amplitude sqrt(alpha r) = sig (-inf if none).

    For fixed sig the overlap solves m = E tanh(beta(m + sig z)) (largest root); then q follows and
    alpha = sig^2 (1 - beta(1 - q))^2 / q. alpha_c(T) is the maximum of this curve (the saddle-node).
    """
    grid = np.linspace(1.0, 0.002, 250)
    prev = None
    for m in grid:
        f = _gauss_tanh(m, sig, beta, _GL_T, _GL_W)[0] - m
        if f > 0.0:
            if prev is None:  # pragma: no cover - f(1) < 0 always
                return -np.inf
            root = optimize.brentq(lambda v: _gauss_tanh(v, sig, beta, _GL_T, _GL_W)[0] - v, m, prev,
                                   xtol=1e-14)
            q = _gauss_tanh(root, sig, beta, _GL_T, _GL_W)[1]
            c = 1.0 - beta * (1.0 - q)
            if c <= 0.0:
                return -np.inf
            return sig * sig * c * c / q
        prev = m
    return -np.inf


# --------------------------------------------------------------------------- low load: mixture states


@dataclass
class MixtureState:
    """Symmetric k-mixture at zero load (:func:`hopfield_mixture_state`, k = ``n_mix``).

    Attributes
    ----------
    m : float
        Common overlap with the k mixed patterns.
    free_energy : float
        Mean-field free energy per spin (the energy at T = 0).
    min_eigenvalue : float
        Smallest eigenvalue of the Hessian of the free energy in the space of all overlaps (``-inf`` for even
        mixtures at T = 0); the state is a local minimum iff it is > 0.
    stable : bool
    converged : bool
    n_iter : int

    Examples
    --------
    >>> from course_lib.spin_glasses import hopfield_mixture_state
    >>> res = hopfield_mixture_state(3)
    >>> type(res).__name__, res.m
    ('MixtureState', 0.5)
    """

    m: float
    free_energy: float
    min_eigenvalue: float
    stable: bool
    converged: bool
    n_iter: int


def hopfield_mixture_state(n_mix, T=0.0, tol=1e-13, max_iter=100_000):
    r"""Symmetric mixture of k = ``n_mix`` patterns in the Hopfield model at zero load (n finite, :math:`N\to\infty`).

    The mean-field free energy :math:`f(\mathbf m) = \frac12|\mathbf m|^2 - T\,\mathbb E_\xi\log 2\cosh(\beta\,\mathbf m\cdot\xi)`
    is stationary at :math:`\mathbf m = \mathbb E_\xi\,\xi\tanh(\beta\,\mathbf m\cdot\xi)`. For the symmetric ansatz
    :math:`m_\mu = m` (:math:`\mu\le k`), with :math:`\Sigma_k = \sum_{\mu\le k}\xi_\mu` (a sum of k signs,
    averaged exactly over its binomial law), :math:`m = \frac1k\mathbb E\,\Sigma_k\tanh(\beta m \Sigma_k)`, iterated
    from the T = 0 value :math:`m = \mathbb E|\Sigma_k|/k`. Stability: the Hessian
    :math:`\delta_{\mu\nu} - \beta\mathbb E[\xi_\mu\xi_\nu(1 - \tanh^2\beta m\Sigma_k)]` on the k mixed directions
    (eigenvalues along :math:`(1,\dots,1)` and orthogonal to it), and
    :math:`1 - \beta(1 - \mathbb E\tanh^2\beta m\Sigma_k)` on any other pattern. k = 1 gives the Mattis (retrieval)
    state; k = 3 is stable below :math:`T_3 \approx 0.460` (AGS quote 0.46), k = 5 below :math:`\approx 0.385` (computed
    here); even mixtures are unstable at every T.

    Parameters
    ----------
    n_mix : int
        Number k of mixed patterns, >= 1.
    T : float
        Temperature, >= 0.
    tol : float
    max_iter : int

    Returns
    -------
    MixtureState

    References
    ----------
    .. [1] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Spin-glass models of neural networks",
       Phys. Rev. A 32 (1985) 1007-1018.

    Examples
    --------
    >>> st = hopfield_mixture_state(3)
    >>> st.m, st.free_energy, st.stable
    (0.5, -0.375, True)
    """
    n = check_int("n_mix", n_mix, minimum=1)
    T = check_real("T", T, lower=0.0)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    k = np.arange(n + 1)
    s_vals = (n - 2 * k).astype(float)
    probs = special.comb(n, k) / 2.0**n
    m = float(probs @ np.abs(s_vals)) / n
    if T == 0.0:
        fe = -0.5 * n * m * m
        if np.any(s_vals == 0.0):
            return MixtureState(m=m, free_energy=fe, min_eigenvalue=-np.inf, stable=False, converged=True, n_iter=0)
        return MixtureState(m=m, free_energy=fe, min_eigenvalue=1.0, stable=True, converged=True, n_iter=0)
    beta = 1.0 / T
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        m_new = float(probs @ (s_vals * np.tanh(beta * m * s_vals))) / n
        if abs(m_new - m) < tol:
            m = m_new
            converged = True
            break
        m = m_new
    if not converged:
        import warnings

        warnings.warn(f"hopfield_mixture_state(n_mix={n}, T={T}) did not converge.", RuntimeWarning, stacklevel=2)
    fe = 0.5 * n * m * m - T * float(probs @ np.log(2.0 * np.cosh(beta * m * s_vals)))
    sech2 = 1.0 - np.tanh(beta * m * s_vals) ** 2
    # E[xi_mu xi_nu sech^2] for mu != nu inside the mixture, and E[sech^2] on the diagonal, by exchangeability:
    # E[S^2 sech^2] = n E[sech^2] + n(n-1) E[xi_1 xi_2 sech^2].
    d = float(probs @ sech2)
    off = float(probs @ (s_vals**2 * sech2) - n * d) / (n * (n - 1)) if n > 1 else 0.0
    eig_sym = 1.0 - beta * (d + (n - 1) * off)  # eigenvector (1, ..., 1)
    eig_anti = 1.0 - beta * (d - off)  # vectors orthogonal to (1, ..., 1)
    eig_out = 1.0 - beta * d  # any pattern outside the mixture
    eigs = [eig_sym, eig_out] + ([eig_anti] if n > 1 else [])
    lam = float(min(eigs))
    return MixtureState(m=m, free_energy=fe, min_eigenvalue=lam, stable=lam > 0.0, converged=converged, n_iter=it)


# --------------------------------------------------------------------------- modern Hopfield network


def modern_hopfield_retrieve(patterns, query, beta, n_steps=1):
    r"""Update rule of the modern (continuous) Hopfield network, :math:`\zeta \leftarrow X^\top\operatorname{softmax}(\beta X\zeta)`.

    With the n patterns as the rows of :math:`X\in\mathbb R^{n\times N}`, one step is exactly softmax attention with
    query :math:`\zeta` and keys = values = the stored patterns. It is the concave-convex procedure for the energy
    :math:`E(\zeta) = -\beta^{-1}\log\sum_\mu e^{\beta\langle\xi^\mu,\zeta\rangle} + \frac12\lVert\zeta\rVert^2`, so
    no step increases :math:`E`. When the query is much closer to one pattern than to all others (the pattern is
    well separated), one step lands exponentially close to that pattern; random patterns can be stored in numbers
    exponential in N (Ramsauer et al. 2021).

    Parameters
    ----------
    patterns : array_like of shape (n, N)
    query : array_like of shape (N,)
    beta : float
        Inverse temperature, > 0.
    n_steps : int
        Number of updates, >= 1.

    Returns
    -------
    ndarray of shape (N,)

    References
    ----------
    .. [1] H. Ramsauer et al., "Hopfield networks is all you need", ICLR 2021, arXiv:2008.02217.

    Examples
    --------
    >>> x = np.array([[1.0, 1.0, -1.0], [1.0, -1.0, 1.0]])
    >>> np.round(modern_hopfield_retrieve(x, [1.0, 0.8, -0.5], 10.0), 3).tolist()
    [1.0, 1.0, -1.0]
    """
    x = check_array("patterns", patterns, ndim=2, min_len=1)
    q = check_array("query", query, ndim=1)
    if q.shape[0] != x.shape[1]:
        raise ValueError(f"`query` must have length {x.shape[1]} (the pattern dimension), got {q.shape[0]}.")
    beta = check_real("beta", beta, lower=0.0, lower_open=True)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    for _ in range(n_steps):
        a = beta * (x @ q)
        a -= a.max()
        wts = np.exp(a)
        q = x.T @ (wts / wts.sum())
    return q
