r"""Replica formula and state evolution of the Bayes-optimal teacher--student GLM.

Free entropy (Barbier, Krzakala, Macris, Miolane, Zdeborová 2019, the replica-symmetric formula):

.. math::  f_{RS}(m, \hat m) = \Psi_{P_x}(\hat m) + \alpha\,\Psi_{P_{out}}(m; \rho) - \tfrac12 m\hat m,

stationary at :math:`\hat m = 2\alpha\,\partial_m\Psi_{P_{out}} = \alpha\,\mathbb E[g_{out}^2]` and
:math:`m = 2\Psi_{P_x}'(\hat m)`; the second equation is the prior's scalar-channel overlap.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy import optimize

from .._validation import check_bool, check_int, check_real
from ._channels import make_channel
from ._priors import make_prior

__all__ = [
    "GLMFixedPoint",
    "glm_state_evolution",
    "bayes_optimal_error",
    "BinaryThresholds",
    "binary_teacher_thresholds",
    "sign_large_alpha_constants",
]


@dataclass(frozen=True)
class GLMFixedPoint:
    """Result of :func:`glm_state_evolution`.

    Attributes
    ----------
    alpha : float
    m, m_hat : float
        Overlap :math:`m = \\lim \\langle \\hat w, w_*\\rangle/p` and its conjugate.
    one_minus_m : float
        :math:`\\rho - m`, computed without cancellation (accurate at large :math:`\\alpha`).
    free_entropy : float
        :math:`f_{RS}(m, \\hat m)`.
    gen_error : float
        Bayes-optimal 0--1 error (sign channel) or label mean squared error (linear channel).
    gibbs_error : float or None
        0--1 error of Gibbs learning (sign channel).
    label_mse : float
        Squared error of the Bayes estimate of the label.
    history : ndarray
        Overlap :math:`m_t` after each iteration, :math:`m_0` first.
    converged : bool
    n_iter : int

    Examples
    --------
    >>> from course_lib.teacher_student import glm_state_evolution
    >>> fp = glm_state_evolution(2.0, prior="gaussian")
    >>> type(fp).__name__, bool(fp.converged)
    ('GLMFixedPoint', True)
    """

    alpha: float
    m: float
    m_hat: float
    one_minus_m: float
    free_entropy: float
    gen_error: float
    gibbs_error: float | None
    label_mse: float
    history: np.ndarray = field(repr=False)
    converged: bool
    n_iter: int


_DELTA_FLOOR = 1e-200


def _check_alpha(alpha):
    return check_real("alpha", alpha, lower=0.0, lower_open=True)


def glm_state_evolution(alpha, prior="gaussian", channel="sign", noise=0.0, init="uninformed", n_iter=10_000,
                        tol=1e-12, damping=0.0, warn=True):
    r"""Iterate the state evolution of the Bayes-optimal GLM to a fixed point.

    .. math::

        \hat m_t = \alpha\,\mathbb E\big[g_{out}^2\big](m_t), \qquad
        m_{t+1} = \mathbb E\big[w\, f_a(\hat m_t w + \sqrt{\hat m_t}\,\xi, \hat m_t)\big],

    the two stationarity conditions of :math:`f_{RS}` and the per-iteration prediction of GAMP's overlap. All averages
    are Gauss--Hermite or adaptive quadrature; the state is carried as :math:`(\hat m, \rho - m)` so that
    :math:`\alpha = 10^3` is as accurate as :math:`\alpha = 1`.

    Parameters
    ----------
    alpha : float
        Sample ratio :math:`n/p > 0`.
    prior : {'gaussian', 'rademacher', 'gauss_bernoulli'} or Prior
    channel : {'sign', 'linear'}
    noise : float
        Variance :math:`\Delta \ge 0` of the Gaussian noise added to the pre-activation (``> 0`` for ``'linear'``).
    init : {'uninformed', 'informed'} or float
        Initial overlap: 0, :math:`\rho(1-10^{-8})`, or a value in :math:`[0, \rho)`.
    n_iter : int
        Maximum number of iterations.
    tol : float
        Stop when :math:`\rho - m` and :math:`\hat m` change by less than ``tol`` relatively.
    damping : float
        In :math:`[0, 1)`: :math:`\hat m_t \leftarrow (1-\text{damping})\hat m_t + \text{damping}\,\hat m_{t-1}`.
    warn : bool
        Emit a ``RuntimeWarning`` when not converged.

    Returns
    -------
    GLMFixedPoint

    Raises
    ------
    ValueError
        For :math:`\alpha \le 0`, an unknown prior or channel, or a bad ``init``.

    References
    ----------
    .. [1] J. Barbier, F. Krzakala, N. Macris, L. Miolane, L. Zdeborová, "Optimal errors and phase transitions in
       high-dimensional generalized linear models", PNAS 116, 5451 (2019) (the
       replica-symmetric formula, proved) and the state evolution of GAMP.
    .. [2] S. Rangan, "Generalized approximate message passing for estimation with random linear mixing",
       ISIT 2011 (arXiv:1010.5141), state evolution.

    Examples
    --------
    >>> fp = glm_state_evolution(2.0, prior="gaussian")
    >>> fp.converged, round(fp.m, 3)
    (True, 0.728)
    """
    warn = check_bool("warn", warn)
    alpha = _check_alpha(alpha)
    noise = check_real("noise", noise, lower=0.0)
    n_iter = check_int("n_iter", n_iter, minimum=1)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    damping = check_real("damping", damping, lower=0.0, upper=1.0, upper_open=True)
    P = make_prior(prior)
    C = make_channel(channel, noise)
    rho = P.rho
    if isinstance(init, str):
        if init == "uninformed":
            m, delta = 0.0, rho
        elif init == "informed":
            m, delta = rho * (1 - 1e-8), rho * 1e-8
        else:
            raise ValueError(f"`init` must be 'uninformed', 'informed' or a number in [0, rho), got {init!r}.")
    else:
        m = check_real("init", init, lower=0.0, upper=rho, upper_open=True)
        delta = rho - m
    hist = [m]
    mh_prev = None
    converged = False
    it = 0
    for it in range(1, n_iter + 1):
        mh = alpha * float(C.se_g2(m, delta, rho))
        if mh_prev is not None and damping > 0:
            mh = (1 - damping) * mh + damping * mh_prev
        m_new, d_new = (float(v) for v in P.se_update(mh))
        perfect = d_new <= _DELTA_FLOOR  # perfect recovery (discrete priors): stop before rho - m underflows
        d_new = max(d_new, _DELTA_FLOOR)
        done = (mh_prev is not None and abs(mh - mh_prev) <= tol * mh
                and abs(d_new - delta) <= tol * max(d_new, 1e-300))
        m, delta, mh_prev = m_new, d_new, mh
        hist.append(m)
        if done or perfect:
            converged = True
            break
    if not converged and warn:
        warnings.warn(f"state evolution did not converge in {n_iter} iterations at alpha={alpha}", RuntimeWarning,
                      stacklevel=2)
    mh = alpha * float(C.se_g2(m, delta, rho))
    if delta <= _DELTA_FLOOR:
        # perfect recovery of a discrete prior: f = -H(P_x) + alpha Psi_out(rho; rho), where the channel term is minus
        # the entropy of the label noise (zero for the noiseless sign channel)
        f = -P.entropy + (alpha * C.psi(rho, 0.0, rho) if C.noise > 0 else 0.0)
    else:
        f = float(P.free_entropy_term(mh, delta)) + alpha * C.psi(m, delta, rho)
    if C.name == "sign":
        gen, gibbs = float(C.zero_one_error(m, delta, rho)), float(C.gibbs_error(m, delta, rho))
        mse = C.label_mse(m, delta, rho)
    else:
        gen = mse = C.label_mse(m, delta, rho)
        gibbs = None
    return GLMFixedPoint(alpha, m, mh, delta, float(f), gen, gibbs, float(mse), np.array(hist), converged, it)


def bayes_optimal_error(alpha, prior="gaussian", channel="sign", noise=0.0, kind="zero_one"):
    r"""Bayes-optimal generalisation error from the replica formula.

    Runs :func:`glm_state_evolution` from an uninformed and an informed start and keeps the fixed point of largest
    free entropy (the proven formula of Barbier et al. 2019). ``kind='zero_one'`` returns
    :math:`\frac1\pi\arccos\sqrt{m/(\rho+\Delta)}` (sign channel); ``kind='squared'`` the squared error of the Bayes
    estimate of the label.

    Examples
    --------
    >>> round(bayes_optimal_error(1.0), 4)
    0.2544
    """
    alpha = _check_alpha(alpha)
    if kind not in ("zero_one", "squared"):
        raise ValueError(f"`kind` must be one of ('zero_one', 'squared'), got {kind!r}.")
    fps = [glm_state_evolution(alpha, prior, channel, noise, init=i) for i in ("uninformed", "informed")]
    best = max(fps, key=lambda fp: fp.free_entropy)
    if kind == "squared":
        return best.label_mse
    if channel != "sign":
        raise ValueError("kind='zero_one' needs channel='sign'; use kind='squared'.")
    return best.gen_error


class BinaryThresholds(NamedTuple):
    """Thresholds of the Rademacher-prior sign perceptron: ``alpha_it`` (first-order transition of the free entropy)
    and ``alpha_alg`` (spinodal of the uninformed branch, where AMP starts to succeed).

    Examples
    --------
    >>> from course_lib.teacher_student import binary_teacher_thresholds
    >>> th = binary_teacher_thresholds()
    >>> type(th).__name__, bool(th.alpha_alg > th.alpha_it)  # a hard phase between the two
    ('BinaryThresholds', True)
    """

    alpha_it: float
    alpha_alg: float


def _poor_gap(alpha, P, C, grid):
    """min over m in grid of F(m) - m, F the state-evolution map; negative iff an uninformed-branch fixed point."""
    rho = P.rho
    mh = alpha * C.se_g2(grid, rho - grid, rho)
    m_new = P.se_update(mh)[0]
    return float(np.min(m_new - grid))


def binary_teacher_thresholds(tol=1e-7):
    r"""Compute :math:`(\alpha_{IT}, \alpha_{alg})` for the Rademacher teacher with sign output, noiseless.

    * :math:`\alpha_{alg}`: the largest :math:`\alpha` at which the state-evolution map :math:`m \mapsto F_\alpha(m)`
      still has a fixed point on the uninformed branch (:math:`\min_m [F_\alpha(m) - m] = 0`, a spinodal); found by
      bisection (Brent) on a fine grid of :math:`m \in [10^{-3}, 0.9]`, refined by bounded minimisation.
    * :math:`\alpha_{IT}`: where the free entropy of the uninformed fixed point equals that of perfect recovery,
      :math:`f_{RS} = -\ln 2` (minus the prior entropy). For this model the posterior is uniform on the version space
      :math:`\mathcal V = \{w \in \{\pm1\}^p : \operatorname{sign}\langle x_i, w\rangle = y_i\ \forall i\}`, so
      :math:`f = \frac1p\mathbb E\ln(2^{-p}|\mathcal V|) = s - \ln 2` with :math:`s` the quenched entropy of the
      version space: "the free entropies of the two branches cross" and "the entropy of the uninformed state
      vanishes" (Gardner--Derrida, Györgyi) are one and the same equation.

    Returns
    -------
    BinaryThresholds

    Notes
    -----
    The result, :math:`\alpha_{IT} = 1.244684` and :math:`\alpha_{alg} = 1.492632`, agrees to :math:`10^{-9}` with an
    independent evaluation of the same equations by adaptive quadrature (``tests/test_teacher_student_glm.py``).
    Barbier et al. quote :math:`\alpha_{IT} \approx 1.249`; since the criterion is the same, that difference is not
    one of definition, and we could not reproduce it. The crossing is sensitive to any regularisation of the sign
    channel: a label noise of variance :math:`\Delta = 10^{-5}` already moves it to about 1.252.

    References
    ----------
    .. [1] G. Györgyi, "First-order transition to perfect generalization in a neural network with binary synapses",
       Phys. Rev. A 41, 7097 (1990): :math:`\alpha \approx 1.245` (the zero-entropy point of Gardner and Derrida,
       J. Phys. A 22, 1983 (1989)).
    .. [2] J. Barbier et al., PNAS 116, 5451 (2019): :math:`\alpha_{IT} \approx 1.249`, :math:`\alpha_{alg} \approx
       1.493`.

    Examples
    --------
    >>> th = binary_teacher_thresholds()
    >>> round(th.alpha_it, 3), round(th.alpha_alg, 3)
    (1.245, 1.493)
    """
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    P = make_prior("rademacher")
    C = make_channel("sign", 0.0)
    grid = np.linspace(1e-3, 0.9, 1801)

    def gap(a):
        g0 = _poor_gap(a, P, C, grid)
        # refine around the grid minimiser
        mh = lambda m: a * float(C.se_g2(m, 1.0 - m, 1.0))  # noqa: E731
        k = int(np.argmin(P.se_update(a * C.se_g2(grid, 1.0 - grid, 1.0))[0] - grid))
        lo, hi = grid[max(k - 2, 0)], grid[min(k + 2, len(grid) - 1)]
        res = optimize.minimize_scalar(lambda m: float(P.se_update(mh(m))[0]) - m, bounds=(lo, hi),
                                       method="bounded", options={"xatol": 1e-10})
        return min(g0, float(res.fun))

    alpha_alg = optimize.brentq(gap, 1.3, 1.7, xtol=tol)

    def f_poor(a):
        fp = glm_state_evolution(a, P, "sign", 0.0, init="uninformed", n_iter=100_000, tol=1e-13)
        return fp.free_entropy + math.log(2.0)

    alpha_it = optimize.brentq(f_poor, 1.1, alpha_alg - 0.02, xtol=tol)
    return BinaryThresholds(float(alpha_it), float(alpha_alg))


def sign_large_alpha_constants():
    r"""Constants of the large-:math:`\alpha` decay for the Gaussian teacher and sign output.

    At large :math:`\alpha`, :math:`\varepsilon_{Bayes} = (c_B/\alpha)(1 + O(\alpha^{-2}))` and :math:`\varepsilon_{Gibbs} =
    (c_G/\alpha)(1 + O(\alpha^{-2}))` with :math:`c_B = \sqrt{2/\pi}\,/\int Dt\, h(t)`,
    :math:`h(t) = \phi(t)/(\Phi(t)\Phi(-t))`, and :math:`c_G = \sqrt2\, c_B`. With :math:`\delta = 1 - m`, the state
    evolution reads exactly :math:`1/\delta = 1 + \alpha\,\delta^{-1/2} I(\sqrt{1-\delta})/\sqrt{2\pi}`,
    :math:`I(s) = \int Dt\, h(st)`, so :math:`\sqrt\delta = \sqrt{2\pi}/(\alpha I(1))\,(1 + O(\delta))` and
    :math:`\delta = O(\alpha^{-2})`; then :math:`\varepsilon_{Bayes} = \frac1\pi\arcsin\sqrt\delta` and
    :math:`\varepsilon_{Gibbs} = \frac2\pi\arcsin\sqrt{\delta/2}`.

    Returns
    -------
    (c_bayes, c_gibbs) : tuple of float

    References
    ----------
    .. [1] M. Opper and D. Haussler, "Generalization performance of Bayes optimal classification algorithm for
       learning a perceptron", Phys. Rev. Lett. 66, 2677 (1991): the ratio :math:`\sqrt 2`.
    .. [2] A. Engel and C. Van den Broeck, *Statistical Mechanics of Learning*, CUP (2001), Chs. 2--3:
       :math:`0.442/\alpha` (Bayes) and :math:`0.625/\alpha` (Gibbs).

    Examples
    --------
    >>> [round(c, 4) for c in sign_large_alpha_constants()]
    [0.4417, 0.6247]
    """
    from ._quadrature import gauss_hermite_normal, log_Phi, log_phi

    z, w = gauss_hermite_normal(201)
    eh = float(np.exp(log_phi(z) - log_Phi(z) - log_Phi(-z)) @ w)
    c_b = math.sqrt(2.0 / math.pi) / eh
    return c_b, math.sqrt(2.0) * c_b
