"""Leaderboard standings: a follower of the points ledger, in a file of its own.

Each ledger row adds to up to six running totals (all time, its week and its
month; overall and in its area) and moves the member between rank counts: tens
of microseconds of SQLite per row. Kept in the event's own transaction, that
was a quarter of every event's time on the event loop's thread. So the ledger
stays the record, committed before the reply, and a thread of the follower's
own folds new ledger rows into the standings, kept beside the database in a
file of their own (`studybot.standings.db` for `studybot.db`). SQLite releases
the GIL while it works, so this runs on another core.

Reads stay exact without waiting for a fold: a leaderboard adds the ledger
rows past `applied.through` (the few the follower has not folded yet) to the
standings in the same statement, one snapshot of both files. Only standings it
cannot use (from an older copy of the ledger, or far behind) make it wait
for the follower (`readable()`); `current()` waits until every committed row
is folded.

The standings are derived data. A standings file that is missing, written by
another version of this schema, or left beside a database restored from an
older backup (the ledger row it folded last is gone or different) is emptied
and refilled from the whole ledger, as it is when the follower has fallen far
behind; otherwise each fold takes the rows past `applied.through`. Either way
it is two set-based statements: the windows the rows count in named
(`_NEW_WINDOWS`), then the rows' points summed per member and window and
added to the standings in their key order (`_FOLD`). A refill drops the
rank index and counting triggers first and makes them again after, as a bulk
load does.
Ledger ids only grow (rows are never deleted), so `id > through` is exactly
what is new, whichever process wrote it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.storage.bulk import BulkInsert

log = logging.getLogger(__name__)

SCHEMA_VERSION = 5  # 3: set-based folds (no feed view, trigger); 4: member first; 5: window ids
BUSY_TIMEOUT_MS = 5_000
# Between folds, unless a reader is waiting: more rows per fold, fewer
# transactions (a fold per commit cost ~3x the SQLite time per row).
FOLD_PAUSE_S = 0.05
# Folding a row into large standings cost ~5x its share of a rebuild from
# scratch (measured with a trigger per ledger row, before folds were set-based:
# ~180 us a row into 3.7 M standings rows; 1 M rows rebuilt in 31-35 s), so a
# follower more than a fifth of the ledger behind rebuilds. Set-based, a
# 250,000-row gap folds into 4.1 M standings rows at 68 us a row against 42 us
# for a rebuild, so folding that gap would be cheaper; but standings built by
# folds took later small folds ~30% longer than rebuilt ones (4% more pages),
# and without the rule the loaded leaderboard was no better. Kept as it is.
# Small standings fold as cheaply as they rebuild (~40 us a row), so only a
# gap of many rows is worth it.
REBUILD_WHEN_BEHIND_BY = 5
REBUILD_AFTER_ROWS = 50_000
# A leaderboard read adds the ledger rows not folded yet itself (usually a few
# hundred: the rows of the last pause and fold); past this many it waits for the
# follower instead.
MERGE_AT_MOST_ROWS = 20_000

# What ranks the standings: the index a top list reads, and the triggers that
# keep the rank counts (table names in trigger bodies are the trigger's own
# schema's). A rebuild drops them and makes them again at the end.
_RANKING = (
    "CREATE INDEX {s}.standings_by_rank ON standings (window_id, points DESC, first_id)",
    """CREATE TRIGGER {s}.standings_counted AFTER INSERT ON standings
    BEGIN
        INSERT INTO standing_counts (window_id, points, members)
        VALUES (NEW.window_id, NEW.points, 1)
        ON CONFLICT (window_id, points) DO UPDATE SET members = members + 1;
    END""",
    """CREATE TRIGGER {s}.standings_recounted AFTER UPDATE OF points ON standings
    BEGIN
        UPDATE standing_counts SET members = members - 1
        WHERE window_id = OLD.window_id AND points = OLD.points;
        INSERT INTO standing_counts (window_id, points, members)
        VALUES (NEW.window_id, NEW.points, 1)
        ON CONFLICT (window_id, points) DO UPDATE SET members = members + 1;
    END""",
)
_DROP_RANKING = (
    "DROP INDEX {st}.standings_by_rank",
    "DROP TRIGGER {st}.standings_counted",
    "DROP TRIGGER {st}.standings_recounted",
)
# Statements for the schema named {s}.
_SCHEMA = (
    # A leaderboard's window: a channel, a period ('all', 'w2026-01-05',
    # 'm2026-01') and an area ('' for every area). The standings, their counts
    # and the rank index are keyed by its id: a b-tree step then compares one
    # integer, not two texts (a fold: 275,000 -> 179,000 instructions a row).
    """CREATE TABLE {s}.windows (
        id          INTEGER PRIMARY KEY,
        channel_id  INTEGER NOT NULL,
        period      TEXT NOT NULL,
        area        TEXT NOT NULL,
        UNIQUE (channel_id, period, area)
    )""",
    # Running totals per member and window: a leaderboard reads a few index pages.
    # Keyed member first, as a fold's sums come (window first: 191,000 a row).
    """CREATE TABLE {s}.standings (
        member_id   INTEGER NOT NULL,
        window_id   INTEGER NOT NULL,
        points      INTEGER NOT NULL,
        first_id    INTEGER NOT NULL,  -- ties go to whoever scored first
        PRIMARY KEY (member_id, window_id)
    ) WITHOUT ROWID""",
    # How many members stand at each total: a rank is 1 + the members above,
    # a sum over the distinct totals (hundreds) rather than over the members.
    """CREATE TABLE {s}.standing_counts (
        window_id   INTEGER NOT NULL,
        points      INTEGER NOT NULL,
        members     INTEGER NOT NULL,
        PRIMARY KEY (window_id, points)
    ) WITHOUT ROWID""",
    # The last ledger id folded in, and what that row looked like: standings
    # kept beside a database restored from an older backup are rebuilt.
    "CREATE TABLE {s}.applied (through INTEGER NOT NULL, mark TEXT)",
    "INSERT INTO {s}.applied VALUES (0, NULL)",
    *_RANKING,
)

# Ledger rows are queued by units of work and written together at COMMIT (see
# Tx.append_at_commit); the database follows a commit that wrote some with
# `Standings.follow`.
LEDGER_INSERT = BulkInsert(
    "ledger",
    ("member_id", "channel_id", "kind", "points", "area", "ref", "created_at", "week", "month"),
)

# What a ledger row looks like, to tell that the ledger is still the one folded.
_ROW_MARK = "member_id || ' ' || created_at"
# Locks the standings for writing: through, whether the ledger still has that
# row, and the ledger's newest id.
_LOCK_THROUGH = (
    "UPDATE {st}.applied SET through = through RETURNING through, "
    f"mark IS (SELECT {_ROW_MARK} FROM {{src}}.ledger WHERE id = through), "
    "(SELECT COALESCE(MAX(id), 0) FROM {src}.ledger)"
)
# For a reader (the standings attached as `st`): whether they can be read with
# the ledger's unfolded rows added (they follow this ledger), and how far behind.
_READABLE = (
    f"SELECT mark IS (SELECT {_ROW_MARK} FROM main.ledger WHERE id = through), "
    "(SELECT COALESCE(MAX(id), 0) FROM main.ledger) - through FROM st.applied"
)
_ADVANCE_THROUGH = (
    "UPDATE {st}.applied SET through = (SELECT COALESCE(MAX(id), 0) FROM {src}.ledger), "
    f"mark = (SELECT {_ROW_MARK} FROM {{src}}.ledger ORDER BY id DESC LIMIT 1) "
    "RETURNING through"
)
# The windows a ledger row `l` counts in: a period (all time, its week, its
# month) and an area (every area, its own), each where the row has one.
_PERIODS = (("'all'", "true"), ("l.week", "l.week != ''"), ("l.month", "l.month != ''"))
_AREAS = (("''", "true"), ("COALESCE(l.area, '')", "COALESCE(l.area, '') != ''"))
_WINDOWS_OF_L = [
    (period, area, f"{has_period} AND {has_area}")
    for period, has_period in _PERIODS
    for area, has_area in _AREAS
]
# Names the windows that the ledger rows past ?1 count in and the standings lack.
_NEW_WINDOWS = (
    "WITH new AS (SELECT DISTINCT channel_id, week, month, area FROM {src}.ledger "
    "WHERE id > ?1 AND channel_id IS NOT NULL) "
    "INSERT OR IGNORE INTO {st}.windows (channel_id, period, area) "
    + " UNION ".join(
        f"SELECT l.channel_id, {period}, {area} FROM new l WHERE {has}"
        for period, area, has in _WINDOWS_OF_L
    )
)
# Folds the ledger rows past ?1 in: each row's points in every window it counts
# in (one SELECT per kind of window), summed per member and window first, so a
# standing moves once per fold, in the standings' key order; the rank counts
# follow from the triggers on each standings row. It replaced a trigger per
# ledger row: in plain SQLite, 10,000-row folds into 100,000 members'
# standings cost 75-95 us a row that way and 55-67 us this way; in the bot,
# 12,300-15,800 rows/s became 13,500-17,500 (two runs each).
_FOLD = (
    "INSERT INTO {st}.standings (member_id, window_id, points, first_id) "
    "SELECT member_id, window_id, SUM(points), MIN(id) FROM ("
    + " UNION ALL ".join(
        "SELECT l.id, l.member_id, w.id AS window_id, l.points FROM {src}.ledger l "
        "JOIN {st}.windows w ON w.channel_id = l.channel_id "
        f"AND w.period = {period} AND w.area = {area} "
        f"WHERE l.id > ?1 AND l.channel_id IS NOT NULL AND {has}"
        for period, area, has in _WINDOWS_OF_L
    )
    + ") GROUP BY member_id, window_id "
    "ON CONFLICT (member_id, window_id) DO UPDATE SET points = points + excluded.points"
)
# A rebuild empties the standings and folds the whole ledger in, as a bulk load:
# without the ranking (index and counting triggers), then the counts in one
# pass and the index built once. A 200,000-row ledger into 100,000 members'
# standings: 3.3 s of CPU (6.7 s with windows keyed by their text, and 9.2-9.8 s
# so keyed with the ranking kept up row by row).
_EMPTY = (
    "DELETE FROM {st}.standings",
    "DELETE FROM {st}.standing_counts",
    "DELETE FROM {st}.windows",
)
_COUNT_ALL = (
    "INSERT INTO {st}.standing_counts (window_id, points, members) "
    "SELECT window_id, points, COUNT(*) FROM {st}.standings GROUP BY window_id, points"
)


class Standings:
    """Folds committed ledger rows into the standings; `current()` waits for it."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        reader: sqlite3.Connection,
        *,
        st: str,
        src: str,
        threaded: bool,
    ) -> None:
        self._conn = conn  # folds; on its own thread unless in-memory
        self._reader = reader  # the loop's reader: how far the ledger has got
        self._sql = {"st": st, "src": src}
        self._thread = ThreadPoolExecutor(1, "standings") if threaded else None
        self._through = -1  # unknown until the first fold
        self._wanted = False
        self._folding: asyncio.Task[None] | None = None
        self._hurry = asyncio.Event()  # a reader is waiting, or closing: fold now
        self._closing = False
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    @classmethod
    def open_file(cls, db_path: str, reader: sqlite3.Connection) -> Standings:
        """Standings in their own file beside `db_path`, folded on a thread of their own."""
        path = standings_path(db_path)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL").fetchall()
            conn.execute("PRAGMA synchronous = NORMAL")
            _ensure_schema(conn, "main")
            conn.execute("ATTACH DATABASE ? AS src", (db_path,))
            reader.execute("ATTACH DATABASE ? AS st", (str(path),))
        except BaseException:
            conn.close()
            raise
        return cls(conn, reader, st="main", src="src", threaded=True)

    @classmethod
    def open_in_memory(cls, writer: sqlite3.Connection) -> Standings:
        """For ":memory:": an attached in-memory schema, folded right after each commit."""
        writer.execute("ATTACH DATABASE ':memory:' AS st")
        _ensure_schema(writer, "st")
        return cls(writer, writer, st="st", src="main", threaded=False)

    # -- the loop's side ---------------------------------------------------------
    def follow(self) -> None:
        """Fold what the ledger has committed and the standings lack: at once if
        in-memory (called right after the commit), else soon, on the thread."""
        if self._thread is None:
            try:
                self._through = self._fold()
            except sqlite3.Error as error:
                log.warning("standings could not follow the ledger (will retry): %s", error)
            return
        self._wanted = True
        if self._folding is None:
            self._folding = asyncio.get_running_loop().create_task(self._fold_while_wanted())

    async def readable(self) -> None:
        """Return once the standings plus the ledger rows past `through` are exact.

        Usually at once: a reader adds the few rows the follower has not folded
        yet itself (`ledger.top`, `ledger.standing_of`), so leaderboards never
        wait for a fold. It waits only for standings it cannot use: left beside
        a database restored from an older backup, or far behind the ledger.
        """
        if self._thread is None:
            return  # folded at each commit
        same_ledger, behind = self._reader.execute(_READABLE).fetchone()
        if not same_ledger or behind > MERGE_AT_MOST_ROWS:
            await self.current()

    async def current(self) -> None:
        """Return once every ledger row committed so far is in the standings."""
        if self._thread is None:
            return  # every commit was folded as it happened, on the same connection
        committed = self._reader.execute("SELECT COALESCE(MAX(id), 0) FROM ledger").fetchone()[0]
        if self._through >= committed:
            return
        caught_up: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((committed, caught_up))
        self._hurry.set()
        if self._folding is None:
            self.follow()  # else the running fold, or the one after it, covers the wait
        await caught_up

    async def close(self) -> None:
        self._closing = True  # fold what is left without pausing
        self._hurry.set()
        if self._folding is not None:
            await asyncio.gather(self._folding, return_exceptions=True)
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._conn.close()

    async def _fold_while_wanted(self) -> None:
        assert self._thread is not None
        loop = asyncio.get_running_loop()
        try:
            while self._wanted:
                self._wanted = False
                try:
                    self._through = await loop.run_in_executor(self._thread, self._fold)
                except Exception as error:  # a waiter must hear of it, or it waits forever
                    log.warning("standings could not follow the ledger (will retry): %s", error)
                    self._fail_waiters(error)
                    return
                self._wake_waiters()
                if self._waiters:  # they wait for rows committed after the fold began
                    self._wanted = True
                elif self._wanted and not self._closing:
                    await self._pause()
        finally:
            self._folding = None

    async def _pause(self) -> None:
        self._hurry.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._hurry.wait(), FOLD_PAUSE_S)

    def _wake_waiters(self) -> None:
        still = []
        for target, waiter in self._waiters:
            if self._through >= target:
                if not waiter.done():
                    waiter.set_result(None)
            else:
                still.append((target, waiter))
        self._waiters = still

    def _fail_waiters(self, error: Exception) -> None:
        for _, waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(error)
        self._waiters = []

    # -- the folding thread's side ----------------------------------------------
    def _fold(self) -> int:
        """One transaction: fold the ledger rows past `through`; the new `through`."""
        sql = self._sql
        conn = self._conn
        # Few statements: the thread waits for the GIL after each. The first
        # one writes, so the transaction holds the standings' write lock from
        # its start (BEGIN IMMEDIATE would lock the ledger's file too); the
        # ledger is read from one snapshot.
        conn.execute("BEGIN")
        try:
            through, same_ledger, newest = conn.execute(_LOCK_THROUGH.format(**sql)).fetchone()
            if through == 0 or not same_ledger or _far_behind(newest - through, newest):
                self._rebuild()
            else:
                self._fold_past(through)
            high = conn.execute(_ADVANCE_THROUGH.format(**sql)).fetchone()[0]
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return int(high)

    def _fold_past(self, through: int) -> None:
        """The ledger rows past `through` added to the standings (and their windows named)."""
        for statement in (_NEW_WINDOWS, _FOLD):
            self._conn.execute(statement.format(**self._sql), (through,))

    def _rebuild(self) -> None:
        """Inside `_fold`'s transaction: the standings made afresh from the whole ledger."""
        sql = self._sql
        for statement in (*_DROP_RANKING, *_EMPTY):
            self._conn.execute(statement.format(**sql))
        self._fold_past(0)
        self._conn.execute(_COUNT_ALL.format(**sql))
        for statement in _RANKING:
            self._conn.execute(statement.format(s=sql["st"]))


def _far_behind(gap: int, ledger_rows: int) -> bool:
    return gap > REBUILD_AFTER_ROWS and gap * REBUILD_WHEN_BEHIND_BY > ledger_rows


def standings_path(db_path: str) -> Path:
    path = Path(db_path)
    return path.with_name(path.stem + ".standings" + path.suffix)


def _ensure_schema(conn: sqlite3.Connection, schema: str) -> None:
    """Create the tables; a file from another schema version is emptied and rebuilt."""
    version = conn.execute(f"PRAGMA {schema}.user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        old = f"SELECT type, name FROM {schema}.sqlite_master WHERE type IN ('table', 'view')"
        for kind, name in conn.execute(old).fetchall():  # their indexes and triggers go too
            conn.execute(f"DROP {kind} IF EXISTS {schema}.{name}")
        for statement in _SCHEMA:
            conn.execute(statement.format(s=schema))
        conn.execute(f"PRAGMA {schema}.user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
