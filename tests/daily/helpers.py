"""Shared steps for daily-cycle conversations."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.console.memory import Delivered, MemoryAdapter
from bot.clock import FakeClock
from bot.envelope import Message

ADMIN = "admin"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def configure(testbot: MemoryAdapter, channel: str = "general", options: str = "") -> None:
    line = f"/studybot setup {options or 'time:09:00 timezone:UTC'}"
    [reply] = await testbot.command(ADMIN, line, channel, admin=True)
    assert isinstance(reply, Message)
    assert reply.kind == "config", reply.text


async def tick_at(testbot: MemoryAdapter, clock: FakeClock, when: datetime) -> None:
    clock.set(when)
    await testbot.app.tick()


def posts(testbot: MemoryAdapter, channel: str = "general") -> list[Delivered]:
    return [d for d in testbot.public(channel) if d.message.kind == "daily_post"]


def reveals(testbot: MemoryAdapter, channel: str = "general") -> list[Delivered]:
    return [d for d in testbot.public(channel) if d.message.kind == "reveal"]


async def post_now(testbot: MemoryAdapter, channel: str = "general") -> None:
    [reply] = await testbot.command(ADMIN, "/studybot post-now", channel, admin=True)
    assert isinstance(reply, Message)
    assert reply.text == "Posted today's question.", reply.text


async def reveal_now(testbot: MemoryAdapter, channel: str = "general") -> None:
    [reply] = await testbot.command(ADMIN, "/studybot reveal-now", channel, admin=True)
    assert isinstance(reply, Message)
    assert reply.text.startswith("Revealed"), reply.text


def reply_text(replies: list[object]) -> str:
    [reply] = replies
    assert isinstance(reply, Message)
    return reply.text
