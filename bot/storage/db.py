"""One SQLite file: WAL, foreign keys, one writer, all on the event loop's thread.

Every write is a *unit of work*: an async function handed a `Tx` and run inside
one transaction by `Database.write`. Callers never BEGIN or COMMIT themselves.

Statements run on the event loop's own thread through plain `sqlite3`
connections (a writer, and a reader so reads never see a transaction still in
progress). An indexed statement takes a few microseconds, and a WAL commit
with `synchronous = NORMAL` is a `write()` without `fsync`; handing each one to
a worker thread cost more than the statement itself (a ~30 us round trip plus
event-loop work per hop, and a wait for the GIL after every hop). What can
take long goes to aiosqlite's thread instead: WAL checkpoints, which `fsync`.
After each, a worker thread claims disk space ahead of the WAL's end
(`walroom`), so appends during an `fsync` need not wait for the filesystem.
A writer that finds the file locked by another process waits with
`asyncio.sleep`, never by blocking the loop. The leaderboard standings live in
a second file, folded from the ledger on a thread of their own (`standings`).

Units that start in the same turn of the loop share one transaction (group
commit), so a burst of requests costs one WAL write. Measured on 2 cores:
~600 events/s with a hop per statement, 5,800-7,600 with this; 7,000-10,500
once the standings moved off the event's transaction (see benchmarks/ and the
README's Performance section).

A unit runs without a savepoint of its own: savepoints cost every unit two
statements and a copy of each page it changes (`benchmarks.compare`, 24
rounds: votes x1.12, quiz answers x1.14, answers x1.05). The rare unit that
fails after writing is undone by rolling the whole batch back and running
the batch's other units again, this time each in a savepoint; their callers
get the results of that second run. So a unit must be safe to run twice:
no effect outside its `Tx` (a random draw is fine: only the committed run's
result is used), as every unit here is written.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.storage.bulk import BulkInsert
from bot.storage.standings import LEDGER_INSERT, Standings
from bot.storage.walroom import claim_room

T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]
Row = sqlite3.Row

log = logging.getLogger(__name__)

# WAL + synchronous=NORMAL: a commit survives a crash of the process; only a
# power cut can lose the last commits. busy_timeout comes first so the other
# pragmas already wait for a lock instead of failing.
BUSY_TIMEOUT_S = 5.0
_PRAGMAS = (
    f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
)
# A WAL file keeps its largest size: a busy spell left 260-400 MB beside a 7 MB
# database (see CHECKPOINT_EVERY_S). Once a checkpoint has copied it all, the
# writer starts it again from the top and now cuts the file back to this.
WAL_KEPT_BYTES = 64 * 2**20
# The writer must not wait inside SQLite (that would block the event loop), and
# must not checkpoint after its own commits (a checkpoint fsyncs: milliseconds).
_WRITER_PRAGMAS = (
    "PRAGMA busy_timeout = 0",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA journal_mode = WAL",
    "PRAGMA wal_autocheckpoint = 0",
    f"PRAGMA journal_size_limit = {WAL_KEPT_BYTES}",
)
# Under sustained load a checkpoint never catches up with the writer, so the
# WAL is never restarted (at 5,000 events/s it grew 21,000 frames a second, to
# 470 MB in a run); what a checkpoint has not copied yet every lookup must
# search, and its `fsync` can hold up a COMMIT. Every 0.25 s instead of every
# second: the open loop's p99 at 5,000/s was lower in 7 of 8 pairs (medians
# ~10 and ~21 ms); 0.1 s was no better, 10 s much worse.
CHECKPOINT_EVERY_S = 0.25
# Disk claimed past the WAL's end after each checkpoint (walroom): while the WAL
# grows ~45 MB/s (10,000 events/s), appends stay within claimed blocks.
WAL_ROOM_BYTES = 64 * 2**20
MEMO_LIMIT = 100_000
Memo = dict[Hashable, object]


class _Statements:
    """Reads and writes on a connection the caller's thread owns.

    The methods are async so a unit of work reads the same whichever
    connection it runs on, but they never suspend: a unit that only talks to
    its `Tx` runs from BEGIN to COMMIT without letting anything else in.
    Rows are fetched whole so no statement is left half-stepped at COMMIT,
    and so one cursor per connection serves every statement
    (`Connection.execute` makes a cursor each time: ~1,450 instructions, a
    tenth of a short statement's cost through `sqlite3`).
    """

    _cursor: sqlite3.Cursor

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return self._cursor.execute(sql, params).fetchall()

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = self._cursor.execute(sql, params).fetchall()
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any:
        row = await self.fetchone(sql, params)
        return default if row is None else row[0]


class Tx(_Statements):
    """The open write transaction a unit of work runs in.

    It also reaches the database's per-process memo (e.g. channel zones,
    member ids): values that only change through this process's own writes.
    What a unit `learn`s counts only once its batch commits, so a rolled-back
    unit can never leave behind the id of a row that does not exist.
    """

    def __init__(self, cursor: sqlite3.Cursor, memo: Memo, batch: _Batch) -> None:
        self._cursor = cursor
        self._memo = memo
        self._batch = batch
        # Ran a statement through execute*, learned or queued something: if
        # the unit fails now, its batch is replayed without it.
        self.wrote = False

    def recall(self, key: Hashable) -> object | None:
        learned = self._batch.learned
        return learned[key] if learned and key in learned else self._memo.get(key)

    def learn(self, key: Hashable, value: object) -> None:
        self.wrote = True
        self._batch.learned[key] = value

    def forget(self, key: Hashable) -> None:
        self._batch.learned.pop(key, None)
        self._memo.pop(key, None)

    def append_at_commit(self, insert: BulkInsert, row: Sequence[Any]) -> None:
        """Queue `row` for `insert`, written with the batch's other rows just before COMMIT.

        For append-only rows that nothing reads back inside the transaction
        (the points ledger): a batch's rows cost a few multi-row statements
        instead of one each. Rows keep the order they were queued in.
        """
        self.wrote = True
        self._batch.appends.setdefault(insert, []).append(row)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement that returns no rows; returns lastrowid (for INSERTs) or 0."""
        self.wrote = True
        return self._cursor.execute(sql, params).lastrowid or 0

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        self.wrote = True
        return self._cursor.execute(sql, params).rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self.wrote = True
        self._cursor.executemany(sql, rows)


class _Unit:
    """A unit of work done in a batch: run again if the batch is replayed."""

    __slots__ = ("committed", "result", "work")

    def __init__(self, work: Callable[[Tx], Awaitable[Any]], result: Any) -> None:
        self.work = work
        self.result = result  # handed to the caller once the batch commits
        self.committed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()


class _Batch:
    """Units of work sharing one transaction, and what they wait for at COMMIT.

    Units write into it directly (a unit that fails after writing is undone by
    a replay, which starts the batch afresh).
    """

    def __init__(self) -> None:
        self.units: list[_Unit] = []
        self.appends: dict[BulkInsert, list[Sequence[Any]]] = {}
        self.learned: dict[Hashable, object] = {}

    def scratch(self) -> _Batch:
        """A copy for one unit run in a savepoint: merged back by `take` if it succeeds."""
        copy = _Batch()
        copy.learned = dict(self.learned)
        return copy

    def take(self, scratch: _Batch, unit: _Unit) -> None:
        for insert, rows in scratch.appends.items():
            self.appends.setdefault(insert, []).extend(rows)
        self.learned = scratch.learned
        self.units.append(unit)


class Database(_Statements):
    """Reads and writes on the loop's thread; checkpoints on aiosqlite's."""

    def __init__(
        self,
        writer: sqlite3.Connection,
        reader: sqlite3.Connection,
        checkpointer: aiosqlite.Connection | None,
        standings: Standings,
    ) -> None:
        self._writer = writer
        self._writes = writer.cursor()
        self._reader = reader  # the writer itself for ":memory:"
        self._cursor = reader.cursor()
        self._checkpointer = checkpointer  # None for ":memory:": no WAL to copy back
        self._write_lock = asyncio.Lock()
        self._batch: _Batch | None = None  # open transaction, not yet committed
        self._committer: asyncio.Task[None] | None = None
        self._checkpoint: asyncio.Task[None] | None = None
        self._last_checkpoint = time.monotonic()
        self.standings = standings  # the leaderboards: follow the ledger, in a file of their own
        self.memo: Memo = {}
        self.commits = 0  # transactions committed by this process (tests and diagnostics)
        self.path: str = ""

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        location = str(path)
        if location == ":memory:":
            # A second connection to ":memory:" would be a different database.
            writer = await _connect(location, _WRITER_PRAGMAS)
            return cls._at(location, writer, writer, None, Standings.open_in_memory(writer))
        Path(location).parent.mkdir(parents=True, exist_ok=True)
        opened: list[sqlite3.Connection] = []
        try:
            opened.append(await _connect(location, _WRITER_PRAGMAS))
            opened.append(await _connect(location, _PRAGMAS))
            checkpointer = await _connect_checkpointer(location)
        except BaseException:
            for conn in opened:
                conn.close()
            raise
        try:
            standings = Standings.open_file(location, reader=opened[1])
        except BaseException:
            await checkpointer.close()
            for conn in opened:
                conn.close()
            raise
        return cls._at(location, opened[0], opened[1], checkpointer, standings)

    @classmethod
    def _at(
        cls,
        location: str,
        writer: sqlite3.Connection,
        reader: sqlite3.Connection,
        checkpointer: aiosqlite.Connection | None,
        standings: Standings,
    ) -> Database:
        db = cls(writer, reader, checkpointer, standings)
        db.path = location
        return db

    async def close(self) -> None:
        if self._committer is not None:
            await self._committer  # commits what is still pending
        await self.standings.close()
        async with self._write_lock:
            if self._checkpoint is not None:
                await asyncio.gather(self._checkpoint, return_exceptions=True)
            if self._checkpointer is not None:
                await self._checkpointer.close()
            if self._reader is not self._writer:
                self._reader.close()
            self._writer.close()  # the last connection out checkpoints and removes the WAL

    # -- writes ----------------------------------------------------------------
    async def write(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """Run `work` atomically and return its result once it is committed.

        Units that start in the same turn of the event loop share one
        transaction (group commit: one WAL write for the burst). A unit that
        raises, or is cancelled while it runs, is rolled back alone and its
        error reaches only its caller; the others commit (if it had written,
        by a replay of the batch without it: see the module's docstring). A
        caller cancelled after its unit finished may still see it committed,
        as with any cancellation that lands just after a COMMIT.
        """
        lock = self._write_lock  # acquire/release, not `async with`: two calls fewer a unit
        await lock.acquire()
        try:
            batch = await self._open_batch() if self._batch is None else self._batch
            tx = Tx(self._writes, self.memo, batch)
            changes = self._writer.total_changes
            try:
                result = await work(tx)
            except BaseException as error:
                wrote = tx.wrote or self._writer.total_changes != changes
                if wrote or not self._writer.in_transaction:
                    await self._replay(batch, error)
                raise
            unit = _Unit(work, result)
            batch.units.append(unit)
        finally:
            lock.release()
        done: T = await unit.committed
        return done

    async def _open_batch(self) -> _Batch:
        await self._begin()
        batch = self._batch = _Batch()
        # The commit runs after every task already waiting to run this turn has
        # had its go; the lock makes it wait for a unit that is suspended.
        self._committer = asyncio.get_running_loop().create_task(self._commit(batch))
        return batch

    async def _commit(self, batch: _Batch) -> None:
        async with self._write_lock:
            if self._batch is not batch:
                return  # already ended: aborted by an error
            self._batch = None
            try:
                self._finish(batch.appends)
            except Exception as error:  # every caller must hear of it, or it waits forever
                self._fail(batch.units, error)
                return
            self.commits += 1
            if LEDGER_INSERT in batch.appends:
                self.standings.follow()
        self._remember(batch.learned)
        for unit in batch.units:
            if not unit.committed.done():
                unit.committed.set_result(unit.result)
        self._maybe_checkpoint()

    def _remember(self, learned: Memo) -> None:
        if len(self.memo) + len(learned) > MEMO_LIMIT:
            self.memo.clear()  # bounded memory; the next lookups refill what is still used
        self.memo.update(learned)

    def _finish(self, appends: dict[BulkInsert, list[Sequence[Any]]]) -> None:
        for insert, rows in appends.items():
            for sql, values in insert.statements(rows):
                self._writes.execute(sql, values)
        self._writes.execute("COMMIT")

    async def _replay(self, batch: _Batch, error: BaseException) -> None:
        """Undo a unit that failed after writing: roll the batch back, run the rest again.

        Each unit runs again in a savepoint of its own, so one that fails now
        is rolled back alone and its caller gets the error.
        """
        units = batch.units
        if not self._writer.in_transaction:
            # SQLite ended the whole transaction (it does on I/O errors, a full
            # disk...): the batch's earlier units are lost too, so say so to them.
            self._batch = None
            self._fail(units, error)
            return
        try:
            self._writes.execute("ROLLBACK")
            batch.units, batch.appends, batch.learned = [], {}, {}
            await self._begin()
            for unit in units:
                await self._run_again(batch, unit)
        except BaseException as failure:  # a batch half replayed must not commit
            self._batch = None
            self._fail(units, failure)
            raise

    async def _run_again(self, batch: _Batch, unit: _Unit) -> None:
        self._writes.execute("SAVEPOINT unit")
        scratch = batch.scratch()
        tx = Tx(self._writes, self.memo, scratch)
        try:
            unit.result = await unit.work(tx)
            self._writes.execute("RELEASE unit")
        except Exception as error:
            self._writes.execute("ROLLBACK TO unit")
            self._writes.execute("RELEASE unit")
            if not unit.committed.done():  # its caller may have been cancelled meanwhile
                unit.committed.set_exception(error)
            return
        batch.take(scratch, unit)

    def _fail(self, units: list[_Unit], error: BaseException) -> None:
        if self._writer.in_transaction:
            self._writes.execute("ROLLBACK")
        failure = sqlite3.OperationalError(f"rolled back, with the unit that failed: {error}")
        for unit in units:
            if not unit.committed.done():
                unit.committed.set_exception(failure)

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE; while another process holds the lock, wait without blocking the loop."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        pause = 0.001
        while True:
            try:
                self._writes.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)

    def _maybe_checkpoint(self) -> None:
        """Copy the WAL back into the file every CHECKPOINT_EVERY_S, on aiosqlite's thread."""
        if self._checkpointer is None or self._checkpoint is not None:
            return
        now = time.monotonic()
        if now - self._last_checkpoint < CHECKPOINT_EVERY_S:
            return
        self._last_checkpoint = now
        self._checkpoint = asyncio.get_running_loop().create_task(self._run_checkpoint())

    async def _run_checkpoint(self) -> None:
        assert self._checkpointer is not None
        try:
            try:
                # PASSIVE: copies what no reader still needs and never waits for anyone.
                await self._checkpointer.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error as error:
                log.warning("WAL checkpoint failed (will retry): %s", error)
            await asyncio.to_thread(claim_room, f"{self.path}-wal", WAL_ROOM_BYTES)
        finally:
            self._checkpoint = None

    async def execute_script_in_tx(self, statements: list[str], after: str) -> None:
        """Used by migrations: statements plus `after`, all in one transaction."""

        async def apply(tx: Tx) -> None:
            for statement in statements:
                await tx.execute(statement)
            await tx.execute(after)

        await self.write(apply)


async def _connect(location: str, pragmas: tuple[str, ...]) -> sqlite3.Connection:
    conn = sqlite3.connect(location, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        await _apply_pragmas(conn, pragmas)
    except BaseException:
        conn.close()
        raise
    return conn


async def _apply_pragmas(conn: sqlite3.Connection, pragmas: tuple[str, ...]) -> None:
    """Switching to WAL needs the file to itself; another process may hold it a moment."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    for pragma in pragmas:
        while True:
            try:
                conn.execute(pragma).fetchall()
                break
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(0.005)


async def _connect_checkpointer(location: str) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(location, isolation_level=None)
    try:
        async with conn.execute(_PRAGMAS[0]):  # busy_timeout
            pass
    except BaseException:
        await conn.close()  # else its worker thread keeps the process alive
        raise
    return conn
