"""Small shared storage helpers: time encoding, members, channels, event claims."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.envelope import UserRef
from bot.storage.db import Database, Tx

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_db(when: datetime) -> str:
    """UTC text that sorts in time order."""
    return when.astimezone(UTC).strftime(_FORMAT)


def from_db(text: str) -> datetime:
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)


async def member_id(tx: Tx, user: UserRef, now: datetime) -> int:
    """The member's row id, creating the row on first sight (and refreshing the name)."""
    return (await member_row(tx, user, now))[0]


async def member_row(tx: Tx, user: UserRef, now: datetime) -> tuple[int, str | None]:
    """(id, own time zone or None), creating the member on first sight, in one round trip."""
    row = await tx.fetchone(
        "INSERT INTO members (platform, workspace, native_id, display_name, created_at) "
        "VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (platform, workspace, native_id) DO UPDATE SET "
        "display_name = CASE WHEN excluded.display_name = '' THEN display_name "
        "ELSE excluded.display_name END "
        "RETURNING id, timezone",
        (user.platform, user.workspace, user.id, user.name, to_db(now)),
    )
    assert row is not None
    return int(row[0]), row[1]


async def claim_event(db: Database, key: str, now: datetime) -> bool:
    """True the first time `key` is claimed, False for every redelivery."""

    async def claim(tx: Tx) -> bool:
        inserted = await tx.execute_rowcount(
            "INSERT OR IGNORE INTO seen_events (key, claimed_at) VALUES (?, ?)",
            (key, to_db(now)),
        )
        return inserted == 1

    return await db.write(claim)
