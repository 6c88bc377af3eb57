r"""Compiled online SGD for two-layer networks with erf units (soft committee machines).

One fresh sample per step; the samples are drawn in chunks by the wrapper with the caller's Generator and
handed to an ``@njit`` kernel that performs the updates in place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import math

from numba import njit
from scipy.special import erf

from ..._validation import check_array, check_int, check_real, check_rng
from ._saad_solla import _eps_g

__all__ = ["OnlineSGDResult", "online_sgd_committee", "committee_output", "train_committee_on_data"]


def _given_or_gaussian(name, value, shape, dims, rng, scale=1.0):
    """``value`` validated (a float copy, with an error naming ``name`` and the symbolic ``dims`` if its shape is
    wrong), or, if it is None, ``scale`` times a standard Gaussian array of ``shape`` drawn from ``rng``."""
    if value is None:
        return scale * rng.standard_normal(shape)
    out = check_array(name, value, ndim=len(shape)).copy()
    if out.shape != tuple(shape):
        raise ValueError(f"`{name}` must have shape {dims} = {tuple(shape)}, got {out.shape}.")
    return out


def _check_schedule(K, lr, n_steps, n_records, init_scale):
    """Validate the arguments shared by the online-SGD drivers; ``n_steps`` must be a multiple of ``n_records``."""
    K = check_int("K", K, minimum=1)
    # (the learning rates of the theory are of order one; far above, the erf units saturate and nothing is learned,
    # and the overlaps W W^T / N overflow in the error formula)
    lr = check_real("lr", lr, lower=0.0, lower_open=True, upper=1e3)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    n_records = check_int("n_records", n_records, minimum=1)
    init_scale = check_real("init_scale", init_scale, lower=0.0, upper=1e3)
    if n_steps % n_records:
        raise ValueError(f"`n_steps` ({n_steps}) must be a multiple of `n_records` ({n_records}).")
    return K, lr, n_steps, n_records, init_scale


_SQRT2 = np.sqrt(2.0)


@njit(cache=True)
def _sgd_kernel(W, X, y, lr, sqrt_n):
    """In place: W <- W - (lr / sqrt_n) g'(lambda_i) (y_hat - y) x for every row x of X (erf units)."""
    K, N = W.shape
    lam = np.empty(K)
    c = np.sqrt(2.0 / np.pi)
    for s in range(X.shape[0]):
        y_hat = 0.0
        for i in range(K):
            acc = 0.0
            for j in range(N):
                acc += W[i, j] * X[s, j]
            lam[i] = acc / sqrt_n
            y_hat += math.erf(lam[i] / math.sqrt(2.0))
        err = y_hat - y[s]
        for i in range(K):
            coef = lr / sqrt_n * c * np.exp(-0.5 * lam[i] * lam[i]) * err
            for j in range(N):
                W[i, j] -= coef * X[s, j]


def committee_output(W, X):
    r"""Output :math:`\hat y(x) = \sum_i \operatorname{erf}(w_i\cdot x/\sqrt{2N})` of a soft committee machine.

    Parameters
    ----------
    W : array_like, shape (K, N)
        First-layer weights (second layer fixed to one).
    X : array_like, shape (n, N)
        Inputs.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> float(committee_output(np.zeros((2, 3)), np.ones((1, 3)))[0])
    0.0
    """
    W = check_array("W", W, ndim=2)
    X = check_array("X", X, ndim=2)
    if X.shape[1] != W.shape[1]:
        raise ValueError(f"`X` must have {W.shape[1]} columns (the input dimension of `W`), got {X.shape[1]}.")
    return erf(X @ W.T / np.sqrt(W.shape[1]) / _SQRT2).sum(axis=1)


@dataclass(frozen=True)
class OnlineSGDResult:
    """Trajectory of :func:`online_sgd_committee` on the grid ``t`` (t = steps / N).

    Attributes
    ----------
    t : ndarray, shape (n_t,)
    Q, R : ndarray, shapes (n_t, K, K), (n_t, K, M)
    T : ndarray, shape (M, M)
    eps_g : ndarray, shape (n_t,)
        Exact generalisation error :math:`\\varepsilon_g(Q(t), R(t), T)` (closed form, no test set).
    W, W_teacher : ndarray
        Final student weights and the teacher weights.
    n_steps : int

    Examples
    --------
    >>> from course_lib.teacher_student.dynamics import online_sgd_committee
    >>> res = online_sgd_committee(50, 1, 1, 0.5, 100, rng=0, n_records=4)
    >>> type(res).__name__, res.t.shape
    ('OnlineSGDResult', (5,))
    """

    t: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    T: np.ndarray
    eps_g: np.ndarray
    W: np.ndarray
    W_teacher: np.ndarray
    n_steps: int


def _check_diverged(W, lr, step):
    if not np.all(np.isfinite(W)):
        raise FloatingPointError(
            f"online SGD diverged (non-finite weights by step {step}): decrease the learning rate `lr` (got {lr:g})."
        )


def online_sgd_committee(N, K, M, lr, n_steps, rng=None, *, W0=None, W_teacher=None, init_scale=1e-3,
                         n_records=200):
    r"""Online SGD of an erf soft committee machine learning a teacher committee, one fresh sample per step.

    Inputs :math:`x\sim\mathcal N(0, I_N)`, teacher :math:`y = \sum_{n=1}^M g(w^*_n\cdot x/\sqrt N)`, student
    :math:`\hat y = \sum_{i=1}^K g(w_i\cdot x/\sqrt N)`, :math:`g(z) = \operatorname{erf}(z/\sqrt2)`, update

    .. math:: w_i \leftarrow w_i - \frac{\eta}{\sqrt N}\, g'(\lambda_i)\,(\hat y - y)\, x

    (Goldt et al. 2019 scaling with second layers fixed to one). The overlaps are recorded on an equally spaced
    grid of ``n_records + 1`` times :math:`t = \text{steps}/N` and the generalisation error is evaluated from them
    in closed form, so the only randomness is that of the dynamics.

    Parameters
    ----------
    N : int
        Input dimension.
    K, M : int
        Hidden units of student and teacher.
    lr : float
        Learning rate, in (0, 1e3].
    n_steps : int
        Number of SGD steps (one sample each); must be a multiple of ``n_records``.
    rng : None, int or numpy.random.Generator
    W0 : array_like, shape (K, N), optional
        Initial student weights; default :math:`\mathcal N(0, \texttt{init\_scale}^2)` entries.
    W_teacher : array_like, shape (M, N), optional
        Teacher weights; default standard Gaussian entries (so :math:`T \approx I`).
    init_scale : float
        Standard deviation of the default initial student weights.
    n_records : int
        Number of recording intervals.

    Returns
    -------
    OnlineSGDResult

    Raises
    ------
    ValueError
        For bad sizes or shapes.
    FloatingPointError
        If the weights become non-finite (too large a learning rate).

    References
    ----------
    Saad & Solla (1995), Phys. Rev. E 52, 4225; Goldt et al. (2019), NeurIPS, arXiv:1906.08632, Eq. (2)
    (with :math:`v_k = 1`).

    Examples
    --------
    >>> res = online_sgd_committee(50, 1, 1, 0.5, 500, rng=0, n_records=5)
    >>> res.t.tolist()
    [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    """
    N = check_int("N", N, minimum=1)
    M = check_int("M", M, minimum=1)
    K, lr, n_steps, n_records, init_scale = _check_schedule(K, lr, n_steps, n_records, init_scale)
    rng = check_rng(rng)
    Wt = _given_or_gaussian("W_teacher", W_teacher, (M, N), "(M, N)", rng)
    W = _given_or_gaussian("W0", W0, (K, N), "(K, N)", rng, scale=init_scale)
    T = Wt @ Wt.T / N
    per = n_steps // n_records
    chunk = max(1, min(per, 2_000_000 // N))
    Qs = np.empty((n_records + 1, K, K))
    Rs = np.empty((n_records + 1, K, M))
    Qs[0], Rs[0] = W @ W.T / N, W @ Wt.T / N
    sqrt_n = np.sqrt(N)
    for r in range(n_records):
        done = 0
        while done < per:
            b = min(chunk, per - done)
            X = rng.standard_normal((b, N), dtype=np.float32)
            y = erf(X @ Wt.T / sqrt_n / _SQRT2).sum(axis=1)
            _sgd_kernel(W, X, y, lr, sqrt_n)
            done += b
        _check_diverged(W, lr, (r + 1) * per)
        Qs[r + 1], Rs[r + 1] = W @ W.T / N, W @ Wt.T / N
    t = np.arange(n_records + 1) * per / N
    eps = np.array([_eps_g(Qs[j], Rs[j], T) for j in range(n_records + 1)])
    return OnlineSGDResult(t, Qs, Rs, T, eps, W, Wt, n_steps)


def train_committee_on_data(sample, K, lr, n_steps, rng=None, *, W0=None, eval_X=None, eval_y=None,
                            init_scale=1e-3, n_records=100):
    r"""Online SGD of an erf soft committee machine on samples from an arbitrary stream.

    ``sample(b, rng)`` must return a pair ``(X, y)`` of ``b`` fresh inputs (shape (b, N)) and labels; it is called
    in chunks, one sample per SGD step (the update of :func:`online_sgd_committee`). The error
    :math:`\tfrac12\langle(\hat y - y)^2\rangle` on the held-out set ``(eval_X, eval_y)`` is recorded.

    Parameters
    ----------
    sample : callable
        ``sample(b, rng) -> (X, y)``.
    K : int
        Student hidden units.
    lr : float
        Learning rate, in (0, 1e3].
    n_steps : int
        Number of SGD steps, a multiple of ``n_records``.
    rng : None, int or numpy.random.Generator
    W0 : array_like, shape (K, N), optional
        Initial weights (default Gaussian with standard deviation ``init_scale``).
    eval_X, eval_y : array_like
        Held-out inputs and labels (required).
    init_scale : float
    n_records : int

    Returns
    -------
    t : ndarray
        Times steps / N.
    test_error : ndarray
        Held-out half mean squared error at those times.
    W : ndarray
        Final weights.

    Raises
    ------
    TypeError
        If ``sample`` is not callable.
    ValueError
        For bad sizes, missing or inconsistent evaluation data, or a ``sample`` that returns arrays of the wrong
        shape.

    References
    ----------
    Goldt, Mézard, Krzakala & Zdeborová (2020), Phys. Rev. X 10, 041044 (online SGD on structured data).

    Examples
    --------
    >>> r = np.random.default_rng(0); Xe = r.standard_normal((100, 20)); ye = np.zeros(100)
    >>> t, err, W = train_committee_on_data(lambda b, g: (g.standard_normal((b, 20)), np.zeros(b)), 2, 0.1, 40,
    ...                                     rng=1, eval_X=Xe, eval_y=ye, n_records=2)
    >>> t.tolist()
    [0.0, 1.0, 2.0]
    """
    if not callable(sample):
        raise TypeError(f"`sample` must be callable, got {type(sample).__name__}.")
    K, lr, n_steps, n_records, init_scale = _check_schedule(K, lr, n_steps, n_records, init_scale)
    if eval_X is None or eval_y is None:
        raise ValueError("`eval_X` and `eval_y` are required.")
    eval_X = check_array("eval_X", eval_X, ndim=2)
    eval_y = check_array("eval_y", eval_y, ndim=1)
    if eval_y.shape[0] != eval_X.shape[0]:
        raise ValueError("`eval_y` must have one entry per row of `eval_X`.")
    N = eval_X.shape[1]
    rng = check_rng(rng)
    W = _given_or_gaussian("W0", W0, (K, N), "(K, N)", rng, scale=init_scale)
    per = n_steps // n_records
    chunk = max(1, min(per, 2_000_000 // N))
    err = np.empty(n_records + 1)
    err[0] = 0.5 * np.mean((committee_output(W, eval_X) - eval_y) ** 2)
    sqrt_n = np.sqrt(N)
    for r in range(n_records):
        done = 0
        while done < per:
            b = min(chunk, per - done)
            X, y = sample(b, rng)
            X = np.ascontiguousarray(X, dtype=float)
            y = np.ascontiguousarray(y, dtype=float)
            if X.shape != (b, N) or y.shape != (b,):
                raise ValueError(f"`sample({b}, rng)` must return X of shape {(b, N)} and y of shape {(b,)}, "
                                 f"got {X.shape} and {y.shape}.")
            _sgd_kernel(W, X, y, lr, sqrt_n)
            done += b
        _check_diverged(W, lr, (r + 1) * per)
        err[r + 1] = 0.5 * np.mean((committee_output(W, eval_X) - eval_y) ** 2)
    t = np.arange(n_records + 1) * per / N
    return t, err, W
