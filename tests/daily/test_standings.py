"""Standings and ranks, followed from the ledger, agree with a brute-force read of it."""

from __future__ import annotations

import random
from collections import Counter

from adapters.console.memory import MemoryAdapter
from bot.storage import Tx, ledger
from bot.storage.common import member_id
from bot.storage.ledger import ALL_TIME, Window
from tests.daily.helpers import configure, utc


async def test_ranks_match_a_brute_force_count_including_negative_events(
    testbot: MemoryAdapter,
) -> None:
    await configure(testbot)
    app = testbot.app
    channel = int(await app.db.fetchval("SELECT id FROM channels"))
    rng = random.Random(5)
    totals: Counter[int] = Counter()

    async def fill(tx: Tx) -> None:
        for _ in range(600):
            who = await member_id(tx, testbot.user(f"m{rng.randrange(40)}"), utc(2026, 1, 6))
            points = rng.choice((10, 2, 2, 5, -2))
            totals[who] += points
            await ledger.add_points(tx, who, channel, "test", points, utc(2026, 1, 6), "trees")

    await app.db.write(fill)
    window = Window(channel, period=ALL_TIME)
    for who, mine in totals.items():
        standing = await ledger.standing_of(app.db, window, who)
        if mine <= 0:
            assert standing is None
            continue
        assert standing is not None
        assert standing.points == mine
        assert standing.rank == 1 + sum(1 for other in totals.values() if other > mine)
    top = await ledger.top(app.db, window)
    assert [s.points for s in top] == sorted((t for t in totals.values() if t > 0), reverse=True)[
        :10
    ]
