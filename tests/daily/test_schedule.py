"""Posting at local time, exactly once: zones, DST days, restarts, two processes."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.triggers.date import DateTrigger

from adapters.console.memory import MemoryAdapter
from bot.app import Studybot
from bot.clock import FakeClock
from bot.daily import cycle
from bot.daily.config import ChannelConfig
from bot.scheduler import Scheduler, channel_trigger
from bot.settings import Settings
from tests.daily.helpers import configure, posts, tick_at, utc


async def test_posts_at_local_time_in_two_zones(testbot: MemoryAdapter, clock: FakeClock) -> None:
    await configure(testbot, "berlin", "time:09:00 timezone:Europe/Berlin")
    await configure(testbot, "newyork", "time:09:00 timezone:America/New_York")
    await tick_at(testbot, clock, utc(2026, 1, 6, 7, 59))
    assert posts(testbot, "berlin") == [] and posts(testbot, "newyork") == []
    await tick_at(testbot, clock, utc(2026, 1, 6, 8, 0))  # 09:00 in Berlin (CET)
    assert len(posts(testbot, "berlin")) == 1 and posts(testbot, "newyork") == []
    await tick_at(testbot, clock, utc(2026, 1, 6, 14, 0))  # 09:00 in New York (EST)
    assert len(posts(testbot, "berlin")) == 1 and len(posts(testbot, "newyork")) == 1


async def tick_through(testbot: MemoryAdapter, clock: FakeClock, start: object, hours: int) -> list:
    """Tick every 10 minutes; return the UTC times at which posts appeared."""
    seen, times = 0, []
    clock.set(start)  # type: ignore[arg-type]
    for _ in range(hours * 6):
        await testbot.app.tick()
        if len(posts(testbot)) > seen:
            seen = len(posts(testbot))
            times.append(clock.now())
        clock.advance(minutes=10)
    return times


@pytest.mark.parametrize(
    ("zone", "local_time", "day", "expected_utc"),
    [
        # Spring forward: 02:30 does not exist, so it lands just after the gap.
        ("Europe/Berlin", "02:30", (2026, 3, 29), (2026, 3, 29, 1, 30)),
        ("Europe/Berlin", "09:00", (2026, 3, 29), (2026, 3, 29, 7, 0)),
        # Fall back: 02:30 happens twice; the first one counts.
        ("Europe/Berlin", "02:30", (2026, 10, 25), (2026, 10, 25, 0, 30)),
        ("Europe/Berlin", "09:00", (2026, 10, 25), (2026, 10, 25, 8, 0)),
        ("America/New_York", "02:30", (2026, 3, 8), (2026, 3, 8, 7, 30)),
        ("America/New_York", "01:30", (2026, 11, 1), (2026, 11, 1, 5, 30)),
        ("America/New_York", "09:00", (2026, 11, 1), (2026, 11, 1, 14, 0)),
    ],
)
async def test_daylight_saving_days_post_exactly_once(
    testbot: MemoryAdapter,
    clock: FakeClock,
    zone: str,
    local_time: str,
    day: tuple[int, int, int],
    expected_utc: tuple[int, ...],
) -> None:
    await configure(testbot, options=f"time:{local_time} timezone:{zone} reveal:1h")
    start = utc(*day) - timedelta(hours=12)
    times = await tick_through(testbot, clock, start, hours=36)
    assert utc(*expected_utc) in times
    posts_that_day = [t for t in times if abs(t - utc(*expected_utc)) < timedelta(hours=12)]
    assert posts_that_day == [utc(*expected_utc)]


def test_the_cron_trigger_fires_at_local_time_across_dst() -> None:
    config = ChannelConfig(1, "console", "w", "c", post_time="09:00", timezone="Europe/Berlin")
    trigger = channel_trigger(config)
    before = utc(2026, 3, 28, 12, 0)
    first = trigger.get_next_fire_time(None, before)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    assert first == utc(2026, 3, 29, 7, 0)  # 09:00 CEST
    assert second == utc(2026, 3, 30, 7, 0)


async def test_scheduler_rebuilds_jobs_from_the_database(
    testbot: MemoryAdapter, app: Studybot
) -> None:
    scheduler = Scheduler(app)
    await configure(testbot, "a", "time:07:15 timezone:Asia/Tokyo")
    await configure(testbot, "b")
    assert sorted(job.id for job in scheduler.scheduler.get_jobs()) == ["post:1", "post:2"]
    await testbot.command("admin", "/studybot pause", "a", admin=True)
    assert [job.id for job in scheduler.scheduler.get_jobs()] == ["post:2"]


async def test_a_wake_up_is_one_job_at_that_instant(app: Studybot) -> None:
    scheduler = Scheduler(app)
    when = utc(2026, 1, 6, 9, 0, 30)
    app.wake_at(when)
    app.wake_at(when)  # a second ask for the same instant
    (job,) = [job for job in scheduler.scheduler.get_jobs() if job.id.startswith("wake:")]
    assert isinstance(job.trigger, DateTrigger)
    assert job.trigger.run_date == when


async def test_a_running_scheduler_ticks_at_the_wake_up(app: Studybot) -> None:
    woken = asyncio.Event()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        ticks += 1
        if ticks == 2:  # the first is start()'s catch-up, the second the wake-up
            woken.set()

    app.tick = tick  # type: ignore[method-assign]
    scheduler = Scheduler(app)
    await scheduler.start()
    try:
        app.wake_at(datetime.now(UTC) + timedelta(milliseconds=200))
        await asyncio.wait_for(woken.wait(), timeout=5)  # the minute tick is far away
    finally:
        scheduler.shutdown()


async def restarted(settings: Settings, clock: FakeClock) -> tuple[Studybot, MemoryAdapter]:
    app = await Studybot.create(settings, clock=clock, rng=random.Random(1))
    return app, MemoryAdapter(app)


@pytest.mark.parametrize(("down_for", "posted"), [(timedelta(hours=5), 1), (timedelta(hours=7), 0)])
async def test_a_missed_post_is_made_on_restart_within_the_grace_window(
    settings: Settings, clock: FakeClock, down_for: timedelta, posted: int
) -> None:
    app, testbot = await restarted(settings, clock)
    await configure(testbot, options="time:09:00 timezone:UTC")
    await app.close()  # the bot goes down before 09:00
    clock.set(utc(2026, 1, 6, 9, 0) + down_for)
    app, testbot = await restarted(settings, clock)
    try:
        await app.tick()
        assert len(posts(testbot)) == posted
    finally:
        await app.close()


async def test_a_restart_after_posting_does_not_post_again(
    settings: Settings, clock: FakeClock
) -> None:
    app, testbot = await restarted(settings, clock)
    await configure(testbot)
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 0))
    assert len(posts(testbot)) == 1
    await app.close()
    app, testbot = await restarted(settings, clock)
    try:
        await tick_at(testbot, clock, utc(2026, 1, 6, 9, 5))
        assert posts(testbot) == []
    finally:
        await app.close()


async def test_two_schedulers_on_one_database_post_once(
    settings: Settings, clock: FakeClock
) -> None:
    first, first_bot = await restarted(settings, clock)
    second, second_bot = await restarted(settings, clock)
    try:
        await configure(first_bot)
        clock.set(utc(2026, 1, 6, 9, 0))
        for _ in range(3):
            await asyncio.gather(first.tick(), second.tick())
        assert len(posts(first_bot)) + len(posts(second_bot)) == 1
    finally:
        await first.close()
        await second.close()


async def test_a_failed_send_is_retried_once_the_claim_is_stale(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await configure(testbot)
    original = testbot.post
    calls = 0

    async def flaky(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("platform down")
        return await original(*args, **kwargs)  # type: ignore[arg-type]

    testbot.post = flaky  # type: ignore[method-assign,assignment]
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 0))
    assert posts(testbot) == []
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 2))  # claim still fresh: no double send
    assert posts(testbot) == []
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 6))
    assert len(posts(testbot)) == 1


async def test_no_repeat_until_the_pool_is_used_up(
    testbot: MemoryAdapter, clock: FakeClock
) -> None:
    await configure(testbot, options="time:09:00 timezone:UTC areas:llm difficulty:hard")
    pool = {q.id for q in testbot.app.bank.select(areas=["llm"], difficulty="hard")}
    for day in range(len(pool) + 1):
        await tick_at(testbot, clock, utc(2026, 1, 6, 9, 0) + timedelta(days=day))
    question_ids = await _posted_question_ids(testbot)
    assert len(question_ids) == len(pool) + 1
    assert set(question_ids[: len(pool)]) == pool
    assert question_ids[len(pool)] in pool


async def _posted_question_ids(testbot: MemoryAdapter) -> list[str]:
    rows = await testbot.app.db.fetchall("SELECT question_id FROM daily_posts ORDER BY local_date")
    return [row[0] for row in rows]


async def test_selection_is_deterministic_under_a_seed(tmp_path: Path, clock: FakeClock) -> None:
    sequences = []
    for run in range(2):
        settings = Settings(db=tmp_path / f"{run}.db", data_dir=tmp_path)
        app = await Studybot.create(settings, clock=clock, rng=random.Random(42))
        testbot = MemoryAdapter(app)
        await configure(testbot)
        for day in range(5):
            await tick_at(testbot, clock, utc(2026, 1, 6, 9, 0) + timedelta(days=day))
        sequences.append(await _posted_question_ids(testbot))
        await app.close()
    assert sequences[0] == sequences[1]
    assert len(set(sequences[0])) == 5


async def test_skip_skips_only_the_next_post(testbot: MemoryAdapter, clock: FakeClock) -> None:
    await configure(testbot)
    await testbot.command("admin", "/studybot skip", admin=True)
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 0))
    await tick_at(testbot, clock, utc(2026, 1, 6, 12, 0))
    assert posts(testbot) == []
    await tick_at(testbot, clock, utc(2026, 1, 7, 9, 0))
    assert len(posts(testbot)) == 1


async def test_pause_and_resume(testbot: MemoryAdapter, clock: FakeClock) -> None:
    await configure(testbot)
    await testbot.command("admin", "/studybot pause", admin=True)
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 0))
    assert posts(testbot) == []
    await testbot.command("admin", "/studybot resume", admin=True)
    await tick_at(testbot, clock, utc(2026, 1, 7, 9, 0))
    assert len(posts(testbot)) == 1


async def test_only_post_days_get_a_post(testbot: MemoryAdapter, clock: FakeClock) -> None:
    await configure(testbot, options="time:09:00 timezone:UTC days:weekdays")
    await tick_at(testbot, clock, utc(2026, 1, 10, 9, 0))  # a Saturday
    assert posts(testbot) == []
    await tick_at(testbot, clock, utc(2026, 1, 12, 9, 0))  # Monday
    assert len(posts(testbot)) == 1


async def test_a_tick_posts_while_later_channels_are_still_being_claimed(
    testbot: MemoryAdapter, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    channels = await channels_in_lots_of_two(testbot, monkeypatch, 5)
    steps = record_steps(testbot, monkeypatch)
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 0))
    assert steps.count("claim") == 3  # lots of 2, 2 and 1
    assert steps.index("post") < len(steps) - 1 - steps[::-1].index("claim")
    assert [len(posts(testbot, channel)) for channel in channels] == [1] * 5


async def test_a_lot_that_cannot_be_claimed_leaves_the_earlier_lots_posted(
    testbot: MemoryAdapter, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    channels = await channels_in_lots_of_two(testbot, monkeypatch, 4)
    claim_all = cycle.Cycle._claim_all
    lots = 0

    async def second_lot_fails(self: cycle.Cycle, *args: Any) -> list[cycle.Claim]:
        nonlocal lots
        lots += 1
        if lots == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return await claim_all(self, *args)

    monkeypatch.setattr(cycle.Cycle, "_claim_all", second_lot_fails)
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 0))  # the tick logs the error
    assert [len(posts(testbot, channel)) for channel in channels] == [1, 1, 0, 0]
    monkeypatch.setattr(cycle.Cycle, "_claim_all", claim_all)
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 1))  # the next tick claims the rest
    assert [len(posts(testbot, channel)) for channel in channels] == [1, 1, 1, 1]


async def channels_in_lots_of_two(
    testbot: MemoryAdapter, monkeypatch: pytest.MonkeyPatch, count: int
) -> list[str]:
    """`count` channels set up, which a tick works through two at a time."""
    channels = [f"c{i}" for i in range(count)]
    for channel in channels:
        await configure(testbot, channel)
    monkeypatch.setattr(cycle, "CLAIM_LOT", 2)
    return channels


def record_steps(testbot: MemoryAdapter, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """'claim' for each lot claimed and 'post' for each message sent, in order."""
    steps: list[str] = []
    claim_all, post = cycle.Cycle._claim_all, testbot.post

    async def claiming(self: cycle.Cycle, *args: Any) -> list[cycle.Claim]:
        steps.append("claim")
        return await claim_all(self, *args)

    async def posting(*args: Any, **kwargs: Any) -> Any:
        steps.append("post")
        return await post(*args, **kwargs)

    monkeypatch.setattr(cycle.Cycle, "_claim_all", claiming)
    monkeypatch.setattr(testbot, "post", posting)
    return steps


async def test_ticks_later_in_the_grace_window_choose_no_question_again(
    testbot: MemoryAdapter, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for channel in ("a", "b"):
        await configure(testbot, channel)
    chosen = calls_to(monkeypatch, "choose_question")
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 0))
    assert len(chosen) == 2
    await tick_at(testbot, clock, utc(2026, 1, 6, 9, 5))  # still due, already posted
    await tick_at(testbot, clock, utc(2026, 1, 6, 14, 0))
    assert len(chosen) == 2
    assert [len(posts(testbot, channel)) for channel in ("a", "b")] == [1, 1]


async def test_a_posted_weekly_leaderboard_is_not_claimed_again(
    testbot: MemoryAdapter, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await configure(testbot)
    posting = calls_to(monkeypatch, "post_leaderboard")
    await tick_at(testbot, clock, utc(2026, 1, 12, 9, 0))  # Monday
    await tick_at(testbot, clock, utc(2026, 1, 12, 9, 1))
    assert len(posting) == 1
    assert len([d for d in testbot.public() if d.message.kind == "leaderboard"]) == 1


def calls_to(monkeypatch: pytest.MonkeyPatch, method: str) -> list[tuple[Any, ...]]:
    """The arguments of every call to `cycle.Cycle.<method>` from now on."""
    calls: list[tuple[Any, ...]] = []
    original = getattr(cycle.Cycle, method)

    def recording(self: cycle.Cycle, *args: Any) -> Any:
        calls.append(args)
        return original(self, *args)

    monkeypatch.setattr(cycle.Cycle, method, recording)
    return calls
