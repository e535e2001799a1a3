"""Whole buddy conversations through the in-memory adapter, with a fake clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from adapters.console.memory import MemoryAdapter
from bot.clock import FakeClock
from bot.envelope import ButtonPress, Form, Message
from bot.storage import buddies as store
from tests.buddies.conftest import FIRST_ROUND, join, posts_of, run_round

WEEK = timedelta(weeks=1)
CHECKIN = timedelta(days=3, hours=12)  # midway through a weekly round


async def member_id(bot: MemoryAdapter, name: str) -> int:
    found = await bot.app.db.fetchval(
        "SELECT id FROM members WHERE native_id = ?", (name,), default=None
    )
    assert found is not None, name
    return int(found)


# -- joining ---------------------------------------------------------------------


async def test_join_opens_a_form_and_confirms_with_the_next_round(
    buddybot: MemoryAdapter,
) -> None:
    replies = await buddybot.command("alice", "/buddy join")
    assert isinstance(replies[0], Form)
    assert {field.id for field in replies[0].inputs} == {"areas", "level", "timezone", "role"}
    await buddybot.submit(
        "alice",
        {"areas": "llm, statistics", "level": "senior", "timezone": "Asia/Tokyo", "role": "both"},
    )
    reply = buddybot.last("alice")
    assert reply.message.title == "You are in the buddy pool"
    assert "Mon 05 Jan 09:00" in reply.text
    assert "1 member" in reply.text


async def test_join_names_every_problem_in_the_form(buddybot: MemoryAdapter) -> None:
    await buddybot.command("alice", "/buddy join")
    await buddybot.submit(
        "alice",
        {"areas": "llm, cooking", "level": "wizard", "timezone": "Mars/Olympus", "role": "both"},
    )
    reply = buddybot.last("alice")
    assert reply.message.kind == "error"
    assert "`cooking`" in reply.text
    assert "wizard" in reply.text
    assert "Mars/Olympus" in reply.text
    assert "system-design" in reply.text  # the list of valid areas
    await buddybot.command("alice", "/buddy status")
    assert "You are not in this channel's pool (0 members)" in buddybot.last("alice").text


async def test_status_before_any_pool_says_how_to_start(buddybot: MemoryAdapter) -> None:
    await buddybot.command("alice", "/buddy status")
    assert "no buddy pool in this channel yet" in buddybot.last("alice").text


async def test_leave_without_joining_is_explained(buddybot: MemoryAdapter) -> None:
    await buddybot.command("alice", "/buddy leave")
    assert "not in this channel's buddy pool" in buddybot.last("alice").text


async def test_status_shows_the_profile(buddybot: MemoryAdapter) -> None:
    await join(buddybot, "alice", level="junior")
    await buddybot.command("alice", "/buddy status")
    text = buddybot.last("alice").text
    assert "Level: junior" in text
    assert "Status: active" in text
    assert "Time zone: Europe/Berlin" in text


# -- a round ------------------------------------------------------------------------


async def test_a_round_introduces_each_group_with_a_packet(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    for name in ("alice", "bob", "carol", "dave"):
        await join(buddybot, name)
    await run_round(buddybot, clock, FIRST_ROUND)
    intros = posts_of(buddybot, "buddy_intro")
    assert len(intros) == 2
    named = [{n for n in ("alice", "bob", "carol", "dave") if f"**{n}**" in d.text} for d in intros]
    assert sorted(len(names) for names in named) == [2, 2]
    assert set().union(*named) == {"alice", "bob", "carol", "dave"}
    for intro, names in zip(intros, named, strict=True):
        # Each introduction lands in its group's private conversation, seen by them only.
        assert intro not in buddybot.public("general")
        outsiders = {"alice", "bob", "carol", "dave"} - names
        assert all(intro in buddybot.visible_to(member) for member in names)
        assert all(intro not in buddybot.visible_to(member) for member in outsiders)
    for intro in intros:
        assert "Design question" in intro.text and "Seven-step frame" in intro.text
        assert "Behavioural question" in intro.text and "STAR frame" in intro.text
        assert "Shared areas: llm, system-design" in intro.text
        assert "UTC" in intro.text  # the overlapping hours


async def test_a_round_is_formed_once_even_when_the_tick_runs_twice(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    for name in ("alice", "bob", "carol"):
        await join(buddybot, name)
    await run_round(buddybot, clock, FIRST_ROUND)
    await buddybot.app.tick()
    await run_round(buddybot, clock, FIRST_ROUND + timedelta(minutes=5))
    intros = posts_of(buddybot, "buddy_intro")
    assert len(intros) == 1  # three members: one trio, posted once
    assert all(f"**{name}**" in intros[0].text for name in ("alice", "bob", "carol"))


async def test_racing_ticks_form_and_introduce_a_round_once(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    for name in ("alice", "bob"):
        await join(buddybot, name)
    clock.set(FIRST_ROUND)
    await asyncio.gather(buddybot.app.tick(), buddybot.app.tick())
    assert len(posts_of(buddybot, "buddy_intro")) == 1
    rounds = await buddybot.app.db.fetchval("SELECT COUNT(*) FROM buddy_rounds")
    assert rounds == 1


async def test_nothing_happens_before_the_round_time(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    await join(buddybot, "alice")
    await join(buddybot, "bob")
    await run_round(buddybot, clock, FIRST_ROUND - timedelta(minutes=1))
    assert posts_of(buddybot, "buddy_intro") == []


async def test_skip_sits_out_the_next_round_only(buddybot: MemoryAdapter, clock: FakeClock) -> None:
    for name in ("alice", "bob", "carol"):
        await join(buddybot, name)
    await buddybot.command("carol", "/buddy skip")
    assert "sit out the next round" in buddybot.last("carol").text
    await run_round(buddybot, clock, FIRST_ROUND)
    first = posts_of(buddybot, "buddy_intro")
    assert len(first) == 1 and "**carol**" not in first[0].text
    await run_round(buddybot, clock, FIRST_ROUND + WEEK)
    second = posts_of(buddybot, "buddy_intro")[1:]
    assert len(second) == 1 and "**carol**" in second[0].text


async def test_leave_takes_a_member_out_of_later_rounds(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    for name in ("alice", "bob", "carol"):
        await join(buddybot, name)
    await buddybot.command("bob", "/buddy leave")
    assert "left" in buddybot.last("bob").text
    await run_round(buddybot, clock, FIRST_ROUND)
    (intro,) = posts_of(buddybot, "buddy_intro")
    assert "**bob**" not in intro.text


async def test_roles_swap_the_next_time_the_same_members_meet(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    await join(buddybot, "alice", role="interviewer")
    await join(buddybot, "bob", role="interviewee")
    await run_round(buddybot, clock, FIRST_ROUND)
    await run_round(buddybot, clock, FIRST_ROUND + WEEK)
    first, second = posts_of(buddybot, "buddy_intro")
    assert "alice asks bob\n" in first.message.items[0].text  # the design question
    assert "bob asks alice\n" in second.message.items[0].text


async def test_no_pair_repeats_while_another_arrangement_exists(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    names = ("alice", "bob", "carol", "dave")
    for name in names:
        await join(buddybot, name)
    pairings = set()
    for week in range(3):  # four members have exactly three different pairings
        await run_round(buddybot, clock, FIRST_ROUND + week * WEEK)
        intros = posts_of(buddybot, "buddy_intro")[-2:]
        pairing = frozenset(
            frozenset(n for n in names if f"**{n}**" in intro.message.text) for intro in intros
        )
        pairings.add(pairing)
    assert len(pairings) == 3


# -- check-ins ---------------------------------------------------------------------------


async def test_check_in_midway_records_who_met(buddybot: MemoryAdapter, clock: FakeClock) -> None:
    await join(buddybot, "alice")
    await join(buddybot, "bob")
    await run_round(buddybot, clock, FIRST_ROUND)
    await run_round(buddybot, clock, FIRST_ROUND + CHECKIN - timedelta(minutes=1))
    assert posts_of(buddybot, "buddy_checkin") == []
    await run_round(buddybot, clock, FIRST_ROUND + CHECKIN)
    await buddybot.app.tick()
    (checkin,) = posts_of(buddybot, "buddy_checkin")
    assert [b.label for b in checkin.message.buttons] == ["Met", "Not yet", "Skip"]
    assert checkin.thread == posts_of(buddybot, "buddy_intro")[0].ref
    await buddybot.press("alice", "Met")
    assert "Buddy meetings so far: 1" in buddybot.last("alice").text
    await buddybot.press("bob", "Not yet")
    assert "not yet" in buddybot.last("bob").text
    assert await store.meetings_count(buddybot.app.db, await member_id(buddybot, "alice")) == 1
    assert await store.meetings_count(buddybot.app.db, await member_id(buddybot, "bob")) == 0


async def test_only_the_group_can_answer_its_check_in(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    await join(buddybot, "alice")
    await join(buddybot, "bob")
    await run_round(buddybot, clock, FIRST_ROUND)
    await run_round(buddybot, clock, FIRST_ROUND + CHECKIN)
    with pytest.raises(AssertionError, match="sees no button"):
        buddybot.find_button("mallory", "Met")  # the group's conversation is private
    _, met = buddybot.find_button("alice", "Met")
    forged = ButtonPress(buddybot.context("mallory", "general"), met.action_id)
    [reply] = await buddybot.app.handle(forged)
    assert isinstance(reply, Message)
    assert "members of that group only" in reply.text


async def test_three_unanswered_check_ins_pause_until_rejoin(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    for name in ("alice", "bob", "carol"):
        await join(buddybot, name)
    for week in range(3):
        start = FIRST_ROUND + week * WEEK
        await run_round(buddybot, clock, start)
        await run_round(buddybot, clock, start + CHECKIN)
        for name in ("alice", "bob"):  # carol never answers
            await buddybot.press(name, "Met")
    assert posts_of(buddybot, "buddy_paused") == []
    await run_round(buddybot, clock, FIRST_ROUND + 3 * WEEK)
    (notice,) = posts_of(buddybot, "buddy_paused")
    assert "**carol**" in notice.text and "3 rounds in a row" in notice.text
    assert "**carol**" not in posts_of(buddybot, "buddy_intro")[-1].text
    await buddybot.command("carol", "/buddy status")
    assert "paused" in buddybot.last("carol").text
    await buddybot.press("carol", "Rejoin")
    assert "Welcome back" in buddybot.last("carol").text
    await run_round(buddybot, clock, FIRST_ROUND + 4 * WEEK)
    assert "**carol**" in posts_of(buddybot, "buddy_intro")[-1].text


async def test_an_answer_resets_the_unanswered_count(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    await join(buddybot, "alice")
    await join(buddybot, "bob")
    for week in range(5):
        start = FIRST_ROUND + week * WEEK
        await run_round(buddybot, clock, start)
        await run_round(buddybot, clock, start + CHECKIN)
        await buddybot.press("alice", "Skip")
        if week == 2:
            await buddybot.press("bob", "Not yet")  # breaks bob's run of silence
    await run_round(buddybot, clock, FIRST_ROUND + 5 * WEEK)
    assert posts_of(buddybot, "buddy_paused") == []  # bob: 2 silent, 1 answer, 2 silent


# -- admin -------------------------------------------------------------------------------


async def test_config_moves_the_next_round(buddybot: MemoryAdapter) -> None:
    buddybot.admins.add("root")
    await buddybot.command("root", "/buddy config cadence:biweekly day:wed time:18:30 size:3")
    text = buddybot.last("root").text
    assert "Cadence: every two weeks" in text
    assert "Group size: 3" in text
    assert "Wed 07 Jan 18:30" in text


async def test_config_is_for_admins(buddybot: MemoryAdapter) -> None:
    await buddybot.command("alice", "/buddy config size:4")
    assert "for admins" in buddybot.last("alice").text


async def test_config_rejects_a_bad_time(buddybot: MemoryAdapter) -> None:
    buddybot.admins.add("root")
    await buddybot.command("root", "/buddy config time:25:99")
    assert "HH:MM" in buddybot.last("root").text


async def test_groups_of_three_follow_the_configured_size(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    buddybot.admins.add("root")
    await buddybot.command("root", "/buddy config size:3")
    names = ("alice", "bob", "carol", "dave", "erin", "frank")
    for name in names:
        await join(buddybot, name)
    await run_round(buddybot, clock, FIRST_ROUND)
    intros = posts_of(buddybot, "buddy_intro")
    assert len(intros) == 2
    for intro in intros:
        assert sum(f"**{name}**" in intro.message.text for name in names) == 3
        assert "take notes and give feedback" in intro.text  # the third member's part


async def test_fields_left_out_keep_what_the_form_showed(buddybot: MemoryAdapter) -> None:
    await join(buddybot, "alice", level="senior", timezone="Asia/Tokyo")
    await buddybot.command("alice", "/buddy join")
    await buddybot.submit("alice", {"areas": "coding"})
    await buddybot.command("alice", "/buddy status")
    text = buddybot.last("alice").text
    assert "Areas: coding" in text and "Level: senior" in text and "Asia/Tokyo" in text


async def test_a_failed_introduction_is_retried_in_the_same_conversation(
    buddybot: MemoryAdapter, clock: FakeClock
) -> None:
    await join(buddybot, "alice")
    await join(buddybot, "bob")
    opened: list[str] = []
    open_group, post = buddybot.open_group, buddybot.post

    async def counting_open_group(*args: Any, **kwargs: Any) -> Any:
        group = await open_group(*args, **kwargs)
        opened.append(group.id)
        return group

    async def failing_once(*args: Any, **kwargs: Any) -> Any:
        buddybot.post = post  # type: ignore[method-assign]
        raise ConnectionError("the platform is down")

    buddybot.open_group = counting_open_group  # type: ignore[method-assign]
    buddybot.post = failing_once  # type: ignore[method-assign]
    await run_round(buddybot, clock, FIRST_ROUND)
    assert posts_of(buddybot, "buddy_intro") == []
    await buddybot.app.tick()
    (intro,) = posts_of(buddybot, "buddy_intro")
    assert opened == [intro.channel]  # opened once, and the retry landed there
