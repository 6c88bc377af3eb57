"""Generalization: Rademacher complexity of norm balls, spectral margin complexity, a small MLP trainer,
and the Nagarajan--Kolter example where uniform convergence fails."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, special, stats

from .._validation import check_array, check_int, check_real, check_rng, check_sequence

__all__ = [
    "RademacherEstimate",
    "empirical_rademacher",
    "linear_rademacher_bound",
    "spectral_complexity",
    "MLPResult",
    "train_mlp",
    "mlp_logits",
    "flipped_noise_data",
    "flipped_noise_test_error",
    "flipped_noise_flipped_error",
]

_NORMS = ("l2", "l1")
_MAX_EXACT_N = 20


def _check_norm(norm):
    if not isinstance(norm, str) or norm not in _NORMS:
        raise ValueError(f"`norm` must be one of {_NORMS}, got {norm!r}.")
    return norm


def _dual_norms(S, norm):
    """Dual norm of the rows of S: l2 for the l2 ball, l-infinity for the l1 ball."""
    if norm == "l2":
        return np.sqrt(np.einsum("ij,ij->i", S, S))
    return np.max(np.abs(S), axis=1)


@dataclass(frozen=True)
class RademacherEstimate:
    """Result of :func:`empirical_rademacher`.

    Attributes
    ----------
    value : float
        The empirical Rademacher complexity (exact) or its Monte Carlo estimate.
    stderr : float
        Monte Carlo standard error (0 when exact).
    exact : bool
        Whether ``value`` was obtained by enumerating all :math:`2^n` sign vectors.
    n_draws : int
        Number of sign vectors averaged over (:math:`2^n` when exact).

    Examples
    --------
    >>> from course_lib.erm import empirical_rademacher
    >>> res = empirical_rademacher([[1.0], [1.0]])
    >>> type(res).__name__, res.value, res.exact
    ('RademacherEstimate', 0.5, True)
    """

    value: float
    stderr: float
    exact: bool
    n_draws: int


def empirical_rademacher(X, *, norm="l2", radius=1.0, n_draws=None, rng=None):
    r"""Empirical Rademacher complexity of a norm ball of linear functions on the sample ``X``.

    For :math:`\mathcal F = \{x\mapsto\langle w,x\rangle : \lVert w\rVert \le B\}` the supremum is explicit
    (duality of norms):

    .. math:: \widehat{\mathfrak R}_S(\mathcal F) = \mathbb E_\varepsilon \sup_{\lVert w\rVert\le B}
              \frac1n\sum_{i=1}^n \varepsilon_i\langle w, x_i\rangle
              = \frac Bn\,\mathbb E_\varepsilon \Bigl\lVert \sum_{i=1}^n \varepsilon_i x_i\Bigr\rVert_*,

    with :math:`\varepsilon_i` independent uniform signs and :math:`\lVert\cdot\rVert_*` the dual norm
    (:math:`\ell_2` for the :math:`\ell_2` ball, :math:`\ell_\infty` for the :math:`\ell_1` ball) [1]_.

    Parameters
    ----------
    X : array_like, shape (n, d)
        The sample, one point per row.
    norm : {"l2", "l1"}
        The norm of the ball.
    radius : float
        :math:`B > 0`.
    n_draws : int or None
        ``None``: exact, by enumerating the :math:`2^n` sign vectors (only for :math:`n \le 20`); an integer
        :math:`\ge 2`: Monte Carlo average over that many independent sign vectors.
    rng : None, int or numpy.random.Generator
        Used only for Monte Carlo.

    Returns
    -------
    RademacherEstimate

    Raises
    ------
    ValueError
        If ``norm`` is unknown, ``radius`` is not positive, or ``n_draws`` is None with :math:`n > 20`.

    References
    ----------
    .. [1] P. L. Bartlett and S. Mendelson, "Rademacher and Gaussian complexities: risk bounds and
       structural results", J. Mach. Learn. Res. 3, 463--482 (2002).

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.erm import empirical_rademacher
    >>> X = np.eye(2)  # E|(e1, e2)| = sqrt(2) for every sign vector
    >>> round(empirical_rademacher(X).value, 6)  # B sqrt(2) / n
    0.707107
    >>> mc = empirical_rademacher(X, n_draws=100, rng=0)
    >>> round(mc.value, 6), mc.stderr < 1e-12
    (0.707107, True)
    """
    X = check_array("X", X, ndim=2, min_len=1)
    if X.shape[1] < 1:
        raise ValueError(f"`X` must have at least one column, got shape {X.shape}.")
    norm = _check_norm(norm)
    radius = check_real("radius", radius, lower=0.0, lower_open=True)
    rng = check_rng(rng)  # validated even when unused (exact enumeration)
    n = X.shape[0]
    if n_draws is None:
        if n > _MAX_EXACT_N:
            raise ValueError(
                f"`n_draws` must be an integer (Monte Carlo) when `X` has more than {_MAX_EXACT_N} rows "
                f"(exact enumeration of 2^n sign vectors), got n_draws=None with n={n}."
            )
        total = 0.0
        count = 2**n
        chunk = 1 << min(n, 14)
        bits = np.arange(n)
        for start in range(0, count, chunk):
            codes = np.arange(start, min(start + chunk, count))
            signs = 1.0 - 2.0 * ((codes[:, None] >> bits[None, :]) & 1)
            total += float(np.sum(_dual_norms(signs @ X, norm)))
        return RademacherEstimate(value=radius * total / count / n, stderr=0.0, exact=True, n_draws=count)
    n_draws = check_int("n_draws", n_draws, minimum=2)
    vals = np.empty(n_draws)
    chunk = max(1, min(n_draws, 2**22 // max(n, X.shape[1])))
    for start in range(0, n_draws, chunk):
        k = min(chunk, n_draws - start)
        signs = rng.integers(0, 2, size=(k, n)) * 2.0 - 1.0
        vals[start : start + k] = _dual_norms(signs @ X, norm)
    vals *= radius / n
    return RademacherEstimate(
        value=float(vals.mean()), stderr=float(vals.std(ddof=1) / np.sqrt(n_draws)), exact=False, n_draws=n_draws
    )


def linear_rademacher_bound(X, *, norm="l2", radius=1.0):
    r"""Closed-form upper bound on the empirical Rademacher complexity of a norm ball of linear functions.

    .. math:: \ell_2 \text{ ball:}\quad \widehat{\mathfrak R}_S \le \frac Bn\sqrt{\textstyle\sum_i\lVert x_i\rVert_2^2}
              \le \frac{B\max_i\lVert x_i\rVert_2}{\sqrt n}, \qquad
              \ell_1 \text{ ball:}\quad \widehat{\mathfrak R}_S \le B\max_i\lVert x_i\rVert_\infty
              \sqrt{\frac{2\log(2d)}{n}} .

    The first is Jensen's inequality, the second Massart's finite-class lemma applied to the :math:`2d`
    vertices :math:`\pm B e_j` of the ball [1]_ [2]_. The first is tight up to the factor
    :math:`1/\sqrt2` (Latała--Oleszkiewicz).

    Parameters
    ----------
    X : array_like, shape (n, d)
    norm : {"l2", "l1"}
    radius : float
        :math:`B > 0`.

    Returns
    -------
    float

    References
    ----------
    .. [1] P. L. Bartlett and S. Mendelson, J. Mach. Learn. Res. 3, 463--482 (2002).
    .. [2] S. Shalev-Shwartz and S. Ben-David, *Understanding Machine Learning*, CUP (2014), Lemma 26.8
       and Lemma 26.11.

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.erm import linear_rademacher_bound
    >>> round(linear_rademacher_bound(np.eye(2)), 6)  # sqrt(2) / 2
    0.707107
    >>> round(linear_rademacher_bound(np.eye(2), norm="l1"), 6)  # sqrt(2 log 4 / 2)
    1.17741
    """
    X = check_array("X", X, ndim=2, min_len=1)
    if X.shape[1] < 1:
        raise ValueError(f"`X` must have at least one column, got shape {X.shape}.")
    norm = _check_norm(norm)
    radius = check_real("radius", radius, lower=0.0, lower_open=True)
    n, d = X.shape
    if norm == "l2":
        return float(radius * np.sqrt(np.sum(X * X)) / n)
    return float(radius * np.max(np.abs(X)) * np.sqrt(2.0 * np.log(2.0 * d) / n))


def spectral_complexity(weights, *, reference=None):
    r"""Spectral complexity :math:`R_A` of a network :math:`x\mapsto A_L\sigma(A_{L-1}\cdots\sigma(A_1x))` with
    1-Lipschitz activations (Bartlett--Foster--Telgarsky 2017).

    .. math:: R_A = \Bigl(\prod_{i=1}^L \lVert A_i\rVert_{\mathrm{op}}\Bigr)
              \Bigl(\sum_{i=1}^L \frac{\lVert A_i^\top - M_i^\top\rVert_{2,1}^{2/3}}
              {\lVert A_i\rVert_{\mathrm{op}}^{2/3}}\Bigr)^{3/2},

    where :math:`\lVert B\rVert_{2,1}` is the sum of the Euclidean norms of the columns of :math:`B` (so
    :math:`\lVert A^\top\rVert_{2,1}` sums the norms of the rows of :math:`A`) and :math:`M_i` are reference
    matrices (zero by default) [1]_.

    Parameters
    ----------
    weights : sequence of array_like
        :math:`A_1, \dots, A_L`, with :math:`A_i` of shape :math:`(N_i, N_{i-1})`; consecutive shapes must chain.
    reference : sequence of array_like or None
        :math:`M_1,\dots,M_L` of the same shapes (default: zeros).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If shapes do not chain or a matrix is zero.

    References
    ----------
    .. [1] P. L. Bartlett, D. J. Foster and M. Telgarsky, "Spectrally-normalized margin bounds for neural
       networks", NeurIPS 30 (2017), arXiv:1706.08498, Theorem 1.1.

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.erm import spectral_complexity
    >>> round(spectral_complexity([np.eye(3)]), 6)  # ||I||_op = 1, ||I||_{2,1} = 3
    3.0
    >>> round(spectral_complexity([np.eye(2), np.eye(2)]), 6)  # (2^(2/3) + 2^(2/3))^(3/2) = 4 sqrt(2)
    5.656854
    """
    weights = check_sequence("weights", weights, min_len=1)
    mats = [check_array(f"weights[{i}]", A, ndim=2, min_len=1) for i, A in enumerate(weights)]
    for i in range(1, len(mats)):
        if mats[i].shape[1] != mats[i - 1].shape[0]:
            raise ValueError(
                f"`weights[{i}]` must have {mats[i - 1].shape[0]} columns (the rows of weights[{i - 1}]), "
                f"got shape {mats[i].shape}."
            )
    if reference is None:
        refs = [np.zeros_like(A) for A in mats]
    else:
        reference = check_sequence("reference", reference, min_len=len(mats))
        if len(reference) != len(mats):
            raise ValueError(f"`reference` must have {len(mats)} matrices (one per layer), got {len(reference)}.")
        refs = [check_array(f"reference[{i}]", M, ndim=2) for i, M in enumerate(reference)]
        for i, (A, M) in enumerate(zip(mats, refs)):
            if M.shape != A.shape:
                raise ValueError(f"`reference[{i}]` must have shape {A.shape}, got {M.shape}.")
    log_prod = 0.0
    total = 0.0
    for i, (A, M) in enumerate(zip(mats, refs)):
        op = float(np.linalg.norm(A, 2))
        if op == 0.0:
            raise ValueError(f"`weights[{i}]` must not be the zero matrix (its spectral norm divides).")
        log_prod += np.log(op)
        n21 = float(np.sum(np.sqrt(np.sum((A - M) ** 2, axis=1))))
        total += (n21 / op) ** (2.0 / 3.0)
    return float(np.exp(log_prod) * total**1.5)


@dataclass(frozen=True)
class MLPResult:
    """Result of :func:`train_mlp`.

    Attributes
    ----------
    weights : list of ndarray
        :math:`[W_1, W_2]` with :math:`W_1` of shape (width, d) and :math:`W_2` of shape (n_classes, width).
    init : list of ndarray
        The weights at initialisation (the reference matrices of a margin bound).
    n_steps : int
        Steps taken.
    converged : bool
        Whether every training point is classified correctly with margin >= ``margin``.
    train_error : float
        Fraction of misclassified training points at the end.
    loss : ndarray
        Cross-entropy at every step.

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.erm import train_mlp
    >>> res = train_mlp(np.eye(4), [0, 1, 0, 1], width=8, rng=0)
    >>> type(res).__name__, res.converged, res.train_error
    ('MLPResult', True, 0.0)
    """

    weights: list
    init: list
    n_steps: int
    converged: bool
    train_error: float
    loss: np.ndarray


def mlp_logits(weights, X):
    r"""Outputs :math:`W_2\,\sigma(W_1 x)` of a bias-free two-layer ReLU network, one row per input.

    Parameters
    ----------
    weights : sequence of two array_like
        :math:`W_1` of shape (width, d) and :math:`W_2` of shape (n_classes, width).
    X : array_like, shape (n, d)

    Returns
    -------
    ndarray of shape (n, n_classes)

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.erm import mlp_logits
    >>> mlp_logits([np.eye(2), np.array([[1.0, -1.0]])], [[2.0, -1.0]]).tolist()
    [[2.0]]
    """
    weights = check_sequence("weights", weights, min_len=2)
    if len(weights) != 2:
        raise ValueError(f"`weights` must hold exactly two matrices (W1, W2), got {len(weights)}.")
    W1 = check_array("weights[0]", weights[0], ndim=2, min_len=1)
    W2 = check_array("weights[1]", weights[1], ndim=2, min_len=1)
    X = check_array("X", X, ndim=2, min_len=1)
    if W2.shape[1] != W1.shape[0]:
        raise ValueError(f"`weights[1]` must have {W1.shape[0]} columns (the width), got shape {W2.shape}.")
    if X.shape[1] != W1.shape[1]:
        raise ValueError(f"`X` must have {W1.shape[1]} columns (the input dimension of W1), got shape {X.shape}.")
    return np.maximum(X @ W1.T, 0.0) @ W2.T


def train_mlp(X, y, *, width, n_classes=None, max_steps=2000, lr=1e-2, margin=0.0, rng=None):
    r"""Train a bias-free two-layer ReLU network on the cross-entropy loss with full-batch Adam.

    The network is :math:`f(x) = W_2\,\sigma(W_1x)` with :math:`\sigma(u)=\max(u,0)`, He initialisation
    :math:`W_1\sim\mathcal N(0, 2/d)`, :math:`W_2\sim\mathcal N(0, 1/\text{width})`; the empirical risk is
    :math:`\frac1n\sum_i[\log\sum_k e^{f_k(x_i)} - f_{y_i}(x_i)]`. Training stops as soon as every training
    margin :math:`f_{y_i}(x_i) - \max_{k\ne y_i} f_k(x_i)` exceeds ``margin`` (then ``converged`` is True), or
    after ``max_steps`` steps. Adam uses :math:`\beta_1=0.9`, :math:`\beta_2=0.999` (Kingma--Ba 2015).

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like of int, shape (n,)
        Labels in :math:`\{0,\dots,K-1\}`.
    width : int
        Number of hidden units, >= 1.
    n_classes : int or None
        :math:`K \ge 2` (default: ``max(y) + 1``, at least 2).
    max_steps : int
    lr : float
        Adam step size, > 0.
    margin : float
        Target training margin, >= 0.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    MLPResult

    Raises
    ------
    FloatingPointError
        If the loss becomes non-finite (lower ``lr``).

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.erm import train_mlp, mlp_logits
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> res = train_mlp(X, [1, 0], width=4, margin=1.0, rng=0)
    >>> res.converged, mlp_logits(res.weights, X).argmax(axis=1).tolist()
    (True, [1, 0])
    """
    X = check_array("X", X, ndim=2, min_len=1)
    y_arr = np.asarray(y)
    if y_arr.ndim != 1 or not (np.issubdtype(y_arr.dtype, np.integer) or y_arr.size == 0):
        raise TypeError(f"`y` must be a 1-d array of integer labels, got dtype {y_arr.dtype} and shape {y_arr.shape}.")
    if y_arr.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have length {X.shape[0]} (the rows of `X`), got {y_arr.shape[0]}.")
    if np.any(y_arr < 0):
        raise ValueError(f"`y` must hold labels >= 0, got {int(y_arr.min())}.")
    width = check_int("width", width, minimum=1, maximum=100_000)
    if n_classes is None:
        n_classes = max(2, int(y_arr.max()) + 1)
    n_classes = check_int("n_classes", n_classes, minimum=2, maximum=100_000)
    if int(y_arr.max()) >= n_classes:
        raise ValueError(f"`y` must hold labels < n_classes = {n_classes}, got {int(y_arr.max())}.")
    max_steps = check_int("max_steps", max_steps, minimum=0)
    lr = check_real("lr", lr, lower=0.0, lower_open=True, upper=10.0)
    margin = check_real("margin", margin, lower=0.0)
    rng = check_rng(rng)
    n, d = X.shape
    y_arr = y_arr.astype(np.int64)
    W1 = rng.standard_normal((width, d)) * np.sqrt(2.0 / d)
    W2 = rng.standard_normal((n_classes, width)) / np.sqrt(width)
    init = [W1.copy(), W2.copy()]
    params = [W1, W2]
    m = [np.zeros_like(W1), np.zeros_like(W2)]
    v = [np.zeros_like(W1), np.zeros_like(W2)]
    b1, b2, eps = 0.9, 0.999, 1e-8
    rows = np.arange(n)
    losses = []
    converged = False
    step = 0
    while True:
        H = X @ W1.T
        A = np.maximum(H, 0.0)
        F = A @ W2.T
        correct = F[rows, y_arr]
        Fo = F.copy()
        Fo[rows, y_arr] = -np.inf
        margins = correct - Fo.max(axis=1)
        if np.all(margins > margin):
            converged = True
            break
        Fmax = F.max(axis=1, keepdims=True)
        E = np.exp(F - Fmax)
        Z = E.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(Z[:, 0]) + Fmax[:, 0] - correct))
        if not np.isfinite(loss):
            raise FloatingPointError(f"the training loss became non-finite at step {step}: lower `lr` (got {lr}).")
        losses.append(loss)
        if step >= max_steps:
            break
        G = E / Z
        G[rows, y_arr] -= 1.0
        G /= n
        gW2 = G.T @ A
        gH = (G @ W2) * (H > 0)
        gW1 = gH.T @ X
        step += 1
        for P, g, mm, vv in zip(params, (gW1, gW2), m, v):
            mm *= b1
            mm += (1 - b1) * g
            vv *= b2
            vv += (1 - b2) * g * g
            P -= lr * (mm / (1 - b1**step)) / (np.sqrt(vv / (1 - b2**step)) + eps)
    train_error = float(np.mean(margins <= 0.0))
    return MLPResult(
        weights=[W1, W2], init=init, n_steps=step, converged=converged, train_error=train_error,
        loss=np.array(losses),
    )


def flipped_noise_data(m, dim, *, signal=1.0, noise=1.0, rng=None):
    r"""Sample a variant of the Nagarajan--Kolter linear example: :math:`x = (a\,y, \xi)`, :math:`y=\pm1`, :math:`\xi\sim\mathcal N(0, \tfrac{\sigma^2}{D} I_D)`.

    The label is a fair sign; the first coordinate carries the signal :math:`a` and the other :math:`D`
    coordinates are isotropic noise of total energy :math:`\mathbb E\lVert\xi\rVert^2 = \sigma^2`. Because
    :math:`\xi` and :math:`-\xi` have the same law, the *flipped* sample
    :math:`S' = \{((a y_i, -\xi_i), y_i)\}` has the same distribution as :math:`S` (the
    mechanism of [1]_; the parametrisation by :math:`a` and :math:`\sigma^2` is ours).

    Parameters
    ----------
    m : int
        Number of samples, >= 1.
    dim : int
        Noise dimension :math:`D \ge 1`.
    signal : float
        :math:`a > 0`.
    noise : float
        :math:`\sigma^2 > 0`.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (m, 1 + dim)
    y : ndarray of shape (m,), entries in {-1, +1}

    References
    ----------
    .. [1] V. Nagarajan and J. Z. Kolter, "Uniform convergence may be unable to explain generalization in
       deep learning", NeurIPS 32 (2019), arXiv:1902.04742, Section 3.

    Examples
    --------
    >>> from course_lib.erm import flipped_noise_data
    >>> X, y = flipped_noise_data(4, 10, rng=0)
    >>> X.shape, sorted(set(y.tolist())) <= [-1.0, 1.0], bool((X[:, 0] == y).all())
    ((4, 11), True, True)
    """
    m = check_int("m", m, minimum=1)
    dim = check_int("dim", dim, minimum=1, maximum=10**8)
    signal = check_real("signal", signal, lower=0.0, lower_open=True)
    noise = check_real("noise", noise, lower=0.0, lower_open=True)
    rng = check_rng(rng)
    y = rng.integers(0, 2, size=m) * 2.0 - 1.0
    X = np.empty((m, 1 + dim))
    X[:, 0] = signal * y
    X[:, 1:] = rng.standard_normal((m, dim)) * np.sqrt(noise / dim)
    return X, y


def flipped_noise_test_error(w, *, signal=1.0, noise=1.0):
    r"""Exact test error of the linear classifier :math:`x\mapsto\operatorname{sign}\langle w, x\rangle` on the
    distribution of :func:`flipped_noise_data`.

    For a fresh :math:`(x, y)`, :math:`y\langle w, x\rangle = a w_0 + y\langle w_{1:}, \xi\rangle` with
    :math:`y\langle w_{1:},\xi\rangle \sim \mathcal N(0, \sigma^2\lVert w_{1:}\rVert^2/D)`, so

    .. math:: \mathbb P\bigl(y\langle w,x\rangle \le 0\bigr) = \Phi\Bigl(-\frac{a\,w_0\sqrt D}{\sigma\lVert w_{1:}\rVert}\Bigr).

    Parameters
    ----------
    w : array_like, shape (1 + D,)
        Weights; not all zero.
    signal : float
        :math:`a > 0`.
    noise : float
        :math:`\sigma^2 > 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> from course_lib.erm import flipped_noise_test_error
    >>> flipped_noise_test_error([1.0, 0.0, 0.0])  # no weight on the noise: never wrong
    0.0
    >>> flipped_noise_test_error([0.0, 1.0])  # only noise: a coin flip
    0.5
    """
    w = check_array("w", w, ndim=1, min_len=2)
    signal = check_real("signal", signal, lower=0.0, lower_open=True)
    noise = check_real("noise", noise, lower=0.0, lower_open=True)
    dim = w.size - 1
    wn = float(np.linalg.norm(w[1:]))
    if wn == 0.0:
        if w[0] == 0.0:
            raise ValueError("`w` must not be the zero vector.")
        return 0.0 if w[0] > 0 else 1.0
    return float(special.ndtr(-signal * w[0] * np.sqrt(dim) / (np.sqrt(noise) * wn)))


def flipped_noise_flipped_error(m, dim, *, signal=1.0, noise=1.0):
    r"""Expected error, on its own flipped training set :math:`S'`, of the one-step gradient-descent classifier
    :math:`w = \sum_i y_i x_i` trained on :math:`m` samples of :func:`flipped_noise_data`.

    On the flipped point :math:`x_i' = (a y_i, -\xi_i)`,
    :math:`y_i\langle w, x_i'\rangle = m a^2 - \lVert\xi_i\rVert^2 - \langle \textstyle\sum_{j\ne i} y_iy_j\xi_j, \xi_i\rangle`.
    Given :math:`\xi_i`, the last term is :math:`\mathcal N(0, (m-1)\sigma^2\lVert\xi_i\rVert^2/D)`, and
    :math:`\lVert\xi_i\rVert^2 = \sigma^2 Q/D` with :math:`Q\sim\chi^2_D`. Hence the exact expected error

    .. math:: \mathbb P\bigl(y_i\langle w, x_i'\rangle \le 0\bigr) = 1 - \mathbb E_{Q\sim\chi^2_D}\,
              \Phi\Bigl(\frac{m a^2 - \sigma^2 Q/D}{\sigma^2\sqrt{(m-1)Q}/D}\Bigr),

    evaluated by quadrature (for :math:`m = 1` the error is :math:`\mathbb P(\sigma^2 Q/D \ge a^2)`).
    When :math:`\sigma^2 > m a^2` and :math:`D \gg m`, it is close to one: the classifier that generalises
    misclassifies its own flipped training set (the mechanism of Nagarajan--Kolter 2019, Section 3).

    Parameters
    ----------
    m : int
        Training-set size, >= 1.
    dim : int
        Noise dimension :math:`D \ge 1`.
    signal : float
        :math:`a > 0`.
    noise : float
        :math:`\sigma^2 > 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> from course_lib.erm import flipped_noise_flipped_error
    >>> round(flipped_noise_flipped_error(1, 1, signal=1.0, noise=1.0), 6)  # P(chi2_1 >= 1)
    0.317311
    """
    m = check_int("m", m, minimum=1)
    dim = check_int("dim", dim, minimum=1, maximum=10**8)
    signal = check_real("signal", signal, lower=0.0, lower_open=True)
    noise = check_real("noise", noise, lower=0.0, lower_open=True)
    q_crit = signal**2 * m * dim / noise  # sign change of the mean margin, in units of Q
    if m == 1:
        return float(stats.chi2.sf(signal**2 * dim / noise, dim))
    chi = stats.chi2(dim)

    # integrate the smaller of the two probabilities (error or success), so that both tails keep their relative accuracy
    flip = signal**2 * m < noise  # mean flipped margin negative: the error is close to one

    def integrand(q):
        z = (signal**2 * m - noise * q / dim) / (noise * np.sqrt((m - 1) * q) / dim)
        return special.ndtr(z if flip else -z) * chi.pdf(q)

    lo, hi = chi.ppf(1e-15), chi.isf(1e-15)
    pts = [p for p in (q_crit,) if lo < p < hi]
    val, _ = integrate.quad(integrand, lo, hi, points=pts or None, limit=200, epsabs=0.0, epsrel=1e-10)
    # the mass of Q outside [lo, hi] (2e-15) is neglected
    val = 1.0 - val if flip else val
    return float(min(1.0, max(0.0, val)))
