"""One side of `benchmarks.compare`: a community set up once, then one phase per request.

Reads a kind of event per line on stdin (votes, quiz_answers, answers), runs
every member's event of that kind with the size's number in flight, waits for
the standings to catch up, and prints the phase's cost as JSON. An empty line
or the end of stdin closes the app.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path

from adapters.console.memory import MemoryAdapter
from benchmarks import run as bench
from bot import runtime
from bot.app import Studybot
from bot.envelope import ButtonPress, Message, Outgoing
from bot.registry import action_id, parse_action_id

QUIZ_LENGTH = 10


def next_press(bot: MemoryAdapter, member: str, replies: Sequence[Outgoing]) -> ButtonPress:
    for reply in replies:
        for button in reply.all_buttons() if isinstance(reply, Message) else ():
            if button.action_id.startswith(action_id("quiz-answer")):
                return ButtonPress(bot.context(member, "general"), button.action_id)
    raise RuntimeError(f"no quiz option for {member}")


async def new_quizzes(
    bot: MemoryAdapter, members: list[str], presses: dict[str, ButtonPress]
) -> None:
    """End each member's quiz (if any) and start one of QUIZ_LENGTH questions."""
    for member in members:
        if member in presses:
            session = parse_action_id(presses[member].action_id)[1][0]
            end = ButtonPress(bot.context(member, "general"), action_id("quiz-end", session))
            await bot.app.handle(end)
        replies = await bot.command(member, f"/quiz {QUIZ_LENGTH}")
        presses[member] = next_press(bot, member, replies)


async def prepare(
    app: Studybot, bot: MemoryAdapter, members: list[str]
) -> tuple[list[ButtonPress], dict[str, ButtonPress]]:
    """Each member's vote to press (on revealed answers in #general), and the first option
    of a quiz of their own (in #today, where a question is posted and takes answers)."""
    votes = await bench.revealed_answers_to_vote_on(app, bot, members)
    await bot.command("admin", "/studybot setup time:09:00 timezone:UTC", "today", admin=True)
    await bot.command("admin", "/studybot post-now", "today", admin=True)
    presses: dict[str, ButtonPress] = {}
    await new_quizzes(bot, members, presses)
    return votes, presses


async def press(app: Studybot, event: ButtonPress, into: list[Outgoing]) -> None:
    into.extend(await app.handle(event))


async def serve(folder: Path) -> None:
    size = bench.SIZES[sys.argv[1]]
    app, bot = await bench.new_app(folder, "compare")
    members = [f"m{i}" for i in range(size["members"])]
    votes, presses = await prepare(app, bot, members)
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    answered = turn = 0
    while kind := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
        turn += 1
        replies: dict[str, list[Outgoing]] = {}
        calls: list[Callable[[], Awaitable[object]]]
        if kind == "votes":  # the same presses each time: a vote, then its withdrawal
            calls = [partial(app.handle, vote) for vote in votes]
        elif kind == "answers":  # the first turn answers, later ones edit
            line = "/answer take {} from {}"
            calls = [partial(bot.command, m, line.format(turn, m), "today") for m in members]
        else:
            if answered == QUIZ_LENGTH - 1:  # never the last question: it ends the quiz
                await new_quizzes(bot, members, presses)
                answered = 0
            calls = [partial(press, app, presses[m], replies.setdefault(m, [])) for m in members]
        samples: list[float] = []
        gc.collect()  # whether or not the tree's benchmark freezes its load, outside the timing
        gc.freeze()
        cpu = time.thread_time()
        wall = await bench.run_concurrently(calls, size["concurrency"], samples)
        cpu = time.thread_time() - cpu
        if kind == "quiz_answers":
            presses.update({m: next_press(bot, m, replies[m]) for m in members})
            answered += 1
        settle = getattr(app.db.standings, "current", None)
        if settle is not None:
            await settle()  # the follower's folds belong to this turn
        p99 = sorted(samples)[int(len(samples) * 0.99)]
        figures = {"us": 1e6 * wall / len(calls), "cpu_us": 1e6 * cpu / len(calls)}
        print(json.dumps({**figures, "p99_ms": 1000 * p99}), flush=True)
    await app.close()


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        await serve(Path(folder))


if __name__ == "__main__":
    getattr(runtime, "run", asyncio.run)(main())
