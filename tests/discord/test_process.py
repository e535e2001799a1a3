"""`studybot run` as a separate process, pointed at the fake by the environment."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.discord import payloads
from tests.discord.fake_discord import FakeDiscord
from tests.processes import stop

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def studybot_process(
    fake: FakeDiscord, tmp_path: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STUDYBOT_", "DISCORD_", "SLACK_"))
    }
    env.update(
        DISCORD_TOKEN="fake-bot-token",
        DISCORD_API_BASE_URL=fake.rest_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        STUDYBOT_DATA_DIR=str(tmp_path),
        STUDYBOT_LOG_LEVEL="INFO",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        await stop(process)


async def test_studybot_run_logs_in_and_serves_an_interaction(
    fake: FakeDiscord, studybot_process: asyncio.subprocess.Process
) -> None:
    await fake.wait_identified(within=30)
    payload = payloads.slash("help")
    await fake.dispatch("INTERACTION_CREATE", payload)
    callback = await fake.wait_for_route(
        "POST", rf"/api/v10/interactions/{payload['id']}/{payload['token']}/callback", within=15
    )
    assert "/question" in callback.body["data"]["embeds"][0]["description"]
    assert fake.matching("PUT", r"/api/v10/applications/\d+/commands")
