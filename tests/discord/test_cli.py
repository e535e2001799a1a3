"""`studybot discord invite` and `studybot discord sync`."""

from __future__ import annotations

import argparse
import base64
from urllib.parse import parse_qs, urlparse

import pytest
from pydantic import SecretStr

from adapters.discord import cli
from bot.settings import Settings
from tests.discord.fake_discord import APP_ID, FakeDiscord


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="studybot")
    cli.add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_invite_prints_the_oauth_url_with_scopes_and_permissions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.run(parse("discord", "invite", "--client-id", "123")) == 0
    query = parse_qs(urlparse(capsys.readouterr().out.strip()).query)
    assert query["client_id"] == ["123"]
    assert query["scope"] == ["bot applications.commands"]
    assert int(query["permissions"][0]) == cli.BOT_PERMISSIONS.value
    assert cli.BOT_PERMISSIONS.send_messages_in_threads
    assert cli.BOT_PERMISSIONS.create_public_threads
    assert cli.BOT_PERMISSIONS.create_private_threads  # a thread per study-buddy group


def test_the_application_id_is_read_from_the_token() -> None:
    token = base64.b64encode(str(APP_ID).encode()).decode().rstrip("=") + ".GhIjK.secret"
    assert cli.client_id_from_token(token) == APP_ID


def test_invite_without_a_token_or_id_explains_what_to_do(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("STUDYBOT_CONFIG", raising=False)
    assert cli.run(parse("discord", "invite")) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().err


async def test_sync_to_a_guild_uploads_the_commands(settings: Settings, fake: FakeDiscord) -> None:
    configured = settings.model_copy(
        update={
            "discord_token": SecretStr("fake-bot-token"),
            "discord_api_base_url": fake.rest_url,
            "discord_gateway_url": fake.gateway_url,
        }
    )
    count = await cli.sync_commands(configured, 42)
    [put] = fake.matching("PUT", rf"/api/v10/applications/{APP_ID}/guilds/42/commands")
    assert count == len(put.body) > 0
    assert not fake.identifies  # a sync needs no gateway connection
