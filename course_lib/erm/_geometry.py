"""High-dimensional geometry of the unit cube: volumes and distance concentration."""

from __future__ import annotations

import numpy as np
from scipy import integrate, special

from .._validation import check_array, check_int, check_real, check_rng

__all__ = [
    "ball_volume",
    "ball_in_cube_fraction",
    "expected_normal_range",
    "sample_unit_cube",
    "relative_contrast",
    "relative_contrast_asymptotic",
    "SQUARED_DISTANCE_MEAN",
    "SQUARED_DISTANCE_VAR",
]

#: Mean of :math:`(x-y)^2` for independent :math:`x, y \sim U[0,1]`: :math:`1/6`.
SQUARED_DISTANCE_MEAN = 1.0 / 6.0
#: Variance of :math:`(x-y)^2` for independent :math:`x, y \sim U[0,1]`: :math:`1/15 - 1/36 = 7/180`.
SQUARED_DISTANCE_VAR = 7.0 / 180.0


def sample_unit_cube(n, d, *, rng=None):
    r"""Draw ``n`` points uniformly from the unit cube :math:`[0,1]^d`.

    Parameters
    ----------
    n, d : int
        Number of points and dimension (both >= 1).
    rng : None, int or numpy.random.Generator
        Seed or generator, normalised with :func:`numpy.random.default_rng`.

    Returns
    -------
    ndarray of shape (n, d)

    Examples
    --------
    >>> sample_unit_cube(2, 3, rng=0).shape
    (2, 3)
    """
    n = check_int("n", n, minimum=1)
    d = check_int("d", d, minimum=1)
    return check_rng(rng).random((n, d))


def ball_volume(d, radius=1.0):
    r"""Volume of the Euclidean ball of radius ``radius`` in :math:`\mathbb{R}^d`.

    .. math:: V_d(r) = \frac{\pi^{d/2}}{\Gamma(d/2 + 1)}\, r^d ,

    evaluated through :func:`scipy.special.gammaln` so that it neither overflows
    nor underflows prematurely for large ``d``.

    Parameters
    ----------
    d : int
        Dimension, >= 1.
    radius : float
        Radius, >= 0.

    Returns
    -------
    float

    Examples
    --------
    >>> round(ball_volume(2), 12) == round(np.pi, 12)
    True
    """
    d = check_int("d", d, minimum=1)
    radius = check_real("radius", radius, lower=0.0)
    if radius == 0.0:
        return 0.0
    log_v = 0.5 * d * np.log(np.pi) - special.gammaln(0.5 * d + 1.0) + d * np.log(radius)
    return float(np.exp(log_v))


def ball_in_cube_fraction(d):
    r"""Fraction of the volume of :math:`[0,1]^d` occupied by its inscribed ball.

    .. math:: \frac{\mathrm{vol}\, B(c, 1/2)}{\mathrm{vol}\,[0,1]^d}
              = \frac{\pi^{d/2}}{2^d\, \Gamma(d/2+1)}
              \;\sim\; \frac{1}{\sqrt{\pi d}} \Big(\frac{\pi e}{2d}\Big)^{d/2},

    which tends to zero faster than any exponential: almost all of a
    high-dimensional cube lies in its corners.

    Examples
    --------
    >>> round(ball_in_cube_fraction(2), 10) == round(np.pi / 4, 10)
    True
    """
    return ball_volume(d, 0.5)


def expected_normal_range(n):
    r"""Expected range :math:`\mathbb{E}[\max_i Z_i - \min_i Z_i]` of ``n`` i.i.d. standard normals.

    Computed by adaptive quadrature of Tippett's formula [1]_

    .. math:: \mathbb{E} R_n = \int_{-\infty}^{\infty}
              \bigl[1 - \Phi(x)^n - (1-\Phi(x))^n\bigr]\, dx .

    Parameters
    ----------
    n : int
        Sample size, >= 1 (the range of one variable is 0).

    Returns
    -------
    float

    References
    ----------
    .. [1] L. H. C. Tippett, "On the extreme individuals and the range of samples
       taken from a normal population", Biometrika 17 (1925) 364-387.

    Examples
    --------
    >>> round(expected_normal_range(2), 6)  # 2 / sqrt(pi)
    1.128379
    """
    n = check_int("n", n, minimum=1)
    if n == 1:
        return 0.0

    def integrand(x):
        # 1 - Phi^n - (1-Phi)^n written with log-survival functions for accuracy in both tails.
        return -np.expm1(n * special.log_ndtr(x)) - np.exp(n * special.log_ndtr(-x))

    # The integrand is even; integrate on [0, inf) and double.
    value, err = integrate.quad(integrand, 0.0, np.inf, epsabs=1e-13, epsrel=1e-12, limit=200)
    return 2.0 * value


def relative_contrast(points, queries):
    r"""Relative contrast of the distances from each query to a point cloud.

    For a query :math:`x` and points :math:`x_1,\dots,x_n`,

    .. math:: \mathrm{RC}(x) = \frac{\max_i \lVert x - x_i\rVert - \min_i \lVert x - x_i\rVert}
                                    {\min_i \lVert x - x_i\rVert}.

    It measures how well "nearest" can be told apart from "farthest"; for
    uniform data it vanishes like :math:`d^{-1/2}` (see
    :func:`relative_contrast_asymptotic`).

    Parameters
    ----------
    points : array_like, shape (n, d)
        The point cloud, n >= 2.
    queries : array_like, shape (m, d)
        Query points.

    Returns
    -------
    ndarray of shape (m,)

    Examples
    --------
    >>> from course_lib.erm import relative_contrast, sample_unit_cube
    >>> rc = relative_contrast(sample_unit_cube(1000, 2, rng=0), sample_unit_cube(5, 2, rng=1))
    >>> rc.shape, bool(np.all(rc > 1))
    ((5,), True)
    """
    points = check_array("points", points, ndim=2, min_len=2)
    queries = check_array("queries", queries, ndim=2, min_len=1)
    if points.shape[1] != queries.shape[1]:
        raise ValueError(
            f"`queries` must have the same dimension as `points` ({points.shape[1]}), "
            f"got {queries.shape[1]}."
        )
    sq = (
        np.einsum("ij,ij->i", queries, queries)[:, None]
        + np.einsum("ij,ij->i", points, points)[None, :]
        - 2.0 * queries @ points.T
    )
    dist = np.sqrt(np.maximum(sq, 0.0))
    dmin = dist.min(axis=1)
    if np.any(dmin == 0.0):
        raise ValueError("a query coincides with a point of `points`; the relative contrast is undefined.")
    return (dist.max(axis=1) - dmin) / dmin


def relative_contrast_asymptotic(n_points, d):
    r"""Large-``d`` prediction of the mean relative contrast for uniform data on :math:`[0,1]^d`.

    Given a uniform query :math:`x`, the squared distances
    :math:`\lVert x - x_i\rVert^2` to ``n_points`` independent uniform points are
    sums of ``d`` independent terms; their conditional variance is
    :math:`d\,\mathbb{E}_{u}\mathrm{Var}[(u-v)^2\mid u] = d\,(7/180 - 1/180) = d/30`
    and their mean is :math:`d/6 + O(\sqrt d)`. By the central limit theorem and the
    delta method each distance is :math:`\sqrt{d/6} + \sqrt{1/20}\,Z_i` with
    :math:`Z_i` approximately i.i.d. standard normal, hence

    .. math:: \mathbb{E}\,\mathrm{RC} = \sqrt{\frac{3}{10\,d}}\;\mathbb{E} R_n\,\bigl(1 + O(d^{-1/2})\bigr),

    with :math:`\mathbb{E}R_n` the expected range of ``n_points`` standard normals
    (:func:`expected_normal_range`). This is the quantitative form of the
    concentration result of Beyer et al. (1999).

    Parameters
    ----------
    n_points : int
        Number of points in the cloud, >= 2.
    d : int or array_like of int
        Dimension(s), >= 1.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> from course_lib.erm import relative_contrast_asymptotic
    >>> round(relative_contrast_asymptotic(1000, 1000), 4)  # distances concentrate in high dimension
    0.1123
    """
    n_points = check_int("n_points", n_points, minimum=2)
    d_arr = check_array("d", d, ndim=(0, 1))
    if np.any(d_arr < 1):
        raise ValueError(f"`d` must be >= 1, got {d!r}.")
    out = np.sqrt(3.0 / (10.0 * d_arr)) * expected_normal_range(n_points)
    return float(out) if out.ndim == 0 else out
