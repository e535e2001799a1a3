"""Slash commands built from the registry, and syncing them only when they change."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from adapters.discord.client import CommandSync, StudyClient, slash_command, slash_commands
from bot.app import Studybot
from bot.envelope import Context, Message
from bot.registry import Args, Command, Param, Registry
from tests.discord.conftest import TOKEN
from tests.discord.fake_discord import APP_ID, FakeDiscord

COMMANDS = rf"/api/v10/applications/{APP_ID}/commands"


async def _noop(ctx: Context, args: Args) -> Message:
    return Message(text="ok")


async def _callback(interaction: discord.Interaction[Any]) -> None:
    return None


def synced(fake: FakeDiscord) -> dict[str, dict[str, Any]]:
    [put] = fake.matching("PUT", COMMANDS)
    return {command["name"]: command for command in put.body}


async def test_every_registry_command_is_synced_once_at_first_start(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    commands = synced(fake)
    top_level = {c.words[0] for c in app.registry}
    assert set(commands) == top_level
    subcommands = {o["name"] for o in commands["studybot"]["options"]}
    assert subcommands == {c.words[1] for c in app.registry if c.words[0] == "studybot"}
    assert all(o["type"] == 1 for o in commands["studybot"]["options"])


async def test_options_are_typed_with_choices_and_descriptions(
    client: StudyClient, fake: FakeDiscord
) -> None:
    options = {o["name"]: o for o in synced(fake)["question"]["options"]}
    assert options["area"]["type"] == 3
    assert "llm" in [choice["value"] for choice in options["area"]["choices"]]
    assert [c["value"] for c in options["difficulty"]["choices"]] == ["easy", "medium", "hard"]
    assert options["area"]["description"]
    assert not options["area"]["required"]
    answer = synced(fake)["answer"]["options"][0]
    assert (answer["name"], answer["required"]) == ("text", True)


async def test_admin_commands_need_manage_server_by_default(client: StudyClient) -> None:
    command = Command("purge", "Remove old data", _noop, admin=True)
    payload = slash_command(command, _callback).to_dict(client.tree)
    assert payload["default_member_permissions"] == discord.Permissions(manage_guild=True).value
    member_payload = slash_command(Command("help", "Help", _noop), _callback).to_dict(client.tree)
    assert member_payload["default_member_permissions"] is None


async def test_a_group_of_admin_subcommands_needs_manage_server(client: StudyClient) -> None:
    registry = Registry()
    registry.add(Command("admin pause", "Pause", _noop, admin=True))
    registry.add(Command("admin skip", "Skip", _noop, admin=True))
    [group] = slash_commands(registry, _callback)
    assert isinstance(group, app_commands.Group)
    payload = group.to_dict(client.tree)
    assert payload["default_member_permissions"] == discord.Permissions(manage_guild=True).value


async def test_integer_params_keep_their_bounds(client: StudyClient) -> None:
    count = Param("count", "how many", kind="integer", min_value=1, max_value=20)
    payload = slash_command(Command("quiz", "Quiz", _noop, params=(count,)), _callback).to_dict(
        client.tree
    )
    [option] = payload["options"]
    assert (option["type"], option["min_value"], option["max_value"]) == (4, 1, 20)


async def test_an_unchanged_command_set_is_not_synced_again(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    restarted = StudyClient(app)
    async with restarted:
        await restarted.login(TOKEN)
    assert len(fake.matching("PUT", COMMANDS)) == 1


async def test_a_changed_command_set_is_synced(
    app: Studybot, client: StudyClient, fake: FakeDiscord
) -> None:
    app.registry.add(Command("ping", "Check the bot answers", _noop))
    restarted = StudyClient(app)
    async with restarted:
        await restarted.login(TOKEN)
    puts = fake.matching("PUT", COMMANDS)
    assert len(puts) == 2
    assert "ping" in {c["name"] for c in puts[-1].body}


async def test_sync_to_one_guild_uploads_there(client: StudyClient, fake: FakeDiscord) -> None:
    sync = CommandSync(client.tree, client.commands.state_file)
    count = await sync.sync(guild_id=42)
    assert count == len(synced(fake))
    assert fake.matching("PUT", rf"/api/v10/applications/{APP_ID}/guilds/42/commands")
    assert sync.is_current(guild_id=42)


async def test_a_member_option_is_discords_user_picker(
    client: StudyClient, fake: FakeDiscord
) -> None:
    member = next(o for o in synced(fake)["stats"]["options"] if o["name"] == "member")
    assert member["type"] == 6


async def test_a_command_that_is_also_a_group_is_offered_as_start(
    client: StudyClient, fake: FakeDiscord
) -> None:
    quiz = {o["name"]: o for o in synced(fake)["quiz"]["options"]}
    assert set(quiz) == {"start", "race"}
    assert {o["name"] for o in quiz["start"]["options"]} >= {"area", "difficulty", "count"}
    assert synced(fake)["quiz"].get("default_member_permissions") is None  # /quiz start is for all
