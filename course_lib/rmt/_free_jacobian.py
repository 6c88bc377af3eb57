"""The full limiting spectral density of a deep network's Jacobian by free multiplicative convolution."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from .._validation import check_array, check_int, check_real
from ._deep import SIGMA_MAX, _check_activation, mean_field_fixed_point
from ._densities import fuss_catalan_pdf, marchenko_pastur_cdf  # noqa: F401 (doctests)

__all__ = [
    "JacobianDensity",
    "deep_jacobian_density",
    "deep_jacobian_pdf",
    "deep_jacobian_cdf",
    "deep_jacobian_edge",
]


@dataclass(frozen=True)
class JacobianDensity:
    """Result of :func:`deep_jacobian_density`.

    Attributes
    ----------
    x : ndarray
        The points where the density was evaluated.
    pdf : ndarray
        The density of the absolutely continuous part of the law of the squared singular values.
    atom : float
        The mass of the atom at 0 (1/2 for ReLU, 0 otherwise).
    residual : float
        The largest relative residual of the functional equation at the returned solutions.
    n_iter : int
        The largest number of Newton iterations used at one continuation step.
    converged : bool
        True when the residual at the returned points is below the tolerance.

    Examples
    --------
    >>> res = deep_jacobian_density([0.5, 1.0], 2, "relu", np.sqrt(2.0), 0.0)
    >>> type(res).__name__, res.atom, bool(res.converged), bool(np.all(res.pdf > 0))
    ('JacobianDensity', 0.5, True, True)
    """

    x: np.ndarray
    pdf: np.ndarray
    atom: float
    residual: float
    n_iter: int
    converged: bool


class _D2Law:
    """The law of d = phi'(sqrt(q*) z)^2, z ~ N(0, 1), and E[1/(1 - u d)] for complex u.

    Linear and ReLU laws are discrete (exact). For tanh, d = sech^4(sqrt(q*) z); when 1/u is close to the support (0, 1]
    the integrand 1/(1 - u d(z)) has two poles +-z0 close to the real z axis, cosh(sqrt(q*) z0)^4 = u, and a fixed
    quadrature fails. They are subtracted and integrated exactly with the Faddeeva function,
    E[1/(z - a)] = i sqrt(pi/2) w(a/sqrt(2)) for Im a > 0; Gauss--Hermite quadrature integrates the smooth remainder.
    """

    def __init__(self, activation, q_star, n_quad):
        self.tanh = activation == "tanh"
        if activation == "linear":
            self.d, self.w = np.array([1.0]), np.array([1.0])
        elif activation == "relu":
            self.d, self.w = np.array([0.0, 1.0]), np.array([0.5, 0.5])
        else:
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # far-tail weights underflow to 0
                z, w = np.polynomial.hermite_e.hermegauss(n_quad)
            self.z, self.wz = z, np.where(np.isfinite(w), w, 0.0) / np.sqrt(2.0 * np.pi)
            self.sq = np.sqrt(q_star)
            self.d, self.w = 1.0 / np.cosh(self.sq * z) ** 4, self.wz

    def one_plus_psi(self, u):
        """E[1 / (1 - u d)] for an array of complex u."""
        if not self.tanh:
            return (self.w / (1.0 - u[..., None] * self.d)).sum(-1)
        out = np.empty(u.shape, dtype=complex)
        with np.errstate(all="ignore"):
            z0 = np.arccosh(u**0.25) / self.sq
        z0 = np.where(z0.real < 0, -z0, z0)
        # plain quadrature when 1/u is far from the support (0, 1], or the poles are far from the real axis, or in the
        # Gaussian tail |z| > 8 where their contribution is below round-off
        far = (np.abs(u) < 0.5) | ~(np.abs(z0.imag) < 1.0) | ~(np.abs(z0.real) < 8.0)
        out[far] = (self.w / (1.0 - u[far, None] * self.d)).sum(-1)
        un, z0 = u[~far], z0[~far]
        # residue of 1/(1 - u sech^4(sq z)) at z0: -1/(u g'(z0)), g' = -4 sq sech^4 tanh = -4 sq tanh(sq z0) / u
        res = 1.0 / (4.0 * self.sq * np.tanh(self.sq * z0))
        smooth = 1.0 / (1.0 - un[:, None] * self.d) - res[:, None] * (1.0 / (self.z - z0[:, None]) - 1.0 / (self.z + z0[:, None]))
        out[~far] = (self.wz * smooth).sum(-1) + res * (_cauchy_gauss(z0) - _cauchy_gauss(-z0))
        return out

    def psi_and_derivative(self, u):
        """psi(u) = E[u d / (1 - u d)], 1 + psi and psi'(u)."""
        one_psi = self.one_plus_psi(u)
        if not self.tanh:
            return one_psi - 1.0, one_psi, (self.w * (self.d / (1.0 - u[..., None] * self.d) ** 2)).sum(-1)
        h = 1e-6 * np.abs(u)
        dpsi = (self.one_plus_psi(u + h) - self.one_plus_psi(u - h)) / (2.0 * h)
        small = np.abs(u) < 0.5  # avoid the cancellation in (1 + psi) - 1 for small u
        psi = one_psi - 1.0
        psi[small] = u[small] * (self.w * (self.d / (1.0 - u[small, None] * self.d))).sum(-1)
        return psi, one_psi, dpsi


def _cauchy_gauss(a):
    """E[1/(z - a)] for z ~ N(0, 1) and complex a off the real axis (Faddeeva function)."""
    upper = a.imag > 0
    b = np.where(upper, a, np.conj(a))
    val = 1j * np.sqrt(np.pi / 2.0) * special.wofz(b / np.sqrt(2.0))
    return np.where(upper, val, np.conj(val))


def _log_map(u, depth, init, law, scale):
    """log of w(u) = u^L psi^(1-L) g(psi) / sigma_w^(2L) and its derivative in u (g = (1+psi)^-1 or (1+psi)^(L-1))."""
    psi, one_psi, dpsi = law.psi_and_derivative(u)
    e = -1.0 if init == "gaussian" else depth - 1.0
    logw = depth * np.log(u) + (1.0 - depth) * np.log(psi) + e * np.log(one_psi) - np.log(scale)
    dlogw = depth / u + ((1.0 - depth) / psi + e / one_psi) * dpsi
    return logw, dlogw, psi


def _setup(depth, activation, sigma_w, sigma_b, init, n_quad):
    depth = check_int("depth", depth, minimum=1)
    activation = _check_activation(activation)
    sigma_w = check_real("sigma_w", sigma_w, lower=0.0, lower_open=True, upper=SIGMA_MAX)
    sigma_b = check_real("sigma_b", sigma_b, lower=0.0, upper=SIGMA_MAX)
    if init not in ("gaussian", "orthogonal"):
        raise ValueError(f"`init` must be 'gaussian' or 'orthogonal', got {init!r}.")
    n_quad = check_int("n_quad", n_quad, minimum=8, maximum=300)
    if activation == "linear":
        q_star = 1.0
    else:
        fp = mean_field_fixed_point(activation, sigma_w, sigma_b)
        if not fp.converged:
            raise ValueError("the length map has no finite fixed point for these parameters (chaotic ReLU network): "
                             "decrease `sigma_w` or `sigma_b`.")
        q_star = fp.q_star
    if activation == "linear" and init == "orthogonal":
        raise ValueError("a linear network with orthogonal weights has all squared singular values equal to "
                         "`sigma_w`**(2 `depth`): no density.")
    return depth, activation, sigma_w, init, _D2Law(activation, q_star, n_quad)


def deep_jacobian_density(x, depth, activation, sigma_w, sigma_b, init="gaussian", *, rel_eps=1e-10, n_quad=101,
                          tol=1e-7, max_iter=50, n_cont=40):
    r"""Limiting density of the squared singular values of a deep network's Jacobian, by free multiplicative convolution.

    For the network of :func:`deep_jacobian_singular_values` at the mean-field fixed point :math:`q^*`, the matrices
    :math:`D_\ell^2 = \operatorname{diag}\phi'(h_\ell)^2` and :math:`W_\ell^\top W_\ell` are asymptotically free, so the
    S-transform of the law of :math:`JJ^\top` is (Pennington, Schoenholz, Ganguli 2017; 2018)

    .. math:: S_{JJ^\top}(\psi) = S_{D^2}(\psi)^L\, S_{W^\top W}(\psi)^L, \qquad
              S_{W^\top W}(\psi) = \frac{1}{\sigma_w^2(1+\psi)} \ \text{(Gaussian)}, \quad \frac1{\sigma_w^2}\ \text{(orthogonal)}.

    With the moment generating functions :math:`\psi_X(w) = \int \frac{wx}{1-wx}\,d\mu_X(x)` and
    :math:`S_X(\psi) = \frac{1+\psi}{\psi}\,\psi_X^{-1}(\psi)`, write :math:`\psi = \psi_{D^2}(u)`, i.e. :math:`u = \psi_{D^2}^{-1}(\psi)`.
    Then :math:`w = \psi_{JJ^\top}^{-1}(\psi)` becomes an explicit function of the single unknown :math:`u`,

    .. math:: w = \frac{u^L\,\psi^{1-L}}{\sigma_w^{2L}(1+\psi)} \ \text{(Gaussian)}, \qquad
              w = \frac{u^L\,\psi^{1-L}(1+\psi)^{L-1}}{\sigma_w^{2L}} \ \text{(orthogonal)}, \qquad \psi = \psi_{D^2}(u),

    where :math:`\psi_{D^2}(u) = \mathbb E\,\frac{u\,d}{1-u\,d}`, :math:`d = \phi'(\sqrt{q^*}z)^2`, is computed exactly for
    linear and ReLU networks and by ``n_quad``-point Gauss--Hermite quadrature for ``tanh``. For each
    :math:`z = x(1 + i\,\text{rel\_eps})` this equation with :math:`w = 1/z` is solved for :math:`u` by Newton's method on
    :math:`\log w(u) - \log(1/z)`, following the root by continuation from :math:`z = x + 10 i\,x_{\max}`, where
    :math:`u\approx \chi^L w/m_1` (the first term of the moment expansion), down to the real axis in ``n_cont``
    geometric steps of the imaginary part. The Stieltjes transform is :math:`G(z) = (1 + \psi_{JJ^\top}(1/z))/z` and the
    density :math:`\rho(x) = -\operatorname{Im}G(x+i0)/\pi`.

    For a linear Gaussian network (:math:`d\equiv1`) the equation reduces to :math:`\psi = w(1+\psi)^{L+1}`, the Fuss--Catalan law.

    Parameters
    ----------
    x : array_like
        Points > 0.
    depth : int
        :math:`L` >= 1.
    activation : {'linear', 'tanh', 'relu'}
    sigma_w, sigma_b : float
        Weight and bias scales (the fixed point must exist).
    init : {'gaussian', 'orthogonal'}
    rel_eps : float
        Relative distance of the evaluation points to the real axis.
    n_quad : int
        Number of Gauss--Hermite nodes for ``tanh``.
    tol, max_iter, n_cont : float, int, int
        Newton tolerance on the residual :math:`|\log w(u) - \log(1/z)|`, iterations per continuation step, number of
        continuation steps. The residual reaches 1e-14 except far below the spectrum of a tanh network, where
        :math:`1/u` lies in the far tail of the law of :math:`D^2` and round-off limits it to about 1e-8.

    Returns
    -------
    JacobianDensity
        With ``converged`` and the largest residual; a ``RuntimeWarning`` is issued if some solve did not converge.

    References
    ----------
    .. [1] J. Pennington, S. S. Schoenholz, S. Ganguli, "Resurrecting the sigmoid in deep learning through dynamical
       isometry: theory and practice", NeurIPS 2017, arXiv:1711.04735.
    .. [2] J. Pennington, S. S. Schoenholz, S. Ganguli, "The emergence of spectral universality in deep networks",
       AISTATS 2018, arXiv:1802.09979.

    Examples
    --------
    >>> r = deep_jacobian_density([1.0], 2, "linear", 1.0, 0.0)
    >>> bool(r.converged), bool(abs(r.pdf[0] - fuss_catalan_pdf(1.0, 2)) < 1e-6)
    (True, True)
    """
    x = check_array("x", x, ndim=1, min_len=1)
    if np.any(x <= 0):
        raise ValueError("`x` must contain points > 0.")
    rel_eps = check_real("rel_eps", rel_eps, lower=0.0, lower_open=True, upper=0.1)
    tol = check_real("tol", tol, lower=0.0, lower_open=True, upper=1.0)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    n_cont = check_int("n_cont", n_cont, minimum=2)
    depth, activation, sigma_w, init, law = _setup(depth, activation, sigma_w, sigma_b, init, n_quad)
    scale = sigma_w ** (2 * depth)
    m1 = float(law.w @ law.d)
    mean = (sigma_w**2 * m1) ** depth
    y_top = 10.0 * max(float(x.max()), mean)
    y_end = rel_eps * x
    z = x + 1j * y_top
    u = mean / z / m1
    worst_iter = 0
    active = np.ones(x.size, dtype=bool)
    for t in range(n_cont):
        # the imaginary part goes geometrically from y_top to rel_eps * x, separately at every point
        z = x + 1j * y_top * (y_end / y_top) ** (t / (n_cont - 1))
        target = -np.log(z)
        active[:] = True
        for it in range(1, max_iter + 1):
            logw, dlogw, _ = _log_map(u[active], depth, init, law, scale)
            res = logw - target[active]
            res = res.real + 1j * ((res.imag + np.pi) % (2 * np.pi) - np.pi)  # the log's branch: angles modulo 2 pi
            # Newton in v = log u (the map is close to linear in log u at both ends of the spectrum)
            step = res / (dlogw * u[active])
            step *= np.minimum(1.0, 1.0 / np.maximum(np.abs(step), 1e-300))  # damp steps longer than 1
            u[active] = u[active] * np.exp(-step)
            done = np.abs(res) < tol
            idx = np.flatnonzero(active)
            active[idx[done]] = False
            if not active.any():
                break
        worst_iter = max(worst_iter, it)
    logw, _, _ = _log_map(u, depth, init, law, scale)
    res = logw + np.log(z)
    residual = float(np.max(np.abs(res.real + 1j * ((res.imag + np.pi) % (2 * np.pi) - np.pi))))
    converged = residual < tol  # intermediate continuation steps need not be solved to the tolerance
    g = law.one_plus_psi(u) / z  # G(z) = (1 + psi(1/z)) / z
    pdf = np.maximum(-g.imag / np.pi, 0.0)
    atom = float(law.w[law.d == 0.0].sum())
    if atom > 0:  # remove the Lorentzian tail of the atom at 0 seen at distance rel_eps * x
        pdf = np.maximum(pdf - atom * z.imag / (np.pi * np.abs(z) ** 2), 0.0)
    if not converged:
        import warnings

        warnings.warn(f"Newton's method did not reach tol={tol} (residual {residual:.1e}).", RuntimeWarning, stacklevel=2)
    return JacobianDensity(x, pdf, atom, residual, worst_iter, converged)


def deep_jacobian_edge(depth, activation, sigma_w, sigma_b, init="gaussian", *, n_quad=101):
    r"""Upper edge of the limiting spectrum of :math:`JJ^\top` (see :func:`deep_jacobian_density`).

    On the real axis the map :math:`u\mapsto w(u)` of :func:`deep_jacobian_density` increases from 0 for
    :math:`0 < u < 1/\max d`; its first maximum :math:`w_*` is :math:`1/\lambda_{\max}`, the point where the inverse
    :math:`w\mapsto\psi(w)` ceases to be analytic. For a linear Gaussian network this gives :math:`(L+1)^{L+1}/L^L`.

    Examples
    --------
    >>> round(deep_jacobian_edge(3, "linear", 1.0, 0.0), 10) == round(4**4 / 27, 10)
    True
    """
    depth, activation, sigma_w, init, law = _setup(depth, activation, sigma_w, sigma_b, init, n_quad)
    scale = sigma_w ** (2 * depth)
    u_max = 1.0 / law.d.max()

    def neg_logw(s):  # u = u_max * (1 - exp(-s)) keeps u inside (0, u_max)
        u = np.array([u_max * -np.expm1(-s)], dtype=complex)
        return -_log_map(u, depth, init, law, scale)[0][0].real

    s_grid = np.linspace(1e-3, 30.0, 3001)
    vals = np.array([neg_logw(s) for s in s_grid])
    k = int(np.argmax(np.diff(vals) > 0))  # first local minimum of -log w
    if k == 0 and not np.diff(vals)[0] > 0:
        k = len(s_grid) - 2
    res = optimize.minimize_scalar(neg_logw, bracket=(s_grid[max(k - 1, 0)], s_grid[k], s_grid[k + 1]), tol=1e-14)
    return float(np.exp(res.fun))


def _grid(edge, n):
    """Points on (0, edge): geometric towards 0, clustered towards the square-root edge."""
    t = np.linspace(0.0, 1.0, n)
    upper = edge * (1.0 - (1.0 - t[1:-1]) ** 2)  # denser near the edge
    lower = np.geomspace(1e-24 * edge, 0.02 * edge, n // 2)
    return np.unique(np.concatenate([lower, upper[upper > 0.02 * edge]]))


def deep_jacobian_pdf(x, depth, activation, sigma_w, sigma_b, init="gaussian", **kwargs):
    r"""Density of the absolutely continuous part of the law of :math:`JJ^\top`; see :func:`deep_jacobian_density`.

    Raises ``RuntimeError`` when the Newton solves do not converge.

    Examples
    --------
    >>> round(float(deep_jacobian_pdf([1.0], 1, "linear", 1.0, 0.0)[0]) * np.pi, 6)
    0.866025
    """
    r = deep_jacobian_density(x, depth, activation, sigma_w, sigma_b, init, **kwargs)
    if not r.converged:
        raise RuntimeError("the free-convolution solver did not converge.")
    return r.pdf


def deep_jacobian_cdf(s, depth, activation, sigma_w, sigma_b, init="gaussian", *, n_grid=3000, n_quad=101):
    r"""Cumulative distribution function of the limiting law of :math:`JJ^\top` (atom at 0 included).

    The density of :func:`deep_jacobian_density` is integrated by the trapezoidal rule *from the upper edge*
    (:func:`deep_jacobian_edge`) down, on ``n_grid`` points clustered at both ends, and
    :math:`F(s) = 1 - \int_s^{\lambda_{\max}}\rho`; so an integrable singularity at 0 costs nothing and the total mass is
    exact by construction. Below the first grid point :math:`10^{-24}\lambda_{\max}` the density is continued as the power law
    :math:`\rho\propto x^{\beta-1}` with :math:`\beta = x\rho(x)/(F(x) - \text{atom})` measured there (for a Gaussian network
    :math:`\beta = 1/(L+1)`, the hard edge of the Fuss--Catalan law).

    Returns
    -------
    ndarray
        :math:`F(s)` for each ``s``.

    Examples
    --------
    >>> F = deep_jacobian_cdf([1.0], 1, "linear", 1.0, 0.0)
    >>> bool(abs(F[0] - marchenko_pastur_cdf(1.0, 1.0)) < 1e-4)
    True
    """
    s = check_array("s", s, ndim=1, min_len=1)
    n_grid = check_int("n_grid", n_grid, minimum=100)
    edge = deep_jacobian_edge(depth, activation, sigma_w, sigma_b, init, n_quad=n_quad)
    grid = _grid(edge, n_grid)
    r = deep_jacobian_density(grid, depth, activation, sigma_w, sigma_b, init, n_quad=n_quad)
    if not r.converged:
        raise RuntimeError("the free-convolution solver did not converge.")
    seg = 0.5 * (r.pdf[1:] + r.pdf[:-1]) * np.diff(grid)
    upper_mass = np.concatenate([np.cumsum(seg[::-1])[::-1], [0.0]])  # mass of [grid_i, edge]
    out = 1.0 - np.interp(s, grid, upper_mass, left=np.nan, right=0.0)
    # below grid_0 = 1e-24 edge: the density is a power law rho ~ c x^(beta - 1) there, F = atom + (F_0 - atom)(s/grid_0)^beta
    low = (s >= 0) & (s < grid[0])
    f0 = 1.0 - upper_mass[0] - r.atom
    if np.any(low):
        beta = r.pdf[0] * grid[0] / f0 if f0 > 0 and r.pdf[0] > 0 else np.inf
        out[low] = r.atom + f0 * (s[low] / grid[0]) ** beta
    out[s < 0] = 0.0
    return out
