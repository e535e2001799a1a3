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
whatever the loop's own work costs.
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


def gaps_on(cpu: int | None, seconds: float) -> list[float]:
    """Spin for `seconds` (pinned to `cpu` where the system allows); the gaps seen, in s."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
    gaps = []
    clock = time.perf_counter
    last = clock()
    end = last + seconds
    while last < end:
        now = clock()
        if now - last > GAP_S:
            gaps.append(now - last)
        last = now
    return gaps


def summary(gaps: list[float], seconds: float) -> dict[str, object]:
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
    return {
        f"cpu{cpu if cpu is not None else i}": summary(gaps, seconds)
        for i, (cpu, gaps) in enumerate(zip(chosen, found, strict=True))
    }


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
