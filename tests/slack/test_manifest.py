"""The shipped Slack app manifest exposes every core command and what the adapter uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.app import Studybot

MANIFEST = Path(__file__).resolve().parents[2] / "adapters" / "slack" / "manifest.yaml"


def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_every_registry_command_is_a_slash_command(app: Studybot) -> None:
    declared = {c["command"] for c in manifest()["features"]["slash_commands"]}

    missing = {f"/{group}" for group in app.registry.groups()} - declared

    assert not missing, f"add to adapters/slack/manifest.yaml: {sorted(missing)}"


def test_commands_taking_a_member_get_mentions_as_ids(app: Studybot) -> None:
    escaped = {c["command"] for c in manifest()["features"]["slash_commands"] if c["should_escape"]}

    takes_member = {
        f"/{command.words[0]}"
        for command in app.registry
        if any(param.kind == "user" for param in command.params)
    }

    assert takes_member, "the core has a command with a member parameter (/stats)"
    assert takes_member <= escaped


def test_the_manifest_asks_for_what_the_adapter_calls() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    settings = manifest()["settings"]

    assert {"commands", "chat:write", "users:read", "channels:join", "channels:read"} <= scopes
    assert {"im:write", "mpim:write"} <= scopes  # conversations.open: DMs and group DMs
    assert settings["interactivity"]["is_enabled"]
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    assert manifest()["features"]["app_home"]["home_tab_enabled"]
