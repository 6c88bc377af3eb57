"""Tests of course_lib.spin_glasses.replica_overlaps (lecture overlap_distribution)."""

import itertools

import numpy as np
import pytest

from course_lib.spin_glasses import replica_overlaps, sk_couplings


def _exact_q2(J, beta):
    """E<q_12^2> = N^-2 sum_ij <S_i S_j>^2 by enumeration of the 2^N states (H = -S^T J S / 2)."""
    n = J.shape[0]
    states = np.array(list(itertools.product([-1.0, 1.0], repeat=n)))
    energies = -0.5 * np.einsum("si,ij,sj->s", states, J, states)
    w = np.exp(-beta * (energies - energies.min()))
    w /= w.sum()
    corr = np.einsum("s,si,sj->ij", w, states, states)
    return float(np.sum(corr**2) / n**2)


def _blocked_mean(x, n_blocks=20):
    b = np.array_split(x, n_blocks)
    m = np.array([v.mean() for v in b])
    return float(m.mean()), float(m.std(ddof=1) / np.sqrt(n_blocks))


def test_shape_order_and_values():
    J = sk_couplings(10, rng=3)
    q = replica_overlaps(J, [0.3, 0.8], 40, n_replicas=4, rng=1, n_burn=15)
    assert q.shape == (25, 6)
    assert np.all(np.abs(q) <= 1.0)
    # overlaps of N = 10 spins are multiples of 2/N
    np.testing.assert_allclose(q * 10 / 2, np.round(q * 10 / 2), atol=1e-12)


def test_matches_exact_enumeration_and_rejects_wrong_temperature():
    # exact Gibbs value of E<q^2> for N = 5 at the coldest beta (enumeration of 32 states) is the reference;
    # the hot end of the ladder and the infinite-temperature value 1/N are negative controls.
    J = sk_couplings(5, rng=11) * 2.0
    betas = [0.2, 0.6, 1.0]
    q = replica_overlaps(J, betas, 40000, n_replicas=2, rng=5, n_burn=1000)[:, 0]
    m, se = _blocked_mean(q**2)
    exact = _exact_q2(J, betas[-1])
    assert abs(m - exact) < 5 * se + 1e-3
    for wrong in (_exact_q2(J, betas[0]), 1.0 / 5):
        assert abs(m - wrong) > 5 * se + 1e-3


def test_three_replicas_are_exchangeable():
    J = sk_couplings(6, rng=2)
    q = replica_overlaps(J, [0.5, 1.5], 30000, n_replicas=3, rng=4, n_burn=500)
    means = [_blocked_mean(q[:, p] ** 2) for p in range(3)]
    for (m1, s1), (m2, s2) in itertools.combinations(means, 2):
        assert abs(m1 - m2) < 5 * np.hypot(s1, s2) + 1e-3


def test_seeded_reproducible():
    J = sk_couplings(8, rng=0)
    a = replica_overlaps(J, [0.5, 1.0], 20, rng=7)
    b = replica_overlaps(J, [0.5, 1.0], 20, rng=7)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"betas": [1.0, 0.5]}, ValueError, "strictly increasing"),
        ({"betas": [-0.5, 1.0]}, ValueError, "non-negative"),
        ({"betas": [1.0]}, ValueError, "betas"),
        ({"n_sweeps": 0}, ValueError, "n_sweeps"),
        ({"n_sweeps": 5, "n_burn": 5}, ValueError, "n_sweeps"),
        ({"n_burn": -1}, ValueError, "n_burn"),
        ({"n_replicas": 1}, ValueError, "n_replicas"),
        ({"n_replicas": 9}, ValueError, "n_replicas"),
        ({"n_replicas": 2.5}, TypeError, "n_replicas"),
        ({"J": np.array([[0.0, 1.0], [0.0, 0.0]])}, ValueError, "symmetric"),
        ({"J": np.full((3, 3), np.nan)}, ValueError, "J"),
    ],
)
def test_bad_input(kwargs, exc, match):
    args = {"J": sk_couplings(4, rng=0), "betas": [0.5, 1.0], "n_sweeps": 10}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        replica_overlaps(**args)


def test_paramagnet_spin_glass_susceptibility():
    # High-temperature SK (beta < 1): N E<q_12^2> -> 1/(1 - beta^2) = 4/3 at beta = 1/2 (e.g. Mezard, Parisi and Virasoro 1987,
    # the spin-glass susceptibility); finite-N corrections are O(1/N), allowed as 0.02 at N = 128. Negative control: the value 1
    # of independent random configurations (beta = 0) is rejected.
    rng = np.random.default_rng(3)
    vals = []
    for _ in range(6):
        q = replica_overlaps(sk_couplings(128, rng=rng), [0.25, 0.5], 3000, n_replicas=2, rng=rng, n_burn=200)[:, 0]
        vals.append(128 * np.mean(q**2))
    m, se = float(np.mean(vals)), float(np.std(vals, ddof=1) / np.sqrt(len(vals)))
    tol = 5 * se + 0.02
    assert abs(m - 4.0 / 3.0) < tol
    assert abs(m - 1.0) > tol
