"""The real Bolt AsyncApp in HTTP mode, fed signed requests, talking to the fake Slack."""

from __future__ import annotations

import json
import time

from adapters.slack.app import SlackAdapter
from adapters.slack.runner import EVENTS_PATH, HEALTH_PATH
from tests.slack.driver import FORM, SlackDriver, find_button, shown_text, sign
from tests.slack.fake_slack import FakeSlack


async def test_help_as_a_slash_command_is_acked_and_answered_privately(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    status, key = await slack.command("alice", "/help")

    assert status == 200
    [reply] = await fake_slack.wait_for("response_url", where=lambda c: c.target == key)
    assert reply.args["response_type"] == "ephemeral"
    assert "/question" in shown_text(reply)


async def test_question_offers_an_answer_button_that_opens_a_modal(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    _, key = await slack.command("alice", "/question statistics")
    [reply] = await fake_slack.wait_for("response_url", where=lambda c: c.target == key)
    assert "statistics" in shown_text(reply)

    status, press_key = await slack.press("alice", find_button([reply], "Answer"))

    assert status == 200
    [opened] = await fake_slack.wait_for("views.open")
    assert opened.args["trigger_id"] == f"trigger-{press_key}"
    assert opened.args["view"]["type"] == "modal"
    assert any(block["type"] == "input" for block in opened.args["view"]["blocks"])


async def test_submitting_the_modal_answers_privately_beside_the_key_points(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    _, key = await slack.command("alice", "/question")
    [reply] = await fake_slack.wait_for("response_url", where=lambda c: c.target == key)
    await slack.press("alice", find_button([reply], "Answer"))
    [opened] = await fake_slack.wait_for("views.open")

    status = await slack.submit("alice", opened.args["view"], {"answer": "Bias is systematic."})

    assert status == 200
    [answer] = await fake_slack.wait_for("chat.postEphemeral")
    assert answer.args["user"] == "UALICE"
    assert answer.args["channel"] == "C0GENERAL"
    assert "Bias is systematic." in shown_text(answer)
    assert "Key points" in shown_text(answer)


async def test_member_text_cannot_ping_the_channel(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    _, key = await slack.command("alice", "/question")
    [reply] = await fake_slack.wait_for("response_url", where=lambda c: c.target == key)
    await slack.press("alice", find_button([reply], "Answer"))
    [opened] = await fake_slack.wait_for("views.open")

    await slack.submit("alice", opened.args["view"], {"answer": "<!channel> & <@U1> hi"})

    [answer] = await fake_slack.wait_for("chat.postEphemeral")
    assert "&lt;!channel&gt; &amp; &lt;@U1&gt; hi" in shown_text(answer)
    assert "<!channel>" not in answer.texts()
    assert "<@U1>" not in answer.texts()


async def test_unknown_command_gets_a_clear_private_message(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    _, key = await slack.command("alice", "/studybot frobnicate")

    [reply] = await fake_slack.wait_for("response_url", where=lambda c: c.target == key)
    assert "Try `/help`" in shown_text(reply)


async def test_a_bad_signature_is_refused(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    body = "command=%2Fhelp&text=&user_id=UALICE&team_id=T0TEAM"
    stamp = str(int(time.time()))

    status, _ = await slack.send(body, FORM, timestamp=stamp, signature=sign(body, stamp, "wrong"))

    assert status == 401


async def test_a_stale_timestamp_is_refused(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    body = "command=%2Fhelp&text=&user_id=UALICE&team_id=T0TEAM"
    stale = str(int(time.time()) - 10 * 60)

    status, _ = await slack.send(body, FORM, timestamp=stale, signature=sign(body, stale))

    assert status == 401


async def test_a_retried_event_has_one_effect(
    slack: SlackDriver, fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    event = {"type": "app_home_opened", "user": "UALICE", "channel": "D0ALICE", "tab": "home"}

    assert await slack.event(event, "Ev0001") == 200
    assert await slack.event(event, "Ev0001", retry=1) == 200
    assert await slack.event(event, "Ev0002") == 200
    await adapter.drain()

    published = fake_slack.of("views.publish")
    assert len(published) == 2  # Ev0001 once, Ev0002 once
    assert published[0].args["user_id"] == "UALICE"
    assert published[0].args["view"]["type"] == "home"


async def test_the_messages_tab_publishes_nothing(
    slack: SlackDriver, fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    event = {"type": "app_home_opened", "user": "UALICE", "channel": "D0ALICE", "tab": "messages"}

    assert await slack.event(event, "Ev0003") == 200
    await adapter.drain()

    assert fake_slack.of("views.publish") == []


async def test_the_events_url_answers_slacks_verification_challenge(slack: SlackDriver) -> None:
    body = json.dumps(
        {"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}
    )

    status, text = await slack.send(body, "application/json")

    assert status == 200
    assert "3eZbrw1aBm2rZgRNFdxV" in text


async def test_a_slack_failure_after_the_ack_reaches_the_member_as_an_apology(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    _, key = await slack.command("alice", "/question")
    [reply] = await fake_slack.wait_for("response_url", where=lambda c: c.target == key)
    fake_slack.fail_next("views.open", 200, "expired_trigger_id")

    _, press_key = await slack.press("alice", find_button([reply], "Answer"))

    [sorry] = await fake_slack.wait_for("response_url", where=lambda c: c.target == press_key)
    assert sorry.args["response_type"] == "ephemeral"
    assert "incident id" in shown_text(sorry)
    assert "expired_trigger_id" not in sorry.texts()


async def test_the_server_answers_health_checks(slack: SlackDriver) -> None:
    health = slack.endpoint.replace(EVENTS_PATH, HEALTH_PATH)

    async with slack.session.get(health) as response:
        assert response.status == 200
