"""Fixtures: the local fake Discord, and the real discord.py client logged in to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.discord.client import StudyClient
from adapters.discord.runner import discord_endpoints
from bot.app import Studybot
from tests.discord.fake_discord import FakeDiscord, Recorded

TOKEN = "fake-bot-token"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def client(app: Studybot, fake: FakeDiscord) -> AsyncIterator[StudyClient]:
    with discord_endpoints(fake.rest_url, fake.gateway_url):
        bot = StudyClient(app, guild_ready_timeout=0.01)
        app.attach("discord", bot.poster)
        task = asyncio.create_task(bot.start(TOKEN))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 10)
            yield bot
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class Discord:
    """Act as Discord: deliver an interaction, wait for the bot's answer to it."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    async def interact(self, payload: dict[str, Any]) -> Recorded:
        """Dispatch INTERACTION_CREATE; return the bot's interaction callback."""
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return await self.fake.wait_for_route(
            "POST", rf"/api/v10/interactions/{payload['id']}/{payload['token']}/callback"
        )

    async def replies(self, payload: dict[str, Any], count: int = 1) -> list[dict[str, Any]]:
        """Dispatch INTERACTION_CREATE; the first `count` messages the bot answered with
        (the response's, then follow-ups) as Discord stores them, or the modal it opened."""
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        callback = rf"/api/v10/interactions/{payload['id']}/{payload['token']}/callback"
        followups = rf"/api/v10/webhooks/\d+/{payload['token']}"

        def answered() -> list[dict[str, Any]]:
            first = []
            for r in self.fake.matching("POST", callback):
                if r.status < 400 and r.body.get("type") in (4, 7):  # a message, or an edit
                    first.append(self.fake.messages[self.fake.originals[payload["token"]]])
                elif r.status < 400 and r.body.get("type") == 9:  # a modal
                    first.append(r.body["data"])
            return first + [
                r.reply for r in self.fake.matching("POST", followups) if r.status < 400
            ]

        await self.fake.wait_until(lambda: len(answered()) >= count)
        return answered()[:count]

    async def followup(self, payload: dict[str, Any]) -> Recorded:
        return await self.fake.wait_for_route("POST", rf"/api/v10/webhooks/\d+/{payload['token']}")

    def original(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The message the bot answered this interaction with."""
        return self.fake.messages[self.fake.originals[payload["token"]]]


@pytest.fixture
def driver(client: StudyClient, fake: FakeDiscord) -> Discord:
    return Discord(fake)
