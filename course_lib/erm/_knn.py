"""Nearest-neighbour regression: a compiled kernel and its exact theory on the torus."""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from scipy import integrate, special

from .._validation import check_array, check_bool, check_int, check_real
from ._geometry import ball_volume

__all__ = [
    "knn_regress",
    "torus_nn_distance_moment",
    "torus_sine_target",
    "torus_sine_nn_risk",
]


@njit(cache=True, parallel=True)
def _knn_kernel(x_train, y_train, x_query, k, periodic, out_pred, out_dist):
    """Brute-force k-NN: for each query keep the k smallest squared distances by insertion."""
    n, d = x_train.shape
    m = x_query.shape[0]
    for j in prange(m):
        best_d = np.full(k, np.inf)
        best_i = np.full(k, -1, dtype=np.int64)
        for i in range(n):
            s = 0.0
            for c in range(d):
                diff = abs(x_query[j, c] - x_train[i, c])
                if periodic and diff > 0.5:
                    diff = 1.0 - diff
                s += diff * diff
            if s < best_d[k - 1]:
                pos = k - 1
                while pos > 0 and best_d[pos - 1] > s:
                    best_d[pos] = best_d[pos - 1]
                    best_i[pos] = best_i[pos - 1]
                    pos -= 1
                best_d[pos] = s
                best_i[pos] = i
        acc = 0.0
        for r in range(k):
            acc += y_train[best_i[r]]
        out_pred[j] = acc / k
        out_dist[j] = np.sqrt(best_d[k - 1])


def knn_regress(x_train, y_train, x_query, *, k=1, periodic=False, return_distance=False):
    r"""k-nearest-neighbour regression estimate at the query points.

    .. math:: \hat f_n(x) = \frac1k \sum_{i \in N_k(x)} y_i ,

    where :math:`N_k(x)` indexes the ``k`` training points closest to :math:`x`
    (ties broken by the lower index). With ``periodic=True`` distances are those
    of the flat torus :math:`[0,1)^d`, :math:`|t|_{\mathbb T} = \min(|t|, 1-|t|)`
    coordinate-wise, which removes boundary effects; inputs must then lie in
    :math:`[0,1)^d`.

    The work is :math:`O(m\,n\,d)` in a compiled, multi-threaded brute-force
    kernel, which for the sizes of this course (:math:`n \le 10^5`) is faster
    than building a tree in high dimension.

    Parameters
    ----------
    x_train : array_like, shape (n, d)
    y_train : array_like, shape (n,)
    x_query : array_like, shape (m, d)
    k : int
        Number of neighbours, ``1 <= k <= n``.
    periodic : bool
        Use the torus metric.
    return_distance : bool
        Also return the distance from each query to its k-th neighbour.

    Returns
    -------
    pred : ndarray of shape (m,)
    dist : ndarray of shape (m,), only if ``return_distance``

    References
    ----------
    .. [1] L. Györfi, M. Kohler, A. Krzyżak, H. Walk, *A Distribution-Free Theory
       of Nonparametric Regression*, Springer (2002).

    Examples
    --------
    >>> knn_regress([[0.0], [1.0]], [0.0, 10.0], [[0.2], [0.9]])
    array([ 0., 10.])
    """
    return_distance = check_bool("return_distance", return_distance)
    x_train = check_array("x_train", x_train, ndim=2, min_len=1)
    y_train = check_array("y_train", y_train, ndim=1)
    x_query = check_array("x_query", x_query, ndim=2, min_len=1)
    n, d = x_train.shape
    if y_train.shape[0] != n:
        raise ValueError(f"`y_train` must have length {n} (the rows of `x_train`), got {y_train.shape[0]}.")
    if x_query.shape[1] != d:
        raise ValueError(f"`x_query` must have {d} columns like `x_train`, got {x_query.shape[1]}.")
    k = check_int("k", k, minimum=1, maximum=n)
    periodic = check_bool("periodic", periodic)
    if periodic:
        for name, arr in (("x_train", x_train), ("x_query", x_query)):
            if arr.min() < 0.0 or arr.max() >= 1.0:
                raise ValueError(f"with `periodic=True`, `{name}` must lie in [0, 1)^d.")
    pred = np.empty(x_query.shape[0])
    dist = np.empty(x_query.shape[0])
    _knn_kernel(x_train, y_train, x_query, k, periodic, pred, dist)
    return (pred, dist) if return_distance else pred


def _torus_tail_bound(n, d):
    """P(D > 1/2) for the nearest of n uniform points on the torus: (1 - V_d 2^{-d})^n."""
    v = ball_volume(d, 0.5)
    return 0.0 if v >= 1.0 else float(np.exp(n * np.log1p(-v)))


def _check_torus_regime(n, d, bound_factor, value, tol):
    """Raise unless the truncation at r = 1/2 costs at most ``tol`` relative to ``value``."""
    tail = _torus_tail_bound(n, d)
    if bound_factor * tail > tol * value:
        raise ValueError(
            f"the closed form on the torus is exact up to {bound_factor:.3g} * P(D > 1/2), and "
            f"P(D > 1/2) = (1 - V_d 2^-d)^n = {tail:.3g} for d={d}, n={n}: more than "
            f"`tol`={tol:g} relative to the result {value:.3g}. Increase `n`."
        )


def _torus_integral(n, d, func, alpha):
    r"""Compute :math:`\int_0^{1/2} (\ldots)(1 - V_d r^d)^n dr` in the variable :math:`u = n V_d r^d`.

    ``func(r)`` is the integrand divided by the algebraic weight :math:`u^{\alpha}` and by
    :math:`(1-u/n)^n`, expressed through :math:`r`; the weight is handled exactly by
    QUADPACK's ``weight='alg'`` rule, so the result keeps full relative accuracy for any n.
    """
    nv = n * ball_volume(d)
    upper = min(nv * 0.5**d, n * 1.0)  # u at r = 1/2 (and u <= n keeps 1 - u/n >= 0)
    upper = min(upper, 800.0)  # (1 - u/n)^n <= exp(-u) < 1e-347 beyond: below double precision

    def integrand(u):
        r = (u / nv) ** (1.0 / d)
        return func(r) * np.exp(n * np.log1p(-u / n))

    value, _ = integrate.quad(integrand, 0.0, upper, weight="alg", wvar=(alpha, 0.0), epsabs=0.0, epsrel=1e-12, limit=400)
    return float(value)


def torus_nn_distance_moment(n, d, power=2, *, tol=1e-12):
    r"""Exact moment :math:`\mathbb{E}[D^p]` of the nearest-neighbour distance on the torus.

    Let :math:`D` be the distance from a fixed point of the flat torus
    :math:`[0,1)^d` to the nearest of ``n`` independent uniform points. For
    :math:`r \le 1/2` the torus ball of radius :math:`r` is a Euclidean ball, so

    .. math:: \mathbb{P}(D > r) = (1 - V_d r^d)^n, \qquad
              \mathbb{E}[D^p] = \int_0^{1/2} p\, r^{p-1} (1 - V_d r^d)^n\, dr + \varepsilon,

    where :math:`0 \le \varepsilon \le (\sqrt d/2)^p\,(1 - V_d 2^{-d})^n`. In the
    variable :math:`u = nV_d r^d` the integral is
    :math:`(nV_d)^{-p/d}\,\tfrac{p}{d}\int_0^{nV_d 2^{-d}} u^{p/d-1}(1-u/n)^n\,du`,
    done by Gauss-Jacobi-type quadrature with the algebraic weight; a
    ``ValueError`` is raised when the bound on :math:`\varepsilon` exceeds ``tol``
    times the value. For large ``n``

    .. math:: \mathbb{E}[D^p] = \Gamma(1 + p/d)\, (n V_d)^{-p/d}\,(1 + O(1/n)),

    the :math:`n^{-1/d}` scaling behind the curse of dimensionality.

    Parameters
    ----------
    n : int
        Number of points, >= 1.
    d : int
        Dimension, >= 1.
    power : int
        The moment order p >= 1.
    tol : float
        Relative accuracy demanded of the truncation at :math:`r = 1/2`.

    Returns
    -------
    float

    Examples
    --------
    >>> n = 50  # in d = 1, D is the minimum of n uniforms on [0, 1/2]: E D^2 = 1/(2(n+1)(n+2))
    >>> bool(np.isclose(torus_nn_distance_moment(n, 1), 1 / (2 * (n + 1) * (n + 2)), rtol=1e-12))
    True
    """
    n = check_int("n", n, minimum=1)
    d = check_int("d", d, minimum=1)
    power = check_int("power", power, minimum=1)
    tol = check_real("tol", tol, lower=0.0, lower_open=True, upper=1.0)
    nv = n * ball_volume(d)
    value = nv ** (-power / d) * (power / d) * _torus_integral(n, d, lambda r: 1.0, power / d - 1.0)
    _check_torus_regime(n, d, (np.sqrt(d) / 2.0) ** power, value, tol)
    return value


def torus_sine_target(x):
    r"""The smooth periodic target :math:`f(x) = d^{-1/2} \sum_{j=1}^d \sin(2\pi x_j)`.

    It is :math:`2\pi`-Lipschitz, has :math:`\mathbb{E} f = 0`, :math:`\mathbb{E} f^2 = 1/2`
    under the uniform law, and makes 1-NN regression exactly solvable on the
    torus (:func:`torus_sine_nn_risk`).

    Parameters
    ----------
    x : array_like, shape (n, d)

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> from course_lib.erm import torus_sine_target
    >>> torus_sine_target(np.array([[0.25], [0.75]])).round(12).tolist()
    [1.0, -1.0]
    """
    x = check_array("x", x, ndim=2)
    return np.sin(2.0 * np.pi * x).sum(axis=1) / np.sqrt(x.shape[1])


def torus_sine_nn_risk(n, d, *, tol=1e-12):
    r"""Exact mean squared error of noiseless 1-NN regression of :func:`torus_sine_target` on the torus.

    On the torus the displacement :math:`h = X_{(1)}(x) - x` to the nearest
    neighbour is independent of :math:`x` and isotropic, with :math:`|h| = D`
    distributed as in :func:`torus_nn_distance_moment`. Averaging over
    :math:`x` kills cross terms and
    :math:`\mathbb{E}_x[\sin(2\pi(x + t)) - \sin(2\pi x)]^2 = 1 - \cos 2\pi t`, so

    .. math:: \mathcal{E}_n = \mathbb{E}\bigl[1 - \Omega_d(2\pi D)\bigr]
              = \int_0^{1/2} g'(r)\, (1 - V_d r^d)^n\, dr + \varepsilon,

    where :math:`\Omega_d(t) = \mathbb{E}\cos(t u_1) = \Gamma(\nu+1)(2/t)^{\nu} J_{\nu}(t)`,
    :math:`\nu = d/2 - 1`, is the characteristic function of one coordinate of a
    uniform unit vector, :math:`g(r) = 1 - \Omega_d(2\pi r)` and
    :math:`g'(r) = 2\pi\,\Gamma(\nu+1)(\pi r)^{-\nu} J_{\nu+1}(2\pi r)`;
    :math:`0 \le \varepsilon \le 2(1 - V_d 2^{-d})^n`. For large ``n``,
    :math:`\mathcal{E}_n \approx \tfrac{2\pi^2}{d}\,\mathbb{E}D^2 \propto n^{-2/d}`.

    Parameters
    ----------
    n : int
        Training-set size, >= 1.
    d : int
        Dimension, >= 1.
    tol : float
        Relative accuracy demanded of the truncation at :math:`r = 1/2`.

    Returns
    -------
    float

    Examples
    --------
    >>> from course_lib.erm import torus_sine_nn_risk
    >>> float(f"{torus_sine_nn_risk(1000, 1):.4e}")
    9.84e-06
    """
    n = check_int("n", n, minimum=1)
    d = check_int("d", d, minimum=1)
    tol = check_real("tol", tol, lower=0.0, lower_open=True, upper=1.0)
    nv = n * ball_volume(d)
    nu = 0.5 * d - 1.0
    log_c = special.gammaln(nu + 1.0)

    def g_prime_over_r(r):
        # g'(r)/r = 2 pi Gamma(nu+1) (pi r)^(-nu) J_{nu+1}(2 pi r) / r, smooth and -> 2 pi^2/(nu+1) at 0.
        if r < 1e-8:
            return 2.0 * np.pi**2 / (nu + 1.0)
        return 2.0 * np.pi * np.exp(log_c - nu * np.log(np.pi * r)) * special.jv(nu + 1.0, 2.0 * np.pi * r) / r

    # g'(r) dr = [g'(r)/r] r dr and r dr = (nv)^(-2/d) u^(2/d - 1) du / d.
    value = nv ** (-2.0 / d) / d * _torus_integral(n, d, g_prime_over_r, 2.0 / d - 1.0)
    _check_torus_regime(n, d, 2.0, value, tol)
    return value
