"""Build ``_tracy_widom_tables.py``: the Hastings--McLeod quantities behind every Tracy--Widom law, tabulated once.

Run ``python -m course_lib.rmt._tracy_widom_build`` (a few seconds) to regenerate the tables.

With the Hastings--McLeod solution :math:`q` of Painleve II, :math:`q'' = tq + 2q^3`, :math:`q(t)\\sim\\mathrm{Ai}(t)`
as :math:`t\\to+\\infty`, the three laws are (Tracy and Widom 1994, 1996)

.. math::
    \\log F_2(t) = -\\int_t^\\infty (x - t) q(x)^2\\,dx, \\qquad
    F_1(t) = F_2(t)^{1/2} e^{-I(t)/2}, \\qquad F_4(t/\\sqrt2) = F_2(t)^{1/2}\\cosh(I(t)/2),
    \\qquad I(t) = \\int_t^\\infty q(x)\\,dx.

:math:`q` is computed on :math:`[t_L, t_R] = [-12, 9]` as a two-point boundary value problem (multidomain Chebyshev
collocation and Newton's method): :math:`q(t_R) = \\mathrm{Ai}(t_R)` (the correction is :math:`O(\\mathrm{Ai}^3)`,
below :math:`10^{-16}` relative) and :math:`q(t_L)` from the left asymptotic series. Posed this way the problem is
well conditioned (integrating the ODE as an initial value problem in either direction amplifies errors by
:math:`e^{(2\\sqrt2/3)|t|^{3/2}}`). The integrals are then exact polynomial integrals of the collocation
polynomials, accumulated from :math:`t_R`, where the tail integrals are Airy-function quadratures. The tables hold,
per panel, Chebyshev coefficients of the *logarithms* of the four positive functions
:math:`-\\log F_2`, :math:`(\\log F_2)' = \\int_t^\\infty q^2`, :math:`I` and :math:`q`, so that each is known
with small *relative* error wherever it lives, from :math:`10^{2}` in the left tail to :math:`10^{-19}` at :math:`t_R`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from numpy.polynomial import chebyshev as C
from scipy import special

T_LEFT, T_RIGHT = -12.0, 9.0
EDGES = np.arange(T_LEFT, T_RIGHT + 1e-9, 1.0)  # 21 panels of width 1
N_COLLOCATION = 32  # per panel; main() prints the check against the independent left asymptotic series
N_TABLE = 18  # degree of the tabulated log-functions per panel


_LD = np.longdouble


def hm_series(n_terms=20):
    """Coefficients a_n of q(-x) = sqrt(x/2) sum_n a_n x^(-3n) (x -> +inf), from q'' = tq + 2q^3 order by order."""
    a = [1.0]
    for k in range(1, n_terms + 1):
        p = np.array(a + [0.0])
        nonlinear = np.convolve(np.convolve(p, p), p)[k]  # [P^3]_k without the 3 a_k term
        a.append((a[k - 1] * (9.0 * (k - 1) ** 2 - 0.25) - nonlinear) / 2.0)
    return np.array(a)


def _cheb_d(n):
    x = np.cos(np.pi * np.arange(n + 1, dtype=_LD) / n)[::-1]  # ascending Chebyshev--Lobatto points
    c = np.ones(n + 1, dtype=_LD)
    c[0] = c[-1] = 2.0
    c *= (-1.0) ** np.arange(n + 1)
    dx = x[:, None] - x[None, :]
    d = np.outer(c, 1.0 / c) / (dx + np.eye(n + 1))
    d -= np.diag(d.sum(axis=1))
    return d, x


def solve_hastings_mcleod(left_value):
    """Values of q at the Chebyshev--Lobatto points of every panel (list of (t, q) per panel).

    Newton's method with iterative refinement: the residual is evaluated in extended precision (``np.longdouble``),
    the Jacobian solved in double precision. The collocation matrices are ill-conditioned (~n^4), so a plain
    double-precision solve leaves errors of ~1e-13 in q; refined, the discrete solution is found to ~1e-16.
    """
    n, P = N_COLLOCATION, len(EDGES) - 1
    d, x = _cheb_d(n)
    ts, d1s = [], []
    for p in range(P):
        a, b = EDGES[p], EDGES[p + 1]
        ts.append(0.5 * (a + b) + 0.5 * (b - a) * x)
        d1s.append(d * (2.0 / (b - a)))
    t = np.concatenate(ts)
    m = t.size
    td = t.astype(float)
    q = np.where(td < -1.0, np.sqrt(np.maximum(-td, 0.0) / 2.0), special.airy(np.maximum(td, -1.0))[0]).astype(_LD)
    right_value = special.airy(EDGES[-1])[0]
    d2s = [d1 @ d1 for d1 in d1s]
    for it in range(80):
        F, J = np.zeros(m, dtype=_LD), np.zeros((m, m))
        for p in range(P):
            sl = slice(p * (n + 1), (p + 1) * (n + 1))
            d2 = d2s[p]
            r = np.arange(sl.start + 1, sl.stop - 1)
            F[r] = d2[1:-1] @ q[sl] - t[r] * q[r] - 2 * q[r] ** 3
            J[r, sl] = d2[1:-1]
            J[r, r] -= td[r] + 6.0 * q[r].astype(float) ** 2
        F[0], J[0, 0] = q[0] - left_value, 1.0
        F[-1], J[-1, -1] = q[-1] - right_value, 1.0
        for p in range(P - 1):  # continuity of q and q' across panel ends
            i, j = p * (n + 1) + n, (p + 1) * (n + 1)
            F[i], J[i, i], J[i, j] = q[i] - q[j], 1.0, -1.0
            s1, s2 = slice(p * (n + 1), (p + 1) * (n + 1)), slice((p + 1) * (n + 1), (p + 2) * (n + 1))
            F[j] = d1s[p][-1] @ q[s1] - d1s[p + 1][0] @ q[s2]
            J[j, s1], J[j, s2] = d1s[p][-1], -d1s[p + 1][0]
        step = np.linalg.solve(J, -F.astype(float))
        q += step
        if it > 8 and np.max(np.abs(step)) < 1e-18:
            break
    t, q = td, q.astype(float)
    return [(t[p * (n + 1):(p + 1) * (n + 1)], q[p * (n + 1):(p + 1) * (n + 1)]) for p in range(P)]


def airy_tail_integrals(t, n=80):
    """(int_t^oo (x-t) Ai^2, int_t^oo Ai^2, int_t^oo Ai) for t >= 5 by Gauss--Legendre on [t, t + 60/sqrt(t)]."""
    xg, wg = np.polynomial.legendre.leggauss(n)
    length = 60.0 / math.sqrt(t)
    u = 0.5 * length * (xg + 1.0)
    w = 0.5 * length * wg
    ai = special.airy(t + u)[0]
    return float(np.sum(w * u * ai**2)), float(np.sum(w * ai**2)), float(np.sum(w * ai))


def build():
    a = hm_series()
    x = -T_LEFT
    left_q = math.sqrt(x / 2.0) * sum(a[k] * x ** (-3.0 * k) for k in range(14))
    panels = solve_hastings_mcleod(left_q)
    lf2_r, d_r, i_r = airy_tail_integrals(T_RIGHT)
    lf2_r = -lf2_r
    # exact polynomial integrals panel by panel, from the right
    out = []
    lf2_b, d_b, i_b = lf2_r, d_r, i_r
    for (t, q), a_, b_ in reversed(list(zip(panels, EDGES[:-1], EDGES[1:]))):
        u = (2.0 * t - (a_ + b_)) / (b_ - a_)
        cq = C.chebfit(u, q, N_COLLOCATION)
        cq2 = C.chebmul(cq, cq)
        h = 0.5 * (b_ - a_)
        # D(t) = d_b + int_t^b q^2 ; I(t) = i_b + int_t^b q ; L(t) = lf2_b - int_t^b D
        iq2 = C.chebint(cq2, lbnd=1.0) * h  # int_b^t q^2 = -(int_t^b)
        cD = -iq2
        cD[0] += d_b
        iq = C.chebint(cq, lbnd=1.0) * h
        cI = -iq
        cI[0] += i_b
        iD = C.chebint(cD, lbnd=1.0) * h
        cL = iD
        cL[0] += lf2_b
        out.append((cq, cD, cI, cL))
        lf2_b, d_b, i_b = C.chebval(-1.0, cL), C.chebval(-1.0, cD), C.chebval(-1.0, cI)
    out.reverse()
    # logarithms of the positive functions, re-interpolated per panel
    k = np.arange(N_TABLE + 1)
    nodes = np.cos(np.pi * (k + 0.5) / (N_TABLE + 1))
    fine = np.linspace(-1.0, 1.0, 201)
    tables = np.empty((4, len(out), N_TABLE + 1))
    worst = 0.0
    for p, (cq, cD, cI, cL) in enumerate(out):
        for f, c in enumerate((lambda z: -C.chebval(z, cL), lambda z: C.chebval(z, cD), lambda z: C.chebval(z, cI),
                               lambda z: C.chebval(z, cq))):
            tables[f, p] = C.chebfit(nodes, np.log(c(nodes)), N_TABLE)
            res = float(np.max(np.abs(C.chebval(fine, tables[f, p]) - np.log(c(fine)))))
            worst = max(worst, res)
    return tables, worst, (lf2_b, d_b, i_b), panels


def main():
    tables, worst, left, _ = build()
    path = Path(__file__).with_name("_tracy_widom_tables.py")
    lines = ['"""Generated by ``python -m course_lib.rmt._tracy_widom_build``: do not edit."""', "",
             f"EDGES = {[float(e) for e in EDGES]!r}", "",
             "# TABLES[f][p]: Chebyshev coefficients on panel p of log(-log F2), log (log F2)', log I, log q",
             "TABLES = ["]
    for f in range(4):
        lines.append("    [")
        for p in range(tables.shape[1]):
            lines.append("        [" + ", ".join(repr(float(v)) for v in tables[f, p]) + "],")
        lines.append("    ],")
    lines.append("]")
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}; worst log-fit residual {worst:.2e}; at t = {T_LEFT}: log F2 = {left[0]!r}, "
          f"(log F2)' = {left[1]!r}, I = {left[2]!r}")


if __name__ == "__main__":
    main()
