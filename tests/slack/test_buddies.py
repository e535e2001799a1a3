"""Study buddies through Slack: the join modal, group DMs for each group, check-ins, pauses."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Studybot
from bot.clock import FakeClock
from tests.buddies.conftest import FIRST_ROUND, PROFILE
from tests.slack.chat import Shown, SlackChat
from tests.slack.driver import user_id
from tests.slack.fake_slack import Call, FakeSlack

WEEK = timedelta(weeks=1)
CHECKIN = timedelta(days=3, hours=12)  # midway through a weekly round


async def join(chat: SlackChat, user: str) -> None:
    """`/buddy join` opens the modal; submitting it confirms privately."""
    assert await chat.command(user, "/buddy join") == []  # a modal, no message
    inputs = {b["block_id"] for b in chat.modal(user)["blocks"] if b["type"] == "input"}
    assert inputs == set(PROFILE)
    [confirmed] = await chat.submit(user, PROFILE)
    assert confirmed.ephemeral and confirmed.title == "You are in the buddy pool"


async def run_round(app: Studybot, clock: FakeClock, when: timedelta) -> None:
    clock.set(FIRST_ROUND + when)
    await app.tick()


def intros(fake: FakeSlack) -> list[Call]:
    return [call for call in fake.of("chat.postMessage") if "Study buddies, round" in call.texts()]


async def test_a_round_introduces_the_pair_in_a_group_dm_and_the_check_in_follows_there(
    chat: SlackChat, fake_slack: FakeSlack, app: Studybot, clock: FakeClock
) -> None:
    await join(chat, "alice")
    await join(chat, "bob")
    await chat.command("mallory", "/help")

    await run_round(app, clock, timedelta(0))

    [opened] = fake_slack.of("conversations.open")
    assert sorted(opened.args["users"].split(",")) == ["UALICE", "UBOB"]
    [group] = fake_slack.conversations.values()
    assert group.is_mpim and group.info()["is_private"]
    [intro] = fake_slack.posts_in(group.id)
    assert intro in intros(fake_slack)
    assert fake_slack.posts_in("C0GENERAL") == []  # nothing about the pair in the channel
    shown = chat.last("alice")
    assert shown.call is intro and chat.last("bob").call is intro
    assert intro not in [seen.call for seen in chat.seen_by("mallory")]
    assert shown.title == "Study buddies, round 1"
    assert "*alice*" in shown.text and "*bob*" in shown.text
    assert "\n1. Clarify the goal" in shown.text and "\n>" in shown.text

    await run_round(app, clock, CHECKIN)

    checkin = fake_slack.posts_in(group.id)[-1]
    assert checkin.args["thread_ts"] == intro.result["ts"]
    assert checkin.args["reply_broadcast"] is True  # in the group DM too, not only the thread
    assert Shown(checkin, (group.id, "")).labels == ["Met", "Not yet", "Skip"]
    [met] = await chat.press("alice", "Met")
    assert met.ephemeral and "Buddy meetings so far: 1" in met.text
    assert met.channel == (group.id, "")  # answered where it was asked
    [stats] = await chat.command("alice", "/stats")
    assert "*Buddy meetings*\n1" in stats.text
    [bobs] = await chat.command("bob", "/stats")
    assert "*Buddy meetings*\n0" in bobs.text


async def test_a_paused_member_is_told_in_a_dm_and_rejoins_with_its_button(
    chat: SlackChat, fake_slack: FakeSlack, app: Studybot, clock: FakeClock
) -> None:
    for name in ("alice", "bob", "carol"):
        await join(chat, name)
    for week in range(3):
        await run_round(app, clock, week * WEEK)
        await run_round(app, clock, week * WEEK + CHECKIN)
        for name in ("alice", "bob"):  # carol never answers
            await chat.press(name, "Met")
    [trio] = fake_slack.conversations.values()
    assert len(intros(fake_slack)) == 3
    assert all(call.args["channel"] == trio.id for call in intros(fake_slack))  # reopened

    await run_round(app, clock, 3 * WEEK)

    direct = next(c for c in fake_slack.conversations.values() if c.members == ("UCAROL",))
    assert direct.is_im
    [notice] = fake_slack.posts_in(direct.id)
    assert chat.last("carol").call is notice
    assert notice not in [seen.call for seen in chat.seen_by("alice")]
    text = chat.last("carol").text
    assert "*carol*" in text and "3 rounds in a row" in text
    assert fake_slack.posts_in("C0GENERAL") == []
    pair = intros(fake_slack)[-1]  # the round went on without carol, in a new group DM
    assert pair.args["channel"] != trio.id and "*carol*" not in pair.texts()

    [back] = await chat.press("carol", "Rejoin")
    assert back.ephemeral and "Welcome back" in back.text
    assert back.channel == (direct.id, "")
    await run_round(app, clock, 4 * WEEK)
    last_intro = intros(fake_slack)[-1]
    assert last_intro.args["channel"] == trio.id
    assert "*carol*" in Shown(last_intro, (trio.id, "")).text
    assert user_id("carol") in trio.members
