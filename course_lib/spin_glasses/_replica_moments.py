"""Integer moments of the SK partition function: exact finite sums and their replica saddle point.

For :math:`H(S) = -\\sum_{i<j} J_{ij} S_i S_j` with independent :math:`J_{ij} \\sim \\mathcal N(0, 1/N)`, the Gaussian
average of the replicated partition function is, for every integer :math:`n \\ge 1` and every :math:`N`,

.. math::
    \\mathbb E Z^n = e^{\\beta^2 nN/4 - \\beta^2 n^2/4}
    \\sum_{S^1, \\dots, S^n} \\exp\\Bigl(\\frac{\\beta^2}{2N}\\sum_{a<b} Q_{ab}^2\\Bigr),
    \\qquad Q_{ab} = \\sum_{i=1}^N S_i^a S_i^b .

The summand depends on the configurations only through the numbers :math:`c_t` of sites whose column
:math:`(S_i^1, \\dots, S_i^n)` equals :math:`t`; flipping a whole column leaves every :math:`Q_{ab}` unchanged, so the
:math:`2^{n-1}` columns with :math:`t_1 = +1` suffice and the sum becomes
:math:`2^N \\sum_c \\binom{N}{c} \\exp(\\frac{\\beta^2}{2N}\\sum_{a<b}(\\sum_t c_t t_a t_b)^2)` over the weak
compositions :math:`c` of :math:`N` into :math:`2^{n-1}` parts: an exact finite sum, evaluated in log-sum-exp form
by a compiled kernel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy import optimize, special

from .._validation import check_int, check_real

__all__ = ["ReplicaMomentSaddle", "sk_replica_moment", "sk_replica_moment_saddle"]

_MAX_TERMS = 10**8  # about ten seconds of the compiled kernel for n = 4


@njit(cache=True)
def _log_moment_kernel(n_sites, pair_signs, log_fact, coef):
    """log sum_c N!/prod(c_t!) exp(coef * sum_pairs (sum_t c_t pair_signs[t, p])^2) over weak compositions c.

    pair_signs has shape (m, n_pairs); the compositions are enumerated in lexicographic order by moving the last unit.
    """
    m, n_pairs = pair_signs.shape
    c = np.zeros(m, dtype=np.int64)
    c[0] = n_sites
    best = -np.inf
    acc = 0.0
    while True:
        x = log_fact[n_sites]
        for t in range(m):
            x -= log_fact[c[t]]
        s = 0.0
        for p in range(n_pairs):
            qp = 0.0
            for t in range(m):
                qp += c[t] * pair_signs[t, p]
            s += qp * qp
        x += coef * s
        if x > best:
            acc = acc * math.exp(best - x) + 1.0
            best = x
        else:
            acc += math.exp(x - best)
        if m == 1:
            break
        last = c[m - 1]
        c[m - 1] = 0
        j = m - 2
        while j >= 0 and c[j] == 0:
            j -= 1
        if j < 0:
            break
        c[j] -= 1
        c[j + 1] = last + 1
    return best + math.log(acc)


def _pair_signs(n):
    """Columns t in {+-1}^n with t_1 = +1 (rows) and the products t_a t_b over pairs a < b (columns)."""
    m = 2 ** (n - 1)
    cols = np.ones((m, n))
    for t in range(m):
        for a in range(1, n):
            if (t >> (a - 1)) & 1:
                cols[t, a] = -1.0
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    out = np.empty((m, max(len(pairs), 1)))
    out[:, 0] = 0.0
    for p, (a, b) in enumerate(pairs):
        out[:, p] = cols[:, a] * cols[:, b]
    return out


def sk_replica_moment(n, N, beta):
    """Exact :math:`\\log\\mathbb E Z_N^n` of the SK model at zero field, for integer ``n`` (finite sum, no sampling).

    .. math::
        \\log\\mathbb E Z_N^n = N\\log 2 + \\frac{\\beta^2 nN}{4} - \\frac{\\beta^2n^2}{4}
        + \\log\\sum_{c}\\binom{N}{c}\\exp\\Bigl(\\frac{\\beta^2}{2N}\\sum_{a<b}\\Bigl(\\sum_t c_t t_at_b\\Bigr)^2\\Bigr),

    the sum running over the counts :math:`c = (c_t)` of the :math:`2^{n-1}` site columns :math:`t\\in\\{\\pm1\\}^n` with
    :math:`t_1 = +1` (weak compositions of :math:`N`). For ``n = 1`` it is :math:`N\\log 2 + \\beta^2(N - 1)/4`; for
    ``n = 2`` a binomial sum over the overlap :math:`Q_{12} = N - 2k`. The number of terms is
    :math:`\\binom{N + 2^{n-1} - 1}{2^{n-1} - 1}`: ``n = 2`` reaches :math:`N = 10^6`, ``n = 3`` a few hundred,
    ``n = 4`` about 40.

    Parameters
    ----------
    n : int
        Number of replicas, 1 to 6.
    N : int
        Number of spins, ``N >= 1`` (the number of terms must stay below 1e8).
    beta : float
        Inverse temperature, ``0 <= beta <= 100``.

    Returns
    -------
    float
        :math:`\\log\\mathbb E Z_N^n`, the expectation over the couplings :math:`J_{ij}\\sim\\mathcal N(0, 1/N)`,
        :math:`i < j`.

    Raises
    ------
    ValueError
        If ``n`` is outside 1..6, ``N < 1``, ``beta`` outside [0, 100], or the sum has more than 1e8 terms.
    TypeError
        If ``n`` or ``N`` is not an integer or ``beta`` not a real number.

    References
    ----------
    .. [1] M. Mézard, G. Parisi and M. A. Virasoro, *Spin Glass Theory and Beyond*, World Scientific (1987),
       ch. II (the replicated partition function after the Gaussian average).
    .. [2] M. Aizenman, J. L. Lebowitz and D. Ruelle, Commun. Math. Phys. 112, 3 (1987): the second moment.

    Examples
    --------
    >>> from course_lib.spin_glasses import sk_replica_moment
    >>> import math
    >>> abs(sk_replica_moment(1, 10, 0.5) - (10 * math.log(2) + 0.25 * 9 / 4)) < 1e-12
    True
    >>> round(sk_replica_moment(2, 3, 1.0), 6)
    5.355246
    """
    n = check_int("n", n, minimum=1, maximum=6)
    N = check_int("N", N, minimum=1)
    beta = check_real("beta", beta, lower=0.0, upper=100.0)
    m = 2 ** (n - 1)
    terms = math.comb(N + m - 1, m - 1)
    if terms > _MAX_TERMS:
        raise ValueError(
            f"`N` = {N} with n = {n} needs {terms:.3g} terms (compositions of N into 2^(n-1) = {m} parts); "
            f"at most {_MAX_TERMS:.0e} are allowed: take a smaller `N` or `n`."
        )
    log_fact = special.gammaln(np.arange(N + 1, dtype=float) + 1.0)
    coef = beta**2 / (2.0 * N)
    s = _log_moment_kernel(N, _pair_signs(n), log_fact, coef)
    return float(N * np.log(2.0) + beta**2 * n * N / 4.0 - beta**2 * n**2 / 4.0 + s)


@dataclass(frozen=True)
class ReplicaMomentSaddle:
    """Replica-symmetric saddle point of :math:`\\frac1N\\log\\mathbb E Z^n` for integer ``n`` at large ``N``.

    Attributes
    ----------
    n : int
    beta : float
    q : float
        Maximiser of :math:`\\Phi_n(q)` on :math:`[0, 1]` (``0`` in the paramagnetic phase).
    rate : float
        :math:`\\lim_N \\frac1N\\log\\mathbb E Z_N^n = \\max_q \\Phi_n(q)`.
    rate_paramagnetic : float
        :math:`\\Phi_n(0) = n(\\log 2 + \\beta^2/4)`.
    constant_paramagnetic : float
        The :math:`O(1)` term of :math:`\\log\\mathbb E Z_N^n` around :math:`q = 0` for :math:`\\beta < 1`,
        :math:`-\\beta^2n^2/4 - \\frac{n(n-1)}{4}\\log(1 - \\beta^2)` (``nan`` for :math:`\\beta \\ge 1`).

    Examples
    --------
    >>> from course_lib.spin_glasses import sk_replica_moment_saddle
    >>> res = sk_replica_moment_saddle(2, 0.5)
    >>> type(res).__name__, res.q
    ('ReplicaMomentSaddle', 0.0)
    """

    n: int
    beta: float
    q: float
    rate: float
    rate_paramagnetic: float
    constant_paramagnetic: float


def _phi_rs(q, n, beta):
    """Phi_n(q) = b^2 n/4 - b^2 n(n-1) q^2/4 - b^2 n q/2 + log sum_k C(n,k) exp(b^2 q (n-2k)^2/2)."""
    k = np.arange(n + 1)
    logs = special.gammaln(n + 1.0) - special.gammaln(k + 1.0) - special.gammaln(n - k + 1.0)
    tail = special.logsumexp(logs + beta**2 * q * (n - 2.0 * k) ** 2 / 2.0)
    return beta**2 * n / 4.0 - beta**2 * n * (n - 1) * q * q / 4.0 - beta**2 * n * q / 2.0 + tail


def sk_replica_moment_saddle(n, beta):
    """Large-:math:`N` limit of :math:`\\frac1N\\log\\mathbb E Z_N^n` for integer ``n``, replica-symmetric saddle point.

    After a Hubbard--Stratonovich transformation of every :math:`e^{\\beta^2Q_{ab}^2/(2N)}` the sum over spins
    factorises over sites, and Laplace's method gives :math:`\\frac1N\\log\\mathbb E Z^n \\to \\max_Q G(Q)`. With
    :math:`Q_{ab} = q` for all :math:`a < b` and :math:`\\mathbb E_z(2\\cosh\\beta\\sqrt q z)^n =
    \\sum_k\\binom nk e^{\\beta^2q(n-2k)^2/2}`,

    .. math::
        \\Phi_n(q) = \\frac{\\beta^2 n}{4} - \\frac{\\beta^2n(n-1)}{4}q^2 - \\frac{\\beta^2 n}{2}q
        + \\log\\sum_{k=0}^n\\binom nk e^{\\beta^2q(n-2k)^2/2},

    maximised over :math:`q\\in[0,1]` (for integer :math:`n \\ge 2` the saddle is a maximum, unlike :math:`n \\to 0`).
    :math:`\\Phi_n(0) = n(\\log 2 + \\beta^2/4)` is the paramagnetic value; :math:`q = 0` is a local maximum for
    :math:`\\beta < 1` and not for :math:`\\beta > 1` (nor at :math:`\\beta = 1` if :math:`n \\ge 3`), but for
    :math:`n \\ge 3` a saddle with :math:`q > 0` takes over at a smaller :math:`\\beta` (a first-order transition).
    The maximisation is global: a grid of 2001 points, then bounded Brent iterations between the neighbours of the
    best grid point.

    Parameters
    ----------
    n : int
        Number of replicas, 1 to 50.
    beta : float
        Inverse temperature, ``0 <= beta <= 100``.

    Returns
    -------
    ReplicaMomentSaddle

    Raises
    ------
    ValueError
        If ``n`` is outside 1..50 or ``beta`` outside [0, 100].
    TypeError
        If ``n`` is not an integer or ``beta`` not a real number.

    References
    ----------
    .. [1] M. Mézard, G. Parisi and M. A. Virasoro, *Spin Glass Theory and Beyond*, World Scientific (1987), ch. II.
    .. [2] M. Talagrand, *Mean Field Models for Spin Glasses*, vol. I, Springer (2011), ch. 1 (the second moment).

    Examples
    --------
    >>> round(sk_replica_moment_saddle(2, 1.5).q, 6)
    0.975496
    """
    n = check_int("n", n, minimum=1, maximum=50)
    beta = check_real("beta", beta, lower=0.0, upper=100.0)
    para = n * (np.log(2.0) + beta**2 / 4.0)
    const = -beta**2 * n**2 / 4.0 - n * (n - 1) / 4.0 * np.log1p(-beta**2) if beta < 1.0 else float("nan")
    if n == 1 or beta == 0.0:
        return ReplicaMomentSaddle(n, beta, 0.0, float(para), float(para), float(const))
    grid = np.linspace(0.0, 1.0, 2001)
    vals = np.array([_phi_rs(q, n, beta) for q in grid])
    i = int(np.argmax(vals))
    q_best, v_best = float(grid[i]), float(vals[i])
    if i > 0:
        lo, hi = grid[i - 1], grid[min(i + 1, grid.size - 1)]
        res = optimize.minimize_scalar(lambda q: -_phi_rs(q, n, beta), bounds=(lo, hi), method="bounded",
                                       options={"xatol": 1e-13})
        if -res.fun > v_best:
            q_best, v_best = float(res.x), float(-res.fun)
    if q_best == 0.0 or v_best <= para:
        q_best, v_best = 0.0, float(para)
    return ReplicaMomentSaddle(n, beta, q_best, v_best, float(para), float(const))
