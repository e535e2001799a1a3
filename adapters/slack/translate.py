"""Slack payloads in, the core's neutral values out. Pure functions only.

Payload shapes: slash commands arrive as flat form fields, interactions
(`block_actions`, `view_submission`) as a JSON `payload`, events as an
`event_callback` envelope. Users and channels become references with
platform "slack" and the team id as workspace.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.envelope import ChannelRef, UserRef
from bot.record import record

PLATFORM = "slack"
METADATA_ACTION = "a"  # keys of a modal's private_metadata, kept short (3,000 chars max)
METADATA_CHANNEL = "c"
METADATA_CHANNEL_NAME = "n"

Payload = Mapping[str, Any]


@record
class Origin:
    """Who acted, where, and the handles Slack gave us to answer them."""

    user: UserRef
    channel: ChannelRef
    response_url: str | None = None
    trigger_id: str | None = None


def user_ref(team: str, user_id: str, name: str = "") -> UserRef:
    return UserRef(PLATFORM, team, user_id, name=name)


def channel_ref(team: str, channel_id: str, name: str = "") -> ChannelRef:
    return ChannelRef(PLATFORM, team, channel_id, name=name)


# -- slash commands -------------------------------------------------------


def command_line(body: Payload) -> str:
    """`/question` with text `deep-learning hard` -> `question deep-learning hard`.

    Slack sends `&`, `<`, `>` typed by the member as entities; mentions (with
    `should_escape`) as `<@U123|name>`, which the core's user parameters read.
    """
    name = str(body.get("command", "")).strip().removeprefix("/")
    text = unescape_entities(str(body.get("text", ""))).strip()
    return f"{name} {text}".strip()


def unescape_entities(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def command_origin(body: Payload) -> Origin:
    team = str(body.get("team_id", ""))
    channel_id, channel_name = str(body.get("channel_id", "")), str(body.get("channel_name", ""))
    return Origin(
        user=user_ref(team, str(body.get("user_id", "")), str(body.get("user_name", ""))),
        channel=channel_ref(team, channel_id, channel_name),
        response_url=body.get("response_url") or None,
        trigger_id=body.get("trigger_id") or None,
    )


# -- interactions ---------------------------------------------------------


def _team_id(body: Payload) -> str:
    team = body.get("team") or {}
    user = body.get("user") or {}
    return str(team.get("id") or user.get("team_id") or "")


def _user(body: Payload) -> UserRef:
    user = body.get("user") or {}
    name = user.get("username") or user.get("name") or ""
    return user_ref(_team_id(body), str(user.get("id", "")), str(name))


def interaction_origin(body: Payload) -> Origin:
    """A button press; from the App Home there is no channel, so the member's DM stands in."""
    user = _user(body)
    channel = body.get("channel") or {}
    channel_id = str(channel.get("id") or user.id)
    return Origin(
        user=user,
        channel=channel_ref(user.workspace, channel_id, str(channel.get("name", ""))),
        response_url=body.get("response_url") or None,
        trigger_id=body.get("trigger_id") or None,
    )


def pressed_action_id(body: Payload) -> str:
    """The core's opaque id: the button's value, else its action_id."""
    actions = body.get("actions") or [{}]
    action = actions[0]
    return str(action.get("value") or action.get("action_id") or "")


def form_metadata(view: Payload) -> dict[str, str]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        data = {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def submission_origin(body: Payload) -> Origin:
    """A modal submission; the channel it was opened from rides in private_metadata."""
    user = _user(body)
    meta = form_metadata(body.get("view") or {})
    channel_id = meta.get(METADATA_CHANNEL) or user.id
    return Origin(
        user=user,
        channel=channel_ref(user.workspace, channel_id, meta.get(METADATA_CHANNEL_NAME, "")),
        trigger_id=body.get("trigger_id") or None,
    )


def submitted_action_id(view: Payload) -> str:
    return form_metadata(view).get(METADATA_ACTION) or str(view.get("callback_id", ""))


def submitted_values(view: Payload) -> dict[str, str]:
    """Input values by the form's input id (the block id we gave each input)."""
    values: dict[str, str] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, elements in state.items():
        for element in elements.values():
            value = element.get("value")
            values[str(block_id)] = "" if value is None else str(value)
    return values


# -- events ---------------------------------------------------------------


@record
class HomeOpened:
    event_id: str
    user: UserRef
    channel: ChannelRef


def home_opened(body: Payload) -> HomeOpened | None:
    """An `app_home_opened` on the Home tab (not the Messages tab), or None."""
    event = body.get("event") or {}
    if event.get("type") != "app_home_opened" or event.get("tab", "home") != "home":
        return None
    team = str(body.get("team_id", ""))
    user = user_ref(team, str(event.get("user", "")))
    return HomeOpened(
        event_id=str(body.get("event_id", "")),
        user=user,
        channel=channel_ref(team, str(event.get("channel") or user.id)),
    )
