"""Process-wide settings for the process that runs the core."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

# Collect the youngest generation every 30,000 new container objects instead
# of CPython's 700. Serving allocates many short-lived ones (tasks, futures,
# rows, messages) that reference counting frees anyway; with events arriving
# at 5,000-6,000/s the collector ran 400-700 times per 15,000 events and took
# 0.3-0.7 s of a ~3 s run at 700, 12-32 times and 0.04-0.15 s at 10,000. And
# a backlog of requests is live, not garbage: arriving at 10,000/s, a core
# that fell behind collected 26-34 times (0.14-0.28 s, walking the waiting
# tasks again and again) at 10,000 and 3-7 times at 30,000; the p99 was lower
# at 30,000 in six pairs of six. A young collection walks up to 30,000
# objects, ~5-25 ms, now and then.
YOUNG_GENERATION_THRESHOLD = 30_000


def tune_garbage_collector() -> None:
    """Call once the app is created, before serving.

    Keeps what start-up loaded (the bank, the modules, the settings; they live
    as long as the process) out of the collector's full passes, which walk
    every object tracked: with them in view those passes paused requests for
    60-80 ms in the benchmarks. Collecting first freezes no garbage with them.
    Then collects the youngest generation less often (see above).
    """
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, older, oldest)


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on uvloop where it is installed, else on asyncio's loop.

    uvloop (Linux and macOS) schedules callbacks and does socket I/O in C: the
    benchmark's events ran 8% faster on it (7 paired runs, every pair faster),
    before any network I/O, where it gains most.
    """
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)
