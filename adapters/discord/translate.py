"""Interaction payloads as core events. Pure: plain values and dicts in, envelopes out.

The dicts are the `data` objects of Discord's INTERACTION_CREATE, as
`discord.Interaction.data` holds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.envelope import ChannelRef, Context, UserRef
from bot.registry import ACTION_PREFIX

PLATFORM = "discord"
DIRECT_MESSAGES = "@me"  # the workspace of a conversation outside any server
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5

_SUBCOMMAND = 1
_SUBCOMMAND_GROUP = 2
_ACTION_ROW = 1
_TEXT_INPUT = 4
_LABEL = 18


def workspace_of(guild_id: int | str | None) -> str:
    return str(guild_id) if guild_id else DIRECT_MESSAGES


def is_admin(permissions: int, user_id: str, admins: Iterable[str]) -> bool:
    """Manage Server (or Administrator) in this channel, or listed in STUDYBOT_ADMINS."""
    return bool(permissions & (MANAGE_GUILD | ADMINISTRATOR)) or user_id in set(admins)


def context(
    *,
    guild_id: int | str | None,
    channel_id: int | str,
    channel_name: str,
    user_id: int | str,
    user_name: str,
    permissions: int,
    admins: Iterable[str] = (),
) -> Context:
    workspace = workspace_of(guild_id)
    user = UserRef(PLATFORM, workspace, str(user_id), name=user_name)
    channel = ChannelRef(PLATFORM, workspace, str(channel_id), name=channel_name)
    return Context(user, channel, is_admin=is_admin(permissions, user.id, admins))


# Discord cannot run a command that has subcommands, so a core command that is
# also a group's first word (`/quiz` beside `/quiz race`) is offered as
# `/quiz start`, which maps back to the core's `quiz`.
BARE_SUBCOMMAND = "start"


def command_call(data: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The registry name (`"studybot setup"`) and raw arguments of a slash command."""
    words = [str(data["name"])]
    options: list[Mapping[str, Any]] = list(data.get("options", []))
    while len(options) == 1 and options[0].get("type") in (_SUBCOMMAND, _SUBCOMMAND_GROUP):
        words.append(str(options[0]["name"]))
        options = list(options[0].get("options", []))
    args = {str(o["name"]): _as_text(o["value"]) for o in options if "value" in o}
    if len(words) == 2 and words[1] == BARE_SUBCOMMAND:
        words.pop()
    return " ".join(words), args


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def form_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Text input values of a modal submission by input id (rows or labels alike)."""
    values: dict[str, str] = {}
    for component in _walk(data.get("components", [])):
        if component.get("type") == _TEXT_INPUT and "custom_id" in component:
            values[str(component["custom_id"])] = str(component.get("value") or "")
    return values


def _walk(components: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for component in components:
        if component.get("type") == _ACTION_ROW:
            yield from _walk(component.get("components", []))
        elif component.get("type") == _LABEL and "component" in component:
            yield from _walk([component["component"]])
        else:
            yield component


def is_core_action(custom_id: str) -> bool:
    """Buttons and forms the core made carry its action ids (`sb:verb:...`)."""
    return custom_id.startswith(f"{ACTION_PREFIX}:")


# A click in a direct message arrives without a server, but the core knows
# members per server. Buttons sent in a DM therefore carry the server they
# belong to: `sbx:dm:<guild id>:<action id>` (custom ids hold 100 characters).
DM_PREFIX = "sbx:dm:"
CUSTOM_ID_LIMIT = 100


def dm_custom_id(workspace: str, action: str) -> str:
    """The action scoped to a server, or unchanged when it would not fit."""
    scoped = f"{DM_PREFIX}{workspace}:{action}"
    if not workspace.isdigit() or len(scoped) > CUSTOM_ID_LIMIT:
        return action
    return scoped


def split_dm_custom_id(custom_id: str) -> tuple[str, str] | None:
    """(server id, core action id) of a DM button, or None for any other custom id."""
    if not custom_id.startswith(DM_PREFIX):
        return None
    workspace, _, action = custom_id.removeprefix(DM_PREFIX).partition(":")
    if not workspace.isdigit() or not is_core_action(action):
        return None
    return workspace, action
