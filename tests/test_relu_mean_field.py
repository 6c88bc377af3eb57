"""Tests of course_lib.kernels.relu_mean_field_risk / relu_mean_field_flow (ntk_theory lecture, ReLU mean-field case)."""

import numpy as np
import pytest

from course_lib import kernels as K
from course_lib._validation import DivergenceWarning


def _model(seed=1, k=4, d=3):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(k), rng.standard_normal((k, d)), rng.dirichlet(np.ones(k)),
            np.array([1.0, -0.5]), rng.standard_normal((2, d)))


def test_risk_matches_the_arccos_kernel_of_degree_one():
    # E[relu(<w,x>) relu(<w',x>)] = k_1(w, w') / 2 with k_1 of Cho and Saul (2009), K.arccos_kernel(order=1).
    # Student of two unit-mass atoms with a = 1, teacher zero: R = (k11 + 2 k12 + k22) / 4.
    rng = np.random.default_rng(2)
    W = rng.standard_normal((2, 4))
    k1 = K.arccos_kernel(W, W, 1)
    r = K.relu_mean_field_risk([1.0, 1.0], W, [1.0, 1.0], [0.0], W[:1])
    assert r.risk == pytest.approx((k1[0, 0] + 2 * k1[0, 1] + k1[1, 1]) / 4, rel=1e-12)


def test_risk_against_monte_carlo():
    a, W, p, b, V = _model()
    r = K.relu_mean_field_risk(a, W, p, b, V)
    X = np.random.default_rng(3).standard_normal((400_000, W.shape[1]))
    loss = 0.5 * (np.maximum(X @ W.T, 0) @ (p * a) - np.maximum(X @ V.T, 0) @ b) ** 2
    assert abs(r.risk - loss.mean()) < 4 * loss.std() / np.sqrt(X.shape[0])


def test_gradient_against_finite_differences():
    a, W, p, b, V = _model()
    r = K.relu_mean_field_risk(a, W, p, b, V)
    eps = 1e-6
    for k in range(a.size):
        e = np.zeros_like(a)
        e[k] = eps
        fd = (K.relu_mean_field_risk(a + e, W, p, b, V).risk - K.relu_mean_field_risk(a - e, W, p, b, V).risk) / (2 * eps)
        assert fd == pytest.approx(r.grad_a[k], abs=1e-8)
        for i in range(W.shape[1]):
            E = np.zeros_like(W)
            E[k, i] = eps
            fd = (K.relu_mean_field_risk(a, W + E, p, b, V).risk - K.relu_mean_field_risk(a, W - E, p, b, V).risk) / (2 * eps)
            assert fd == pytest.approx(r.grad_W[k, i], abs=1e-8)


def test_student_equal_to_teacher_is_stationary():
    r = K.relu_mean_field_risk([2.0], [[0.0, 1.0, 0.0]], [0.5], [1.0], [[0.0, 1.0, 0.0]])
    assert r.risk == pytest.approx(0.0, abs=1e-15)
    assert np.allclose(r.grad_a, 0, atol=1e-15) and np.allclose(r.grad_W, 0, atol=1e-15)


def test_duplicated_atoms_equal_a_merged_atom():
    a, W, p, b, V = _model()
    split = K.relu_mean_field_flow(a[[0, 0, 1, 2, 3]], W[[0, 0, 1, 2, 3]], np.r_[0.3 * p[0], 0.7 * p[0], p[1:]], b, V, t=2.0)
    merged = K.relu_mean_field_flow(a, W, p, b, V, t=2.0)
    assert np.allclose(split.risks, merged.risks, rtol=0, atol=1e-13)
    assert np.allclose(split.W[0], split.W[1]) and np.allclose(split.W[1:], merged.W)


def test_iid_particles_are_the_reduced_flow_with_empirical_masses():
    # Proposition ntkth-prop-mfr-discrete (ii): m particles drawn from the atoms = K atoms with masses N_k / m.
    a, W, p, b, V = _model()
    idx = np.random.default_rng(4).choice(a.size, size=40, p=p)
    part = K.relu_mean_field_flow(a[idx], W[idx], np.full(40, 1 / 40), b, V, t=1.5)
    red = K.relu_mean_field_flow(a, W, np.bincount(idx, minlength=a.size) / 40, b, V, t=1.5)
    assert np.allclose(part.risks, red.risks, rtol=0, atol=1e-13)
    assert np.allclose(part.W, red.W[idx], atol=1e-13)


def test_flow_decreases_the_risk_and_rk4_converges():
    a, W, p, b, V = _model()
    coarse = K.relu_mean_field_flow(a, W, p, b, V, t=3.0, dt=0.05)
    fine = K.relu_mean_field_flow(a, W, p, b, V, t=3.0, dt=0.025)
    assert np.all(np.diff(fine.risks) <= 1e-14)
    # RK4: global error O(dt^4); the two runs agree to far better than the risk decrease
    assert abs(coarse.risks[-1] - fine.risks[-1]) < 1e-7
    assert fine.times[-1] == pytest.approx(3.0) and fine.risks.shape == (121,)


def test_batched_masses_equal_single_runs():
    a, W, p, b, V = _model()
    P = np.vstack([p, np.full(a.size, 1 / a.size)])
    both = K.relu_mean_field_flow(a, W, P, b, V, t=1.0, dt=0.1)
    for r in range(2):
        one = K.relu_mean_field_flow(a, W, P[r], b, V, t=1.0, dt=0.1)
        assert np.array_equal(both.risks[r], one.risks) and np.array_equal(both.W[r], one.W)


def _delta_method_setup():
    rng = np.random.default_rng(20261207)
    a, W = rng.standard_normal(4), rng.standard_normal((4, 3))
    b, V, p, t = np.array([1.0]), np.eye(3)[:1], np.full(4, 0.25), 2.0

    def F(P):
        return K.relu_mean_field_flow(a, W, P, b, V, t=t, dt=0.05).risks[..., -1]

    h = 1e-4
    g = (F(p + h * np.eye(4)) - F(p - h * np.eye(4))) / (2 * h)
    c_sd = np.sqrt(g @ (np.diag(p) - np.outer(p, p)) @ g)
    return F, p, c_sd, rng, (a, W, b, V)


def test_delta_method_predicts_the_seed_to_seed_sd_and_rejects_a_one_over_m_law():
    # sd of R_m(t) - F_t(p) = sqrt(grad F' Sigma grad F / m) (delta method, multinomial masses). 400 seeds: relative
    # s.e. of an sd is 1/sqrt(2*399) = 0.035; tolerance 0.15 (about four of them), as in the lecture.
    F, p, c_sd, rng, (a, W, b, V) = _delta_method_setup()
    seeds, tol = 400, 0.15
    sds = {}
    for m in (100, 1600):
        sds[m] = np.std(F(rng.multinomial(m, p, size=seeds) / m) - F(p), ddof=1)
        assert abs(sds[m] / (c_sd / np.sqrt(m)) - 1) < tol
    # negative control: a 1/m law anchored at m = 100 is rejected by the same tolerance at m = 1600
    assert abs(sds[1600] / (sds[100] * 100 / 1600) - 1) > tol
    # negative control: the constant of the initial risk R_m(0) (static CLT, no dynamics) is rejected too
    p_h = p + 1e-4 * np.vstack([np.eye(4), -np.eye(4)])
    r0 = [K.relu_mean_field_risk(a, W, q, b, V).risk for q in p_h]
    g0 = (np.array(r0[:4]) - np.array(r0[4:])) / 2e-4
    c_static = np.sqrt(g0 @ (np.diag(p) - np.outer(p, p)) @ g0)
    assert abs(sds[1600] / (c_static / np.sqrt(1600)) - 1) > tol


def test_zero_unit_has_zero_gradient_and_bad_dt_warns():
    r = K.relu_mean_field_risk([1.0, 1.0], [[0.0, 0.0], [1.0, 0.0]], [0.5, 0.5], [1.0], [[1.0, 0.0]])
    assert np.all(r.grad_W[0] == 0) and np.isfinite(r.risk)
    with pytest.warns(DivergenceWarning, match="dt"):
        K.relu_mean_field_flow([50.0], [[50.0, 0.0]], [1.0], [1.0], [[1.0, 0.0]], t=1.0, dt=1.0)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(a=[1.0, 2.0, 3.0]), ValueError, "`a` must have one entry per row"),
        (dict(W=[1.0, 2.0]), ValueError, "`W` must have ndim"),
        (dict(weights=[-0.1, 1.1]), ValueError, "`weights` must be non-negative"),
        (dict(weights=[1.0, 0.0, 0.0]), ValueError, "`weights` must have 2 entries"),
        (dict(teacher_W=[[1.0, 0.0, 0.0]]), ValueError, "`teacher_W` must have d = 2"),
        (dict(teacher_a=[1.0, 1.0]), ValueError, "`teacher_a` must have one entry"),
        (dict(W=[[np.nan, 0.0], [1.0, 0.0]]), ValueError, "finite"),
        (dict(a="x"), TypeError, "`a` must be a real numeric array"),
    ],
)
def test_bad_input(kwargs, exc, match):
    args = dict(a=[1.0, -1.0], W=[[1.0, 0.0], [0.0, 1.0]], weights=[0.5, 0.5], teacher_a=[1.0], teacher_W=[[1.0, 1.0]])
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        K.relu_mean_field_risk(**args)
    with pytest.raises(exc, match=match):
        K.relu_mean_field_flow(**args, t=1.0)


@pytest.mark.parametrize(
    "t, dt, match", [(-1.0, 0.1, "`t`"), (1.0, 0.0, "`dt`"), (1.0, 2.0, "`dt`"), (1e4, 1e-3, "1e6 steps"), ("1", 0.1, "`t`")]
)
def test_bad_times(t, dt, match):
    with pytest.raises((ValueError, TypeError), match=match):
        K.relu_mean_field_flow([1.0], [[1.0]], [1.0], [1.0], [[1.0]], t=t, dt=dt)


def test_zero_time_returns_the_initial_law():
    fl = K.relu_mean_field_flow([1.0], [[1.0, 2.0]], [1.0], [1.0], [[1.0, 0.0]], t=0.0)
    assert fl.risks.shape == (1,) and np.array_equal(fl.W, [[1.0, 2.0]])


def test_risk_is_nonnegative_and_rotation_invariant():
    a, W, p, b, V = _model(seed=5, d=4)
    Q = np.linalg.qr(np.random.default_rng(6).standard_normal((4, 4)))[0]
    r, rq = K.relu_mean_field_risk(a, W, p, b, V), K.relu_mean_field_risk(a, W @ Q, p, b, V @ Q)
    assert r.risk >= 0 and rq.risk == pytest.approx(r.risk, rel=1e-12)
    assert np.allclose(rq.grad_W, r.grad_W @ Q, atol=1e-12)
