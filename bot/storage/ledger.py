"""SQL for the points ledger: append-only events, and the windows read from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.common import from_db, to_db
from bot.storage.db import Database, Tx

_EPOCH = "0000"  # sorts before every stored time: "all time"


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
    await tx.execute(
        "INSERT INTO ledger (member_id, channel_id, kind, points, area, ref, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (member_id, channel_id, kind, points, area, ref, to_db(now)),
    )


@dataclass(frozen=True)
class Standing:
    rank: int
    member_id: int
    name: str
    points: int


@dataclass(frozen=True)
class Window:
    """Which ledger rows count: a channel, a time range, optionally one area."""

    channel_id: int
    since: datetime | None = None
    until: datetime | None = None
    area: str | None = None


def _where(window: Window) -> tuple[str, list[object]]:
    where = "l.channel_id = ? AND l.created_at >= ?"
    params: list[object] = [window.channel_id, to_db(window.since) if window.since else _EPOCH]
    if window.until:
        where += " AND l.created_at < ?"
        params.append(to_db(window.until))
    if window.area:
        where += " AND l.area = ?"
        params.append(window.area)
    return where, params


async def top(db: Database, window: Window, limit: int = 10) -> list[Standing]:
    where, params = _where(window)
    rows = await db.fetchall(
        "SELECT l.member_id, COALESCE(NULLIF(m.display_name, ''), m.native_id), "
        "SUM(l.points) AS total FROM ledger l JOIN members m ON m.id = l.member_id "
        f"WHERE {where} GROUP BY l.member_id HAVING total > 0 "
        "ORDER BY total DESC, MIN(l.id) LIMIT ?",
        (*params, limit),
    )
    standings, rank, previous = [], 0, None
    for position, row in enumerate(rows, start=1):
        if row[2] != previous:  # equal totals share a rank
            rank, previous = position, row[2]
        standings.append(Standing(rank, row[0], row[1], row[2]))
    return standings


async def standing_of(db: Database, window: Window, member_id: int) -> Standing | None:
    where, params = _where(window)
    mine = await db.fetchval(
        f"SELECT SUM(l.points) FROM ledger l WHERE {where} AND l.member_id = ?",
        (*params, member_id),
    )
    if not mine or mine <= 0:
        return None
    ahead = await db.fetchval(
        f"SELECT COUNT(*) FROM (SELECT SUM(l.points) AS total FROM ledger l WHERE {where} "
        "GROUP BY l.member_id HAVING total > ?)",
        (*params, mine),
    )
    return Standing(int(ahead) + 1, member_id, "", int(mine))


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
