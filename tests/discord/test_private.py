"""Private conversations over the fake: a private thread per group, and direct messages."""

from __future__ import annotations

import discord
import pytest

from adapters.discord.client import StudyClient
from bot.app import Studybot
from bot.envelope import (
    Button,
    ButtonPress,
    ChannelRef,
    Form,
    FormInput,
    FormSubmission,
    Inbound,
    Message,
    Outgoing,
    UserRef,
)
from tests.discord import payloads
from tests.discord.conftest import Discord
from tests.discord.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord

CHANNEL = ChannelRef("discord", str(GUILD_ID), str(CHANNEL_ID), name="general")
ALICE = UserRef("discord", str(GUILD_ID), str(payloads.USERS["alice"]), name="Alice")
BOB = UserRef("discord", str(GUILD_ID), str(payloads.USERS["bob"]), name="Bob")
THREADS = rf"/api/v10/channels/{CHANNEL_ID}/threads"
INTRO = Message(title="Study buddies, round 1", text="Meet your buddies.", private=False)
CHECKIN = Message(text="Did you meet?", private=False)


async def test_a_group_gets_a_private_thread_with_each_member_added(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    group = await app.open_group([ALICE, BOB], CHANNEL)
    [created] = fake.matching("POST", THREADS)
    assert created.body["type"] == 12  # a private thread
    assert created.body["invitable"] is False  # members cannot invite others
    assert created.body["name"] == "Study group: Alice, Bob"
    assert (group.platform, group.workspace) == ("discord", str(GUILD_ID))
    assert fake.channels[group.id]["parent_id"] == str(CHANNEL_ID)
    assert fake.thread_members[group.id] == [ALICE.id, BOB.id]
    added = fake.matching("PUT", rf"/api/v10/channels/{group.id}/thread-members/\d+")
    assert [r.path.rsplit("/", 1)[1] for r in added] == [ALICE.id, BOB.id]


async def test_posts_to_the_group_and_follow_ups_under_them_stay_in_its_thread(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    group = await app.open_group([ALICE, BOB], CHANNEL)
    intro = await app.post(group, INTRO)
    await app.post(group, CHECKIN, thread=intro)
    posted = fake.channel_messages(group.id)
    assert posted[0]["id"] == intro.id
    assert posted[1]["content"] == "Did you meet?"
    assert fake.channel_messages(CHANNEL_ID) == []  # nothing public in the channel
    assert not fake.matching("POST", r"/api/v10/channels/\d+/messages/\d+/threads")


async def test_after_a_restart_a_follow_up_still_finds_the_groups_thread(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    group = await app.open_group([ALICE, BOB], CHANNEL)
    intro = await app.post(group, INTRO)
    client.poster.parents.clear()  # a new process: the thread is not in its cache
    await app.post(group, CHECKIN, thread=intro)
    assert fake.matching("GET", rf"/api/v10/channels/{group.id}")
    assert len(fake.channel_messages(group.id)) == 2


async def test_a_member_who_left_the_server_is_skipped(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    fake.departed.add(BOB.id)
    group = await app.open_group([ALICE, BOB], CHANNEL)
    assert fake.thread_members[group.id] == [ALICE.id]


async def test_a_refused_group_leaves_no_thread_behind_and_raises(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    fake.fail_next("PUT", r"/api/v10/channels/\d+/thread-members/\d+", status=403)
    with pytest.raises(discord.Forbidden):
        await app.open_group([ALICE, BOB], CHANNEL)
    assert len(fake.matching("POST", THREADS)) == 1
    assert fake.matching("DELETE", r"/api/v10/channels/\d+")
    assert fake.channels == {}


async def test_a_private_message_goes_to_the_members_dm(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    notice = Message(title="Paused", text="Come back any time.", private=False)
    ref = await app.send_private(ALICE, notice)
    [opened] = fake.matching("POST", r"/api/v10/users/@me/channels")
    assert str(opened.body["recipient_id"]) == ALICE.id
    assert ref.channel.workspace == "@me"
    [dm] = fake.channel_messages(ref.channel.id)
    assert dm["id"] == ref.id and dm["embeds"][0]["title"] == "Paused"
    assert fake.channels[ref.channel.id]["type"] == 1
    again = await app.send_private(ALICE, notice)
    assert again.channel.id == ref.channel.id  # Discord keeps one DM per member


async def test_a_button_in_a_dm_reaches_the_core_as_the_members_server(
    app: Studybot,
    client: StudyClient,
    driver: Discord,
    fake: FakeDiscord,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A DM click has no server; the core knows members per server, so the button says it."""
    ref = await app.send_private(ALICE, Message(text="Hi", buttons=(Button("Rejoin", "sb:x:7"),)))
    [dm] = fake.channel_messages(ref.channel.id)
    [button] = payloads.buttons_of(dm)
    seen: list[Inbound] = []

    async def spy(event: Inbound) -> list[Outgoing]:
        seen.append(event)
        return [Message(text="Welcome back!", buttons=(Button("Status", "sb:y:7"),))]

    monkeypatch.setattr(app, "handle", spy)
    where = fake.channels[ref.channel.id]
    answered = await driver.interact(payloads.click(dm, button["custom_id"], where=where))
    [event] = seen
    assert isinstance(event, ButtonPress)
    assert event.action_id == "sb:x:7"
    assert event.ctx.user == ALICE  # the same member as in the server
    assert event.ctx.is_admin is False
    [reply_button] = payloads.buttons_of(answered.body["data"])
    assert reply_button["custom_id"] == f"sbx:dm:{GUILD_ID}:sb:y:7"  # still scoped


async def test_a_group_started_from_a_thread_gets_its_private_thread_in_the_channel(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    """Discord does not nest threads: a pool run from the reveal's thread uses its channel."""
    daily = await app.post(CHANNEL, INTRO)
    await app.post(CHANNEL, CHECKIN, thread=daily)  # starts a public thread on the post
    reveal_thread = ChannelRef("discord", str(GUILD_ID), fake.threads[daily.id]["id"])
    group = await app.open_group([ALICE, BOB], reveal_thread)
    assert fake.channels[group.id]["parent_id"] == str(CHANNEL_ID)
    assert len(fake.matching("POST", THREADS)) == 1


async def test_a_form_opened_from_a_dm_is_submitted_for_the_members_server(
    app: Studybot,
    client: StudyClient,
    driver: Discord,
    fake: FakeDiscord,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref = await app.send_private(ALICE, Message(text="Hi", buttons=(Button("Edit", "sb:x:7"),)))
    [dm] = fake.channel_messages(ref.channel.id)
    seen: list[Inbound] = []

    async def spy(event: Inbound) -> list[Outgoing]:
        seen.append(event)
        if isinstance(event, ButtonPress):
            return [Form("sb:edit:7", "Edit", (FormInput("note", "Note"),))]
        return [Message(text="Saved.")]

    monkeypatch.setattr(app, "handle", spy)
    where = fake.channels[ref.channel.id]
    [button] = payloads.buttons_of(dm)
    [modal] = await driver.replies(payloads.click(dm, button["custom_id"], where=where))
    assert modal["custom_id"] == f"sbx:dm:{GUILD_ID}:sb:edit:7"
    await driver.replies(payloads.submit(modal["custom_id"], {"note": "hi"}, where=where))
    submission = seen[-1]
    assert isinstance(submission, FormSubmission)
    assert (submission.action_id, submission.values) == ("sb:edit:7", {"note": "hi"})
    assert submission.ctx.user == ALICE


async def test_a_member_with_closed_dms_makes_the_private_message_raise(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    """Discord refuses (403) when a member's DMs are closed; the core logs it and moves on."""
    fake.fail_next("POST", r"/api/v10/channels/\d+/messages", status=403)
    with pytest.raises(discord.Forbidden):
        await app.send_private(ALICE, Message(text="Paused.", private=False))
