"""Unit tests of the Gaussian-equivalence ODEs of the hidden manifold model (course_lib.teacher_student.dynamics):
constants against quadrature, reduction to the Saad-Solla ODEs, exactness of the lumped spectrum, symmetry, a
simulation check with its negative control (the i.i.d. Saad-Solla ODE must be rejected by the same tolerance), and
bad input."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import erf
from scipy.stats import t as student_t

from course_lib.teacher_student import dynamics as dyn


def _quad_constants(fun):
    # Gauss-Hermite with many nodes; independent of the closed forms / adaptive quadrature of the library
    x, w = np.polynomial.hermite_e.hermegauss(200)
    w = w / w.sum()
    return np.sum(w * fun(x)), np.sum(w * x * fun(x)), np.sum(w * fun(x) ** 2)


@pytest.mark.parametrize(
    "name, fun",
    [("tanh", np.tanh), ("erf", lambda z: erf(z / np.sqrt(2.0))), ("linear", lambda z: z)],
)
def test_constants_against_gauss_hermite(name, fun):
    assert_allclose(dyn.hmm_gaussian_constants(name), _quad_constants(fun), atol=1e-10)


def test_constants_sign_and_relu_closed_forms():
    # sign: E|z| = sqrt(2/pi); relu: E max(z,0) = 1/sqrt(2 pi), E z max(z,0) = E max(z,0)^2 = 1/2
    assert_allclose(dyn.hmm_gaussian_constants("sign"), (0.0, np.sqrt(2 / np.pi), 1.0), rtol=1e-14)
    assert_allclose(dyn.hmm_gaussian_constants("relu"), (1 / np.sqrt(2 * np.pi), 0.5, 0.5), rtol=1e-14)
    # Monte Carlo of the sign constant b within 5 standard errors
    z = np.random.default_rng(3).standard_normal(400_000)
    assert abs(np.mean(np.abs(z)) - dyn.hmm_gaussian_constants("sign")[1]) < 5 * np.std(np.abs(z)) / 632


def _small_model(seed, N=40, D=8, K=2, M=2):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((K, N)), rng.standard_normal((D, N)), rng.standard_normal((M, D))


def test_initial_state_matches_omega():
    W, F, Wl = _small_model(0)
    D, N = F.shape
    _, b, c = dyn.hmm_gaussian_constants("tanh")
    s = dyn.hmm_ode_initial_state(W, F, Wl, "tanh")
    Omega = b**2 * F.T @ F / D + (c - b**2) * np.eye(N)
    assert_allclose(s.Q, W @ Omega @ W.T / N, rtol=1e-12)
    # R = Cov(lambda, nu) = b W F^T W_latent^T / (D sqrt N) (Stein's lemma on E[f(u_i) nu])
    assert_allclose(s.R, b * W @ F.T @ Wl.T / (D * np.sqrt(N)), rtol=1e-12)
    assert_allclose(s.T, Wl @ Wl.T / D)
    assert_allclose(s.weights.sum(), 1.0)


def test_lumped_spectrum_equals_full_eigenbasis():
    # The N - D degenerate directions are lumped into one entry; integrating all N eigen-directions separately
    # (eigh of Omega) must give the same trajectory.
    W, F, Wl = _small_model(1)
    D, N = F.shape
    _, b, c = dyn.hmm_gaussian_constants("sign")
    s = dyn.hmm_ode_initial_state(W, F, Wl, "sign")
    rho, V = np.linalg.eigh(b**2 * F.T @ F / D + (c - b**2) * np.eye(N))
    comp = W @ V
    tcomp = np.sqrt(N) * b * (Wl @ F @ V) / D
    q = np.einsum("kp,lp->pkl", comp, comp)
    r = np.einsum("kp,mp->pkm", comp, tcomp)
    theta = np.einsum("mp,np->pmn", tcomp, tcomp)
    full = dyn.hmm_online_ode(rho, q, r, theta, s.T, 0.4, 3.0, n_points=4, rtol=1e-10, atol=1e-12)
    lump = dyn.hmm_online_ode(s.rho, s.q, s.r, s.theta, s.T, 0.4, 3.0, weights=s.weights, n_points=4, rtol=1e-10,
                              atol=1e-12)
    assert_allclose(lump.Q, full.Q, rtol=1e-7, atol=1e-9)
    assert_allclose(lump.R, full.R, rtol=1e-7, atol=1e-9)


def test_drift_against_monte_carlo_of_the_gaussian_equivalent_model():
    # In the Gaussian-equivalent model x = b F^T c / sqrt(d) + sqrt(c_f - b^2) xi the projection formula
    # E[delta_k x_tau] = Cov(x_tau, u) Sigma^{-1} E[delta_k u] is exact; estimate the mean increments of r^tau and the
    # eta-linear part of q^tau by Monte Carlo (seeded) and accept within 5 standard errors entrywise.
    from course_lib.teacher_student.dynamics._hmm_ode import _drift

    rng = np.random.default_rng(11)
    N, D, K, M = 40, 8, 2, 2
    W, F, Wl = rng.standard_normal((K, N)), rng.standard_normal((D, N)), rng.standard_normal((M, D))
    _, b, c = dyn.hmm_gaussian_constants("sign")
    rho, V = np.linalg.eigh(b**2 * F.T @ F / D + (c - b**2) * np.eye(N))
    comp = W @ V
    tcomp = np.sqrt(N) * b * (Wl @ F @ V) / D
    q = np.einsum("kp,lp->pkl", comp, comp)
    r = np.einsum("kp,mp->pkm", comp, tcomp)
    theta = np.einsum("mp,np->pmn", tcomp, tcomp)
    T = Wl @ Wl.T / D
    lr = 1e-9  # the eta^2 term is O(lr^2): only the linear part survives in dq / lr
    dq, dr, Q, R = _drift(q, r, theta, rho, np.full(N, 1.0 / N), T, lr)
    n = 200_000
    C = rng.standard_normal((n, D))
    X = b * C @ F / np.sqrt(D) + np.sqrt(c - b**2) * rng.standard_normal((n, N))
    lam, nu = X @ W.T / np.sqrt(N), C @ Wl.T / np.sqrt(D)
    delta = np.sqrt(2 / np.pi) * np.exp(-lam**2 / 2) * (erf(nu / np.sqrt(2)).sum(1) - erf(lam / np.sqrt(2)).sum(1))[:, None]
    xt = X @ V  # (n, N): components on the eigenvectors
    m1 = xt.T @ delta / n  # E[x_tau delta_k], (P, K)
    m2 = (xt**2).T @ (delta[:, :, None] * delta[:, None, :]).reshape(n, K * K) / n  # E[x_tau^2 delta_k delta_l]
    m2 = m2.reshape(N, K, K)
    w = comp.T  # (P, K)
    mc_r = np.sqrt(N) * m1[:, :, None] * tcomp.T[:, None, :]
    var_r = N * tcomp.T[:, None, :] ** 2 * np.einsum("pkk->pk", m2)[:, :, None] - mc_r**2
    mc_q = np.sqrt(N) * (w[:, :, None] * m1[:, None, :] + w[:, None, :] * m1[:, :, None])
    var_q = N * (w[:, :, None] ** 2 * np.einsum("pll->pl", m2)[:, None, :]
                 + w[:, None, :] ** 2 * np.einsum("pkk->pk", m2)[:, :, None]
                 + 2 * w[:, :, None] * w[:, None, :] * m2) - mc_q**2
    for exact, mean, var in ((dr / lr, mc_r, var_r), (dq / lr, mc_q, var_q)):
        assert np.max(np.abs(mean - exact) / np.sqrt(var / n)) < 5
    # negative control: the projection with Cov(x_tau, lambda) = rho_tau w_tau replaced by c_f w_tau (inputs treated
    # as isotropic of the same variance) is rejected by the same test
    dq_b, dr_b, _, _ = _drift(q * (rho / c)[:, None, None], r, theta, np.full(N, c), np.full(N, 1.0 / N), T, lr)
    assert np.max(np.abs(mc_r - dr_b / lr) / np.sqrt(var_r / n)) > 5


def test_second_order_drift_against_monte_carlo():
    # The eta^2 term of dq^tau/dt is E[delta_k delta_l x_tau^2] = rho_tau E[delta_k delta_l] + O(1/N) (the correction
    # comes from Cov(x_tau, u)). Test it by Monte Carlo in the Gaussian-equivalent model on the N - D directions of
    # eigenvalue c_f - b^2, with student weights almost in the row space of F so that Cov(x_tau, u) is tiny there.
    # Negative control: the isotropic coefficient c_f E[delta delta^T] (||x||^2/N = c_f as in the i.i.d. ODE) is
    # rejected by the same 5-standard-error test (the other tests cannot see the difference: for rho = 1, c_f = 1).
    from course_lib.teacher_student.dynamics._hmm_ode import _drift

    rng = np.random.default_rng(12)
    N, D, K, M = 40, 8, 2, 2
    F, Wl = rng.standard_normal((D, N)), rng.standard_normal((M, D))
    W = rng.standard_normal((K, D)) @ F / np.sqrt(D) + 0.05 * rng.standard_normal((K, N))
    _, b, c = dyn.hmm_gaussian_constants("sign")
    rho, V = np.linalg.eigh(b**2 * F.T @ F / D + (c - b**2) * np.eye(N))
    comp = W @ V
    tcomp = np.sqrt(N) * b * (Wl @ F @ V) / D
    q = np.einsum("kp,lp->pkl", comp, comp)
    r = np.einsum("kp,mp->pkm", comp, tcomp)
    theta = np.einsum("mp,np->pmn", tcomp, tcomp)
    T = Wl @ Wl.T / D
    wts = np.full(N, 1.0 / N)
    quad = _drift(q, r, theta, rho, wts, T, 1.0)[0] - _drift(q, r, theta, rho, wts, T, 1e-9)[0] / 1e-9
    sel = np.abs(rho - (c - b**2)) < 1e-9  # the N - D degenerate directions
    assert sel.sum() == N - D
    n = 200_000
    C = rng.standard_normal((n, D))
    X = b * C @ F / np.sqrt(D) + np.sqrt(c - b**2) * rng.standard_normal((n, N))
    lam, nu = X @ W.T / np.sqrt(N), C @ Wl.T / np.sqrt(D)
    err = erf(nu / np.sqrt(2)).sum(1) - erf(lam / np.sqrt(2)).sum(1)
    delta = np.sqrt(2 / np.pi) * np.exp(-lam**2 / 2) * err[:, None]
    x2 = (X @ V[:, sel]) ** 2  # (n, N - D)
    dd = (delta[:, :, None] * delta[:, None, :]).reshape(n, K * K)
    m2 = x2.T @ dd / n
    se = np.sqrt(((x2**2).T @ dd**2 / n - m2**2) / n)
    exact = quad[sel].reshape(-1, K * K)
    assert np.max(np.abs(m2 - exact) / se) < 5
    wrong = exact * (c / rho[sel])[:, None]
    assert np.max(np.abs(m2 - wrong) / se) > 5


def test_linear_f_state_is_accepted_by_the_ode():
    # For f = "linear" (c_f = b^2 = 1) the N - D complement directions have eigenvalue 0; the state must still be
    # integrable (it was refused for a zero eigenvalue) and give Q = W Omega W^T / N with Omega = F^T F / D.
    W, F, Wl = _small_model(4)
    D, N = F.shape
    s = dyn.hmm_ode_initial_state(W, F, Wl, "linear")
    assert s.rho.size == D and np.all(s.rho > 0)
    assert_allclose(s.Q, W @ F.T @ F @ W.T / (D * N), rtol=1e-12)
    sol = dyn.hmm_online_ode(s.rho, s.q, s.r, s.theta, s.T, 0.3, 1.0, weights=s.weights, n_points=3)
    assert_allclose(sol.Q[0], s.Q, rtol=1e-12)
    assert np.all(np.isfinite(sol.eps_g))


def test_reduces_to_saad_solla_for_identity_omega():
    # rho = 1 (Omega = I) and a teacher acting on the inputs (T = sum_tau p_tau theta^tau): the Saad-Solla ODEs.
    rng = np.random.default_rng(5)
    P, K, M, lr = 30, 2, 3, 0.6
    a = rng.standard_normal((P, K)) * 0.8
    t = rng.standard_normal((P, M))
    q = np.einsum("pk,pl->pkl", a, a)
    r = np.einsum("pk,pm->pkm", a, t)
    theta = np.einsum("pm,pn->pmn", t, t)
    T = theta.mean(0)
    sol = dyn.hmm_online_ode(np.ones(P), q, r, theta, T, lr, 5.0, n_points=6, rtol=1e-10, atol=1e-12)
    ref = dyn.saad_solla_ode(K, M, lr, T, q.mean(0), r.mean(0), 5.0, n_points=6, rtol=1e-10, atol=1e-12)
    assert_allclose(sol.Q, ref.Q, rtol=1e-6, atol=1e-8)
    assert_allclose(sol.R, ref.R, rtol=1e-6, atol=1e-8)
    assert_allclose(sol.eps_g, ref.eps_g, rtol=1e-6, atol=1e-9)


def test_permutation_symmetry_and_symmetric_q():
    W, F, Wl = _small_model(2)
    s = dyn.hmm_ode_initial_state(W, F, Wl, "erf")
    s2 = dyn.hmm_ode_initial_state(W[::-1], F, Wl, "erf")
    a = dyn.hmm_online_ode(s.rho, s.q, s.r, s.theta, s.T, 0.5, 2.0, weights=s.weights, n_points=3)
    b = dyn.hmm_online_ode(s2.rho, s2.q, s2.r, s2.theta, s2.T, 0.5, 2.0, weights=s2.weights, n_points=3)
    assert_allclose(b.Q, a.Q[:, ::-1, ::-1], rtol=1e-6, atol=1e-9)
    assert_allclose(b.R, a.R[:, ::-1, :], rtol=1e-6, atol=1e-9)
    assert_allclose(a.eps_g, b.eps_g, rtol=1e-6)
    assert_allclose(a.q, np.swapaxes(a.q, 1, 2), atol=1e-12)


# ------------------------------------------------------------------ simulation check and negative control


def _simulate(seeds, N=300, D=30, K=2, M=2, lr=0.5, t_max=12.0, n_test=2000, n_records=12):
    """Per seed: test error of online SGD on sign-HMM data, the HMM ODE and the i.i.d. Saad-Solla ODE."""
    out = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        F = rng.standard_normal((D, N))
        F *= np.sqrt(D) / np.linalg.norm(F, axis=0)
        Wl = rng.standard_normal((M, D))
        W0 = rng.standard_normal((K, N))

        def sample(n, r):
            C = r.standard_normal((n, D))
            return np.sign(C @ F / np.sqrt(D)), erf(C @ Wl.T / np.sqrt(2 * D)).sum(1)

        Xt, yt = sample(n_test, rng)
        _, err, _ = dyn.train_committee_on_data(sample, K, lr, int(t_max * N), rng=rng, W0=W0, eval_X=Xt, eval_y=yt,
                                                n_records=n_records)
        s = dyn.hmm_ode_initial_state(W0, F, Wl, "sign")
        ode = dyn.hmm_online_ode(s.rho, s.q, s.r, s.theta, s.T, lr, t_max, weights=s.weights, n_points=n_records + 1)
        iid = dyn.saad_solla_ode(K, M, lr, s.T, s.Q, s.R, t_max, n_points=n_records + 1)
        out.append((err, ode.eps_g, iid.eps_g))
    return np.array(out)


def _relative_gap(sim, theory):
    """Per seed, the time average (after the first record) of sim / theory - 1; |mean| over seeds and the two-sided
    99 % Student-t tolerance (the standard deviation is estimated from the same few seeds)."""
    m = (sim[:, 1:] / theory[:, 1:] - 1.0).mean(axis=1)
    return abs(m.mean()), student_t.ppf(0.995, m.size - 1) * m.std(ddof=1) / np.sqrt(m.size)


def test_ode_matches_simulation_and_iid_ode_is_rejected():
    res = _simulate(range(5))
    sim, ode, iid = res[:, 0], res[:, 1], res[:, 2]
    gap, tol = _relative_gap(sim, ode)
    assert gap < tol, (gap, tol)
    # negative control: the same statistic and tolerance (measured on the HMM ODE) reject the i.i.d. ODE
    m_iid = (sim[:, 1:] / iid[:, 1:] - 1.0).mean(axis=1)
    assert abs(m_iid.mean()) > 3 * tol, (m_iid, tol)
    print(f"HMM ODE: |mean dev| {gap:.4f} < tol {tol:.4f}; i.i.d. ODE: {abs(m_iid.mean()):.3f}")


# ------------------------------------------------------------------ bad input


def test_bad_input():
    W, F, Wl = _small_model(0)
    with pytest.raises(ValueError, match="`f` must be one of"):
        dyn.hmm_gaussian_constants("softplus")
    with pytest.raises(ValueError, match="odd nonlinearity"):
        dyn.hmm_ode_initial_state(W, F, Wl, "relu")
    with pytest.raises(ValueError, match="`F` must have shape"):
        dyn.hmm_ode_initial_state(W, F[:, :-1], Wl)
    with pytest.raises(ValueError, match="D <= N"):
        dyn.hmm_ode_initial_state(W[:, :4], F[:, :4], Wl)
    with pytest.raises(ValueError, match="`W_latent` must have shape"):
        dyn.hmm_ode_initial_state(W, F, Wl[:, :-1])
    s = dyn.hmm_ode_initial_state(W, F, Wl)
    args = (s.rho, s.q, s.r, s.theta, s.T, 0.5, 1.0)
    with pytest.raises(ValueError, match="`rho` must hold positive"):
        dyn.hmm_online_ode(-s.rho, *args[1:])
    with pytest.raises(ValueError, match="`q0` must have shape"):
        dyn.hmm_online_ode(s.rho[:-1], *args[1:])
    with pytest.raises(ValueError, match="`r0` must have shape"):
        dyn.hmm_online_ode(s.rho, s.q, s.r[:, :, :1], *args[3:])
    with pytest.raises(ValueError, match="`theta` must have shape"):
        dyn.hmm_online_ode(s.rho, s.q, s.r, s.theta[:, :1, :1], *args[4:])
    with pytest.raises(ValueError, match="`weights` must hold"):
        dyn.hmm_online_ode(*args, weights=-s.weights)
    with pytest.raises(ValueError, match="positive definite"):
        dyn.hmm_online_ode(s.rho, 0 * s.q, s.r, s.theta, s.T, 0.5, 1.0)
    with pytest.raises(ValueError, match="`lr`"):
        dyn.hmm_online_ode(*args[:5], 0.0, 1.0)
    with pytest.raises(ValueError, match="`t_max`"):
        dyn.hmm_online_ode(*args[:6], -1.0)
