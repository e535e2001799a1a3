"""Quiz conversations run on the shared `testbot` (the app registers the feature)."""

from __future__ import annotations

import pytest

from adapters.console.memory import MemoryAdapter


@pytest.fixture
def quizbot(testbot: MemoryAdapter) -> MemoryAdapter:
    return testbot
