"""Race mode: `/quiz race` posts multiple-choice questions in the channel, one at a time.

Each member answers a question once (the primary key of `race_answers` is the
rule). The first correct answer wins the points and moves the race on; a
question nobody gets right closes at its deadline (the app is asked for a
tick then). The end posts a results table.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.bank import Question
from bot.commands.general import question_fields
from bot.envelope import Context, Message, escape
from bot.errors import Conflict, NotFound
from bot.quiz.common import (
    answer_text,
    choice_buttons,
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

log = logging.getLogger("studybot.quiz.race")
QUESTION_TIME = timedelta(seconds=60)


def race_question(app: Studybot, race: store.Race) -> Message:
    question = question_of(app, race.current_question_id)
    points = points_for(app.settings, question.difficulty)
    seconds = int(QUESTION_TIME.total_seconds())
    return Message(
        title=f"Race · question {race.position + 1} of {len(race.question_ids)}",
        text=question.prompt,
        fields=question_fields(question),
        buttons=choice_buttons(question, "race-answer", race.id, race.position),
        footer=(
            f"One answer each. The first correct answer wins {plural(points, 'point')}. "
            f"Closes after about {seconds} seconds if nobody gets it."
        ),
        private=False,
        kind="quiz_race",
    )


async def start(app: Studybot, ctx: Context, area: str | None, count: int) -> Message:
    pool = app.bank.select(areas=(area,) if area else (), multiple_choice=True)
    if not pool:
        raise NotFound("No multiple-choice question matches that area. Try another one.")
    now = utc_now(app)

    async def work(tx: Tx) -> store.Race | None:
        channel = await store.channel_row_id(tx, ctx.channel, now, app.settings.default_timezone)
        if await store.active_race(tx, channel) is not None:
            return None
        starter = await member_id(tx, ctx.user, now)
        chosen = [q.id for q in app.rng.sample(pool, min(count, len(pool)))]
        return await store.insert_race(tx, channel, starter, chosen, now + QUESTION_TIME, now)

    race = await app.db.write(work)
    if race is None:
        raise Conflict("A race is already running in this channel. Wait for its results.")
    app.wake_at(race.deadline)
    return race_question(app, race)


@record
class Attempt:
    race: store.Race  # as it was when the answer came in
    question: Question
    correct: bool
    points: int


async def answer(app: Studybot, ctx: Context, parts: list[str]) -> list[Message]:
    race_id, position, choice = int_parts(parts, 3)
    now = utc_now(app)

    async def work(tx: Tx) -> Attempt:
        race = await _open_race(tx, race_id, position, now)
        member = await member_id(tx, ctx.user, now)
        return await _record(app, tx, race, member, choice, now)

    attempt = await app.db.write(work)
    if not attempt.correct:
        return [
            Message(
                text="Not this one, and that was your one answer for this question. "
                "It is in your review queue now; wait for the next question.",
                kind="quiz_race",
            )
        ]
    won = Message(
        text=f"**{escape(ctx.user.display)}** got it first: "
        f"+{plural(attempt.points, 'point')}.\n{answer_text(attempt.question)}",
        private=False,
        kind="quiz_race",
    )
    return [won, await _next_screen(app, attempt.race.id)]


async def _open_race(tx: Tx, race_id: int, position: int, now: datetime) -> store.Race:
    race = await store.get_race(tx, race_id)
    if race is None:
        raise NotFound("That race no longer exists.")
    if race.status != "active":
        raise Conflict("This race is over. The results are in the channel.")
    if position != race.position or now >= race.deadline:
        raise Conflict("That question is closed. Answer the newest one.")
    return race


async def _record(
    app: Studybot, tx: Tx, race: store.Race, member: int, choice: int, now: datetime
) -> Attempt:
    question = question_of(app, race.current_question_id)
    correct = is_correct(question, choice)
    points = points_for(app.settings, question.difficulty) if correct else 0
    attempt = store.RaceAnswer(race.id, race.position, member, choice, correct, points)
    if not await store.insert_race_answer(tx, attempt, now):
        raise Conflict("You already answered this question. One answer per member.")
    if correct:  # the first correct answer: a later one would find the question closed
        ref = f"race:{race.id}:{race.position}"
        entry = store.LedgerEntry(member, race.channel_id, "race", points, question.area, ref)
        await store.add_points(tx, entry, now)
        await store.advance_race(tx, race, now + QUESTION_TIME, now)
    else:
        await add_card(tx, member, question.id, "race", now, missed=True)
    return Attempt(race, question, correct, points)


async def _next_screen(app: Studybot, race_id: int) -> Message:
    race = await store.get_race(app.db, race_id)
    assert race is not None
    if race.status == "active":
        app.wake_at(race.deadline)  # so the question closes on time if nobody gets it
        return race_question(app, race)
    return await results(app, race)


async def results(app: Studybot, race: store.Race) -> Message:
    standings = await store.race_standings(app.db, race.id)
    if not standings:
        text = "Nobody answered. An admin can start another with `/quiz race`."
    else:
        text = "\n".join(
            f"{rank}. **{escape(s.name)}** · {plural(s.points, 'point')} · "
            f"{s.correct} of {s.answered} right"
            for rank, s in enumerate(standings, start=1)
        )
    return Message(title="Race results", text=text, private=False, kind="quiz_race_results")


async def close_overdue(app: Studybot, now: datetime) -> None:
    """Close questions past their deadline and post what comes next."""
    for race in await store.races_past_deadline(app.db, now):

        async def work(tx: Tx, race: store.Race = race) -> bool:
            return await store.advance_race(tx, race, now + QUESTION_TIME, now)

        if not await app.db.write(work):
            continue  # answered correctly meanwhile
        await _post_times_up(app, race)


async def _post_times_up(app: Studybot, race: store.Race) -> None:
    channel = await store.channel_ref(app.db, race.channel_id)
    if channel is None:
        return
    question = question_of(app, race.current_question_id)
    times_up = Message(
        title="Time is up",
        text=f"Nobody got it right.\n{answer_text(question)}",
        private=False,
        kind="quiz_race",
    )
    try:
        await app.post(channel, times_up)
        await app.post(channel, await _next_screen(app, race.id))
    except LookupError:
        log.warning("race %s: no adapter attached for %s", race.id, channel.platform)
