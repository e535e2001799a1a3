"""`studybot discord sync [--guild ID]` and `studybot discord invite`."""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import sys
from pathlib import Path
from typing import Any

import discord

from adapters.discord.client import StudyClient
from adapters.discord.runner import discord_endpoints, token_of
from bot.app import Studybot
from bot.errors import StudybotError
from bot.settings import Settings, load_settings

SCOPES = ("bot", "applications.commands")
# What the bot does: read and post in channels, embeds, threads for the reveal,
# and a private thread per study-buddy group.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    read_message_history=True,
    create_public_threads=True,
    create_private_threads=True,
    send_messages_in_threads=True,
)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("discord", help="Discord: sync slash commands, invite the bot")
    actions = parser.add_subparsers(dest="discord_action", required=True)
    sync = actions.add_parser(
        "sync",
        help="upload the slash commands now (globally, or to one server at once with --guild)",
    )
    sync.add_argument("--guild", type=int, metavar="ID", help="a server id, for instant testing")
    sync.add_argument("--config", type=Path, help="a YAML settings file (or STUDYBOT_CONFIG)")
    invite = actions.add_parser("invite", help="print the URL that adds the bot to a server")
    invite.add_argument(
        "--client-id", type=int, help="the application id (default: read from DISCORD_TOKEN)"
    )
    invite.add_argument("--config", type=Path, help="a YAML settings file (or STUDYBOT_CONFIG)")


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config)
        if args.discord_action == "invite":
            print(invite_url(args.client_id or client_id_from_token(token_of(settings))))
            return 0
        count = asyncio.run(sync_commands(settings, args.guild))
    except StudybotError as error:
        print(f"studybot: {error}", file=sys.stderr)
        return 2
    except discord.HTTPException as error:
        print(f"studybot: Discord refused the sync: {error}", file=sys.stderr)
        return 1
    where = (
        f"server {args.guild} (available now)"
        if args.guild
        else ("every server (Discord may take up to an hour to show changes)")
    )
    print(f"Synced {count} commands to {where}.")
    return 0


def invite_url(client_id: int) -> str:
    return discord.utils.oauth_url(client_id, permissions=BOT_PERMISSIONS, scopes=SCOPES)


def client_id_from_token(token: str) -> int:
    """A bot token starts with its user id (the application id) in base64."""
    first = token.split(".", 1)[0]
    try:
        return int(base64.b64decode(first + "=" * (-len(first) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise StudybotError(
            "cannot read the application id from DISCORD_TOKEN; pass --client-id "
            "(Developer Portal > your application > General Information)."
        ) from None


async def sync_commands(settings: Settings, guild_id: int | None) -> int:
    token = token_of(settings)
    app = await Studybot.create(settings)
    try:
        with discord_endpoints(settings.discord_api_base_url, settings.discord_gateway_url):
            client = StudyClient(app, auto_sync=False)
            async with client:
                try:
                    await client.login(token)
                except discord.LoginFailure:
                    raise StudybotError("DISCORD_TOKEN was refused by Discord.") from None
                return await client.commands.sync(guild_id)
    finally:
        await app.close()
