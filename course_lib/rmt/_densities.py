"""Limiting spectral densities and their moments: semicircle, Marchenko--Pastur, Fuss--Catalan."""

from __future__ import annotations

from math import comb

import numpy as np

from .._validation import check_array, check_int, check_real

__all__ = [
    "semicircle_pdf",
    "semicircle_cdf",
    "semicircle_moment",
    "marchenko_pastur_pdf",
    "marchenko_pastur_cdf",
    "marchenko_pastur_atom",
    "marchenko_pastur_edges",
    "marchenko_pastur_moment",
    "fuss_catalan_moment",
    "fuss_catalan_pdf",
    "fuss_catalan_edge",
]


def _out(arr):
    return float(arr) if arr.ndim == 0 else arr


def semicircle_pdf(x):
    r"""Wigner's semicircle density on :math:`[-2, 2]`, :math:`\rho_{\mathrm{sc}}(x) = \frac{1}{2\pi}\sqrt{(4 - x^2)_+}`.

    Parameters
    ----------
    x : float or array_like

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] E. P. Wigner, "On the distribution of the roots of certain symmetric matrices",
       Ann. of Math. 67 (1958) 325-327.

    Examples
    --------
    >>> round(semicircle_pdf(0.0) * np.pi, 12)
    1.0
    """
    x = check_array("x", x)
    return _out(np.sqrt(np.maximum(4.0 - x**2, 0.0)) / (2.0 * np.pi))


def semicircle_cdf(x):
    r"""Distribution function of the semicircle law, :math:`\frac12 + \frac{x\sqrt{4-x^2}}{4\pi} + \frac{\arcsin(x/2)}{\pi}` on :math:`[-2, 2]`.

    Examples
    --------
    >>> semicircle_cdf([-3.0, 0.0, 3.0]).tolist()
    [0.0, 0.5, 1.0]
    """
    x = check_array("x", x)
    y = np.clip(x, -2.0, 2.0)
    out = 0.5 + y * np.sqrt(4.0 - y**2) / (4.0 * np.pi) + np.arcsin(y / 2.0) / np.pi
    return _out(np.clip(out, 0.0, 1.0))


def semicircle_moment(k):
    r"""Moment :math:`\int x^k \rho_{\mathrm{sc}}(x)\,dx`: the Catalan number :math:`C_{k/2}` for even :math:`k`, 0 for odd.

    :math:`C_j = \frac{1}{j+1}\binom{2j}{j}` counts the non-crossing pair partitions of :math:`2j` points.

    Parameters
    ----------
    k : int
        >= 0.

    Returns
    -------
    int

    Examples
    --------
    >>> [semicircle_moment(k) for k in range(0, 9, 2)]
    [1, 1, 2, 5, 14]
    """
    k = check_int("k", k, minimum=0)
    if k % 2:
        return 0
    j = k // 2
    return comb(2 * j, j) // (j + 1)


def _check_ratio(ratio):
    return check_real("ratio", ratio, lower=0.0, lower_open=True)


def marchenko_pastur_edges(ratio):
    r"""Edges :math:`\lambda_\pm = (1 \pm \sqrt\gamma)^2` of the Marchenko--Pastur law with ratio :math:`\gamma = d/n > 0`.

    Examples
    --------
    >>> tuple(float(e) for e in marchenko_pastur_edges(0.25))  # (1 - 1/2)^2, (1 + 1/2)^2
    (0.25, 2.25)
    """
    g = _check_ratio(ratio)
    return (1.0 - np.sqrt(g)) ** 2, (1.0 + np.sqrt(g)) ** 2


def marchenko_pastur_atom(ratio):
    r"""Weight :math:`\max(0, 1 - 1/\gamma)` of the atom at zero of the Marchenko--Pastur law.

    For :math:`\gamma = d/n > 1` the :math:`d\times d` matrix :math:`XX^\top/n` has rank :math:`n`, so a
    fraction :math:`1 - n/d` of its eigenvalues are exactly zero.

    Examples
    --------
    >>> marchenko_pastur_atom(0.5), marchenko_pastur_atom(4.0)
    (0.0, 0.75)
    """
    g = _check_ratio(ratio)
    return max(0.0, 1.0 - 1.0 / g)


def marchenko_pastur_pdf(x, ratio):
    r"""Density of the absolutely continuous part of the Marchenko--Pastur law.

    The empirical spectral distribution of :math:`XX^\top/n`, :math:`X \in \mathbb{R}^{d\times n}` with
    i.i.d. standardised entries, converges as :math:`d/n \to \gamma` to

    .. math:: \mu_\gamma = \Bigl(1 - \frac1\gamma\Bigr)_+ \delta_0 + \rho_{\mathrm{MP}}(x)\,dx, \qquad
              \rho_{\mathrm{MP}}(x) = \frac{\sqrt{(\lambda_+ - x)(x - \lambda_-)}}{2\pi\gamma x}\,
              \mathbf 1_{[\lambda_-, \lambda_+]}(x),

    with :math:`\lambda_\pm = (1\pm\sqrt\gamma)^2`. This function returns :math:`\rho_{\mathrm{MP}}`, whose
    integral is :math:`\min(1, 1/\gamma)`; the atom's weight is :func:`marchenko_pastur_atom`.

    Parameters
    ----------
    x : float or array_like
    ratio : float
        :math:`\gamma = d/n > 0`.

    Returns
    -------
    float or ndarray

    Raises
    ------
    ValueError
        If ``ratio <= 0``.

    References
    ----------
    .. [1] V. A. Marchenko, L. A. Pastur, "Distribution of eigenvalues for some sets of random
       matrices", Math. USSR-Sb. 1 (1967) 457-483.
    .. [2] Z. Bai, J. W. Silverstein, *Spectral Analysis of Large Dimensional Random Matrices*,
       Springer (2010).

    Examples
    --------
    >>> round(marchenko_pastur_pdf(1.0, 1.0) * np.pi, 12)  # sqrt(3) / (2 pi) at x = 1, gamma = 1
    0.866025403784
    """
    x = check_array("x", x)
    g = _check_ratio(ratio)
    lo, hi = (1.0 - np.sqrt(g)) ** 2, (1.0 + np.sqrt(g)) ** 2
    inside = (x > lo) & (x < hi)
    out = np.zeros_like(x)
    xi = x[inside]
    out[inside] = np.sqrt((hi - xi) * (xi - lo)) / (2.0 * np.pi * g * xi)
    return _out(out)


def marchenko_pastur_cdf(x, ratio):
    r"""Distribution function of the Marchenko--Pastur law :math:`\mu_\gamma`, atom at 0 included.

    With :math:`c = (\lambda_+ + \lambda_-)/2`, :math:`r = (\lambda_+ - \lambda_-)/2 = 2\sqrt\gamma` and
    :math:`x = c - r\cos t`, the absolutely continuous part is
    :math:`\int_0^{t(x)} \frac{r^2\sin^2 t}{2\pi\gamma (c - r\cos t)}\,dt`, a smooth integrand
    integrated by 60-point Gauss--Legendre quadrature (exact to round-off).

    Parameters
    ----------
    x : float or array_like
    ratio : float
        :math:`\gamma = d/n > 0`.

    Examples
    --------
    >>> marchenko_pastur_cdf([-1.0, 0.0, 10.0], 4.0).tolist()
    [0.0, 0.75, 1.0]
    """
    x = check_array("x", x)
    g = _check_ratio(ratio)
    lo, hi = (1.0 - np.sqrt(g)) ** 2, (1.0 + np.sqrt(g)) ** 2
    c, r = 0.5 * (lo + hi), 0.5 * (hi - lo)
    t_x = np.arccos(np.clip((c - x) / r, -1.0, 1.0)).ravel()
    u, w = np.polynomial.legendre.leggauss(60)
    t = 0.5 * t_x[:, None] * (u[None, :] + 1.0)
    integrand = r**2 * np.sin(t) ** 2 / (2.0 * np.pi * g * (c - r * np.cos(t)))
    ac = (0.5 * t_x * (integrand @ w)).reshape(x.shape)
    out = np.where(x >= 0.0, marchenko_pastur_atom(g), 0.0) + ac
    out = np.where(x >= hi, 1.0, out)
    return _out(np.clip(out, 0.0, 1.0))


def marchenko_pastur_moment(k, ratio):
    r"""Moment :math:`\int x^k\, d\mu_\gamma(x)` of the Marchenko--Pastur law (atom included).

    .. math:: m_k(\gamma) = \sum_{j=0}^{k-1} \frac{1}{j+1}\binom{k}{j}\binom{k-1}{j}\,\gamma^{j}
              = \sum_{j=1}^{k} N(k, j)\,\gamma^{j-1},

    a generating polynomial of the Narayana numbers :math:`N(k, j) = \frac1k\binom kj\binom k{j-1}`,
    which count non-crossing partitions of :math:`k` points into :math:`j` blocks. ``m_0 = 1``.

    Examples
    --------
    >>> marchenko_pastur_moment(2, 0.5), marchenko_pastur_moment(3, 1.0)
    (1.5, 5.0)
    """
    k = check_int("k", k, minimum=0)
    g = _check_ratio(ratio)
    if k == 0:
        return 1.0
    return float(sum(comb(k, j) * comb(k - 1, j) / (j + 1) * g**j for j in range(k)))


def _check_depth(L):
    return check_int("L", L, minimum=1)


def fuss_catalan_moment(L, k):
    r"""Fuss--Catalan number :math:`\mathrm{FC}_L(k) = \frac{1}{Lk + 1}\binom{(L+1)k}{k}`.

    It is the :math:`k`-th moment of the limiting law of the squared singular values of a product
    :math:`W_L\cdots W_1` of :math:`L` independent :math:`N\times N` Ginibre matrices with entries of
    variance :math:`1/N` (:math:`L = 1`: Catalan numbers, the Marchenko--Pastur law with
    :math:`\gamma = 1`).

    Parameters
    ----------
    L : int
        Number of factors, >= 1.
    k : int
        Moment order, >= 0.

    Returns
    -------
    int

    References
    ----------
    .. [1] T. Banica, S. Belinschi, M. Capitaine, B. Collins, "Free Bessel laws", Canad. J. Math. 63
       (2011) 3-37.
    .. [2] W. Mlotkowski, "Fuss-Catalan numbers in noncommutative probability", Doc. Math. 15 (2010) 939-955.

    Examples
    --------
    >>> [fuss_catalan_moment(2, k) for k in range(5)]
    [1, 1, 3, 12, 55]
    """
    L = _check_depth(L)
    k = check_int("k", k, minimum=0)
    return comb((L + 1) * k, k) // (L * k + 1)


def fuss_catalan_edge(L):
    r"""Right edge :math:`(L+1)^{L+1}/L^L` of the support of the Fuss--Catalan law of order :math:`L`.

    Examples
    --------
    >>> fuss_catalan_edge(1), fuss_catalan_edge(2)  # 4 (Marchenko-Pastur, ratio 1) and 27/4
    (4.0, 6.75)
    """
    L = _check_depth(L)
    return (L + 1.0) ** (L + 1) / float(L) ** L


def _fc_x(phi, L):
    s = np.sin(phi)
    return np.sin((L + 1) * phi) ** (L + 1) / (s * np.sin(L * phi) ** L)


def _fc_rho(phi, L):
    return np.sin(phi) ** 2 * np.sin(L * phi) ** (L - 1) / (np.pi * np.sin((L + 1) * phi) ** L)


def fuss_catalan_pdf(x, L):
    r"""Density of the Fuss--Catalan law of order :math:`L` (moments :func:`fuss_catalan_moment`).

    On its support :math:`(0, (L+1)^{L+1}/L^L]` the density has the parametrisation (Haagerup--Moller;
    Neuschel 2014), for :math:`0 < \varphi < \pi/(L+1)`,

    .. math:: x(\varphi) = \frac{\sin^{L+1}((L+1)\varphi)}{\sin\varphi\,\sin^{L}(L\varphi)},\qquad
              \rho_L(x(\varphi)) = \frac{1}{\pi}\frac{\sin^2\varphi\,\sin^{L-1}(L\varphi)}{\sin^{L}((L+1)\varphi)} .

    :math:`x(\varphi)` decreases from the right edge to 0, and is inverted here by bisection
    (60 steps, to round-off). Near 0, :math:`\rho_L(x) \sim c\,x^{-L/(L+1)}`.

    Parameters
    ----------
    x : float or array_like
    L : int
        >= 1.

    Returns
    -------
    float or ndarray
        0 outside the support and at x <= 0.

    References
    ----------
    .. [1] T. Neuschel, "Plancherel-Rotach formulae for average characteristic polynomials of products
       of Ginibre random matrices and the Fuss-Catalan distribution", Random Matrices Theory Appl. 3
       (2014) 1450003.

    Examples
    --------
    >>> round(fuss_catalan_pdf(1.0, 1) * np.pi, 12)  # L = 1 is Marchenko-Pastur with ratio 1
    0.866025403784
    """
    x = check_array("x", x)
    L = _check_depth(L)
    edge = fuss_catalan_edge(L)
    out = np.zeros_like(x)
    inside = (x > 0) & (x < edge)
    xi = x[inside]
    lo = np.zeros_like(xi)  # x(lo) = edge > xi
    hi = np.full_like(xi, np.pi / (L + 1))  # x(hi) = 0 < xi
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        big = _fc_x(mid, L) > xi
        lo = np.where(big, mid, lo)
        hi = np.where(big, hi, mid)
    out[inside] = _fc_rho(0.5 * (lo + hi), L)
    return _out(out)
