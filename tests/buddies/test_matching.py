"""Property tests of buddy matching over random pools and histories."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.buddies.matching import (
    Candidate,
    Group,
    Scorer,
    form_groups,
    pair_key,
    pairs_in,
)

WHEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Tokyo")
AREAS = ("llm", "system-design", "statistics", "coding", "behavioral")
WINDOW = 6


@st.composite
def pools(draw: st.DrawFn, largest: int) -> tuple[list[Candidate], dict[tuple[int, int], int]]:
    """Random members and a random history of who met how many rounds ago."""
    count = draw(st.integers(min_value=0, max_value=largest))
    members = [
        Candidate(
            id=index + 1,
            timezone=draw(st.sampled_from(ZONES)),
            areas=frozenset(draw(st.sets(st.sampled_from(AREAS), max_size=3))),
            level=draw(st.sampled_from(("junior", "mid", "senior"))),
            role=draw(st.sampled_from(("interviewer", "interviewee", "both"))),
        )
        for index in range(count)
    ]
    all_pairs = [pair_key(a.id, b.id) for a, b in itertools.combinations(members, 2)]
    met = draw(st.lists(st.sampled_from(all_pairs), unique=True)) if all_pairs else []
    history = {pair: draw(st.integers(min_value=1, max_value=WINDOW + 2)) for pair in met}
    return members, history


def placed(groups: list[Group]) -> Counter[int]:
    return Counter(member for group in groups for member in group)


def partitions(members: list[int], sizes: range, trio_allowed: int) -> Iterator[list[Group]]:
    """Every way to split `members` into groups with sizes in `sizes`.

    With pairs (`sizes` = 2..2) one trio may be used (`trio_allowed`).
    """
    if not members:
        yield []
        return
    first, rest = members[0], members[1:]
    options = list(sizes) + ([3] if trio_allowed and 3 not in sizes else [])
    for size in options:
        for companions in itertools.combinations(rest, size - 1):
            remaining = [m for m in rest if m not in companions]
            if len(remaining) == 1:
                continue
            uses_trio = size == 3 and 3 not in sizes
            for tail in partitions(remaining, sizes, trio_allowed - uses_trio):
                yield [(first, *companions), *tail]


def repeats_avoidable(
    members: list[Candidate], history: dict[tuple[int, int], int], size: int
) -> bool:
    scorer = Scorer(members, history, WINDOW, WHEN)
    ids = [member.id for member in members]
    sizes = range(2, size + 1)
    return any(
        scorer.total_repeats(groups) == 0
        for groups in partitions(ids, sizes, trio_allowed=1 if size == 2 else 0)
    )


@settings(max_examples=150, deadline=None)
@given(pool=pools(largest=14), size=st.integers(min_value=2, max_value=4), seed=st.integers(0, 99))
def test_everyone_is_placed_exactly_once_when_two_or_more(pool, size, seed) -> None:
    members, history = pool
    groups = form_groups(members, history, group_size=size, window=WINDOW, seed=seed, when=WHEN)
    if len(members) < 2:
        assert groups == []
    else:
        assert placed(groups) == Counter(member.id for member in members)


@settings(max_examples=150, deadline=None)
@given(pool=pools(largest=15), seed=st.integers(0, 99))
def test_pairs_make_one_trio_only_when_the_count_is_odd(pool, seed) -> None:
    members, history = pool
    groups = form_groups(members, history, group_size=2, window=WINDOW, seed=seed, when=WHEN)
    sizes = Counter(len(group) for group in groups)
    if len(members) >= 2:
        assert sizes[3] == len(members) % 2
        assert set(sizes) <= {2, 3}


@settings(max_examples=150, deadline=None)
@given(pool=pools(largest=15), size=st.integers(min_value=3, max_value=4), seed=st.integers(0, 99))
def test_groups_stay_within_the_configured_size(pool, size, seed) -> None:
    members, history = pool
    groups = form_groups(members, history, group_size=size, window=WINDOW, seed=seed, when=WHEN)
    assert all(2 <= len(group) <= size for group in groups)


@settings(max_examples=200, deadline=None)
@given(pool=pools(largest=10), seed=st.integers(0, 99))
def test_pairs_never_repeat_within_the_window_when_avoidable(pool, seed) -> None:
    members, history = pool
    groups = form_groups(members, history, group_size=2, window=WINDOW, seed=seed, when=WHEN)
    if repeats_avoidable(members, history, 2):
        assert Scorer(members, history, WINDOW, WHEN).total_repeats(groups) == 0


@settings(max_examples=150, deadline=None)
@given(pool=pools(largest=8), size=st.integers(min_value=3, max_value=4), seed=st.integers(0, 99))
def test_groups_never_repeat_within_the_window_when_avoidable(pool, size, seed) -> None:
    members, history = pool
    groups = form_groups(members, history, group_size=size, window=WINDOW, seed=seed, when=WHEN)
    if repeats_avoidable(members, history, size):
        assert Scorer(members, history, WINDOW, WHEN).total_repeats(groups) == 0


# -- examples ----------------------------------------------------------------------


def test_the_same_seed_gives_the_same_groups() -> None:
    members = [Candidate(i, ZONES[i % len(ZONES)], frozenset({AREAS[i % 5]})) for i in range(30)]
    first = form_groups(members, seed=5, when=WHEN)
    assert form_groups(members, seed=5, when=WHEN) == first


def test_overlapping_waking_hours_come_first() -> None:
    members = [
        Candidate(1, "Asia/Tokyo"),
        Candidate(2, "America/New_York"),
        Candidate(3, "Asia/Tokyo"),
        Candidate(4, "America/New_York"),
    ]
    assert form_groups(members, when=WHEN) == [(1, 3), (2, 4)]


def test_shared_areas_and_level_break_ties_of_time_zone() -> None:
    members = [
        Candidate(1, areas=frozenset({"llm", "coding"}), level="junior"),
        Candidate(2, areas=frozenset({"trees"}), level="senior"),
        Candidate(3, areas=frozenset({"llm", "coding"}), level="junior"),
        Candidate(4, areas=frozenset({"trees"}), level="senior"),
    ]
    assert form_groups(members, when=WHEN) == [(1, 3), (2, 4)]


def test_a_repeat_is_the_last_resort_not_forbidden() -> None:
    members = [Candidate(1), Candidate(2)]
    assert form_groups(members, {(1, 2): 1}, when=WHEN) == [(1, 2)]


def test_meetings_older_than_the_window_may_repeat() -> None:
    members = [Candidate(1, "Asia/Tokyo"), Candidate(2, "Asia/Tokyo"), Candidate(3), Candidate(4)]
    history = {(1, 2): WINDOW + 1, (3, 4): WINDOW + 1}
    assert form_groups(members, history, window=WINDOW, when=WHEN) == [(1, 2), (3, 4)]


def test_a_large_pool_matched_in_chunks_avoids_repeats_round_after_round() -> None:
    members = [
        Candidate(i, ZONES[i % 2], frozenset({AREAS[i % len(AREAS)]})) for i in range(1, 152)
    ]
    history: dict[tuple[int, int], int] = {}
    for number in range(1, WINDOW + 3):
        groups = form_groups(members, history, window=WINDOW, seed=number, when=WHEN)
        assert placed(groups) == Counter(m.id for m in members)
        assert Scorer(members, history, WINDOW, WHEN).total_repeats(groups) == 0
        history = {pair: ago + 1 for pair, ago in history.items()}
        history.update({pair: 1 for group in groups for pair in pairs_in(group)})


def test_sizes_outside_two_to_four_are_refused() -> None:
    with pytest.raises(ValueError, match="group size"):
        form_groups([Candidate(1), Candidate(2)], group_size=5)


def test_duplicate_members_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        form_groups([Candidate(1), Candidate(1)])


def test_pairs_find_the_one_trio_that_avoids_every_repeat() -> None:
    # 1, 2 and 3 have met everyone else: only the trio (1, 2, 3) avoids a repeat.
    members = [Candidate(i) for i in range(1, 8)]
    history = {pair_key(a, b): 1 for a in (1, 2, 3) for b in range(4, 8)}
    groups = form_groups(members, history, window=WINDOW, when=WHEN)
    assert (1, 2, 3) in groups
    assert Scorer(members, history, WINDOW, WHEN).total_repeats(groups) == 0


def test_threes_avoid_repeats_that_pairs_cannot() -> None:
    # Everyone across the two halves has met: two threes are the only way.
    members = [Candidate(i, "Asia/Tokyo" if i % 2 else "UTC") for i in range(1, 7)]
    history = {pair_key(a, b): 2 for a in (1, 2, 3) for b in (4, 5, 6)}
    groups = form_groups(members, history, group_size=3, window=WINDOW, when=WHEN)
    assert groups == [(1, 2, 3), (4, 5, 6)]
