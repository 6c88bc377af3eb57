r"""Barron space, Maurey's lemma and the F1/F2 contrast for a single ReLU ridge function on the sphere.

Everything is exact in :math:`L^2(\sigma_{d-1})`, :math:`\sigma_{d-1}` the uniform probability on the unit sphere
:math:`\mathbb S^{d-1}`: for :math:`x \sim \sigma_{d-1}` and non-zero :math:`a, b \in \mathbb R^d`,

.. math:: \mathbb E_x\,\mathrm{relu}(\langle a,x\rangle)\,\mathrm{relu}(\langle b,x\rangle)
          = \frac{\lVert a\rVert\lVert b\rVert}{2\pi d}\bigl(\sin\theta + (\pi-\theta)\cos\theta\bigr),

(the order-1 arc-cosine kernel of Cho and Saul divided by :math:`2d`, since a standard Gaussian vector is an independent
radius with :math:`\mathbb E r^2 = d` times a uniform direction), so best approximations and training losses need no data.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_array, check_int, check_real, check_rng

__all__ = [
    "maurey_approximation",
    "relu_gegenbauer_coefficients",
    "sphere_relu_gram",
    "random_feature_error",
    "random_feature_equivalent_error",
    "train_relu_sphere",
]


def _rows(name, A, d=None):
    A = check_array(name, A, ndim=2, min_len=1)
    if A.shape[1] < 2:
        raise ValueError(f"`{name}` must have at least 2 columns (dimension d >= 2 of the sphere), got shape {A.shape}.")
    if d is not None and A.shape[1] != d:
        raise ValueError(f"`{name}` must have {d} columns (the dimension), got shape {A.shape}.")
    if np.any(np.linalg.norm(A, axis=1) == 0):
        raise ValueError(f"`{name}` must have non-zero rows: the ridge function of the zero vector is identically zero.")
    return A


def _gram(A, B):
    na = np.linalg.norm(A, axis=1)
    nb = np.linalg.norm(B, axis=1)
    cos = np.clip((A @ B.T) / np.outer(na, nb), -1.0, 1.0)
    th = np.arccos(cos)
    return np.outer(na, nb) * (np.sqrt(np.maximum(1.0 - cos * cos, 0.0)) + (np.pi - th) * cos) / (2.0 * np.pi * A.shape[1])


def sphere_relu_gram(A, B):
    r"""Inner products :math:`\mathbb E_{x\sim\sigma_{d-1}}\mathrm{relu}(\langle a_i,x\rangle)\mathrm{relu}(\langle b_j,x\rangle)`.

    .. math:: G_{ij} = \frac{\lVert a_i\rVert\lVert b_j\rVert}{2\pi d}\bigl(\sin\theta_{ij} + (\pi-\theta_{ij})\cos\theta_{ij}\bigr),

    :math:`\theta_{ij}` the angle between :math:`a_i` and :math:`b_j` (Cho and Saul's arc-cosine kernel of order 1, divided
    by :math:`2d` because :math:`x` is uniform on the sphere instead of standard Gaussian).

    Parameters
    ----------
    A : array_like, shape (n, d)
        Non-zero weight vectors as rows, :math:`d \ge 2`.
    B : array_like, shape (k, d)
        Non-zero weight vectors as rows.

    Returns
    -------
    ndarray, shape (n, k)

    References
    ----------
    .. [1] Y. Cho and L. K. Saul, "Kernel methods for deep learning", NeurIPS 22 (2009).

    Examples
    --------
    >>> float(sphere_relu_gram([[1.0, 0.0, 0.0]], [[1.0, 0.0, 0.0]])[0, 0])  # E relu(x_1)^2 = E x_1^2 / 2 = 1/(2d)
    0.16666666666666666
    """
    A = _rows("A", A)
    B = _rows("B", B, A.shape[1])
    return _gram(A, B)


def _gegenbauer_logs(d, k_max):
    """log c_d, log N_k, log|alpha_k| (k <= k_max) and the mask of degrees outside the float64 range."""

    def prefix_sums(terms):
        # Neumaier-compensated running sums: error about 1e-16 * sum |terms|, independent of the number of terms
        out = np.empty(len(terms) + 1)
        s = c = 0.0
        out[0] = 0.0
        for i, t in enumerate(terms.tolist()):
            u = s + t
            c += (s - u) + t if abs(s) >= abs(t) else (t - u) + s
            s = u
            out[i + 1] = s + c
        return out

    # log c_d from c_2 = 1/pi, c_3 = 1/2 and c_{j+2} = c_j * j / (j - 1)
    j0 = 2 + d % 2
    steps = np.arange(j0, d - 1, 2, dtype=float)
    log_cd = (-np.log(np.pi) if j0 == 2 else -np.log(2.0)) + math.fsum(np.log1p(1.0 / (steps - 1.0)))
    k = np.arange(k_max + 1)
    # log N_k = log((2k + d - 2)/k) + sum_{j=1}^{k-1} log1p((d - 2)/j)   (k >= 1)
    log_mult = np.zeros(k_max + 1)
    if k_max >= 1:
        kk = k[1:].astype(float)
        log_binom = prefix_sums(np.log1p((d - 2) / kk[:-1]))
        log_mult[1:] = np.log1p((kk + d - 2) / kk) + log_binom
    # log|alpha_k|, k = 2, 4, ...: log c_d - log(d^2 - 1) - sum_{j=2,4,...,k-2} log1p((d + 2)/(j - 1))
    log_abs_alpha = np.full(k_max + 1, -np.inf)
    ke = k[2::2].astype(float)
    if ke.size:
        log_abs_alpha[2::2] = (log_cd - np.log((d - 1.0) * (d + 1.0))
                               - prefix_sums(np.log1p((d + 2) / (ke[:-1] - 1.0))))
    bad = log_mult > np.log(np.finfo(float).max)
    bad[2::2] |= 2 * log_abs_alpha[2::2] < np.log(np.finfo(float).tiny)
    return k, ke, log_cd, log_mult, log_abs_alpha, bad


def _relu_max_degree(d, cap=100_000):
    """The largest degree K_d <= cap that :func:`relu_gegenbauer_coefficients` accepts in dimension d."""
    bad = _gegenbauer_logs(d, cap)[-1]
    return int(np.argmax(bad)) - 1 if bad.any() else cap


def relu_gegenbauer_coefficients(d, k_max):
    r"""Spherical-harmonic expansion of the ReLU ridge function :math:`\mathrm{relu}(\langle v, x\rangle)` on :math:`\mathbb S^{d-1}`.

    With :math:`P_k` the Gegenbauer (Legendre) polynomial of degree :math:`k` in dimension :math:`d`, normalised by
    :math:`P_k(1)=1`, and :math:`N_k` the dimension of the degree-:math:`k` spherical harmonics,

    .. math:: \mathrm{relu}(t) = \sum_{k\ge0} \alpha_k N_k P_k(t),\qquad \alpha_0 = \frac{c_d}{d-1},\quad \alpha_1 = \frac1{2d},
              \quad \alpha_k = (-1)^{k/2-1}\frac{c_d\,\Gamma(\tfrac{d-1}2)\,(k-2)!}{2^k\,(\tfrac k2-1)!\,\Gamma(\tfrac k2+\tfrac{d+1}2)}
              = (-1)^{k/2-1}\frac{B(\tfrac d2,\tfrac{k+1}2)}{2\pi(k-1)}\ (k\ge2\text{ even}),

    :math:`\alpha_k = 0` for odd :math:`k\ge3`, :math:`c_d = \Gamma(\tfrac d2)/(\sqrt\pi\,\Gamma(\tfrac{d-1}2))` (Rodrigues'
    formula and two integrations by parts; the Beta form follows from Legendre's duplication formula). Then
    :math:`\lVert f_k\rVert^2_{L^2(\sigma)} = N_k\alpha_k^2` is the energy of :math:`f = \mathrm{relu}(\langle v,\cdot\rangle)`
    (:math:`\lVert v\rVert = 1`) in degree :math:`k`, :math:`\mu_k = \alpha_k^2` is the eigenvalue of the random-feature kernel
    (weights uniform on the sphere) on those harmonics (Funk--Hecke), and :math:`\sum_k N_k\alpha_k^2 = 1/(2d)`.

    Numerics: nothing is formed as a difference of large log-Gamma values (which loses about
    :math:`10^{-16}\log\Gamma(d)` in relative accuracy, :math:`8\cdot10^{-12}` at :math:`d = 10^4`). The logarithms of
    :math:`c_d`, of :math:`\binom{k+d-3}{k-1}` and of :math:`|\alpha_k|` are compensated sums of ``log1p`` terms, from
    :math:`c_{d+2} = c_d\,d/(d-1)`, :math:`\binom{k+d-2}{k} = \binom{k+d-3}{k-1}(1 + \tfrac{d-2}k)` and
    :math:`\alpha_{k+2} = -\alpha_k\,(k-1)/(d+k+1)`, :math:`\alpha_2 = c_d/(d^2-1)`; the relative error is about
    :math:`10^{-16}` times :math:`|\log N_k|` (at most :math:`10^{-13}`).

    Parameters
    ----------
    d : int
        Dimension, :math:`2 \le d \le 10^4`.
    k_max : int
        Largest degree, :math:`0 \le k_{\max} \le 10^5`, and at most the largest degree :math:`K_d` for which every
        :math:`N_k \le 1.8\cdot10^{308}` and every non-zero :math:`\alpha_k^2 \ge 2.2\cdot10^{-308}` (float64 normal range, so that
        ``multiplicity * alpha**2`` keeps full relative accuracy): :math:`K_d = 291` at :math:`d = 1000`,
        :math:`207` at :math:`d = 2000`, :math:`129` at :math:`d = 10^4`, :math:`33583` at :math:`d = 100`, and
        :math:`K_d \ge 10^5` for :math:`d \le 64`. A larger ``k_max`` raises a ``ValueError`` that names ``d`` and
        :math:`K_d` (the degrees above :math:`K_d` carry the energy fraction
        :math:`1 - 2d\sum_{k\le K_d}N_k\alpha_k^2`, :math:`1.2\cdot10^{-5}` at :math:`d = 1000`).

    Returns
    -------
    k : ndarray of int, shape (k_max + 1,)
    multiplicity : ndarray of float, shape (k_max + 1,)
        :math:`N_k` (as floats).
    alpha : ndarray, shape (k_max + 1,)

    References
    ----------
    .. [1] F. Bach, "Breaking the curse of dimensionality with convex neural networks", JMLR 18 (2017), Appendix D.

    Examples
    --------
    >>> k, n, a = relu_gegenbauer_coefficients(3, 2)
    >>> [round(float(x), 12) for x in a]  # d = 3: Legendre coefficients of relu, 1/4, 1/6, 1/16
    [0.25, 0.166666666667, 0.0625]
    """
    d = check_int("d", d, minimum=2, maximum=10_000)
    k_max = check_int("k_max", k_max, minimum=0, maximum=100_000)
    k, ke, log_cd, log_mult, log_abs_alpha, bad = _gegenbauer_logs(d, k_max)
    if bad.any():
        k_ok = int(np.argmax(bad)) - 1
        raise ValueError(
            f"`k_max` = {k_max} is out of float64 range for `d` = {d}: beyond degree {k_ok} the multiplicity N_k exceeds "
            f"1.8e308 or alpha_k**2 falls below 2.2e-308; use 0 <= k_max <= {k_ok} for d = {d}.")
    alpha = np.zeros(k_max + 1)
    alpha[0] = np.exp(log_cd) / (d - 1)
    if k_max >= 1:
        alpha[1] = 1.0 / (2 * d)
    if ke.size:
        alpha[2::2] = np.where(ke % 4 == 2, 1.0, -1.0) * np.exp(log_abs_alpha[2::2])
    mult = np.exp(log_mult)
    return k, mult, alpha


def maurey_approximation(coefficients, m, rng=None):
    r"""Maurey's empirical approximation of :math:`f = \sum_k a_k g_k` by an average of :math:`m` atoms.

    Draws :math:`k_1, \dots, k_m` i.i.d. with :math:`\mathbb P(k) = |a_k|/\lVert a\rVert_1` and returns the weights of

    .. math:: f_m = \frac{\lVert a\rVert_1}{m}\sum_{i=1}^m \operatorname{sign}(a_{k_i})\, g_{k_i},
              \qquad \mathbb E\lVert f - f_m\rVert^2 = \frac{\lVert a\rVert_1^2\,\mathbb E_k\lVert g_k\rVert^2 - \lVert f\rVert^2}{m}
              \le \frac{\lVert a\rVert_1^2 \max_k\lVert g_k\rVert^2}{m}

    in any Hilbert space (Maurey's lemma, reported by Pisier 1981; used by Barron 1993). :math:`f_m` is unbiased.

    Parameters
    ----------
    coefficients : array_like, shape (K,)
        The :math:`a_k`, finite, not all zero.
    m : int
        Number of atoms drawn, :math:`1 \le m \le 10^7`.
    rng : numpy.random.Generator, int or None

    Returns
    -------
    ndarray, shape (K,)
        Coefficients :math:`b_k` of :math:`f_m = \sum_k b_k g_k` (at most :math:`m` non-zero).

    References
    ----------
    .. [1] G. Pisier, "Remarques sur un résultat non publié de B. Maurey", Séminaire d'analyse fonctionnelle (1980-1981).
    .. [2] A. R. Barron, "Universal approximation bounds for superpositions of a sigmoidal function", IEEE Trans. Inf.
       Theory 39 (1993) 930-945.

    Examples
    --------
    >>> b = maurey_approximation([0.5, -0.25, 0.25], 4, rng=0)
    >>> float(np.abs(b).sum())  # an average of m atoms with weight ||a||_1 / m each, possibly repeated
    1.0
    """
    a = check_array("coefficients", coefficients, ndim=1, min_len=1)
    l1 = float(np.abs(a).sum())
    if l1 == 0.0:
        raise ValueError("`coefficients` must not all be zero: Maurey's sampling law |a_k|/||a||_1 is undefined.")
    m = check_int("m", m, minimum=1, maximum=10_000_000)
    rng = check_rng(rng)
    counts = rng.multinomial(m, np.abs(a) / l1)
    return np.sign(a) * counts * (l1 / m)


def random_feature_error(v, W):
    r"""Relative :math:`L^2(\sigma_{d-1})` error of the best approximation of :math:`\mathrm{relu}(\langle v,\cdot\rangle)` by the span of :math:`\mathrm{relu}(\langle w_j,\cdot\rangle)`.

    .. math:: \frac{\min_c \lVert f - \sum_j c_j \mathrm{relu}(\langle w_j,\cdot\rangle)\rVert^2}{\lVert f\rVert^2}
              = 1 - \frac{b^\top G^{+} b}{\lVert f\rVert^2},\qquad G = (k(w_i, w_j)),\ b = (k(w_j, v)),

    with :math:`k` of :func:`sphere_relu_gram` and :math:`\lVert f\rVert^2 = \lVert v\rVert^2/(2d)` (exact population
    least squares, no data).

    Parameters
    ----------
    v : array_like, shape (d,)
        Non-zero weight of the target neuron, :math:`d \ge 2`.
    W : array_like, shape (m, d)
        Non-zero feature weights.

    Returns
    -------
    float
        In :math:`[0, 1]`.

    Examples
    --------
    >>> round(random_feature_error([1.0, 0.0, 0.0], [[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), 12)  # the target is a feature
    0.0
    """
    v = _rows("v", np.atleast_2d(check_array("v", v, ndim=1, min_len=2)))
    W = _rows("W", W, v.shape[1])
    G = _gram(W, W)
    b = _gram(W, v)[:, 0]
    scale = np.max(np.diag(G))
    c = np.linalg.lstsq(G / scale, b / scale, rcond=1e-12)[0]
    f2 = float(_gram(v, v)[0, 0])
    return float(min(max(1.0 - float(b @ c) / f2, 0.0), 1.0))


def random_feature_equivalent_error(d, m, k_max=None):
    r"""Deterministic equivalent of :func:`random_feature_error` for :math:`m` weights uniform on the sphere.

    With :math:`\mu_k = \alpha_k^2` and multiplicities :math:`N_k` of :func:`relu_gegenbauer_coefficients`, the effective
    regularisation :math:`\lambda_*` solves :math:`m = \sum_k N_k\mu_k/(\mu_k+\lambda_*)` and

    .. math:: \mathcal E_d(m) = 2d\sum_k N_k\,\mu_k\,\frac{\lambda_*}{\mu_k+\lambda_*}

    (random-matrix theory predicts that the projection of :math:`f` onto :math:`m` random features of covariance operator
    :math:`T` loses :math:`\lambda_*\langle f, (T+\lambda_*)^{-1}f\rangle` asymptotically; equivalents of this form appear
    in Bach 2024, "High-dimensional analysis of double descent for linear regression with random projections", for
    random projections; for ReLU features they are a heuristic). :math:`\mathcal E_d(m) = 0` when :math:`m` exceeds the
    number of non-zero eigenvalues kept.

    Parameters
    ----------
    d : int
        Dimension, :math:`2 \le d \le 10^4`.
    m : int
        Number of random features, :math:`1 \le m \le 10^9`.
    k_max : int, optional
        Degrees kept, :math:`2 \le k_{\max} \le \min(10^5, K_d)` with :math:`K_d` the float64 limit of
        :func:`relu_gegenbauer_coefficients` (291 at :math:`d = 1000`); default :math:`\min(2000, K_d)`. The energy
        of the degrees above :math:`k_{\max}`, :math:`1 - 2d\sum_{k\le k_{\max}}N_k\mu_k` (exact, since
        :math:`\sum_k N_k\mu_k = 1/(2d)`; :math:`O(k_{\max}^{-3})`, :math:`1.2\cdot10^{-5}` at :math:`d = 1000`), is
        counted as not fitted: their eigenvalues are far below :math:`\lambda_*`, where :math:`\lambda_*/(\mu_k+\lambda_*)
        \to 1`.

    Returns
    -------
    float

    Examples
    --------
    >>> round(random_feature_equivalent_error(3, 1), 3)  # one feature: lambda_* solves 1 = sum N mu / (mu + lambda)
    0.789
    """
    from scipy.optimize import brentq

    d = check_int("d", d, minimum=2, maximum=10_000)
    m = check_int("m", m, minimum=1, maximum=1_000_000_000)
    if k_max is None:
        k_max = min(2000, _relu_max_degree(d, 2000))
    k_max = check_int("k_max", k_max, minimum=2, maximum=100_000)
    _, n, a = relu_gegenbauer_coefficients(d, k_max)
    keep = a != 0
    n, mu = n[keep], a[keep] ** 2
    tail = max(0.0, 1.0 - 2 * d * math.fsum(n * mu))  # energy of the degrees above k_max
    if m >= n.sum():
        return tail

    def excess(log_lam):
        lam = np.exp(log_lam)
        return float(np.sum(n * mu / (mu + lam))) - m

    lo = np.log(mu.min()) - 60.0
    log_lam = brentq(excess, lo, np.log(mu.max()) + 60.0, xtol=1e-12)
    lam = np.exp(log_lam)
    return float(2 * d * np.sum(n * mu * lam / (mu + lam))) + tail


def _grad_first(A, B):
    d = A.shape[1]
    na = np.linalg.norm(A, axis=1)
    nb = np.linalg.norm(B, axis=1)
    cos = np.clip(A @ B.T / np.outer(na, nb), -1.0, 1.0)
    th = np.arccos(cos)
    sin = np.sqrt(np.maximum(1.0 - cos * cos, 0.0))
    return ((np.pi - th)[:, :, None] * B[None, :, :]
            + (nb[None, :] * sin)[:, :, None] * (A / na[:, None])[:, None, :]) / (2 * np.pi * d)


def train_relu_sphere(v, width, *, steps=1000, lr=0.1, rng=None):
    r"""Gradient descent on the exact population loss of a width-``width`` ReLU network fitting :math:`\mathrm{relu}(\langle v,\cdot\rangle)` on the sphere.

    Minimises the relative loss :math:`L(c, W) = \lVert f - \sum_j c_j\,\mathrm{relu}(\langle w_j,\cdot\rangle)\rVert^2_{L^2(\sigma_{d-1})}/\lVert f\rVert^2`,
    a quadratic form in the kernel of :func:`sphere_relu_gram`, whose gradient in :math:`w` is
    :math:`\nabla_a k(a,b) = \bigl((\pi-\theta)\,b + \lVert b\rVert\sin\theta\, a/\lVert a\rVert\bigr)/(2\pi d)`. Initial
    weights :math:`w_j \sim \mathcal N(0, I_d/d)`, :math:`c_j = \pm 1/\text{width}`.

    Parameters
    ----------
    v : array_like, shape (d,)
        Non-zero target weight, :math:`d \ge 2`.
    width : int
        Number of hidden units, 1 to 1000.
    steps : int
        Gradient steps, 1 to :math:`10^6`.
    lr : float
        Step size in :math:`(0, 1]` (0.1 is stable up to width about 32; wider networks need a smaller one).
    rng : numpy.random.Generator, int or None

    Returns
    -------
    numpy.ndarray
        The relative loss before each step, shape (steps,), clipped at 0 (round-off can make the quadratic form
        :math:`1 - 2c^\top b/\lVert f\rVert^2 + c^\top Kc/\lVert f\rVert^2` slightly negative at an exact fit).

    Examples
    --------
    >>> loss = train_relu_sphere([1.0, 0.0, 0.0], 8, steps=300, rng=0)
    >>> bool(loss[-1] < 0.01 * loss[0])
    True
    """
    v = _rows("v", np.atleast_2d(check_array("v", v, ndim=1, min_len=2)))
    width = check_int("width", width, minimum=1, maximum=1000)
    steps = check_int("steps", steps, minimum=1, maximum=1_000_000)
    lr = check_real("lr", lr, lower=0.0, upper=1.0, lower_open=True)
    rng = check_rng(rng)
    d = v.shape[1]
    scale = 1.0 / float(_gram(v, v)[0, 0])
    W = rng.standard_normal((width, d)) / np.sqrt(d)
    c = rng.choice([-1.0, 1.0], width) / width
    losses = np.empty(steps)
    with np.errstate(all="ignore"):
        for t in range(steps):
            K = _gram(W, W)
            b = _gram(W, v)[:, 0]
            losses[t] = max(1.0 - scale * 2 * c @ b + scale * c @ K @ c, 0.0)
            gc = scale * (-2 * b + 2 * K @ c)
            gW = scale * c[:, None] * (-2 * _grad_first(W, v)[:, 0, :]
                                       + 2 * np.einsum("i,jid->jd", c, _grad_first(W, W)))
            c = c - lr * gc
            W = W - lr * gW
            if not (np.isfinite(losses[t]) and np.all(np.isfinite(W)) and np.all(np.isfinite(c))
                    and np.all(np.linalg.norm(W, axis=1) > 0)):
                raise ValueError(f"`lr` = {lr} made gradient descent diverge or kill a unit at step {t}; use a smaller "
                                 "step size (0.1 is stable up to width about 32).")
    return losses
