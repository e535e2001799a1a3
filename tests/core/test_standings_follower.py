"""The standings follow the ledger from a file of their own, and stay exact."""

from __future__ import annotations

import asyncio
import contextlib
import random
import shutil
import sqlite3
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.resources import migrations_dir
from bot.storage import Database, Tx, ledger, migrate, standings
from bot.storage.ledger import ALL_TIME, Window
from bot.storage.standings import standings_path

START = datetime(2026, 1, 30, 22, 0, tzinfo=UTC)  # weeks and months turn over in the run
Tables = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


async def open_db(path: Path | str) -> Database:
    db = await Database.open(path)
    await migrate(db, migrations_dir())
    return db


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_db(tmp_path / "s.db")
    await add_channels_and_members(database)
    yield database
    await database.close()


async def add_channels_and_members(db: Database) -> None:
    async def rows(tx: Tx) -> None:
        for channel in (1, 2):
            await tx.execute(
                "INSERT INTO channels (id, platform, workspace, native_id, timezone, "
                "created_at, updated_at) VALUES (?, 'console', 'local', ?, ?, '', '')",
                (channel, f"c{channel}", "UTC" if channel == 1 else "Asia/Tokyo"),
            )
        for member in range(1, 31):
            await tx.execute(
                "INSERT INTO members (id, platform, workspace, native_id, display_name, "
                "created_at) VALUES (?, 'console', 'local', ?, '', '')",
                (member, f"m{member}"),
            )

    await db.write(rows)


async def add_random_points(db: Database, rng: random.Random, count: int) -> None:
    async def rows(tx: Tx) -> None:
        for step in range(count):
            await ledger.add_points(
                tx,
                rng.randrange(1, 31),
                rng.choice((1, 2, None)),  # no channel: on no leaderboard
                "test",
                rng.choice((10, 5, 2, 2, -2)),
                START + timedelta(hours=3 * step + rng.randrange(3)),
                area=rng.choice(("trees", "nlp", None)),
            )

    await db.write(rows)


async def tables(db: Database) -> Tables:
    await db.standings.current()
    standings = await db.fetchall(
        "SELECT w.channel_id, w.period, w.area, s.member_id, s.points, s.first_id "
        "FROM st.standings s JOIN st.windows w ON w.id = s.window_id ORDER BY 1, 2, 3, 4"
    )
    counts = await db.fetchall(
        "SELECT w.channel_id, w.period, w.area, c.points, c.members "
        "FROM st.standing_counts c JOIN st.windows w ON w.id = c.window_id "
        "WHERE c.members > 0 ORDER BY 1, 2, 3, 4"
    )
    return [tuple(r) for r in standings], [tuple(r) for r in counts]


def brute_force(rows: list[sqlite3.Row]) -> Tables:
    """Every window's totals and counts straight from the ledger rows."""
    totals: dict[tuple[object, ...], list[int]] = {}
    for row_id, member, channel, points, area, week, month in rows:
        if channel is None:
            continue
        for period in ("all", week, month):
            for window_area in {"", area or ""}:  # overall, and in its area if it has one
                if period:
                    total = totals.setdefault((channel, period, window_area, member), [0, row_id])
                    total[0] += points
    standings = sorted((*key, total, first) for key, (total, first) in totals.items())
    counted: dict[tuple[object, ...], int] = {}
    for channel, period, area, _, points, _ in standings:
        key = (channel, period, area, points)
        counted[key] = counted.get(key, 0) + 1
    return standings, sorted((*key, n) for key, n in counted.items())


async def settled(db: Database) -> None:
    """Wait until the follower has nothing left to do (no fold queued or running)."""
    while db.standings._folding is not None:
        await db.standings._folding


async def ledger_rows(db: Database) -> list[sqlite3.Row]:
    return await db.fetchall(
        "SELECT id, member_id, channel_id, points, area, week, month FROM ledger ORDER BY id"
    )


class Recording:
    """The follower's connection, noting whether each fold rebuilt or folded rows."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.folds: list[str] = []
        self._emptied = False  # a rebuild empties the standings, then folds everything

    def execute(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
        if sql.startswith("DELETE FROM main.standings"):
            self.folds.append("rebuild")
            self._emptied = True
        elif sql.startswith("INSERT INTO main.standings"):
            if not self._emptied:
                self.folds.append("fold")
            self._emptied = False
        return self.conn.execute(sql, params)

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction


@contextlib.contextmanager
def recorded(db: Database) -> Iterator[Recording]:
    recording = Recording(db.standings._conn)
    db.standings._conn = recording  # type: ignore[assignment]
    try:
        yield recording
    finally:
        db.standings._conn = recording.conn


async def fold_in_small_steps(db: Database, rng: random.Random) -> list[str]:
    """A large first commit, then small ones, each folded before the next."""
    with recorded(db) as recording:
        await add_random_points(db, rng, 400)
        await db.standings.current()
        for _ in range(10):
            await add_random_points(db, rng, 20)
            await db.standings.current()
        await settled(db)
    return recording.folds


async def test_folding_row_by_row_matches_a_brute_force_count(db: Database) -> None:
    folds = await fold_in_small_steps(db, random.Random(11))
    assert folds[0] == "rebuild"  # nothing folded yet: the whole ledger is new
    assert folds[1:] == ["fold"] * 10  # each step is a small part of the ledger
    assert await tables(db) == brute_force(await ledger_rows(db))


async def test_a_rebuild_gives_the_same_tables_as_folding(db: Database) -> None:
    await fold_in_small_steps(db, random.Random(12))
    folded = await tables(db)
    db.standings._conn.execute("UPDATE applied SET through = 0")  # as a new file would be
    db.standings.follow()
    await settled(db)
    assert await tables(db) == folded


async def test_a_follower_far_behind_rebuilds(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(standings, "REBUILD_AFTER_ROWS", 100)
    await fold_in_small_steps(db, random.Random(13))
    with recorded(db) as recording:
        await add_random_points(db, random.Random(14), 400)  # over a fifth of the ledger
        await db.standings.current()
    assert recording.folds == ["rebuild"]
    assert await tables(db) == brute_force(await ledger_rows(db))


async def test_a_small_ledger_folds_even_when_far_behind(db: Database) -> None:
    await fold_in_small_steps(db, random.Random(15))
    with recorded(db) as recording:
        await add_random_points(db, random.Random(16), 1000)  # most of it, but few rows
        await db.standings.current()
    assert recording.folds == ["fold"]
    assert await tables(db) == brute_force(await ledger_rows(db))


async def community_with_points(path: Path, seed: int) -> Database:
    db = await open_db(path)
    await add_channels_and_members(db)
    await add_random_points(db, random.Random(seed), 300)
    return db


async def test_a_lost_standings_file_is_rebuilt_at_start(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    db = await community_with_points(path, 13)
    before = await tables(db)
    await db.close()
    standings_path(str(path)).unlink()
    reopened = await open_db(path)
    try:
        assert await tables(reopened) == before
    finally:
        await reopened.close()


async def test_a_standings_file_from_an_older_version_is_emptied_and_rebuilt(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    db = await community_with_points(path, 17)
    before = await tables(db)
    await db.close()
    with contextlib.closing(sqlite3.connect(standings_path(str(path)))) as old:
        old.execute("UPDATE standings SET points = points + 1000")  # what it may hold is stale
        old.execute("CREATE VIEW feed AS SELECT 1")  # version 2 folded through a view
        old.execute("PRAGMA user_version = 2")
        old.commit()
    reopened = await open_db(path)
    try:
        assert await tables(reopened) == before
        kept = await reopened.fetchall("SELECT name FROM st.sqlite_master WHERE type = 'view'")
        assert kept == []
    finally:
        await reopened.close()


async def test_points_committed_by_another_process_are_on_the_next_leaderboard(
    db: Database,
) -> None:
    other = await open_db(db.path)  # its own connections and follower, like a second process
    try:
        await add_random_points(other, random.Random(14), 40)
        expected = brute_force(await ledger_rows(db))
        assert await tables(db) == expected
        window = Window(1, period=ALL_TIME)
        top = await ledger.top(db, window)
        best = max((s for s in expected[0] if s[:3] == (1, "all", "")), key=lambda s: s[4])
        assert top and top[0].points == best[4]
    finally:
        await other.close()


async def test_a_fold_that_fails_reaches_the_reader_and_the_next_one_recovers(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_random_points(db, random.Random(15), 20)
    await settled(db)
    folding = db.standings._fold

    def broken() -> int:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(db.standings, "_fold", broken)
    await add_random_points(db, random.Random(16), 20)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        await db.standings.current()
    monkeypatch.setattr(db.standings, "_fold", folding)
    assert await tables(db) == brute_force(await ledger_rows(db))


async def test_in_memory_standings_are_folded_at_each_commit() -> None:
    db = await open_db(":memory:")
    try:
        await add_channels_and_members(db)
        await add_random_points(db, random.Random(17), 200)
        assert await tables(db) == brute_force(await ledger_rows(db))
    finally:
        await db.close()


async def test_a_reader_does_not_wait_out_the_pause_between_folds(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(standings, "FOLD_PAUSE_S", 3600.0)
    rng = random.Random(18)
    await add_random_points(db, rng, 10)
    await add_random_points(db, rng, 10)  # folded after the pause, unless someone asks
    await asyncio.wait_for(db.standings.current(), timeout=30)
    assert await tables(db) == brute_force(await ledger_rows(db))


def brute_force_board(rows: list[sqlite3.Row], window: Window) -> list[tuple[int, int, int]]:
    """(rank, member, points) of everyone above zero in `window`, best first."""
    standings, _ = brute_force(rows)
    key = (window.channel_id, window.period, window.area or "")
    ranked = sorted((-s[4], s[5], s[3]) for s in standings if s[:3] == key and s[4] > 0)
    return [(1 + sum(p < minus for p, _, _ in ranked), m, -minus) for minus, _, m in ranked]


def windows_of(rows: list[sqlite3.Row]) -> list[Window]:
    periods = {ALL_TIME} | {row["week"] for row in rows} | {row["month"] for row in rows}
    return [
        Window(channel, period=period, area=area)
        for channel in (1, 2)
        for period in sorted(periods - {""})
        for area in (None, "trees", "nlp")
    ]


async def assert_boards_exact(db: Database) -> None:
    """Every window's top 5 and every member's standing, against the ledger itself."""
    rows = await ledger_rows(db)
    for window in windows_of(rows):
        expected = brute_force_board(rows, window)
        top = await ledger.top(db, window, limit=5)
        assert [(s.rank, s.member_id, s.points) for s in top] == expected[:5], window
        for member in range(1, 31):
            mine = await ledger.standing_of(db, window, member)
            found = [(r, m, p) for r, m, p in expected if m == member]
            assert ([(mine.rank, member, mine.points)] if mine else []) == found, (window, member)


async def folded_through(db: Database) -> int:
    return int(await db.fetchval("SELECT through FROM st.applied"))


async def test_a_leaderboard_adds_the_rows_not_folded_yet_without_waiting(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await fold_in_small_steps(db, random.Random(22))
    monkeypatch.setattr(db.standings, "follow", lambda: None)  # the follower falls behind
    await add_random_points(db, random.Random(23), 150)  # new members, gains and losses
    newest = await db.fetchval("SELECT MAX(id) FROM ledger")
    assert await folded_through(db) < newest - 100
    await assert_boards_exact(db)
    assert await folded_through(db) < newest - 100  # no read waited for a fold


async def add_points_of(db: Database, *points: tuple[int, int]) -> None:
    """(member, points) rows in channel 1, in this order."""

    async def rows(tx: Tx) -> None:
        for member, amount in points:
            await ledger.add_points(tx, member, 1, "test", amount, START)

    await db.write(rows)


async def test_a_leader_whose_unfolded_points_are_negative_can_drop_out_of_the_top(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_points_of(db, (1, 10), (2, 9), (3, 8))
    await db.standings.current()
    monkeypatch.setattr(db.standings, "follow", lambda: None)
    await add_points_of(db, (1, -5))  # a withdrawn vote, not folded yet
    top = await ledger.top(db, Window(1), limit=2)
    assert [(s.member_id, s.points) for s in top] == [(2, 9), (3, 8)]
    mine = await ledger.standing_of(db, Window(1), 1)
    assert mine is not None and (mine.rank, mine.points) == (3, 5)


async def test_a_leaderboard_far_behind_waits_for_the_follower(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(standings, "MERGE_AT_MOST_ROWS", 50)
    monkeypatch.setattr(standings, "FOLD_PAUSE_S", 3600.0)
    await fold_in_small_steps(db, random.Random(24))
    await add_random_points(db, random.Random(25), 60)
    await add_random_points(db, random.Random(26), 60)  # folded after the pause, unless asked
    await ledger.top(db, Window(1))
    assert await folded_through(db) == await db.fetchval("SELECT MAX(id) FROM ledger")
    await assert_boards_exact(db)


async def test_standings_newer_than_a_restored_database_are_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    db = await community_with_points(path, 19)
    await db.standings.current()
    await db.close()
    backup = tmp_path / "backup.db"
    shutil.copy(path, backup)  # closed cleanly: the WAL is checkpointed into the file
    db = await open_db(path)
    await add_random_points(db, random.Random(20), 100)  # standings now fold past the backup
    await db.standings.current()
    await db.close()
    shutil.copy(backup, path)  # the database comes back from the backup; the standings stay
    restored = await open_db(path)
    try:
        await assert_boards_exact(restored)  # never read with the other ledger's standings
        await add_random_points(restored, random.Random(21), 30)
        assert await tables(restored) == brute_force(await ledger_rows(restored))
    finally:
        await restored.close()
