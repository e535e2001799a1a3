"""A whole daily cycle through Discord interactions, as Discord sends them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.app import Studybot
from bot.clock import FakeClock
from tests.discord import payloads
from tests.discord.conftest import Discord
from tests.discord.fake_discord import CHANNEL_ID, FakeDiscord

SETUP = {"time": "09:00", "timezone": "UTC", "days": "daily", "areas": "all", "difficulty": "any"}


def text_of(callback_body: dict[str, Any]) -> str:
    data = callback_body["data"]
    embeds = " ".join(
        f"{e.get('title', '')} {e.get('description', '')}" for e in data.get("embeds", [])
    )
    return f"{data.get('content', '')} {embeds}"


async def answer_in_modal(driver: Discord, daily_post: dict[str, Any], user: str, text: str) -> str:
    answer_id = payloads.custom_id_of(daily_post, "Answer")
    opened = await driver.interact(payloads.click(daily_post, answer_id, user_name=user))
    assert opened.body["type"] == 9
    saved = await driver.interact(
        payloads.submit(answer_id, {"answer": text}, user_name=user, message=daily_post)
    )
    return text_of(saved.body)


def upvote_id_for(reveal_messages: list[dict[str, Any]], author: str) -> str:
    """The Upvote button numbered like the answer embed that names `author`."""
    for message in reveal_messages:
        for embed in message["embeds"]:
            if f"**{author}**" in embed.get("description", ""):
                return payloads.custom_id_of(message, f"Upvote {embed['title']}")
    raise AssertionError(f"no answer by {author}")


async def test_a_whole_daily_cycle(
    app: Studybot, clock: FakeClock, driver: Discord, fake: FakeDiscord
) -> None:
    clock.set(datetime(2026, 1, 6, 8, 0, tzinfo=UTC))
    opened = await driver.interact(payloads.slash("studybot setup", user_name="carol", admin=True))
    assert opened.body["type"] == 9  # the setup modal
    setup_id = opened.body["data"]["custom_id"]
    saved = await driver.interact(payloads.submit(setup_id, SETUP, user_name="carol", admin=True))
    assert "Saved" in text_of(saved.body)

    clock.set(datetime(2026, 1, 6, 9, 0, tzinfo=UTC))
    await app.tick()  # the schedule posts through the Poster
    [daily_post] = fake.channel_messages(CHANNEL_ID)
    assert daily_post["embeds"][0]["title"].startswith("Question of the day")

    assert "Saved your answer" in await answer_in_modal(
        driver, daily_post, "alice", "Use @everyone a holdout set"
    )
    assert "Saved your answer" in await answer_in_modal(driver, daily_post, "bob", "Cross-validate")

    clock.set(datetime(2026, 1, 6, 21, 0, tzinfo=UTC))
    await app.tick()  # the reveal, in the daily post's thread
    reveal = fake.channel_messages(daily_post["id"])
    assert fake.threads[daily_post["id"]]["parent_id"] == str(CHANNEL_ID)
    shown = str(reveal)
    assert "Use \\\\@everyone a holdout set" in shown  # escaped by the core, shown literally
    assert "Cross-validate" in shown

    alice_vote = upvote_id_for(reveal, "Alice")
    voted = await driver.interact(payloads.click(reveal[0], alice_vote, user_name="bob"))
    assert "Upvoted Alice" in text_of(voted.body)
    own = await driver.interact(payloads.click(reveal[0], alice_vote, user_name="alice"))
    assert "can't vote for your own answer" in text_of(own.body)

    board = text_of(
        (
            await driver.interact(payloads.slash("leaderboard", payloads.option("period", "all")))
        ).body
    )
    assert board.index("Alice") < board.index("Bob")
