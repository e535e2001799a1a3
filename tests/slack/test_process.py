"""`studybot run` as its own process serves Slack over HTTP, pointed at the fake Slack."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from tests.processes import stop
from tests.slack.driver import SECRET, SlackDriver, shown_text, user_id
from tests.slack.fake_slack import FakeSlack
from tests.slack.test_daily_cycle import answer_in_modal, command, vote

ROOT = Path(__file__).resolve().parents[2]
READY = "Slack HTTP mode listening"
START_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def slack_environment(fake: FakeSlack, data_dir: Path, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DISCORD_", "STUDYBOT_"))
    }
    env.update(
        SLACK_BOT_TOKEN="xoxb-process-test",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_BASE_URL=fake.api_url,
        STUDYBOT_SLACK_PORT=str(port),
        STUDYBOT_DATA_DIR=str(data_dir),
        STUDYBOT_LOG_LEVEL="INFO",
        STUDYBOT_ADMINS=user_id("admin"),
    )
    return env


async def wait_until_ready(process: asyncio.subprocess.Process) -> list[str]:
    assert process.stderr is not None
    lines: list[str] = []
    while True:
        raw = await process.stderr.readline()
        if not raw:
            raise AssertionError("studybot run exited before serving:\n" + "".join(lines))
        lines.append(raw.decode(errors="replace"))
        if READY in lines[-1]:
            return lines


@pytest.fixture
async def studybot_process(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[SlackDriver]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "run",
        cwd=ROOT,
        env=slack_environment(fake_slack, tmp_path, port),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    drain: asyncio.Task[bytes] | None = None
    try:
        await asyncio.wait_for(wait_until_ready(process), START_SECONDS)
        assert process.stderr is not None
        drain = asyncio.create_task(process.stderr.read())  # keep the pipe from filling up
        async with aiohttp.ClientSession() as session:
            yield SlackDriver(fake_slack, f"http://127.0.0.1:{port}/slack/events", session)
    finally:
        await stop(process)
        if drain is not None:
            await drain


async def test_studybot_run_serves_signed_slash_commands_and_only_those(
    studybot_process: SlackDriver, fake_slack: FakeSlack
) -> None:
    # One process for both checks: starting one costs seconds.
    status, key = await studybot_process.command("alice", "/help")
    forged, _ = await studybot_process.send("command=%2Fhelp", "x", signature="v0=forged")

    assert status == 200
    [reply] = await fake_slack.wait_for("response_url", where=lambda call: call.target == key)
    assert "/question" in shown_text(reply)
    assert fake_slack.of("auth.test")[0].token == "xoxb-process-test"
    assert forged == 401


async def test_studybot_run_serves_a_whole_daily_cycle(
    studybot_process: SlackDriver, fake_slack: FakeSlack
) -> None:
    slack, fake = studybot_process, fake_slack
    # A post time six hours away: the real clock's scheduler neither posts nor catches up.
    post_time = (datetime.now(UTC) + timedelta(hours=6)).strftime("%H:00")

    await command(slack, fake, "admin", f"/studybot setup time:{post_time} timezone:UTC")
    await command(slack, fake, "admin", "/studybot post-now")
    await fake.wait_for("chat.postMessage")
    await answer_in_modal(slack, fake, "alice", "Hold out <!here> data")
    await answer_in_modal(slack, fake, "bob", "Cross-validate")
    await command(slack, fake, "admin", "/studybot reveal-now")
    [_, reveal] = await fake.wait_for("chat.postMessage", count=2)

    assert "Hold out &lt;!here&gt; data" in shown_text(reveal)
    assert "Upvoted alice" in await vote(slack, fake, "bob", "alice")
    assert "your own answer" in await vote(slack, fake, "alice", "alice")
    board = shown_text(await command(slack, fake, "carol", "/leaderboard all"))
    assert board.index("alice") < board.index("bob")
