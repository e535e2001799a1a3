"""Deadlines, privacy and safety of interaction answers."""

from __future__ import annotations

import asyncio

import pytest

from adapters.discord.client import StudyClient
from bot.app import Studybot
from bot.envelope import ChannelRef, CommandInvocation, Inbound, Message, Outgoing
from tests.discord import payloads
from tests.discord.conftest import Discord
from tests.discord.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord

NO_MENTIONS = {"parse": []}


@pytest.fixture
def slow_core(app: Studybot, client: StudyClient, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Hold the core's work until the test sets the event, so the deadline passes first."""
    gate = asyncio.Event()
    handle = app.handle

    async def held(event: Inbound) -> list[Outgoing]:
        await gate.wait()
        return await handle(event)

    monkeypatch.setattr(app, "handle", held)
    client.interactions.defer_after = 0.01
    return gate


async def test_slow_work_is_deferred_then_the_reply_replaces_the_thinking_message(
    driver: Discord, fake: FakeDiscord, slow_core: asyncio.Event
) -> None:
    payload = payloads.slash("help")
    callback = await driver.interact(payload)
    assert callback.body["type"] == 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
    assert callback.body["data"]["flags"] & 64
    slow_core.set()
    edit = await fake.wait_for_route("PATCH", rf"/api/v10/webhooks/\d+/{payload['token']}/.*")
    assert "/question" in edit.body["embeds"][0]["description"]
    assert "/question" in driver.original(payload)["embeds"][0]["description"]


async def test_a_form_that_comes_after_a_deferral_opens_from_a_button(
    driver: Discord, client: StudyClient, fake: FakeDiscord, slow_core: asyncio.Event
) -> None:
    asking = payloads.slash("question")
    slow_core.set()
    await driver.interact(asking)
    question = driver.original(asking)
    slow_core.clear()
    click = payloads.click(question, payloads.custom_id_of(question, "Answer"))
    deferred = await driver.interact(click)
    assert deferred.body["type"] == 5
    slow_core.set()
    edit = await fake.wait_for_route("PATCH", r"/api/v10/webhooks/.*/messages/@original")
    [reopen] = [b for row in edit.body["components"] for b in row["components"]]
    assert reopen["custom_id"].startswith("sbx:form:")

    opened = await driver.interact(payloads.click(edit.body, reopen["custom_id"]))
    assert opened.body["type"] == 9
    assert opened.body["data"]["custom_id"] == payloads.custom_id_of(question, "Answer")


async def test_interactions_from_bots_are_ignored(driver: Discord, fake: FakeDiscord) -> None:
    from_bot = payloads.slash("help", user_name="robot", bot=True)
    await fake.dispatch("INTERACTION_CREATE", from_bot)
    await driver.interact(payloads.slash("help"))  # handled after the bot's, in order
    assert not fake.matching("POST", rf"/api/v10/interactions/{from_bot['id']}/.*")


async def test_admin_commands_check_manage_server(driver: Discord) -> None:
    refused = await driver.interact(payloads.slash("studybot pause", user_name="bob"))
    assert "for admins" in refused.body["data"]["content"]
    allowed = await driver.interact(payloads.slash("studybot pause", user_name="bob", admin=True))
    assert "for admins" not in str(allowed.body["data"])


async def test_members_listed_in_the_admins_setting_count_as_admins(
    app: Studybot, driver: Discord
) -> None:
    app.settings.admins.append(str(payloads.USERS["bob"]))
    allowed = await driver.interact(payloads.slash("studybot pause", user_name="bob"))
    assert "for admins" not in str(allowed.body["data"])


async def test_bad_option_values_get_a_clear_private_message(driver: Discord) -> None:
    callback = await driver.interact(payloads.slash("question", payloads.option("area", "cooking")))
    data = callback.body["data"]
    assert data["flags"] & 64
    assert "`area` must be one of" in data["content"]


async def test_nothing_the_bot_sends_can_mention_anyone(
    app: Studybot, driver: Discord, fake: FakeDiscord, slow_core: asyncio.Event
) -> None:
    """Replies, modals' answers, deferred replies, posts and thread posts alike."""
    slow_core.set()
    asking = payloads.slash("question")
    await driver.interact(asking)
    question = driver.original(asking)
    answer_id = payloads.custom_id_of(question, "Answer")
    await driver.interact(
        payloads.submit(answer_id, {"answer": "@everyone <@1>"}, message=question)
    )
    slow_core.clear()
    await driver.interact(payloads.slash("help"))
    slow_core.set()
    await fake.wait_for_route("PATCH", r"/api/v10/webhooks/.*/messages/@original")
    channel = ChannelRef("discord", str(GUILD_ID), str(CHANNEL_ID))
    posted = await app.post(channel, Message(text="@here hi", private=False))
    await app.post(channel, Message(title="In thread", text="x", private=False), thread=posted)

    sent = fake.sent_payloads()
    assert len(sent) == 5
    assert all(body.get("allowed_mentions") == NO_MENTIONS for body in sent), sent


async def test_a_picked_member_reaches_the_core_as_their_id(
    app: Studybot, driver: Discord, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Inbound] = []
    handle = app.handle

    async def spy(event: Inbound) -> list[Outgoing]:
        seen.append(event)
        return await handle(event)

    monkeypatch.setattr(app, "handle", spy)
    payload = payloads.slash("stats", payloads.user_option("member", "bob"))
    await driver.interact(payloads.resolved_users(payload, "bob"))
    [event] = seen
    assert isinstance(event, CommandInvocation)
    assert event.args == {"member": str(payloads.USERS["bob"])}


async def test_a_public_reply_after_a_deferral_is_posted_for_everyone(
    app: Studybot,
    driver: Discord,
    fake: FakeDiscord,
    slow_core: asyncio.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def announce(event: Inbound) -> list[Outgoing]:
        await slow_core.wait()
        return [Message(text="Posted for everyone.", private=False)]

    monkeypatch.setattr(app, "handle", announce)
    payload = payloads.slash("help")
    deferred = await driver.interact(payload)
    assert deferred.body["data"]["flags"] & 64  # the wait is shown only to the member
    slow_core.set()
    followup = await driver.followup(payload)
    assert followup.body["content"] == "Posted for everyone."
    assert not followup.body.get("flags", 0) & 64
    assert fake.matching("DELETE", rf"/api/v10/webhooks/\d+/{payload['token']}/messages/@original")


async def test_a_command_discord_still_shows_but_the_bot_dropped_is_explained(
    driver: Discord,
) -> None:
    callback = await driver.interact(payloads.slash("ghost"))
    assert "out of date" in callback.body["data"]["content"]
    assert callback.body["data"]["flags"] & 64


async def test_a_failure_while_answering_shows_an_apology_with_an_incident_id(
    app: Studybot, driver: Discord, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(event: Inbound) -> list[Outgoing]:
        return [object()]  # type: ignore[list-item]  # nothing render_message knows

    monkeypatch.setattr(app, "handle", broken)
    callback = await driver.interact(payloads.slash("help"))
    assert "incident id" in callback.body["data"]["content"]
    assert "Traceback" not in callback.body["data"]["content"]


async def test_a_quiz_answer_after_a_deferral_comes_as_a_new_message(
    driver: Discord, fake: FakeDiscord, slow_core: asyncio.Event
) -> None:
    """Once a click is answered with "thinking…", its message can no longer be edited."""
    slow_core.set()
    [question] = await driver.replies(payloads.slash("quiz start", payloads.option("count", 2)))
    slow_core.clear()
    click = payloads.click(question, payloads.buttons_of(question)[0]["custom_id"])
    deferred = await driver.interact(click)
    assert deferred.body["type"] == 5
    slow_core.set()
    edit = await fake.wait_for_route("PATCH", rf"/api/v10/webhooks/\d+/{click['token']}/.*")
    assert edit.body["embeds"][0]["title"] in ("Correct!", "Not quite")
    following = await driver.followup(click)
    assert following.body["embeds"][0]["title"] == "Quiz · question 2 of 2"
    assert payloads.buttons_of(question)  # still there: a second press hears the quiz moved on
