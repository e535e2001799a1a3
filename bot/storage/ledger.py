"""SQL for the points ledger: append-only events, and the standings read from them.

Each ledger row carries its local week and month in its channel's zone. The
running `standings` follow the ledger (bot/storage/standings.py), so a
leaderboard is an index read plus the few newest ledger rows not folded into
the standings yet, not a scan of the ledger.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.record import record
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


@record
class Standing:
    rank: int
    member_id: int
    name: str
    points: int


@record
class Window:
    """Which standings: a channel, a period (`ALL_TIME`, a week or month key), an area."""

    channel_id: int
    period: str = ALL_TIME
    area: str | None = None

    @property
    def named(self) -> dict[str, object]:
        return {"channel": self.channel_id, "period": self.period, "area": self.area or ""}


# The window's id in the standings: NULL, so no standings, before its first fold.
_WINDOW_ID = (
    "(SELECT id FROM st.windows WHERE channel_id = :channel AND period = :period AND area = :area)"
)
_IN_WINDOW = f"s.window_id = {_WINDOW_ID}"
# The ledger rows the follower has not folded into the standings yet, per member
# of the window: a reader adds them itself, so it never waits for a fold. They are
# the newest rows: NOT INDEXED keeps SQLite to that range of ids (it would rather
# walk the whole ledger in member order, for the GROUP BY).
_UNFOLDED = (
    "unfolded AS (SELECT member_id, SUM(points) AS points, MIN(id) AS first_id "
    "FROM ledger NOT INDEXED WHERE id > (SELECT through FROM st.applied) AND channel_id = :channel "
    "AND (:period = 'all' OR week = :period OR month = :period) "
    "AND (:area = '' OR area = :area) GROUP BY member_id)"
)
# Only members with unfolded rows can move, so the top `limit` are among the
# folded top `limit` (plus one per member whose unfolded points are negative,
# who may drop out) and the members with unfolded rows.
_TOP = (
    f"WITH {_UNFOLDED}, "
    f"ahead AS (SELECT s.member_id FROM st.standings s WHERE {_IN_WINDOW} "
    "ORDER BY s.points DESC, s.first_id "
    "LIMIT :limit + (SELECT COUNT(*) FROM unfolded WHERE points < 0)), "
    "candidates AS (SELECT member_id FROM ahead UNION SELECT member_id FROM unfolded), "
    "totals AS (SELECT c.member_id, COALESCE(s.points, 0) + COALESCE(u.points, 0) AS points, "
    "COALESCE(s.first_id, u.first_id) AS first_id FROM candidates c "
    f"LEFT JOIN st.standings s ON {_IN_WINDOW} AND s.member_id = c.member_id "
    "LEFT JOIN unfolded u ON u.member_id = c.member_id) "
    "SELECT t.member_id, COALESCE(NULLIF(m.display_name, ''), m.native_id), t.points "
    "FROM totals t JOIN members m ON m.id = t.member_id WHERE t.points > 0 "
    "ORDER BY t.points DESC, t.first_id LIMIT :limit"
)
# A rank is 1 + the members above: the folded counts above the member's total,
# corrected for the members with unfolded rows (the counts have them at their
# folded total, or not at all).
_STANDING_OF = (
    f"WITH {_UNFOLDED}, "
    "moved AS (SELECT u.member_id, s.points AS folded, COALESCE(s.points, 0) + u.points AS total "
    f"FROM unfolded u LEFT JOIN st.standings s ON {_IN_WINDOW} AND s.member_id = u.member_id), "
    "mine AS (SELECT COALESCE((SELECT s.points FROM st.standings s "
    f"WHERE {_IN_WINDOW} AND s.member_id = :member), 0) "
    "+ COALESCE((SELECT points FROM unfolded WHERE member_id = :member), 0) AS points) "
    "SELECT mine.points, 1 + (SELECT COALESCE(SUM(c.members), 0) FROM st.standing_counts c "
    f"WHERE c.window_id = {_WINDOW_ID} AND c.points > mine.points) "
    "+ (SELECT COUNT(*) FROM moved WHERE member_id != :member AND total > mine.points) "
    "- (SELECT COUNT(*) FROM moved WHERE folded > mine.points) FROM mine"
)


async def top(db: Database, window: Window, limit: int = 10) -> list[Standing]:
    await db.standings.readable()
    rows = await db.fetchall(_TOP, {**window.named, "limit": limit})
    standings, rank, previous = [], 0, None
    for position, row in enumerate(rows, start=1):
        if row[2] != previous:  # equal totals share a rank
            rank, previous = position, row[2]
        standings.append(Standing(rank, row[0], row[1], row[2]))
    return standings


async def standing_of(db: Database, window: Window, member_id: int) -> Standing | None:
    await db.standings.readable()
    row = await db.fetchone(_STANDING_OF, {**window.named, "member": member_id})
    if row is None or row[0] <= 0:
        return None
    return Standing(int(row[1]), member_id, "", int(row[0]))


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
