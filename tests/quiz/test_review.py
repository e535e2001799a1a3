"""`/review`: FSRS scheduling with day-level intervals, the daily cap, what is due next."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.console.memory import MemoryAdapter
from bot.clock import FakeClock
from bot.envelope import ButtonPress, Message
from bot.registry import action_id
from bot.storage.common import from_db
from tests.quiz.helpers import answer, button_on, messages, press_stale, shown_question

REVEAL_QUESTION = "app-propensity-label-window"


async def add(bot: MemoryAdapter, user: str, question_id: str) -> Message:
    press = ButtonPress(bot.context(user, "general"), action_id("review-add", question_id))
    [reply] = messages(await bot.app.handle(press))
    return reply


async def due_of(bot: MemoryAdapter, question_id: str) -> datetime:
    value = await bot.app.db.fetchval(
        "SELECT due FROM review_cards WHERE question_id = ?", (question_id,)
    )
    return from_db(value)


async def review(bot: MemoryAdapter, user: str, rating: str) -> str:
    """Run `/review`, reveal the key points, rate; returns the question id reviewed."""
    await bot.command(user, "/review")
    question = shown_question(bot, user)
    await bot.press(user, "Show key points")
    await bot.press(user, rating)
    return question.id


async def test_add_to_my_review_adds_a_card_once(quizbot: MemoryAdapter) -> None:
    assert "Added to your review queue" in (await add(quizbot, "alice", REVEAL_QUESTION)).text
    again = await add(quizbot, "alice", REVEAL_QUESTION)
    assert "already in your review queue" in again.text
    count = await quizbot.app.db.fetchval("SELECT COUNT(*) FROM review_cards")
    assert count == 1


async def test_a_review_shows_the_prompt_then_the_key_points_then_four_ratings(
    quizbot: MemoryAdapter,
) -> None:
    await add(quizbot, "alice", REVEAL_QUESTION)
    await quizbot.command("alice", "/review")
    front = quizbot.last("alice")
    question = quizbot.app.bank.get(REVEAL_QUESTION)
    assert question is not None
    assert front.message.title == "Review · 1 card due" and front.message.text == question.prompt
    await quizbot.press("alice", "Show key points")
    back = quizbot.last("alice")
    assert (back.ref, back.edited) == (front.ref, True)  # the card turned over, in place
    assert question.prompt in back.text and question.key_points[0] in back.text
    assert f"**{question.answer}**" in back.text
    assert [b.label for b in back.message.buttons] == ["Again", "Hard", "Good", "Easy"]
    await quizbot.press("alice", "Good")
    reviewed = next(d for d in quizbot.inbox("alice") if d.ref == front.ref)
    assert reviewed.message.title == "Reviewed: Good" and reviewed.message.buttons == ()
    assert "**Good**: next review in" in reviewed.text


async def test_good_pushes_the_due_date_out_and_again_brings_it_back(
    quizbot: MemoryAdapter, clock: FakeClock
) -> None:
    await add(quizbot, "alice", REVEAL_QUESTION)
    await review(quizbot, "alice", "Good")
    first = await due_of(quizbot, REVEAL_QUESTION) - clock.now()
    assert first == timedelta(days=2)  # day-level at once: no one-minute learning step
    assert "next review in 2 days" in quizbot.inbox("alice")[-2].text

    clock.set(clock.now() + first)
    await review(quizbot, "alice", "Good")
    second = await due_of(quizbot, REVEAL_QUESTION) - clock.now()
    assert second > first

    clock.set(clock.now() + second)
    await review(quizbot, "alice", "Again")
    lapse = await due_of(quizbot, REVEAL_QUESTION) - clock.now()
    assert timedelta(days=1) <= lapse < second
    logged = await quizbot.app.db.fetchall("SELECT rating FROM review_log ORDER BY id")
    assert [row[0] for row in logged] == [3, 3, 1]


async def test_a_new_card_rated_again_comes_back_tomorrow_not_in_a_minute(
    quizbot: MemoryAdapter, clock: FakeClock
) -> None:
    await add(quizbot, "alice", REVEAL_QUESTION)
    await review(quizbot, "alice", "Again")
    assert await due_of(quizbot, REVEAL_QUESTION) - clock.now() == timedelta(days=1)


async def test_a_missed_quiz_question_is_due_for_review_at_once(quizbot: MemoryAdapter) -> None:
    await quizbot.command("alice", "/quiz trees 1")
    missed = await answer(quizbot, "alice", correct=False)
    await quizbot.command("alice", "/review")
    assert quizbot.last("alice").message.text == missed.prompt


async def test_missing_a_question_again_brings_its_card_forward(
    quizbot: MemoryAdapter, clock: FakeClock
) -> None:
    # behavioral/hard has two multiple-choice questions: the second quiz repeats them.
    await quizbot.command("alice", "/quiz behavioral hard 2")
    for _ in range(2):
        await answer(quizbot, "alice", correct=False)
    for _ in range(2):
        await review(quizbot, "alice", "Good")  # both due in two days
    await quizbot.command("alice", "/quiz behavioral hard 2")
    missed = await answer(quizbot, "alice", correct=False)
    known = await answer(quizbot, "alice", correct=True)
    assert await due_of(quizbot, missed.id) == clock.now()
    assert await due_of(quizbot, known.id) - clock.now() == timedelta(days=2)
    assert await quizbot.app.db.fetchval("SELECT COUNT(*) FROM review_cards") == 2


async def test_nothing_due_says_when_the_next_card_is(
    quizbot: MemoryAdapter, clock: FakeClock
) -> None:
    await quizbot.command("alice", "/review")
    assert "Your review queue is empty" in quizbot.last("alice").text
    await add(quizbot, "alice", REVEAL_QUESTION)
    await review(quizbot, "alice", "Good")
    assert "Nothing is due right now" in quizbot.last("alice").text
    await quizbot.command("alice", "/review")
    # FakeClock starts Monday 2026-01-05 08:00 UTC; Good on a new card means two days.
    assert "next card is due in 2 days (Wed 7 Jan, 08:00 UTC)" in quizbot.last("alice").text


async def test_at_most_twenty_reviews_a_day(quizbot: MemoryAdapter, clock: FakeClock) -> None:
    questions = [q.id for q in quizbot.app.bank.questions[:21]]
    for question_id in questions:
        await add(quizbot, "alice", question_id)
    for _ in range(20):
        await review(quizbot, "alice", "Good")
    cap = quizbot.last("alice")
    assert "You have done today's 20 reviews" in cap.text
    assert "1 card still due" in cap.text
    await quizbot.command("alice", "/review")
    assert "today's 20 reviews" in quizbot.last("alice").text
    clock.advance(hours=16)  # past midnight UTC: a new day
    await quizbot.command("alice", "/review")
    assert quizbot.last("alice").message.title == "Review · 1 card due"


async def test_a_card_is_rated_once_per_showing(quizbot: MemoryAdapter) -> None:
    await add(quizbot, "alice", REVEAL_QUESTION)
    await quizbot.command("alice", "/review")
    await quizbot.press("alice", "Show key points")
    easy = button_on(quizbot, "alice", "Easy")
    await quizbot.press("alice", "Good")
    [reply] = await press_stale(quizbot, "alice", easy)
    assert "already rated that card" in reply.text
    count = await quizbot.app.db.fetchval("SELECT COUNT(*) FROM review_log")
    assert count == 1


async def test_someone_elses_card_is_refused(quizbot: MemoryAdapter) -> None:
    await add(quizbot, "alice", REVEAL_QUESTION)
    await quizbot.command("alice", "/review")
    show = quizbot.last("alice").message.buttons[0]
    press = ButtonPress(quizbot.context("bob", "general"), show.action_id)
    [reply] = messages(await quizbot.app.handle(press))
    assert "belongs to someone else" in reply.text
