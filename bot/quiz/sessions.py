"""Private quiz sessions: one question at a time, feedback at once, a score at the end.

A session fixes its questions at the start and keeps its place (`position`)
in the database; every button carries the session id and the position it was
shown for, so buttons work after a restart and an old one is recognised.
One active session per member; ten idle minutes end it.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import TYPE_CHECKING

from bot.bank import Question
from bot.commands.general import question_fields
from bot.envelope import Context, Message
from bot.errors import Conflict, NotFound
from bot.quiz import screens
from bot.quiz.common import (
    IDLE_TIMEOUT,
    answer_text,
    int_parts,
    is_correct,
    plural,
    points_for,
    question_of,
    utc_now,
)
from bot.quiz.review import add_card
from bot.record import record
from bot.storage import quiz as store
from bot.storage.common import member_id
from bot.storage.db import Tx

if TYPE_CHECKING:
    from bot.app import Studybot

MODES = ("choices", "flashcards")
ENDED = {
    "finished": "That quiz is over. Start a new one with `/quiz`.",
    "ended": "You ended that quiz. Start a new one with `/quiz`.",
    "expired": (
        f"That quiz ended after {int(IDLE_TIMEOUT.total_seconds() // 60)} minutes without an "
        "answer. Start a new one with `/quiz`."
    ),
}


@record
class QuizRequest:
    area: str | None
    difficulty: str | None
    count: int
    mode: str  # choices, flashcards


def is_idle(session: store.Session, now: datetime) -> bool:
    return now - session.last_active_at >= IDLE_TIMEOUT


async def live_session(tx: Tx, member: int, now: datetime) -> store.Session | None:
    """The member's active session, ending it first if it sat idle too long."""
    session = await store.active_session(tx, member)
    if session is not None and is_idle(session, now):
        await store.end_session(tx, session.id, "expired", now)
        return None
    return session


def choose_questions(
    rng: random.Random, pool: list[Question], seen: set[str], count: int
) -> list[str]:
    """Questions the member has not met yet come first, in random order."""
    fresh = [question.id for question in pool if question.id not in seen]
    chosen = rng.sample(fresh, min(count, len(fresh)))
    if len(chosen) < count:
        met = [question.id for question in pool if question.id in seen]
        chosen += rng.sample(met, min(count - len(chosen), len(met)))
    return chosen


def _pool(app: Studybot, request: QuizRequest) -> list[Question]:
    pool = app.bank.select(
        areas=(request.area,) if request.area else (),
        difficulty=request.difficulty or "",
        multiple_choice=request.mode == "choices",
    )
    if not pool:
        kind = "multiple-choice" if request.mode == "choices" else "open"
        raise NotFound(f"No {kind} question matches those filters. Try another area or level.")
    return pool


async def start(app: Studybot, ctx: Context, request: QuizRequest) -> list[Message]:
    pool = _pool(app, request)
    now = utc_now(app)

    async def work(tx: Tx) -> tuple[store.Session, bool]:
        member = await member_id(tx, ctx.user, now)
        current = await live_session(tx, member, now)
        if current is not None:
            return current, False
        seen = await store.answered_question_ids(tx, member)
        chosen = choose_questions(app.rng, pool, seen, request.count)
        channel = await store.channel_row_id(tx, ctx.channel, now, app.settings.default_timezone)
        session = await store.insert_session(tx, member, channel, request.mode, chosen, now)
        return session, True

    session, created = await app.db.write(work)
    if not created:
        return [screens.busy(session)]
    replies = [screens.current(app, session)]
    if len(session.question_ids) < request.count:
        note = f"Only {plural(len(session.question_ids), 'question')} match those filters."
        replies.insert(0, Message(text=note, kind="quiz"))
    return replies


async def owned_session(tx: Tx, ctx: Context, session_id: int, now: datetime) -> store.Session:
    """The presser's own active session, or a clear message why the button is stale."""
    session = await store.get_session(tx, session_id)
    if session is None:
        raise NotFound("That quiz no longer exists. Start a new one with `/quiz`.")
    if session.member_id != await member_id(tx, ctx.user, now):
        raise Conflict("That quiz belongs to someone else. Start your own with `/quiz`.")
    if session.status == "active" and is_idle(session, now):
        raise Conflict(ENDED["expired"])  # the tick records the expiry
    if session.status != "active":
        raise Conflict(ENDED.get(session.status, ENDED["finished"]))
    return session


def moved_on(app: Studybot, session: store.Session) -> list[Message]:
    """An older question's button: say so and show where the quiz is now."""
    note = Message(text="You already answered that question. Here is where you are.", kind="quiz")
    return [note, screens.current(app, session)]


@record
class Answered:
    session: store.Session  # as it was when the answer came in
    after: store.Session  # moved on to the next question, or finished
    question: Question
    choice: int  # the option pressed, by its index in the bank
    correct: bool
    points: int
    first_try: bool


async def answer(app: Studybot, ctx: Context, parts: list[str]) -> list[Message]:
    """A multiple-choice option pressed: feedback, then the next question or the score."""
    session_id, position, choice = int_parts(parts, 3)
    now = utc_now(app)

    async def work(tx: Tx) -> Answered | store.Session:
        session = await owned_session(tx, ctx, session_id, now)
        if position != session.position:
            return session
        return await _record_answer(app, tx, session, choice, now)

    outcome = await app.db.write(work)
    if isinstance(outcome, store.Session):
        return moved_on(app, outcome)
    return [_feedback(outcome), await after_answer(app, outcome.after)]


async def _record_answer(
    app: Studybot, tx: Tx, session: store.Session, choice: int, now: datetime
) -> Answered:
    """The answer, its points and its review card, all in the caller's transaction."""
    question = question_of(app, session.current_question_id)
    correct = is_correct(question, choice)
    first_try = not await store.answered_before(tx, session.member_id, question.id)
    points = points_for(app.settings, question.difficulty) if correct and first_try else 0
    ref = f"quiz:{session.id}:{session.position}"
    await store.insert_quiz_answer(
        tx,
        store.QuizAnswer.of(session, question, correct=correct, choice=choice, points=points),
        now,
    )
    if points:
        entry = store.LedgerEntry(
            session.member_id, session.channel_id, "quiz", points, question.area, ref
        )
        await store.add_points(tx, entry, now)
    if not correct:
        await add_card(tx, session.member_id, question.id, "quiz", now, missed=True)
    after = await store.advance_session(tx, session, now)
    return Answered(session, after, question, choice, correct, points, first_try)


def _feedback(outcome: Answered) -> Message:
    """The question, answered: it takes the place of the question with its options."""
    question = outcome.question
    if outcome.correct:
        title = "Correct!"
        verdict = answer_text(question)
        if not outcome.first_try:
            footer = "No points this time: you answered this question in an earlier quiz."
        else:
            footer = f"+{plural(outcome.points, 'point')}." if outcome.points else ""
    else:
        title = "Not quite"
        chosen = (question.choices or ())[outcome.choice]
        verdict = f"Your answer: {chosen}\n{answer_text(question)}"
        footer = "Added to your review queue."
    return Message(
        title=title,
        text=f"{question.prompt}\n\n{verdict}",
        fields=question_fields(question),
        footer=footer,
        kind="quiz_feedback",
        replaces_pressed=True,
    )


async def after_answer(app: Studybot, session: store.Session) -> Message:
    """The next question, or the score once the last one is answered."""
    if session.status == "active":
        return screens.current(app, session)
    answers = await store.session_answers(app.db, session.id)
    return screens.summary(session, answers, "Quiz finished")


async def end(app: Studybot, ctx: Context, parts: list[str]) -> Message:
    (session_id,) = int_parts(parts, 1)
    now = utc_now(app)

    async def work(tx: Tx) -> store.Session:
        session = await owned_session(tx, ctx, session_id, now)
        await store.end_session(tx, session.id, "ended", now)
        return session

    session = await app.db.write(work)
    answers = await store.session_answers(app.db, session.id)
    return screens.summary(session, answers, "Quiz ended")


async def resume(app: Studybot, ctx: Context, parts: list[str]) -> Message:
    (session_id,) = int_parts(parts, 1)
    now = utc_now(app)

    async def work(tx: Tx) -> store.Session:
        session = await owned_session(tx, ctx, session_id, now)
        await store.touch_session(tx, session.id, now)
        return session

    return screens.current(app, await app.db.write(work))


async def expire_idle(app: Studybot, now: datetime) -> int:
    """End sessions idle for too long (their buttons then say so)."""

    async def work(tx: Tx) -> int:
        return await store.expire_idle_sessions(tx, now - IDLE_TIMEOUT, now)

    return await app.db.write(work)
