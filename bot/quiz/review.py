"""Each member's spaced-review queue, scheduled by the `fsrs` library.

One card per (member, question). A card is added when a member misses a quiz
question, rates a flashcard Again or Hard, or presses "Add to my review".
`/review` serves due cards (at most the daily cap per local day): the prompt,
then the key points, then the four ratings, and FSRS schedules the next due
date. There are no minute-level learning steps: in a chat a card comes back
after days, never after one minute.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State

from bot.bank import Question
from bot.commands.general import card_back_text, question_fields
from bot.envelope import Button, ButtonStyle, Context, Message, UserRef
from bot.errors import Conflict, NotFound
from bot.quiz.common import (
    answer_text,
    describe_when,
    int_parts,
    local_zone,
    member_row,
    plural,
    question_of,
    review_daily_cap,
    review_retention,
    utc_now,
)
from bot.registry import Args, action_id
from bot.storage import quiz as store
from bot.storage.common import member_id
from bot.storage.db import Tx

if TYPE_CHECKING:
    from bot.app import Studybot

RATINGS: tuple[tuple[Rating, str, ButtonStyle], ...] = (
    (Rating.Again, "Again", "danger"),
    (Rating.Hard, "Hard", "secondary"),
    (Rating.Good, "Good", "success"),
    (Rating.Easy, "Easy", "primary"),
)
ENABLE_FUZZING = True  # spreads cards reviewed together over nearby days
_DUE_SCAN = 50  # due cards looked at to skip ones whose question left the bank


def scheduler(app: Studybot) -> Scheduler:
    return Scheduler(
        desired_retention=review_retention(app.settings),
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=ENABLE_FUZZING,
    )


def schedule(app: Studybot, row: store.CardRow, rating: Rating, now: datetime) -> store.CardRow:
    """The card as FSRS schedules it after this rating."""
    card = Card(
        card_id=row.id,
        state=State(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
    )
    reviewed, _ = scheduler(app).review_card(card, rating, review_datetime=now)
    return replace(
        row,
        state=int(reviewed.state),
        step=reviewed.step,
        stability=reviewed.stability,
        difficulty=reviewed.difficulty,
        due=reviewed.due,
        last_review=reviewed.last_review,
    )


async def add_card(
    tx: Tx, member: int, question_id: str, source: str, now: datetime, *, missed: bool
) -> bool:
    """Put a question in the member's queue; True if the card is new.

    A card already in the queue keeps its history; a miss makes it due now.
    """
    if await store.insert_card(tx, member, question_id, int(State.Learning), source, now):
        return True
    if missed:
        await store.bring_forward(tx, member, question_id, now)
    return False


async def add_to_review(app: Studybot, user: UserRef, question_id: str) -> Message:
    """The "Add to my review" button (verb `review-add`), e.g. on a daily reveal."""
    question_of(app, question_id)
    now = utc_now(app)

    async def work(tx: Tx) -> tuple[bool, store.CardRow | None]:
        member = await member_id(tx, user, now)
        added = await add_card(tx, member, question_id, "reveal", now, missed=False)
        return added, await store.find_card(tx, member, question_id)

    added, card = await app.db.write(work)
    if added or card is None:
        return Message(
            text="Added to your review queue. `/review` brings it back when it is due.",
            kind="review",
        )
    zone = await _member_zone(app, card.member_id)
    return Message(
        text="That question is already in your review queue, due "
        f"{describe_when(card.due, now, zone)}.",
        kind="review",
    )


async def _member_zone(app: Studybot, member: int) -> ZoneInfo:
    return local_zone(await store.member_timezone(app.db, member), app.settings)


async def start_of_local_day(app: Studybot, member: int, now: datetime) -> datetime:
    zone = await _member_zone(app, member)
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(now.tzinfo)


async def review_command(app: Studybot, ctx: Context, args: Args) -> Message:
    now = utc_now(app)
    member = await member_row(app, ctx.user, now)
    return await next_review(app, member, now)


async def next_review(app: Studybot, member: int, now: datetime) -> Message:
    """The next due card, or why there is none (daily cap, nothing due, empty queue)."""
    cap = review_daily_cap(app.settings)
    done = await store.reviews_since(app.db, member, await start_of_local_day(app, member, now))
    due = await store.count_due(app.db, member, now)
    if done >= cap:
        return _cap_reached(cap, due)
    found = await _first_due_in_bank(app, member, now)
    if found is None:
        return await _nothing_due(app, member, now)
    card, question = found
    return Message(
        title=f"Review · {plural(due, 'card')} due",
        text=question.prompt,
        fields=question_fields(question),
        buttons=(
            Button("Show key points", action_id("review-show", card.id, card.reps), "primary"),
        ),
        footer=f"{done} of {cap} reviews done today. Recall your answer, then check it.",
        kind="review",
    )


async def _first_due_in_bank(
    app: Studybot, member: int, now: datetime
) -> tuple[store.CardRow, Question] | None:
    for card in await store.due_cards(app.db, member, now, _DUE_SCAN):
        question = app.bank.get(card.question_id)
        if question is not None:
            return card, question
    return None


def _cap_reached(cap: int, due: int) -> Message:
    waiting = f" {plural(due, 'card')} still due will wait until tomorrow." if due else ""
    return Message(
        text=f"You have done today's {cap} reviews. Well done!{waiting}",
        kind="review",
    )


async def _nothing_due(app: Studybot, member: int, now: datetime) -> Message:
    upcoming = await store.earliest_due_after(app.db, member, now)
    if upcoming is None:
        return Message(
            text=(
                "Your review queue is empty. Questions you miss in `/quiz`, flashcards you "
                "rate Again or Hard, and reveals you add land here."
            ),
            kind="review",
        )
    zone = await _member_zone(app, member)
    return Message(
        text="Nothing is due right now. Your next card is due "
        f"{describe_when(upcoming, now, zone)}.",
        kind="review",
    )


async def _own_card(app: Studybot, ctx: Context, parts: list[str]) -> tuple[store.CardRow, int]:
    card_id, reps = int_parts(parts, 2)
    card = await store.get_card(app.db, card_id)
    if card is None:
        raise NotFound("That review card no longer exists. Run `/review` again.")
    member = await member_row(app, ctx.user, utc_now(app))
    if card.member_id != member:
        raise Conflict("That review card belongs to someone else. Run `/review` for yours.")
    if card.reps != reps:
        raise Conflict("You already rated that card. Run `/review` for the next one.")
    return card, reps


async def show_key_points(app: Studybot, ctx: Context, parts: list[str]) -> Message:
    card, reps = await _own_card(app, ctx, parts)
    return _back(card, reps, question_of(app, card.question_id))


def _back(card: store.CardRow, reps: int, question: Question) -> Message:
    """The card turned over, in place of its front: the prompt, the key points, the ratings."""
    text = card_back_text(question)
    if question.is_multiple_choice:
        text += "\n\n" + answer_text(question)
    return Message(
        title="How well did you remember it?",
        text=text,
        buttons=tuple(
            Button(label, action_id("review-rate", card.id, reps, int(rating)), style)
            for rating, label, style in RATINGS
        ),
        kind="review",
        replaces_pressed=True,
    )


async def rate(app: Studybot, ctx: Context, parts: list[str]) -> list[Message]:
    card, _ = await _own_card(app, ctx, parts)
    (rating_value,) = int_parts(parts[2:], 1)
    if rating_value not in {int(r) for r in Rating}:
        raise Conflict("That rating does not exist. Run `/review` again.")
    rating = Rating(rating_value)
    now = utc_now(app)
    after = schedule(app, card, rating, now)

    async def work(tx: Tx) -> bool:
        return await store.save_review(tx, card, after, int(rating), now)

    if not await app.db.write(work):
        raise Conflict("You already rated that card. Run `/review` for the next one.")
    zone = await _member_zone(app, card.member_id)
    label = next(name for value, name, _ in RATINGS if value == rating)
    back = _back(card, card.reps, question_of(app, card.question_id))
    feedback = replace(
        back,
        title=f"Reviewed: {label}",
        text=f"{back.text}\n\n**{label}**: next review {describe_when(after.due, now, zone)}.",
        buttons=(),
    )
    return [feedback, await next_review(app, card.member_id, now)]


async def reviews_due(app: Studybot, member: int, now: datetime) -> int:
    return await store.count_due(app.db, member, now)
