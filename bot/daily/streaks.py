"""Streaks: consecutive local days with an answer, in the member's own zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.record import record


@record
class Streak:
    current: int
    best: int


def streak(answer_times: list[datetime], zone: ZoneInfo, now: datetime) -> Streak:
    days = sorted({when.astimezone(zone).date() for when in answer_times})
    best = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    today = now.astimezone(zone).date()
    # A streak is still alive until a whole local day passes without an answer.
    alive = previous is not None and today - previous <= timedelta(days=1)
    return Streak(current=run if alive else 0, best=best)
