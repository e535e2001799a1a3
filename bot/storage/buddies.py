"""SQL for study buddies: pools, members, rounds, groups and check-ins."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.envelope import ChannelRef, UserRef
from bot.record import record
from bot.storage.common import to_db
from bot.storage.db import Database, Row, Tx

Reader = Database | Tx


@record
class Pool:
    channel_id: int
    cadence: str
    day: str
    local_time: str
    group_size: int
    repeat_window: int
    next_round_at: str  # UTC, as stored (to_db)


@record
class Membership:
    channel_id: int
    member_id: int
    areas: tuple[str, ...]
    level: str
    timezone: str
    role: str
    status: str  # active, paused, left
    skip_next: bool
    missed_checkins: int


@record
class Profile:
    """What a member tells the pool when joining."""

    areas: tuple[str, ...]
    level: str
    timezone: str
    role: str


@record
class GroupMember:
    member_id: int
    user: UserRef
    role: str  # technical, behavioral, observer
    checkin: str | None
    areas: tuple[str, ...]
    level: str
    timezone: str


@record
class GroupInfo:
    id: int
    round_id: int
    round_number: int
    channel_id: int
    channel: ChannelRef
    scheduled_at: str
    technical_question_id: str | None
    behavioral_question_id: str | None
    conversation_id: str | None
    intro_ref: str | None
    members: tuple[GroupMember, ...]


@record
class NewGroup:
    roles: Sequence[tuple[int, str]]  # (member id, role)
    technical_question_id: str | None
    behavioral_question_id: str | None


_POOL_COLUMNS = "channel_id, cadence, day, local_time, group_size, repeat_window, next_round_at"


def _pool(row: Row) -> Pool:
    return Pool(
        channel_id=row["channel_id"],
        cadence=row["cadence"],
        day=row["day"],
        local_time=row["local_time"],
        group_size=row["group_size"],
        repeat_window=row["repeat_window"],
        next_round_at=row["next_round_at"],
    )


def _areas(text: str) -> tuple[str, ...]:
    return tuple(area for area in text.split(",") if area)


# -- pools ---------------------------------------------------------------------


async def get_pool(db: Reader, channel_id: int) -> Pool | None:
    row = await db.fetchone(
        f"SELECT {_POOL_COLUMNS} FROM buddy_pools WHERE channel_id = ?", (channel_id,)
    )
    return _pool(row) if row else None


async def ensure_pool(tx: Tx, channel_id: int, next_round_at: datetime, now: datetime) -> Pool:
    await tx.execute(
        "INSERT INTO buddy_pools (channel_id, next_round_at, created_at, updated_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (channel_id) DO NOTHING",
        (channel_id, to_db(next_round_at), to_db(now), to_db(now)),
    )
    pool = await get_pool(tx, channel_id)
    assert pool is not None
    return pool


async def save_pool(tx: Tx, pool: Pool, now: datetime) -> None:
    await tx.execute(
        "UPDATE buddy_pools SET cadence = ?, day = ?, local_time = ?, group_size = ?, "
        "repeat_window = ?, next_round_at = ?, updated_at = ? WHERE channel_id = ?",
        (
            pool.cadence,
            pool.day,
            pool.local_time,
            pool.group_size,
            pool.repeat_window,
            pool.next_round_at,
            to_db(now),
            pool.channel_id,
        ),
    )


async def due_pools(db: Reader, now: datetime) -> list[Pool]:
    rows = await db.fetchall(
        f"SELECT {_POOL_COLUMNS} FROM buddy_pools WHERE next_round_at <= ? ORDER BY channel_id",
        (to_db(now),),
    )
    return [_pool(row) for row in rows]


# -- members -------------------------------------------------------------------

_MEMBERSHIP_COLUMNS = (
    "channel_id, member_id, areas, level, timezone, role, status, skip_next, missed_checkins"
)


def _membership(row: Row) -> Membership:
    return Membership(
        channel_id=row["channel_id"],
        member_id=row["member_id"],
        areas=_areas(row["areas"]),
        level=row["level"],
        timezone=row["timezone"],
        role=row["role"],
        status=row["status"],
        skip_next=bool(row["skip_next"]),
        missed_checkins=row["missed_checkins"],
    )


async def membership(db: Reader, channel_id: int, member_id: int) -> Membership | None:
    row = await db.fetchone(
        f"SELECT {_MEMBERSHIP_COLUMNS} FROM buddy_members WHERE channel_id = ? AND member_id = ?",
        (channel_id, member_id),
    )
    return _membership(row) if row else None


async def find_membership(db: Reader, channel: ChannelRef, user: UserRef) -> Membership | None:
    """The member's place in the channel's pool, by platform ids (never creates rows)."""
    row = await db.fetchone(
        f"SELECT {', '.join('bm.' + c for c in _MEMBERSHIP_COLUMNS.split(', '))} "
        "FROM buddy_members bm JOIN channels c ON c.id = bm.channel_id "
        "JOIN members m ON m.id = bm.member_id "
        "WHERE c.platform = ? AND c.workspace = ? AND c.native_id = ? "
        "AND m.platform = ? AND m.workspace = ? AND m.native_id = ?",
        (channel.platform, channel.workspace, channel.id, user.platform, user.workspace, user.id),
    )
    return _membership(row) if row else None


async def pool_channel_id(db: Reader, channel: ChannelRef) -> int | None:
    """The channel's row id if it has a buddy pool."""
    value = await db.fetchval(
        "SELECT p.channel_id FROM buddy_pools p JOIN channels c ON c.id = p.channel_id "
        "WHERE c.platform = ? AND c.workspace = ? AND c.native_id = ?",
        (channel.platform, channel.workspace, channel.id),
    )
    return None if value is None else int(value)


async def join_pool(
    tx: Tx, channel_id: int, member_id: int, profile: Profile, now: datetime
) -> None:
    """Join, or rejoin with a new profile: active, nothing skipped, nothing missed."""
    await tx.execute(
        "INSERT INTO buddy_members (channel_id, member_id, areas, level, timezone, role, "
        "status, skip_next, missed_checkins, joined_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'active', 0, 0, ?, ?) "
        "ON CONFLICT (channel_id, member_id) DO UPDATE SET areas = excluded.areas, "
        "level = excluded.level, timezone = excluded.timezone, role = excluded.role, "
        "status = 'active', skip_next = 0, missed_checkins = 0, updated_at = excluded.updated_at",
        (
            channel_id,
            member_id,
            ",".join(profile.areas),
            profile.level,
            profile.timezone,
            profile.role,
            to_db(now),
            to_db(now),
        ),
    )


async def set_status(tx: Tx, channel_id: int, member_id: int, status: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE buddy_members SET status = ?, skip_next = 0, missed_checkins = 0, "
        "updated_at = ? WHERE channel_id = ? AND member_id = ?",
        (status, to_db(now), channel_id, member_id),
    )


async def set_skip_next(tx: Tx, channel_id: int, member_id: int, skip: bool, now: datetime) -> None:
    await tx.execute(
        "UPDATE buddy_members SET skip_next = ?, updated_at = ? "
        "WHERE channel_id = ? AND member_id = ?",
        (int(skip), to_db(now), channel_id, member_id),
    )


async def active_count(db: Reader, channel_id: int) -> int:
    return int(
        await db.fetchval(
            "SELECT COUNT(*) FROM buddy_members WHERE channel_id = ? AND status = 'active'",
            (channel_id,),
            default=0,
        )
    )


async def member_timezone(db: Reader, member_id: int) -> str | None:
    value = await db.fetchval("SELECT timezone FROM members WHERE id = ?", (member_id,))
    return str(value) if value else None


async def take_candidates(tx: Tx, channel_id: int, now: datetime) -> list[Membership]:
    """Active members for this round; whoever asked to skip it is skipped, once."""
    rows = await tx.fetchall(
        f"SELECT {_MEMBERSHIP_COLUMNS} FROM buddy_members "
        "WHERE channel_id = ? AND status = 'active' ORDER BY member_id",
        (channel_id,),
    )
    await tx.execute(
        "UPDATE buddy_members SET skip_next = 0, updated_at = ? "
        "WHERE channel_id = ? AND skip_next = 1",
        (to_db(now), channel_id),
    )
    return [m for m in (_membership(row) for row in rows) if not m.skip_next]


async def pause_silent_members(
    tx: Tx, channel_id: int, round_number: int, limit: int, now: datetime
) -> list[int]:
    """Count the round's unanswered check-ins; pause whoever reached `limit` in a row."""
    await tx.execute(
        "UPDATE buddy_members SET missed_checkins = missed_checkins + 1 "
        "WHERE channel_id = ? AND status = 'active' AND member_id IN ("
        "  SELECT gm.member_id FROM buddy_group_members gm "
        "  JOIN buddy_groups g ON g.id = gm.group_id "
        "  JOIN buddy_rounds r ON r.id = g.round_id "
        "  WHERE r.channel_id = ? AND r.number = ? AND gm.checkin IS NULL)",
        (channel_id, channel_id, round_number),
    )
    rows = await tx.fetchall(
        "UPDATE buddy_members SET status = 'paused', updated_at = ? "
        "WHERE channel_id = ? AND status = 'active' AND missed_checkins >= ? "
        "RETURNING member_id",
        (to_db(now), channel_id, limit),
    )
    return sorted(int(row[0]) for row in rows)


async def user_refs(db: Reader, member_ids: Iterable[int]) -> dict[int, UserRef]:
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(
        f"SELECT id, platform, workspace, native_id, display_name FROM members "
        f"WHERE id IN ({marks})",
        ids,
    )
    return {
        row["id"]: UserRef(row["platform"], row["workspace"], row["native_id"], row["display_name"])
        for row in rows
    }


# -- rounds --------------------------------------------------------------------


async def claim_round(
    tx: Tx, pool: Pool, now: datetime, checkin_at: datetime, next_round_at: datetime
) -> tuple[int, int] | None:
    """Insert the pool's due round and move the pool on; None if it was claimed before."""
    number = int(
        await tx.fetchval(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM buddy_rounds WHERE channel_id = ?",
            (pool.channel_id,),
        )
    )
    inserted = await tx.fetchone(
        "INSERT INTO buddy_rounds (channel_id, number, scheduled_at, formed_at, checkin_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        (pool.channel_id, number, pool.next_round_at, to_db(now), to_db(checkin_at)),
    )
    if inserted is None:
        return None
    await tx.execute(
        "UPDATE buddy_pools SET next_round_at = ?, updated_at = ? WHERE channel_id = ?",
        (to_db(next_round_at), to_db(now), pool.channel_id),
    )
    return int(inserted[0]), number


async def history(
    tx: Reader, channel_id: int, number: int, window: int
) -> dict[tuple[int, int], int]:
    """Who was grouped with whom in the last `window` rounds: pair -> rounds ago."""
    rows = await tx.fetchall(
        "SELECT a.member_id, b.member_id, MAX(r.number) FROM buddy_group_members a "
        "JOIN buddy_group_members b ON b.group_id = a.group_id AND a.member_id < b.member_id "
        "JOIN buddy_groups g ON g.id = a.group_id "
        "JOIN buddy_rounds r ON r.id = g.round_id "
        "WHERE r.channel_id = ? AND r.number >= ? AND r.number < ? "
        "GROUP BY a.member_id, b.member_id",
        (channel_id, number - window, number),
    )
    return {(int(row[0]), int(row[1])): number - int(row[2]) for row in rows}


async def past_roles(
    tx: Reader, channel_id: int, member_ids: Sequence[int]
) -> list[tuple[int, int, str]]:
    """(round number, member, role) in earlier groups that held two or more of them."""
    marks = ",".join("?" * len(member_ids))
    return [
        (int(row[0]), int(row[1]), str(row[2]))
        for row in await tx.fetchall(
            "SELECT r.number, gm.member_id, gm.role FROM buddy_group_members gm "
            "JOIN buddy_groups g ON g.id = gm.group_id "
            "JOIN buddy_rounds r ON r.id = g.round_id "
            f"WHERE r.channel_id = ? AND gm.member_id IN ({marks}) AND gm.group_id IN ("
            "  SELECT group_id FROM buddy_group_members "
            f"  WHERE member_id IN ({marks}) GROUP BY group_id HAVING COUNT(*) >= 2)",
            (channel_id, *member_ids, *member_ids),
        )
    ]


async def asked_question_ids(tx: Reader, member_ids: Sequence[int]) -> set[str]:
    """Packet questions any of these members already had."""
    marks = ",".join("?" * len(member_ids))
    rows = await tx.fetchall(
        "SELECT g.technical_question_id, g.behavioral_question_id FROM buddy_groups g "
        f"JOIN buddy_group_members gm ON gm.group_id = g.id WHERE gm.member_id IN ({marks})",
        tuple(member_ids),
    )
    return {str(value) for row in rows for value in row if value}


async def insert_group(tx: Tx, round_id: int, group: NewGroup) -> int:
    group_id = await tx.execute(
        "INSERT INTO buddy_groups (round_id, technical_question_id, behavioral_question_id) "
        "VALUES (?, ?, ?)",
        (round_id, group.technical_question_id, group.behavioral_question_id),
    )
    await tx.executemany(
        "INSERT INTO buddy_group_members (group_id, member_id, role) VALUES (?, ?, ?)",
        [(group_id, member, role) for member, role in group.roles],
    )
    return group_id


# -- groups and introductions -------------------------------------------------------

_GROUP_SELECT = (
    "SELECT g.id, g.round_id, r.number, r.channel_id, r.scheduled_at, "
    "g.technical_question_id, g.behavioral_question_id, g.conversation_id, g.intro_ref, "
    "c.platform AS c_platform, c.workspace AS c_workspace, c.native_id AS c_native "
    "FROM buddy_groups g JOIN buddy_rounds r ON r.id = g.round_id "
    "JOIN channels c ON c.id = r.channel_id "
)


async def _groups(db: Reader, where: str, params: Sequence[object]) -> list[GroupInfo]:
    rows = await db.fetchall(_GROUP_SELECT + where + " ORDER BY g.id", params)
    if not rows:
        return []
    members = await _members_of(db, [row["id"] for row in rows])
    return [
        GroupInfo(
            id=row["id"],
            round_id=row["round_id"],
            round_number=row["number"],
            channel_id=row["channel_id"],
            channel=ChannelRef(row["c_platform"], row["c_workspace"], row["c_native"]),
            scheduled_at=row["scheduled_at"],
            technical_question_id=row["technical_question_id"],
            behavioral_question_id=row["behavioral_question_id"],
            conversation_id=row["conversation_id"],
            intro_ref=row["intro_ref"],
            members=tuple(members.get(row["id"], [])),
        )
        for row in rows
    ]


async def _members_of(db: Reader, group_ids: Sequence[int]) -> dict[int, list[GroupMember]]:
    marks = ",".join("?" * len(group_ids))
    rows = await db.fetchall(
        "SELECT gm.group_id, gm.member_id, gm.role, gm.checkin, m.platform, m.workspace, "
        "m.native_id, m.display_name, bm.areas, bm.level, bm.timezone "
        "FROM buddy_group_members gm JOIN members m ON m.id = gm.member_id "
        "JOIN buddy_groups g ON g.id = gm.group_id "
        "JOIN buddy_rounds r ON r.id = g.round_id "
        "LEFT JOIN buddy_members bm "
        "ON bm.channel_id = r.channel_id AND bm.member_id = gm.member_id "
        f"WHERE gm.group_id IN ({marks}) ORDER BY gm.group_id, gm.member_id",
        tuple(group_ids),
    )
    found: dict[int, list[GroupMember]] = {}
    for row in rows:
        found.setdefault(row["group_id"], []).append(
            GroupMember(
                member_id=row["member_id"],
                user=UserRef(
                    row["platform"], row["workspace"], row["native_id"], row["display_name"]
                ),
                role=row["role"],
                checkin=row["checkin"],
                areas=_areas(row["areas"] or ""),
                level=row["level"] or "mid",
                timezone=row["timezone"] or "UTC",
            )
        )
    return found


async def group(db: Reader, group_id: int) -> GroupInfo | None:
    found = await _groups(db, "WHERE g.id = ?", (group_id,))
    return found[0] if found else None


async def claim_pending_intros(tx: Tx) -> list[int]:
    """Groups whose introduction nobody is posting yet; they are now ours to post."""
    rows = await tx.fetchall(
        "UPDATE buddy_groups SET intro_status = 'posting' WHERE intro_status = 'pending' "
        "RETURNING id"
    )
    return sorted(int(row[0]) for row in rows)


async def remember_conversation(tx: Tx, group_id: int, conversation_id: str) -> None:
    """Kept before the introduction is posted, so a retry reuses the conversation."""
    await tx.execute(
        "UPDATE buddy_groups SET conversation_id = ? WHERE id = ?", (conversation_id, group_id)
    )


async def mark_intro_posted(tx: Tx, group_id: int, ref: str) -> None:
    await tx.execute(
        "UPDATE buddy_groups SET intro_status = 'posted', intro_ref = ? WHERE id = ?",
        (ref, group_id),
    )


async def release_intro(tx: Tx, group_id: int) -> None:
    """Posting failed: leave the introduction for the next tick."""
    await tx.execute(
        "UPDATE buddy_groups SET intro_status = 'pending' "
        "WHERE id = ? AND intro_status = 'posting'",
        (group_id,),
    )


async def latest_group_of(db: Reader, channel_id: int, member_id: int) -> GroupInfo | None:
    found = await _groups(
        db,
        "WHERE r.channel_id = ? AND g.id IN "
        "(SELECT group_id FROM buddy_group_members WHERE member_id = ?)",
        (channel_id, member_id),
    )
    return found[-1] if found else None


# -- check-ins -----------------------------------------------------------------------


async def claim_due_checkins(tx: Tx, now: datetime) -> list[int]:
    """Rounds whose check-in is due and not yet sent; marked sent, exactly once."""
    rows = await tx.fetchall(
        "UPDATE buddy_rounds SET checkin_sent_at = ? "
        "WHERE checkin_sent_at IS NULL AND checkin_at <= ? RETURNING id",
        (to_db(now), to_db(now)),
    )
    return sorted(int(row[0]) for row in rows)


async def groups_of_round(db: Reader, round_id: int) -> list[GroupInfo]:
    return await _groups(db, "WHERE g.round_id = ?", (round_id,))


async def record_checkin(tx: Tx, group_id: int, member_id: int, answer: str, now: datetime) -> bool:
    """Save a member's answer (the latest wins); False if they are not in the group."""
    changed = await tx.execute_rowcount(
        "UPDATE buddy_group_members SET checkin = ?, checked_at = ? "
        "WHERE group_id = ? AND member_id = ?",
        (answer, to_db(now), group_id, member_id),
    )
    if changed != 1:
        return False
    await tx.execute(
        "UPDATE buddy_members SET missed_checkins = 0 WHERE member_id = ? AND channel_id = ("
        "  SELECT r.channel_id FROM buddy_groups g JOIN buddy_rounds r ON r.id = g.round_id "
        "  WHERE g.id = ?)",
        (member_id, group_id),
    )
    return True


async def meetings_count(db: Reader, member_id: int) -> int:
    """Buddy meetings the member reported ("Met"), across every channel, for /stats."""
    return int(
        await db.fetchval(
            "SELECT COUNT(*) FROM buddy_group_members WHERE member_id = ? AND checkin = 'met'",
            (member_id,),
            default=0,
        )
    )
