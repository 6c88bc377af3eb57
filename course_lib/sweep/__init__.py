"""Parameter sweeps that scale out: a grid of parameters times independent seeds, on the local cores or a Dask cluster.

:func:`run_sweep` maps a simulation over the points of a grid and a number of replicates (seeds) per point, gives
every (point, replicate) its own random stream derived with :class:`numpy.random.SeedSequence` (so the results do
not depend on the order in which the tasks run, nor on the number of workers or the backend), shows a progress bar,
can cache every finished task on disk (an interrupted sweep resumes where it stopped) and returns a
:class:`SweepResult`, a small tidy table with per-point means and standard errors.

The same call runs serially (``n_jobs=1``), on the local cores (the default) or on any Dask cluster
(``client="tcp://scheduler:8786"`` or a :class:`distributed.Client`).
"""

from ._runner import SweepError, SweepResult, run_sweep, task_seed

__all__ = ["run_sweep", "SweepResult", "SweepError", "task_seed"]
