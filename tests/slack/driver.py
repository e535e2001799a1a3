"""Acting as Slack toward the adapter: correctly signed HTTP requests, and reading blocks.

Payloads follow Slack's documented shapes for slash commands, `block_actions`,
`view_submission` and `event_callback` envelopes.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.slack.fake_slack import TEAM, Call, FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
GENERAL = ("C0GENERAL", "general")
FORM = "application/x-www-form-urlencoded"


def user_id(name: str) -> str:
    return "U" + name.upper()


def sign(body: str, timestamp: str, secret: str = SECRET) -> str:
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return signature


def command_body(
    fake: FakeSlack, user: str, line: str, key: str, channel: tuple[str, str] = GENERAL
) -> dict[str, str]:
    """A slash command's form fields; its response_url on the fake is keyed by `key`."""
    name, _, text = line.strip().partition(" ")
    return {
        "token": "legacy",
        "team_id": TEAM,
        "team_domain": "studygroup",
        "channel_id": channel[0],
        "channel_name": channel[1],
        "user_id": user_id(user),
        "user_name": user,
        "command": name,
        "text": text,
        "api_app_id": "A0APP",
        "response_url": fake.response_url(key),
        "trigger_id": f"trigger-{key}",
    }


def member(user: str) -> dict[str, str]:
    return {"id": user_id(user), "username": user, "name": user, "team_id": TEAM}


def press_payload(
    fake: FakeSlack,
    user: str,
    button: dict[str, Any],
    key: str,
    channel: tuple[str, str] = GENERAL,
) -> dict[str, Any]:
    """A `block_actions` payload for pressing `button` (as found in recorded blocks)."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "studygroup"},
        "user": member(user),
        "api_app_id": "A0APP",
        "token": "legacy",
        "trigger_id": f"trigger-{key}",
        "channel": {"id": channel[0], "name": channel[1]},
        "container": {"type": "message", "channel_id": channel[0]},
        "response_url": fake.response_url(key),
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "b1",
                "value": button.get("value", ""),
                "text": button["text"],
                "action_ts": "1767600000.1",
            }
        ],
    }


class SlackDriver:
    """Sends what Slack would send to the app's `/slack/events` endpoint."""

    def __init__(self, fake: FakeSlack, endpoint: str, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.endpoint = endpoint
        self.session = session
        self._ids = itertools.count(1)

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        stamp = timestamp or str(int(time.time()))
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature or sign(body, stamp),
            **(headers or {}),
        }
        async with self.session.post(self.endpoint, data=body, headers=all_headers) as response:
            return response.status, await response.text()

    # -- slash commands ---------------------------------------------------

    async def command(
        self, user: str, line: str, channel: tuple[str, str] = GENERAL
    ) -> tuple[int, str]:
        """Run `/name args` as `user`; returns the HTTP status and the response_url key."""
        key = f"cmd{next(self._ids)}"
        body = command_body(self.fake, user, line, key, channel)
        status, _ = await self.send(urlencode(body), FORM)
        return status, key

    # -- interactivity ----------------------------------------------------

    async def interact(self, payload: dict[str, Any]) -> int:
        status, _ = await self.send(urlencode({"payload": json.dumps(payload)}), FORM)
        return status

    async def press(
        self, user: str, button: dict[str, Any], channel: tuple[str, str] = GENERAL
    ) -> tuple[int, str]:
        key = f"act{next(self._ids)}"
        return await self.interact(press_payload(self.fake, user, button, key, channel)), key

    async def submit(self, user: str, view: dict[str, Any], values: dict[str, str]) -> int:
        """Submit a modal as opened by views.open, filling inputs by their block id."""
        state = {
            block["block_id"]: {
                block["element"]["action_id"]: {"type": "plain_text_input", "value": value}
            }
            for block in view["blocks"]
            if block["type"] == "input" and (value := values.get(block["block_id"])) is not None
        }
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "studygroup"},
            "user": member(user),
            "api_app_id": "A0APP",
            "token": "legacy",
            "trigger_id": f"trigger-view{next(self._ids)}",
            "view": {
                "id": "V0VIEW",
                "type": "modal",
                "callback_id": view["callback_id"],
                "private_metadata": view["private_metadata"],
                "blocks": view["blocks"],
                "state": {"values": state},
            },
        }
        return await self.interact(payload)

    # -- events -----------------------------------------------------------

    def event_body(self, event: dict[str, Any], event_id: str) -> str:
        return json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A0APP",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": 1767600000,
            }
        )

    async def event(self, event: dict[str, Any], event_id: str, retry: int = 0) -> int:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        status, _ = await self.send(
            self.event_body(event, event_id),
            "application/json",
            headers=headers if retry else None,
        )
        return status


# -- reading what Slack would show -----------------------------------------


def blocks_of(call: Call) -> list[dict[str, Any]]:
    view = call.args.get("view")
    blocks = view.get("blocks") if isinstance(view, dict) else call.args.get("blocks")
    return list(blocks or [])


def block_text(block: dict[str, Any]) -> str:
    parts = [block.get("text", {}).get("text", "")]
    parts += [f.get("text", "") for f in block.get("fields", [])]
    parts += [e.get("text", "") for e in block.get("elements", []) if e.get("type") == "mrkdwn"]
    return "\n".join(parts)


def buttons_in(call: Call) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each button with the text of the section it belongs to."""
    context = ""
    for block in blocks_of(call):
        if block["type"] == "section":
            context = block_text(block)
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                yield context, accessory
        elif block["type"] == "actions":
            for element in block["elements"]:
                if element["type"] == "button":
                    yield context, element


def find_button(calls: list[Call], label: str, containing: str = "") -> dict[str, Any]:
    """The newest button with this label, optionally under a section containing some text."""
    for call in reversed(calls):
        for context, button in buttons_in(call):
            if button["text"]["text"] == label and containing in context:
                return button
    raise AssertionError(f"no button {label!r} (containing {containing!r}) in {len(calls)} calls")


def shown_text(call: Call) -> str:
    return "\n".join(block_text(block) for block in blocks_of(call))
