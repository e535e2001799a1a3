from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Database, Tx


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
