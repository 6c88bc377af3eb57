"""Regenerate tests/data/tracy_widom_mpmath.json: Tracy--Widom F_beta and 1 - F_beta at 30-digit working precision.

An independent route from the library's (which goes through Painleve II): Bornemann's Fredholm determinants
det(I -+ B_t), B_t(x, y) = Ai(x + y + t) on L^2(0, oo), discretised by an m-point Gauss--Legendre rule on (0, L) and
evaluated entirely in mpmath at ``DPS`` digits; each value is accepted only if raising m by 40 % changes it by less
than 1e-20 relatively (in F and in 1 - F). F1 = det(I - B_s), F2 = det(I - B_s) det(I + B_s),
F4(s) = (det(I - B_t) + det(I + B_t)) / 2 with t = sqrt(2) s. Usage: ``python tests/data/make_tracy_widom_reference.py`` (or ``... 0 2`` and ``... 1 2`` in two processes,
then ``... --merge``).
"""

import json
import math
import sys
from pathlib import Path

import mpmath as mp

DPS = 40
TOL = 1e-20  # the values are kept to 20 significant digits, far below the 1e-12 tested
# (beta, s): F1 and F2 share det(I - B_s) det(I + B_s); F4 needs t = sqrt(2) s. From F2(-6) ~ 1e-8 (left) to
# 1 - F1(8.5) ~ 1e-11 (right); further out the cost of 30-digit determinants grows quickly (m ~ 40 + 7 |t| nodes).
GRID = [(1, -6.0), (1, -3.0), (1, 0.0), (1, 3.0), (1, 6.0), (4, -3.0), (4, 3.0), (4, 6.0)]


def gauss_legendre(m):
    """Nodes and weights on (-1, 1) at the working precision (Newton on P_m from the Chebyshev guesses)."""
    xs, ws = [], []
    for i in range(1, m + 1):
        x = mp.cos(mp.pi * (i - mp.mpf(1) / 4) / (m + mp.mpf(1) / 2))
        for _ in range(100):
            p0, p1 = mp.mpf(1), x
            for k in range(2, m + 1):
                p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
            dp = m * (x * p1 - p0) / (x * x - 1)
            dx = p1 / dp
            x -= dx
            if abs(dx) < mp.mpf(10) ** (-DPS - 5):
                break
        xs.append(x)
        ws.append(2 / ((1 - x * x) * dp * dp))
    return xs, ws


def dets(t, m):
    t = mp.mpf(t)
    length = max(16 - t, 1) + 6
    xg, wg = gauss_legendre(m)
    x = [length * (xi + 1) / 2 for xi in xg]
    sw = [mp.sqrt(length * wi / 2) for wi in wg]
    b = mp.matrix(m, m)
    for i in range(m):
        for j in range(i, m):
            b[i, j] = b[j, i] = sw[i] * sw[j] * mp.airyai(x[i] + x[j] + t)
    eye = mp.eye(m)
    return mp.det(eye - b), mp.det(eye + b)


def converged_dets(t):
    m = int(52 + 7 * max(-t, 0)) if t < 2 else 40
    a = dets(t, m)
    b = dets(t, int(1.3 * m))
    for u, v in zip(a, b):
        assert abs(u - v) <= TOL * abs(v), (t, u, v)
        assert abs((1 - u) - (1 - v)) <= TOL * abs(1 - v), (t, u, v)
    return b, m


def main(part=None):
    """Compute the grid (``part`` = (k, n): only every n-th point from the k-th, to run in n processes) and write
    the JSON file; ``--merge`` joins the parts."""
    mp.mp.dps = DPS
    out = Path(__file__).with_name("tracy_widom_mpmath.json")
    if part == "merge":
        points = []
        for f in sorted(out.parent.glob("tracy_widom_mpmath.part*.json")):
            points += json.loads(f.read_text())
            f.unlink()
        points.sort(key=lambda p: (p["beta"], p["s"]))
        out.write_text(json.dumps({"source": "tests/data/make_tracy_widom_reference.py (mpmath Nystroem at 40 digits, "
                                             "converged to 1e-20)", "points": points}, indent=1) + "\n")
        return
    k, n = part or (0, 1)
    points = []
    for beta, s in GRID[k::n]:
        t = s if beta != 4 else math.sqrt(2.0) * s
        (dm, dp), m = converged_dets(t)
        laws = ((1, dm), (2, dm * dp)) if beta != 4 else ((4, (dm + dp) / 2),)
        for b_, F in laws:
            points.append({"beta": b_, "s": s, "F": mp.nstr(F, 22), "sf": mp.nstr(1 - F, 22), "m": m})
            print(points[-1], file=sys.stderr, flush=True)
    out.with_name(f"tracy_widom_mpmath.part{k}.json").write_text(json.dumps(points))


if __name__ == "__main__":
    if sys.argv[1:] == ["--merge"]:
        main("merge")
    elif len(sys.argv) == 3:
        main((int(sys.argv[1]), int(sys.argv[2])))
    else:
        main()
