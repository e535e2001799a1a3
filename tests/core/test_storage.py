from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.storage import Database, Tx, walroom
from bot.storage import db as dbm
from bot.storage.bulk import BulkInsert


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "s.db")
    await database.write(lambda tx: tx.execute("CREATE TABLE notes (body TEXT NOT NULL)"))
    yield database
    await database.close()


async def count(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM notes"))


async def test_pragmas_are_on(db: Database) -> None:
    assert await db.fetchval("PRAGMA journal_mode") == "wal"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    assert await db.fetchval("PRAGMA busy_timeout") == 5000


async def fails_after_writing(tx: Tx) -> None:
    await tx.execute("INSERT INTO notes VALUES ('doomed')")
    raise ValueError("boom")


async def test_a_unit_of_work_commits_and_is_visible_to_readers(db: Database) -> None:
    await db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('a')"))
    assert await count(db) == 1


async def test_an_error_rolls_the_whole_unit_back(db: Database) -> None:
    async def half_then_fail(tx: Tx) -> None:
        await tx.execute("INSERT INTO notes VALUES ('a')")
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await db.write(half_then_fail)
    assert await count(db) == 0


async def test_cancellation_mid_transaction_rolls_back_and_the_connection_stays_usable(
    db: Database,
) -> None:
    inside = asyncio.Event()

    async def slow(tx: Tx) -> None:
        await tx.execute("INSERT INTO notes VALUES ('half')")
        inside.set()
        await asyncio.sleep(3600)  # cancelled here, mid-transaction

    task = asyncio.create_task(db.write(slow))
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await count(db) == 0
    await db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('after')"))
    assert await count(db) == 1


async def test_concurrent_writers_are_serialised(db: Database) -> None:
    async def add(tx: Tx) -> None:
        n = await tx.fetchval("SELECT COUNT(*) FROM notes")
        await asyncio.sleep(0)  # another writer would interleave here without the lock
        await tx.execute("INSERT INTO notes VALUES (?)", (str(n),))

    await asyncio.gather(*(db.write(add) for _ in range(20)))
    bodies = sorted(int(r[0]) for r in await db.fetchall("SELECT body FROM notes"))
    assert bodies == list(range(20))


async def test_units_started_in_the_same_turn_share_one_commit(db: Database) -> None:
    before = db.commits
    await asyncio.gather(
        *(
            db.write(lambda tx, i=i: tx.execute("INSERT INTO notes VALUES (?)", (str(i),)))
            for i in range(20)
        )  # type: ignore[misc]
    )
    assert db.commits == before + 1
    assert await count(db) == 20


async def test_a_failing_unit_is_rolled_back_alone_and_its_neighbours_commit(db: Database) -> None:
    results = await asyncio.gather(
        db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('before')")),
        db.write(fails_after_writing),
        db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('after')")),
        return_exceptions=True,
    )
    assert isinstance(results[1], ValueError)
    assert not isinstance(results[0], BaseException) and not isinstance(results[2], BaseException)
    assert sorted(r[0] for r in await db.fetchall("SELECT body FROM notes")) == ["after", "before"]


async def test_a_unit_that_fails_after_writing_is_undone_by_replaying_its_neighbours(
    db: Database,
) -> None:
    runs = {"before": 0, "fails": 0, "reads": 0}

    async def before(tx: Tx) -> int:
        runs["before"] += 1
        await tx.execute("INSERT INTO notes VALUES ('before')")
        return runs["before"]

    async def fails(tx: Tx) -> None:
        runs["fails"] += 1
        await tx.execute("INSERT INTO notes VALUES ('doomed')")
        raise ValueError("boom")

    async def reads_only(tx: Tx) -> int:
        runs["reads"] += 1
        return int(await tx.fetchval("SELECT COUNT(*) FROM notes"))

    results = await asyncio.gather(
        db.write(before), db.write(fails), db.write(reads_only), return_exceptions=True
    )
    assert isinstance(results[1], ValueError)
    assert results[0] == 2  # the caller gets the result of the run that was committed
    assert results[2] == 1  # ran after the failure: once, and saw 'before' only
    assert runs == {"before": 2, "fails": 1, "reads": 1}
    assert [r[0] for r in await db.fetchall("SELECT body FROM notes")] == ["before"]


async def fail_beside_a_kept_write(db: Database, work: Callable[[Tx], Awaitable[None]]) -> object:
    """Run `work` in the batch of a unit that commits 'kept'; what `work`'s caller got."""
    kept, failed = await asyncio.gather(
        db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('kept')")),
        db.write(work),
        return_exceptions=True,
    )
    assert not isinstance(kept, BaseException)
    return failed


async def test_a_unit_that_fails_after_changing_the_schema_is_undone(db: Database) -> None:
    async def fails(tx: Tx) -> None:
        await tx.execute("CREATE TABLE scratch (x)")  # changes no rows, still a write
        raise ValueError("boom")

    assert isinstance(await fail_beside_a_kept_write(db, fails), ValueError)
    assert await count(db) == 1
    assert await db.fetchval("SELECT COUNT(*) FROM sqlite_master WHERE name = 'scratch'") == 0


async def test_a_unit_that_fails_before_writing_costs_its_neighbours_nothing(
    db: Database,
) -> None:
    runs = {"before": 0}

    async def before(tx: Tx) -> None:
        runs["before"] += 1
        await tx.execute("INSERT INTO notes VALUES ('before')")

    async def refuses(tx: Tx) -> None:
        await tx.fetchval("SELECT COUNT(*) FROM notes")
        raise ValueError("no")

    results = await asyncio.gather(db.write(before), db.write(refuses), return_exceptions=True)
    assert isinstance(results[1], ValueError) and runs == {"before": 1}
    assert await count(db) == 1


async def test_a_unit_that_wrote_through_a_returning_read_is_undone_too(db: Database) -> None:
    async def fails(tx: Tx) -> None:
        await tx.fetchone("INSERT INTO notes VALUES ('doomed') RETURNING body")
        raise ValueError("boom")

    assert isinstance(await fail_beside_a_kept_write(db, fails), ValueError)
    assert [r[0] for r in await db.fetchall("SELECT body FROM notes")] == ["kept"]


async def test_a_unit_that_fails_when_replayed_is_rolled_back_alone(db: Database) -> None:
    runs = {"flaky": 0}

    async def flaky(tx: Tx) -> None:
        runs["flaky"] += 1
        await tx.execute("INSERT INTO notes VALUES (?)", (f"flaky {runs['flaky']}",))
        if runs["flaky"] > 1:
            raise LookupError("gone on the second run")

    results = await asyncio.gather(
        db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('first')")),
        db.write(flaky),
        db.write(fails_after_writing),
        db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('last')")),
        return_exceptions=True,
    )
    assert isinstance(results[1], LookupError) and isinstance(results[2], ValueError)
    assert sorted(r[0] for r in await db.fetchall("SELECT body FROM notes")) == ["first", "last"]


async def test_a_replay_copes_with_a_caller_cancelled_while_it_waited(db: Database) -> None:
    runs = {"first": 0}
    inside, gate = asyncio.Event(), asyncio.Event()

    async def first(tx: Tx) -> None:
        runs["first"] += 1
        await tx.execute("INSERT INTO notes VALUES ('first')")
        if runs["first"] > 1:
            raise LookupError("fails when run again")

    async def fails_later(tx: Tx) -> None:
        await tx.execute("INSERT INTO notes VALUES ('doomed')")
        inside.set()
        await gate.wait()
        raise ValueError("boom")

    waiting = asyncio.create_task(db.write(first))
    failing = asyncio.create_task(db.write(fails_later))
    await inside.wait()  # `first` ran before it, in the same batch
    waiting.cancel()  # its unit ran; its caller stops waiting for the commit
    gate.set()
    with pytest.raises(ValueError, match="boom"):
        await failing
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert runs["first"] == 2 and await count(db) == 0
    await db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('after')"))
    assert await count(db) == 1


async def test_what_a_unit_learns_is_remembered_only_once_committed(db: Database) -> None:
    async def learn_then_fail(tx: Tx) -> None:
        tx.learn("rolled back", 1)
        raise ValueError("boom")

    async def learn(tx: Tx) -> None:
        tx.learn("kept", 2)
        assert tx.recall("kept") == 2  # the unit sees its own

    with pytest.raises(ValueError, match="boom"):
        await db.write(learn_then_fail)
    await db.write(learn)

    async def recall(tx: Tx) -> tuple[object, object]:
        return tx.recall("rolled back"), tx.recall("kept")

    assert await db.write(recall) == (None, 2)


async def test_a_file_locked_by_another_process_is_waited_for_without_blocking_the_loop(
    db: Database,
) -> None:
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    ticker = asyncio.create_task(tick())
    asyncio.get_running_loop().call_later(0.2, other.execute, "COMMIT")
    try:
        await db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('waited')"))
    finally:
        ticker.cancel()
        other.close()
    assert await count(db) == 1
    assert ticks >= 10  # the loop kept running while the write waited for the lock


async def test_points_queued_at_commit_reach_the_ledger_in_order(db: Database) -> None:
    rows = BulkInsert("notes", ("body",))

    async def queue(tx: Tx, body: str) -> None:
        tx.append_at_commit(rows, (body,))

    await asyncio.gather(*(db.write(lambda tx, b=b: queue(tx, b)) for b in "abc"))  # type: ignore[misc]
    assert [r[0] for r in await db.fetchall("SELECT body FROM notes ORDER BY rowid")] == list("abc")


async def test_a_batch_of_many_queued_rows_reaches_the_table_whole_and_in_order(
    db: Database,
) -> None:
    await db.write(lambda tx: tx.execute("CREATE TABLE pairs (n INTEGER, label TEXT)"))
    pairs = BulkInsert("pairs", ("n", "label"))

    async def queue(tx: Tx, first: int) -> None:
        for n in range(first, first + 301):
            tx.append_at_commit(pairs, (n, f"row {n}"))

    commits = db.commits
    await asyncio.gather(*(db.write(lambda tx, f=f: queue(tx, f)) for f in (0, 301, 602)))  # type: ignore[misc]
    assert db.commits == commits + 1  # one batch: 903 rows in chunks of several sizes
    rows = await db.fetchall("SELECT n, label FROM pairs ORDER BY rowid")
    assert [tuple(r) for r in rows] == [(n, f"row {n}") for n in range(903)]


def test_bulk_rows_go_in_chunks_of_a_few_fixed_sizes() -> None:
    pairs = BulkInsert("pairs", ("n", "label"))
    rows = [(n, str(n)) for n in range(601)]
    statements = list(pairs.statements(rows))
    assert [len(values) // 2 for _, values in statements] == [256, 256, 64, 16, 8, 1]
    assert [v for _, values in statements for v in values] == [v for row in rows for v in row]
    assert statements[0][0] == statements[1][0]  # the same text: prepared once, then cached
    assert statements[-1][0] == "INSERT INTO pairs (n, label) VALUES (?, ?)"


async def test_an_in_memory_database_reads_what_it_wrote() -> None:
    memory = await Database.open(":memory:")
    try:
        await memory.write(lambda tx: tx.execute("CREATE TABLE t (x INTEGER)"))
        await memory.write(lambda tx: tx.execute("INSERT INTO t VALUES (7)"))
        assert await memory.fetchval("SELECT x FROM t") == 7
    finally:
        await memory.close()


async def test_a_failed_commit_reaches_every_unit_of_its_batch_and_keeps_nothing(
    db: Database,
) -> None:
    rows = BulkInsert("notes", ("body",))

    async def unwritable(tx: Tx) -> None:
        await tx.execute("INSERT INTO notes VALUES ('lost with the batch')")
        tx.append_at_commit(rows, (object(),))  # cannot be written: fails the COMMIT step

    results = await asyncio.gather(
        db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('neighbour')")),
        db.write(unwritable),
        return_exceptions=True,
    )
    assert all(isinstance(r, sqlite3.OperationalError) for r in results)
    assert await count(db) == 0
    await db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('after')"))
    assert await count(db) == 1


async def test_the_wal_file_is_cut_back_once_a_checkpoint_has_copied_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = 256 * 1024
    limited = tuple(p.replace(str(dbm.WAL_KEPT_BYTES), str(kept)) for p in dbm._WRITER_PRAGMAS)
    monkeypatch.setattr(dbm, "_WRITER_PRAGMAS", limited)
    monkeypatch.setattr(dbm, "CHECKPOINT_EVERY_S", 0.0)  # one after every commit
    db = await Database.open(tmp_path / "w.db")
    wal = tmp_path / "w.db-wal"
    rows = [("x" * 4000,) for _ in range(500)]
    try:
        await db.write(lambda tx: tx.execute("CREATE TABLE notes (body TEXT NOT NULL)"))
        await db.write(lambda tx: tx.executemany("INSERT INTO notes VALUES (?)", rows))
        grown = wal.stat().st_size
        await checkpointed(db)  # one may have begun before the rows were in
        await db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('a')"))
        await checkpointed(db)  # begun after that commit: copies everything
        await db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('b')"))
        assert grown > 4 * kept
        assert wal.stat().st_size <= kept
        assert await count(db) == 502
    finally:
        await db.close()


async def checkpointed(db: Database) -> None:
    """Wait for the checkpoint that is running, if one is."""
    if db._checkpoint is not None:
        await db._checkpoint


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="fallocate(FALLOC_FL_KEEP_SIZE) is Linux's"
)


@linux_only
def test_room_is_claimed_past_the_end_of_the_wal_without_changing_it(tmp_path: Path) -> None:
    wal = tmp_path / "r.db-wal"
    wal.write_bytes(b"frames" * 1000)
    assert walroom.claim_room(str(wal), 1 << 20)
    found = wal.stat()
    assert found.st_blocks * walroom.BLOCK_BYTES >= 6000 + (1 << 20)
    assert wal.read_bytes() == b"frames" * 1000  # the same size, the same bytes


@linux_only
def test_room_is_claimed_again_only_once_half_of_it_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, int]] = []
    real = walroom._fallocate()
    assert real is not None

    def counting(fd: int, mode: int, offset: int, length: int) -> int:
        calls.append((offset, length))
        return real(fd, mode, offset, length)

    monkeypatch.setattr(walroom, "_fallocate", lambda: counting)
    wal = tmp_path / "r.db-wal"
    wal.write_bytes(b"x" * 4096)
    walroom.claim_room(str(wal), 1 << 20)
    with wal.open("ab") as grown:
        grown.write(b"x" * (1 << 18))  # a quarter of the room used: still enough
    walroom.claim_room(str(wal), 1 << 20)
    with wal.open("ab") as grown:
        grown.write(b"x" * (1 << 19))  # three quarters used: top it up
    walroom.claim_room(str(wal), 1 << 20)
    assert calls == [(4096, 1 << 20), (4096 + 3 * (1 << 18), 1 << 20)]


def test_no_wal_file_is_made_where_there_is_none(tmp_path: Path) -> None:
    assert not walroom.claim_room(str(tmp_path / "none.db-wal"), 1 << 20)
    assert not (tmp_path / "none.db-wal").exists()


@linux_only
async def test_each_checkpoint_claims_room_for_the_wal_and_the_data_survives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dbm, "CHECKPOINT_EVERY_S", 0.0)  # one after every commit
    monkeypatch.setattr(dbm, "WAL_ROOM_BYTES", 4 << 20)
    db = await Database.open(tmp_path / "c.db")
    wal = tmp_path / "c.db-wal"
    try:
        await db.write(lambda tx: tx.execute("CREATE TABLE notes (body TEXT NOT NULL)"))
        await db.write(lambda tx: tx.execute("INSERT INTO notes VALUES ('kept')"))
        await checkpointed(db)
        found = wal.stat()
        assert found.st_blocks * walroom.BLOCK_BYTES >= found.st_size + (2 << 20)
    finally:
        await db.close()
    reopened = await Database.open(tmp_path / "c.db")
    try:
        assert await reopened.fetchval("PRAGMA integrity_check") == "ok"
        assert await count(reopened) == 1
    finally:
        await reopened.close()
