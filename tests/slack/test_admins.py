"""Admin rights on Slack: workspace admins and owners per users.info (cached), or configured."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from adapters.slack.app import AdminCheck, web_client
from adapters.slack.runner import build_adapter
from bot.app import Studybot
from bot.envelope import UserRef
from bot.errors import ConfigError
from bot.settings import Settings
from tests.slack.driver import SlackDriver, shown_text, user_id
from tests.slack.fake_slack import TEAM, FakeSlack


async def reply_to(slack: SlackDriver, fake: FakeSlack, user: str, line: str) -> str:
    _, key = await slack.command(user, line)
    [reply] = await fake.wait_for("response_url", where=lambda call: call.target == key)
    return shown_text(reply)


async def test_a_member_cannot_run_an_admin_command(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    text = await reply_to(slack, fake_slack, "alice", "/studybot setup time:09:00")

    assert "for admins" in text


async def test_a_workspace_admin_can_and_is_looked_up_once(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    fake_slack.admins.add(user_id("boss"))

    first = await reply_to(slack, fake_slack, "boss", "/studybot setup time:09:00 timezone:UTC")
    await reply_to(slack, fake_slack, "boss", "/studybot pause")

    assert "Saved" in first
    assert [call.args["user"] for call in fake_slack.of("users.info")] == ["UBOSS"]


async def test_setup_without_options_opens_the_setup_modal_and_saves_it(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    fake_slack.admins.add(user_id("boss"))
    _, key = await slack.command("boss", "/studybot setup")
    [opened] = await fake_slack.wait_for("views.open")
    assert opened.args["trigger_id"] == f"trigger-{key}"

    await slack.submit("boss", opened.args["view"], {"time": "07:30", "timezone": "Europe/Berlin"})

    [saved] = await fake_slack.wait_for("chat.postEphemeral")
    assert saved.args["channel"] == "C0GENERAL"
    assert "07:30" in shown_text(saved) and "Europe/Berlin" in shown_text(saved)


async def test_configured_admins_need_no_lookup(fake_slack: FakeSlack) -> None:
    check = AdminCheck(web_client("xoxb-test", fake_slack.api_url), admins=["U0LEAD"])

    assert await check.is_admin(UserRef("slack", TEAM, "U0LEAD"))
    assert fake_slack.of("users.info") == []


async def test_a_failed_lookup_means_not_admin_and_is_asked_again(fake_slack: FakeSlack) -> None:
    fake_slack.admins.add("U0BOSS")
    fake_slack.fail_next("users.info", 200, "missing_scope")
    check = AdminCheck(web_client("xoxb-test", fake_slack.api_url))
    boss = UserRef("slack", TEAM, "U0BOSS")

    assert not await check.is_admin(boss)
    assert await check.is_admin(boss)


def test_http_mode_without_a_signing_secret_is_refused_clearly(
    app: Studybot, settings: Settings
) -> None:
    no_secret = settings.model_copy(update={"slack_bot_token": SecretStr("xoxb-test")})

    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        build_adapter(app, no_secret)
