"""`serve_discord`: log in, attach the Poster, serve until cancelled."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.client import StudyClient
from bot.app import Studybot
from bot.errors import ConfigError
from bot.settings import Settings

log = logging.getLogger("studybot.discord")


@contextlib.contextmanager
def discord_endpoints(rest_base: str | None, gateway: str | None) -> Iterator[None]:
    """Point discord.py at another REST base and gateway (a proxy, or a local fake).

    discord.py keeps both as class attributes, so they are set for the
    duration and put back afterwards.
    """
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    if rest_base:
        Route.BASE = rest_base.rstrip("/")
    if gateway:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


def token_of(settings: Settings) -> str:
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        raise ConfigError("DISCORD_TOKEN is not set; see adapters/discord/README.md.")
    return settings.discord_token.get_secret_value().strip()


async def serve_discord(app: Studybot, settings: Settings) -> None:
    """Run the Discord adapter until cancelled; a bad token stops start-up with a message."""
    token = token_of(settings)
    with discord_endpoints(settings.discord_api_base_url, settings.discord_gateway_url):
        client = StudyClient(app)
        app.attach("discord", client.poster)
        try:
            async with client:
                await client.start(token)
        except discord.LoginFailure:
            raise ConfigError(
                "DISCORD_TOKEN was refused by Discord; copy the bot token again "
                "from the Developer Portal (Bot > Reset Token)."
            ) from None
        except discord.PrivilegedIntentsRequired:
            raise ConfigError("Discord refused the gateway intents the bot asked for.") from None
