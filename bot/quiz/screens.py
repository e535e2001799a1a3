"""The messages a private quiz shows: questions, flashcards, the final score."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.bank import Question
from bot.commands.general import card_back_text, question_fields
from bot.envelope import Button, ButtonStyle, Field, Message
from bot.quiz.common import choice_buttons, plural, points_for, question_of
from bot.registry import action_id
from bot.storage import quiz as store

if TYPE_CHECKING:
    from bot.app import Studybot

FLASHCARD_RATINGS: tuple[tuple[str, int, ButtonStyle], ...] = (
    ("Again", 1, "danger"),
    ("Hard", 2, "secondary"),
    ("Good", 3, "success"),
    ("Easy", 4, "primary"),
)
RATING_NAMES = {value: name for name, value, _ in FLASHCARD_RATINGS}


def _progress(session: store.Session) -> str:
    return f"question {session.position + 1} of {len(session.question_ids)}"


def end_button(session: store.Session) -> Button:
    return Button("End quiz", action_id("quiz-end", session.id), "danger")


def choice_question(app: Studybot, session: store.Session, question: Question) -> Message:
    points = points_for(app.settings, question.difficulty)
    return Message(
        title=f"Quiz · {_progress(session)}",
        text=question.prompt,
        fields=question_fields(question),
        buttons=(
            *choice_buttons(question, "quiz-answer", session.id, session.position),
            end_button(session),
        ),
        footer=f"A correct first answer earns {plural(points, 'point')}.",
        kind="quiz",
    )


def flashcard_front(session: store.Session, question: Question) -> Message:
    return Message(
        title=f"Flashcard · {_progress(session)}",
        text=question.prompt,
        fields=question_fields(question),
        buttons=(
            Button(
                "Show key points", action_id("quiz-show", session.id, session.position), "primary"
            ),
            end_button(session),
        ),
        footer="Answer in your head first, then check the key points.",
        kind="quiz",
    )


def flashcard_back(session: store.Session, question: Question) -> Message:
    """The card turned over, in place of its front: the prompt, its key points, the ratings."""
    return Message(
        title=f"Flashcard · {_progress(session)}",
        text=card_back_text(question),
        fields=question_fields(question),
        buttons=tuple(
            Button(name, action_id("quiz-rate", session.id, session.position, value), style)
            for name, value, style in FLASHCARD_RATINGS
        ),
        footer="How well did you know it? Again and Hard go to your review queue.",
        kind="quiz",
        replaces_pressed=True,
    )


def rated(back: Message, line: str) -> Message:
    """A card once rated: its back with the rating instead of the buttons, in place."""
    return replace(back, text=f"{back.text}\n\n{line}", buttons=(), footer="", kind="quiz_feedback")


def current(app: Studybot, session: store.Session) -> Message:
    question = question_of(app, session.current_question_id)
    if session.mode == "flashcards":
        return flashcard_front(session, question)
    return choice_question(app, session, question)


def busy(session: store.Session) -> Message:
    what = "flashcard session" if session.mode == "flashcards" else "quiz"
    return Message(
        text=f"You already have a {what} going ({_progress(session)}). "
        "Continue it, or end it to start a new one.",
        buttons=(
            Button("Continue", action_id("quiz-resume", session.id), "primary"),
            end_button(session),
        ),
        kind="quiz",
    )


def summary(session: store.Session, answers: list[store.QuizAnswer], headline: str) -> Message:
    """The score and the areas to work on."""
    if not answers:
        score = "No questions answered."
    elif session.mode == "flashcards":
        score = _flashcard_score(answers)
    else:
        right = sum(a.correct for a in answers)
        points = sum(a.points for a in answers)
        score = (
            f"You got **{right} of {len(answers)}** right and earned **{plural(points, 'point')}**."
        )
    missed = sum(not a.correct for a in answers)
    footer = (
        f"{plural(missed, 'question')} went to your review queue: `/review` brings them back."
        if missed
        else "Start another with `/quiz`."
    )
    return Message(
        title=headline,
        text=score,
        fields=_areas_to_work_on(answers),
        footer=footer,
        kind="quiz_summary",
    )


def _flashcard_score(answers: list[store.QuizAnswer]) -> str:
    counts: dict[int, int] = defaultdict(int)
    for answer in answers:
        counts[answer.rating or 0] += 1
    parts = [f"{counts[value]} {name}" for name, value, _ in FLASHCARD_RATINGS if counts[value]]
    rated = ", ".join(parts) if parts else "none yet"
    return f"You rated {plural(len(answers), 'card')}: {rated}."


def _areas_to_work_on(answers: list[store.QuizAnswer]) -> tuple[Field, ...]:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # area -> [missed, total]
    for answer in answers:
        tally[answer.area][1] += 1
        tally[answer.area][0] += not answer.correct
    weak = sorted(
        (area for area, (missed, _) in tally.items() if missed),
        key=lambda area: (-tally[area][0] / tally[area][1], area),
    )
    if not weak:
        if not answers:
            return ()
        return (
            Field(
                "Areas to work on",
                "None this time. Try a harder level: `/quiz hard`.",
                inline=False,
            ),
        )
    lines = [
        f"- {area}: missed {tally[area][0]} of {tally[area][1]}, try `/quiz {area}`"
        for area in weak
    ]
    return (Field("Areas to work on", "\n".join(lines), inline=False),)
