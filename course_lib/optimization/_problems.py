"""Empirical risks with an exact minimiser: least squares and logistic regression, optionally with a ridge."""

from __future__ import annotations

import numpy as np
from scipy import special

from .._validation import check_array, check_int, check_real

__all__ = ["LeastSquares", "Logistic"]


def _check_data(X, y):
    X = check_array("X", X, ndim=2, min_len=1)
    y = check_array("y", y, ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have length {X.shape[0]} (the rows of `X`), got {y.shape[0]}.")
    if X.shape[1] < 1:
        raise ValueError("`X` must have at least one column.")
    return X, y


class _EmpiricalRisk:
    """Common part of the problems: data, ridge, shapes and argument checks."""

    kind = -1  # kernel code, set by subclasses

    def __init__(self, X, y, ridge=0.0):
        self.X, self.y = _check_data(X, y)
        self.ridge = check_real("ridge", ridge, lower=0.0)
        self.n, self.p = self.X.shape
        self._minimizer = None

    def _theta(self, theta):
        theta = check_array("theta", theta, ndim=1)
        if theta.shape[0] != self.p:
            raise ValueError(f"`theta` must have length {self.p} (the columns of `X`), got {theta.shape[0]}.")
        return theta

    def _index(self, i):
        return check_int("i", i, minimum=0, maximum=self.n - 1)

    def hessian(self, theta):
        """Hessian of the empirical risk at ``theta``, shape (p, p)."""
        theta = self._theta(theta)
        w = self._curvature(self.X @ theta)
        return (self.X.T * w) @ self.X / self.n + self.ridge * np.eye(self.p)

    def noise_covariance(self):
        r"""Covariance of the stochastic gradient at the minimiser, :math:`\Sigma = \frac1n\sum_i \nabla\ell_i(\theta_*)\nabla\ell_i(\theta_*)^\top`.

        Since :math:`\sum_i \nabla \ell_i(\theta_*) = 0`, this is the covariance of the
        gradient noise of SGD at :math:`\theta_*` (uniform sampling of one example).
        """
        G = self.sample_grads(self.minimizer())
        return G.T @ G / self.n

    def sample_grads(self, theta):
        """All per-sample gradients at ``theta``, shape (n, p); row i is ``sample_grad(theta, i)``."""
        theta = self._theta(theta)
        s = self._slope(self.X @ theta)
        return self.X * s[:, None] + self.ridge * theta[None, :]

    def grad(self, theta):
        r"""Gradient of the empirical risk, :math:`\nabla \hat R_n(\theta)`."""
        theta = self._theta(theta)
        return self.X.T @ self._slope(self.X @ theta) / self.n + self.ridge * theta

    def sample_grad(self, theta, i):
        r"""Gradient of the loss of example ``i``: :math:`\nabla_\theta \ell_i(\theta)` (ridge included)."""
        theta = self._theta(theta)
        i = self._index(i)
        s = self._slope_at(i, theta)
        return s * self.X[i] + self.ridge * theta


class LeastSquares(_EmpiricalRisk):
    r"""Least-squares empirical risk with an optional ridge.

    .. math:: \hat R_n(\theta) = \frac1{2n}\sum_{i=1}^n (\langle x_i, \theta\rangle - y_i)^2
              + \frac{\lambda_{\mathrm{reg}}}{2}\lVert\theta\rVert^2 ,
              \qquad \ell_i(\theta) = \tfrac12(\langle x_i,\theta\rangle - y_i)^2 + \tfrac{\lambda_{\mathrm{reg}}}{2}\lVert\theta\rVert^2 .

    Parameters
    ----------
    X : array_like, shape (n, p)
        Inputs as rows.
    y : array_like, shape (n,)
        Labels.
    ridge : float
        :math:`\lambda_{\mathrm{reg}} \ge 0`.

    Examples
    --------
    >>> pb = LeastSquares([[1.0, 0.0], [0.0, 2.0]], [1.0, 2.0])
    >>> pb.minimizer()
    array([1., 1.])
    """

    kind = 0

    def _slope(self, z):
        return z - self.y

    def _slope_at(self, i, theta):
        return float(self.X[i] @ theta - self.y[i])

    def _curvature(self, z):
        return np.ones_like(z)

    def risk(self, theta):
        r"""The empirical risk :math:`\hat R_n(\theta)`."""
        theta = self._theta(theta)
        r = self.X @ theta - self.y
        return 0.5 * float(r @ r) / self.n + 0.5 * self.ridge * float(theta @ theta)

    def minimizer(self):
        r"""The minimiser :math:`\theta_* = (X^\top X/n + \lambda_{\mathrm{reg}} I)^{-1} X^\top y / n`.

        Without ridge and with a rank-deficient design the minimisers form an affine
        space; the one of minimum norm, :math:`X^+ y`, is returned.
        """
        if self._minimizer is None:
            if self.ridge > 0:
                A = self.X.T @ self.X / self.n + self.ridge * np.eye(self.p)
                self._minimizer = np.linalg.solve(A, self.X.T @ self.y / self.n)
            else:
                self._minimizer = np.linalg.lstsq(self.X, self.y, rcond=None)[0]
        return self._minimizer.copy()


class Logistic(_EmpiricalRisk):
    r"""Logistic-regression empirical risk with labels :math:`y_i \in \{-1, +1\}` and an optional ridge.

    .. math:: \hat R_n(\theta) = \frac1n\sum_{i=1}^n \log\bigl(1 + e^{-y_i\langle x_i,\theta\rangle}\bigr)
              + \frac{\lambda_{\mathrm{reg}}}{2}\lVert\theta\rVert^2 .

    Without a ridge and with linearly separable data the infimum 0 is not attained
    (see :func:`hard_margin_svm` for where the iterates of gradient descent go).

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
        Labels in {-1, +1}.
    ridge : float
        :math:`\lambda_{\mathrm{reg}} \ge 0`.

    Examples
    --------
    >>> pb = Logistic([[1.0], [-1.0], [0.5]], [1.0, 1.0, -1.0], ridge=0.1)
    >>> bool(np.abs(pb.grad(pb.minimizer())).max() < 1e-12)
    True
    """

    kind = 1

    def __init__(self, X, y, ridge=0.0):
        super().__init__(X, y, ridge)
        if not np.all(np.abs(self.y) == 1.0):
            raise ValueError("`y` must contain only the labels -1 and +1 for logistic regression.")

    def _slope(self, z):
        # d/dz log(1 + exp(-y z)) = -y sigmoid(-y z)
        return -self.y * special.expit(-self.y * z)

    def _slope_at(self, i, theta):
        z = float(self.X[i] @ theta)
        return float(-self.y[i] * special.expit(-self.y[i] * z))

    def _curvature(self, z):
        s = special.expit(self.y * z)
        return s * (1.0 - s)

    def risk(self, theta):
        r"""The empirical risk :math:`\hat R_n(\theta)`."""
        theta = self._theta(theta)
        m = self.y * (self.X @ theta)
        return float(np.mean(np.logaddexp(0.0, -m))) + 0.5 * self.ridge * float(theta @ theta)

    def minimizer(self, *, tol=1e-13, max_iter=100):
        r"""The minimiser, by Newton's method with backtracking, to machine precision.

        The risk is strictly convex when :math:`\lambda_{\mathrm{reg}} > 0`; without a ridge
        a minimiser exists only if the data are not linearly separable, and a
        ``ValueError`` is raised when Newton's method finds none.

        Raises
        ------
        ValueError
            If no minimiser is found (e.g. separable data without a ridge).
        """
        if self._minimizer is not None:
            return self._minimizer.copy()
        if self.ridge == 0.0:
            from ._bias import _is_separable

            if _is_separable(self.X, self.y):
                raise ValueError(
                    "the data are linearly separable and `ridge` = 0: the logistic risk has no minimiser "
                    "(its infimum 0 is approached only as |theta| -> infinity); use `ridge` > 0."
                )
        tol = check_real("tol", tol, lower=0.0, lower_open=True)
        max_iter = check_int("max_iter", max_iter, minimum=1)
        theta = np.zeros(self.p)
        f = self.risk(theta)
        for _ in range(max_iter):
            g = self.grad(theta)
            gnorm = np.linalg.norm(g)
            if gnorm <= tol:
                self._minimizer = theta
                return theta.copy()
            step = np.linalg.solve(self.hessian(theta), g)
            t = 1.0
            while True:
                cand = theta - t * step
                fc = self.risk(cand)
                if fc <= f - 0.25 * t * float(g @ step) + 1e-14 * abs(f) or t < 1e-12:
                    break
                t *= 0.5
            theta, f = cand, fc
            if np.linalg.norm(theta) > 1e8:
                break
        raise ValueError(
            "no minimiser of the logistic risk was found (Newton's method diverged or did not converge); "
            "without a ridge this happens when the data are linearly separable: use `ridge` > 0."
        )
