"""The Poster port: chat.postMessage, threads, 429 retries, long messages, pacing."""

from __future__ import annotations

import pytest

from adapters.slack.app import ChannelPacer, SlackAdapter
from adapters.slack.render import MESSAGE_BLOCKS, SECTION_LIMIT
from adapters.slack.translate import Origin
from bot.envelope import Button, ChannelRef, Item, Message, PostRef, UserRef
from tests.slack.driver import blocks_of
from tests.slack.fake_slack import TEAM, FakeSlack

CHANNEL = ChannelRef("slack", TEAM, "C0GENERAL", name="general")


async def test_a_post_lands_in_the_channel_and_returns_its_ts(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    ref = await adapter.poster.post(CHANNEL, Message(text="Good morning", private=False))

    [call] = fake_slack.of("chat.postMessage")
    assert call.args["channel"] == "C0GENERAL"
    assert ref.channel == CHANNEL
    assert ref.id.startswith("1767600000.")


async def test_a_thread_reply_carries_thread_ts(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    parent = await adapter.poster.post(CHANNEL, Message(text="Question", private=False))

    await adapter.poster.post(CHANNEL, Message(text="Reveal", private=False), thread=parent)

    assert fake_slack.of("chat.postMessage")[1].args["thread_ts"] == parent.id


async def test_a_429_is_retried_and_the_post_lands_once(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("chat.postMessage", 429, "ratelimited", **{"Retry-After": "0"})

    ref = await adapter.poster.post(CHANNEL, Message(text="Daily question", private=False))

    attempts = fake_slack.of("chat.postMessage")
    assert [call.status for call in attempts] == [429, 200]
    assert ref.id.startswith("1767600000.")


async def test_a_channel_the_bot_is_not_in_is_joined_then_posted_to(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("chat.postMessage", 200, "not_in_channel")

    await adapter.poster.post(CHANNEL, Message(text="Daily question", private=False))

    assert [call.method for call in fake_slack.calls] == [
        "chat.postMessage",
        "conversations.join",
        "chat.postMessage",
    ]


async def test_a_long_reveal_is_split_between_items_within_slack_limits(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    items = tuple(
        Item(f"**member{n}**\n" + "word " * 700, (Button("Upvote", f"sb:vote:{n}"),))
        for n in range(60)
    )
    reveal = Message(title="Answers", items=items, private=False, kind="reveal")
    parent = PostRef(CHANNEL, "1767600000.000009")

    await adapter.poster.post(CHANNEL, reveal, thread=parent)

    posts = fake_slack.of("chat.postMessage")
    assert len(posts) > 1
    assert all(call.args["thread_ts"] == parent.id for call in posts)
    blocks = [block for call in posts for block in blocks_of(call)]
    assert all(len(blocks_of(call)) <= MESSAGE_BLOCKS for call in posts)
    assert all(len(b.get("text", {}).get("text", "")) <= SECTION_LIMIT for b in blocks)
    votes = [b["accessory"]["value"] for b in blocks if "accessory" in b]
    assert votes == [f"sb:vote:{n}" for n in range(60)]  # every answer once, in order


async def test_the_pacer_spaces_posts_in_one_channel_but_not_across_channels() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = ChannelPacer(1.0, monotonic=lambda: now[0], sleep=sleep)
    await pacer.wait("C1")
    await pacer.wait("C2")
    now[0] += 0.25
    await pacer.wait("C1")

    assert slept == [0.75]


async def test_a_public_reply_where_the_bot_cannot_post_goes_through_the_response_url(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("chat.postMessage", 200, "channel_not_found")
    where = ChannelRef("slack", TEAM, "D0DM")
    origin = Origin(UserRef("slack", TEAM, "UALICE"), where, fake_slack.response_url("r1"))

    await adapter.deliver(origin, [Message(text="For everyone here", private=False)])

    [reply] = fake_slack.of("response_url")
    assert reply.args["response_type"] == "in_channel"
    assert "For everyone here" in reply.texts()


async def test_a_private_reply_without_a_response_url_is_ephemeral_in_the_channel(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    origin = Origin(UserRef("slack", TEAM, "UALICE"), CHANNEL)

    await adapter.deliver(origin, [Message(text="Only for you")])

    [whisper] = fake_slack.of("chat.postEphemeral")
    assert (whisper.args["channel"], whisper.args["user"]) == ("C0GENERAL", "UALICE")


async def test_a_private_reply_from_the_app_home_arrives_as_a_direct_message(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    home = ChannelRef("slack", TEAM, "UALICE")  # a press in the App Home has no channel
    origin = Origin(UserRef("slack", TEAM, "UALICE"), home)

    await adapter.deliver(origin, [Message(text="Only for you")])

    [direct] = fake_slack.of("chat.postMessage")
    assert direct.args["channel"] == "UALICE"
    assert fake_slack.of("chat.postEphemeral") == []


async def test_a_group_dm_is_opened_for_exactly_the_members_and_posts_land_there(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    members = [UserRef("slack", TEAM, "UALICE"), UserRef("slack", TEAM, "UBOB")]

    group = await adapter.poster.open_group(members, CHANNEL)
    ref = await adapter.poster.post(group, Message(text="Meet your study buddy", private=False))

    [opened] = fake_slack.of("conversations.open")
    assert opened.args["users"] == "UALICE,UBOB"
    assert "prevent_creation" not in opened.args  # open it, do not just look it up
    conversation = fake_slack.conversations[group.id]
    assert conversation.members == ("UALICE", "UBOB")
    assert conversation.is_mpim and conversation.info()["is_private"]
    assert (group.platform, group.workspace) == ("slack", TEAM)
    [landed] = fake_slack.posts_in(group.id)
    assert "Meet your study buddy" in landed.texts()
    assert ref == PostRef(group, landed.result["ts"])
    assert fake_slack.posts_in("C0GENERAL") == []  # nothing leaks into the channel
    assert [c.method for c in fake_slack.calls] == ["conversations.open", "chat.postMessage"]


async def test_the_same_members_get_the_same_group_dm_back(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    alice, bob = UserRef("slack", TEAM, "UALICE"), UserRef("slack", TEAM, "UBOB")

    first = await adapter.poster.open_group([alice, bob], CHANNEL)
    again = await adapter.poster.open_group([bob, alice], CHANNEL)
    other = await adapter.poster.open_group([alice, UserRef("slack", TEAM, "UCAROL")], CHANNEL)

    assert first == again != other


async def test_a_group_beyond_slacks_limit_is_refused_before_any_call(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    crowd = [UserRef("slack", TEAM, f"U{n}") for n in range(9)]

    with pytest.raises(ValueError, match="at most 8"):
        await adapter.poster.open_group(crowd, CHANNEL)
    assert fake_slack.calls == []


async def test_a_private_message_opens_a_dm_with_one_member_and_posts_there(
    adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    notice = Message(
        title="Paused", text="Come back soon", buttons=(Button("Rejoin", "sb:rejoin:1"),)
    )

    ref = await adapter.poster.send_private(UserRef("slack", TEAM, "UCAROL"), notice)

    [opened] = fake_slack.of("conversations.open")
    assert opened.args["users"] == "UCAROL"
    direct = fake_slack.conversations[ref.channel.id]
    assert direct.is_im and direct.members == ("UCAROL",)
    [landed] = fake_slack.posts_in(ref.channel.id)
    assert landed.result["ts"] == ref.id
    [rejoin] = [e for b in blocks_of(landed) if b["type"] == "actions" for e in b["elements"]]
    assert rejoin["value"] == "sb:rejoin:1"
    assert fake_slack.of("chat.postEphemeral") == []  # a real message: it stays in the DM
