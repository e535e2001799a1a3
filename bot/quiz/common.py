"""What quizzes, flashcards, races and reviews share: settings, lookups, buttons."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import permutations
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.bank import Question
from bot.envelope import Button, UserRef
from bot.errors import NotFound, UserError
from bot.registry import action_ids
from bot.storage.common import member_id
from bot.storage.db import Tx

if TYPE_CHECKING:
    from bot.app import Studybot
    from bot.settings import Settings

# A quiz nobody touches for this long ends.
IDLE_TIMEOUT = timedelta(minutes=10)


def points_for(settings: Settings, difficulty: str) -> int:
    """Points for a correct first answer (`STUDYBOT_QUIZ_POINTS_EASY|MEDIUM|HARD`)."""
    if difficulty == "easy":
        return settings.quiz_points_easy
    if difficulty == "medium":
        return settings.quiz_points_medium
    if difficulty == "hard":
        return settings.quiz_points_hard
    raise KeyError(difficulty)


def review_retention(settings: Settings) -> float:
    return settings.review_retention


def review_daily_cap(settings: Settings) -> int:
    return settings.review_daily_cap


def utc_now(app: Studybot) -> datetime:
    # fsrs insists on the timezone.utc object itself.
    return app.clock.now().astimezone(UTC)


async def member_row(app: Studybot, user: UserRef, now: datetime) -> int:
    async def work(tx: Tx) -> int:
        return await member_id(tx, user, now)

    return await app.db.write(work)


def question_of(app: Studybot, question_id: str) -> Question:
    question = app.bank.get(question_id)
    if question is None:
        raise NotFound("That question is no longer in the bank. Start again with `/quiz`.")
    return question


def int_parts(parts: Sequence[str], count: int) -> list[int]:
    """The numeric parts of an action id; a mangled id gets a clear message."""
    try:
        numbers = [int(part) for part in parts[:count]]
    except ValueError:
        numbers = []
    if len(numbers) != count:
        raise UserError("That button is damaged or out of date. Run the command again.")
    return numbers


def option_order(seed: str, count: int) -> tuple[int, ...]:
    """A shuffled order of the options, the same every time for the same seed."""
    # One of the count! orders, picked by a 64-bit hash of the seed: as random,
    # ~20x cheaper than seeding a Random from a string (8x than a hash per option).
    orders = _orders(count)
    digest = hashlib.blake2b(seed.encode(), digest_size=8).digest()
    return orders[int.from_bytes(digest) % len(orders)]


@cache
def _orders(count: int) -> tuple[tuple[int, ...], ...]:
    return tuple(permutations(range(count)))  # 3 to 5 options: at most 120


def choice_buttons(question: Question, verb: str, *parts: object) -> tuple[Button, ...]:
    """One button per option; the action carries the option's index in the bank."""
    choices = question.choices or ()
    ids = action_ids(verb, *parts, last=range(len(choices)))
    order = option_order(f"{ids[0]}:{question.id}", len(choices))  # where, and which question
    return tuple(Button(choices[index], ids[index]) for index in order)


def is_correct(question: Question, choice: int) -> bool:
    choices = question.choices or ()
    if not 0 <= choice < len(choices):
        raise UserError("That option does not exist. Run the command again.")
    return choices[choice] == question.answer


def answer_text(question: Question) -> str:
    """The correct option and why, for feedback after an answer."""
    lines = [f"The answer: **{question.answer}**"]
    if question.explanation:
        lines.append(question.explanation)
    return "\n".join(lines)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def local_zone(name: str | None, settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.default_timezone)
    except (ValueError, KeyError):
        return ZoneInfo(settings.default_timezone)


def describe_when(when: datetime, now: datetime, zone: ZoneInfo) -> str:
    """`in 3 days (Thu 8 Jan, 08:00 UTC)`: relative first, then the local time."""
    seconds = max(0.0, (when - now).total_seconds())
    if seconds < 3600:
        relative = f"in {plural(max(1, round(seconds / 60)), 'minute')}"
    elif seconds < 86400:
        relative = f"in {plural(round(seconds / 3600), 'hour')}"
    else:
        relative = f"in {plural(round(seconds / 86400), 'day')}"
    local = when.astimezone(zone)
    return f"{relative} ({local:%a} {local.day} {local:%b, %H:%M} {zone.key})"
