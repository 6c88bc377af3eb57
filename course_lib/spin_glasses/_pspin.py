"""Finite-N instances of the spherical p-spin model: energy, Riemannian gradient and Hessian, gradient descent."""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np
from numba import njit

from .._validation import check_array, check_int, check_real, check_rng

__all__ = ["PSpinInstance", "PSpinDescentResult", "pspin_instance", "pspin_gradient_descent"]

_MAX_TENSOR_ENTRIES = 40_000_000  # n**p doubles (320 MB); p = 3 allows n <= 341


@njit(cache=True)
def _contract_last(a2, s, out):
    """out[k] = sum_j a2[k, j] s[j] (single-threaded: BLAS threads thrash on a shared machine)."""
    rows, n = a2.shape
    for k in range(rows):
        acc = 0.0
        for j in range(n):
            acc += a2[k, j] * s[j]
        out[k] = acc
    return out


class PSpinInstance:
    r"""One sample of the spherical p-spin Hamiltonian on :math:`\mathbb S_N = \{S\in\mathbb{R}^N : \lVert S\rVert^2 = N\}`.

    :math:`H(S) = N^{-(p-1)/2}\sum_{i_1,\dots,i_p} J_{i_1\dots i_p}S_{i_1}\cdots S_{i_p}
    = \langle A, S^{\otimes p}\rangle` with :math:`A` the symmetrised, rescaled coupling tensor, stored once, so
    that one contraction :math:`M(S) = A(\cdot,\cdot,S,\dots,S)` (compiled matrix-vector products of total cost
    :math:`N^p`) gives the energy :math:`S^\top MS`, the Euclidean gradient :math:`pMS` and Hessian
    :math:`p(p-1)M`. Build it with :func:`pspin_instance`.

    Attributes
    ----------
    n : int
        Number of spins N.
    p : int
        Order of the interaction.
    tensor : ndarray of shape (n,) * p
        The symmetric tensor :math:`A`.

    Examples
    --------
    >>> from course_lib.spin_glasses import pspin_instance
    >>> res = pspin_instance(10, 3, rng=0)
    >>> type(res).__name__, res.n, res.p
    ('PSpinInstance', 10, 3)
    """

    def __init__(self, tensor, p):
        self.tensor = tensor
        self.p = p
        self.n = tensor.shape[0]

    def _check_state(self, state):
        state = check_array("state", state, ndim=1)
        if state.shape[0] != self.n:
            raise ValueError(f"`state` must have length n = {self.n}, got {state.shape[0]}.")
        return state

    def _matrix(self, s):
        """M(s) = A(., ., s, ..., s), an n x n matrix."""
        n = self.n
        s = np.ascontiguousarray(s, dtype=np.float64)
        out = self.tensor.reshape(-1, n)
        for _ in range(self.p - 2):
            out = _contract_last(out.reshape(-1, n), s, np.empty(out.size // n))
        return out.reshape(n, n)

    def energy(self, state):
        """Energy per spin :math:`H(S)/N` (the state is used as given, not projected on the sphere)."""
        s = self._check_state(state)
        return float(s @ self._matrix(s) @ s) / self.n

    def gradient(self, state):
        r"""Riemannian gradient :math:`\nabla_{\mathrm{sp}}H = P_S\nabla H = \nabla H - \frac{\langle\nabla H,S\rangle}{N}S` on :math:`\mathbb S_N`.

        The state must lie on the sphere of radius :math:`\sqrt N`.
        """
        s = self._check_state(state)
        g = self.p * (self._matrix(s) @ s)
        return g - (g @ s) / self.n * s

    def hessian(self, state):
        r"""Riemannian Hessian :math:`\nabla^2_{\mathrm{sp}}H = P_S\nabla^2 H P_S - \frac{\langle\nabla H,S\rangle}{N}P_S`, :math:`P_S = I - SS^\top/N`.

        An :math:`N\times N` matrix that vanishes on the radial direction; :meth:`hessian_spectrum` gives its
        :math:`N-1` eigenvalues on the tangent space. The state must lie on the sphere of radius :math:`\sqrt N`; at a
        critical point of energy :math:`E` the curvature term is :math:`-pE\,P_S` (Euler's identity
        :math:`\langle\nabla H,S\rangle = pH`).
        """
        s = self._check_state(state)
        m = self._matrix(s)
        g = self.p * (m @ s)
        proj = np.eye(self.n) - np.outer(s, s) / (s @ s)
        return proj @ (self.p * (self.p - 1) * m) @ proj - (g @ s) / self.n * proj

    def hessian_spectrum(self, state):
        """The N - 1 eigenvalues (increasing) of the Riemannian Hessian restricted to the tangent space."""
        s = self._check_state(state)
        basis = _tangent_basis(s)
        return np.linalg.eigvalsh(basis.T @ self.hessian(s) @ basis)


def _tangent_basis(s):
    """Orthonormal basis (n x (n-1)) of the orthogonal complement of s, from a Householder reflection."""
    n = s.shape[0]
    u = s / np.linalg.norm(s)
    v = u.copy()
    v[0] -= 1.0
    nv = v @ v
    refl = np.eye(n) if nv < 1e-300 else np.eye(n) - 2.0 * np.outer(v, v) / nv
    return refl[:, 1:]


def pspin_instance(n, p, rng=None):
    r"""Sample a spherical p-spin Hamiltonian with the normalisation of Auffinger, Ben Arous and Cerny.

    :math:`H(S) = N^{-(p-1)/2}\sum_{i_1..i_p=1}^N J_{i_1..i_p}S_{i_1}\cdots S_{i_p}`, :math:`J`
    i.i.d. :math:`\mathcal N(0,1)`, :math:`\lVert S\rVert^2 = N`; then
    :math:`\mathbb E H(S)H(S') = N (\langle S, S'\rangle/N)^p` and energies per spin :math:`H/N` are of
    order one (ground state :math:`\approx -1.657` for p = 3).

    Parameters
    ----------
    n : int
        Number of spins N, >= 2; ``n**p`` must stay below 4e7 (the tensor is stored).
    p : int
        >= 2.
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    PSpinInstance

    References
    ----------
    .. [1] A. Auffinger, G. Ben Arous, J. Cerny, Comm. Pure Appl. Math. 66 (2013) 165-201, arXiv:1003.1129.

    Examples
    --------
    >>> inst = pspin_instance(20, 3, rng=0)
    >>> s = np.ones(20)
    >>> bool(abs(inst.gradient(s) @ s) < 1e-9)
    True
    """
    n = check_int("n", n, minimum=2)
    p = check_int("p", p, minimum=2)
    if n**p > _MAX_TENSOR_ENTRIES:
        raise ValueError(f"`n`**`p` = {n**p} entries exceed the storage limit {_MAX_TENSOR_ENTRIES}; lower `n`.")
    rng = check_rng(rng)
    j = rng.standard_normal((n,) * p)
    sym = np.zeros_like(j)
    perms = list(itertools.permutations(range(p)))
    for perm in perms:
        sym += np.transpose(j, perm)
    sym *= n ** (-(p - 1) / 2.0) / math.factorial(p)
    return PSpinInstance(np.ascontiguousarray(sym), p)


@dataclass
class PSpinDescentResult:
    """Outcome of :func:`pspin_gradient_descent`.

    Attributes
    ----------
    state : ndarray
        Final configuration (on the sphere of radius sqrt(n)).
    energy : float
        Final energy per spin.
    energies : ndarray
        Energy per spin recorded every ``record_every`` steps (first entry: the start).
    gradient_norm : float
        Final :math:`\\lVert\\nabla_{\\mathrm{sp}} H\\rVert/\\sqrt N` (root mean square component).
    n_steps : int
        Steps taken.
    converged : bool
        Whether ``gradient_norm < tol`` was reached (only for zero temperature).

    Examples
    --------
    >>> from course_lib.spin_glasses import pspin_gradient_descent, pspin_instance
    >>> res = pspin_gradient_descent(pspin_instance(20, 3, rng=1), n_steps=3000, tol=1e-4, rng=2)
    >>> type(res).__name__, bool(res.energy < 0)
    ('PSpinDescentResult', True)
    """

    state: np.ndarray
    energy: float
    energies: np.ndarray
    gradient_norm: float
    n_steps: int
    converged: bool


def pspin_gradient_descent(instance, state=None, n_steps=2000, step=0.05, temperature=0.0, tol=1e-6,
                           record_every=10, rng=None):
    r"""Projected (Riemannian) gradient descent or Langevin dynamics on the sphere :math:`\lVert S\rVert^2 = N`.

    .. math::

        S_{t+1} = \sqrt N\,\frac{\tilde S}{\lVert\tilde S\rVert},\qquad
        \tilde S = S_t - \eta\,\nabla_{\mathrm{sp}}H(S_t) + \sqrt{2\eta T_t}\,P_{S_t}z_t,

    with :math:`z_t` a standard Gaussian vector and :math:`P_{S_t}` the projection on the tangent space at
    :math:`S_t`: an Euler-Maruyama step of the Langevin diffusion
    :math:`dS = -\nabla_{\mathrm{sp}}H\,dt + \sqrt{2T}\,P_S\,dB` on the sphere, followed by the retraction onto it;
    plain projected gradient descent when :math:`T = 0`. At zero temperature it stops when the RMS Riemannian
    gradient :math:`\lVert\nabla_{\mathrm{sp}}H\rVert/\sqrt N` falls below ``tol``.

    Parameters
    ----------
    instance : PSpinInstance
    state : array_like, optional
        Start; rescaled onto the sphere. Default: uniform on the sphere, drawn from ``rng``.
    n_steps : int
        Maximal number of steps, >= 1.
    step : float
        Step size :math:`\eta > 0` (stable for :math:`\eta\lesssim 2/\lambda_{\max}`; 0.05 is safe for p = 3).
    temperature : float or array_like
        :math:`T \ge 0`, constant or one value per step (an annealing schedule).
    tol : float
        Stopping tolerance (> 0) at zero temperature.
    record_every : int
        Record the energy every this many steps.
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    PSpinDescentResult

    Warns
    -----
    RuntimeWarning
        If a zero-temperature run (``temperature`` identically 0) ends without reaching ``tol``.

    References
    ----------
    .. [1] L. F. Cugliandolo, J. Kurchan, "Analytical solution of the off-equilibrium dynamics of a long-range
       spin-glass model", Phys. Rev. Lett. 71 (1993) 173-176 (as N -> infinity, the flow approaches the threshold
       energy as t -> infinity).
    .. [2] M. Sellke, "The threshold energy of low temperature Langevin dynamics for pure spherical spin glasses",
       arXiv:2305.07956 (Comm. Pure Appl. Math., 2024): for Langevin dynamics the limit energy tends to the
       threshold energy as the temperature tends to 0 (his noise is normalised without the factor sqrt(2)).

    Examples
    --------
    >>> inst = pspin_instance(30, 3, rng=1)
    >>> res = pspin_gradient_descent(inst, n_steps=5000, tol=1e-5, rng=2)
    >>> bool(res.converged and -2.0 < res.energy < -1.2)
    True
    """
    if not isinstance(instance, PSpinInstance):
        raise TypeError(f"`instance` must be a PSpinInstance from pspin_instance, got {type(instance).__name__}.")
    n = instance.n
    n_steps = check_int("n_steps", n_steps, minimum=1)
    step = check_real("step", step, lower=0.0, lower_open=True)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    record_every = check_int("record_every", record_every, minimum=1)
    temps = check_array("temperature", temperature, ndim=(0, 1))
    if np.any(temps < 0.0):
        raise ValueError("`temperature` must be >= 0.")
    if temps.ndim == 1 and temps.shape[0] != n_steps:
        raise ValueError(f"`temperature` must be a scalar or have length n_steps = {n_steps}, got {temps.shape[0]}.")
    temps = np.broadcast_to(temps, (n_steps,))
    rng = check_rng(rng)
    if state is None:
        s = rng.standard_normal(n)
    else:
        s = instance._check_state(state).copy()
        if not np.linalg.norm(s) > 0.0:
            raise ValueError("`state` must be nonzero.")
    s *= np.sqrt(n) / np.linalg.norm(s)
    energies = []
    root_n = np.sqrt(n)
    converged = False
    t = 0
    gnorm = np.inf
    for t in range(n_steps + 1):
        m = instance._matrix(s)
        ms = m @ s
        e = float(s @ ms) / n
        g = instance.p * ms
        g -= (g @ s) / n * s
        gnorm = float(np.linalg.norm(g)) / root_n
        if t % record_every == 0:
            energies.append(e)
        if t == n_steps:
            break
        temp = temps[t]
        if temp == 0.0 and gnorm < tol:
            converged = True
            break
        if temp > 0.0:  # noise projected on the tangent space at the current point, as in the docstring
            noise = rng.standard_normal(n)
            noise -= (noise @ s) / n * s
            s = s - step * g + np.sqrt(2.0 * step * temp) * noise
        else:
            s = s - step * g
        s *= root_n / np.linalg.norm(s)
    if not converged and not np.any(temps > 0.0):
        warnings.warn(
            f"pspin_gradient_descent: RMS gradient {gnorm:.2e} > tol = {tol:.1e} after {n_steps} steps; "
            "increase n_steps or tol.", RuntimeWarning, stacklevel=2)
    return PSpinDescentResult(state=s, energy=e, energies=np.array(energies), gradient_norm=gnorm,
                              n_steps=t, converged=converged)
