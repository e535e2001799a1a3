"""SQL for the points ledger: append-only events, and the standings read from them.

Each ledger row carries its local week and month in its channel's zone. The
running `standings` follow the ledger (bot/storage/standings.py), so a
leaderboard is an index read, not a scan of the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.storage.common import from_db, to_db
from bot.storage.db import Database, Tx
from bot.storage.standings import LEDGER_INSERT

_EPOCH = "0000"  # sorts before every stored time: "all time"
ALL_TIME = "all"


@lru_cache(maxsize=64)
def week_key(day: date) -> str:
    return "w" + (day - timedelta(days=day.weekday())).isoformat()


@lru_cache(maxsize=64)
def month_key(day: date) -> str:
    return f"m{day:%Y-%m}"


async def _channel_zone(tx: Tx, channel_id: int) -> ZoneInfo:
    """The channel's zone, remembered per database until the channel is saved again."""
    key = ("zone", channel_id)
    zone = tx.recall(key)
    if not isinstance(zone, ZoneInfo):
        name = await tx.fetchval("SELECT timezone FROM channels WHERE id = ?", (channel_id,))
        zone = ZoneInfo(name or "UTC")
        tx.learn(key, zone)
    return zone


def forget_channel_zone(tx: Tx, channel_id: int) -> None:
    tx.forget(("zone", channel_id))


async def add_points(
    tx: Tx,
    member_id: int,
    channel_id: int | None,
    kind: str,
    points: int,
    now: datetime,
    area: str | None = None,
    ref: str = "",
) -> None:
    """Append a ledger row; it is written, and the standings follow, when the batch commits."""
    week = month = ""
    if channel_id is not None:
        local = now.astimezone(await _channel_zone(tx, channel_id)).date()
        week, month = week_key(local), month_key(local)
    row = (member_id, channel_id, kind, points, area, ref, to_db(now), week, month)
    tx.append_at_commit(LEDGER_INSERT, row)


@dataclass(frozen=True)
class Standing:
    rank: int
    member_id: int
    name: str
    points: int


@dataclass(frozen=True)
class Window:
    """Which standings: a channel, a period (`ALL_TIME`, a week or month key), an area."""

    channel_id: int
    period: str = ALL_TIME
    area: str | None = None

    @property
    def params(self) -> tuple[int, str, str]:
        return (self.channel_id, self.period, self.area or "")


_IN_WINDOW = "s.channel_id = ? AND s.period = ? AND s.area = ?"


async def top(db: Database, window: Window, limit: int = 10) -> list[Standing]:
    await db.standings.current()
    rows = await db.fetchall(
        "SELECT s.member_id, COALESCE(NULLIF(m.display_name, ''), m.native_id), s.points "
        f"FROM st.standings s JOIN members m ON m.id = s.member_id WHERE {_IN_WINDOW} "
        "AND s.points > 0 ORDER BY s.points DESC, s.first_id LIMIT ?",
        (*window.params, limit),
    )
    standings, rank, previous = [], 0, None
    for position, row in enumerate(rows, start=1):
        if row[2] != previous:  # equal totals share a rank
            rank, previous = position, row[2]
        standings.append(Standing(rank, row[0], row[1], row[2]))
    return standings


async def standing_of(db: Database, window: Window, member_id: int) -> Standing | None:
    await db.standings.current()
    row = await db.fetchone(
        "SELECT s.points, (SELECT COALESCE(SUM(c.members), 0) FROM st.standing_counts c "
        "WHERE c.channel_id = s.channel_id AND c.period = s.period AND c.area = s.area "
        f"AND c.points > s.points) FROM st.standings s WHERE {_IN_WINDOW} AND s.member_id = ?",
        (*window.params, member_id),
    )
    if row is None or row[0] <= 0:
        return None
    return Standing(int(row[1]) + 1, member_id, "", int(row[0]))


async def points_since(db: Database, member_id: int, since: datetime | None) -> int:
    value = await db.fetchval(
        "SELECT COALESCE(SUM(points), 0) FROM ledger WHERE member_id = ? AND created_at >= ?",
        (member_id, to_db(since) if since else _EPOCH),
    )
    return int(value)


async def upvotes_received(db: Database, member_id: int) -> int:
    value = await db.fetchval(
        "SELECT COUNT(*) FROM votes v JOIN answers a ON a.id = v.answer_id WHERE a.member_id = ?",
        (member_id,),
    )
    return int(value)


async def answer_times(db: Database, member_id: int) -> list[datetime]:
    """When the member first answered each daily question, oldest first."""
    rows = await db.fetchall(
        "SELECT created_at FROM answers WHERE member_id = ? ORDER BY created_at", (member_id,)
    )
    return [from_db(row[0]) for row in rows]


async def find_member(db: Database, platform: str, workspace: str, native_id: str) -> int | None:
    value = await db.fetchval(
        "SELECT id FROM members WHERE platform = ? AND workspace = ? AND native_id = ?",
        (platform, workspace, native_id),
    )
    return None if value is None else int(value)
