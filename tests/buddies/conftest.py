"""Buddy conversations run on the shared `testbot` (the app registers the feature)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.console.memory import Delivered, MemoryAdapter
from bot.clock import FakeClock

# The fake clock starts on Monday 2026-01-05 at 08:00 UTC; a new pool's first
# round is the next Monday 09:00 in the channel's zone (UTC here).
FIRST_ROUND = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def buddybot(testbot: MemoryAdapter) -> MemoryAdapter:
    return testbot


PROFILE = {
    "areas": "system-design, llm",
    "level": "mid",
    "timezone": "Europe/Berlin",
    "role": "both",
}


async def join(bot: MemoryAdapter, user: str, **changes: str) -> None:
    await bot.command(user, "/buddy join")
    await bot.submit(user, {**PROFILE, **changes})
    assert bot.last(user).message.title == "You are in the buddy pool", bot.last(user).text


async def run_round(bot: MemoryAdapter, clock: FakeClock, when: datetime) -> None:
    clock.set(when)
    await bot.app.tick()


def posts_of(bot: MemoryAdapter, kind: str) -> list[Delivered]:
    """Messages of this kind wherever they landed: group conversations, direct messages."""
    return [d for d in bot.log if d.message.kind == kind]
