"""A small paired-timing harness: both sides in one process, interleaved, repeated.

Why not pytest-benchmark or asv: both time one callable at a time (asv even in separate processes and
environments), so a ratio between two of their numbers mixes two different states of a shared, busy machine.
Here every repetition times *our* callable and the *baseline* back to back (alternating which goes first), so
each repetition yields one paired ratio baseline/ours measured under the same load, and the report gives the
median of these ratios with their spread. That is all this benchmark suite needs, in ~100 lines.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Timing:
    """Seconds per call of each side, per repetition, and the paired ratios baseline / ours."""

    ours: list[float]
    base: list[float]
    number_ours: int
    number_base: int

    @property
    def ratios(self):
        return [b / o for o, b in zip(self.ours, self.base)]

    @property
    def ours_median(self):
        return statistics.median(self.ours)

    @property
    def base_median(self):
        return statistics.median(self.base)

    @property
    def ratio_median(self):
        return statistics.median(self.ratios)

    @property
    def ratio_spread(self):
        """(min, max) of the paired ratios over the repetitions."""
        r = self.ratios
        return min(r), max(r)

    @property
    def ours_spread(self):
        return _rel_spread(self.ours)

    @property
    def base_spread(self):
        return _rel_spread(self.base)


def _rel_spread(xs):
    """Half the range over the median, as a fraction."""
    m = statistics.median(xs)
    return 0.5 * (max(xs) - min(xs)) / m if m > 0 else 0.0


def _calibrate(fn, min_time, clock=time.perf_counter):
    """Number of calls so that one timed sample lasts at least ``min_time`` seconds (after one warm-up call)."""
    fn()
    number = 1
    while True:
        t0 = clock()
        for _ in range(number):
            fn()
        dt = clock() - t0
        if dt >= min_time or number >= 1_000_000:
            return number
        number = max(number + 1, int(number * min(10.0, 1.2 * min_time / max(dt, 1e-9))))


def _sample(fn, number, clock=time.perf_counter):
    gc.collect()
    gc_was = gc.isenabled()
    gc.disable()
    try:
        t0 = clock()
        for _ in range(number):
            fn()
        return (clock() - t0) / number
    finally:
        if gc_was:
            gc.enable()


def compare(ours, base, *, repeats=7, min_time=0.2, number=None, clock=time.perf_counter):
    """Time ``ours()`` and ``base()`` interleaved, ``repeats`` times each; return a :class:`Timing`.

    ``number`` fixes the calls per sample for both sides (e.g. 1 for calls with a side effect such as a first call),
    otherwise each side is calibrated so that a sample lasts ``min_time`` seconds. ``clock`` is wall time by default;
    ``time.process_time`` (CPU time of this process) suits single-threaded code on both sides on a shared machine,
    where wall time also counts the time the scheduler gives to other processes.
    """
    if number is None:
        n_o, n_b = _calibrate(ours, min_time, clock), _calibrate(base, min_time, clock)
    else:
        n_o = n_b = number
    to, tb = [], []
    for r in range(repeats):
        if r % 2 == 0:
            to.append(_sample(ours, n_o, clock))
            tb.append(_sample(base, n_b, clock))
        else:
            tb.append(_sample(base, n_b, clock))
            to.append(_sample(ours, n_o, clock))
    return Timing(to, tb, n_o, n_b)


@dataclass
class Result:
    """One row of the results table."""

    name: str
    sizes: str
    timing: Timing
    ours_label: str
    base_label: str
    ours_accuracy: str
    base_accuracy: str
    target: str = ""
    notes: list[str] = field(default_factory=list)
    has_base: bool = True
    extra: dict = field(default_factory=dict)
