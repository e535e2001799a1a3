"""`serve_discord`: endpoints from settings, runs until cancelled, clear start-up errors."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from pydantic import SecretStr

from adapters.discord.runner import serve_discord
from bot.app import Studybot
from bot.errors import ConfigError
from bot.settings import Settings
from tests.discord import payloads
from tests.discord.fake_discord import FakeDiscord


def pointed_at(settings: Settings, fake: FakeDiscord) -> Settings:
    return settings.model_copy(
        update={
            "discord_token": SecretStr("fake-bot-token"),
            "discord_api_base_url": fake.rest_url,
            "discord_gateway_url": fake.gateway_url,
        }
    )


async def test_serve_discord_attaches_the_poster_serves_and_stops_when_cancelled(
    app: Studybot, settings: Settings, fake: FakeDiscord
) -> None:
    default_base, default_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    task = asyncio.create_task(serve_discord(app, pointed_at(settings, fake)))
    await fake.wait_identified()
    assert "discord" in app.posters
    payload = payloads.slash("help")
    await fake.dispatch("INTERACTION_CREATE", payload)
    await fake.wait_for_route("POST", rf"/api/v10/interactions/{payload['id']}/.*/callback")
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert (default_base, default_gateway) == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


async def test_a_refused_token_stops_start_up_with_a_message(
    app: Studybot, settings: Settings, fake: FakeDiscord
) -> None:
    fake.fail_next("GET", r"/api/v10/users/@me", status=401)
    with pytest.raises(ConfigError, match="DISCORD_TOKEN was refused"):
        await serve_discord(app, pointed_at(settings, fake))
