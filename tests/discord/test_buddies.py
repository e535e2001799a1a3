"""Study buddies through discord.py: the join modal, a private thread per group, the
check-in there, and the pause notice as a direct message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import Studybot
from bot.clock import FakeClock
from tests.discord import payloads
from tests.discord.conftest import Discord
from tests.discord.fake_discord import CHANNEL_ID, FakeDiscord
from tests.discord.test_posting import assert_within_limits
from tests.discord.test_quiz import is_private, text_of

# The fake clock starts on Monday 2026-01-05 08:00 UTC; a new pool's first round
# is that Monday at 09:00 in the channel's zone (UTC), its check-in midway through.
FIRST_ROUND = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CHECKIN = timedelta(days=3, hours=12)
WEEK = timedelta(weeks=1)
PROFILE = {"areas": "system-design, llm", "level": "mid", "timezone": "UTC", "role": "both"}


async def join(driver: Discord, name: str) -> None:
    [modal] = await driver.replies(payloads.slash("buddy join", user_name=name))
    assert {c["component"]["custom_id"] for c in modal["components"] if "component" in c} == set(
        PROFILE
    )
    [joined] = await driver.replies(payloads.submit(modal["custom_id"], PROFILE, user_name=name))
    assert "You are in the buddy pool" in text_of(joined)


async def at(app: Studybot, clock: FakeClock, when: datetime) -> None:
    clock.set(when)
    await app.tick()


def group_threads(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [c for c in fake.channels.values() if c["type"] == 12]


def titled(fake: FakeDiscord, title: str) -> list[dict[str, Any]]:
    return [
        m for m in fake.messages.values() if m["embeds"] and m["embeds"][0].get("title") == title
    ]


async def test_a_round_meets_in_a_private_thread_and_met_counts_in_stats(
    app: Studybot, clock: FakeClock, driver: Discord, fake: FakeDiscord
) -> None:
    for name in ("alice", "bob"):
        await join(driver, name)
    await at(app, clock, FIRST_ROUND)

    [thread] = group_threads(fake)
    assert thread["parent_id"] == str(CHANNEL_ID)
    assert thread["thread_metadata"]["invitable"] is False
    assert sorted(fake.thread_members[thread["id"]]) == sorted(
        str(payloads.USERS[name]) for name in ("alice", "bob")
    )
    [intro] = fake.channel_messages(thread["id"])
    assert intro["embeds"][0]["title"] == "Study buddies, round 1"
    assert "**Alice** and **Bob**" in text_of(intro) or "**Bob** and **Alice**" in text_of(intro)
    assert "Seven-step frame" in text_of(intro) and "STAR frame" in text_of(intro)
    assert "\n1. Clarify the goal" in text_of(intro)  # numbered lines, as Discord lists them
    assert_within_limits(intro)
    assert fake.channel_messages(CHANNEL_ID) == []  # nothing about the group in public

    await at(app, clock, FIRST_ROUND + CHECKIN)
    [_, checkin] = fake.channel_messages(thread["id"])  # in the group's thread
    assert [b["label"] for b in payloads.buttons_of(checkin)] == ["Met", "Not yet", "Skip"]
    met = payloads.custom_id_of(checkin, "Met")
    [noted] = await driver.replies(payloads.click(checkin, met, where=thread))
    assert is_private(noted) and "Buddy meetings so far: 1" in text_of(noted)
    not_yet = payloads.custom_id_of(checkin, "Not yet")
    [later] = await driver.replies(payloads.click(checkin, not_yet, user_name="bob", where=thread))
    assert "Noted: not yet" in text_of(later)

    [stats] = await driver.replies(payloads.slash("stats"))
    assert "Buddy meetings: 1" in text_of(stats)
    [bobs] = await driver.replies(payloads.slash("stats", user_name="bob"))
    assert "Buddy meetings: 0" in text_of(bobs)


async def test_a_member_silent_for_three_check_ins_is_told_by_dm_and_can_rejoin(
    app: Studybot, clock: FakeClock, driver: Discord, fake: FakeDiscord
) -> None:
    for name in ("alice", "bob", "carol"):
        await join(driver, name)
    for week in range(3):
        await at(app, clock, FIRST_ROUND + week * WEEK)
        await at(app, clock, FIRST_ROUND + week * WEEK + CHECKIN)
        checkin = titled(fake, "Did you meet?")[-1]
        thread = fake.channels[checkin["channel_id"]]
        for name in ("alice", "bob"):  # carol never answers
            met = payloads.custom_id_of(checkin, "Met")
            await driver.replies(payloads.click(checkin, met, user_name=name, where=thread))
    assert not fake.matching("POST", r"/api/v10/users/@me/channels")

    await at(app, clock, FIRST_ROUND + 3 * WEEK)
    [opened] = fake.matching("POST", r"/api/v10/users/@me/channels")
    assert str(opened.body["recipient_id"]) == str(payloads.USERS["carol"])
    dm_channel = fake.channels[opened.reply["id"]]
    [notice] = fake.channel_messages(dm_channel["id"])
    assert notice["embeds"][0]["title"] == "Paused from study buddies"
    assert "3 rounds in a row" in text_of(notice)

    rejoin = payloads.custom_id_of(notice, "Rejoin")
    [welcome] = await driver.replies(
        payloads.click(notice, rejoin, user_name="carol", where=dm_channel)
    )
    assert "Welcome back" in text_of(welcome)
    [status] = await driver.replies(payloads.slash("buddy status", user_name="carol"))
    assert "Status: active" in text_of(status)
