"""Socket Mode: the same listeners, reached over a websocket the fake Slack serves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from adapters.slack.runner import serve_slack
from bot.app import Studybot
from bot.errors import ConfigError
from bot.settings import Settings
from tests.slack.driver import command_body, find_button, press_payload, shown_text
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
async def socket_mode(
    app: Studybot, settings: Settings, fake_slack: FakeSlack
) -> AsyncIterator[None]:
    """`serve_slack` with an app token, as `studybot run` starts it; cancelled at the end."""
    socket_settings = settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-test-token"),
            "slack_app_token": SecretStr("xapp-test-token"),
            "slack_api_base_url": fake_slack.api_url,
        }
    )
    serving = asyncio.create_task(serve_slack(app, socket_settings))
    try:
        yield
    finally:
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving


@pytest.mark.usefixtures("socket_mode")
async def test_a_slash_command_over_socket_mode_is_acked_and_answered(
    fake_slack: FakeSlack,
) -> None:
    body = command_body(fake_slack, "alice", "/help", "cmd-socket")

    envelope = await fake_slack.socket_send("slash_commands", body)

    assert (await fake_slack.socket_ack(envelope))["envelope_id"] == envelope
    assert {call.token for call in fake_slack.of("apps.connections.open")} == {"xapp-test-token"}
    [reply] = await fake_slack.wait_for("response_url", where=lambda c: c.target == "cmd-socket")
    assert "/question" in shown_text(reply)


@pytest.mark.usefixtures("socket_mode")
async def test_a_button_over_socket_mode_opens_the_modal(fake_slack: FakeSlack) -> None:
    body = command_body(fake_slack, "alice", "/question", "cmd-socket")
    await fake_slack.socket_send("slash_commands", body)
    [reply] = await fake_slack.wait_for("response_url", where=lambda c: c.target == "cmd-socket")
    button = find_button([reply], "Answer")

    envelope = await fake_slack.socket_send(
        "interactive", press_payload(fake_slack, "alice", button, "act-socket")
    )

    await fake_slack.socket_ack(envelope)
    [opened] = await fake_slack.wait_for("views.open")
    assert opened.args["trigger_id"] == "trigger-act-socket"


async def test_a_refused_app_token_stops_start_up_with_a_clear_message(
    app: Studybot, settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("apps.connections.open", 200, "invalid_auth")
    refused = settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-test-token"),
            "slack_app_token": SecretStr("xapp-revoked"),
            "slack_api_base_url": fake_slack.api_url,
        }
    )

    with pytest.raises(ConfigError, match=r"SLACK_APP_TOKEN was refused by Slack \(invalid_auth\)"):
        await serve_slack(app, refused)
