"""Quiz numbers for /stats: accuracy per area, the weakest areas, reviews due."""

from __future__ import annotations

from adapters.console.memory import MemoryAdapter
from bot.quiz import quiz_stats
from tests.quiz.helpers import answer, member_of


async def test_the_weakest_areas_come_with_a_quiz_to_try(quizbot: MemoryAdapter) -> None:
    for line, results in [
        ("/quiz trees 2", (False, False)),
        ("/quiz llm 2", (True, False)),
        ("/quiz statistics 1", (True,)),
        ("/quiz data 3", (True, True, False)),
    ]:
        await quizbot.command("alice", line)
        for correct in results:
            await answer(quizbot, "alice", correct=correct)

    stats = await quiz_stats(quizbot.app, await member_of(quizbot, "alice"))
    assert [(a.area, a.correct, a.answered) for a in stats.areas] == [
        ("data", 2, 3),
        ("llm", 1, 2),
        ("statistics", 1, 1),
        ("trees", 0, 2),
    ]
    assert [(w.area, w.suggestion) for w in stats.weakest] == [
        ("trees", "/quiz trees"),
        ("llm", "/quiz llm"),
        ("data", "/quiz data"),
    ]
    assert stats.reviews_due == 4
    shown = "\n".join(field.value for field in stats.fields())
    assert "- trees (0%): try `/quiz trees`" in shown and "statistics: 1/1 (100%)" in shown


async def test_a_member_without_quizzes_gets_empty_stats(quizbot: MemoryAdapter) -> None:
    await quizbot.command("bob", "/review")
    stats = await quiz_stats(quizbot.app, await member_of(quizbot, "bob"))
    assert stats.areas == () and stats.weakest == () and stats.reviews_due == 0
    assert "No quiz answers yet" in stats.fields()[0].value
