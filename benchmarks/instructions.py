"""Instructions per event, counted by valgrind: a measure the VM's drifting speed cannot move.

    .venv/bin/python -m benchmarks.instructions [--events 400] [--members 400]

For each kind (votes, answers, quiz answers) it runs two processes under
`valgrind --tool=callgrind`: one sets up a community and stops, the others
set up the same community and then handles `--events` events of that kind
(50 in flight). The difference, divided by the events, is what one event
costs in instructions: the same to a few parts in a million from run to run
on this project's VM, where wall time per event drifts by up to 2x. It counts
instructions, not time (a cache miss costs nothing here), so use it to
compare revisions of the same code path; `benchmarks.compare` and
`benchmarks.run` remain the measure of speed. String hashing is seeded
(PYTHONHASHSEED=0); the standings follower and the WAL checkpoints, whose
threads do work that depends on timing, are switched off. One process takes
about a minute under valgrind; two run at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from adapters.console.memory import MemoryAdapter
from benchmarks import run as bench
from benchmarks.turns import prepare, press
from bot import runtime
from bot.envelope import ButtonPress, Outgoing
from bot.storage import db as storage_db
from bot.storage.standings import Standings

KINDS = ("votes", "answers", "quiz_answers")
IN_FLIGHT = 50


async def handle_events(folder: Path, kind: str, events: int, members: int) -> int:
    """Set up a community, then handle `events` events of `kind`; how many were handled."""
    app, bot = await bench.new_app(folder, "instructions")
    try:
        names = [f"m{i}" for i in range(members)]
        votes, presses = await prepare(app, bot, names)
        calls = _calls(bot, kind, names, votes, presses)[:events]
        # In both processes alike, so that only the events differ (the benchmark
        # freezes again before the events: by then a cheap, young collection).
        gc.collect()
        gc.freeze()
        if calls:
            await bench.run_concurrently(calls, IN_FLIGHT, [])
        return len(calls)
    finally:
        await app.close()


def _calls(
    bot: MemoryAdapter,
    kind: str,
    names: list[str],
    votes: list[ButtonPress],
    presses: dict[str, ButtonPress],
) -> list[Callable[[], Awaitable[object]]]:
    if kind == "votes":
        return [partial(bot.app.handle, vote) for vote in votes]
    if kind == "answers":
        return [partial(bot.command, m, f"/answer take one from {m}", "today") for m in names]
    replies: list[Outgoing] = []
    return [partial(press, bot.app, presses[m], replies) for m in names]


def child(kind: str, events: int, members: int) -> None:
    Standings.follow = lambda self: None  # type: ignore[method-assign]
    storage_db.CHECKPOINT_EVERY_S = float("inf")

    async def main() -> None:
        with tempfile.TemporaryDirectory() as folder:
            handled = await handle_events(Path(folder), kind, events, members)
        if handled != events:
            raise SystemExit(f"only {handled} {kind} to handle; raise --members")

    getattr(runtime, "run", asyncio.run)(main())


def count(kind: str, events: int, members: int) -> int:
    """Instructions of one child process, as callgrind totals them."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "benchmarks.instructions",
        "--child",
        kind,
        "--events",
        str(events),
        "--members",
        str(members),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = re.search(r"refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.events, args.members)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    jobs = [("votes", 0), *((kind, args.events) for kind in KINDS)]
    with ThreadPoolExecutor(2) as pool:  # one valgrind per core
        set_up, *totals = pool.map(lambda job: count(job[0], job[1], args.members), jobs)
    for kind, total in zip(KINDS, totals, strict=True):
        print(f"{kind}: {(total - set_up) / args.events:,.0f} instructions an event")


if __name__ == "__main__":
    main()
