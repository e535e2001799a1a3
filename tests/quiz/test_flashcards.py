"""Flashcards: the prompt, the key points on request, then a self-rating."""

from __future__ import annotations

from adapters.console.memory import MemoryAdapter
from bot.bank import Question
from bot.envelope import ButtonPress
from tests.quiz.helpers import ledger, shown_question


async def test_a_flashcard_shows_the_key_points_then_four_ratings(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz llm mode:flashcards 2")
    front = quizbot.last("alice")
    question = shown_question(quizbot, "alice")
    assert not question.is_multiple_choice
    assert front.message.title == "Flashcard · question 1 of 2"
    assert [b.label for b in front.message.buttons] == ["Show key points", "End quiz"]
    await quizbot.press("alice", "Show key points")
    back = quizbot.last("alice")
    assert question.key_points[0] in back.text
    assert [b.label for b in back.message.buttons] == ["Again", "Hard", "Good", "Easy"]


async def test_again_and_hard_go_to_review_and_the_end_counts_the_ratings(
    quizbot: MemoryAdapter,
) -> None:
    await quizbot.command("alice", "/quiz flashcards 3")
    rated: dict[str, Question] = {}
    for label in ("Again", "Good", "Hard"):
        rated[label] = shown_question(quizbot, "alice")
        await quizbot.press("alice", "Show key points")
        await quizbot.press("alice", label)
    summary = quizbot.last("alice")
    assert summary.message.title == "Quiz finished"
    assert "You rated 3 cards: 1 Again, 1 Hard, 1 Good." in summary.text
    assert f"`/quiz {rated['Again'].area}`" in summary.text
    cards = await quizbot.app.db.fetchall("SELECT question_id, source FROM review_cards")
    assert sorted(tuple(row) for row in cards) == sorted(
        [(rated["Again"].id, "flashcard"), (rated["Hard"].id, "flashcard")]
    )
    assert await ledger(quizbot, "alice") == []  # self-ratings earn no points


async def test_a_rating_button_pressed_twice_does_not_rate_twice(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz flashcards 2")
    await quizbot.press("alice", "Show key points")
    await quizbot.press("alice", "Good")
    first_back = next(d for d in quizbot.inbox("alice") if d.message.title == "Key points")
    good = next(b for b in first_back.message.buttons if b.label == "Good")
    await quizbot.app.handle(ButtonPress(quizbot.context("alice", "general"), good.action_id))
    answers = await quizbot.app.db.fetchval("SELECT COUNT(*) FROM quiz_answers")
    assert answers == 1
