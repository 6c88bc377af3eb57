"""Smoke run of the bad-input fuzzer (tests/fuzz_api.py) over every public callable.

Each subpackage is one test, so that pytest-xdist spreads them. The smoke run tries, for every parameter of
every public callable, the bad values most likely to slip through (NaN, 1e300 and a wrong type for numbers,
a NaN entry, an extra axis and a wrong type for arrays, a bad ``rng``, ``None``), each call in a worker
process with a time limit. The full run (every bad value) is ``python tests/fuzz_api.py``.
"""

import pytest

import fuzz_api

PACKAGES = fuzz_api.PACKAGES


def _names(pkg):
    return [n for n, _, _ in fuzz_api.public_callables() if n.rsplit(".", 1)[0] == pkg]


@pytest.mark.parametrize("pkg", PACKAGES)
def test_fuzz_smoke(pkg):
    outcomes = fuzz_api.run(_names(pkg), smoke=True, timeout=20.0)
    bad = [o for o in outcomes if o[3] in (*fuzz_api.FAILURES, "slow_example")]
    report = "\n".join(f"{o[3]:10s} {o[0]}({o[1]}={o[2]}): {o[4]}" for o in bad)
    assert not bad, f"{len(bad)} bad outcomes:\n{report}"
    # every public callable with a direct example call was fuzzed, and the bad values were rejected
    assert any(o[3] == "ok" for o in outcomes)


def test_names_param_matches_whole_words():
    # negative control of the classifier: a message naming another parameter does not count
    assert fuzz_api.names_param("`n_iter` must be >= 1, got 0.", "n_iter")
    assert not fuzz_api.names_param("`n_iter` must be >= 1, got 0.", "n")
    assert fuzz_api.names_param("`bracket[0]` must be > 0", "bracket")


def test_classify_negative_controls():
    def silent_nan(x):
        return float("nan") * x

    def wrong_type(x):
        return 1 / 0

    def unnamed(x):
        raise ValueError("something is wrong")

    def ok(x):
        raise ValueError(f"`x` must be finite, got {x}.")

    assert fuzz_api.classify("t", silent_nan, "x", "1", (1.0,), {})[0] == "nonfinite"
    assert fuzz_api.classify("t", wrong_type, "x", "1", (1.0,), {})[0] == "wrong_type"
    assert fuzz_api.classify("t", unnamed, "x", "1", (1.0,), {})[0] == "unnamed"
    assert fuzz_api.classify("t", ok, "x", "1", (1.0,), {})[0] == "ok"
