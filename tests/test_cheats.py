"""The cheat catalogue: every graded homework problem rejects answers that do not do the work.

For each graded problem the check cell of the instructor edition (hidden tests included) is executed in-process with
the instructor's solutions, then with one function replaced by

(a) the theoretical value returned as a constant with a huge, a tiny and a plausible standard error (statistical problems),
(b) a call of the course_lib function that the problem asks the student to write (where one exists),
(c) a plausible mistake (standard deviation for standard error, off-by-one, wrong normalisation, ...), and where a
    problem invites one, further named cheats (``extra``: an inflated in-bound standard error, ...),
(d) the instructor's own first answer, copied as a constant;

each must raise ``CheckFailed``. The instructor solution must pass, and so must an independent correct solution
written differently (other seeds, another algorithm). ``CATALOGUE`` lists the cheats; ``test_catalogue_summary``
prints how many were tried and rejected per problem.
"""

from __future__ import annotations

import pathlib
import warnings

import nbformat
import numpy as np
import pytest

from course_lib import grading

ROOT = pathlib.Path(__file__).resolve().parents[1]
SE_VALUES = {"huge": 1e9, "tiny": 1e-12, "plausible": 0.01}


class _FirstAnswer(Exception):
    """Raised by the recorder once the instructor's first answer is known."""


def _notebook_parts(nbname):
    nb = nbformat.read(ROOT / "homework" / f"{nbname}.ipynb", as_version=4)
    setup, solutions, checks = [], [], {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if meta.get("grade_id") == "setup":
            setup.append(cell.source)
        elif meta.get("solution"):
            solutions.append(cell.source)
        elif meta.get("grade"):
            checks[meta["grade_id"]] = cell.source
    return setup, solutions, checks


_PARTS = {}


def run_problem(nbname, gid, override="", extra=None):
    """Execute the check cell ``gid`` of ``nbname`` with the instructor's solutions, then ``override``."""
    if nbname not in _PARTS:
        _PARTS[nbname] = _notebook_parts(nbname)
    setup, solutions, checks = _PARTS[nbname]
    ns = {"__name__": "__homework__"}
    with warnings.catch_warnings():
        # as in a notebook, a student's numerical warnings are not errors (pytest makes them errors)
        warnings.simplefilter("ignore", RuntimeWarning)
        for src in setup + solutions:
            exec(compile(src, f"<{nbname}>", "exec"), ns)
        ns.update(extra or {})
        if override:
            exec(compile(override, f"<{nbname} {gid} cheat>", "exec"), ns)
        exec(compile(checks[gid], f"<{nbname} {gid}>", "exec"), ns)
    return ns


def _other_seeds(func):
    """An instructor simulation fed another random stream: a correct solution with other seeds."""
    return f"""
_instructor_{func} = {func}
def {func}(*args):
    *rest, rng = args
    return _instructor_{func}(*rest, np.random.default_rng([int(rng.integers(2**62)), 12345]))
"""


# One entry per graded problem: the function a cheat replaces, and the cheats. "theory" is a function body template
# with {se} (statistical problems only); "library" and "mistake" are code that redefines the function; "independent"
# is a correct solution written differently. None means "not applicable" (the reason is in "why").
CATALOGUE = {
    # ------------------------------------------------------------------ hw01
    ("hw01_erm", "p1-check"): dict(
        func="ball_fraction_mc",
        theory="def ball_fraction_mc(d, n_samples, rng):\n    return {{3: np.pi / 6, 6: np.pi**3 / 384, 8: np.pi**4 / 6144}}[d], {se}  # the volume formula by hand\n",
        library="def ball_fraction_mc(d, n_samples, rng):\n    phi = erm.ball_in_cube_fraction(d)\n    return phi, np.sqrt(phi * (1 - phi) / n_samples)\n",
        mistake="def ball_fraction_mc(d, n_samples, rng):\n    x = rng.random((n_samples, d))\n    inside = np.sum((x - 0.5) ** 2, axis=1) <= 0.25\n    return inside.mean(), inside.std()  # the standard deviation, not the standard error\n",
        independent="def ball_fraction_mc(d, n_samples, rng):\n    hits = 0\n    for _ in range(4):\n        m = n_samples // 4\n        x = rng.uniform(-0.5, 0.5, size=(m, d))\n        hits += int(np.count_nonzero(np.linalg.norm(x, axis=1) <= 0.5))\n    phi = hits / n_samples\n    return phi, np.sqrt(phi * (1 - phi) / n_samples)\n",
    ),
    ("hw01_erm", "p2-check"): dict(
        func="squared_difference_moments",
        library="def squared_difference_moments(L):\n    return erm.SQUARED_DISTANCE_MEAN * L**2, erm.SQUARED_DISTANCE_VAR * L**4\n",
        mistake="def squared_difference_moments(L):\n    return L**2 / 6, L**4 / 15  # E[t^4], not the variance\n",
        independent="def squared_difference_moments(L):\n    from fractions import Fraction\n    m, v = Fraction(1, 6), Fraction(7, 180)\n    return float(m) * L**2, float(v) * L**4\n",
    ),
    ("hw01_erm", "p3-check"): dict(
        func="best_model_size",
        library=None, why="course_lib has no model-size selector; the check's reference is built from ols_expected_estimation_error",
        mistake="def best_model_size(w_star, Delta, n):\n    w_star = np.asarray(w_star, dtype=float)\n    risks = [np.sum(w_star[p:] ** 2) + Delta * p / (n - p - 1) for p in range(1, min(w_star.size, n - 2) + 1)]\n    return 1 + int(np.argmin(risks))  # forgets the misspecification part of s_p^2\n",
        independent="def best_model_size(w_star, Delta, n):\n    best, best_p = np.inf, None\n    for p in range(1, min(len(w_star), n - 2) + 1):\n        tail = float(np.dot(w_star[p:], w_star[p:]))\n        r = tail + (Delta + tail) * p / (n - p - 1)\n        if r < best:\n            best, best_p = r, p\n    return best_p\n",
    ),
    ("hw01_erm", "p4-check"): dict(
        func="knn_noise_risk",
        theory="def knn_noise_risk(n, d, k, Delta, n_query, rng):\n    return Delta / k, {se}\n",
        library=None, why="the problem asks to use erm.knn_regress; the cheat (a) is the closed form Delta/k",
        mistake="def knn_noise_risk(n, d, k, Delta, n_query, rng):\n    x_train = rng.random((n, d))\n    y_train = np.sqrt(Delta) * rng.standard_normal(n)\n    sq = erm.knn_regress(x_train, y_train, rng.random((n_query, d)), k=k) ** 2\n    return sq.mean(), sq.std(ddof=1)  # standard deviation for standard error\n",
        independent="def knn_noise_risk(n, d, k, Delta, n_query, rng):\n    from scipy.spatial import cKDTree\n    x_train = rng.random((n, d))\n    y_train = rng.normal(scale=np.sqrt(Delta), size=n)\n    _, idx = cKDTree(x_train).query(rng.random((n_query, d)), k=k)\n    f = y_train[np.reshape(idx, (n_query, k))].mean(axis=1)\n    return np.mean(f**2), np.std(f**2, ddof=1) / np.sqrt(n_query)\n",
    ),
    ("hw01_erm", "p5-check"): dict(
        func="rademacher_l1_exact",
        library="def rademacher_l1_exact(X, B):\n    return erm.empirical_rademacher(X, norm='l1', radius=B).value\n",
        mistake="def rademacher_l1_exact(X, B):\n    X = np.asarray(X, dtype=float)\n    n = X.shape[0]\n    signs = 1.0 - 2.0 * ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1)\n    return float(B * np.mean(np.max(signs @ X, axis=1)) / n)  # forgets the absolute value: only +e_j, not -e_j\n",
        extra={
            "c-l2-dual-norm": "def rademacher_l1_exact(X, B):\n    X = np.asarray(X, dtype=float)\n    n = X.shape[0]\n    signs = 1.0 - 2.0 * ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1)\n    return float(B * np.mean(np.linalg.norm(signs @ X, axis=1)) / n)  # the l2 ball's dual norm\n",
            "c-monte-carlo": "def rademacher_l1_exact(X, B):\n    X = np.asarray(X, dtype=float)\n    n = X.shape[0]\n    signs = np.random.default_rng(0).choice([-1.0, 1.0], size=(4000, n))  # sampled, not enumerated\n    return float(B * np.mean(np.max(np.abs(signs @ X), axis=1)) / n)\n",
        },
        independent="def rademacher_l1_exact(X, B):\n    import itertools\n    X = np.asarray(X, dtype=float)\n    total = 0.0\n    for eps in itertools.product((1.0, -1.0), repeat=len(X)):\n        total += np.abs(np.asarray(eps) @ X).max()\n    return B * total / (2 ** len(X) * len(X))\n",
    ),
    # ------------------------------------------------------------------ hw02
    ("hw02_approximation", "p1-check"): dict(
        func="abs_net", copied=None, why_copied="the answer is the construction itself (no argument to vary)",
        library="def abs_net():\n    return ap.max_net(2).compose(ap.ReLUNet([[[1.0], [-1.0]]], [[0.0, 0.0]]))  # max(x, -x)\n",
        mistake="def abs_net():\n    return ap.ReLUNet([[[1.0]], [[1.0]]], [[0.0], [0.0]])  # relu(x): one unit cannot do it\n",
        independent="def abs_net():\n    return ap.ReLUNet([[[-2.0], [2.0]], [[0.5, 0.5]]], [[0.0, 0.0], [0.0]])\n",
    ),
    ("hw02_approximation", "p2-check"): dict(
        func="min_net", copied=None, why_copied="the answer is the construction itself (no argument to vary)",
        library="def min_net():\n    neg = ap.ReLUNet([-np.eye(2)], [np.zeros(2)])\n    return ap.ReLUNet([[[-1.0]]], [[0.0]]).compose(ap.max_net(2).compose(neg))\n",
        mistake="def min_net():\n    w1 = np.array([[1.0, 0.0], [-1.0, 0.0], [1.0, -1.0]])\n    return ap.ReLUNet([w1, [[1.0, -1.0, 1.0]]], [np.zeros(3), [0.0]])  # sign error: x + relu(x - y) = max\n",
        independent="def min_net():\n    w1 = np.array([[0.0, 1.0], [0.0, -1.0], [-1.0, 1.0]])\n    return ap.ReLUNet([w1, [[1.0, -1.0, -1.0]]], [np.zeros(3), [0.0]])  # y - relu(y - x)\n",
    ),
    ("hw02_approximation", "p3-check"): dict(
        func="hat_net",
        library="def hat_net(a, b, c):\n    return ap.interpolant(lambda x: np.clip(np.minimum((x - a) / (b - a), (c - x) / (c - b)), 0, None), [a, b, c, c + 1.0])\n",
        mistake="def hat_net(a, b, c):\n    s1, s2 = 1.0 / (b - a), 1.0 / (c - b)\n    return ap.ReLUNet([np.ones((3, 1)), [[s1, -s2, s2]]], [[-a, -b, -c], [0.0]])  # wrong slope change at b\n",
        independent="def hat_net(a, b, c):\n    s1, s2 = 2.0 / (b - a), 2.0 / (c - b)\n    return ap.ReLUNet([2.0 * np.ones((3, 1)), [[s1 / 4, -(s1 + s2) / 4, s2 / 4]]], [[-2 * a, -2 * b, -2 * c], [0.0]])\n",
    ),
    ("hw02_approximation", "p4-check"): dict(
        func="clipped_sawtooth_pieces",
        library="def clipped_sawtooth_pieces(k):\n    saw = ap.sawtooth(k)\n    net = ap.ReLUNet(list(saw.weights) + [[[1.0]]], list(saw.biases[:-1]) + [saw.biases[-1] - 0.3, [0.0]])\n    return ap.count_pieces(net)\n",
        mistake="def clipped_sawtooth_pieces(k):\n    return 3 * 2 ** (k - 1)  # forgets one zero stretch\n",
        independent="def clipped_sawtooth_pieces(k):\n    teeth = 2 ** (k - 1)\n    return 2 * teeth + (teeth + 1)\n",
    ),
    ("hw02_approximation", "p5-check"): dict(
        func="sawtooth_sum_net",
        library=None, why="course_lib has no sum of sawtooths",
        mistake="def sawtooth_sum_net(k, j):\n    return ap.sawtooth(max(k, j))  # only the deeper sawtooth\n",
        independent="_instructor_sum = sawtooth_sum_net\ndef sawtooth_sum_net(k, j):\n    return _instructor_sum(j, k)  # the other order of the blocks\n",
    ),
    ("hw02_approximation", "p6-check"): dict(
        func="product_net",
        library="def product_net(m):\n    return ap.yarotsky_product(m)\n",
        mistake="def product_net(m):\n    from scipy.linalg import block_diag\n    sq = ap.yarotsky_square(m)\n    three = ap.ReLUNet([block_diag(*([w] * 3)) for w in sq.weights], [np.tile(b, 3) for b in sq.biases])\n    inner = ap.ReLUNet([[[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]]], [[0.0, 0.0, 0.0]])\n    return ap.ReLUNet([[[1.0, -0.5, -0.5]]], [[0.0]]).compose(three.compose(inner))  # factor 2 missing\n",
        independent="def product_net(m):\n    from scipy.linalg import block_diag\n    sq = ap.yarotsky_square(m)\n    three = ap.ReLUNet([block_diag(*([w] * 3)) for w in sq.weights], [np.tile(b, 3) for b in sq.biases])\n    inner = ap.ReLUNet([[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]], [[0.0, 0.0, 0.0]])\n    return ap.ReLUNet([[[-0.5, -0.5, 2.0]]], [[0.0]]).compose(three.compose(inner))\n",
    ),
    ("hw02_approximation", "p7-check"): dict(
        func="depth_separation",
        library=None, why="the problem asks to use shallow_fit, lp_distance and the bound; the check integrates itself",
        mistake="_instructor_ds = depth_separation\ndef depth_separation(k, unit_counts):\n    fits, l1, _ = _instructor_ds(k, unit_counts)\n    return fits, l1, np.array([ap.sawtooth_l1_lower_bound(k, n) for n in unit_counts])  # N pieces, not N + 1\n",
        independent="def depth_separation(k, unit_counts):\n    g, h = ap.sawtooth(k), 2.0**-k\n    fits = [ap.shallow_fit(g, n, knots0=np.r_[h / 2, h * np.arange(1, n - 1)], n_grid=2 ** (k + 3) + 1, n_starts=1) for n in unit_counts]\n    l1 = [ap.lp_distance(g, f, p=1) for f in fits]\n    bounds = [0.25 * max(0.0, 1 - n / 2 ** (k - 1)) for n in unit_counts]\n    return fits, l1, bounds\n",
    ),
    ("hw02_approximation", "p8-check"): dict(
        func="maurey_error",
        theory="def maurey_error(a, W, m, rng):\n    a = np.asarray(a, float)\n    G = ap.sphere_relu_gram(W, W)\n    exact = (np.abs(a).sum() ** 2 / (2 * W.shape[1]) - a @ G @ a) / m  # the lemma's value, plus noise\n    return float(np.sqrt(exact) * abs(1 + {se} * rng.standard_normal()))\n",
        library="def maurey_error(a, W, m, rng):\n    gap = ap.maurey_approximation(a, m, rng=rng) - np.asarray(a, float)\n    return float(np.sqrt(gap @ ap.sphere_relu_gram(W, W) @ gap))\n",
        mistake="def maurey_error(a, W, m, rng):\n    a = np.asarray(a, float)\n    counts = rng.multinomial(m, np.full(len(a), 1 / len(a)))  # uniform sampling, weights K a_k: unbiased, worse constant\n    gap = counts * a * len(a) / m - a\n    return float(np.sqrt(gap @ ap.sphere_relu_gram(W, W) @ gap))\n",
        extra={
            "c-squared-error": "_instructor_me = maurey_error\ndef maurey_error(a, W, m, rng):\n    return _instructor_me(a, W, m, rng) ** 2  # the squared error: a 1/m rate\n",
            "c-rate-one-over-m": "_instructor_me = maurey_error\ndef maurey_error(a, W, m, rng):\n    return _instructor_me(a, W, m * m // 4, rng)  # m^2/4 atoms: the error decays like 1/m\n",
            "c-one-seed": "_instructor_me = maurey_error\ndef maurey_error(a, W, m, rng):\n    return _instructor_me(a, W, m, np.random.default_rng(0))  # ignores the checker's generator\n",
            "c-forgets-sign": "def maurey_error(a, W, m, rng):\n    a = np.asarray(a, float)\n    l1 = np.abs(a).sum()\n    gap = rng.multinomial(m, np.abs(a) / l1) * l1 / m - a  # forgets sign(a_k)\n    return float(np.sqrt(gap @ ap.sphere_relu_gram(W, W) @ gap))\n",
        },
        independent="def maurey_error(a, W, m, rng):\n    a = np.asarray(a, float)\n    l1 = np.abs(a).sum()\n    counts = rng.multinomial(m, np.abs(a) / l1)\n    gap = np.sign(a) * counts * (l1 / m) - a\n    G = ap.sphere_relu_gram(W, W)\n    return float(np.sqrt(max(gap @ G @ gap, 0.0)))\n",
    ),
    # ------------------------------------------------------------------ hw03
    ("hw03_optimization", "p1-check"): dict(
        func="sgd_limit_1d",
        library="def sgd_limit_1d(x, y, c):\n    return opt.sgd_limit_covariance(opt.LeastSquares(np.asarray(x)[:, None], y), c)[0, 0]\n",
        mistake="def sgd_limit_1d(x, y, c):\n    x, y = np.asarray(x, float), np.asarray(y, float)\n    r = y - x * (x @ y) / (x @ x)\n    return c**2 * np.mean(x**2 * r**2) / (2 * c * np.mean(x**2))  # Chung's lemma without the -1\n",
        independent="def sgd_limit_1d(x, y, c):\n    theta = np.linalg.lstsq(np.asarray(x, float)[:, None], y, rcond=None)[0][0]\n    a = np.dot(x, x) / len(x)\n    s = np.dot(np.square(x), np.square(y - theta * np.asarray(x))) / len(x)\n    return c * c * s / (2 * c * a - 1)\n",
    ),
    ("hw03_optimization", "p2-check"): dict(
        func="strong_exponent",
        theory="import collections\n_Fit = collections.namedtuple('_Fit', 'exponent stderr')\ndef strong_exponent(problem, c, theta0, ns, n_runs, rng):\n    return _Fit(-0.5 if c > 1 else -0.3, {se})\n",
        library=None, why="the problem asks to use opt.sgd and opt.convergence_exponent",
        mistake="_instructor_se = strong_exponent\ndef strong_exponent(problem, c, theta0, ns, n_runs, rng):\n    theta_star = problem.minimizer()\n    errors = np.empty((n_runs, len(ns)))\n    for j, n in enumerate(ns):\n        res = opt.sgd(problem, theta0, opt.step_schedule(c, int(n), offset=10.0), int(n), n_runs=n_runs, rng=rng)\n        errors[:, j] = np.sum((res.theta[:, -1] - theta_star) ** 2, axis=1)  # squared errors: exponent doubled\n    return opt.convergence_exponent(ns, errors, correction=-1.0)\n",
        independent=_other_seeds("strong_exponent"),
    ),
    ("hw03_optimization", "p3-check"): dict(
        func="gd_limit",
        library="def gd_limit(X, y, theta0):\n    N = len(y)\n    lam = np.linalg.eigvalsh(X @ X.T / N)\n    n = int(60 * lam[-1] / lam[0]) + 1\n    return opt.gradient_descent(opt.LeastSquares(X, y), theta0, 1 / lam[-1], n, record=[n]).theta[-1]\n",
        mistake="def gd_limit(X, y, theta0):\n    return np.linalg.pinv(X) @ y  # forgets the start\n",
        independent="def gd_limit(X, y, theta0):\n    return theta0 + np.linalg.pinv(X) @ (y - X @ theta0)\n",
    ),
    ("hw03_optimization", "p4-check"): dict(
        func="svm_slsqp",
        library="def svm_slsqp(X, y):\n    return opt.hard_margin_svm(X, y).w\n",
        mistake="_instructor_svm = svm_slsqp\ndef svm_slsqp(X, y):\n    w = _instructor_svm(X, y)\n    return w / np.linalg.norm(w)  # the direction, not the solution\n",
        independent="def svm_slsqp(X, y):\n    Z = np.asarray(X, float) * np.asarray(y, float)[:, None]\n    w0 = np.linalg.lstsq(Z, np.ones(len(Z)), rcond=None)[0]\n    w0 = 3 * w0 / max((Z @ w0).min(), 1e-3)\n    res = optimize.minimize(lambda w: 0.5 * w @ w, w0, jac=lambda w: w, method='SLSQP',\n                            constraints=[{'type': 'ineq', 'fun': lambda w: Z @ w - 1, 'jac': lambda w: Z}],\n                            options={'ftol': 1e-15, 'maxiter': 2000})\n    return res.x\n",
    ),
    ("hw03_optimization", "p5-check"): dict(
        func="soudry_constants",
        library=None, why="course_lib has no Soudry constants; gradient descent is disabled while the function runs",
        mistake="def soudry_constants(X, y, lr):\n    X, y = np.asarray(X, float), np.asarray(y, float)\n    svm = opt.hard_margin_svm(X, y)\n    Z = X * y[:, None]\n    S = svm.support\n    w_tilde = np.linalg.solve(Z[S], np.log(lr / svm.dual[S]))  # forgets the 1/n of the empirical risk\n    u = svm.direction\n    return np.linalg.norm(w_tilde - (w_tilde @ u) * u) / np.linalg.norm(svm.w), (w_tilde @ u) / np.linalg.norm(svm.w)\n",
        independent="def soudry_constants(X, y, lr):\n    X, y = np.asarray(X, float), np.asarray(y, float)\n    svm = opt.hard_margin_svm(X, y)\n    Z = X * y[:, None]\n    S = svm.support\n    w_tilde = np.linalg.lstsq(Z[S], -np.log(len(y) * svm.dual[S] / lr), rcond=None)[0]\n    w_hat = svm.w\n    par = (w_tilde @ w_hat) / (w_hat @ w_hat)\n    return np.linalg.norm(w_tilde - par * w_hat) / np.linalg.norm(w_hat), par\n",
    ),
    ("hw03_optimization", "p6-check"): dict(
        func="hyperbolic_md",
        library="def hyperbolic_md(X, y, w0, beta, lr, n_iter):\n    return opt.hyperbolic_mirror_descent(X, y, w0, beta, lr, n_iter)\n",
        mistake="def hyperbolic_md(X, y, w0, beta, lr, n_iter):\n    w = np.array(w0, dtype=float)\n    for _ in range(n_iter):\n        w -= lr * X.T @ (X @ w - y) / len(y)  # plain gradient descent: the Euclidean projection of w0\n    return w\n",
        extra={
            "c-exponentiated-gradient": "def hyperbolic_md(X, y, w0, beta, lr, n_iter):\n    w = np.array(w0, dtype=float)\n    for _ in range(n_iter):\n        w *= np.exp(-lr * X.T @ (X @ w - y) / len(y))  # the entropy of positive weights: keeps signs, wrong potential\n    return w\n",
            "c-sum-not-mean": "def hyperbolic_md(X, y, w0, beta, lr, n_iter):\n    z = np.arcsinh(np.asarray(w0, float) / beta)\n    for _ in range(n_iter):\n        z -= lr * X.T @ (X @ (beta * np.sinh(z)) - y) / (2 * len(y))  # the gradient of |Xw - y|^2 / (4n): same limit, other iterates\n    return beta * np.sinh(z)\n",
            "c-min-l1": "def hyperbolic_md(X, y, w0, beta, lr, n_iter):\n    return opt.min_l1_interpolant(X, y)  # the beta -> 0 limit from 0, not the projection of w0\n",
        },
        independent="def hyperbolic_md(X, y, w0, beta, lr, n_iter):\n    X = np.asarray(X, float)\n    w = np.asarray(w0, float).copy()\n    for _ in range(n_iter):\n        g = X.T @ (X @ w - y) / X.shape[0]\n        w = beta * np.sinh(np.arcsinh(w / beta) - lr * g)\n    return w\n",
    ),
    ("hw03_optimization", "p7-check"): dict(
        func="pl_rates",
        library=None, why="course_lib's gradient descent is disabled; (b) would be opt.gradient_descent",
        mistake="_instructor_pl = pl_rates\ndef pl_rates(X, y, T):\n    measured, _ = _instructor_pl(X, y, T)\n    eig = np.linalg.eigvalsh(np.asarray(X, float).T @ np.asarray(X, float) / len(y))\n    mu = eig[eig > 1e-10 * eig[-1]].min()\n    return measured, 1 - (mu / eig[-1]) ** 2  # 1 - 1/kappa^2\n",
        extra={
            "c-zero-eigenvalue": "_instructor_pl = pl_rates\ndef pl_rates(X, y, T):\n    measured, _ = _instructor_pl(X, y, T)\n    eig = np.linalg.eigvalsh(np.asarray(X, float).T @ np.asarray(X, float) / len(y))\n    return measured, 1 - max(eig[0], 0.0) / eig[-1]  # smallest eigenvalue, zeros included: strong convexity\n",
            "c-closed-form-asymptote": "_instructor_pl = pl_rates\ndef pl_rates(X, y, T):\n    _, bound = _instructor_pl(X, y, T)\n    return bound**2, bound  # the late ratio (1 - mu/M)^2 without running gradient descent\n",
            "c-parameter-error": "def pl_rates(X, y, T):\n    X, y = np.asarray(X, float), np.asarray(y, float)\n    eig = np.linalg.eigvalsh(X.T @ X / len(y))\n    sol = np.linalg.lstsq(X, y, rcond=None)[0]\n    theta, errs = np.zeros(X.shape[1]), []\n    for _ in range(T + 1):\n        errs.append(np.linalg.norm(X @ (theta - sol)))  # a norm, not the loss gap: the rate is square-rooted\n        theta = theta - X.T @ (X @ theta - y) / (len(y) * eig[-1])\n    return errs[T] / errs[T - 1], 1 - eig[eig > 1e-10 * eig[-1]].min() / eig[-1]\n",
            "c-lstar-zero": "def pl_rates(X, y, T):\n    X, y = np.asarray(X, float), np.asarray(y, float)\n    eig = np.linalg.eigvalsh(X.T @ X / len(y))\n    theta, gaps = np.zeros(X.shape[1]), []\n    for _ in range(T + 1):\n        gaps.append(0.5 * np.sum((X @ theta - y) ** 2) / len(y))  # L* = 0 assumed: true for n < p, not for the hidden n > p data\n        theta = theta - X.T @ (X @ theta - y) / (len(y) * eig[-1])\n    return gaps[T] / gaps[T - 1], 1 - eig[eig > 1e-10 * eig[-1]].min() / eig[-1]\n",
        },
        independent="def pl_rates(X, y, T):\n    X, y = np.asarray(X, float), np.asarray(y, float)\n    s = np.linalg.svd(X, compute_uv=False) ** 2 / len(y)\n    M, mu = s.max(), s[s > 1e-10 * s.max()].min()\n    theta, sol = np.zeros(X.shape[1]), np.linalg.pinv(X) @ y\n    gap = lambda t: 0.5 * np.sum((X @ (t - sol)) ** 2) / len(y)  # noqa: E731\n    prev = None\n    for _ in range(T):\n        prev = gap(theta)\n        theta = theta - (X.T @ (X @ theta - y)) / (len(y) * M)\n    return gap(theta) / prev, 1 - mu / M\n",
    ),
    # ------------------------------------------------------------------ hw03b
    ("hw03b_wide_networks", "p1-check"): dict(
        func="ntk_unit",
        library="def ntk_unit(u):\n    return float(K.relu_ntk(np.array([[1.0, 0.0]]), np.array([[u, np.sqrt(max(1 - u * u, 0.0))]]))[0, 0])\n",
        mistake="def ntk_unit(u):\n    th = np.arccos(np.clip(u, -1.0, 1.0))\n    return 0.5 * (np.sin(th) + (np.pi - th) * np.cos(th)) / np.pi + 0.5 * (1.0 - th / np.pi)  # forgets the factor u\n",
        independent="def ntk_unit(u):\n    u = float(np.clip(u, -1, 1))\n    th = np.arccos(u)\n    return (np.sqrt(1 - u * u) + (np.pi - th) * u) / (2 * np.pi) + u * (np.pi - th) / (2 * np.pi)\n",
    ),
    ("hw03b_wide_networks", "p2-check"): dict(
        func="ntk_fluctuation",
        theory="def ntk_fluctuation(m, X, n_draws, rng):\n    return 1.2 / np.sqrt(m) + 0 * {se}\n",
        library=None, why="the problem asks to use empirical_ntk and relu_ntk",
        mistake="def ntk_fluctuation(m, X, n_draws, rng):\n    limit = K.relu_ntk(X, X)\n    errs = [np.linalg.norm(K.empirical_ntk(K.two_layer_network(m, X.shape[1], rng=rng), X, X) - limit) ** 2 for _ in range(n_draws)]\n    return float(np.mean(errs) / np.linalg.norm(limit) ** 2)  # squared error: exponent -1\n",
        independent=_other_seeds("ntk_fluctuation"),
    ),
    ("hw03b_wide_networks", "p3-check"): dict(
        func="relative_weight_change",
        theory="def relative_weight_change(m, X, y, rng):\n    return 3.0 / np.sqrt(m) + 0 * {se}\n",
        library=None, why="the problem asks to use train_two_layer",
        mistake="def relative_weight_change(m, X, y, rng):\n    n = X.shape[0]\n    lr = n / np.linalg.eigvalsh(K.relu_ntk(X, X))[-1]\n    net0 = K.two_layer_network(m, X.shape[1], rng=rng)\n    res = K.train_two_layer(net0, X, y, lr=lr, max_steps=20_000, target_loss=1e-6)\n    return float(np.linalg.norm(res.network.params() - net0.params()))  # not relative to |theta_0|\n",
        independent=_other_seeds("relative_weight_change"),
    ),
    ("hw03b_wide_networks", "p4-check"): dict(
        func="min_norm_risk",
        theory="def min_norm_risk(n, p, signal, noise, n_runs, rng):\n    return signal * (1 - n / p) + noise * n / (p - n - 1), {se}\n",
        library=None, why="course_lib has no min-norm risk simulator; (a) is the closed form",
        mistake="def min_norm_risk(n, p, signal, noise, n_runs, rng):\n    risks = np.empty(n_runs)\n    for k in range(n_runs):\n        X = rng.standard_normal((n, p))\n        w = rng.standard_normal(p) * np.sqrt(signal / p)\n        y = X @ w + np.sqrt(noise) * rng.standard_normal(n)\n        risks[k] = np.sum((np.linalg.pinv(X) @ y - w) ** 2)\n    return risks.mean(), risks.std(ddof=1)  # standard deviation for standard error\n",
        independent="def min_norm_risk(n, p, signal, noise, n_runs, rng):\n    risks = []\n    for _ in range(n_runs):\n        X = rng.normal(size=(n, p))\n        w = rng.normal(size=p)\n        w *= np.sqrt(signal) / np.linalg.norm(w)\n        y = X @ w + rng.normal(scale=np.sqrt(noise), size=n)\n        w_hat = X.T @ np.linalg.solve(X @ X.T, y)\n        risks.append(np.dot(w_hat - w, w_hat - w))\n    return np.mean(risks), np.std(risks, ddof=1) / np.sqrt(n_runs)\n",
    ),
    ("hw03b_wide_networks", "p5-check"): dict(
        func="effective_ranks_and_kstar",
        library="def effective_ranks_and_kstar(eigs, n, b):\n    k = K.critical_index(eigs, n, b)\n    return K.effective_ranks(eigs, 0)[0], k, K.effective_ranks(eigs, k)[1]\n",
        mistake="def effective_ranks_and_kstar(eigs, n, b):\n    lam = np.asarray(eigs, dtype=float)\n    tails = np.cumsum(lam[::-1])[::-1]\n    r = tails / lam\n    k_star = int(np.nonzero(r >= b * n)[0][0]) + 1  # off by one\n    tail = lam[k_star:]\n    return float(r[0]), k_star, float(tail.sum() ** 2 / np.sum(tail**2))\n",
        independent="def effective_ranks_and_kstar(eigs, n, b):\n    lam = list(map(float, eigs))\n    def r(k):\n        return sum(lam[k:]) / lam[k]\n    k = 0\n    while r(k) < b * n:\n        k += 1\n    tail = np.array(lam[k:])\n    return r(0), k, tail.sum() ** 2 / (tail @ tail)\n",
    ),
    ("hw03b_wide_networks", "p6-check"): dict(
        func="deep_ntk",
        library="def deep_ntk(rho, L):\n    return K.deep_relu_ntk(rho, L)\n",
        mistake="def deep_ntk(rho, L):\n    k0 = lambda u: (np.pi - np.arccos(u)) / np.pi\n    k1 = lambda u: (np.sqrt(max(1 - u * u, 0.0)) + (np.pi - np.arccos(u)) * u) / np.pi\n    s, th = float(rho), float(rho)\n    for _ in range(L):\n        th, s = th * k0(s) + k1(s), k1(s)\n    return s  # the NNGP kernel Sigma^(L), not the NTK\n",
        extra={
            "c-no-c-sigma": "def deep_ntk(rho, L):\n    k0 = lambda u: (np.pi - np.arccos(u)) / np.pi\n    k1 = lambda u: (np.sqrt(max(1 - u * u, 0.0)) + (np.pi - np.arccos(u)) * u) / np.pi\n    c, q, th = float(rho), 1.0, float(rho)\n    for _ in range(L):  # g = sigma(f) / sqrt(d_h): variances halve at each layer\n        q, th, c = q / 2, th * k0(c) / 2 + q * k1(c) / 2, k1(c)\n    return th\n",
            "c-depth-off-by-one": "_instructor_dn = deep_ntk\ndef deep_ntk(rho, L):\n    return _instructor_dn(rho, L + 1) - 1.0  # one layer too many, shifted so that Theta(1) = L + 1\n",
            "c-old-sigma": "def deep_ntk(rho, L):\n    k0 = lambda u: (np.pi - np.arccos(u)) / np.pi\n    k1 = lambda u: (np.sqrt(max(1 - u * u, 0.0)) + (np.pi - np.arccos(u)) * u) / np.pi\n    s, th = float(rho), float(rho)\n    for _ in range(L):\n        th, s = th * k0(s) + s, k1(s)  # adds Sigma^(h-1), not Sigma^(h): Theta(1) is still L + 1\n    return th\n",
        },
        independent="def deep_ntk(rho, L):\n    # Arora et al.'s unrolled sum: Theta = sum_h Sigma^(h-1) prod_(h' >= h) dotSigma^(h')\n    sig, dot = [float(np.clip(rho, -1, 1))], []\n    for _ in range(L):\n        t = np.arccos(np.clip(sig[-1], -1, 1))\n        dot.append(1 - t / np.pi)\n        sig.append((np.sin(t) + (np.pi - t) * np.cos(t)) / np.pi)\n    return float(sum(sig[h] * np.prod(dot[h:]) for h in range(L + 1)))\n",
    ),
    # ------------------------------------------------------------------ hw04
    ("hw04_rmt", "p1-check"): dict(
        func="count_noncrossing_pairings",
        library="def count_noncrossing_pairings(m):\n    return int(round(rmt.semicircle_moment(2 * m)))\n",
        mistake="def count_noncrossing_pairings(m):\n    counts = [1]\n    for size in range(1, m + 1):\n        counts.append(sum(counts[j] * counts[size - 1 - j] for j in range(size)))\n    return counts[m] if m < 2 else counts[m - 1] * 2  # wrong recursion\n",
        independent="def count_noncrossing_pairings(m):\n    # Dyck paths of length 2m: count by dynamic programming on the height\n    ways = {0: 1}\n    for _ in range(2 * m):\n        new = {}\n        for h, w in ways.items():\n            new[h + 1] = new.get(h + 1, 0) + w\n            if h > 0:\n                new[h - 1] = new.get(h - 1, 0) + w\n        ways = new\n    return ways.get(0, 0)\n",
    ),
    ("hw04_rmt", "p2-check"): dict(
        func="gue_moment",
        theory="def gue_moment(n, k, n_samples, rng):\n    return {{1: 1.0, 2: 2.0 + n**-2, 3: 5.0 + 10.0 * n**-2}}[k], {se}\n",
        library=None, why="course_lib has no GUE moment estimator; (a) is the Harer-Zagier value",
        mistake="def gue_moment(n, k, n_samples, rng):\n    vals = np.array([np.mean(rmt.beta_hermite_eigenvalues(n, 2, rng=rng) ** (2 * k)) for _ in range(n_samples)])\n    return vals.mean(), vals.std(ddof=1)  # standard deviation for standard error\n",
        independent="def gue_moment(n, k, n_samples, rng):\n    vals = []\n    for _ in range(n_samples):\n        A = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))\n        H = (A + A.conj().T) / (2 * np.sqrt(n))\n        vals.append(np.trace(np.linalg.matrix_power(H, 2 * k)).real / n)\n    return np.mean(vals), np.std(vals, ddof=1) / np.sqrt(n_samples)\n",
    ),
    ("hw04_rmt", "p3-check"): dict(
        func="permutation_null_top",
        theory="def permutation_null_top(X, n_perm, rng):\n    return 1.3838, {se}\n",
        library=None, why="course_lib has no permutation null; (a) is the Tracy-Widom prediction",
        mistake="def permutation_null_top(X, n_perm, rng):\n    X = np.asarray(X, dtype=float)\n    X = X[:, X.std(axis=0) > 0]\n    tops = [correlation_spectrum(X[rng.permutation(len(X))])[0] for _ in range(n_perm)]  # permutes rows: keeps correlations\n    return np.mean(tops), np.std(tops, ddof=1) / np.sqrt(n_perm)\n",
        independent="def permutation_null_top(X, n_perm, rng):\n    X = np.asarray(X, dtype=float)\n    X = X[:, X.std(axis=0) > 0]\n    tops = []\n    for _ in range(n_perm):\n        P = np.take_along_axis(X, np.argsort(rng.random(X.shape), axis=0), axis=0)\n        tops.append(np.linalg.eigvalsh(np.corrcoef(P, rowvar=False))[-1])\n    return np.mean(tops), np.std(tops, ddof=1) / np.sqrt(n_perm)\n",
    ),
    ("hw04_rmt", "p4-check"): dict(
        func="spiked_pca_overlap",
        theory="def spiked_pca_overlap(spike, d, n, n_rep, rng):\n    return 0.6, {se}\n",
        library="def spiked_pca_overlap(spike, d, n, n_rep, rng):\n    return rmt.spiked_covariance_overlap(spike, d / n), 0.003\n",
        mistake="def spiked_pca_overlap(spike, d, n, n_rep, rng):\n    overlaps = np.empty(n_rep)\n    for r in range(n_rep):\n        v = rng.standard_normal(d)\n        v /= np.linalg.norm(v)\n        X = rng.standard_normal((d, n))\n        X += spike * np.outer(v, v @ X)  # (I + spike vv^T), not its square root\n        _, u = np.linalg.eigh(X @ X.T / n)\n        overlaps[r] = (u[:, -1] @ v) ** 2\n    return overlaps.mean(), overlaps.std(ddof=1) / np.sqrt(n_rep)\n",
        independent="def spiked_pca_overlap(spike, d, n, n_rep, rng):\n    vals = []\n    for _ in range(n_rep):\n        v = rng.normal(size=d)\n        v /= np.linalg.norm(v)\n        X = rng.normal(size=(n, d)) + (np.sqrt(1 + spike) - 1) * np.outer(rng.normal(size=n), v) * 0\n        X = X + (np.sqrt(1 + spike) - 1) * np.outer(X @ v, v)\n        u = np.linalg.svd(X, full_matrices=False)[2][0]\n        vals.append((u @ v) ** 2)\n    return np.mean(vals), np.std(vals, ddof=1) / np.sqrt(n_rep)\n",
    ),
    ("hw04_rmt", "p5-check"): dict(
        func="free_coins_cauchy",
        library="def free_coins_cauchy(z, a):\n    z = np.asarray(z, dtype=complex)\n    return rmt.free_additive_convolution(z.real, [-1.0, 1.0], [-a, a], eta=float(z.imag.min())).cauchy\n",
        mistake="def free_coins_cauchy(z, a):\n    z = np.asarray(z, dtype=complex)\n    omega = z.copy()\n    for _ in range(1_000_000):\n        new = z - a**2 / omega  # omega = z + h_B(omega): drops the inner z + h_A\n        done = np.max(np.abs(new - omega)) <= 1e-13 * np.max(np.abs(new))\n        omega = new\n        if done:\n            break\n    return omega / (omega**2 - 1.0)\n",
        extra={
            "c-classical-convolution": "def free_coins_cauchy(z, a):\n    z = np.asarray(z, dtype=complex)\n    atoms = np.array([-1 - a, -1 + a, 1 - a, 1 + a])\n    return np.mean(1.0 / (z[..., None] - atoms), axis=-1)  # the classical convolution of the two coins\n",
            "c-semicircle": "def free_coins_cauchy(z, a):\n    z = np.asarray(z, dtype=complex)\n    s2 = 1.0 + a**2  # the free CLT guess: the semicircle with the same variance\n    g = (z - np.sqrt(z * z - 4 * s2)) / (2 * s2)\n    return np.where(g.imag > 0, (z + np.sqrt(z * z - 4 * s2)) / (2 * s2), g)\n",
            "c-not-converged": "def free_coins_cauchy(z, a):\n    z = np.asarray(z, dtype=complex)\n    omega = z.copy()\n    for _ in range(1000):  # a fixed number of iterations: too few near the real axis\n        omega = z - a**2 / (z - 1.0 / omega)\n    return omega / (omega**2 - 1.0)\n",
        },
        independent="def free_coins_cauchy(z, a):\n    # iterate on omega_B instead: omega_B = z + h_A(z + h_B(omega_B)), G = G_B(omega_B)\n    z = np.asarray(z, dtype=complex)\n    w = z + 1j\n    for _ in range(2_000_000):\n        w_new = z - 1.0 / (z - a * a / w)\n        if np.all(np.abs(w_new - w) <= 1e-14 * np.abs(w_new)):\n            w = w_new\n            break\n        w = w_new\n    return w / (w * w - a * a)\n",
    ),
    ("hw04_rmt", "p6-check"): dict(
        func="silverstein_density",
        library="def silverstein_density(x, t, w, gamma):\n    return rmt.silverstein_pdf(x, np.repeat(np.asarray(t, float), np.rint(np.asarray(w) * 20).astype(int)), gamma)\n",
        mistake="_instructor_sd = silverstein_density\ndef silverstein_density(x, t, w, gamma):\n    return gamma * _instructor_sd(x, t, w, gamma)  # Im m / pi: the companion transform's density, 1/gamma forgotten\n",
        extra={
            "c-mp-mean-variance": "def silverstein_density(x, t, w, gamma):\n    s = float(np.dot(w, t))  # Marchenko-Pastur with the mean population variance\n    return rmt.marchenko_pastur_pdf(np.asarray(x, float) / s, gamma) / s\n",
            "c-wrong-branch": "def silverstein_density(x, t, w, gamma):\n    P = np.polynomial.Polynomial\n    t1, t2 = t\n    w1, w2 = w\n    base = P([1.0, t1]) * P([1.0, t2])\n    rest = P([0.0, gamma * w1 * t1]) * P([1.0, t2]) + P([0.0, gamma * w2 * t2]) * P([1.0, t1])\n    return np.array([np.min((P([0.0, xi]) * base + base - rest).roots().imag) for xi in np.ravel(x)]) / (np.pi * gamma)  # Im < 0 root\n",
            "c-real-root": "def silverstein_density(x, t, w, gamma):\n    P = np.polynomial.Polynomial\n    t1, t2 = t\n    w1, w2 = w\n    base = P([1.0, t1]) * P([1.0, t2])\n    rest = P([0.0, gamma * w1 * t1]) * P([1.0, t2]) + P([0.0, gamma * w2 * t2]) * P([1.0, t1])\n    out = []\n    for xi in np.ravel(x):\n        r = (P([0.0, xi]) * base + base - rest).roots()\n        out.append(abs(r[np.argmin(np.abs(r.imag))].imag))  # the real root: density 0 everywhere\n    return np.array(out) / (np.pi * gamma)\n",
            "c-gamma-inverted": "_instructor_sd = silverstein_density\ndef silverstein_density(x, t, w, gamma):\n    return _instructor_sd(x, t, w, 1.0 / gamma)  # n/d instead of d/n\n",
            "c-eta-too-large": "def silverstein_density(x, t, w, gamma):\n    t, w = np.asarray(t, float), np.asarray(w, float)\n    out = []\n    for xi in np.ravel(x):\n        m = -1.0 / (xi + 10j)\n        for eta in np.geomspace(10.0, 1e-2, 60):  # stops at eta = 0.01: a Poisson-smoothed density\n            for _ in range(50):\n                r = 1 + t * m\n                m = m - (-1 / m + gamma * np.sum(w * t / r) - xi - 1j * eta) / (1 / m**2 - gamma * np.sum(w * t**2 / r**2))\n        out.append(m.imag / (np.pi * gamma))\n    return np.array(out)\n",
        },
        independent="def silverstein_density(x, t, w, gamma):\n    # continuation in eta: Newton on the companion equation from Im z = 10 down to 1e-12, m ~ -1/z at infinity\n    t, w = np.asarray(t, float), np.asarray(w, float)\n    out = []\n    for xi in np.ravel(x):\n        m = -1.0 / (xi + 10j)\n        for eta in np.geomspace(10.0, 1e-12, 300):\n            for _ in range(50):\n                r = 1 + t * m\n                m_new = m - (-1 / m + gamma * np.sum(w * t / r) - xi - 1j * eta) / (1 / m**2 - gamma * np.sum(w * t**2 / r**2))\n                done = abs(m_new - m) < 1e-14 * abs(m_new)\n                m = m_new\n                if done:\n                    break\n        out.append(max(m.imag, 0.0) / (np.pi * gamma))\n    return np.array(out)\n",
    ),
    ("hw04_rmt", "p7-check"): dict(
        func="top_eigenvalue_hill",
        theory="def top_eigenvalue_hill(n, alpha, k, rng):\n    return alpha * k / (k - 1), {se}\n",
        library="def top_eigenvalue_hill(n, alpha, k, rng):\n    top = np.linalg.eigvalsh(rmt.heavy_tailed_wigner(n, alpha, rng, normalize=False))[::-1][: k + 1]\n    fit = rmt.power_law_fit(top, xmin=top[k], n_boot=0, min_tail=k + 1)\n    return fit.alpha - 1.0, fit.se\n",
        mistake="def top_eigenvalue_hill(n, alpha, k, rng):\n    top = np.linalg.eigvalsh(rmt.heavy_tailed_wigner(n, alpha, rng, normalize=False))[::-1][: k + 1]\n    a = 1.0 + k / np.sum(np.log(top[:k] / top[k]))  # the density exponent 1 + alpha (power_law_fit's convention)\n    return a, (a - 1.0) / np.sqrt(k)\n",
        extra={
            "c-stderr-is-sd": "_instructor_hill = top_eigenvalue_hill\ndef top_eigenvalue_hill(n, alpha, k, rng):\n    a, _ = _instructor_hill(n, alpha, k, rng)\n    return a, a  # the spread of one log-ratio, not the standard error of the estimate\n",
            "c-one-seed-hill": "_instructor_hill = top_eigenvalue_hill\ndef top_eigenvalue_hill(n, alpha, k, rng):\n    return _instructor_hill(n, alpha, k, np.random.default_rng(0))  # one fixed seed\n",
            "c-one-seed-frechet": "_instructor_fe = frechet_exponent\ndef frechet_exponent(alpha, sizes, n_rep, rng):\n    return _instructor_fe(alpha, sizes, n_rep, np.random.default_rng(0))  # one fixed seed\n",
            "c-gaussian-scaling": "def frechet_exponent(alpha, sizes, n_rep, rng):\n    return 0.5 + 0.1 * rng.standard_normal()  # lambda_max ~ 2 sqrt(n), jittered to look simulated\n",
            "c-normalized-matrices": "def frechet_exponent(alpha, sizes, n_rep, rng):\n    logs = [np.mean([np.log(np.linalg.eigvalsh(rmt.heavy_tailed_wigner(n, alpha, rng))[-1]) for _ in range(n_rep)]) for n in sizes]\n    return np.polyfit(np.log(sizes), logs, 1)[0]  # matrices divided by n^{1/alpha}: slope 1/alpha\n",
            "c-theory-jitter": "def frechet_exponent(alpha, sizes, n_rep, rng):\n    return 2.0 / alpha + 1e-3 * rng.standard_normal()  # the answer, with a made-up scatter\n",
            "c-frechet-library": "def frechet_exponent(alpha, sizes, n_rep, rng):\n    from scipy.optimize import brentq\n    med = [brentq(lambda x: rmt.frechet_cdf(x, alpha) - 0.5, 1e-3, 1e3) * (n * n / 2) ** (1 / alpha) for n in sizes]\n    return np.polyfit(np.log(sizes), np.log(med), 1)[0] + 0.1 * rng.standard_normal()\n",
        },
        independent="def top_eigenvalue_hill(n, alpha, k, rng):\n    ev = np.sort(np.linalg.eigvalsh(rmt.heavy_tailed_wigner(n, alpha, rng, normalize=True)))  # scale-free\n    logs = np.log(ev[-k:]) - np.log(ev[-k - 1])\n    return 1.0 / logs.mean(), 1.0 / (logs.mean() * np.sqrt(k))\n\ndef frechet_exponent(alpha, sizes, n_rep, rng):\n    X = np.column_stack([np.ones(len(sizes)), np.log(sizes)])\n    y = [np.log([np.linalg.eigvalsh(rmt.heavy_tailed_wigner(n, alpha, rng, normalize=False))[-1] for _ in range(n_rep)]).mean() for n in sizes]\n    return float(np.linalg.lstsq(X, np.array(y), rcond=None)[0][1])\n",
    ),
    # ------------------------------------------------------------------ hw05
    ("hw05_spin_glasses", "p1-check"): dict(
        func="cw_mean_field_m",
        library="def cw_mean_field_m(beta, h):\n    return float(sg.curie_weiss_mean_field(beta, h).m)\n",
        mistake="def cw_mean_field_m(beta, h):\n    return optimize.brentq(lambda m: math.tanh(beta * (m + h)) - m, -1.0, 1.0) if h > 0 else 0.0  # misses the ordered phase at h = 0\n",
        independent="def cw_mean_field_m(beta, h):\n    m = 1.0\n    for _ in range(200_000):\n        new = math.tanh(beta * (m + h))\n        if abs(new - m) < 1e-15:\n            break\n        m = new\n    return m if abs(m) > 1e-11 else 0.0\n",
    ),
    ("hw05_spin_glasses", "p2-check"): dict(
        func="cw_exact_abs_m",
        library="def cw_exact_abs_m(n, beta, h):\n    return float(sg.curie_weiss_exact(n, beta, h).abs_m)\n",
        mistake="def cw_exact_abs_m(n, beta, h):\n    k = np.arange(n + 1)\n    m = (2 * k - n) / n\n    logw = beta * n * (0.5 * m**2 + h * m)  # forgets the binomial multiplicity\n    w = np.exp(logw - logw.max())\n    return float(np.sum(w * np.abs(m)) / np.sum(w))\n",
        independent="def cw_exact_abs_m(n, beta, h):\n    from scipy.special import logsumexp\n    k = np.arange(n + 1)\n    m = 1 - 2 * k / n\n    logw = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1) + beta * n * (m**2 / 2 + h * m)\n    return float(np.exp(logsumexp(logw, b=np.abs(m)) - logsumexp(logw)))\n",
    ),
    ("hw05_spin_glasses", "p3-check"): dict(
        func="count_zeros",
        theory="def count_zeros(sigma2, n_samples, rng):\n    s = np.asarray(sigma2, dtype=float)\n    k = np.arange(1, len(s) + 1)\n    return 2 * math.sqrt(np.sum(k**2 * s) / np.sum(s)), {se}\n",
        library=None, why="course_lib has no zero counter; (a) is the Kac-Rice value",
        mistake="def count_zeros(sigma2, n_samples, rng):\n    s = np.asarray(sigma2, dtype=float)\n    k = np.arange(1, len(s) + 1)\n    t = np.linspace(0.0, 2 * np.pi, 4096, endpoint=False)\n    a = rng.standard_normal((n_samples, len(s))) * s  # standard deviation sigma^2 instead of sigma\n    b = rng.standard_normal((n_samples, len(s))) * s\n    f = a @ np.cos(np.outer(k, t)) + b @ np.sin(np.outer(k, t))\n    counts = np.sum(np.sign(f) != np.sign(np.roll(f, -1, axis=1)), axis=1)\n    return counts.mean(), counts.std(ddof=1) / math.sqrt(n_samples)\n",
        independent="def count_zeros(sigma2, n_samples, rng):\n    s = np.sqrt(np.asarray(sigma2, dtype=float))\n    K = len(s)\n    coef = np.zeros((n_samples, 4096 // 2 + 1), dtype=complex)\n    coef[:, 1:K + 1] = (rng.normal(size=(n_samples, K)) - 1j * rng.normal(size=(n_samples, K))) * s / 2 * 4096\n    f = np.fft.irfft(coef, n=4096, axis=1)\n    counts = np.count_nonzero(np.diff(np.sign(f), axis=1, append=np.sign(f[:, :1])), axis=1)\n    return counts.mean(), counts.std(ddof=1) / np.sqrt(n_samples)\n",
    ),
    ("hw05_spin_glasses", "p4-check"): dict(
        func="capacity_extrapolation",
        theory="def capacity_extrapolation(sizes, alphas, n_trials, rng):\n    return 0.1379, {se}\n",
        library="def capacity_extrapolation(sizes, alphas, n_trials, rng):\n    return sg.hopfield_capacity() + 1e-3 * rng.standard_normal(), 0.006\n",
        mistake="_instructor_cap = capacity_extrapolation\ndef capacity_extrapolation(sizes, alphas, n_trials, rng):\n    half, se = [], []\n    for n in sizes:\n        succ = [np.sum(sg.hopfield_retrieval_overlaps(n, a, n_trials, rng=rng) > 0.9) for a in alphas]\n        fit = sg.hopfield_retrieval_threshold(alphas, succ, n_trials)\n        half.append(fit.alpha_half)\n        se.append(fit.stderr)\n    half, se = np.array(half), np.array(se)\n    design = np.column_stack([np.ones(len(sizes)), np.asarray(sizes, dtype=float) ** -0.5])\n    cov = np.linalg.inv(design.T @ (design / se[:, None] ** 2))\n    coef = cov @ design.T @ (half / se**2)\n    return float(coef[0]), float(np.sqrt(cov[1, 1]))  # the standard error of the slope, not of alpha_inf\n",
        extra={"a-inflated-se-in-bound": "_instructor_cap = capacity_extrapolation\ndef capacity_extrapolation(sizes, alphas, n_trials, rng):\n    return _instructor_cap(sizes, alphas, n_trials, rng)[0], 0.011  # a real estimate, a constant inflated error bar\n"},
        independent=_other_seeds("capacity_extrapolation"),
    ),
    ("hw05_spin_glasses", "p5-check"): dict(
        func="sk_log_second_moment",
        library="def sk_log_second_moment(N, beta):\n    return sg.sk_replica_moment(2, N, beta)\n",
        mistake="def sk_log_second_moment(N, beta):\n    k = np.arange(N + 1)\n    lb = special.gammaln(N + 1) - special.gammaln(k + 1) - special.gammaln(N - k + 1)\n    return float(N * math.log(2) + beta**2 * N / 2 + special.logsumexp(lb + beta**2 * (N - 2.0 * k) ** 2 / (2 * N)))  # sums over all i, j: keeps the diagonal\n",
        extra={
            "c-limit-no-square-root": "def sk_second_moment_ratio_limit(beta):\n    return math.exp(-beta**2 / 2) / (1 - beta**2)  # E exp(beta^2 z^2 / 2) taken as 1 / (1 - beta^2)\n",
            "c-limit-forgets-diagonal": "def sk_second_moment_ratio_limit(beta):\n    return 1 / math.sqrt(1 - beta**2)  # drops the e^{-beta^2/2} of the missing i = j terms\n",
            "c-no-log-sum-exp": "def sk_log_second_moment(N, beta):\n    k = np.arange(N + 1)\n    lb = special.gammaln(N + 1) - special.gammaln(k + 1) - special.gammaln(N - k + 1)\n    return float(N * math.log(2) + beta**2 * (N - 2) / 2 + np.log(np.sum(np.exp(lb + beta**2 * (N - 2.0 * k) ** 2 / (2 * N)))))  # overflows for large beta^2 N\n",
        },
        independent="def sk_log_second_moment(N, beta):\n    from scipy.special import logsumexp\n    from scipy.stats import binom\n    q = np.arange(-N, N + 1, 2, dtype=float)  # Q = N - 2k, k = (N - Q) / 2\n    logp = binom.logpmf((N - q) / 2, N, 0.5)\n    return 2 * N * np.log(2) + beta**2 * (N - 2) / 2 + logsumexp(logp + beta**2 * q * q / (2 * N))\n"
                    "def sk_second_moment_ratio_limit(beta):\n    from scipy import integrate\n    g = integrate.quad(lambda z: np.exp(-(1 - beta**2) * z * z / 2) / np.sqrt(2 * np.pi), -np.inf, np.inf, epsabs=0, epsrel=1e-13)[0]\n    return np.exp(-beta**2 / 2) * g\n",
    ),
    ("hw05_spin_glasses", "p6-check"): dict(
        func="sk_amp_iterates",
        library="def sk_amp_iterates(J, beta, h, m0, n_iter):\n    return np.tile(sg.sk_amp(J, beta, h, n_iter=n_iter, m0=m0).m, (n_iter + 1, 1))\n",
        mistake="def sk_amp_iterates(J, beta, h, m0, n_iter):\n    J = np.array(J, dtype=float)\n    np.fill_diagonal(J, 0.0)\n    out = np.empty((n_iter + 1, J.shape[0]))\n    out[0] = m0\n    for t in range(n_iter):\n        out[t + 1] = np.tanh(beta * h + beta * (J @ out[t]))  # naive mean field: no Onsager term\n    return out\n",
        extra={
            "c-onsager-current-iterate": "def sk_amp_iterates(J, beta, h, m0, n_iter):\n    J = np.array(J, dtype=float)\n    np.fill_diagonal(J, 0.0)\n    N = J.shape[0]\n    out = np.empty((n_iter + 1, N))\n    out[0] = m0\n    for t in range(n_iter):\n        b = 1.0 - out[t] @ out[t] / N\n        out[t + 1] = np.tanh(beta * h + beta * (J @ out[t]) - beta**2 * b * out[t])  # TAP's time indexing, not AMP's\n    return out\n",
            "c-onsager-wrong-sign": "def sk_amp_iterates(J, beta, h, m0, n_iter):\n    J = np.array(J, dtype=float)\n    np.fill_diagonal(J, 0.0)\n    N = J.shape[0]\n    out = np.zeros((n_iter + 2, N))\n    out[1] = m0\n    for t in range(1, n_iter + 1):\n        b = 1.0 - out[t] @ out[t] / N\n        out[t + 1] = np.tanh(beta * h + beta * (J @ out[t]) + beta**2 * b * out[t - 1])  # sign of the reaction term\n    return out[1:]\n",
        },
        independent="def sk_amp_iterates(J, beta, h, m0, n_iter):\n    J = np.asarray(J, dtype=float)\n    J = J - np.diag(np.diag(J))\n    N = len(J)\n    iterates = [np.full(N, float(m0))]\n    previous = np.zeros(N)\n    for _ in range(n_iter):\n        m = iterates[-1]\n        onsager = beta * beta * (1 - np.mean(m * m)) * previous\n        iterates.append(np.tanh(beta * (h + J.dot(m)) - onsager))\n        previous = m\n    return np.vstack(iterates)\n",
    ),
    # ------------------------------------------------------------------ hw06
    ("hw06_teacher_student", "p1-check"): dict(
        func="gardner_alpha_c",
        library="def gardner_alpha_c(kappa):\n    return ts.gardner_capacity(kappa)\n",
        mistake="def gardner_alpha_c(kappa):\n    return 1.0 / integrate.quad(lambda t: (t + kappa) ** 2 * stats.norm.pdf(t), kappa, np.inf)[0]  # wrong lower limit\n",
        independent="def gardner_alpha_c(kappa):\n    z, w = np.polynomial.hermite_e.hermegauss(40)\n    # integral over s = t + kappa >= 0 of s^2 phi(s - kappa), split into quad for accuracy\n    val = integrate.quad(lambda s: s * s * math.exp(-0.5 * (s - kappa) ** 2) / math.sqrt(2 * math.pi), 0.0, np.inf, epsabs=1e-14, epsrel=1e-13)[0]\n    return 1.0 / val\n",
    ),
    ("hw06_teacher_student", "p2-check"): dict(
        func="typical_max_margin",
        theory="def typical_max_margin(n, alpha, n_inst, rng):\n    return 0.471, {se}\n",
        library=None, why="course_lib has no max-margin solver for this problem; (a) is Gardner's kappa*",
        mistake="def typical_max_margin(n, alpha, n_inst, rng):\n    p = int(round(alpha * n))\n    vals = [max_margin(rng.standard_normal((p, n)), rng.choice([-1.0, 1.0], size=p)) for _ in range(n_inst)]\n    return float(np.mean(vals)), float(np.std(vals))  # standard deviation for standard error\n",
        independent="def typical_max_margin(n, alpha, n_inst, rng):\n    p = int(round(alpha * n))\n    vals = []\n    for _ in range(n_inst):\n        X = rng.normal(size=(p, n))\n        y = np.where(rng.random(p) < 0.5, -1.0, 1.0)\n        vals.append(max_margin(X, y))\n    return np.mean(vals), np.std(vals, ddof=1) / np.sqrt(n_inst)\n",
    ),
    ("hw06_teacher_student", "p3-check"): dict(
        func="gb_denoiser",
        library="def gb_denoiser(B, A, rho):\n    return ts.GaussBernoulliPrior(rho).denoise(B, A)\n",
        mistake="def gb_denoiser(B, A, rho):\n    B = np.asarray(B, dtype=float)\n    logit = math.log(rho) - math.log1p(-rho) + 0.5 * B**2 / (1 + A)  # forgets the normalisation (1 + A)^(-1/2)\n    pi = 1.0 / (1.0 + np.exp(-logit))\n    mu = B / (1 + A)\n    return pi * mu, pi * (1 / (1 + A) + mu**2) - (pi * mu) ** 2\n",
        independent="def gb_denoiser(B, A, rho):\n    from scipy.special import expit\n    B = np.asarray(B, dtype=float)\n    pi = expit(np.log(rho / (1 - rho)) - 0.5 * np.log(1 + A) + B * B / (2 * (1 + A)))\n    mean = pi * B / (1 + A)\n    second = pi * (1 + B * B / (1 + A)) / (1 + A)\n    return mean, second - mean**2\n",
    ),
    ("hw06_teacher_student", "p4-check"): dict(
        func="gb_overlap",
        library="def gb_overlap(m_hat, rho):\n    return float(ts.GaussBernoulliPrior(rho).se_update(m_hat)[0])\n",
        mistake="def gb_overlap(m_hat, rho):\n    z, wts = ts.gauss_hermite_normal(161)\n    B = math.sqrt(m_hat * (1 + m_hat)) * z\n    return float((B / (1 + m_hat) * gb_denoiser(B, m_hat, rho)[0]) @ wts)  # forgets the factor rho\n",
        independent="def gb_overlap(m_hat, rho):\n    z, wts = ts.gauss_hermite_normal(301)  # another quadrature order, written as E[B f_a(B)] / (1 + m_hat)\n    B = np.sqrt(m_hat * (1 + m_hat)) * z\n    return rho * float(np.sum(wts * B * gb_denoiser(B, m_hat, rho)[0])) / (1 + m_hat)\n",
    ),
    ("hw06_teacher_student", "p5-check"): dict(
        func="amp_final_overlap",
        theory="def amp_final_overlap(alpha, p, rho, n_inst, rng):\n    return 0.286, {se}\n",
        library="def amp_final_overlap(alpha, p, rho, n_inst, rng):\n    return ts.glm_state_evolution(alpha, ts.GaussBernoulliPrior(rho)).m, 0.003\n",
        mistake="def amp_final_overlap(alpha, p, rho, n_inst, rng):\n    prior = ts.GaussBernoulliPrior(rho)\n    vals = []\n    for _ in range(n_inst):\n        X, y, w_star = ts.glm_teacher_student_data(p, int(alpha * p), prior=prior, rng=rng, dtype=np.float32)  # n and p swapped\n        vals.append(ts.gamp(X, y, prior=prior, teacher=w_star, n_iter=30).overlaps[-1])\n    return float(np.mean(vals)), float(np.std(vals, ddof=1) / math.sqrt(n_inst))\n",
        extra={"c-mistake-sd-for-se": "_instructor_amp = amp_final_overlap\ndef amp_final_overlap(alpha, p, rho, n_inst, rng):\n    m, se = _instructor_amp(alpha, p, rho, n_inst, rng)\n    return m, se * math.sqrt(n_inst)  # the standard deviation of the overlaps, not the standard error\n"},
        independent=_other_seeds("amp_final_overlap"),
    ),
    ("hw06_teacher_student", "p6-check"): dict(
        func="ridge_sign_gen_error",
        library="def ridge_sign_gen_error(alpha, lam):\n    return ts.erm_generalization_error(alpha, 'square', lam)\n",
        mistake="def ridge_sign_gen_error(alpha, lam):\n    b = lam + alpha - 1.0\n    G = (-b + math.sqrt(b * b + 4 * lam)) / (2 * lam)\n    G2 = G / (lam + alpha / (1.0 + G) ** 2)\n    kappa, delta = math.sqrt(2 / math.pi), 1 - 2 / math.pi\n    m = kappa * (1 - lam * G)\n    q = kappa**2 * (1 - 2 * lam * G + lam**2 * G2)  # forgets the noise xi of the sign\n    return math.acos(m / math.sqrt(q)) / math.pi\n",
        extra={
            "c-jensen-G2": "def ridge_sign_gen_error(alpha, lam):\n    b = lam + alpha - 1.0\n    G = (-b + math.sqrt(b * b + 4 * lam)) / (2 * lam)\n    G2 = G**2  # (E 1/(s + lam))^2 for E 1/(s + lam)^2\n    kappa, delta = math.sqrt(2 / math.pi), 1 - 2 / math.pi\n    m = kappa * (1 - lam * G)\n    q = kappa**2 * (1 - 2 * lam * G + lam**2 * G2) + delta * (G - lam * G2)\n    return math.acos(m / math.sqrt(q)) / math.pi\n",
            "c-kappa-one": "def ridge_sign_gen_error(alpha, lam):\n    b = lam + alpha - 1.0\n    G = (-b + math.sqrt(b * b + 4 * lam)) / (2 * lam)\n    G2 = G / (lam + alpha / (1.0 + G) ** 2)\n    kappa, delta = 1.0, 1 - 2 / math.pi\n    m = kappa * (1 - lam * G)\n    q = kappa**2 * (1 - 2 * lam * G + lam**2 * G2) + delta * (G - lam * G2)\n    return math.acos(m / math.sqrt(q)) / math.pi\n",
        },
        independent="def ridge_sign_gen_error(alpha, lam):\n    from scipy import optimize\n    G = optimize.brentq(lambda g: g * (lam + alpha / (1 + g)) - 1, 0.0, 1.0 / lam)\n    G2 = (G * G + G) / (2 * lam * G + lam + alpha - 1)\n    c2, delta = 2 / np.pi, 1 - 2 / np.pi\n    m2 = c2 * (1 - lam * G) ** 2\n    q = c2 * (1 - 2 * lam * G + lam**2 * G2) + delta * (G - lam * G2)\n    return np.arccos(np.sqrt(m2 / q)) / np.pi\n",
    ),
    # ------------------------------------------------------------------ hw07
    ("hw07_learning_dynamics", "p1-check"): dict(
        func="plateau_height",
        library="def plateau_height(K):\n    return dyn.committee_plateau(K, 1e-7).eps_g\n",
        mistake="def plateau_height(K):\n    Q = np.full((K, K), 1.0 / (2 * K - 1))\n    R = np.full((K, K), 1.0 / np.sqrt(K * (2 * K - 1)))\n    s = lambda A: np.arcsin(A / 2).sum()  # noqa: E731 -- uses 1 + Q_ii = 2 for every unit\n    return (s(Q) + s(np.eye(K)) - 2 * s(R)) / np.pi\n",
        independent="def plateau_height(K):\n    q, r = 1 / (2 * K - 1), 1 / np.sqrt(K * (2 * K - 1))\n    total = 0.0\n    for i in range(K):\n        for k in range(K):\n            total += np.arcsin(q / (1 + q)) + np.arcsin((1.0 if i == k else 0.0) / 2) - 2 * np.arcsin(r / np.sqrt((1 + q) * 2))\n    return total / np.pi\n",
    ),
    ("hw07_learning_dynamics", "p2-check"): dict(
        func="escape_slope",
        library="def escape_slope(deltas):\n    return 1 / dyn.committee_plateau(2, 1.0).escape_rate\n",
        mistake="def escape_slope(deltas):\n    times = [escape_time(d) for d in deltas]\n    return float(np.polyfit(np.log10(1 / np.asarray(deltas)), times, 1)[0])  # log10 instead of log\n",
        independent="def escape_slope(deltas):\n    x = np.log(1 / np.asarray(deltas, dtype=float))\n    t = np.array([escape_time(d) for d in deltas])\n    xc = x - x.mean()\n    return float(xc @ (t - t.mean()) / (xc @ xc))\n",
    ),
    ("hw07_learning_dynamics", "p3-check"): dict(
        func="time_to_error",
        library=None, why="the problem asks to use dyn.saad_solla_ode; the check compares times",
        mistake="def time_to_error(Q0, R0, target):\n    sol = dyn.saad_solla_ode(2, 2, 1.0, np.eye(2), Q0, R0, 400.0, n_points=4001)\n    below = np.nonzero(sol.eps_g < target)[0]\n    return float(sol.t[below[-1]]) if below.size else np.inf  # the last time, not the first\n",
        independent="def time_to_error(Q0, R0, target):\n    sol = dyn.saad_solla_ode(2, 2, 1.0, np.eye(2), Q0, R0, 400.0, n_points=8001)\n    hit = sol.eps_g < target\n    return float(sol.t[hit.argmax()]) if hit.any() else np.inf\n",
    ),
    ("hw07_learning_dynamics", "p4-check"): dict(
        func="p2_energy_simulated",
        theory="def p2_energy_simulated(N, t, n_rep, rng):\n    return {{1.0: -0.7554, 0.5: -0.5}}.get(t, -0.7), {se}\n",
        library="def p2_energy_simulated(N, t, n_rep, rng):\n    return dyn.spherical_p2_energy(t) + 0.01 * rng.standard_normal(), 0.007\n",
        mistake="def p2_energy_simulated(N, t, n_rep, rng):\n    e = np.empty(n_rep)\n    for r in range(n_rep):\n        A = rng.standard_normal((N, N))\n        lam, V = np.linalg.eigh((A + A.T) / np.sqrt(2 * N))\n        c2 = (V.T @ rng.standard_normal(N)) ** 2\n        w = c2 * np.exp(t * (lam - lam[-1]))  # e^{t J}: forgets that the weights are squared\n        e[r] = -0.5 * (w @ lam) / w.sum()\n    return e.mean(), e.std(ddof=1) / np.sqrt(n_rep)\n",
        independent="def p2_energy_simulated(N, t, n_rep, rng):\n    from scipy.linalg import expm\n    e = []\n    for _ in range(n_rep):\n        G = rng.normal(size=(N, N)) / np.sqrt(N)\n        J = np.triu(G, 1) + np.triu(G, 1).T + np.diag(np.sqrt(2) * np.diag(G))\n        S = expm(t * J) @ rng.normal(size=N)\n        S *= np.sqrt(N) / np.linalg.norm(S)\n        e.append(-0.5 * S @ J @ S / N)\n    return np.mean(e), np.std(e, ddof=1) / np.sqrt(n_rep)\n",
    ),
    # ------------------------------------------------------------------ hw08
    ("hw08_diffusion", "p1-check"): dict(
        func="mixture_score",
        library="def mixture_score(x, t, means, weights, c):\n    return diffusion.gaussian_mixture_score(x, t, means, cov=c, weights=weights)\n",
        mistake="def mixture_score(x, t, means, weights, c):\n    x, means, weights = np.atleast_2d(x), np.asarray(means, float), np.asarray(weights, float)\n    mt = np.exp(-t) * means\n    ct = c * np.exp(-2 * t) + 1 - np.exp(-2 * t)\n    logits = -((x[:, None, :] - mt[None, :, :]) ** 2).sum(axis=2) / (2 * ct) + np.log(weights)\n    post = np.exp(logits)  # no log-sum-exp: 0/0 far from the means\n    post /= post.sum(axis=1, keepdims=True)\n    return (post @ mt - x) / ct\n",
        independent="def mixture_score(x, t, means, weights, c):\n    from scipy.special import softmax\n    x = np.atleast_2d(np.asarray(x, float))\n    mt = np.exp(-t) * np.asarray(means, float)\n    ct = 1 + (c - 1) * np.exp(-2 * t)\n    d2 = np.sum(x**2, 1)[:, None] - 2 * x @ mt.T + np.sum(mt**2, 1)[None, :]\n    post = softmax(np.log(weights)[None, :] - d2 / (2 * ct), axis=1)\n    return (post @ mt - x) / ct\n",
    ),
    ("hw08_diffusion", "p2-check"): dict(
        func="speciation_time_from_data",
        library="def speciation_time_from_data(X):\n    return diffusion.speciation_time(np.cov(X, rowvar=False))\n",
        mistake="def speciation_time_from_data(X):\n    return 0.5 * np.log(np.linalg.eigvalsh(np.asarray(X, float).T @ np.asarray(X, float) / len(X))[-1] + 1)  # adds the noise variance twice\n",
        independent="def speciation_time_from_data(X):\n    Xc = np.asarray(X, float) - np.mean(X, axis=0)\n    s = np.linalg.svd(Xc, compute_uv=False)[0]\n    return float(np.log(s**2 / (len(Xc) - 1)) / 2)\n",
    ),
    ("hw08_diffusion", "p4-check"): dict(
        func="mixture_denoiser",
        library="def mixture_denoiser(x, t, means, weights, c):\n    return diffusion.gaussian_mixture_denoiser(x, t, means, cov=c, weights=weights)\n",
        mistake="def mixture_denoiser(x, t, means, weights, c):\n    x = np.atleast_2d(np.asarray(x, dtype=float))\n    return x + (1.0 - np.exp(-2 * t)) * mixture_score(x, t, means, weights, c)  # E[e^{-t} x0 | x_t]: forgets e^t\n",
        extra={
            "c-wrong-variance": "def mixture_denoiser(x, t, means, weights, c):\n    x = np.atleast_2d(np.asarray(x, dtype=float))\n    return np.exp(t) * (x + (1.0 - np.exp(-t)) * mixture_score(x, t, means, weights, c))  # sigma_t^2 = 1 - e^{-t}\n",
            "c-undo-contraction": "def mixture_denoiser(x, t, means, weights, c):\n    return np.exp(t) * np.atleast_2d(np.asarray(x, dtype=float))  # ignores the noise\n",
        },
        independent="def mixture_denoiser(x, t, means, weights, c):\n    from scipy.special import softmax\n    x = np.atleast_2d(np.asarray(x, float))\n    mu = np.asarray(means, float)\n    e = np.exp(-t)\n    ct = c * e * e + 1 - e * e\n    d2 = ((x[:, None, :] - e * mu[None]) ** 2).sum(-1)\n    post = softmax(np.log(weights)[None, :] - d2 / (2 * ct), axis=1)\n    # given the component: x0 | x_t Gaussian with mean mu + e c / ct (x - e mu)\n    return post @ mu + (e * c / ct) * (x - post @ (e * mu))\n",
    ),
    ("hw08_diffusion", "p3-check"): dict(
        func="cloning_probability_mc",
        theory="def cloning_probability_mc(M, t, n_pairs, rng):\n    return 0.7709, {se}  # the exact value at t_S, copied\n",
        library="def cloning_probability_mc(M, t, n_pairs, rng):\n    p = diffusion.speciation_cloning_probability(t, M)\n    return p, np.sqrt(p * (1 - p) / n_pairs)\n",
        mistake="def cloning_probability_mc(M, t, n_pairs, rng):\n    means = np.array([[M], [-M]])\n    y_t, _ = diffusion.gaussian_mixture_sample(n_pairs, means, t=t, rng=rng)\n    grid = np.linspace(t, 0.0, int(np.ceil(t / 0.01)) + 1)\n    run = lambda: diffusion.backward_diffusion(lambda x, s: diffusion.gaussian_mixture_score(x, s, means), y_t, grid, scheme='exponential', rng=rng).x[:, 0]  # noqa: E731\n    a, b = run(), run()\n    same = np.mean(np.sign(a) == np.sign(b))\n    return same, np.sqrt(same * (1 - same))  # standard deviation of one pair, not the standard error\n",
        independent="def cloning_probability_mc(M, t, n_pairs, rng):\n    means = np.array([[M], [-M]])\n    y_t, _ = diffusion.gaussian_mixture_sample(n_pairs, means, t=t, rng=rng)\n    grid = np.linspace(t, 0.0, int(np.ceil(t / 0.005)) + 1)\n    both = np.concatenate([y_t, y_t])\n    end = diffusion.backward_diffusion(lambda x, s: diffusion.gaussian_mixture_score(x, s, means), both, grid, scheme='exponential', rng=rng).x[:, 0]\n    same = np.mean(np.sign(end[:n_pairs]) == np.sign(end[n_pairs:]))\n    return same, np.sqrt(same * (1 - same) / n_pairs)\n",
    ),
    # ------------------------------------------------------------------ hw07, aging (appended)
    ("hw07_learning_dynamics", "p5-check"): dict(
        func="aging_parameters",
        library="def aging_parameters(p, T):\n    return tuple(sg.pspin_aging_parameters(p, T))\n",
        mistake="def aging_parameters(p, T):\n    from scipy.optimize import brentq\n    g = lambda q: p * (p - 1) / 2 * q ** (p - 2) * (1 - q) ** 2 - T * T  # noqa: E731 -- xi = q^p / 2 (CK normalisation)\n    qd = (p - 2) / (p - 1)\n    q = qd if g(qd) <= 0 else brentq(g, qd, 1.0, xtol=1e-15)\n    return q, (p - 2) * (1 - q) / q\n",
        extra={
            "c-fdt-ratio-one": "def aging_parameters(p, T):\n    from scipy.optimize import brentq\n    q = brentq(lambda q: p * (p - 1) * q ** (p - 2) * (1 - q) ** 2 - T * T, (p - 2) / (p - 1), 1.0, xtol=1e-15)\n    return q, 1.0  # equilibrium FDT, X = 1\n",
            "c-wrong-p": "def aging_parameters(p, T):\n    from scipy.optimize import brentq\n    q = brentq(lambda q: 6 * q * (1 - q) ** 2 - T * T, 0.5, 1.0, xtol=1e-15)  # p = 3 hard-coded\n    return q, (1 - q) / q\n",
            "c-other-root": "def aging_parameters(p, T):\n    from scipy.optimize import brentq\n    q = brentq(lambda q: p * (p - 1) * q ** (p - 2) * (1 - q) ** 2 - T * T, 1e-12, (p - 2) / p, xtol=1e-15)  # the small root\n    return q, (p - 2) * (1 - q) / q\n",
        },
        independent="def aging_parameters(p, T):\n    # largest real root of the polynomial p(p-1) q^(p-2) (1-q)^2 - T^2, then x from the 1RSB equation with m = x\n    poly = np.polymul(np.poly1d([1.0] + [0.0] * (p - 2)), np.poly1d([1.0, -2.0, 1.0])) * (p * (p - 1))\n    roots = (poly - T * T).roots\n    real = roots[np.abs(roots.imag) < 1e-9].real\n    q = float(real[(real >= (p - 2) / (p - 1) - 1e-12) & (real < 1)].max())\n    xi1 = p * q ** (p - 1)\n    return q, (T * T * q / (xi1 * (1 - q)) - (1 - q)) / q\n",
    ),
    ("hw07_learning_dynamics", "p6-check"): dict(
        func="measured_fdt_ratio",
        library=None, why="course_lib has no function returning the measured ratio; the asymptotic x is cheat c-theory-x",
        mistake="def measured_fdt_ratio(T, t_final):\n    sol = sg.dmft_pspin_aging(3, T, 0.05, t_final)\n    i = sol.n_steps\n    c, r = sol.C[i, : i + 1], sol.R[i, : i + 1]\n    cum = np.concatenate([[0.0], np.cumsum(0.025 * (r[1:] + r[:-1]))])\n    m = (c > 0.2) & (c < 0.6)\n    return float(-np.polyfit(c[m], (cum[-1] - cum)[m], 1)[0])  # slope of chi, not of T chi\n",
        extra={
            "c-theory-x": "def measured_fdt_ratio(T, t_final):\n    return sg.pspin_aging_parameters(3, T).x  # the t -> infinity value\n",
            "c-equilibrium": "def measured_fdt_ratio(T, t_final):\n    return 1.0  # FDT\n",
            "c-drifting-guess": "def measured_fdt_ratio(T, t_final):\n    return sg.pspin_aging_parameters(3, T).x - 0.06 + 0.0005 * t_final  # mimics the slow approach\n",
            "c-wrong-window": "def measured_fdt_ratio(T, t_final):\n    sol = sg.dmft_pspin_aging(3, T, 0.05, t_final)\n    i = sol.n_steps\n    c, r = sol.C[i, : i + 1], sol.R[i, : i + 1]\n    cum = np.concatenate([[0.0], np.cumsum(0.025 * (r[1:] + r[:-1]))])\n    m = c > 0.2  # includes the FDT regime above the plateau\n    return float(-np.polyfit(c[m], T * (cum[-1] - cum)[m], 1)[0])\n",
        },
        independent="def measured_fdt_ratio(T, t_final):\n    from scipy.integrate import cumulative_trapezoid\n    sol = sg.dmft_pspin_aging(3, T, 0.05, t_final)\n    row = sol.n_steps\n    c = sol.C[row, : row + 1]\n    chi = cumulative_trapezoid(sol.R[row, row::-1], dx=0.05, initial=0.0)[::-1]\n    keep = np.flatnonzero((c > 0.2) & (c < 0.6))\n    A = np.vstack([c[keep], np.ones(keep.size)]).T\n    return float(-np.linalg.lstsq(A, T * chi[keep], rcond=None)[0][0])\n",
    ),
}


def _graded_problems():
    out = []
    for path in sorted((ROOT / "homework").glob("*.ipynb")):
        out += [(path.stem, gid) for gid in _notebook_parts(path.stem)[2]]
    return out


def _cheats(key):
    entry = CATALOGUE[key]
    cheats = {}
    if "theory" in entry:
        for label, se in SE_VALUES.items():
            cheats[f"a-theory-se-{label}"] = entry["theory"].format(se=se)
    if entry.get("library"):
        cheats["b-library"] = entry["library"]
    cheats["c-mistake"] = entry["mistake"]
    cheats.update(entry.get("extra", {}))  # problem-specific cheats
    if entry.get("copied", True) is not None:
        cheats["d-copied"] = None  # built from the instructor's first answer
    return cheats


def _copied_constant_override(nbname, gid, func):
    """Record the instructor's first answer of ``func`` and return code that returns it for every call."""
    recorded = {}

    def recorder_factory(original):
        def recorder(*args, **kwargs):
            recorded["value"] = original(*args, **kwargs)
            raise _FirstAnswer

        return recorder

    setup, solutions, checks = _notebook_parts(nbname)
    ns = {"__name__": "__homework__"}
    for src in setup + solutions:
        exec(compile(src, f"<{nbname}>", "exec"), ns)
    ns[func] = recorder_factory(ns[func])
    with pytest.raises(_FirstAnswer):
        exec(compile(checks[gid], f"<{nbname} {gid}>", "exec"), ns)
    return f"def {func}(*args, **kwargs):\n    return _COPIED\n", {"_COPIED": recorded["value"]}


CASES = [(nb, gid, name) for (nb, gid) in _graded_problems() for name in _cheats((nb, gid))]


def test_catalogue_covers_every_graded_problem():
    assert set(CATALOGUE) == set(_graded_problems())


@pytest.mark.parametrize("nbname,gid,cheat", CASES, ids=[f"{n}-{g}-{c}" for n, g, c in CASES])
def test_cheat_is_rejected(nbname, gid, cheat):
    entry = CATALOGUE[nbname, gid]
    code, extra = _cheats((nbname, gid))[cheat], None
    if code is None:
        code, extra = _copied_constant_override(nbname, gid, entry["func"])
    with pytest.raises(grading.CheckFailed):
        run_problem(nbname, gid, code, extra)


# The instructor's run of hw05 P4 (five Hopfield capacity extrapolations, ~30 s) is the one nbval already executes in
# `make test-notebooks`; it is not repeated here.
PASSES = [(nb, gid, v) for (nb, gid) in _graded_problems() for v in ("instructor", "independent")
          if (nb, gid, v) != ("hw05_spin_glasses", "p4-check", "instructor")]


@pytest.mark.parametrize("nbname,gid,variant", PASSES, ids=[f"{n}-{g}-{v}" for n, g, v in PASSES])
def test_correct_solutions_pass(nbname, gid, variant):
    run_problem(nbname, gid, "" if variant == "instructor" else CATALOGUE[nbname, gid]["independent"])


def test_catalogue_summary(capsys):
    """Counts per problem (the rejections themselves are asserted by test_cheat_is_rejected)."""
    lines = []
    for key in _graded_problems():
        names = list(_cheats(key))
        lines.append(f"{key[0]} {key[1]}: {len(names)} cheats ({', '.join(names)})")
    with capsys.disabled():
        print("\n" + "\n".join(lines) + f"\n{len(lines)} graded problems, {len(CASES)} cheats")
    assert len(lines) == len(CATALOGUE)
