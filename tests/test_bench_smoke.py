"""Smoke run of every benchmark of ``make bench`` at tiny sizes: the harness works, never a timing assertion."""

import math
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT))

from bench import harness, run, suite  # noqa: E402


def test_compare_interleaves_and_pairs_ratios():
    calls = []
    t = harness.compare(lambda: calls.append("o"), lambda: calls.append("b"), repeats=4, number=1)
    assert calls == ["o", "b", "b", "o", "o", "b", "b", "o"]
    assert len(t.ratios) == 4 and all(r > 0 for r in t.ratios)
    lo, hi = t.ratio_spread
    assert lo <= t.ratio_median <= hi


@pytest.mark.slow
def test_every_benchmark_runs_at_smoke_size(tmp_path):
    out = tmp_path / "RESULTS.md"
    results = run.main(["--smoke", "--out", str(out)])
    text = out.read_text()
    names = {r.name.split(",")[0] for r in results}
    for expected in ("SK Metropolis sweep", "SK 1-sweep call overhead", "Hopfield Glauber sweep (couplings)",
                     "Hopfield: couplings vs pattern kernel", "lambda_max sampler vs dense",
                     "GLM state evolution (sign", "matrix-tensor gradient"):
        assert any(n.startswith(expected) for n in names), expected
    assert any(r.name.startswith("Tracy-Widom") for r in results)
    for r in results:
        assert r.name in text
        assert all(math.isfinite(x) and x > 0 for x in r.timing.ours + r.timing.base), r.name
    assert "STREAM triad" in text and "numba" in text


def test_update_keeps_the_rows_of_the_other_benchmarks():
    def results(tag):
        t = harness.Timing([1.0], [2.0], 1, 1)
        return [harness.Result(f"SK Metropolis sweep, N = 8 {tag}", "-", t, "o", "b", "-", "-", notes=[f"sk {tag}"]),
                harness.Result(f"Tracy-Widom scalar cdf {tag}", "-", t, "o", "b", "-", "-", notes=[f"tw {tag}"])]

    bw = {"triad_GBps": 1.0, "copy_GBps": 1.0, "array_MB": 1.0}
    old = run.render(results("old"), {"cpu": "x"}, bw, 0.0, 0.0, False, 1.0)
    new = run.render(results("new")[:1], {"cpu": "x"}, bw, 0.0, 0.0, False, 1.0)
    merged = run.merge(old, new, ["sk"])
    assert "SK Metropolis sweep, N = 8 new" in merged and "SK Metropolis sweep, N = 8 old" not in merged
    assert "Tracy-Widom scalar cdf old" in merged and "tw old" in merged and "sk new" in merged
    assert merged.index("SK Metropolis sweep, N = 8 new") < merged.index("Tracy-Widom scalar cdf old")  # in place
    assert "Only `sk` rerun" in merged
