"""The shipped bank: size, spread, frames, and originality."""

from __future__ import annotations

import itertools
import re
from collections import Counter

import pytest

from bot.bank import AREAS, DIFFICULTIES, Bank, Question, load_bank
from bot.resources import questions_dir
from tests.bank import seed_fingerprints


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank([questions_dir()])


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def test_size_and_spread(bank: Bank) -> None:
    assert len(bank) >= 400
    per_area = Counter(q.area for q in bank.questions)
    assert {area: per_area[area] for area in AREAS if per_area[area] < 15} == {}
    per_level = Counter(q.difficulty for q in bank.questions)
    for level in DIFFICULTIES:
        assert per_level[level] >= 0.2 * len(bank), level


def test_multiple_choice_floor_and_shape(bank: Bank) -> None:
    choice = [q for q in bank.questions if q.choices]
    assert len(choice) >= 200
    for q in choice:
        assert q.choices is not None and len(q.choices) == 4, q.id
        assert q.answer in q.choices and q.explanation, q.id
        assert len({c.casefold() for c in q.choices}) == 4, q.id


def test_follow_up_floor(bank: Bank) -> None:
    assert sum(1 for q in bank.questions if 1 <= len(q.follow_ups) <= 3) >= 100


def test_correct_option_is_not_always_in_the_same_place(bank: Bank) -> None:
    positions = Counter(q.choices.index(q.answer) for q in bank.questions if q.choices and q.answer)
    assert len(positions) == 4
    assert max(positions.values()) < 0.4 * sum(positions.values())


def test_no_two_prompts_are_near_duplicates(bank: Bank) -> None:
    prints = {q.id: shingles(q.prompt) for q in bank.questions}
    close = []
    for (a, sa), (b, sb) in itertools.combinations(prints.items(), 2):
        if sa and sb and len(sa & sb) / len(sa | sb) > 0.5:
            close.append((a, b))
    assert close == []


def test_the_near_duplicate_check_catches_a_reworded_copy() -> None:
    a = shingles("What is the bias-variance trade-off, and how does it guide model choice?")
    b = shingles("What is the bias variance trade-off and how does it guide model choice")
    assert len(a & b) / len(a | b) > 0.5


def frame_text(q: Question) -> str:
    return " ".join(q.key_points).lower()


def test_system_design_key_points_follow_the_seven_steps(bank: Bank) -> None:
    # Key points are labelled by step; a question about one concern (evaluation,
    # latency) may leave out the one step that has nothing to say.
    steps = ("objective", "data", "feature", "model", "serving", "monitor")
    for q in bank.select(areas=["system-design"], multiple_choice=False):
        missing = [s for s in steps if s not in frame_text(q)]
        assert len(missing) <= 1, (q.id, missing)


def test_behavioral_key_points_follow_star(bank: Bank) -> None:
    for q in bank.select(areas=["behavioral"], multiple_choice=False):
        text = frame_text(q)
        missing = [s for s in ("situation", "task", "action", "result") if s not in text]
        assert missing == [], (q.id, missing)


def test_coding_key_points_state_complexity_and_edge_cases(bank: Bank) -> None:
    for q in bank.select(areas=["coding"], multiple_choice=False):
        text = frame_text(q)
        assert re.search(r"o\(", text), (q.id, "no complexity")
        assert "edge" in text or "empty" in text, (q.id, "no edge cases")


def test_no_sentence_is_copied_from_the_seed_guides(bank: Bank) -> None:
    """No 8-word run of any text in the bank appears in the seed guides (by fingerprint)."""
    seed_runs = seed_fingerprints.stored()
    assert len(seed_runs) > 10_000  # the fingerprint file is really there
    copied = []
    for q in bank.questions:
        texts = [q.prompt, q.hint or "", q.explanation or "", *q.key_points, *q.follow_ups]
        for text in texts:
            if seed_fingerprints.fingerprints_of(text) & seed_runs:
                copied.append((q.id, text[:60]))
    assert copied == []
