"""pytest fixtures: a whole studybot on a temporary database, driven in memory.

async def test_help(testbot):
    await testbot.command("alice", "/help")
    assert "/question" in testbot.last("alice").text
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.memory import MemoryAdapter
from bot.app import Studybot
from bot.bank import Bank, load_bank
from bot.clock import FakeClock
from bot.resources import questions_dir
from bot.settings import Settings


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "studybot.db", data_dir=tmp_path, seed=7)


@pytest.fixture(scope="session")
def shipped_bank() -> Bank:
    """The shipped bank, loaded once: validating it is the slowest part of a start."""
    return load_bank([questions_dir()])


@pytest.fixture
async def app(settings: Settings, clock: FakeClock, shipped_bank: Bank) -> AsyncIterator[Studybot]:
    studybot = await Studybot.create(settings, clock=clock, rng=random.Random(7), bank=shipped_bank)
    await studybot.start()
    try:
        yield studybot
    finally:
        await studybot.close()


@pytest.fixture
def testbot(app: Studybot) -> MemoryAdapter:
    return MemoryAdapter(app)
