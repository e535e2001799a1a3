"""Quizzes through Slack: private quizzes, flashcards, `/review`, "Add to my review", races."""

from __future__ import annotations

from adapters.slack.render import mrkdwn
from bot.app import Studybot
from bot.bank import Question
from bot.quiz.common import points_for
from tests.slack.chat import SlackChat, label, option, question_on
from tests.slack.driver import user_id
from tests.slack.fake_slack import FakeSlack


def answer_line(question: Question) -> str:
    """How the feedback names the right option (`The answer: **...**`, as mrkdwn)."""
    return mrkdwn(f"The answer: **{question.answer}**")


async def test_a_quiz_is_private_with_a_button_per_option_feedback_and_a_score(
    chat: SlackChat, fake_slack: FakeSlack, app: Studybot
) -> None:
    [first] = await chat.command("alice", "/quiz trees 2")

    assert first.ephemeral and first.title == "Quiz · question 1 of 2"
    assert chat.seen_by("bob") == [] and fake_slack.of("chat.postMessage") == []
    question = question_on(first, app.bank.questions)
    assert sorted(first.labels) == sorted([*map(label, question.choices or ()), "End quiz"])

    wrong, second = await chat.press("alice", option(question, correct=False))
    assert wrong.ephemeral and wrong.title == "Not quite"
    assert wrong.call.args["replace_original"] is True  # in place of the question
    assert wrong.labels == [] and first.call not in [s.call for s in chat.seen_by("alice")]
    assert mrkdwn(question.prompt) in wrong.text
    assert answer_line(question) in wrong.text
    assert question.explanation and mrkdwn(question.explanation) in wrong.text
    assert "Added to your review queue" in wrong.text
    assert second.title == "Quiz · question 2 of 2"
    assert second.call.args["replace_original"] is False  # the next question is a new message

    following = question_on(second, app.bank.questions)
    right, score = await chat.press("alice", option(following, correct=True))
    assert right.title == "Correct!" and answer_line(following) in right.text
    assert score.ephemeral and score.title == "Quiz finished"
    assert "You got *1 of 2* right" in score.text
    assert chat.seen_by("bob") == []


async def test_an_old_option_button_says_the_quiz_moved_on(chat: SlackChat, app: Studybot) -> None:
    [first] = await chat.command("alice", "/quiz trees 2")
    question = question_on(first, app.bank.questions)
    _, stale = chat.find_button("alice", option(question, correct=True))
    await chat.press("alice", option(question, correct=True))

    note, current = await chat.press_button("alice", stale, first.channel)

    assert "You already answered that question" in note.text
    assert current.title == "Quiz · question 2 of 2"


async def test_flashcards_show_key_points_then_four_ratings(chat: SlackChat, app: Studybot) -> None:
    [front] = await chat.command("alice", "/quiz llm mode:flashcards 1")
    assert front.title == "Flashcard · question 1 of 1"
    assert front.labels == ["Show key points", "End quiz"]
    question = question_on(front, app.bank.questions)

    [back] = await chat.press("alice", "Show key points")
    assert back.ephemeral and back.call.args["replace_original"] is True  # the card turned over
    assert chat.seen_by("alice") == [back]
    assert f"• {mrkdwn(question.key_points[0])}" in back.text
    assert back.labels == ["Again", "Hard", "Good", "Easy"]

    rated, summary = await chat.press("alice", "Good")
    assert rated.call.args["replace_original"] is True and rated.labels == []
    assert "Rated *Good*." in rated.text
    assert "You rated 1 card: 1 Good." in summary.text


async def test_review_serves_a_due_card_with_key_points_and_ratings(
    chat: SlackChat, app: Studybot
) -> None:
    [quiz] = await chat.command("alice", "/quiz trees 1")
    missed = question_on(quiz, app.bank.questions)
    await chat.press("alice", option(missed, correct=False))

    [front] = await chat.command("alice", "/review")
    assert front.ephemeral and front.title == "Review · 1 card due"
    assert question_on(front, app.bank.questions) == missed

    [back] = await chat.press("alice", "Show key points")
    assert f"• {mrkdwn(missed.key_points[0])}" in back.text
    assert back.labels == ["Again", "Hard", "Good", "Easy"]
    replies = await chat.press("alice", "Good")
    assert any("next review in 2 days" in shown.text for shown in replies)


async def test_add_to_my_review_on_a_daily_reveal(
    chat: SlackChat, fake_slack: FakeSlack, app: Studybot
) -> None:
    fake_slack.admins.add(user_id("admin"))
    await chat.command("admin", "/studybot setup time:09:00 timezone:UTC")
    await chat.command("admin", "/studybot post-now")
    await chat.command("alice", "/answer Regularise, then validate")
    await chat.command("admin", "/studybot reveal-now")
    reveal = fake_slack.of("chat.postMessage")[-1]
    assert reveal.args["thread_ts"] == fake_slack.of("chat.postMessage")[0].result["ts"]
    assert "reply_broadcast" not in reveal.args  # the channel is not flooded with answers

    [added] = await chat.press("bob", "Add to my review")
    assert added.ephemeral and "Added to your review queue" in added.text
    [again] = await chat.press("bob", "Add to my review")
    assert "already in your review queue" in again.text

    [front] = await chat.command("bob", "/review")
    daily = question_on(front, app.bank.questions)
    assert mrkdwn(daily.prompt) in chat.seen_by("bob")[0].text  # the daily post's question


async def test_a_race_is_public_one_answer_each_and_the_first_correct_answer_scores(
    chat: SlackChat, fake_slack: FakeSlack, app: Studybot
) -> None:
    fake_slack.admins.add(user_id("ann"))
    await chat.command("ann", "/quiz race trees 2")
    [post] = fake_slack.posts_in("C0GENERAL")
    race = chat.seen_by("bob")[-1]
    assert race.call is post and race.title == "Race · question 1 of 2"
    question = question_on(race, app.bank.questions)

    [wrong] = await chat.press("bob", option(question, correct=False))
    assert wrong.ephemeral and "Not this one" in wrong.text
    [refused] = await chat.press("bob", option(question, correct=True))
    assert refused.ephemeral
    assert "You already answered this question. One answer per member." in refused.text
    assert len(fake_slack.posts_in("C0GENERAL")) == 1  # nothing public for bob's tries

    won, following = await chat.press("carol", option(question, correct=True))
    assert not won.ephemeral and not following.ephemeral
    assert won.call.args["channel"] == "C0GENERAL"
    assert "*carol* got it first" in won.text and answer_line(question) in won.text
    assert following.title == "Race · question 2 of 2"
    assert won.call in [shown.call for shown in chat.seen_by("bob")]  # everyone sees it
    points = points_for(app.settings, question.difficulty)
    assert await race_points(app) == [(user_id("carol"), points)]  # bob's tries scored nothing


async def race_points(app: Studybot) -> list[tuple[str, int]]:
    rows = await app.db.fetchall(
        "SELECT m.native_id, l.points FROM ledger l JOIN members m ON m.id = l.member_id "
        "WHERE l.kind = 'race' ORDER BY l.id"
    )
    return [(str(row[0]), int(row[1])) for row in rows]
