"""Quizzes on demand, race mode, and each member's spaced-review queue (FSRS).

The lead wires it in with `Quizzes(app).register()`; the daily reveal can put
an "Add to my review" button on a question with
`Button("Add to my review", action_id("review-add", question_id))`, and
`/stats` can show `quiz_stats(app, member_id)`.
"""

from bot.quiz.commands import Quizzes
from bot.quiz.review import add_to_review
from bot.quiz.stats import QuizStats, WeakArea, quiz_stats

__all__ = ["QuizStats", "Quizzes", "WeakArea", "add_to_review", "quiz_stats"]
