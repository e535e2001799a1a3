"""Private multiple-choice quizzes: feedback, points, one session, restarts, stale buttons."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from adapters.console.memory import MemoryAdapter
from bot.app import Studybot
from bot.bank import Bank
from bot.clock import FakeClock
from bot.envelope import ButtonPress, Context
from bot.quiz.common import points_for
from bot.settings import Settings
from tests.quiz.helpers import (
    answer,
    button_on,
    ledger,
    messages,
    press_stale,
    right_option,
    shown_question,
    wrong_option,
)


async def test_a_quiz_question_is_private_with_one_button_per_option(
    quizbot: MemoryAdapter,
) -> None:
    await quizbot.command("alice", "/quiz trees medium 3")
    screen = quizbot.last("alice")
    question = shown_question(quizbot, "alice")
    assert screen.to == "alice" and quizbot.public() == []
    assert screen.message.title == "Quiz · question 1 of 3"
    assert (question.area, question.difficulty) == ("trees", "medium")
    labels = [button.label for button in screen.message.buttons]
    assert sorted(labels) == sorted([*(question.choices or ()), "End quiz"])


def test_quiz_with_positional_level_and_count_is_not_the_race(quizbot: MemoryAdapter) -> None:
    command, raw = quizbot.app.registry.parse("/quiz hard 3")
    assert command.name == "quiz" and raw == {"difficulty": "hard", "count": "3"}
    command, raw = quizbot.app.registry.parse("/quiz race trees 2")
    assert command.name == "quiz race" and raw == {"area": "trees", "count": "2"}


@pytest.mark.parametrize(("difficulty", "points"), [("easy", 1), ("medium", 2), ("hard", 3)])
async def test_a_correct_first_answer_earns_points_by_difficulty(
    quizbot: MemoryAdapter, difficulty: str, points: int
) -> None:
    await quizbot.command("alice", f"/quiz {difficulty} 2")
    question = await answer(quizbot, "alice", correct=True)
    feedback = quizbot.inbox("alice")[-2]
    assert feedback.message.title == "Correct!"
    assert question.explanation is not None and question.explanation in feedback.text
    assert f"+{points} point" in feedback.text
    assert await ledger(quizbot, "alice") == [("quiz", points, question.area)]
    assert quizbot.last("alice").message.title == "Quiz · question 2 of 2"


async def test_the_answer_takes_the_place_of_the_question_and_its_buttons(
    quizbot: MemoryAdapter,
) -> None:
    await quizbot.command("alice", "/quiz llm 2")
    asked = quizbot.last("alice")
    question = await answer(quizbot, "alice", correct=False)
    answered, following = quizbot.inbox("alice")
    assert (answered.ref, answered.edited) == (asked.ref, True)  # the same message, edited
    assert answered.message.buttons == ()  # its options cannot be pressed again
    assert answered.text.startswith(f"Not quite\n{question.prompt}")
    assert f"Your answer: {wrong_option(question)}" in answered.text
    assert not following.edited and following.message.title == "Quiz · question 2 of 2"


async def test_points_go_to_the_channel_where_the_quiz_ran(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz hard 1", channel="ml")
    await answer(quizbot, "alice", correct=True, channel="ml")
    channel = await quizbot.app.db.fetchval(
        "SELECT c.native_id FROM ledger l JOIN channels c ON c.id = l.channel_id"
    )
    assert channel == "ml"


async def test_quiz_points_count_on_the_channels_weekly_leaderboard(
    quizbot: MemoryAdapter,
) -> None:
    await quizbot.command("ann", "/studybot setup time:09:00 timezone:UTC", admin=True)
    await quizbot.command("alice", "/quiz hard 1")
    await answer(quizbot, "alice", correct=True)
    await quizbot.command("bob", "/quiz easy 1")
    await answer(quizbot, "bob", correct=True)
    await quizbot.command("carol", "/leaderboard week")
    board = quizbot.last("carol").message.text.splitlines()
    assert board == ["1. **alice** 3 pts", "2. **bob** 1 pts"]


async def test_a_miss_shows_the_right_option_and_explanation_and_earns_nothing(
    quizbot: MemoryAdapter,
) -> None:
    await quizbot.command("alice", "/quiz llm 2")
    question = await answer(quizbot, "alice", correct=False)
    feedback = quizbot.inbox("alice")[-2]
    assert feedback.message.title == "Not quite"
    assert f"**{right_option(question)}**" in feedback.text
    assert question.explanation is not None and question.explanation in feedback.text
    assert "review queue" in feedback.text
    assert await ledger(quizbot, "alice") == []
    cards = await quizbot.app.db.fetchall("SELECT question_id FROM review_cards")
    assert [row[0] for row in cards] == [question.id]


async def test_the_end_shows_the_score_and_the_areas_to_work_on(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz medium 3")
    first = await answer(quizbot, "alice", correct=True)
    missed = [await answer(quizbot, "alice", correct=False)]
    session = "SELECT position, status, ended_at FROM quiz_sessions"
    assert tuple(await quizbot.app.db.fetchone(session) or ()) == (2, "active", None)
    missed.append(await answer(quizbot, "alice", correct=False))
    position, status, ended_at = await quizbot.app.db.fetchone(session) or ()
    assert (position, status) == (3, "finished") and ended_at is not None
    summary = quizbot.last("alice")
    assert summary.message.title == "Quiz finished"
    assert "**1 of 3** right" in summary.text and "**2 points**" in summary.text
    for question in missed:
        assert f"`/quiz {question.area}`" in summary.text
    if first.area not in {q.area for q in missed}:
        assert f"/quiz {first.area}`" not in summary.text


async def test_answering_a_question_again_in_a_later_quiz_earns_no_points(
    quizbot: MemoryAdapter,
) -> None:
    # behavioral/hard has two multiple-choice questions: the second quiz repeats them.
    await quizbot.command("alice", "/quiz behavioral hard 2")
    await answer(quizbot, "alice", correct=True)
    await answer(quizbot, "alice", correct=True)
    await quizbot.command("alice", "/quiz behavioral hard 2")
    await answer(quizbot, "alice", correct=True)
    assert "earlier quiz" in quizbot.inbox("alice")[-2].text
    assert [points for _, points, _ in await ledger(quizbot, "alice")] == [3, 3]


async def test_one_active_quiz_per_member(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz 3")
    await answer(quizbot, "alice", correct=True)
    await quizbot.command("alice", "/quiz")
    busy = quizbot.last("alice")
    assert "already have a quiz going (question 2 of 3)" in busy.text
    await quizbot.press("alice", "Continue")
    assert quizbot.last("alice").message.title == "Quiz · question 2 of 3"
    await quizbot.press("alice", "End quiz")
    assert quizbot.last("alice").message.title == "Quiz ended"
    assert "**1 of 1** right" in quizbot.last("alice").text
    await quizbot.command("alice", "/quiz 2")
    assert quizbot.last("alice").message.title == "Quiz · question 1 of 2"


async def test_other_members_quiz_alongside(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz 2")
    await quizbot.command("bob", "/quiz 2")
    assert quizbot.last("bob").message.title == "Quiz · question 1 of 2"


async def test_buttons_keep_working_after_a_restart(
    settings: Settings, clock: FakeClock, shipped_bank: Bank
) -> None:
    first = await Studybot.create(settings, clock=clock, rng=random.Random(7), bank=shipped_bank)
    before = MemoryAdapter(first)
    await before.command("alice", "/quiz hard 3")
    await answer(before, "alice", correct=True)
    await first.close()

    second = await Studybot.create(settings, clock=clock, rng=random.Random(1), bank=shipped_bank)
    try:
        after = MemoryAdapter(second)
        after.log = list(before.log)  # the platform still shows the old messages
        await answer(after, "alice", correct=True)
        assert after.inbox("alice")[-2].message.title == "Correct!"
        assert after.last("alice").message.title == "Quiz · question 3 of 3"
        assert [points for _, points, _ in await ledger(after, "alice")] == [3, 3]
    finally:
        await second.close()


async def test_a_button_of_a_finished_quiz_says_so(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz 1")
    right = button_on(quizbot, "alice", right_option(shown_question(quizbot, "alice")))
    await answer(quizbot, "alice", correct=True)
    [reply] = await press_stale(quizbot, "alice", right)
    assert reply.kind == "error"
    assert "That quiz is over" in reply.text and "/quiz" in reply.text
    assert len(await ledger(quizbot, "alice")) == 1


async def test_an_earlier_questions_button_shows_where_the_quiz_is(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz 3")
    button = button_on(quizbot, "alice", right_option(shown_question(quizbot, "alice")))
    await answer(quizbot, "alice", correct=False)
    replies = await press_stale(quizbot, "alice", button)
    assert "already answered that question" in replies[0].text
    assert replies[1].title == "Quiz · question 2 of 3"
    assert await ledger(quizbot, "alice") == []


async def test_someone_elses_quiz_button_is_refused(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz 2")
    button = quizbot.last("alice").message.buttons[0]
    bob = Context(quizbot.user("bob"), quizbot.channel("general"))
    [reply] = messages(await quizbot.app.handle(ButtonPress(bob, button.action_id)))
    assert "belongs to someone else" in reply.text


async def test_ten_idle_minutes_end_the_quiz(quizbot: MemoryAdapter, clock: FakeClock) -> None:
    await quizbot.command("alice", "/quiz 3")
    clock.advance(minutes=9)
    await answer(quizbot, "alice", correct=True)  # activity restarts the ten minutes
    clock.advance(minutes=10)
    await quizbot.app.tick()
    status = await quizbot.app.db.fetchval("SELECT status FROM quiz_sessions")
    assert status == "expired"
    await answer(quizbot, "alice", correct=True)
    assert "ended after 10 minutes without an answer" in quizbot.last("alice").text
    await quizbot.command("alice", "/quiz 2")
    assert quizbot.last("alice").message.title == "Quiz · question 1 of 2"


async def test_an_idle_quiz_is_over_even_before_the_tick(
    quizbot: MemoryAdapter, clock: FakeClock
) -> None:
    await quizbot.command("alice", "/quiz 3")
    clock.advance(timedelta(minutes=10, seconds=1))
    await answer(quizbot, "alice", correct=True)
    assert "ended after 10 minutes" in quizbot.last("alice").text
    assert await ledger(quizbot, "alice") == []


async def test_an_empty_selection_says_what_to_change(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz behavioral hard 20")
    note, first = quizbot.inbox("alice")[-2:]
    assert "Only 2 questions match" in note.text
    assert first.message.title == "Quiz · question 1 of 2"
    await quizbot.command("bob", "/quiz count:21")
    assert "from 1 to 20" in quizbot.last("bob").text


def test_points_per_level_follow_the_settings() -> None:
    configured = Settings(quiz_points_easy=5, quiz_points_medium=6, quiz_points_hard=7)
    assert [points_for(configured, level) for level in ("easy", "medium", "hard")] == [5, 6, 7]
    assert [points_for(Settings(), level) for level in ("easy", "medium", "hard")] == [1, 2, 3]
