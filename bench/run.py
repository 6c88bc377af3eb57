"""Run the benchmark suite and write ``bench/RESULTS.md``: ``python -m bench.run [--smoke] [--out FILE] [names...]``."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
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
        if "read_fraction" in r.extra:
            lo, hi = r.extra["read_fraction_range"]
            notes.append(f"- {r.name}: {r.extra['bandwidth_GBps']:.2f} GB/s of couplings that must move (one pass "
                         f"over J per call, one row per accepted flip) = **{100 * r.extra['read_fraction']:.0f} %** "
                         f"[{100 * lo:.0f}, {100 * hi:.0f}] of the roofline, a contiguous read of J itself timed in "
                         f"pairs ({r.extra['read_GBps']:.1f} GB/s); ceiling of the ratio for any code that moves these "
                         f"bytes at that bandwidth: {r.extra['ceiling']:.3g}x")
        elif "roofline_fraction" in r.extra:
            notes.append(f"- {r.name}: {r.extra['bandwidth_GBps']:.2f} GB/s of couplings/tensor streamed = "
                         f"**{100 * r.extra['roofline_fraction']:.0f} %** of the single-core triad roofline")
    if notes:
        lines += ["", "## Bandwidth and notes", ""] + notes
    lines += [""]
    return "\n".join(lines)


def _table_and_notes(text):
    """The result rows (``| name | ...``) and the note lines (``- name: ...``) of a RESULTS.md."""
    rows, notes, section = [], [], None
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif section == "Results" and line.startswith("| ") and not line.startswith("| benchmark |"):
            rows.append(line)
        elif section == "Bandwidth and notes" and line.startswith("- "):
            notes.append(line)
    return rows, notes


def _group(line, names):
    """The benchmark (of ``names``) that wrote a row or note line, or None."""
    label = line[2:]
    for name in names:
        if any(label.startswith(p) for p in suite.ROW_PREFIXES.get(name, ())):
            return name
    return None


def merge(old_text, new_text, rerun):
    """``new_text`` (a run of the benchmarks ``rerun``) with the rows and notes of the other benchmarks of
    ``old_text`` kept, in their old order; a rerun benchmark's rows replace its old ones where they stood."""
    old_rows, old_notes = _table_and_notes(old_text)
    new_rows, new_notes = _table_and_notes(new_text)

    def splice(old, new):
        out, placed = [], set()
        for line in old:
            g = _group(line, rerun)
            if g is None:
                out.append(line)
            elif g not in placed:
                out += [x for x in new if _group(x, rerun) == g]
                placed.add(g)
        out += [x for x in new if _group(x, rerun) not in placed]
        return out

    rows, notes = splice(old_rows, new_rows), splice(old_notes, new_notes)
    lines, section, done = [], None, set()
    for line in new_text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        if section == "Results" and line.startswith("| ") and not line.startswith("| benchmark |"):
            if "rows" not in done:
                lines += rows
                done.add("rows")
            continue
        if section == "Bandwidth and notes" and line.startswith("- "):
            if "notes" not in done:
                lines += notes
                done.add("notes")
            continue
        lines.append(line)
    if notes and "notes" not in done:
        lines += ["## Bandwidth and notes", ""] + notes + [""]
    stamp = next((x for x in old_text.splitlines() if x.startswith("Written by")), "")
    dates = re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", stamp)
    since = f"the run of {dates[-1]}" if dates else "an earlier run"  # the last date: the oldest run still cited
    i = next(k for k, x in enumerate(lines) if x.startswith("Written by"))
    lines[i] += (f" Only {', '.join(f'`{n}`' for n in rerun)} rerun (`--update`); the other rows are those of "
                 f"{since} (or of a later `--update` of their own benchmark), and the machine table below is that "
                 f"of this run.")
    return "\n".join(lines) + ("\n" if not lines[-1] == "" else "")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("names", nargs="*", help=f"subset of {sorted(suite.BENCHMARKS)}")
    p.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness, timings meaningless")
    p.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    p.add_argument("--update", action="store_true",
                   help="rerun only the named benchmarks and keep the other rows of the existing --out file")
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
    if args.update and Path(args.out).exists():
        text = merge(Path(args.out).read_text(), text, names)
    Path(args.out).write_text(text)
    print(text)
    return results


if __name__ == "__main__":
    main()
