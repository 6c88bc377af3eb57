"""course_lib.precompile: the registry of kernel signatures is current, and precompiling fills numba's cache."""

import json

import pytest

from course_lib import precompile as pc


def _registry():
    return json.loads(pc.REGISTRY.read_text())


def test_registry_is_current():
    """Every entry names an existing cached numba kernel and readable argument types (a renamed or removed kernel
    makes this fail: re-record with `make numba-signatures`)."""
    import importlib

    table = _registry()
    assert len(table) >= 50, "the book's notebooks compile far more kernels than this"
    for key, entries in table.items():
        mod, qualname = key.split(":", 1)
        obj = importlib.import_module(mod)
        for part in qualname.split("."):
            assert hasattr(obj, part), f"{key}: not found (re-record: make numba-signatures)"
            obj = getattr(obj, part)
        assert hasattr(obj, "overloads") and obj._cache is not None, f"{key}: not a numba dispatcher"
        assert type(obj._cache).__name__ == "FunctionCache", f"{key}: not compiled with cache=True"
        assert entries, key
        for entry in entries:
            args = pc._decode(entry)
            assert isinstance(args, tuple)


def test_precompile_compiles_the_registered_signature(tmp_path):
    key = "course_lib.kernels._mean_field:_kappa_grad"
    entries = _registry()[key]
    reg = tmp_path / "reg.json"
    reg.write_text(json.dumps({key: entries}))
    out = pc.precompile(jobs=1, registry=reg, verbose=False)
    assert out["problems"] == []
    assert out["signatures"] == len(entries) == out["compiled"] + out["loaded"]
    import importlib

    mod, qualname = key.split(":", 1)
    disp = getattr(importlib.import_module(mod), qualname)
    assert all(pc._decode(e) in disp.overloads for e in entries)


def test_stale_entries_are_reported_not_fatal(tmp_path):
    reg = tmp_path / "reg.json"
    reg.write_text(json.dumps({"course_lib.kernels:_no_such_kernel": [{"args": "(float64, )"}],
                               "course_lib.kernels:arccos_kernel": [{"args": "(float64, )"}]}))
    out = pc.precompile(jobs=1, registry=reg, verbose=False)
    assert out["signatures"] == 2 and out["compiled"] == 0
    assert len(out["problems"]) == 2
    assert "not found" in out["problems"][0] or "not found" in out["problems"][1]
    assert any("not a numba dispatcher" in p for p in out["problems"])


def test_encode_round_trip():
    from numba import types

    for args in [(types.float64[:, ::1], types.int64), (types.UniTuple(types.float64, 2), types.boolean),
                 (types.Array(types.float32, 1, "C", readonly=True), types.none)]:
        assert pc._decode(pc._encode(args)) == args


def test_bad_jobs():
    with pytest.raises(ValueError, match="jobs"):
        pc.precompile(jobs=0)


def test_record_reads_the_cache_index(tmp_path):
    """The recorder names a kernel from its cache file and reads back the signature that precompile wrote."""
    from pathlib import Path

    key = "course_lib.kernels._mean_field:_kappa_grad"
    entries = _registry()[key]
    reg = tmp_path / "reg.json"
    reg.write_text(json.dumps({key: entries}))
    pc.precompile(jobs=1, registry=reg, verbose=False)  # the cache index of this kernel now exists
    index = Path("course_lib/optimization/__pycache__/_geometry._l1sd_kernel-245.py311.nbi")
    assert pc._module_of(pc.PACKAGE / index.relative_to("course_lib"), pc.PACKAGE) == \
        ("course_lib.optimization._geometry", "_l1sd_kernel")
    out = tmp_path / "recorded.json"
    table = pc.record_signatures(registry=out)
    assert key in table and all(e in table[key] for e in entries)
    assert json.loads(out.read_text()) == table
