"""Time buddy matching for a 2,000-member pool with six rounds of history.

    .venv/bin/python benchmarks/buddies_matching.py [--members 2000] [--size 2] [--repeat 3]

The history is made the way production makes it: by matching the same pool
six times before the measured round. Prints the best wall and CPU time of
the measured round (CPU time does not suffer from a busy machine), the
group sizes, and how many pairs repeat (0 is the goal).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.bank import AREAS
from bot.buddies.matching import Candidate, Scorer, form_groups, pairs_in

ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
ROUND_ONE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINDOW = 6


def pool(members: int, seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    return [
        Candidate(
            id=number,
            timezone=rng.choice(ZONES),
            areas=frozenset(rng.sample(AREAS, rng.randint(1, 4))),
            level=rng.choice(("junior", "mid", "senior")),
            role=rng.choice(("interviewer", "interviewee", "both")),
        )
        for number in range(1, members + 1)
    ]


def with_history(candidates: list[Candidate], size: int) -> dict[tuple[int, int], int]:
    history: dict[tuple[int, int], int] = {}
    for number in range(1, WINDOW + 1):
        when = ROUND_ONE + timedelta(weeks=number - 1)
        groups = form_groups(candidates, history, group_size=size, seed=number, when=when)
        history = {pair: ago + 1 for pair, ago in history.items() if ago < WINDOW}
        history.update({pair: 1 for group in groups for pair in pairs_in(group)})
    return history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--size", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    candidates = pool(args.members, seed=1)
    history = with_history(candidates, args.size)
    when = ROUND_ONE + timedelta(weeks=WINDOW)
    timings, cpu, groups = [], [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        groups = form_groups(candidates, history, group_size=args.size, seed=99, when=when)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    repeats = Scorer(candidates, history, WINDOW, when).total_repeats(groups)
    counts = sorted(Counter(map(len, groups)).items())
    sizes = ", ".join(f"{count}x{size}" for size, count in counts)
    print(
        f"buddies matching: {args.members} members, group size {args.size}, "
        f"{len(history)} pairs in history: best {min(timings):.3f} s wall, "
        f"{min(cpu):.3f} s CPU (of {args.repeat}); groups {sizes}; repeats {repeats}"
    )


if __name__ == "__main__":
    main()
