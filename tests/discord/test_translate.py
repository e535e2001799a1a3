"""Interaction payloads as core events (pure, no client)."""

from __future__ import annotations

from adapters.discord import translate
from tests.discord import payloads


def test_a_subcommand_becomes_a_two_word_registry_name() -> None:
    data = payloads.slash(
        "studybot setup", payloads.option("time", "09:00"), payloads.option("reveal", "12h")
    )["data"]
    assert translate.command_call(data) == ("studybot setup", {"time": "09:00", "reveal": "12h"})


def test_option_values_arrive_as_text() -> None:
    data = payloads.slash("quiz", payloads.option("count", 5))["data"]
    assert translate.command_call(data) == ("quiz", {"count": "5"})


def test_modal_values_are_read_from_labels_and_rows() -> None:
    labelled = payloads.submit("sb:setup", {"time": "09:00", "days": "daily"})["data"]
    rows = {
        "custom_id": "sb:setup",
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "time", "value": "10:00"}]}
        ],
    }
    assert translate.form_values(labelled) == {"time": "09:00", "days": "daily"}
    assert translate.form_values(rows) == {"time": "10:00"}


def test_manage_server_or_the_admins_setting_makes_an_admin() -> None:
    assert translate.is_admin(translate.MANAGE_GUILD, "1", [])
    assert translate.is_admin(translate.ADMINISTRATOR, "1", [])
    assert translate.is_admin(0, "7", ["7"])
    assert not translate.is_admin(payloads.MEMBER_PERMISSIONS, "1", ["7"])


def test_context_uses_the_guild_as_workspace() -> None:
    ctx = translate.context(
        guild_id=42,
        channel_id=9,
        channel_name="ml",
        user_id=5,
        user_name="Alice",
        permissions=0,
    )
    assert (ctx.user.platform, ctx.user.workspace, ctx.user.id) == ("discord", "42", "5")
    assert (ctx.channel.id, ctx.channel.name, ctx.is_admin) == ("9", "ml", False)


def test_only_core_action_ids_are_routed() -> None:
    assert translate.is_core_action("sb:vote:3")
    assert not translate.is_core_action("other-bot:vote")


def test_the_start_subcommand_reaches_the_bare_core_command() -> None:
    data = {
        "name": "quiz",
        "options": [{"type": 1, "name": "start", "options": [{"name": "count", "value": 3}]}],
    }
    assert translate.command_call(data) == ("quiz", {"count": "3"})


def test_a_dm_button_carries_its_server_and_gives_it_back() -> None:
    scoped = translate.dm_custom_id("42", "sb:buddy-rejoin:7")
    assert scoped == "sbx:dm:42:sb:buddy-rejoin:7"
    assert translate.split_dm_custom_id(scoped) == ("42", "sb:buddy-rejoin:7")


def test_a_dm_button_that_would_not_fit_or_has_no_server_stays_as_it_is() -> None:
    long_action = "sb:x:" + "9" * 95
    assert translate.dm_custom_id("42", long_action) == long_action
    assert translate.dm_custom_id("@me", "sb:x:1") == "sb:x:1"


def test_only_well_formed_dm_custom_ids_are_read() -> None:
    assert translate.split_dm_custom_id("sb:vote:3") is None
    assert translate.split_dm_custom_id("sbx:dm:abc:sb:x:1") is None
    assert translate.split_dm_custom_id("sbx:dm:42:other:x") is None
