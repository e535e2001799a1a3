"""Roles, packets and waking hours: the pure helpers behind an introduction."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bot.bank import Bank, load_bank
from bot.buddies.hours import describe_overlap, overlap_hours, slot_ranges, waking_mask
from bot.buddies.packet import BEHAVIORAL, OBSERVER, TECHNICAL, assign_roles, pick_packet
from bot.resources import questions_dir

WINTER = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 6, 9, 0, tzinfo=UTC)


def test_waking_hours_follow_daylight_saving_time() -> None:
    # New York wakes at 13:00 UTC in winter (UTC-5) and 12:00 UTC in summer (UTC-4).
    assert slot_ranges(waking_mask("America/New_York", WINTER)) == [(26, 54)]
    assert slot_ranges(waking_mask("America/New_York", SUMMER)) == [(24, 52)]


def test_overlap_of_berlin_and_new_york_in_winter() -> None:
    mask = waking_mask("Europe/Berlin", WINTER) & waking_mask("America/New_York", WINTER)
    assert overlap_hours(mask) == 8.0  # 13:00-21:00 UTC
    text = describe_overlap(mask, ["Europe/Berlin", "America/New_York"], WINTER)
    assert text.startswith("13:00–21:00 UTC")
    assert "14:00–22:00 Europe/Berlin" in text and "08:00–16:00 America/New_York" in text


def test_no_overlap_is_said_plainly() -> None:
    zones = ["UTC", "Asia/Shanghai", "America/Los_Angeles"]  # any two overlap, not all three
    mask = waking_mask(zones[0], WINTER) & waking_mask(zones[1], WINTER)
    assert mask
    mask &= waking_mask(zones[2], WINTER)
    assert mask == 0
    assert describe_overlap(mask, [], WINTER).startswith("none")


def test_a_first_meeting_follows_the_preferred_roles() -> None:
    roles = assign_roles([1, 2], {1: "interviewee", 2: "interviewer"}, [], random.Random(1))
    assert dict(roles) == {2: TECHNICAL, 1: BEHAVIORAL}


def test_roles_swap_against_the_last_meeting() -> None:
    past = [(3, 2, TECHNICAL), (3, 1, BEHAVIORAL)]
    roles = assign_roles([1, 2], {1: "interviewee", 2: "interviewer"}, past, random.Random(1))
    assert dict(roles) == {1: TECHNICAL, 2: BEHAVIORAL}


def test_after_one_meeting_each_the_longer_ago_asks() -> None:
    past = [(1, 1, TECHNICAL), (1, 2, BEHAVIORAL), (2, 2, TECHNICAL), (2, 1, BEHAVIORAL)]
    roles = assign_roles([1, 2], {}, past, random.Random(1))
    assert dict(roles)[1] == TECHNICAL


def test_larger_groups_have_observers() -> None:
    roles = dict(assign_roles([1, 2, 3, 4], {}, [], random.Random(1)))
    assert sorted(roles.values()) == sorted([TECHNICAL, BEHAVIORAL, OBSERVER, OBSERVER])


def test_a_packet_is_a_design_or_applied_question_and_a_behavioural_one() -> None:
    bank = load_bank([questions_dir()])
    technical, behavioral = pick_packet(bank, ["applied"], set(), random.Random(3))
    assert technical is not None and technical.area == "applied"
    assert behavioral is not None and behavioral.area == "behavioral"
    technical, _ = pick_packet(bank, ["llm"], set(), random.Random(3))
    assert technical is not None and technical.area in ("system-design", "applied")


def test_a_packet_avoids_questions_already_had() -> None:
    bank = load_bank([questions_dir()])
    seen = {q.id for q in bank.select(areas=["behavioral"])[1:]}
    _, behavioral = pick_packet(bank, [], seen, random.Random(3))
    assert behavioral is not None and behavioral.id not in seen


def test_an_empty_bank_gives_an_empty_packet() -> None:
    assert pick_packet(Bank([]), [], set(), random.Random(1)) == (None, None)
