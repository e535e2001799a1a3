"""The Poster port over the fake: posts, threads, rate limits, refusals, limits."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from adapters.discord.client import StudyClient
from bot.app import Studybot
from bot.envelope import Button, ChannelRef, Item, Message
from tests.discord import payloads
from tests.discord.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord

CHANNEL = ChannelRef("discord", str(GUILD_ID), str(CHANNEL_ID), name="general")
MESSAGES = rf"/api/v10/channels/{CHANNEL_ID}/messages"
DAILY = Message(
    title="Daily question · llm · medium",
    text="Why does attention scale by the square root of d?",
    buttons=(Button("Answer", "sb:daily-answer:7", "primary"),),
    private=False,
    kind="daily_post",
)


def reveal(count: int, length: int) -> Message:
    items = tuple(
        Item(
            text=f"**member{n}**\n> " + ("word " * (length // 5))[:length],
            buttons=(Button("Upvote", f"sb:vote:7:{n}", "success"),),
        )
        for n in range(count)
    )
    return Message(
        title="Answers", text="Key points:\n- scale", items=items, private=False, kind="reveal"
    )


def assert_within_limits(body: dict[str, Any]) -> None:
    embeds = body.get("embeds", [])
    assert len(body.get("content") or "") <= 2000
    assert len(embeds) <= 10
    assert sum(embed_size(e) for e in embeds) <= 6000
    for embed in embeds:
        assert len(embed.get("description") or "") <= 4096
        assert len(embed.get("fields", [])) <= 25
    rows = body.get("components", [])
    assert len(rows) <= 5
    assert all(len(row["components"]) <= 5 for row in rows)


def embed_size(embed: dict[str, Any]) -> int:
    fields = embed.get("fields", [])
    return (
        len(embed.get("title") or "")
        + len(embed.get("description") or "")
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
        + len((embed.get("footer") or {}).get("text") or "")
    )


async def test_a_scheduled_post_lands_in_the_channel_with_its_button(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    ref = await app.post(CHANNEL, DAILY)
    posted = fake.messages[ref.id]
    assert posted["channel_id"] == str(CHANNEL_ID)
    assert posted["embeds"][0]["title"] == DAILY.title
    assert payloads.custom_id_of(posted, "Answer") == "sb:daily-answer:7"


async def test_a_429_on_the_post_is_waited_out_and_the_post_lands_once(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    fake.fail_next("POST", MESSAGES, status=429, retry_after=0.05)
    await app.post(CHANNEL, DAILY)
    assert [r.status for r in fake.matching("POST", MESSAGES)] == [429, 200]
    assert len(fake.channel_messages(CHANNEL_ID)) == 1


async def test_a_refused_post_raises_so_the_core_does_not_mark_it_sent(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    fake.fail_next("POST", MESSAGES, status=403)
    with pytest.raises(discord.Forbidden):
        await app.post(CHANNEL, DAILY)
    assert fake.channel_messages(CHANNEL_ID) == []


async def test_the_reveal_goes_into_one_thread_on_the_daily_post(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    daily = await app.post(CHANNEL, DAILY)
    await app.post(CHANNEL, reveal(2, 50), thread=daily)
    await app.post(CHANNEL, Message(text="Voting is closed.", private=False), thread=daily)
    assert len(fake.matching("POST", rf"{MESSAGES}/{daily.id}/threads")) == 1
    assert fake.threads[daily.id]["name"] == "Answers"
    assert len(fake.channel_messages(daily.id)) == 2  # both inside the thread
    assert len(fake.channel_messages(CHANNEL_ID)) == 1


async def test_after_a_restart_the_existing_thread_is_reused(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    daily = await app.post(CHANNEL, DAILY)
    await app.post(CHANNEL, reveal(1, 20), thread=daily)
    client.poster.threads.clear()  # a new process knows no threads
    await app.post(CHANNEL, reveal(1, 20), thread=daily)
    assert len(fake.channel_messages(daily.id)) == 2


async def test_a_reveal_longer_than_one_message_is_split_within_the_limits(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    daily = await app.post(CHANNEL, DAILY)
    long_reveal = reveal(30, 1500)
    await app.post(CHANNEL, long_reveal, thread=daily)
    sent = fake.channel_messages(daily.id)
    assert len(sent) > 1
    for message in sent:
        assert_within_limits(message)
    descriptions = [e.get("description", "") for m in sent for e in m["embeds"]]
    for n, item in enumerate(long_reveal.items):  # every answer whole, once, in order
        assert descriptions.count(item.text) == 1
        assert descriptions.index(item.text) > (
            descriptions.index(long_reveal.items[n - 1].text) if n else -1
        )
    upvotes = [b["custom_id"] for m in sent for b in payloads.buttons_of(m)]
    assert upvotes == [f"sb:vote:7:{n}" for n in range(30)]


async def test_a_split_post_retried_after_a_failure_sends_each_part_once(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    long_reveal = reveal(30, 1500)
    fake.fail_after("POST", MESSAGES, successes=1, status=403)
    with pytest.raises(discord.Forbidden):
        await app.post(CHANNEL, long_reveal)
    await app.post(CHANNEL, long_reveal)  # the core tries again on its next tick
    sent = fake.channel_messages(CHANNEL_ID)
    descriptions = [e.get("description", "") for m in sent for e in m["embeds"]]
    assert all(descriptions.count(item.text) == 1 for item in long_reveal.items)
