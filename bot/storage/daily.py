"""SQL for the daily cycle: channels, posts, answers, votes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime

from bot.daily.config import ChannelConfig
from bot.envelope import ChannelRef, UserRef
from bot.record import record
from bot.storage.common import forget_member, from_db, to_db
from bot.storage.db import Database, Row, Tx
from bot.storage.ledger import forget_channel_zone

_CHANNEL_COLUMNS = (
    "id, platform, workspace, native_id, configured, post_time, timezone, days, areas, "
    "difficulty, reveal_minutes, paused, skip_next, weekly_leaderboard, leaderboard_day"
)


def _channel(row: Row) -> ChannelConfig:
    return ChannelConfig(
        id=row["id"],
        platform=row["platform"],
        workspace=row["workspace"],
        native_id=row["native_id"],
        configured=bool(row["configured"]),
        post_time=row["post_time"],
        timezone=row["timezone"],
        days=tuple(d for d in row["days"].split(",") if d),
        areas=tuple(a for a in row["areas"].split(",") if a),
        difficulty=row["difficulty"],
        reveal_minutes=row["reveal_minutes"],
        paused=bool(row["paused"]),
        skip_next=bool(row["skip_next"]),
        weekly_leaderboard=bool(row["weekly_leaderboard"]),
        leaderboard_day=row["leaderboard_day"],
    )


def channel_ref(config: ChannelConfig) -> ChannelRef:
    return ChannelRef(config.platform, config.workspace, config.native_id)


async def find_channel(db: Database | Tx, ref: ChannelRef) -> ChannelConfig | None:
    row = await db.fetchone(
        f"SELECT {_CHANNEL_COLUMNS} FROM channels "
        "WHERE platform = ? AND workspace = ? AND native_id = ?",
        (ref.platform, ref.workspace, ref.id),
    )
    return _channel(row) if row else None


async def channel_by_id(db: Database | Tx, channel_id: int) -> ChannelConfig:
    row = await db.fetchone(f"SELECT {_CHANNEL_COLUMNS} FROM channels WHERE id = ?", (channel_id,))
    assert row is not None, channel_id
    return _channel(row)


async def ensure_channel(tx: Tx, ref: ChannelRef, timezone: str, now: datetime) -> ChannelConfig:
    await tx.execute(
        "INSERT INTO channels (platform, workspace, native_id, timezone, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, workspace, native_id) DO NOTHING",
        (ref.platform, ref.workspace, ref.id, timezone, to_db(now), to_db(now)),
    )
    found = await find_channel(tx, ref)
    assert found is not None
    return found


async def save_channel(tx: Tx, config: ChannelConfig, now: datetime) -> None:
    forget_channel_zone(tx, config.id)
    await tx.execute(
        "UPDATE channels SET configured = ?, post_time = ?, timezone = ?, days = ?, areas = ?, "
        "difficulty = ?, reveal_minutes = ?, paused = ?, skip_next = ?, "
        "weekly_leaderboard = ?, leaderboard_day = ?, updated_at = ? WHERE id = ?",
        (
            int(config.configured),
            config.post_time,
            config.timezone,
            ",".join(config.days),
            ",".join(config.areas),
            config.difficulty,
            config.reveal_minutes,
            int(config.paused),
            int(config.skip_next),
            int(config.weekly_leaderboard),
            config.leaderboard_day,
            to_db(now),
            config.id,
        ),
    )


async def active_channels(db: Database) -> list[ChannelConfig]:
    rows = await db.fetchall(
        f"SELECT {_CHANNEL_COLUMNS} FROM channels WHERE configured = 1 AND paused = 0"
    )
    return [_channel(row) for row in rows]


async def active_channel_lots(db: Database, size: int) -> AsyncIterator[list[ChannelConfig]]:
    """The active channels `size` at a time, by id: each lot a short read of its own."""
    after = 0
    while rows := await db.fetchall(_ACTIVE_AFTER, (after, size)):
        lot = [_channel(row) for row in rows]
        yield lot
        after = lot[-1].id


_ACTIVE_AFTER = (
    f"SELECT {_CHANNEL_COLUMNS} FROM channels WHERE configured = 1 AND paused = 0 "
    "AND id > ? ORDER BY id LIMIT ?"
)


async def configured_channels(db: Database) -> list[ChannelConfig]:
    rows = await db.fetchall(f"SELECT {_CHANNEL_COLUMNS} FROM channels WHERE configured = 1")
    return [_channel(row) for row in rows]


@record
class Post:
    id: int
    channel_id: int
    local_date: str
    question_id: str
    status: str
    claimed_at: datetime
    reveal_at: datetime
    post_ref: str | None


_POST_COLUMNS = "id, channel_id, local_date, question_id, status, claimed_at, reveal_at, post_ref"


def _post(row: Row) -> Post:
    # By position: a Row looks a name up by comparing it with each column's.
    id_, channel_id, local_date, question_id, status, claimed_at, reveal_at, post_ref = row
    return Post(
        id_,
        channel_id,
        local_date,
        question_id,
        status,
        from_db(claimed_at),
        from_db(reveal_at),
        post_ref,
    )


async def claim_post(
    tx: Tx,
    channel_id: int,
    day: date,
    question_id: str,
    reveal_at: datetime,
    now: datetime,
    status: str = "claimed",
) -> int | None:
    """Claim (channel, local date); None when it was already claimed (by anyone)."""
    row = await tx.fetchone(
        "INSERT INTO daily_posts (channel_id, local_date, question_id, status, claimed_at, "
        "reveal_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (channel_id, local_date) DO NOTHING RETURNING id",
        (channel_id, day.isoformat(), question_id, status, to_db(now), to_db(reveal_at)),
    )
    return int(row[0]) if row else None


@record
class NewPost:
    channel_id: int
    day: date
    question_id: str
    reveal_at: datetime


async def claim_posts(
    tx: Tx, posts: list[NewPost], now: datetime, token: str
) -> dict[tuple[int, date], int]:
    """Claim many (channel, local date) at once; returns the ids of those this call won.

    Rows another process claimed first are left alone: the token tells ours apart.
    """
    if not posts:
        return {}
    await tx.executemany(
        "INSERT INTO daily_posts (channel_id, local_date, question_id, status, claimed_at, "
        "claimed_by, reveal_at) VALUES (?, ?, ?, 'claimed', ?, ?, ?) "
        "ON CONFLICT (channel_id, local_date) DO NOTHING",
        [
            (p.channel_id, p.day.isoformat(), p.question_id, to_db(now), token, to_db(p.reveal_at))
            for p in posts
        ],
    )
    keys = json.dumps([[p.channel_id, p.day.isoformat()] for p in posts])
    rows = await tx.fetchall(
        "SELECT p.id, p.channel_id, p.local_date FROM json_each(?) AS k JOIN daily_posts p "
        "ON p.channel_id = k.value ->> 0 AND p.local_date = k.value ->> 1 "
        "WHERE p.claimed_by = ?",
        (keys, token),
    )
    return {(row[1], date.fromisoformat(row[2])): row[0] for row in rows}


async def days_posted(db: Database | Tx, keys: list[tuple[int, date]]) -> set[tuple[int, date]]:
    """Which of these (channel, local date) have a daily post already: claimed, sent or skipped."""
    return await _days_in(db, "daily_posts", keys)


async def leaderboards_posted(
    db: Database | Tx, keys: list[tuple[int, date]]
) -> set[tuple[int, date]]:
    """Which of these (channel, local date) have had their weekly leaderboard posted."""
    return await _days_in(db, "leaderboard_posts", keys)


async def _days_in(
    db: Database | Tx, table: str, keys: list[tuple[int, date]]
) -> set[tuple[int, date]]:
    rows = await db.fetchall(
        f"SELECT t.channel_id, t.local_date FROM json_each(?) AS k JOIN {table} t "
        "ON t.channel_id = k.value ->> 0 AND t.local_date = k.value ->> 1",
        (json.dumps([[channel_id, day.isoformat()] for channel_id, day in keys]),),
    )
    return {(row[0], date.fromisoformat(row[1])) for row in rows}


async def post_on(db: Database | Tx, channel_id: int, day: date) -> Post | None:
    row = await db.fetchone(
        f"SELECT {_POST_COLUMNS} FROM daily_posts WHERE channel_id = ? AND local_date = ?",
        (channel_id, day.isoformat()),
    )
    return _post(row) if row else None


async def post_by_id(db: Database | Tx, post_id: int) -> Post | None:
    row = await db.fetchone(f"SELECT {_POST_COLUMNS} FROM daily_posts WHERE id = ?", (post_id,))
    return _post(row) if row else None


@record
class PostInZone:
    """What answering needs of a post, with its channel's zone, in one read.

    Only these columns: `sqlite3` costs ~1,400 instructions a column read
    (its description, the value, the row), ~7% of an answer for the rest.
    """

    id: int
    channel_id: int
    question_id: str
    status: str
    reveal_at: datetime
    timezone: str


_POST_IN_ZONE = (
    "SELECT p.id, p.channel_id, p.question_id, p.status, p.reveal_at, c.timezone "
    "FROM daily_posts p JOIN channels c ON c.id = p.channel_id "
)
_POST_IN_ZONE_BY_ID = _POST_IN_ZONE + "WHERE p.id = ?"
_LATEST_POST_IN_ZONE = (
    _POST_IN_ZONE + "WHERE c.platform = ? AND c.workspace = ? AND c.native_id = ? "
    "AND c.configured = 1 AND p.status != 'skipped' ORDER BY p.local_date DESC LIMIT 1"
)


def _post_in_zone(row: Row) -> PostInZone:
    id_, channel_id, question_id, status, reveal_at, timezone = row
    return PostInZone(id_, channel_id, question_id, status, from_db(reveal_at), timezone)


async def post_in_zone(db: Database | Tx, post_id: int) -> PostInZone | None:
    row = await db.fetchone(_POST_IN_ZONE_BY_ID, (post_id,))
    return _post_in_zone(row) if row else None


async def latest_post_in_channel(db: Database | Tx, ref: ChannelRef) -> PostInZone | None:
    """The newest (non-skipped) post of a configured channel."""
    row = await db.fetchone(_LATEST_POST_IN_ZONE, (ref.platform, ref.workspace, ref.id))
    return _post_in_zone(row) if row else None


async def latest_post(db: Database | Tx, channel_id: int) -> Post | None:
    row = await db.fetchone(
        f"SELECT {_POST_COLUMNS} FROM daily_posts WHERE channel_id = ? AND status != 'skipped' "
        "ORDER BY local_date DESC LIMIT 1",
        (channel_id,),
    )
    return _post(row) if row else None


async def stale_claims(db: Database, older_than: datetime) -> list[Post]:
    rows = await db.fetchall(
        f"SELECT {_POST_COLUMNS} FROM daily_posts WHERE status = 'claimed' AND claimed_at < ?",
        (to_db(older_than),),
    )
    return [_post(row) for row in rows]


async def reclaim(tx: Tx, post: Post, now: datetime) -> bool:
    """Take over a claim whose sender died; only one process can win it."""
    changed = await tx.execute_rowcount(
        "UPDATE daily_posts SET claimed_at = ? WHERE id = ? AND status = 'claimed' "
        "AND claimed_at = ?",
        (to_db(now), post.id, to_db(post.claimed_at)),
    )
    return changed == 1


async def mark_posted(tx: Tx, post_id: int, ref: str, when: datetime) -> None:
    """Record a delivered post and its platform reference."""
    await tx.execute(
        "UPDATE daily_posts SET status = 'posted', posted_at = ?, post_ref = ? WHERE id = ?",
        (to_db(when), ref, post_id),
    )


async def due_reveals(db: Database, now: datetime) -> list[Post]:
    rows = await db.fetchall(
        f"SELECT {_POST_COLUMNS} FROM daily_posts WHERE status = 'posted' AND reveal_at <= ?",
        (to_db(now),),
    )
    return [_post(row) for row in rows]


async def set_status(tx: Tx, post_id: int, old: str, new: str, now: datetime) -> bool:
    """Move a post from `old` to `new`; False if another process moved it first."""
    column = {"revealed": "revealed_at", "closed": "closed_at", "posted": "posted_at"}[new]
    changed = await tx.execute_rowcount(
        f"UPDATE daily_posts SET status = ?, {column} = ? WHERE id = ? AND status = ?",
        (new, to_db(now), post_id, old),
    )
    return changed == 1


async def question_counts_of(db: Database | Tx, channel_ids: list[int]) -> dict[int, Counter[str]]:
    """How often each question was posted, per channel, for many channels in one query."""
    rows = await db.fetchall(
        "SELECT channel_id, question_id, COUNT(*) FROM daily_posts WHERE channel_id IN "
        "(SELECT value FROM json_each(?)) AND status != 'skipped' "
        "GROUP BY channel_id, question_id",
        (json.dumps(channel_ids),),
    )
    counts: dict[int, Counter[str]] = {channel_id: Counter() for channel_id in channel_ids}
    for channel_id, question_id, count in rows:
        counts[channel_id][question_id] = count
    return counts


@record
class Answer:
    id: int
    member_id: int
    author: str
    body: str
    votes: int


async def answers_for(db: Database | Tx, post_id: int) -> list[Answer]:
    rows = await db.fetchall(
        "SELECT a.id, a.member_id, m.display_name, m.native_id, a.body, "
        "(SELECT COUNT(*) FROM votes v WHERE v.answer_id = a.id) AS votes "
        "FROM answers a JOIN members m ON m.id = a.member_id "
        "WHERE a.post_id = ? ORDER BY a.created_at, a.id",
        (post_id,),
    )
    return [Answer(r[0], r[1], r[2] or r[3], r[4], r[5]) for r in rows]


async def answer_of(db: Database | Tx, post_id: int, member_id: int) -> str | None:
    value = await db.fetchval(
        "SELECT body FROM answers WHERE post_id = ? AND member_id = ?", (post_id, member_id)
    )
    return None if value is None else str(value)


async def save_answer(
    tx: Tx, post_id: int, member_id: int, body: str, now: datetime
) -> bool | None:
    """Insert or edit while the post takes answers: True for a first answer, False for an
    edit, None when answering is closed. Both statements check the post in the same
    transaction as the write, so the reveal cannot slip in between.

    Plain statements, told apart by their row counts, rather than one upsert
    with RETURNING: SQLite gathers RETURNING rows in a temporary b-tree, ~5 us
    a statement (see _ADD_VOTE).
    """
    stamp = to_db(now)
    if await tx.execute_rowcount(_ADD_ANSWER, (post_id, member_id, body, stamp, stamp, post_id)):
        return True
    edited = await tx.execute_rowcount(_EDIT_ANSWER, (body, stamp, post_id, member_id, post_id))
    return False if edited else None


# A first answer, the usual case, is one statement; an edit, or a post that
# no longer takes answers, two.
_WHILE_POSTED = "EXISTS (SELECT 1 FROM daily_posts WHERE id = ? AND status = 'posted')"
_ADD_ANSWER = (
    "INSERT INTO answers (post_id, member_id, body, created_at, updated_at) "
    f"SELECT ?, ?, ?, ?, ? WHERE {_WHILE_POSTED} ON CONFLICT (post_id, member_id) DO NOTHING"
)
_EDIT_ANSWER = (
    "UPDATE answers SET body = ?, updated_at = ?, edits = edits + 1 "
    f"WHERE post_id = ? AND member_id = ? AND {_WHILE_POSTED}"
)


@record
class VoteTarget:
    """The answer voted on, its author, and the post's state (only what a vote reads)."""

    answer_id: int
    author_id: int
    author: str
    channel_id: int
    question_id: str
    status: str


_VOTE_TARGET = (
    "SELECT a.id, a.member_id, COALESCE(NULLIF(m.display_name, ''), m.native_id), "
    "p.channel_id, p.question_id, p.status "
    "FROM answers a JOIN members m ON m.id = a.member_id "
    "JOIN daily_posts p ON p.id = a.post_id WHERE a.id = ?"
)


async def vote_target(db: Database | Tx, answer_id: int) -> VoteTarget | None:
    row = await db.fetchone(_VOTE_TARGET, (answer_id,))
    return None if row is None else VoteTarget(*row)


# The row count says whether the vote was new: with RETURNING, SQLite would
# gather the returned rows in a temporary b-tree, ~5 us a statement (8.6 against
# 3.4 us for this insert alone).
_ADD_VOTE = (
    "INSERT INTO votes (answer_id, voter_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
)


async def toggle_vote(tx: Tx, answer_id: int, voter_id: int, now: datetime) -> bool:
    """Add the vote, or withdraw it if it exists; True when the vote now stands.

    Insert first: a new vote, the usual case, is then one statement.
    """
    if await tx.execute_rowcount(_ADD_VOTE, (answer_id, voter_id, to_db(now))):
        return True
    await tx.execute(
        "DELETE FROM votes WHERE answer_id = ? AND voter_id = ?", (answer_id, voter_id)
    )
    return False


async def open_posts_of(db: Database | Tx, channel_ids: list[int]) -> dict[int, list[Post]]:
    """Posts still taking votes (or never revealed), per channel, in one query."""
    rows = await db.fetchall(
        f"SELECT {_POST_COLUMNS} FROM daily_posts WHERE channel_id IN "
        "(SELECT value FROM json_each(?)) AND status IN ('posted', 'revealed')",
        (json.dumps(channel_ids),),
    )
    found: dict[int, list[Post]] = {channel_id: [] for channel_id in channel_ids}
    for row in rows:
        found[row["channel_id"]].append(_post(row))
    return found


async def claim_leaderboard_post(tx: Tx, channel_id: int, day: date, now: datetime) -> bool:
    row = await tx.fetchone(
        "INSERT INTO leaderboard_posts (channel_id, local_date, posted_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING channel_id",
        (channel_id, day.isoformat(), to_db(now)),
    )
    return row is not None


async def set_member_timezone(tx: Tx, user: UserRef, zone: str) -> None:
    await tx.execute(
        "UPDATE members SET timezone = ? WHERE platform = ? AND workspace = ? AND native_id = ?",
        (zone, user.platform, user.workspace, user.id),
    )
    forget_member(tx, user)


async def member_timezone(db: Database | Tx, member_id: int) -> str | None:
    value = await db.fetchval("SELECT timezone FROM members WHERE id = ?", (member_id,))
    return None if value is None else str(value)
