"""Flashcard sessions (`/quiz mode:flashcards`): open questions, rated by the member.

The prompt comes with "Show key points"; the key points come with Again /
Hard / Good / Easy. Again and Hard put the question in the review queue.
Self-ratings earn no points: nobody checks them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.envelope import Context, Message
from bot.errors import Conflict
from bot.quiz import screens
from bot.quiz.common import int_parts, question_of, utc_now
from bot.quiz.review import add_card
from bot.quiz.sessions import after_answer, moved_on, owned_session
from bot.storage import quiz as store
from bot.storage.db import Tx

if TYPE_CHECKING:
    from bot.app import Studybot

GOOD = 3  # ratings below Good mean the member did not really know it


async def show_key_points(app: Studybot, ctx: Context, parts: list[str]) -> list[Message]:
    session_id, position = int_parts(parts, 2)
    now = utc_now(app)

    async def work(tx: Tx) -> store.Session:
        session = await owned_session(tx, ctx, session_id, now)
        if position == session.position:
            await store.touch_session(tx, session.id, now)
        return session

    session = await app.db.write(work)
    if position != session.position:
        return moved_on(app, session)
    return [screens.flashcard_back(session, question_of(app, session.current_question_id))]


async def rate(app: Studybot, ctx: Context, parts: list[str]) -> list[Message]:
    session_id, position, rating = int_parts(parts, 3)
    if rating not in screens.RATING_NAMES:
        raise Conflict("That rating does not exist. Press one of the four buttons.")
    now = utc_now(app)

    async def work(tx: Tx) -> tuple[store.Session, store.Session | None]:
        """(the session as the press found it, moved on by it; None: it had moved already)."""
        session = await owned_session(tx, ctx, session_id, now)
        if position != session.position:
            return session, None
        question = question_of(app, session.current_question_id)
        known = rating >= GOOD
        answer = store.QuizAnswer.of(session, question, correct=known, rating=rating)
        await store.insert_quiz_answer(tx, answer, now)
        if not known:
            await add_card(tx, session.member_id, question.id, "flashcard", now, missed=True)
        return session, await store.advance_session(tx, session, now)

    before, after = await app.db.write(work)
    if after is None:
        return moved_on(app, before)
    name = screens.RATING_NAMES[rating]
    note = " Added to your review queue." if rating < GOOD else ""
    back = screens.flashcard_back(before, question_of(app, before.current_question_id))
    return [
        screens.rated(back, f"Rated **{name}**.{note}"),
        await after_answer(app, after),
    ]
