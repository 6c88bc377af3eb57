"""course_lib.sweep: bit-identical results whatever the backend (serial, local processes, a Dask LocalCluster),
resuming from the cache, aggregation, bad input."""

import itertools
import math

import numpy as np
import pytest

from course_lib.sweep import SweepError, SweepResult, run_sweep, task_seed

GRID = {"n": [5, 50, 500], "shift": [0.0, 0.5]}


def normals(n, shift, rng):
    """Mean and second moment of n normals; an array output too, to test shapes."""
    x = rng.standard_normal(n) + shift
    return {"mean": x.mean(), "m2": (x**2).mean(), "first": x[:2]}


def _assert_identical(a, b):
    assert a.columns == b.columns and a.points == b.points
    for name in a.columns:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


@pytest.fixture(scope="module")
def serial():
    return run_sweep(normals, GRID, 4, seed=7, n_jobs=1, progress=False)


# -- determinism --------------------------------------------------------------------------------------------------


def test_table_shape_and_order(serial):
    assert len(serial) == 6 * 4 and serial.columns == ("n", "shift", "point", "replicate", "mean", "m2", "first")
    assert serial["first"].shape == (24, 2)
    assert [p for p in serial.points] == [dict(n=n, shift=s) for n, s in itertools.product(*GRID.values())]
    assert serial["point"].tolist() == [p for p in range(6) for _ in range(4)]
    assert serial["replicate"].tolist() == list(range(4)) * 6
    # each task drew from its own stream: the task_seed of the docs reproduces any row on its own
    row = serial.rows()[13]
    alone = normals(row["n"], row["shift"], np.random.default_rng(task_seed(7, {"n": row["n"], "shift": row["shift"]},
                                                                               row["replicate"])))
    assert alone["mean"] == row["mean"]
    # ... and the streams differ between replicates and points
    assert len(np.unique(serial["mean"])) == len(serial)


def test_process_pool_is_bit_identical_to_serial(serial):
    # two workers, one task per job: the completion order differs from the grid order, the result may not
    _assert_identical(serial, run_sweep(normals, GRID, 4, seed=7, n_jobs=2, chunksize=1, progress=False))
    _assert_identical(serial, run_sweep(normals, GRID, 4, seed=7, n_jobs=2, progress=False))


def test_grid_order_and_extension_do_not_change_a_task(serial):
    # the stream of a task depends on (seed, params, replicate) only: a reversed grid, a list of dicts, more seeds
    points = [dict(shift=s, n=n) for s, n in itertools.product([0.5, 0.0, 1.0], [500, 5, 50])]
    bigger = run_sweep(normals, points, 6, seed=7, n_jobs=1, progress=False)
    for p in serial.points:
        np.testing.assert_array_equal(serial.where(**p)["mean"], bigger.where(**p)["mean"][:4])
    # numpy scalars name the same point as Python numbers
    np_grid = {"n": np.array([5, 50, 500]), "shift": np.array([0.0, 0.5])}
    _assert_identical(serial, run_sweep(normals, np_grid, 4, seed=7, n_jobs=1, progress=False))
    # a different seed changes every task
    other = run_sweep(normals, GRID, 4, seed=8, n_jobs=1, progress=False)
    assert not np.any(other["mean"] == serial["mean"])


def test_dask_local_cluster_is_bit_identical_to_serial(serial):
    distributed = pytest.importorskip("distributed")
    import dask

    # a busy 2-core CI machine: generous connection timeouts, no dashboard (no port to find), worker processes
    # (processes=False would look for a network interface and warn where there is none)
    timeouts = {"distributed.comm.timeouts.connect": "120s", "distributed.comm.timeouts.tcp": "120s"}
    with dask.config.set(timeouts), distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                             dashboard_address=None) as cluster:
        with distributed.Client(cluster, timeout="120s") as client:
            _assert_identical(serial, run_sweep(normals, GRID, 4, seed=7, client=client, progress=False))
        # the one-line change of the lectures: a scheduler address (the client is created and closed by run_sweep)
        _assert_identical(serial, run_sweep(normals, GRID, 4, seed=7, client=cluster.scheduler_address,
                                            chunksize=1, progress=False))


# -- cache and resume ---------------------------------------------------------------------------------------------

CALLS = []
BROKEN = [True]


def flaky(n, shift, rng):
    """Raises at one point while BROKEN, as an interrupted sweep would stop there."""
    CALLS.append((n, shift))
    if BROKEN[0] and n == 50 and shift == 0.5:
        raise RuntimeError("simulated crash")
    return normals(n, shift, rng)


def test_interrupted_sweep_resumes_from_the_cache(tmp_path, serial):
    CALLS.clear()
    with pytest.raises(SweepError, match=r"raised at grid point 3 \{'n': 50, 'shift': 0.5\}, replicate 0.*"
                                         r"simulated crash.*cached") as info:
        run_sweep(flaky, GRID, 4, seed=7, n_jobs=1, cache=tmp_path, progress=False)
    assert isinstance(info.value.__cause__, RuntimeError)
    assert len(CALLS) == 3 * 4 + 1  # points 0, 1, 2 finished, then the crash
    assert len(list(tmp_path.glob("*.pkl"))) == 12
    # the fixed function (same name: the cache is keyed by the name, not the code) runs only the missing tasks
    CALLS.clear()
    BROKEN[0] = False
    try:
        resumed = run_sweep(flaky, GRID, 4, seed=7, n_jobs=1, cache=tmp_path, progress=False)
    finally:
        BROKEN[0] = True
    assert sorted(CALLS) == sorted([(50, 0.5)] * 4 + [(500, 0.0)] * 4 + [(500, 0.5)] * 4)
    _assert_identical(serial, resumed)
    # a third run reads everything from the cache, in worker processes as well: not a single call (it would crash)
    CALLS.clear()
    again = run_sweep(flaky, GRID, 4, seed=7, n_jobs=2, cache=tmp_path, progress=False)
    assert CALLS == [] and len(list(tmp_path.glob("*.pkl"))) == 24
    _assert_identical(serial, again)


def test_cache_is_keyed_by_seed_and_function(tmp_path):
    grid = {"n": [5], "shift": [0.0]}
    a = run_sweep(normals, grid, 2, seed=1, n_jobs=1, cache=tmp_path, progress=False)
    b = run_sweep(normals, grid, 2, seed=2, n_jobs=1, cache=tmp_path, progress=False)
    assert not np.any(a["mean"] == b["mean"]) and len(list(tmp_path.glob("*.pkl"))) == 4


def test_crash_in_a_worker_process_names_the_point(tmp_path):
    with pytest.raises(SweepError, match=r"grid point 3 \{'n': 50, 'shift': 0.5\}.*simulated crash"):
        run_sweep(flaky, GRID, 2, seed=7, n_jobs=2, chunksize=1, cache=tmp_path, progress=False)
    # what finished before and beside the crash is cached
    assert 0 < len(list(tmp_path.glob("*.pkl"))) < 12


# -- aggregation --------------------------------------------------------------------------------------------------


def test_mean_and_stderr_match_numpy(serial):
    for k, p in enumerate(serial.points):
        x = serial.where(**p)["mean"]
        assert serial.mean("mean")[k] == np.mean(x)
        assert math.isclose(serial.stderr("mean")[k], np.std(x, ddof=1) / 2, rel_tol=1e-12)
    assert serial.mean("first").shape == (6, 2)
    np.testing.assert_array_equal(serial.point_values("n"), [5, 5, 50, 50, 500, 500])


def test_mean_estimates_within_standard_errors():
    # Monte-Carlo check of the aggregation: E[mean] = shift, E[m2] = 1 + shift^2 (normal moments)
    res = run_sweep(normals, {"n": [20], "shift": [0.0, 2.0]}, 400, seed=3, n_jobs=1, progress=False)
    shift = res.point_values("shift")
    z_mean = (res.mean("mean") - shift) / res.stderr("mean")
    z_m2 = (res.mean("m2") - (1 + shift**2)) / res.stderr("m2")
    assert np.all(np.abs(z_mean) < 4) and np.all(np.abs(z_m2) < 4)
    # negative control: the same tolerance rejects a wrong second moment, shift^2 (the variance forgotten)
    assert np.all(np.abs((res.mean("m2") - shift**2) / res.stderr("m2")) > 4)


def test_n_seeds_per_point_and_scalar_output():
    res = run_sweep(lambda n, rng: rng.integers(n), {"n": [10, 20, 30]}, lambda n: n // 10, seed=0, n_jobs=1,
                    progress=False)
    assert res.n_seeds.tolist() == [1, 2, 3] and res.outputs == ("value",) and len(res) == 6
    assert [len(v) for v in res.by_point("value")] == [1, 2, 3]
    with pytest.raises(ValueError, match=r"at least 2 replicates; grid point 0 \{'n': 10\} has 1"):
        res.stderr("value")
    assert isinstance(res.where(n=30), SweepResult) and res.where(n=30)["value"].shape == (3,)
    assert len(res.where(n=99)) == 0
    assert "3 points, 6 tasks" in repr(res)


def test_to_pandas_needs_pandas(serial):
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="needs pandas"):
            serial.to_pandas()
    else:  # pragma: no cover - pandas is not in the environment
        assert len(serial.to_pandas()) == len(serial)


def test_seed_none_draws_and_records_entropy():
    res = run_sweep(normals, {"n": [5], "shift": [0.0]}, 2, n_jobs=1, progress=False)
    again = run_sweep(normals, {"n": [5], "shift": [0.0]}, 2, seed=res.seed, n_jobs=1, progress=False)
    _assert_identical(res, again)


# -- bad input ------------------------------------------------------------------------------------------------------


def nonfinite(n, rng):
    return {"x": np.log(n - 2.0) if n != 2 else -np.inf}


BAD = [
    (("f", GRID, 2), {}, TypeError, r"`func` must be callable"),
    ((normals, {}, 2), {}, ValueError, r"`grid` must not be empty"),
    ((normals, [], 2), {}, ValueError, r"`grid` must not be empty"),
    ((normals, {"n": []}, 2), {}, ValueError, r"`grid` value of 'n' is empty"),
    ((normals, {"n": 5}, 2), {}, TypeError, r"`grid` value of 'n' must be a list"),
    ((normals, "n=5", 2), {}, TypeError, r"`grid` must be a dict of parameter lists"),
    ((normals, [{"n": 5}, {"m": 5}], 2), {}, ValueError, r"`grid` point 1 has the parameters \['m'\]"),
    ((normals, {"n": [5], "rng": [1]}, 2), {}, ValueError, r"'rng' is reserved"),
    ((normals, {"n": [5]}, 2), {}, TypeError, r"`func` must accept the grid parameters \('n',\) and `rng`"),
    ((normals, {"n": [np.nan]}, 2), {}, ValueError, r"`grid` value of 'n' must be finite"),
    ((normals, {"n": [object()]}, 2), {}, TypeError, r"`grid` value of 'n' must be a number"),
    ((normals, GRID, 0), {}, ValueError, r"`n_seeds` must be an integer >= 1, got 0"),
    ((normals, GRID, 2.5), {}, TypeError, r"`n_seeds` must be an integer"),
    ((normals, GRID, lambda n, shift: 0), {}, ValueError, r"returned for grid point 0 .*must be an integer >= 1"),
    ((normals, GRID, 2), {"seed": -1}, ValueError, r"`seed` must be an integer >= 0"),
    ((normals, GRID, 2), {"n_jobs": 0}, ValueError, r"`n_jobs` must be an integer >= 1"),
    ((normals, GRID, 2), {"client": 3}, TypeError, r"`client` must be None, a scheduler address"),
    ((normals, GRID, 2), {"client": "x"}, ValueError, r"`client` = 'x': no Dask scheduler could be reached"),
    ((normals, GRID, 2), {"cache": 3, "seed": 0}, TypeError, r"`cache` must be None or a directory"),
    ((normals, GRID, 2), {"cache": "x"}, ValueError, r"`seed` must be given with `cache`"),
    ((normals, GRID, 2), {"progress": "yes"}, TypeError, r"`progress` must be a bool"),
    ((normals, GRID, 2), {"chunksize": 0}, ValueError, r"`chunksize` must be an integer >= 1"),
    ((nonfinite, {"n": [3, 2]}, 2), {"seed": 0}, ValueError,
     r"non-finite value .* output 'x' at grid point 1 \{'n': 2\}, replicate 0"),
    ((lambda n, rng: "text", {"n": [1]}, 1), {}, TypeError, r"bad output at grid point 0 \{'n': 1\}, replicate 0: output 'value' must be a real number"),
    ((lambda n, rng: {"point": 1.0}, {"n": [1]}, 1), {}, ValueError, r"output name 'point' is reserved"),
    ((lambda n, rng: {"a": 1.0} if n == 1 else {"b": 1.0}, {"n": [1, 2]}, 1), {}, ValueError,
     r"returned the outputs \['b'\] at grid point 1"),
    ((lambda n, rng: np.zeros(n), {"n": [1, 2]}, 1), {}, ValueError, r"output 'value' of shape \(2,\) at grid point 1"),
]


@pytest.mark.parametrize("args, kwargs, exc, match", BAD, ids=[f"bad-{i}" for i in range(len(BAD))])
def test_bad_input_raises_naming_the_parameter(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        run_sweep(*args, **{"n_jobs": 1, "progress": False, **kwargs})


def test_lambda_cannot_key_a_cache(tmp_path):
    with pytest.raises(ValueError, match=r"`cache` needs a named function"):
        run_sweep(lambda n, rng: 1.0, {"n": [1]}, 1, seed=0, cache=tmp_path, progress=False)


def test_unpicklable_function_is_refused_for_workers():
    import threading

    lock = threading.Lock()

    def uses_lock(n, rng):
        with lock:
            return float(n)

    with pytest.raises(TypeError, match=r"`func` cannot be serialised .* run with n_jobs=1"):
        run_sweep(uses_lock, {"n": [1, 2]}, 1, seed=0, n_jobs=2, progress=False)
    assert len(run_sweep(uses_lock, {"n": [1, 2]}, 1, seed=0, n_jobs=1, progress=False)) == 2


def test_task_seed_checks_its_arguments():
    with pytest.raises(ValueError, match=r"`replicate` must be an integer >= 0"):
        task_seed(0, {"n": 1}, -1)
    with pytest.raises(TypeError, match=r"`params` must be a dict"):
        task_seed(0, [1], 0)


def test_default_n_jobs_from_the_environment(monkeypatch, serial):
    # the book build sets COURSE_LIB_SWEEP_JOBS=1 (it runs two notebooks at a time): the default then runs in-process,
    # where an unpicklable function works (it would be refused by worker processes)
    import threading

    lock = threading.Lock()

    def uses_lock(n, rng):
        with lock:
            return float(n)

    monkeypatch.setenv("COURSE_LIB_SWEEP_JOBS", "1")
    assert len(run_sweep(uses_lock, {"n": [1, 2]}, 1, seed=0, progress=False)) == 2
    monkeypatch.setenv("COURSE_LIB_SWEEP_JOBS", "2")
    _assert_identical(serial, run_sweep(normals, GRID, 4, seed=7, progress=False))
    with pytest.raises(TypeError, match=r"`func` cannot be serialised"):
        run_sweep(uses_lock, {"n": [1, 2]}, 1, seed=0, progress=False)
    monkeypatch.setenv("COURSE_LIB_SWEEP_JOBS", "two")
    with pytest.raises(ValueError, match=r"COURSE_LIB_SWEEP_JOBS \(the default of `n_jobs`\) must be an integer >= 1"):
        run_sweep(normals, GRID, 4, seed=7, progress=False)


def interrupted(n, rng):
    if n == 3:
        raise KeyboardInterrupt  # as a Ctrl-C reaching the worker
    return float(n)


def test_keyboard_interrupt_stops_the_workers_and_the_next_sweep_runs(serial):
    with pytest.raises(KeyboardInterrupt):
        run_sweep(interrupted, {"n": [1, 2, 3, 4]}, 2, seed=0, n_jobs=2, chunksize=1, progress=False)
    _assert_identical(serial, run_sweep(normals, GRID, 4, seed=7, n_jobs=2, progress=False))


def test_progress_bar_on_a_terminal(capsys, serial):
    res = run_sweep(normals, GRID, 4, seed=7, n_jobs=1)  # progress=True is the default
    err = capsys.readouterr().err
    assert "normals" in err and "24/24" in err and "100%" in err
    _assert_identical(serial, res)
    run_sweep(normals, GRID, 4, seed=7, n_jobs=1, progress=False)
    assert capsys.readouterr().err == ""
