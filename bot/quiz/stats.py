"""Quiz numbers for `/stats`: accuracy per area, the weakest areas, reviews due."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.envelope import Field
from bot.quiz.common import utc_now
from bot.record import record
from bot.storage import quiz as store
from bot.storage.quiz import AreaAccuracy

if TYPE_CHECKING:
    from bot.app import Studybot

WEAKEST = 3


@record
class WeakArea:
    area: str
    accuracy: float
    answered: int

    @property
    def suggestion(self) -> str:
        return f"/quiz {self.area}"


@record
class QuizStats:
    areas: tuple[AreaAccuracy, ...]  # every area with a graded quiz answer
    weakest: tuple[WeakArea, ...]  # up to three, lowest accuracy first
    reviews_due: int

    def fields(self) -> tuple[Field, ...]:
        """Ready-made fields for a `/stats` message."""
        accuracy = "\n".join(
            f"- {a.area}: {a.correct}/{a.answered} ({a.accuracy:.0%})" for a in self.areas
        )
        weakest = "\n".join(
            f"- {w.area} ({w.accuracy:.0%}): try `{w.suggestion}`" for w in self.weakest
        )
        return (
            Field("Quiz accuracy", accuracy or "No quiz answers yet: try `/quiz`.", inline=False),
            Field("Areas to work on", weakest or "None yet.", inline=False),
            Field("Reviews due", str(self.reviews_due)),
        )


def weakest_areas(areas: list[AreaAccuracy], limit: int = WEAKEST) -> tuple[WeakArea, ...]:
    """Areas with at least one miss, lowest accuracy first (more answers break ties)."""
    missed = [a for a in areas if a.correct < a.answered]
    missed.sort(key=lambda a: (a.accuracy, -a.answered, a.area))
    return tuple(WeakArea(a.area, a.accuracy, a.answered) for a in missed[:limit])


async def quiz_stats(app: Studybot, member_id: int) -> QuizStats:
    areas = await store.area_accuracy(app.db, member_id)
    due = await store.count_due(app.db, member_id, utc_now(app))
    return QuizStats(tuple(areas), weakest_areas(areas), due)
