"""INTERACTION_CREATE payloads shaped as Discord sends them (API v10)."""

from __future__ import annotations

import itertools
from typing import Any

from tests.discord.fake_discord import APP_ID, GUILD_ID, TIMESTAMP, channel

MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view, send, use application commands
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD

_ids = itertools.count(1600000000000000000)
USERS = {
    "alice": 1700000000000000001,
    "bob": 1700000000000000002,
    "carol": 1700000000000000003,
    "dave": 1700000000000000004,
}


def user(name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(USERS.get(name, 1700000000000000099)),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def member(name: str, *, admin: bool = False, bot: bool = False) -> dict[str, Any]:
    return {
        "user": user(name, bot=bot),
        "roles": [],
        "permissions": str(ADMIN_PERMISSIONS if admin else MEMBER_PERMISSIONS),
        "joined_at": TIMESTAMP,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "nick": None,
        "avatar": None,
        "flags": 0,
        "communication_disabled_until": None,
    }


def _interaction(
    kind: int,
    data: dict[str, Any],
    name: str,
    *,
    admin: bool = False,
    bot: bool = False,
    message: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An interaction in the server's #general, or in `where` (a thread, a DM)."""
    interaction_id = str(next(_ids))
    place = where or channel()
    payload: dict[str, Any] = {
        "id": interaction_id,
        "application_id": str(APP_ID),
        "type": kind,
        "data": data,
        "guild_id": str(GUILD_ID),
        "channel_id": place["id"],
        "channel": {**place, "permissions": str(MEMBER_PERMISSIONS)},
        "member": member(name, admin=admin, bot=bot),
        "token": f"token-{interaction_id}",
        "version": 1,
        "app_permissions": str((1 << 11) | (1 << 14) | (1 << 35) | (1 << 38)),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "attachment_size_limit": 10485760,
    }
    if message is not None:
        payload["message"] = message
    if place.get("type") == 1:  # a direct message: no server, a user instead of a member
        del payload["guild_id"], payload["member"]
        payload["user"] = user(name, bot=bot)
        payload["context"] = 1
        payload["authorizing_integration_owners"] = {"0": "0"}
    return payload


def option(name: str, value: str | int) -> dict[str, Any]:
    return {"name": name, "type": 4 if isinstance(value, int) else 3, "value": value}


def user_option(name: str, member_name: str) -> dict[str, Any]:
    return {"name": name, "type": 6, "value": user(member_name)["id"]}


def resolved_users(payload: dict[str, Any], *names: str) -> dict[str, Any]:
    """Discord sends the users an option picked along with the command."""
    payload["data"]["resolved"] = {"users": {user(n)["id"]: user(n) for n in names}}
    return payload


def slash(
    name: str,
    *args: dict[str, Any],
    user_name: str = "alice",
    admin: bool = False,
    bot: bool = False,
) -> dict[str, Any]:
    """`/name` or, with a space, `/group sub` and its options."""
    words = name.split()
    options: list[dict[str, Any]] = list(args)
    if len(words) == 2:
        options = [{"name": words[1], "type": 1, "options": options}]
    data = {
        "id": str(next(_ids)),
        "name": words[0],
        "type": 1,
        "guild_id": str(GUILD_ID),
        "options": options,
    }
    return _interaction(2, data, user_name, admin=admin, bot=bot)


def click(
    message: dict[str, Any],
    custom_id: str,
    user_name: str = "alice",
    admin: bool = False,
    where: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A button pressed on `message`, in #general unless `where` says otherwise."""
    data = {"custom_id": custom_id, "component_type": 2}
    return _interaction(3, data, user_name, admin=admin, message=message, where=where)


def submit(
    custom_id: str,
    values: dict[str, str],
    user_name: str = "alice",
    message: dict[str, Any] | None = None,
    admin: bool = False,
    where: dict[str, Any] | None = None,
) -> dict[str, Any]:
    components = [
        {
            "type": 18,
            "id": index * 2 + 1,
            "component": {"type": 4, "id": index * 2 + 2, "custom_id": key, "value": value},
        }
        for index, (key, value) in enumerate(values.items())
    ]
    data = {"custom_id": custom_id, "components": components}
    return _interaction(5, data, user_name, admin=admin, message=message, where=where)


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components", []) for c in row.get("components", [])]


def custom_id_of(message: dict[str, Any], label: str) -> str:
    for button in buttons_of(message):
        if button.get("label") == label:
            return str(button["custom_id"])
    raise AssertionError(f"no button {label!r} in {buttons_of(message)}")
