r"""Output channels :math:`P_{out}(y \mid z)` of the GLM teacher :math:`y \sim P_{out}(\cdot \mid \langle x, w_*\rangle/\sqrt p)`.

A channel enters through :math:`Z_{out}(y, \omega, V) = \int Dz\, P_{out}(y \mid \omega + \sqrt V z)`, the output
function :math:`g_{out} = \partial_\omega \ln Z_{out}` and its derivative, and the state-evolution average
:math:`\mathbb E[g_{out}^2]` at overlap :math:`m`. ``'sign'``: :math:`y = \mathrm{sign}(z + \sqrt\Delta\,\xi)`;
``'linear'``: :math:`y = z + \sqrt\Delta\,\xi` with :math:`\Delta > 0`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate

from .._validation import check_real
from ._quadrature import gauss_hermite_normal, log_Phi, log_phi, mills_ratio

__all__ = ["SignChannel", "LinearChannel", "CHANNELS", "make_channel"]

_N_NODES = 161


class SignChannel:
    r"""Sign (probit when :math:`\Delta > 0`) channel: :math:`Z_{out}(y, \omega, V) = \Phi(y\omega/\sqrt{V+\Delta})`.

    Examples
    --------
    >>> g, dg = SignChannel().gout(np.array([1.0]), np.array([0.0]), 1.0)
    >>> round(float(g[0]), 6), round(float(dg[0]), 6)  # sqrt(2/pi) and 2/pi at omega = 0, V = 1
    (0.797885, 0.63662)
    """

    name = "sign"

    def __init__(self, noise=0.0):
        self.noise = check_real("noise", noise, lower=0.0)

    def sample(self, z, rng):
        if self.noise > 0:
            z = z + math.sqrt(self.noise) * rng.standard_normal(z.shape)
        return np.where(z >= 0, 1.0, -1.0)

    def gout(self, y, omega, V):
        """Return :math:`g_{out}` and :math:`-\\partial_\\omega g_{out}` (non-negative) elementwise."""
        s = np.sqrt(V + self.noise)
        u = np.asarray(y * omega / s, dtype=float)
        R = mills_ratio(u)
        # -R'(u) = R (u + R); for u << 0 the sum u + R cancels, use R(u) = t + 1/t - 2/t^3 + 10/t^5 + ..., t = -u
        t = np.maximum(-u, 1e3)
        u_plus_R = np.where(u < -1e3, 1.0 / t - 2.0 / t**3 + 10.0 / t**5, u + R)
        return y * R / s, R * u_plus_R / (s * s)

    def se_g2(self, m, delta, rho):
        r"""State-evolution average :math:`\mathbb E[g_{out}^2]` at overlap :math:`m = \rho - \delta`.

        With :math:`c = m/(\delta+\Delta)` and :math:`s = \sqrt{c/(1+c)}`,
        :math:`\mathbb E[g_{out}^2] = [(\delta + \Delta)\sqrt{2\pi(1+c)}]^{-1}\int Dt\, h(st)`,
        :math:`h(u) = \mathcal N(u)/(\Phi(u)\Phi(-u))`: the change of variables keeps the Gauss--Hermite rule accurate
        when :math:`m \to \rho` (large :math:`\alpha`).
        """
        z, w = gauss_hermite_normal(_N_NODES)
        m = np.asarray(m, dtype=float)
        v = np.asarray(delta, dtype=float) + self.noise
        c = m / v
        s = np.sqrt(c / (1.0 + c))
        u = s[..., None] * z
        h = np.exp(log_phi(u) - log_Phi(u) - log_Phi(-u))
        return (h @ w) / (v * np.sqrt(2.0 * np.pi * (1.0 + c)))

    def psi(self, m, delta, rho):
        r""":math:`\Psi_{P_{out}}(m; \rho) = 2\int Dz\, \Phi(\sqrt c z)\ln\Phi(\sqrt c z)`, :math:`c = m/(\delta + \Delta)`,
        by adaptive quadrature in :math:`u = \sqrt c z`."""
        c = float(m) / (float(delta) + self.noise)
        if c < 1e-12:
            return -math.log(2.0)
        sc = math.sqrt(c)

        def f(u):
            return 2.0 * math.exp(log_phi(u / sc) + log_Phi(u)) / sc * log_Phi(u)

        val = 0.0
        for a, b in ((-np.inf, -8.0), (-8.0, 0.0), (0.0, 8.0), (8.0, np.inf)):
            val += integrate.quad(f, a, b, epsabs=1e-14, epsrel=1e-11, limit=200)[0]
        return val

    def zero_one_error(self, m, delta, rho):
        r"""Bayes-optimal 0--1 error :math:`\frac1\pi\arccos\sqrt{m/(\rho+\Delta)}`, computed as an arcsine."""
        return np.arcsin(np.sqrt((np.asarray(delta) + self.noise) / (rho + self.noise))) / np.pi

    def gibbs_error(self, m, delta, rho):
        r"""0--1 error of Gibbs learning (a posterior sample): :math:`\frac1\pi\arccos(m/\sqrt{\rho(\rho+\Delta)})`."""
        if self.noise == 0.0:
            return 2.0 * np.arcsin(np.sqrt(np.asarray(delta) / (2.0 * rho))) / np.pi
        return np.arccos(np.asarray(m) / math.sqrt(rho * (rho + self.noise))) / np.pi

    def label_mse(self, m, delta, rho):
        r"""Squared error of the Bayes estimate of the label, :math:`\mathbb E[(y - \mathbb E[y\mid x, \mathcal D])^2]
        = \int Dz\, 4\Phi(\sqrt c z)\Phi(-\sqrt c z)` (adaptive quadrature in :math:`u=\sqrt c z`)."""
        c = float(m) / (float(delta) + self.noise)
        if c < 1e-12:
            return 1.0
        sc = math.sqrt(c)

        def f(u):
            return 4.0 * math.exp(log_phi(u / sc) + log_Phi(u) + log_Phi(-u)) / sc

        return sum(integrate.quad(f, a, b, epsabs=1e-15, epsrel=1e-11)[0] for a, b in ((-np.inf, 0.0), (0.0, np.inf)))


class LinearChannel:
    r"""Gaussian additive channel :math:`y = z + \sqrt\Delta\,\xi`, :math:`\Delta > 0`.

    Examples
    --------
    >>> g, dg = LinearChannel(0.5).gout(np.array([1.0]), np.array([0.0]), 0.5)  # (y - omega)/(V + Delta)
    >>> g.tolist(), dg.tolist()
    ([1.0], [1.0])
    """

    name = "linear"

    def __init__(self, noise=1.0):
        self.noise = check_real("noise", noise, lower=0.0, lower_open=True)

    def sample(self, z, rng):
        return z + math.sqrt(self.noise) * rng.standard_normal(z.shape)

    def gout(self, y, omega, V):
        v = V + self.noise
        return (y - omega) / v, np.full_like(omega, 1.0) / v

    def se_g2(self, m, delta, rho):
        return 1.0 / (np.asarray(delta, dtype=float) + self.noise)

    def psi(self, m, delta, rho):
        return -0.5 * math.log(2.0 * math.pi * math.e * (float(delta) + self.noise))

    def label_mse(self, m, delta, rho):
        return float(delta) + self.noise

    def zero_one_error(self, m, delta, rho):
        raise ValueError("the 0-1 error is defined for the 'sign' channel only; use kind='squared'.")

    gibbs_error = zero_one_error


CHANNELS = ("sign", "linear")


def make_channel(channel, noise):
    """Return a channel object from a name in :data:`CHANNELS`."""
    if channel == "sign":
        return SignChannel(noise)
    if channel == "linear":
        if noise <= 0:
            raise ValueError(f"`noise` must be > 0 for the 'linear' channel, got {noise}.")
        return LinearChannel(noise)
    raise ValueError(f"`channel` must be one of {CHANNELS}, got {channel!r}.")
