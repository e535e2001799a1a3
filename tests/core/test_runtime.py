"""What `studybot run` sets up for the process: the event loop and the collector."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Iterator

import pytest

from bot.runtime import YOUNG_GENERATION_THRESHOLD, run, tune_garbage_collector


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("restored_collector")
def test_start_up_objects_are_frozen_and_young_collections_are_rarer() -> None:
    survivor = [object()]  # lives through start-up, like the bank
    older, oldest = gc.get_threshold()[1:]
    tune_garbage_collector()
    # Frozen: no collection walks it any more.
    assert not any(tracked is survivor for tracked in gc.get_objects())
    assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, older, oldest)


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_the_bot_runs_on_uvloop_where_it_is_installed() -> None:
    assert run(_loop_module()).startswith("uvloop")


def test_without_uvloop_the_bot_runs_on_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as on Windows: the import fails
    assert run(_loop_module()).startswith("asyncio")
