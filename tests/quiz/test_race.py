"""Race mode: public questions, one answer per member, first correct answer scores."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.console.memory import MemoryAdapter
from bot.clock import FakeClock
from tests.quiz.helpers import ledger, right_option, shown_question, wrong_option


async def test_only_admins_start_a_race(quizbot: MemoryAdapter) -> None:
    await quizbot.command("bob", "/quiz race trees 2")
    assert "for admins" in quizbot.last("bob").text
    assert quizbot.public() == []


async def test_each_member_answers_once_and_the_first_correct_answer_scores(
    quizbot: MemoryAdapter,
) -> None:
    await quizbot.command("ann", "/quiz race trees 2", admin=True)
    post = quizbot.public()[-1]
    assert post.message.title == "Race · question 1 of 2"
    question = shown_question(quizbot, "bob", public=True)

    await quizbot.press("bob", wrong_option(question))
    assert "Not this one" in quizbot.inbox("bob")[-1].text
    await quizbot.press("bob", right_option(question))
    assert "already answered this question" in quizbot.inbox("bob")[-1].text

    await quizbot.press("carol", right_option(question))
    won, following = quizbot.public()[-2:]
    assert "**carol** got it first" in won.text and f"**{right_option(question)}**" in won.text
    assert following.message.title == "Race · question 2 of 2"
    assert await ledger(quizbot, "bob") == []
    assert [(kind, area) for kind, _, area in await ledger(quizbot, "carol")] == [("race", "trees")]

    await quizbot.press("dave", right_option(question))  # the closed question's button
    assert "That question is closed" in quizbot.inbox("dave")[-1].text
    assert len(await ledger(quizbot, "dave")) == 0


async def test_an_unanswered_question_closes_at_its_deadline_and_results_follow(
    quizbot: MemoryAdapter, clock: FakeClock
) -> None:
    await quizbot.command("ann", "/quiz race statistics 1", admin=True)
    question = shown_question(quizbot, "bob", public=True)
    await quizbot.press("bob", wrong_option(question))
    await quizbot.press("carol", wrong_option(question, 1))
    clock.advance(seconds=59)
    await quizbot.app.tick()
    assert quizbot.public()[-1].message.title == "Race · question 1 of 1"
    clock.advance(seconds=1)
    await quizbot.app.tick()
    times_up, results = quizbot.public()[-2:]
    assert times_up.message.title == "Time is up" and right_option(question) in times_up.text
    assert results.message.title == "Race results"
    assert "1. **bob** · 0 points · 0 of 1 right" in results.text
    assert "carol" in results.text
    await quizbot.press("bob", right_option(question))
    assert "This race is over" in quizbot.inbox("bob")[-1].text


async def test_each_question_asks_for_a_tick_at_its_deadline(
    quizbot: MemoryAdapter, clock: FakeClock
) -> None:
    wakes: list[datetime] = []
    quizbot.app.wake_listeners.append(wakes.append)
    started = clock.now()
    await quizbot.command("ann", "/quiz race trees 2", admin=True)
    assert wakes == [started + timedelta(seconds=60)]
    clock.advance(seconds=10)
    await quizbot.press("bob", right_option(shown_question(quizbot, "bob", public=True)))
    assert wakes[-1] == clock.now() + timedelta(seconds=60)  # question 2 opened just now
    clock.advance(seconds=60)
    await quizbot.app.tick()  # question 2 times out: the results need no wake-up
    assert len(wakes) == 2


async def test_results_rank_by_points(quizbot: MemoryAdapter) -> None:
    await quizbot.command("ann", "/quiz race trees 2", admin=True)
    await quizbot.press("bob", wrong_option(shown_question(quizbot, "bob", public=True)))
    await quizbot.press("carol", right_option(shown_question(quizbot, "carol", public=True)))
    await quizbot.press("carol", right_option(shown_question(quizbot, "carol", public=True)))
    results = quizbot.public()[-1]
    assert results.message.title == "Race results"
    lines = results.message.text.splitlines()
    assert lines[0].startswith("1. **carol**") and "2 of 2 right" in lines[0]
    assert lines[1].startswith("2. **bob** · 0 points")


async def test_one_race_per_channel_at_a_time(quizbot: MemoryAdapter) -> None:
    await quizbot.command("ann", "/quiz race 3", admin=True)
    await quizbot.command("ann", "/quiz race 3", admin=True)
    assert "already running in this channel" in quizbot.inbox("ann")[-1].text
    await quizbot.command("ann", "/quiz race 3", channel="ml", admin=True)
    assert quizbot.public("ml")[-1].message.title == "Race · question 1 of 3"
