"""Fixtures: the local fake Slack, and the real Bolt app in HTTP mode in front of it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.slack.app import SlackAdapter, web_client
from adapters.slack.runner import EVENTS_PATH, start_http
from bot.app import Studybot
from tests.slack.chat import SlackChat
from tests.slack.driver import SECRET, SlackDriver
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
def adapter(app: Studybot, fake_slack: FakeSlack) -> SlackAdapter:
    client = web_client("xoxb-test-token", fake_slack.api_url)
    return SlackAdapter(app, client, signing_secret=SECRET, post_interval=0.0)


@pytest.fixture
async def slack(adapter: SlackAdapter, fake_slack: FakeSlack) -> AsyncIterator[SlackDriver]:
    runner, port = await start_http(adapter, "127.0.0.1", 0)
    try:
        async with aiohttp.ClientSession() as session:
            yield SlackDriver(fake_slack, f"http://127.0.0.1:{port}{EVENTS_PATH}", session)
    finally:
        await runner.cleanup()


@pytest.fixture
def chat(slack: SlackDriver, fake_slack: FakeSlack, adapter: SlackAdapter) -> SlackChat:
    return SlackChat(slack, fake_slack, adapter)
