"""One SQLite file through aiosqlite: WAL, foreign keys, one writer.

Reads go to their own connection (WAL lets them run beside a write). Every
write is a *unit of work*: an async function handed a `Tx` and run inside one
transaction by `Database.write`. Callers never BEGIN or COMMIT themselves, so
the writer can later run several queued units in one transaction (group
commit) without any caller changing.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import aiosqlite

T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]
Row = sqlite3.Row

# WAL + synchronous=NORMAL: a commit survives a crash of the process; only a
# power cut can lose the last commits. busy_timeout comes first so the other
# pragmas already wait for a lock instead of failing.
_PRAGMAS = (
    "PRAGMA busy_timeout = 5000",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
)


class _Queries:
    """Read helpers shared by the read connection and transactions.

    Each call is one round trip to the connection's thread (execute_fetchall),
    never execute + fetch + close: the hops, not SQLite, dominate a request.
    """

    _conn: aiosqlite.Connection

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self._conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any:
        row = await self.fetchone(sql, params)
        return default if row is None else row[0]


class Tx(_Queries):
    """The open write transaction a unit of work runs in.

    `cache` is the database's small per-process memo (e.g. channel zones), for
    values that only change through this process's own writes.
    """

    def __init__(self, conn: aiosqlite.Connection, cache: dict[object, object]) -> None:
        self._conn = conn
        self.cache = cache

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement that returns no rows; returns lastrowid (for INSERTs) or 0."""
        cursor = await self._conn.execute(sql, params)  # a finished DML cursor holds no lock
        return cursor.lastrowid or 0

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)


class Database(_Queries):
    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self._writer = writer
        self._conn = reader
        self._write_lock = asyncio.Lock()
        self.cache: dict[object, object] = {}
        self.path: str = ""

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        location = str(path)
        if location != ":memory:":
            Path(location).parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(location, wal=True)
        try:
            # A second connection to ":memory:" would be a different database.
            reader = writer if location == ":memory:" else await _connect(location)
        except BaseException:
            await writer.close()
            raise
        db = cls(writer, reader)
        db.path = location
        return db

    async def close(self) -> None:
        if self._conn is not self._writer:
            await self._conn.close()
        await self._writer.close()

    async def write(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """Run `work` in one transaction; commit if it returns, roll back if it raises.

        Cancellation counts as raising: the transaction is rolled back and the
        connection stays usable.
        """
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                result = await work(Tx(self._writer, self.cache))
                await self._writer.execute("COMMIT")
            except BaseException:
                await asyncio.shield(self._rollback())
                raise
            return result

    async def _rollback(self) -> None:
        # OperationalError: the COMMIT went through before the cancellation reached us.
        with contextlib.suppress(sqlite3.OperationalError):
            await self._writer.execute("ROLLBACK")

    async def execute_script_in_tx(self, statements: list[str], after: str) -> None:
        """Used by migrations: statements plus `after`, all in one transaction."""

        async def apply(tx: Tx) -> None:
            for statement in statements:
                await tx.execute(statement)
            await tx.execute(after)

        await self.write(apply)


async def _connect(location: str, wal: bool = False) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(location, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        for pragma in (*_PRAGMAS, "PRAGMA journal_mode = WAL") if wal else _PRAGMAS:
            async with conn.execute(pragma):
                pass
    except BaseException:
        await conn.close()  # else its worker thread keeps the process alive
        raise
    return conn


class GroupCommit(Generic[T]):
    """Writes of one kind from many tasks, committed together.

    Each `add` waits until its item is durable. Whoever finds no flush under
    way writes everything queued so far in one transaction, so a burst of N
    concurrent adds costs a handful of round trips instead of N transactions.
    """

    def __init__(self, db: Database, write_all: Callable[[Tx, list[T]], Awaitable[None]]) -> None:
        self.db = db
        self.write_all = write_all
        self.pending: list[tuple[T, asyncio.Future[None]]] = []
        self.flushing = asyncio.Lock()

    async def add(self, item: T) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((item, done))
        async with self.flushing:
            if not done.done():
                await self._flush()
        await done

    async def _flush(self) -> None:
        batch, self.pending = self.pending, []
        try:
            await self.db.write(lambda tx: self.write_all(tx, [item for item, _ in batch]))
        except BaseException as error:
            for _, done in batch:
                if not done.done():
                    done.set_exception(error)
            raise
        for _, done in batch:
            done.set_result(None)
