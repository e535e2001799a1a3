"""Compare the events benchmark of this checkout with another revision, in pairs.

    .venv/bin/python -m benchmarks.compare REV [--pairs 4] [--size full|tiny]

This machine's speed drifts by up to 2x between runs, so two designs are only
comparable when measured side by side: each pair runs REV, then this checkout,
in fresh processes, and the verdict is the ratio within each pair. REV is
checked out into a temporary git worktree (removed afterwards) and imported
ahead of this checkout; it must use the same dependencies.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in a fresh process with the tree to measure first on sys.path.
Figures = dict[str, float]
Pair = tuple[Figures, Figures]  # (the revision, this checkout)

_CHILD = """
import asyncio, json, sys, tempfile
from pathlib import Path
from benchmarks import run as bench
from bot import runtime

async def main():
    with tempfile.TemporaryDirectory() as folder:
        size = bench.SIZES[sys.argv[1]]
        return await bench.bench_events(Path(folder), size, size["concurrency"])

figures = getattr(runtime, "run", asyncio.run)(main())
print(json.dumps({"events_per_s": figures["events_per_s"], "p99_ms": figures["all_p99_ms"]}))
"""


def measure(tree: Path, size: str) -> Figures:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, size],
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
        env=env,
    )
    figures: Figures = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def compare(revision: str, pairs: int, size: str) -> list[Pair]:
    with tempfile.TemporaryDirectory() as folder:
        other = Path(folder) / "tree"
        git = ["git", "-C", str(ROOT)]
        subprocess.run([*git, "worktree", "add", "--detach", str(other), revision], check=True)
        try:
            results: list[Pair] = []
            for pair in range(1, pairs + 1):
                before, after = measure(other, size), measure(ROOT, size)
                results.append((before, after))
                print(
                    f"pair {pair}: {revision} {before['events_per_s']:,.0f}/s "
                    f"(p99 {before['p99_ms']:.1f} ms), this checkout "
                    f"{after['events_per_s']:,.0f}/s (p99 {after['p99_ms']:.1f} ms)",
                    flush=True,
                )
            return results
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(other)], check=True)


def summary(revision: str, results: list[Pair]) -> str:
    ratios = [after["events_per_s"] / before["events_per_s"] for before, after in results]
    faster = sum(ratio > 1 for ratio in ratios)
    return (
        f"this checkout / {revision}: events/s x{statistics.mean(ratios):.3f} on average "
        f"(pairs x{min(ratios):.3f} to x{max(ratios):.3f}; faster in {faster} of {len(ratios)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("revision", help="a git revision to compare with, e.g. HEAD~3")
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--size", choices=("full", "tiny"), default="full")
    args = parser.parse_args()
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    print(summary(args.revision, compare(args.revision, args.pairs, args.size)))


if __name__ == "__main__":
    main()
