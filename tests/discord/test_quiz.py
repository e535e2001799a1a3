"""Quizzes, flashcards, reviews and races through discord.py, as Discord sends them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.app import Studybot
from bot.bank import Question
from bot.clock import FakeClock
from tests.discord import payloads
from tests.discord.conftest import Discord
from tests.discord.fake_discord import CHANNEL_ID, FakeDiscord
from tests.discord.test_daily_cycle import SETUP, answer_in_modal

EPHEMERAL = 1 << 6


def text_of(message: dict[str, Any]) -> str:
    """Everything a member reads in a message: content, embeds, their fields and footers."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(part for part in parts if part)


def is_private(message: dict[str, Any]) -> bool:
    return bool(message.get("flags", 0) & EPHEMERAL)


def question_on(app: Studybot, message: dict[str, Any]) -> Question:
    shown = message["embeds"][0].get("description", "")
    for question in app.bank.questions:
        if question.prompt == shown:
            return question
    raise AssertionError(f"no bank question in {text_of(message)!r}")


def option_id(app: Studybot, message: dict[str, Any], *, correct: bool) -> str:
    """The custom_id of a right (or wrong) option: its last part is the option's index."""
    question = question_on(app, message)
    choices = question.choices or ()
    for button in payloads.buttons_of(message):
        last = button["custom_id"].rsplit(":", 1)[-1]
        is_option = last.isdigit() and int(last) < len(choices)
        if is_option and (choices[int(last)] == question.answer) == correct:
            return str(button["custom_id"])
    raise AssertionError("no such option")


def update_type(fake: FakeDiscord, click: dict[str, Any]) -> int:
    """The type of the bot's first response to `click` (4: a new message, 7: an edit)."""
    path = rf"/api/v10/interactions/{click['id']}/{click['token']}/callback"
    [response] = fake.matching("POST", path)
    return int(response.body["type"])


async def test_a_quiz_is_private_with_a_button_per_option_feedback_and_a_score(
    app: Studybot, driver: Discord, fake: FakeDiscord
) -> None:
    [first] = await driver.replies(
        payloads.slash("quiz start", payloads.option("area", "trees"), payloads.option("count", 2))
    )
    assert is_private(first)
    assert first["embeds"][0]["title"] == "Quiz · question 1 of 2"
    question = question_on(app, first)
    *options, end = [b["label"] for b in payloads.buttons_of(first)]
    assert sorted(options) == sorted(question.choices or ())  # a button per option, shuffled
    assert end == "End quiz"

    click = payloads.click(first, option_id(app, first, correct=False))
    feedback, second = await driver.replies(click, count=2)
    assert update_type(fake, click) == 7  # UPDATE_MESSAGE: the question became its answer
    assert feedback["id"] == first["id"] and payloads.buttons_of(feedback) == []
    assert question.prompt in text_of(feedback)
    assert is_private(feedback) and is_private(second)
    assert feedback["embeds"][0]["title"] == "Not quite"
    assert f"The answer: **{question.answer}**" in text_of(feedback)
    assert question.explanation.split("\n")[0] in text_of(feedback)
    assert second["embeds"][0]["title"] == "Quiz · question 2 of 2"

    right, score = await driver.replies(
        payloads.click(second, option_id(app, second, correct=True)), count=2
    )
    assert right["embeds"][0]["title"] == "Correct!"
    assert score["embeds"][0]["title"] == "Quiz finished"
    assert "You got **1 of 2** right" in text_of(score)
    assert "Areas to work on: - trees: missed 1 of 2" in text_of(score)


async def test_flashcards_show_key_points_then_four_ratings(app: Studybot, driver: Discord) -> None:
    [front] = await driver.replies(
        payloads.slash(
            "quiz start", payloads.option("count", 1), payloads.option("mode", "flashcards")
        )
    )
    assert is_private(front) and front["embeds"][0]["title"] == "Flashcard · question 1 of 1"
    question = question_on(app, front)
    show = payloads.custom_id_of(front, "Show key points")
    [back] = await driver.replies(payloads.click(front, show))
    assert back["id"] == front["id"] and is_private(back)  # the card turned over, in place
    assert question.prompt in text_of(back) and question.key_points[0] in text_of(back)
    assert [b["label"] for b in payloads.buttons_of(back)] == ["Again", "Hard", "Good", "Easy"]
    rated, summary = await driver.replies(
        payloads.click(back, payloads.custom_id_of(back, "Hard")), count=2
    )
    assert rated["id"] == front["id"] and payloads.buttons_of(rated) == []
    assert "Rated **Hard**. Added to your review queue." in text_of(rated)
    assert "You rated 1 card: 1 Hard." in text_of(summary)


async def test_a_due_review_shows_the_prompt_then_key_points_and_ratings(
    app: Studybot, driver: Discord
) -> None:
    [first] = await driver.replies(
        payloads.slash("quiz start", payloads.option("area", "trees"), payloads.option("count", 1))
    )
    missed = question_on(app, first)
    await driver.replies(payloads.click(first, option_id(app, first, correct=False)), count=2)

    [front] = await driver.replies(payloads.slash("review"))
    assert is_private(front)
    assert front["embeds"][0]["title"] == "Review · 1 card due"
    assert question_on(app, front) == missed
    [back] = await driver.replies(
        payloads.click(front, payloads.custom_id_of(front, "Show key points"))
    )
    assert missed.key_points[0] in text_of(back)
    assert [b["label"] for b in payloads.buttons_of(back)] == ["Again", "Hard", "Good", "Easy"]
    rated, after = await driver.replies(
        payloads.click(back, payloads.custom_id_of(back, "Good")), count=2
    )
    assert "**Good**: next review" in text_of(rated)
    assert "Nothing is due right now" in text_of(after)


async def test_add_to_my_review_on_a_daily_reveal(
    app: Studybot, clock: FakeClock, driver: Discord, fake: FakeDiscord
) -> None:
    clock.set(datetime(2026, 1, 6, 8, 0, tzinfo=UTC))
    opened = await driver.interact(payloads.slash("studybot setup", user_name="carol", admin=True))
    setup_id = opened.body["data"]["custom_id"]
    await driver.interact(payloads.submit(setup_id, SETUP, user_name="carol", admin=True))
    clock.set(datetime(2026, 1, 6, 9, 0, tzinfo=UTC))
    await app.tick()
    [daily_post] = fake.channel_messages(CHANNEL_ID)
    await answer_in_modal(driver, daily_post, "bob", "A holdout set")
    clock.set(datetime(2026, 1, 6, 21, 0, tzinfo=UTC))
    await app.tick()

    reveal = fake.channel_messages(daily_post["id"])
    [with_button] = [m for m in reveal if "Add to my review" in str(payloads.buttons_of(m))]
    add = payloads.custom_id_of(with_button, "Add to my review")
    thread = fake.threads[daily_post["id"]]
    [added] = await driver.replies(payloads.click(with_button, add, where=thread))
    assert is_private(added) and "Added to your review queue" in text_of(added)
    [again] = await driver.replies(payloads.click(with_button, add, where=thread))
    assert "already in your review queue" in text_of(again)

    clock.set(datetime(2026, 1, 7, 9, 0, tzinfo=UTC))
    [front] = await driver.replies(payloads.slash("review"))
    assert front["embeds"][0]["description"] == daily_post["embeds"][0]["description"]


async def test_a_race_is_public_one_answer_each_and_the_first_correct_answer_scores(
    app: Studybot, driver: Discord
) -> None:
    refused = await driver.replies(payloads.slash("quiz race", user_name="bob"))
    assert "for admins" in text_of(refused[0])
    [question] = await driver.replies(
        payloads.slash(
            "quiz race",
            payloads.option("area", "trees"),
            payloads.option("count", 2),
            user_name="carol",
            admin=True,
        )
    )
    assert not is_private(question)
    assert question["embeds"][0]["title"] == "Race · question 1 of 2"

    [wrong] = await driver.replies(
        payloads.click(question, option_id(app, question, correct=False), user_name="bob")
    )
    assert is_private(wrong) and "Not this one" in text_of(wrong)
    [second_try] = await driver.replies(
        payloads.click(question, option_id(app, question, correct=True), user_name="bob")
    )
    assert is_private(second_try)
    assert "You already answered this question. One answer per member." in text_of(second_try)

    won, following = await driver.replies(
        payloads.click(question, option_id(app, question, correct=True), user_name="alice"),
        count=2,
    )
    assert not is_private(won) and not is_private(following)
    assert "**Alice** got it first" in text_of(won)
    assert following["embeds"][0]["title"] == "Race · question 2 of 2"
    [late] = await driver.replies(
        payloads.click(question, option_id(app, question, correct=True), user_name="carol")
    )
    assert is_private(late) and "That question is closed" in text_of(late)
