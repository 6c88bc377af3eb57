"""Tests of the curvature tools added to ``course_lib.rmt._hessian``: exact Hessian-vector products, Lanczos top
eigenvalues, Papyan's class/cross-class means, subspace overlaps, OBD saliencies and the quadratic loss model."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from course_lib import rmt


def _net(seed=0, n=50, d=5, h=4, C=3, spread=0.3):
    rng = np.random.default_rng(seed)
    shape = rmt.MLPShape(d, h, C)
    X = rng.standard_normal((n, d))
    y = np.arange(n) % C  # every class present
    theta = rmt.mlp_init(shape, rng) + spread * rng.standard_normal(shape.n_params)
    return shape, X, y, theta, rng


def test_hvp_equals_the_dense_hessian_and_gauss_newton():
    # mlp_hessian is itself checked against finite differences in tests/test_rmt.py; the R-operator is exact,
    # so the two agree to round-off (entries of H are O(1), P = 39: 1e-13 is ~500 ulp)
    shape, X, y, theta, rng = _net()
    H, G = rmt.mlp_hessian(theta, X, y, shape)
    for _ in range(3):
        v = rng.standard_normal(shape.n_params)
        assert_allclose(rmt.mlp_hvp(theta, X, y, shape, v), H @ v, rtol=0, atol=1e-13)
        assert_allclose(rmt.mlp_hvp(theta, X, y, shape, v, matrix="gauss_newton"), G @ v, rtol=0, atol=1e-13)


def test_hvp_is_the_derivative_of_the_gradient():
    # central difference of the gradient along v: error O(e^2 |v|^3) ~ 1e-10
    shape, X, y, theta, rng = _net(2)
    v = rng.standard_normal(shape.n_params)
    e = 1e-5
    fd = (rmt.mlp_loss_grad(theta + e * v, X, y, shape)[1] - rmt.mlp_loss_grad(theta - e * v, X, y, shape)[1]) / (2 * e)
    assert_allclose(rmt.mlp_hvp(theta, X, y, shape, v), fd, rtol=0, atol=1e-8)


@pytest.mark.parametrize("matrix", ["hessian", "gauss_newton"])
def test_top_eigenvalues_match_dense_diagonalisation(matrix):
    shape, X, y, theta, _ = _net(1, n=80, h=6)
    H, G = rmt.mlp_hessian(theta, X, y, shape)
    dense = np.linalg.eigvalsh(H if matrix == "hessian" else G)[::-1]
    top = rmt.mlp_top_eigenvalues(theta, X, y, shape, k=3, matrix=matrix, tol=1e-12, rng=0)
    assert top.converged and top.n_matvec > 0
    assert_allclose(top.eigenvalues, dense[:3], rtol=1e-9)
    M = H if matrix == "hessian" else G
    assert_allclose(M @ top.eigenvectors, top.eigenvectors * top.eigenvalues, atol=1e-8)
    assert_allclose(top.eigenvectors.T @ top.eigenvectors, np.eye(3), atol=1e-10)


def test_top_eigenvalues_non_convergence_warns():
    # one ARPACK restart cannot resolve the top 3 eigenvalues of a 57 x 57 Hessian to 1e-14: the result must say so
    shape, X, y, theta, _ = _net(1, n=80, h=6)
    with pytest.warns(RuntimeWarning, match="ARPACK did not converge within maxiter = 1"):
        top = rmt.mlp_top_eigenvalues(theta, X, y, shape, k=3, tol=1e-14, maxiter=1, rng=0)
    assert not top.converged and top.eigenvalues.size < 3
    assert top.eigenvectors.shape == (shape.n_params, top.eigenvalues.size)


def test_gauss_newton_chunks_accumulate():
    # the chunked rank-k updates (dsyrk) must add up to the direct sum (1/n) sum_i sum_c pi_ic g_ic g_ic^T of
    # eq-gn-fisher, whatever the chunk size (7 does not divide n = 50, so the last chunk is partial)
    shape, X, y, theta, _ = _net(4)
    n, C = X.shape[0], shape.C
    J = rmt.mlp_logit_jacobian(theta, X, shape)
    W1, b1, W2, b2 = shape.unpack(theta)
    logits = np.tanh(X @ W1.T + b1) @ W2.T + b2
    pi = np.exp(logits - logits.max(1, keepdims=True))
    pi /= pi.sum(1, keepdims=True)
    G_direct = sum(pi[i, c] * np.outer(J[i].T @ (pi[i] - np.eye(C)[c]), J[i].T @ (pi[i] - np.eye(C)[c]))
                   for i in range(n) for c in range(C)) / n
    for chunk in (7, 50, 256):
        G = rmt.mlp_gauss_newton(theta, X, y, shape, chunk=chunk)
        assert_allclose(G, G_direct, rtol=0, atol=1e-14)
        assert_allclose(G, G.T, rtol=0, atol=0)


def test_cross_class_means_decompose_gauss_newton():
    shape, X, y, theta, _ = _net(3, n=60)
    n, C, P = X.shape[0], shape.C, shape.n_params
    w, m = rmt.cross_class_mean_gradients(theta, X, y, shape)
    # weights: (1/n) sum_{i in c} p_ic' -> rows sum to the class frequencies, total 1
    assert_allclose(w.sum(), 1.0, rtol=1e-14)
    assert_allclose(w.sum(axis=1), np.bincount(y, minlength=C) / n, rtol=1e-13)
    # sum_c' w_cc' delta_cc' = 0 for every true class c (the softmax identity sum_c' p_ic' = 1)
    assert_allclose(np.einsum("ab,abp->ap", w, m), 0.0, atol=1e-15)
    V = (np.sqrt(w)[:, :, None] * m).reshape(C * C, P)
    G = rmt.mlp_gauss_newton(theta, X, y, shape)
    # G minus the between-means part is a weighted sum of covariances, hence PSD; the means part has rank <= C(C-1)
    assert np.linalg.eigvalsh(G - V.T @ V)[0] > -1e-14 * np.linalg.eigvalsh(G)[-1]
    sv = np.linalg.svd(V, compute_uv=False)
    assert np.sum(sv > 1e-10 * sv[0]) <= C * (C - 1)
    # Weyl: lambda_k(G) >= lambda_k(V^T V)
    ev_G = np.linalg.eigvalsh(G)[::-1]
    ev_V = np.linalg.eigvalsh(V @ V.T)[::-1]
    assert np.all(ev_V <= ev_G[: C * C] * (1 + 1e-12) + 1e-15)
    # summing over the true class gives the coarser means of class_mean_gradient_gram
    wl = w.sum(axis=0)
    coarse = np.einsum("ab,abp->bp", w, m) / np.sqrt(wl)[:, None]
    assert_allclose(coarse @ coarse.T, rmt.class_mean_gradient_gram(theta, X, y, shape), atol=1e-14)


def test_cross_class_means_brute_force():
    # delta_cc' and the weighted covariances Sigma_cc' from the per-label gradients g_ic' = J_i^T (pi_i - e_c'), one
    # example at a time; then G = sum w_cc' (delta_cc' delta_cc'^T + Sigma_cc') exactly (prop-papyan of the lecture)
    shape, X, y, theta, _ = _net(9, n=30)
    n, C, P = X.shape[0], shape.C, shape.n_params
    J = rmt.mlp_logit_jacobian(theta, X, shape)
    W1, b1, W2, b2 = shape.unpack(theta)
    logits = np.tanh(X @ W1.T + b1) @ W2.T + b2
    pi = np.exp(logits - logits.max(1, keepdims=True))
    pi /= pi.sum(1, keepdims=True)
    w, m = rmt.cross_class_mean_gradients(theta, X, y, shape)
    G_sum = np.zeros((P, P))
    for c in range(C):
        idx = np.flatnonzero(y == c)
        for k in range(C):
            g = np.array([J[i].T @ (pi[i] - np.eye(C)[k]) for i in idx])  # (n_c, P)
            wt = pi[idx, k]
            assert_allclose(w[c, k], wt.sum() / n, rtol=1e-14)
            mean = wt @ g / wt.sum()
            assert_allclose(m[c, k], mean, rtol=0, atol=1e-14)
            cov = (g - mean).T @ (wt[:, None] * (g - mean)) / wt.sum()
            G_sum += w[c, k] * (np.outer(mean, mean) + cov)
    assert_allclose(G_sum, rmt.mlp_gauss_newton(theta, X, y, shape), rtol=0, atol=1e-14)


def test_subspace_overlap_closed_forms():
    rng = np.random.default_rng(5)
    P = 30
    Q = np.linalg.qr(rng.standard_normal((P, P)))[0]
    U, V = Q[:, :4], Q[:, 4:10]
    assert_allclose(rmt.subspace_overlap(U, U @ rng.standard_normal((4, 4))), 1.0, rtol=1e-12)  # basis invariance
    assert_allclose(rmt.subspace_overlap(U, V), 0.0, atol=1e-14)
    # k = 2 directions at angles a, b to span(V): mean squared cosine (cos^2 a + cos^2 b) / 2
    a, b = 0.3, 1.1
    W = np.column_stack([np.cos(a) * V[:, 0] + np.sin(a) * U[:, 0], np.cos(b) * V[:, 1] + np.sin(b) * U[:, 1]])
    assert_allclose(rmt.subspace_overlap(W, V), (np.cos(a) ** 2 + np.cos(b) ** 2) / 2, rtol=1e-12)
    # zero columns of V are ignored
    assert_allclose(rmt.subspace_overlap(W, np.column_stack([V, np.zeros(P)])), rmt.subspace_overlap(W, V), rtol=1e-12)


def test_subspace_overlap_of_a_random_subspace():
    # E overlap of a uniformly random k-plane with a fixed m-plane in R^P is m / P exactly; the mean of R draws of
    # the per-draw value (variance O(1/(kP))) is within 4 standard errors
    rng = np.random.default_rng(6)
    P, k, m, R = 40, 3, 10, 400
    V = np.eye(P)[:, :m]
    vals = np.array([rmt.subspace_overlap(rng.standard_normal((P, k)), V) for _ in range(R)])
    assert abs(vals.mean() - m / P) < 4 * vals.std(ddof=1) / np.sqrt(R)


def test_obd_saliency_and_quadratic_model():
    # on an exactly quadratic function the model is exact; OBD is the diagonal part of it at a minimum
    rng = np.random.default_rng(7)
    A = rng.standard_normal((6, 6))
    A = A @ A.T
    theta = rng.standard_normal(6)
    delta = -theta * (np.arange(6) < 2)  # remove the first two parameters
    g = np.zeros(6)
    exact = 0.5 * delta @ A @ delta
    assert_allclose(rmt.quadratic_loss_change(g, A, delta), exact, rtol=1e-14)
    s = rmt.obd_saliency(theta, np.diag(A))
    assert_allclose(s[:2].sum() + A[0, 1] * theta[0] * theta[1], exact, rtol=1e-13)  # OBD drops the cross term


def test_quadratic_model_error_is_cubic():
    # loss(theta + e u) - loss(theta) - q(e u) = O(e^3): halving e divides the error by 8 (to O(e) relative)
    shape, X, y, theta, rng = _net(8)
    u = rng.standard_normal(shape.n_params)
    H = rmt.mlp_hessian(theta, X, y, shape)[0]
    L0, g = rmt.mlp_loss_grad(theta, X, y, shape)
    err = [rmt.mlp_loss_grad(theta + e * u, X, y, shape)[0] - L0 - rmt.quadratic_loss_change(g, H, e * u)
           for e in (0.02, 0.01)]
    assert_allclose(err[0] / err[1], 8.0, rtol=0.1)


def test_mlp_init_scale():
    shape = rmt.MLPShape(4, 3, 2)
    assert_allclose(rmt.mlp_init(shape, rng=0, scale=2.5), 2.5 * rmt.mlp_init(shape, rng=0), rtol=1e-15)


def test_curvature_bad_input():
    shape, X, y, theta, _ = _net()
    P = shape.n_params
    with pytest.raises(ValueError, match="`v` must have 39 entries"):
        rmt.mlp_hvp(theta, X, y, shape, np.ones(P - 1))
    with pytest.raises(ValueError, match="`matrix` must be 'hessian' or 'gauss_newton'"):
        rmt.mlp_hvp(theta, X, y, shape, np.ones(P), matrix="fisher")
    with pytest.raises(ValueError, match="`k` must be an integer <= 38"):
        rmt.mlp_top_eigenvalues(theta, X, y, shape, k=P)
    with pytest.raises(ValueError, match="`tol` must be > 0"):
        rmt.mlp_top_eigenvalues(theta, X, y, shape, tol=0.0)
    with pytest.raises(ValueError, match="`chunk` must be"):
        rmt.mlp_gauss_newton(theta, X, y, shape, chunk=0)
    with pytest.raises(ValueError, match="`maxiter` must be"):
        rmt.mlp_top_eigenvalues(theta, X, y, shape, maxiter=0)
    with pytest.raises(ValueError, match="`U` and `V` must have at least one column"):
        rmt.subspace_overlap(np.ones((3, 1)), np.ones((3, 0)))
    with pytest.raises(ValueError, match="`U` and `V` must have the same number of rows"):
        rmt.subspace_overlap(np.ones((3, 1)), np.ones((4, 1)))
    with pytest.raises(ValueError, match="`U` must have full column rank"):
        rmt.subspace_overlap(np.ones((3, 2)), np.ones((3, 1)))
    with pytest.raises(ValueError, match="`hessian_diag` must have the shape of `theta`"):
        rmt.obd_saliency(theta, np.ones(P - 1))
    with pytest.raises(ValueError, match="`hessian` must be \\(39, 39\\)"):
        rmt.quadratic_loss_change(theta, np.eye(P - 1), theta)
    with pytest.raises(ValueError, match="`scale` must be > 0"):
        rmt.mlp_init(shape, scale=0.0)
    with pytest.raises(ValueError, match="`y` must contain class labels"):
        rmt.cross_class_mean_gradients(theta, X, y + 5, shape)
