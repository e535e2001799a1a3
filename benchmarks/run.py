"""Measure the core the way a large community loads it.

    .venv/bin/python -m benchmarks.run [--size tiny|full] [--out FILE]

Prints a table and writes the figures as JSON (default
benchmarks/results/latest.json). The community is built through the core's
own API: members act through the in-memory adapter; the leaderboard's ledger
is filled through the storage API the features use.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import NamedTuple

from adapters.console.memory import MemoryAdapter
from bot import runtime
from bot.app import Studybot
from bot.bank import AREAS
from bot.clock import FakeClock
from bot.envelope import (
    ButtonPress,
    ChannelRef,
    CommandInvocation,
    Context,
    Message,
    Outgoing,
    PostRef,
    UserRef,
)
from bot.registry import action_id
from bot.runtime import tune_garbage_collector
from bot.settings import Settings
from bot.storage import Tx, ledger
from bot.storage.common import member_id
from bot.storage.ledger import Window

SIZES = {
    "tiny": {
        "members": 50,
        "concurrency": 10,
        "rate": 500,
        "ledger_members": 500,
        "ledger_rows": 5_000,
        "channels": 50,
        "posts_per_s": 1_000,
        "raw_commits": 500,
        "queries": 20,
        "points_per_s": 500,
    },
    "full": {
        "members": 5_000,
        "concurrency": 200,
        "rate": 10_000,
        "ledger_members": 100_000,
        "ledger_rows": 1_000_000,
        "channels": 5_000,
        "posts_per_s": 1_000,
        "raw_commits": 20_000,
        "queries": 200,
        "points_per_s": 7_500,  # what 10,000 events/s add to the ledger
    },
}
START = datetime(2026, 1, 6, 8, 0, tzinfo=UTC)


@dataclass
class Latencies:
    samples: list[float]

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.samples)
        return {
            "count": len(ordered),
            "p50_ms": 1000 * ordered[len(ordered) // 2],
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        }


async def timed(call: Callable[[], Awaitable[object]], into: list[float]) -> None:
    began = time.perf_counter()
    await call()
    into.append(time.perf_counter() - began)


async def new_app(folder: Path, name: str) -> tuple[Studybot, MemoryAdapter]:
    settings = Settings(db=folder / f"{name}.db", data_dir=folder)
    app = await Studybot.create(settings, clock=FakeClock(START), rng=random.Random(1))
    tune_garbage_collector()  # as `studybot run` does
    return app, MemoryAdapter(app)


def freeze_the_load() -> None:
    """Take the load's own objects out of the collector's view before a measured phase.

    The prepared events (5,000 button presses with their contexts and users)
    and the transcript of the set-up belong to the load generator, which on a
    real platform is other people's computers; left in view, one collection of
    the middle generation walked 81,000 of them (20 ms, a loop stall inside the
    open loop at 5,000/s). What the bot itself makes stays in view.
    """
    gc.collect()
    gc.freeze()


async def run_concurrently(
    calls: list[Callable[[], Awaitable[object]]], limit: int, into: list[float]
) -> float:
    """Run the calls with at most `limit` in flight, timing each into `into`; the wall time."""
    queue = list(reversed(calls))
    freeze_the_load()
    began = time.perf_counter()

    async def worker() -> None:
        while queue:
            await timed(queue.pop(), into)

    await asyncio.gather(*(worker() for _ in range(limit)))
    return time.perf_counter() - began


async def bench_events(
    folder: Path, size: dict[str, int], in_flight: int, name: str = "events"
) -> dict[str, object]:
    """Answer submissions, votes and quiz answers from many concurrent members.

    Each event goes through the whole core path and is durable before its
    reply. The three kinds run one after the other, each with `in_flight`
    events in flight.
    """
    app, bot = await new_app(folder, name)
    try:
        await bot.command("admin", "/studybot setup time:09:00 timezone:UTC", admin=True)
        await bot.command("admin", "/studybot post-now", admin=True)
        members = [f"m{i}" for i in range(size["members"])]
        timings: dict[str, list[float]] = {"answers": [], "votes": [], "quiz_answers": []}
        walls = [
            await run_concurrently(
                [typed_answer(app, bot.context(m, "general"), m) for m in members],
                in_flight,
                timings["answers"],
            )
        ]
        votes = await reveal_for_votes(app, bot, members)
        walls.append(
            await run_concurrently(
                [partial(app.handle, e) for e in votes],
                in_flight,
                timings["votes"],
            )
        )
        presses = [await first_quiz_option(bot, m) for m in members]
        walls.append(
            await run_concurrently(
                [partial(app.handle, e) for e in presses],
                in_flight,
                timings["quiz_answers"],
            )
        )
        await expect_rows(app, answers=len(members), votes=len(members), quiz_answers=len(members))
        everything = [t for samples in timings.values() for t in samples]
        return {
            "in_flight": in_flight,
            **{kind: Latencies(samples).summary() for kind, samples in timings.items()},
            "events_per_s": len(everything) / sum(walls),
            **{f"all_{k}": v for k, v in Latencies(everything).summary().items()},
        }
    finally:
        await app.close()


async def bench_events_at_rate(folder: Path, size: dict[str, int], rate: int) -> dict[str, object]:
    """The same three kinds of event, interleaved, arriving at a steady rate (an open loop).

    Events arrive on schedule whether or not earlier ones are done, as members'
    do, and each latency runs from the event's scheduled arrival: a core that
    falls behind sees its queue, and so its latencies, grow. This is the p99 at
    the target rate; with a fixed number in flight (a closed loop) the mean
    latency is that number / throughput whatever the core does (Little's law).
    """
    app, bot = await new_app(folder, f"events-at-{rate}")
    try:
        members = [f"m{i}" for i in range(size["members"])]
        votes = await revealed_answers_to_vote_on(app, bot, members)
        await bot.command("admin", "/studybot setup time:09:00 timezone:UTC", "today", admin=True)
        await bot.command("admin", "/studybot post-now", "today", admin=True)
        presses = [await first_quiz_option(bot, m) for m in members]
        calls: list[Callable[[], Awaitable[object]]] = []
        for member, vote, press in zip(members, votes, presses, strict=True):
            calls += [
                typed_answer(app, bot.context(member, "today"), member),
                partial(app.handle, vote),
                partial(app.handle, press),
            ]
        samples: list[float] = []
        wakes: list[Wake] = []
        freeze_the_load()  # before the clocks start: a full collection, 46-77 ms
        ticks, loop_cpu = cpu_ticks(), time.thread_time()
        wall = await arrive_at_rate(calls, rate, samples, wakes)
        loop_cpu, stolen = time.thread_time() - loop_cpu, stolen_pct(ticks, cpu_ticks())
        spells = held_off(wakes)
        # Each member answered in #general during the set-up, and in #today here.
        everyone = len(members)
        await expect_rows(app, answers=2 * everyone, votes=everyone, quiz_answers=everyone)
        return {
            "rate": rate,
            "events_per_s": len(calls) / wall,
            **{f"all_{k}": v for k, v in Latencies(samples).summary().items()},
            "loop_busy_pct": 100 * loop_cpu / wall,
            "cpu_stolen_pct": stolen,
            "held_off": len(spells),
            "held_off_longest_ms": 1000 * max(spells, default=0.0),
            "held_off_total_ms": 1000 * sum(spells),
        }
    finally:
        await app.close()


def typed_answer(
    app: Studybot, ctx: Context, member: str
) -> Callable[[], Awaitable[list[Outgoing]]]:
    """A member's answer as Slack and the console deliver it: a typed line, which the
    core's registry parses, then the core handles.

    Into `app.handle`, as the votes and quiz answers go: what the console adapter
    adds around it (a transcript of every reply) is the load generator's, not the bot's.
    """

    async def answer() -> list[Outgoing]:
        command, raw = app.registry.parse(f"/answer answer from {member}")
        return await app.handle(CommandInvocation(ctx, command.name, raw))

    return answer


async def expect_rows(app: Studybot, **tables: int) -> None:
    """Check the events took effect: a reply can be an error message, which the timing
    alone would count as handled."""
    for table, expected in tables.items():
        found = await app.db.fetchval(f"SELECT count(*) FROM {table}")
        if found != expected:
            raise RuntimeError(f"{table}: {found} rows after the phase, expected {expected}")


def cpu_ticks() -> list[int] | None:
    """The machine's CPU time counters (user, nice, system, idle, iowait, irq, softirq,
    steal...), or None where there is no /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            return [int(field) for field in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def stolen_pct(before: list[int] | None, after: list[int] | None) -> float | None:
    """The share of the CPU time in between that a hypervisor gave to other machines."""
    if before is None or after is None or len(before) < 8:
        return None
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent[:8])  # guest time is already in user time
    return 100 * spent[7] / total if total else 0.0


async def revealed_answers_to_vote_on(
    app: Studybot, bot: MemoryAdapter, members: list[str]
) -> list[ButtonPress]:
    """Yesterday's question in #general, answered by everyone and revealed: a vote each."""
    await bot.command("admin", "/studybot setup time:09:00 timezone:UTC", admin=True)
    await bot.command("admin", "/studybot post-now", admin=True)
    for member in members:
        await bot.command(member, f"/answer answer from {member}")
    return await reveal_for_votes(app, bot, members)


async def reveal_for_votes(
    app: Studybot, bot: MemoryAdapter, members: list[str]
) -> list[ButtonPress]:
    """Reveal #general's answers; each member's press of the upvote on the next one's."""
    await bot.command("admin", "/studybot reveal-now", admin=True)
    ids = [r[0] for r in await app.db.fetchall("SELECT id FROM answers ORDER BY id")]
    return [
        ButtonPress(bot.context(m, "general"), action_id("vote", ids[(i + 1) % len(ids)]))
        for i, m in enumerate(members)
    ]


ARRIVAL_TICK_S = 0.001
HELD_OFF_S = 0.002


class Wake(NamedTuple):
    """One wake of the arrivals: when it was asked for, when it came, and the loop
    thread's CPU time then."""

    due: float
    woke: float
    cpu: float


def held_off(wakes: Sequence[Wake], least: float = HELD_OFF_S) -> list[float]:
    """Spells of at least `least` s in which the loop had work but was not on a CPU
    (the VM took it away, or the thread slept in the kernel), from the arrivals' wakes.

    Between two wakes the loop's thread is on a CPU, idle, or held off. Idle
    ends at the wake, on time; running late on a CPU is the loop's own work. So
    the part of a wake's lateness that the thread spent off any CPU was spent
    held off, to within the idle time before it (under a tick).
    """
    spells = []
    for before, after in itertools.pairwise(wakes):
        off_cpu = (after.woke - before.woke) - (after.cpu - before.cpu)
        held = min(after.woke - after.due, off_cpu)
        if held >= least:
            spells.append(held)
    return spells


async def arrive_at_rate(
    calls: list[Callable[[], Awaitable[object]]],
    rate: int,
    into: list[float],
    wakes: list[Wake] | None = None,
) -> float:
    """Start call i at i / rate seconds, each timed from then into `into`; the wall time.

    The arrivals wake at most once a millisecond (uvloop's timer granularity)
    and start every call that is due: never early, up to about a millisecond
    late, and that lateness counts in the call's latency. A sleep per call
    had ended at once whenever it was under a millisecond, so calls started
    up to 0.2 ms before they were due. (Either way the load costs the loop
    12-23 us a call here: on this VM each wake from an idle loop costs 60-120
    us of CPU.)

    Only calls still running are kept, as a server forgets a request once it
    is answered. Holding all 15,000 finished tasks had fed the garbage
    collector: at 5,000/s, 11-12 young collections and one of 19-31 ms in
    the middle generation per run; now two young ones. Each wake goes into
    `wakes`, for `held_off`.
    """
    running: set[asyncio.Task[None]] = set()
    failures: list[BaseException] = []

    async def arrive(call: Callable[[], Awaitable[object]], due: float) -> None:
        try:
            await call()
        except Exception as error:  # reported after the run, not lost with the task
            failures.append(error)
        into.append(time.perf_counter() - due)

    began = time.perf_counter()
    started = 0
    while started < len(calls):
        now = time.perf_counter()
        while started < len(calls) and (due := began + started / rate) <= now:
            task = asyncio.create_task(arrive(calls[started], due))
            running.add(task)
            task.add_done_callback(running.discard)
            started += 1
        if started < len(calls):
            pause = max(ARRIVAL_TICK_S, due - now)
            asked = time.perf_counter()
            await asyncio.sleep(pause)
            if wakes is not None:
                wakes.append(Wake(asked + pause, time.perf_counter(), time.thread_time()))
    await asyncio.gather(*running)
    if failures:
        raise failures[0]
    return time.perf_counter() - began


async def first_quiz_option(bot: MemoryAdapter, member: str) -> ButtonPress:
    """Start a private quiz for `member`; the press of the first option of its question."""
    for reply in await bot.command(member, "/quiz"):
        for button in reply.all_buttons() if isinstance(reply, Message) else ():
            if button.action_id.startswith(action_id("quiz-answer")):
                return ButtonPress(bot.context(member, "general"), button.action_id)
    raise AssertionError(f"/quiz showed {member} no options")


def bench_raw_sqlite(folder: Path, commits: int) -> float:
    """One-row commits per second with the same pragmas: the machine's ceiling."""
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    began = time.perf_counter()
    for i in range(commits):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", (i,))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return commits / elapsed


async def bench_leaderboard(folder: Path, size: dict[str, int]) -> dict[str, object]:
    app, bot = await new_app(folder, "ledger")
    try:
        await bot.command("admin", "/studybot setup time:09:00 timezone:UTC", admin=True)
        channel = await app.db.fetchval("SELECT id FROM channels")
        rng = random.Random(3)
        members = size["ledger_members"]  # made as they act: the heap is the bot's, not ours

        async def fill(tx: Tx, batch: range) -> None:
            ids = [await member_id(tx, bot.user(f"u{i % members}"), START) for i in batch]
            for offset, who in zip(batch, ids, strict=True):
                when = START - timedelta(minutes=offset % (60 * 24 * 90))
                await ledger.add_points(
                    tx,
                    who,
                    channel,
                    "answer",
                    rng.choice((2, 5, 10)),
                    when,
                    area=AREAS[offset % len(AREAS)],
                )

        step = 20_000
        for first in range(0, size["ledger_rows"], step):
            batch = range(first, min(first + step, size["ledger_rows"]))
            await app.db.write(lambda tx, b=batch: fill(tx, b))  # type: ignore[misc]
        figures: dict[str, object] = {}
        began = time.perf_counter()
        await app.db.standings.current()  # the follower folds what the fill committed
        figures["caught_up_s"] = time.perf_counter() - began
        me = await member_id_of(app, bot.user("u0"))
        week = Window(channel, period=ledger.week_key(START.date()))
        for label, window in {
            "week": week,
            "month": Window(channel, period=ledger.month_key(START.date())),
            "all": Window(channel),
            "area": Window(channel, area=AREAS[0]),
        }.items():
            samples: list[float] = []
            for _ in range(size["queries"]):
                await timed(lambda w=window: top_and_rank(app, w, me), samples)  # type: ignore[misc]
            figures[label] = Latencies(samples).summary()
        rate = size["points_per_s"]
        samples = []
        points = asyncio.create_task(arriving(app, fill, rate, first=size["ledger_rows"]))
        try:
            await asyncio.sleep(0.5)  # the follower falls behind, as it does under load
            for _ in range(size["queries"]):
                await timed(lambda: top_and_rank(app, week, me), samples)
                await asyncio.sleep(0.01)
        finally:
            points.cancel()
            await asyncio.gather(points, return_exceptions=True)
        figures["week_while_points_arrive"] = {**Latencies(samples).summary(), "points_per_s": rate}
        return figures
    finally:
        await app.close()


async def arriving(
    app: Studybot, fill: Callable[[Tx, range], Awaitable[None]], rate: int, first: int
) -> None:
    """Ledger rows committed at `rate` a second, a hundredth of a second's worth at a time."""
    step = max(1, rate // 100)
    began = time.perf_counter()
    for batch_start in itertools.count(first, step):
        batch = range(batch_start, batch_start + step)
        await app.db.write(lambda tx, b=batch: fill(tx, b))  # type: ignore[misc]
        due = began + (batch_start + step - first) / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))


async def member_id_of(app: Studybot, user: object) -> int:
    return await app.db.write(lambda tx: member_id(tx, user, START))  # type: ignore[arg-type]


async def top_and_rank(app: Studybot, window: Window, me: int) -> None:
    await ledger.top(app.db, window)
    await ledger.standing_of(app.db, window, me)


class RateLimitedPoster:
    """A platform that accepts at most `rate` posts per second (a token bucket)."""

    def __init__(self, rate: int) -> None:
        self.interval = 1 / rate
        self.next_slot = time.perf_counter()
        self.count = 0

    async def post(
        self, channel: ChannelRef, message: Message, *, thread: PostRef | None = None
    ) -> PostRef:
        now = time.perf_counter()
        slot = max(now, self.next_slot)
        self.next_slot = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
        self.count += 1
        return PostRef(channel, str(self.count))

    async def open_group(self, members: Sequence[UserRef], about: ChannelRef) -> ChannelRef:
        raise NotImplementedError("the fan-out only posts in channels")

    async def send_private(self, user: UserRef, message: Message) -> PostRef:
        raise NotImplementedError("the fan-out only posts in channels")


async def bench_fanout(folder: Path, size: dict[str, int]) -> dict[str, object]:
    app, bot = await new_app(folder, "fanout")
    try:
        for i in range(size["channels"]):
            event = CommandInvocation(
                bot.context("admin", f"c{i}", admin=True),
                "studybot setup",
                {"time": "09:00", "timezone": "UTC"},
            )
            await app.handle(event)
        poster = RateLimitedPoster(size["posts_per_s"])
        app.attach("console", poster)
        assert isinstance(app.clock, FakeClock)
        app.clock.set(START.replace(hour=9))
        began = time.perf_counter()
        await app.tick()
        elapsed = time.perf_counter() - began
        bound = size["channels"] / size["posts_per_s"]
        return {
            "channels": size["channels"],
            "posted": poster.count,
            "seconds": elapsed,
            "bound_seconds": bound,
            "over_bound_pct": 100 * (elapsed / bound - 1),
        }
    finally:
        await app.close()


def bench_startup(folder: Path) -> dict[str, float]:
    """A fresh process: import, load the bank, open and migrate the database; then idle RSS."""
    code = (
        "import asyncio, time, resource\n"
        "t = time.perf_counter()\n"
        "from bot import runtime\nfrom bot.app import Studybot\nfrom bot.settings import Settings\n"
        "async def main():\n"
        f"    app = await Studybot.create(Settings(db={str(folder / 'start.db')!r}))\n"
        "    took = time.perf_counter() - t\n"
        "    await asyncio.sleep(0.5)\n"
        "    rss = int(open('/proc/self/statm').read().split()[1]) * resource.getpagesize()\n"
        "    print(took, rss / 2**20)\n"
        "    await app.close()\n"
        "runtime.run(main())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    took, rss = (float(x) for x in out.stdout.split())
    return {"startup_s": took, "idle_rss_mb": rss}


def bench_buddies(members: int) -> dict[str, float]:
    from benchmarks.buddies_matching import ROUND_ONE, WINDOW, pool, with_history
    from bot.buddies.matching import form_groups

    candidates = pool(members, seed=1)
    history = with_history(candidates, 2)
    when = ROUND_ONE + timedelta(weeks=WINDOW)
    began = time.perf_counter()
    form_groups(candidates, history, group_size=2, seed=99, when=when)
    return {"members": members, "seconds": time.perf_counter() - began}


# The events' p99 is read from the open loop at the target rate, latency counted
# from each event's arrival: with a fixed number in flight (the closed loop)
# the mean latency is that number / throughput whatever the core does, 20 ms at
# exactly 10,000/s with 200 in flight, so its p99 could only pass far above the
# target rate. The closed loop gives the throughput; both are printed in full.
TARGETS = {
    "events_per_s": (">=", 10_000),
    "events_arriving_p99_ms": ("<=", 20),
    "leaderboard_p99_ms": ("<=", 5),
    "leaderboard_loaded_p99_ms": ("<=", 5),  # ours: the same target while points arrive
    "fanout_over_bound_pct": ("<=", 10),
    "buddies_s": ("<=", 2),
    "startup_s": ("<=", 1.5),
    "idle_rss_mb": ("<=", 120),
}


def verdicts(results: dict[str, object]) -> dict[str, tuple[float, bool]]:
    events = results["events"]
    assert isinstance(events, dict)
    boards = results["leaderboard"]
    assert isinstance(boards, dict)
    fanout = results["fanout"]
    assert isinstance(fanout, dict)
    startup = results["startup"]
    assert isinstance(startup, dict)
    at_rate = results["events_at_rate"]
    assert isinstance(at_rate, list)
    at_target_rate = max(at_rate, key=lambda run: run["rate"])
    measured = {
        "events_per_s": events["events_per_s"],
        "events_arriving_p99_ms": at_target_rate["all_p99_ms"],
        "leaderboard_p99_ms": max(boards[w]["p99_ms"] for w in ("week", "month", "all", "area")),
        "leaderboard_loaded_p99_ms": boards["week_while_points_arrive"]["p99_ms"],
        "fanout_over_bound_pct": fanout["over_bound_pct"],
        "startup_s": startup["startup_s"],
        "idle_rss_mb": startup["idle_rss_mb"],
    }
    buddies = results.get("buddies")
    if isinstance(buddies, dict):
        measured["buddies_s"] = buddies["seconds"]
    out = {}
    for name, value in measured.items():
        op, target = TARGETS[name]
        out[name] = (float(value), value >= target if op == ">=" else value <= target)
    return out


async def run(size_name: str) -> dict[str, object]:
    size = SIZES[size_name]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results: dict[str, object] = {"size": size_name, "machine": machine()}
        results["events"] = await bench_events(folder, size, size["concurrency"])
        results["events_at_rate"] = [  # half the target rate, and the target rate
            await bench_events_at_rate(folder, size, rate)
            for rate in (size["rate"] // 2, size["rate"])
        ]
        raw = bench_raw_sqlite(folder, size["raw_commits"])
        results["raw_sqlite_commits_per_s"] = raw
        results["core_vs_raw_ratio"] = results["events"]["events_per_s"] / raw  # type: ignore[index]
        results["leaderboard"] = await bench_leaderboard(folder, size)
        results["fanout"] = await bench_fanout(folder, size)
        results["startup"] = bench_startup(folder)
        results["buddies"] = bench_buddies(2_000 if size_name == "full" else 100)
    return results


def machine() -> str:
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(results: dict[str, object]) -> str:
    lines = [f"studybot benchmarks ({results['size']}, {results['machine']})", ""]
    lines.append(f"{'figure':<28}{'measured':>14}  {'target':>10}  met")
    for name, (value, met) in verdicts(results).items():
        op, target = TARGETS[name]
        lines.append(f"{name:<28}{value:>14,.2f}  {op}{target:>8,}  {'yes' if met else 'NO'}")
    lines += ["", *details(results)]
    return "\n".join(lines)


def details(results: dict[str, object]) -> list[str]:
    """Every latency's p50/p99, and the figures behind the verdicts."""
    events, boards, fanout = results["events"], results["leaderboard"], results["fanout"]
    assert isinstance(events, dict) and isinstance(boards, dict) and isinstance(fanout, dict)
    lines = [f"{'latency':<44}{'p50 ms':>10}{'p99 ms':>10}{'count':>8}"]
    kinds = {
        f"{kind}, {events['in_flight']} in flight": events[kind]
        for kind in ("answers", "votes", "quiz_answers")
    }
    kinds[f"all events, {events['in_flight']} in flight"] = _all_events(events)
    at_rate = results.get("events_at_rate")
    for run in at_rate if isinstance(at_rate, list) else ():
        kinds[f"arriving at {run['rate']:,}/s"] = _all_events(run)
    kinds.update({_board_label(w, f): f for w, f in boards.items() if isinstance(f, dict)})
    for label, figures in kinds.items():
        lines.append(
            f"{label:<44}{figures['p50_ms']:>10.2f}{figures['p99_ms']:>10.2f}{figures['count']:>8}"
        )
    lines += [
        "",
        f"raw sqlite3 one-row commits/s: {results['raw_sqlite_commits_per_s']:,.0f}; "
        f"core events / raw commits: {results['core_vs_raw_ratio']:.2f}",
        *(_open_loop_line(run) for run in (at_rate if isinstance(at_rate, list) else ())),
        f"standings: caught up with the ledger fill {boards['caught_up_s']:.2f} s "
        "after its last commit",
        f"fan-out: {fanout['posted']:,} of {fanout['channels']:,} channels posted in "
        f"{fanout['seconds']:.2f} s against a bound of {fanout['bound_seconds']:.2f} s",
    ]
    return lines


def _open_loop_line(run: dict[str, object]) -> str:
    line = (
        f"arriving at {run['rate']:,}/s (open loop): {run['events_per_s']:,.0f}/s handled, "
        f"the event loop's thread busy {run['loop_busy_pct']:.0f}% of the time"
    )
    stolen = run["cpu_stolen_pct"]
    if stolen is not None:
        line += f"; the VM stole {stolen:.1f}% of the CPU time"
    return (
        f"{line}; the loop was held off its CPU {run['held_off']} times for "
        f"{HELD_OFF_S * 1000:g} ms or more, {run['held_off_total_ms']:.0f} ms in all, "
        f"the longest {run['held_off_longest_ms']:.1f} ms"
    )


def _board_label(window: str, figures: dict[str, object]) -> str:
    if "points_per_s" in figures:
        return f"leaderboard {window.split('_')[0]}, {figures['points_per_s']:,} points/s arriving"
    return f"leaderboard {window}"


def _all_events(run: dict[str, object]) -> dict[str, object]:
    return {"count": run["all_count"], "p50_ms": run["all_p50_ms"], "p99_ms": run["all_p99_ms"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/latest.json"))
    args = parser.parse_args()
    results = runtime.run(run(args.size))  # on the loop `studybot run` uses
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nfigures written to {args.out}")


if __name__ == "__main__":
    main()
