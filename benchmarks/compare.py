"""Compare the events of this checkout with another revision, in interleaved turns.

    .venv/bin/python -m benchmarks.compare REV [--rounds 8] [--size full|tiny]

This machine's speed drifts by up to 2x within minutes: whole benchmark runs
one after the other differed by up to 13% on identical code, and six pairs
for a change worth a few per cent ranged from x0.88 to x1.42. Here REV and
this checkout each keep a process of their own with a community set up once,
and take turns running one phase of events: every member votes (a vote, then
its withdrawal), answers a quiz question, or answers (then edits) a daily
question, with the full size's 200 in flight. The turns go in ABBA order, so
both see the same drift, and each kind's verdict is the median of its
per-round ratios (of wall time; the event loop thread's CPU time is beside it).
Twelve rounds of identical code gave medians of x0.93-x1.07: differences
smaller than that need more rounds.

REV is checked out into a temporary git worktree (removed afterwards) and
imported ahead of this checkout; it must use the same dependencies.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("votes", "quiz_answers", "answers")

# Run by path, so the tree being measured (first on PYTHONPATH) provides
# `benchmarks.run` and `bot`, whichever revision it is.
TURNS = Path(__file__).with_name("turns.py")

Turn = dict[str, float]


class Side:
    """One tree's process: set up once, then runs one phase per request."""

    def __init__(self, tree: Path, size: str, log: IO[str]) -> None:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, str(TURNS), size],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            cwd=tree,
            env=env,
        )

    def wait_ready(self) -> None:
        if self._line() != "ready":
            raise RuntimeError("a benchmark process did not get ready")

    def run(self, kind: str) -> Turn:
        assert self.process.stdin is not None
        self.process.stdin.write(kind + "\n")
        self.process.stdin.flush()
        turn: Turn = json.loads(self._line())
        return turn

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.log.seek(0)
            raise RuntimeError(f"a benchmark process stopped:\n{self.log.read()[-3000:]}")
        return line.strip()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()  # end of input: the process closes its app and ends
        self.process.wait(timeout=60)


@contextmanager
def worktree(revision: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "tree"
        git = ["git", "-C", str(ROOT)]
        subprocess.run([*git, "worktree", "add", "--detach", str(tree), revision], check=True)
        try:
            yield tree
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=True)


@contextmanager
def sides(trees: tuple[Path, Path], size: str) -> Iterator[tuple[Side, Side]]:
    with tempfile.TemporaryFile("w+") as log_a, tempfile.TemporaryFile("w+") as log_b:
        pair = (Side(trees[0], size, log_a), Side(trees[1], size, log_b))
        try:
            for side in pair:
                side.wait_ready()
            yield pair
        finally:
            for side in pair:
                if side.process.poll() is None:
                    side.close()


def compare(revision: str, rounds: int, size: str) -> dict[str, list[tuple[Turn, Turn]]]:
    """Per kind, one (REV, this checkout) pair of turns per round."""
    results: dict[str, list[tuple[Turn, Turn]]] = {kind: [] for kind in KINDS}
    with worktree(revision) as other, sides((other, ROOT), size) as (before, after):
        for number in range(rounds):
            for index, kind in enumerate(KINDS):
                if (number + index) % 2 == 0:  # ABBA: alternate who goes first
                    theirs = before.run(kind)
                    ours = after.run(kind)
                else:
                    ours = after.run(kind)
                    theirs = before.run(kind)
                results[kind].append((theirs, ours))
            print(f"round {number + 1}: " + round_line(revision, results), flush=True)
    return results


def round_line(revision: str, results: dict[str, list[tuple[Turn, Turn]]]) -> str:
    parts = []
    for kind, turns in results.items():
        before, after = turns[-1]
        parts.append(f"{kind} {revision} {before['us']:.1f} us, this checkout {after['us']:.1f} us")
    return "; ".join(parts)


def summary(revision: str, results: dict[str, list[tuple[Turn, Turn]]]) -> str:
    """Per kind: the median ratio of wall time per event, and the loop thread's CPU time."""
    lines = []
    for kind, turns in results.items():
        ratios = [before["us"] / after["us"] for before, after in turns]
        on_cpu = [before["cpu_us"] / after["cpu_us"] for before, after in turns]
        lines.append(
            f"{kind}: this checkout / {revision} x{statistics.median(ratios):.3f} events/s "
            f"(median of {len(ratios)} rounds; x{min(ratios):.3f} to x{max(ratios):.3f}; "
            f"faster in {sum(ratio > 1 for ratio in ratios)}); "
            f"{_median(turns, 1, 'us'):.1f} against {_median(turns, 0, 'us'):.1f} us an event; "
            f"the loop's CPU time x{statistics.median(on_cpu):.3f}"
        )
    return "\n".join(lines)


def _median(turns: list[tuple[Turn, Turn]], side: int, figure: str) -> float:
    return statistics.median(pair[side][figure] for pair in turns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("revision", help="a git revision to compare with, e.g. HEAD~3")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--size", choices=("full", "tiny"), default="full")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    print(summary(args.revision, compare(args.revision, args.rounds, args.size)))


if __name__ == "__main__":
    main()
