"""Flashcards: the prompt, the key points on request, then a self-rating."""

from __future__ import annotations

from adapters.console.memory import MemoryAdapter
from bot.bank import Question
from tests.quiz.helpers import button_on, ledger, press_stale, shown_question


async def test_a_flashcard_shows_the_key_points_then_four_ratings(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz llm mode:flashcards 2")
    front = quizbot.last("alice")
    question = shown_question(quizbot, "alice")
    assert not question.is_multiple_choice
    assert front.message.title == "Flashcard · question 1 of 2"
    assert [b.label for b in front.message.buttons] == ["Show key points", "End quiz"]
    await quizbot.press("alice", "Show key points")
    back = quizbot.last("alice")
    assert (back.ref, back.edited) == (front.ref, True)  # the card turned over, in place
    assert question.prompt in back.text and question.key_points[0] in back.text
    assert [b.label for b in back.message.buttons] == ["Again", "Hard", "Good", "Easy"]
    await quizbot.press("alice", "Good")
    rated, following = quizbot.inbox("alice")
    assert rated.ref == front.ref and rated.message.buttons == ()
    assert question.key_points[0] in rated.text and "Rated **Good**." in rated.text
    assert following.message.title == "Flashcard · question 2 of 2"


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
    good = button_on(quizbot, "alice", "Good")
    await quizbot.press("alice", "Good")
    await press_stale(quizbot, "alice", good)
    answers = await quizbot.app.db.fetchval("SELECT COUNT(*) FROM quiz_answers")
    assert answers == 1
