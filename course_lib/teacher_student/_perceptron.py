r"""Storage capacity of the perceptron: Cover's count, Gardner's volume, LP feasibility, binary weights.

The spherical perceptron stores :math:`P = \alpha N` random patterns :math:`\xi^\mu \in \mathbb R^N` with random
labels :math:`y^\mu = \pm 1` if some :math:`w` satisfies :math:`y^\mu \langle w, \xi^\mu\rangle / \sqrt N \ge \kappa
\lVert w\rVert/\sqrt N` for every :math:`\mu`. The binary (Ising) perceptron restricts :math:`w \in \{\pm 1\}^N`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy import integrate, optimize, stats
from scipy.optimize import linprog, nnls

from .._validation import check_array, check_int, check_real, check_rng
from ._quadrature import log_Phi, log_phi, mills_ratio

__all__ = [
    "gardner_capacity",
    "cover_count",
    "cover_separable_probability",
    "is_linearly_separable",
    "separable_fraction",
    "critical_pattern_counts",
    "BinaryRSEntropy",
    "binary_perceptron_rs_entropy",
    "binary_perceptron_capacity",
    "binary_perceptron_rs_divergence",
    "BinaryEnumeration",
    "binary_perceptron_enumeration",
]


def _gauss_integral(f, lower=-np.inf, upper=np.inf, split=0.0):
    """Adaptive quadrature of :math:`\\int_{lower}^{upper} Dz f(z)`, split at ``split`` (a kink or a peak)."""
    g = lambda z: np.exp(log_phi(z)) * f(z)  # noqa: E731
    out = 0.0
    pieces = [(lower, upper)] if not (lower < split < upper) else [(lower, split), (split, upper)]
    for a, b in pieces:
        val, _ = integrate.quad(g, a, b, epsabs=1e-13, epsrel=1e-11, limit=200)
        out += val
    return out


def gardner_capacity(kappa=0.0):
    r"""Gardner's storage capacity of the spherical perceptron with margin :math:`\kappa`.

    .. math::  \alpha_c(\kappa) = \Big[\int_{-\kappa}^{\infty} Dt\, (t + \kappa)^2\Big]^{-1},

    evaluated by adaptive quadrature (the closed form is
    :math:`[(1+\kappa^2)\Phi(\kappa) + \kappa\,\mathcal N(\kappa)]^{-1}`).

    Parameters
    ----------
    kappa : float
        Margin, in :math:`[-10, 10]`. For :math:`\kappa \ge 0` the solution space is convex and the formula is exact;
        for :math:`\kappa < 0` it gives :math:`\alpha_c > 2` but is only the replica-symmetric estimate (replica
        symmetry is broken near capacity there).

    Returns
    -------
    float

    References
    ----------
    .. [1] E. Gardner, "The space of interactions in neural network models", J. Phys. A 21, 257 (1988): the
       replica-symmetric volume and its :math:`q \to 1` limit.

    Examples
    --------
    >>> round(gardner_capacity(0.0), 12)
    2.0
    """
    kappa = check_real("kappa", kappa, lower=-10.0, upper=10.0)
    integral = _gauss_integral(lambda t: (t + kappa) ** 2, lower=-kappa, upper=np.inf)
    return 1.0 / integral


def cover_count(p, n):
    r"""Cover's number of dichotomies of :math:`p` points in general position in :math:`\mathbb R^n` realisable by a
    hyperplane through the origin, :math:`C(p, n) = 2\sum_{k=0}^{n-1} \binom{p-1}{k}` (exact integer).

    References
    ----------
    .. [1] T. M. Cover, "Geometrical and statistical properties of systems of linear inequalities with applications
       in pattern recognition", IEEE Trans. Electron. Comput. EC-14, 326 (1965) (the function-counting theorem).

    Examples
    --------
    >>> cover_count(4, 2)
    8
    """
    p = check_int("p", p, minimum=1)
    n = check_int("n", n, minimum=1)
    return 2 * sum(math.comb(p - 1, k) for k in range(n))


def cover_separable_probability(p, n):
    r"""Probability :math:`C(p, n) / 2^p` that random labels of :math:`p` points in general position in
    :math:`\mathbb R^n` are linearly separable (through the origin); equals :math:`\Pr[\mathrm{Bin}(p-1, 1/2) \le n-1]`.

    Examples
    --------
    >>> round(cover_separable_probability(100, 50), 12)
    0.5
    """
    p = check_int("p", p, minimum=1)
    n = check_int("n", n, minimum=1)
    return float(stats.binom.cdf(n - 1, p - 1, 0.5))


def _lp_feasible(z):
    """Whether some w satisfies <z_i, w> >= 1 for all rows z_i (HiGHS LP, zero objective)."""
    p, n = z.shape
    res = linprog(np.zeros(n), A_ub=-z, b_ub=-np.ones(p), bounds=[(None, None)] * n, method="highs-ds")
    if res.status == 0:
        return True
    if res.status == 2:
        return False
    # HiGHS occasionally reports an unknown status on infeasible homogeneous systems; decide with the dual test
    return _hull_separable(z)


def _hull_separable(z):
    """Gordan's alternative: separable iff the origin is not in the convex hull of the rows z_i.

    The distance from the origin to conv{z_i} is computed by non-negative least squares (Lawson--Hanson), with the
    constraint sum(a) = 1 imposed by a heavily weighted extra row.
    """
    p, n = z.shape
    big = 1e3 * max(1.0, float(np.max(np.abs(z))))
    A = np.vstack([z.T, big * np.ones((1, p))])
    b = np.zeros(n + 1)
    b[-1] = big
    a, _ = nnls(A, b, maxiter=50 * (p + n))
    a = a / a.sum()
    dist = float(np.linalg.norm(z.T @ a))
    return dist > 1e-9 * math.sqrt(n) * float(np.max(np.abs(z)))


def _separable(z, method):
    return _hull_separable(z) if method == "hull" else _lp_feasible(z)


_METHODS = ("hull", "lp")


def _check_method(method):
    if method not in _METHODS:
        raise ValueError(f"`method` must be one of {_METHODS}, got {method!r}.")
    return method


def is_linearly_separable(X, y, method="lp"):
    r"""Exact test whether labels ``y`` of the rows of ``X`` are separable by a hyperplane through the origin.

    Solves the linear feasibility problem :math:`y_i \langle x_i, w\rangle \ge 1` for all :math:`i` with HiGHS
    (``scipy.optimize.linprog``); feasible iff some :math:`w` has :math:`y_i\langle x_i, w\rangle > 0` for all i.

    Parameters
    ----------
    X : array_like, shape (p, n)
    y : array_like, shape (p,), entries +-1
    method : {'lp', 'hull'}
        ``'lp'``: the feasibility LP (HiGHS dual simplex). ``'hull'``: the equivalent dual test (Gordan's theorem),
        the origin is not in the convex hull of the :math:`y_i x_i`, decided by non-negative least squares; exact up to
        round-off and 10--30 times faster for :math:`n \ge 100`.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_linearly_separable([[1.0, 0.0], [-1.0, 0.0]], [1, -1])
    True
    >>> is_linearly_separable([[1.0, 0.0], [-1.0, 0.0]], [1, 1])
    False
    """
    X = check_array("X", X, ndim=2, min_len=1)
    y = check_array("y", y, ndim=1, min_len=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`X` and `y` must have the same number of rows, got {X.shape[0]} and {y.shape[0]}.")
    if not np.all(np.abs(y) == 1):
        raise ValueError("`y` must contain only the labels -1 and +1.")
    method = _check_method(method)
    return _separable(y[:, None] * X, method)


def separable_fraction(n, alpha, n_trials, rng=None, method="lp"):
    r"""Fraction of random dichotomies of :math:`P = \mathrm{round}(\alpha n)` Gaussian points in :math:`\mathbb R^n`
    that are linearly separable, each decided exactly by linear programming.

    Parameters
    ----------
    n : int
        Dimension, >= 1.
    alpha : float
        Load :math:`P/n`, in (0, 100].
    n_trials : int
        Number of random dichotomies, >= 1.
    rng : None, int or numpy.random.Generator
    method : str
        As in :func:`is_linearly_separable`.

    Returns
    -------
    fraction, stderr : float
        The empirical fraction and its binomial standard error.

    Examples
    --------
    >>> separable_fraction(10, 1.0, 5, rng=0)[0]
    1.0
    """
    n = check_int("n", n, minimum=1)
    alpha = check_real("alpha", alpha, lower=0.0, lower_open=True, upper=100.0)  # P = alpha n points in memory
    n_trials = check_int("n_trials", n_trials, minimum=1)
    method = _check_method(method)
    rng = check_rng(rng)
    p = max(1, int(round(alpha * n)))
    hits = 0
    for _ in range(n_trials):
        z = rng.standard_normal((p, n)) * rng.choice([-1.0, 1.0], size=p)[:, None]
        hits += _separable(z, method)
    frac = hits / n_trials
    return frac, math.sqrt(max(frac * (1 - frac), 0.0) / n_trials)


def critical_pattern_counts(n, n_trials, rng=None, p_max=None, method="hull"):
    r"""Per-instance critical number of patterns :math:`P_c`: for a random sequence of labelled Gaussian patterns,
    the largest :math:`P` such that the first :math:`P` are linearly separable.

    Separability is monotone in :math:`P`, so :math:`P_c` is found by bisection with exact LP tests
    (about :math:`\log_2(3n)` linear programs per instance). By Cover's theorem
    :math:`\Pr[P_c \ge P] = C(P, n)/2^P = \Pr[\mathrm{Bin}(P-1, \tfrac12) \le n-1]` exactly: :math:`P_c` has the
    law of the number of fair coin flips needed to see :math:`n` heads (negative binomial), with mean :math:`2n` and
    variance :math:`2n`, so :math:`P_c/n` has mean 2 and standard deviation :math:`\sqrt{2/n}` for every :math:`n`
    (up to the cap ``p_max``).

    Parameters
    ----------
    n : int
        Dimension.
    n_trials : int
        Number of independent pattern sequences.
    rng : None, int or Generator
    p_max : int, optional
        Length of each sequence (default ``4 n``); :math:`P_c` is capped at it.
    method : {'hull', 'lp'}
        Exact separability test, see :func:`is_linearly_separable` (default the faster ``'hull'``).

    Returns
    -------
    ndarray of int, shape (n_trials,)

    Examples
    --------
    >>> critical_pattern_counts(5, 3, rng=1).shape
    (3,)
    """
    n = check_int("n", n, minimum=1)
    n_trials = check_int("n_trials", n_trials, minimum=1)
    p_max = 4 * n if p_max is None else check_int("p_max", p_max, minimum=n)
    method = _check_method(method)
    rng = check_rng(rng)
    out = np.empty(n_trials, dtype=np.int64)
    for t in range(n_trials):
        z = rng.standard_normal((p_max, n)) * rng.choice([-1.0, 1.0], size=p_max)[:, None]
        if _separable(z, method):
            out[t] = p_max
            continue
        lo, hi = n, p_max  # first n patterns are separable (general position); all p_max are not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _separable(z[:mid], method):
                lo = mid
            else:
                hi = mid
        out[t] = lo
    return out


# ---------------------------------------------------------------------------------------------------------------
# Binary (Ising) perceptron, replica-symmetric entropy (Gardner & Derrida 1988)
# ---------------------------------------------------------------------------------------------------------------


def _log2cosh(x):
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax))


def _entropic(qh):
    """(q(qh), G_S(qh)) with q = E tanh^2(sqrt(qh) z), G_S = E ln 2cosh(sqrt(qh) z)."""
    s = math.sqrt(qh)
    q = _gauss_integral(lambda z: np.tanh(s * z) ** 2)
    g = _gauss_integral(lambda z: _log2cosh(s * z))
    return q, g


def _energetic(q):
    """(G_E(q), G_E'(q)) with G_E = E ln Phi(a z), a = sqrt(q/(1-q))."""
    a = math.sqrt(q / (1.0 - q))
    g = _gauss_integral(lambda z: log_Phi(a * z))
    dadq = 0.5 / (a * (1.0 - q) ** 2)
    dg = dadq * _gauss_integral(lambda z: z * mills_ratio(a * z))
    return g, dg


@dataclass(frozen=True)
class BinaryRSEntropy:
    """Replica-symmetric saddle point of the binary perceptron at load ``alpha``.

    Attributes
    ----------
    alpha : float
    entropy : float
        :math:`s_{RS}(\\alpha)`, the RS estimate of :math:`\\lim \\frac1N \\ln \\#\\{\\text{solutions}\\}`.
    q, q_hat : float
        The overlap between two solutions and its conjugate.
    converged : bool
    n_iter : int
        Number of root-finder iterations.

    Examples
    --------
    >>> from course_lib.teacher_student import binary_perceptron_rs_entropy
    >>> r = binary_perceptron_rs_entropy(0.5)
    >>> type(r).__name__, bool(0 < r.entropy < 0.5 * np.log(2))
    ('BinaryRSEntropy', True)
    """

    alpha: float
    entropy: float
    q: float
    q_hat: float
    converged: bool
    n_iter: int


def binary_perceptron_rs_entropy(alpha):
    r"""Replica-symmetric entropy of the binary perceptron (margin 0, random labels).

    .. math::

        s_{RS}(\alpha) = \operatorname{extr}_{q, \hat q}\Big[-\tfrac{\hat q(1-q)}{2}
          + \int Dz \ln 2\cosh(\sqrt{\hat q} z) + \alpha \int Dz \ln \Phi\Big(\sqrt{\tfrac{q}{1-q}}\, z\Big)\Big],

    with :math:`q = \int Dz \tanh^2(\sqrt{\hat q} z)` and :math:`\hat q = -2\alpha\, \partial_q \int Dz \ln\Phi(\cdot)`.
    The saddle point is found with Brent's method on :math:`q \in (0, 1)`; every integral is adaptive quadrature.
    A saddle point with :math:`q < 1` exists for :math:`\alpha < 4/\pi`.

    Parameters
    ----------
    alpha : float
        Load :math:`P/N`, in :math:`(0, 4/\pi)`.

    Returns
    -------
    BinaryRSEntropy

    Raises
    ------
    ValueError
        If ``alpha`` is not in :math:`(0, 4/\pi)`.

    References
    ----------
    .. [1] E. Gardner and B. Derrida, "Optimal storage properties of neural network models", J. Phys. A 21, 271
       (1988): the binary (Ising) couplings.
    .. [2] W. Krauth and M. Mézard, "Storage capacity of memory networks with binary couplings", J. Phys. France 50,
       3057 (1989).

    Examples
    --------
    >>> r = binary_perceptron_rs_entropy(0.5)
    >>> 0 < r.entropy < 0.5 * math.log(2)
    True
    """
    alpha = check_real("alpha", alpha, lower=0.0, upper=4.0 / math.pi, lower_open=True, upper_open=True)

    def qhat_of(q):
        return -2.0 * alpha * _energetic(q)[1]

    def gap(q):
        return _entropic(qhat_of(q))[0] - q

    lo, hi = 1e-9, 1.0 - 1e-9
    # gap(lo) > 0 (the sign channel is informative at q = 0) and gap(hi) < 0 for alpha < 4/pi
    for hi_try in (0.9, 0.99, 0.999, 1 - 1e-4, 1 - 1e-5):
        if gap(hi_try) < 0:
            hi = hi_try
            break
    q, info = optimize.brentq(gap, lo, hi, xtol=1e-13, rtol=1e-12, full_output=True)
    qh = qhat_of(q)
    g_s = _entropic(qh)[1]
    g_e = _energetic(q)[0]
    s = -0.5 * qh * (1.0 - q) + g_s + alpha * g_e
    return BinaryRSEntropy(alpha, float(s), float(q), float(qh), bool(info.converged), int(info.iterations))


def binary_perceptron_capacity():
    r"""Capacity of the binary perceptron: the load where the RS entropy vanishes, :math:`s_{RS}(\alpha_c) = 0`.

    Krauth and Mézard showed that the one-step RSB solution has zero entropy exactly at this point, which gives
    :math:`\alpha_c \approx 0.833` (the RS divergence point :math:`4/\pi` is wrong because the RS entropy is negative
    there).

    Returns
    -------
    float

    References
    ----------
    .. [1] W. Krauth and M. Mézard, J. Phys. France 50, 3057 (1989): :math:`\alpha_c = 0.833`.

    Examples
    --------
    >>> round(binary_perceptron_capacity(), 3)
    0.833
    """
    return float(optimize.brentq(lambda a: binary_perceptron_rs_entropy(a).entropy, 0.6, 1.0, xtol=1e-10))


def binary_perceptron_rs_divergence():
    r"""Load where the RS saddle point reaches :math:`q = 1`, found from the :math:`q \to 1` expansion of
    :math:`s_{RS}`: the coefficient of :math:`1/(1-q)`, :math:`\sup_{\hat q}` of the entropic part minus
    :math:`\alpha \int_{-\infty}^0 Dz\, z^2/2`, vanishes; both integrals by quadrature. Equals :math:`4/\pi`.

    Examples
    --------
    >>> round(binary_perceptron_rs_divergence(), 10) == round(4 / math.pi, 10)
    True
    """
    e_abs = 2.0 * _gauss_integral(lambda z: z, lower=0.0, upper=np.inf)  # E|z|
    half_z2 = _gauss_integral(lambda z: 0.5 * z**2, lower=-np.inf, upper=0.0)  # E[z^2 1{z<0}]/2
    # entropic part at large qh: sqrt(qh) E|z| - qh (1-q)/2, maximal value E|z|^2 / (2 (1-q))
    return float(0.5 * e_abs**2 / half_z2)


# ---------------------------------------------------------------------------------------------------------------
# Exhaustive enumeration
# ---------------------------------------------------------------------------------------------------------------


@njit(cache=True)
def _enumerate_kernel(z, counts):
    """Gray-code walk over w in {-1,1}^N; counts[f] += 1 where f is the first violated pattern (P if none)."""
    p, n = z.shape
    w = np.ones(n)
    h = np.zeros(p)
    for mu in range(p):
        s = 0.0
        for j in range(n):
            s += z[mu, j]
        h[mu] = s
    total = 1 << n
    for k in range(total):
        if k > 0:
            j = 0
            kk = k
            while (kk & 1) == 0:
                kk >>= 1
                j += 1
            w[j] = -w[j]
            for mu in range(p):
                h[mu] += 2.0 * w[j] * z[mu, j]
        f = p
        for mu in range(p):
            if h[mu] <= 0.0:
                f = mu
                break
        counts[f] += 1


@dataclass(frozen=True)
class BinaryEnumeration:
    """Result of :func:`binary_perceptron_enumeration`.

    Attributes
    ----------
    n_solutions : ndarray, shape (n_trials, n_patterns + 1)
        Number of :math:`w\\in\\{\\pm1\\}^N` storing the first :math:`P` patterns, for :math:`P = 0, \\dots`.
    critical : ndarray, shape (n_trials,)
        Largest :math:`P` with at least one solution (capped at ``n_patterns``).

    Examples
    --------
    >>> from course_lib.teacher_student import binary_perceptron_enumeration
    >>> r = binary_perceptron_enumeration(5, 3, 2, rng=0)
    >>> type(r).__name__, r.n_solutions[:, 0].tolist()  # all 2^5 vectors solve zero patterns
    ('BinaryEnumeration', [32, 32])
    """

    n_solutions: np.ndarray
    critical: np.ndarray


def binary_perceptron_enumeration(n, n_patterns, n_trials, rng=None):
    r"""Exhaustive enumeration of the :math:`2^N` binary perceptrons on random Gaussian patterns with random labels.

    For each trial a sequence of ``n_patterns`` labelled patterns is drawn and every :math:`w \in \{\pm 1\}^N`
    is visited (Gray code, :math:`O(2^N P)` operations), recording how many store the first :math:`P` patterns.
    Exact for the instance, but limited to :math:`N \lesssim 25`, where finite-size effects are large.

    Examples
    --------
    >>> r = binary_perceptron_enumeration(5, 3, 2, rng=0)
    >>> r.n_solutions[:, 0].tolist()
    [32, 32]
    """
    n = check_int("n", n, minimum=1, maximum=26)
    n_patterns = check_int("n_patterns", n_patterns, minimum=1)
    n_trials = check_int("n_trials", n_trials, minimum=1)
    rng = check_rng(rng)
    sols = np.empty((n_trials, n_patterns + 1), dtype=np.int64)
    for t in range(n_trials):
        z = rng.standard_normal((n_patterns, n)) * rng.choice([-1.0, 1.0], size=n_patterns)[:, None]
        counts = np.zeros(n_patterns + 1, dtype=np.int64)
        _enumerate_kernel(z, counts)
        sols[t] = np.cumsum(counts[::-1])[::-1]
    crit = np.array([np.max(np.nonzero(row > 0)[0]) for row in sols], dtype=np.int64)
    return BinaryEnumeration(sols, crit)
