"""The collector settings `studybot run` applies once the app is up."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.runtime import YOUNG_GENERATION_THRESHOLD, tune_garbage_collector


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
