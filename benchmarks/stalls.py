"""How long the machine takes each CPU away: read this before trusting a p99.

    .venv/bin/python -m benchmarks.stalls             # 10 s on every CPU at once
    .venv/bin/python -m benchmarks.stalls --seconds 30

One process per CPU, pinned to it (Linux), spins on the clock and records every
gap longer than half a millisecond: time in which it did not run although it
never waited for anything. On an idle machine those gaps are the host's
(a hypervisor running other machines on the same cores: `steal` in
`/proc/stat`), plus interrupts. The event loop runs on one CPU, so a gap on
that CPU holds up every event arriving meanwhile: arriving at 10,000/s, one
gap of 20 ms queues 200 events, more than 1% of the benchmark's 15,000,
whatever the loop's own work costs. It also reports the time in which every
CPU was taken at once: what work able to move to whichever CPU is running
could not have ridden out.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

GAP_S = 0.0005
BINS_MS = (0.5, 1, 2, 5, 10, 20, 50)
Gap = tuple[float, float]  # (start, end) on the clock every process shares
ALL_AT_ONCE = "every CPU at once"


def gaps_on(cpu: int | None, seconds: float) -> list[Gap]:
    """Spin for `seconds` (pinned to `cpu` where the system allows); the gaps seen."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
    gaps = []
    clock = time.perf_counter  # CLOCK_MONOTONIC on Linux: one clock for every process
    last = clock()
    end = last + seconds
    while last < end:
        now = clock()
        if now - last > GAP_S:
            gaps.append((last, now))
        last = now
    return gaps


def all_at_once(per_cpu: list[list[Gap]]) -> list[Gap]:
    """The spells in which every CPU was in a gap (each CPU's gaps sorted, not overlapping).

    Like one CPU's gaps, only those longer than `GAP_S` count: two gaps can
    overlap by a sliver."""
    common = per_cpu[0] if per_cpu else []
    for gaps in per_cpu[1:]:
        common = _overlaps(common, gaps)
    return [(start, end) for start, end in common if end - start > GAP_S]


def _overlaps(first: list[Gap], second: list[Gap]) -> list[Gap]:
    found = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            found.append((start, end))
        if first[i][1] < second[j][1]:  # the one that ends first can overlap nothing later
            i += 1
        else:
            j += 1
    return found


def summary(spells: list[Gap], seconds: float) -> dict[str, object]:
    gaps = [end - start for start, end in spells]
    edges = [*BINS_MS, float("inf")]
    histogram = {
        f"{low:g}-{high:g}ms": sum(1 for gap in gaps if low <= gap * 1000 < high)
        for low, high in itertools.pairwise(edges)
    }
    return {
        "gaps": len(gaps),
        "lost_pct": 100 * sum(gaps) / seconds,
        "longest_ms": 1000 * max(gaps, default=0.0),
        "histogram": histogram,
    }


def cpus() -> list[int | None]:
    """The CPUs to pin to, or one unpinned process per CPU where pinning is not offered."""
    if hasattr(os, "sched_getaffinity"):
        pinned: list[int | None] = [*sorted(os.sched_getaffinity(0))]
        return pinned
    return [None] * (os.cpu_count() or 1)


def measure(seconds: float) -> dict[str, dict[str, object]]:
    """Every CPU at once, as the benchmark keeps them busy (the loop and the follower)."""
    chosen = cpus()
    with multiprocessing.Pool(len(chosen)) as pool:
        found = pool.starmap(gaps_on, [(cpu, seconds) for cpu in chosen])
    figures = {
        f"cpu{cpu if cpu is not None else i}": summary(gaps, seconds)
        for i, (cpu, gaps) in enumerate(zip(chosen, found, strict=True))
    }
    figures[ALL_AT_ONCE] = summary(all_at_once(found), seconds)
    return figures


def line(name: str, figures: dict[str, object]) -> str:
    histogram = figures["histogram"]
    assert isinstance(histogram, dict)
    counts = ", ".join(f"{span} {count}" for span, count in histogram.items() if count)
    return (
        f"{name}: {figures['gaps']} gaps, {figures['lost_pct']:.1f}% of the time lost, "
        f"longest {figures['longest_ms']:.1f} ms" + (f" ({counts})" if counts else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args()
    if args.seconds <= 0:
        sys.exit("--seconds must be more than 0, e.g. --seconds 10")
    figures = measure(args.seconds)
    print(f"Gaps over {GAP_S * 1000:g} ms while spinning {args.seconds:g} s on every CPU:")
    for name, each in figures.items():
        print("  " + line(name, each))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
