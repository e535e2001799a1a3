"""`/quiz`, `/quiz race` and `/review`, their buttons, and the quiz tick."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.commands.general import AREA_PARAM, DIFFICULTY_PARAM
from bot.envelope import Context, Message
from bot.errors import UserError
from bot.quiz import flashcards, race, review, sessions
from bot.registry import Args, ButtonHandler, Command, Param, Reply

if TYPE_CHECKING:
    from bot.app import Studybot

    ButtonFeature = Callable[[Studybot, Context, list[str]], Awaitable[Reply]]

MAX_QUESTIONS = 20
COUNT_PARAM = Param(
    "count",
    "how many questions (1-20)",
    kind="integer",
    min_value=1,
    max_value=MAX_QUESTIONS,
    default=5,
)
MODE_PARAM = Param(
    "mode",
    "choices (multiple choice) or flashcards",
    kind="choice",
    choices=sessions.MODES,
    default="choices",
)


class Quizzes:
    """Quizzes on demand, race mode and the spaced-review queue."""

    def __init__(self, app: Studybot) -> None:
        self.app = app

    def register(self) -> None:
        registry = self.app.registry
        registry.add(
            Command(
                "quiz",
                "A private quiz: multiple choice, or flashcards with mode:flashcards",
                self.start_quiz,
                params=(AREA_PARAM, DIFFICULTY_PARAM, COUNT_PARAM, MODE_PARAM),
            )
        )
        registry.add(
            Command(
                "quiz race",
                "Race the channel on multiple-choice questions; first correct answer scores",
                self.start_race,
                params=(AREA_PARAM, COUNT_PARAM),
                admin=True,
            )
        )
        registry.add(Command("review", "Your spaced-review cards that are due", self.serve_review))
        buttons = {
            "quiz-answer": self.bind(sessions.answer),
            "quiz-end": self.bind(sessions.end),
            "quiz-resume": self.bind(sessions.resume),
            "quiz-show": self.bind(flashcards.show_key_points),
            "quiz-rate": self.bind(flashcards.rate),
            "race-answer": self.bind(race.answer),
            "review-show": self.bind(review.show_key_points),
            "review-rate": self.bind(review.rate),
            "review-add": self.add_to_review,
        }
        for verb, handler in buttons.items():
            registry.on_button(verb, handler)
        self.app.on_tick("quiz", self.run_due)

    def bind(self, handler: ButtonFeature) -> ButtonHandler:
        async def press(ctx: Context, parts: list[str]) -> Reply:
            return await handler(self.app, ctx, parts)

        return press

    async def start_quiz(self, ctx: Context, args: Args) -> list[Message]:
        request = sessions.QuizRequest(
            area=args["area"],
            difficulty=args["difficulty"],
            count=args["count"],
            mode=args["mode"],
        )
        return await sessions.start(self.app, ctx, request)

    async def start_race(self, ctx: Context, args: Args) -> Message:
        return await race.start(self.app, ctx, args["area"], args["count"])

    async def serve_review(self, ctx: Context, args: Args) -> Message:
        return await review.review_command(self.app, ctx, args)

    async def add_to_review(self, ctx: Context, parts: list[str]) -> Message:
        if not parts or not parts[0]:
            raise UserError("That button is damaged or out of date. Run the command again.")
        return await review.add_to_review(self.app, ctx.user, parts[0])

    async def run_due(self, now: datetime) -> None:
        await sessions.expire_idle(self.app, now)
        await race.close_overdue(self.app, now)
