"""Run the benchmark suite and write ``bench/RESULTS.md``: ``python -m bench.run [--smoke] [--out FILE] [names...]``."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

from . import suite


def machine_info():
    import numba
    import numpy
    import scipy
    from threadpoolctl import threadpool_info

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = "; ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('threading_layer', '-')}, "
                     f"{p.get('num_threads')} threads)" for p in threadpool_info() if p.get("user_api") == "blas")
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical, {len(os.sched_getaffinity(0))} usable",
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
        "blas": blas or "none found by threadpoolctl",
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "(unset)"),
    }


def _fmt_t(sec):
    if sec >= 1.0:
        return f"{sec:.3g} s"
    if sec >= 1e-3:
        return f"{sec * 1e3:.3g} ms"
    if sec >= 1e-6:
        return f"{sec * 1e6:.3g} us"
    return f"{sec * 1e9:.3g} ns"


def render(results, info, bw, load_before, load_after, smoke, elapsed):
    lines = ["# Benchmark results", ""]
    lines += [f"Written by `make bench` (`python -m bench.run{' --smoke' if smoke else ''}`) on "
              f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC in {elapsed:.0f} s.", ""]
    lines += ["Each benchmark times our function and the baseline *in one process, interleaved* (alternating which "
              "goes first), repeated; **ratio = baseline time / our time** per repetition, reported as the median "
              "and the [min, max] over the repetitions. Times are medians per call (or per unit stated in the sizes) "
              "with their half-range in %. Absolute times depend on the load of the machine; the ratios much less.", ""]
    lines += ["## Machine", "", "| item | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += [f"| load average (1 min) before / after | {load_before:.2f} / {load_after:.2f} |"]
    lines += [f"| single-core STREAM triad (numba) | {bw['triad_GBps']:.1f} GB/s ({bw['array_MB']:.0f} MB arrays) |",
              f"| single-core copy (`np.copyto`) | {bw['copy_GBps']:.1f} GB/s |", ""]
    lines += ["## Results", "",
              "| benchmark | sizes | ours | baseline | our time | baseline time | ratio (median [min, max]) "
              "| our accuracy | baseline accuracy | target |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    notes = []
    for r in results:
        t = r.timing
        lo, hi = t.ratio_spread
        base_t = f"{_fmt_t(t.base_median)} (±{100 * t.base_spread:.0f} %)" if r.has_base else "-"
        ratio = f"**{t.ratio_median:.3g}** [{lo:.3g}, {hi:.3g}]" if r.has_base else "-"
        lines.append(
            f"| {r.name} | {r.sizes} | {r.ours_label} | {r.base_label} | {_fmt_t(t.ours_median)} "
            f"(±{100 * t.ours_spread:.0f} %) | {base_t} | {ratio} | {r.ours_accuracy} | {r.base_accuracy} | {r.target} |")
        for note in r.notes:
            notes.append(f"- {r.name}: {note}")
        if "roofline_fraction" in r.extra:
            notes.append(f"- {r.name}: {r.extra['bandwidth_GBps']:.2f} GB/s of couplings/tensor streamed = "
                         f"**{100 * r.extra['roofline_fraction']:.0f} %** of the single-core triad roofline")
    if notes:
        lines += ["", "## Bandwidth and notes", ""] + notes
    lines += [""]
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("names", nargs="*", help=f"subset of {sorted(suite.BENCHMARKS)}")
    p.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness, timings meaningless")
    p.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    args = p.parse_args(argv)
    names = args.names or list(suite.BENCHMARKS)
    unknown = sorted(set(names) - set(suite.BENCHMARKS))
    if unknown:
        p.error(f"unknown benchmarks {unknown}; choose from {sorted(suite.BENCHMARKS)}")
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]
    bw = suite.stream_bandwidth(suite._cfg(args.smoke)["stream_n"])
    results = []
    for name in names:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        results += suite.BENCHMARKS[name](args.smoke, bw)
    text = render(results, machine_info(), bw, load_before, os.getloadavg()[0], args.smoke, time.perf_counter() - t0)
    Path(args.out).write_text(text)
    print(text)
    return results


if __name__ == "__main__":
    main()
