"""Slack payloads as the core's neutral values."""

from __future__ import annotations

from adapters.slack.translate import (
    command_line,
    command_origin,
    home_opened,
    interaction_origin,
    pressed_action_id,
    submitted_values,
)


def test_a_slash_command_becomes_one_line_for_the_registry() -> None:
    body = {"command": "/studybot", "text": " setup time:09:00 "}

    assert command_line(body) == "studybot setup time:09:00"


def test_entities_slack_encoded_in_command_text_are_decoded() -> None:
    body = {"command": "/answer", "text": "a &lt; b &amp;&amp; <@U2|bob>"}

    assert command_line(body) == "answer a < b && <@U2|bob>"


def test_command_origin_maps_team_user_and_channel() -> None:
    body = {
        "team_id": "T1",
        "user_id": "U1",
        "user_name": "alice",
        "channel_id": "C1",
        "channel_name": "general",
        "response_url": "https://hooks.example/1",
        "trigger_id": "t1",
    }

    origin = command_origin(body)

    assert (origin.user.platform, origin.user.workspace, origin.user.id) == ("slack", "T1", "U1")
    assert origin.user.name == "alice"
    assert (origin.channel.id, origin.channel.name) == ("C1", "general")
    assert origin.response_url == "https://hooks.example/1"
    assert origin.trigger_id == "t1"


def test_a_button_press_carries_the_core_action_id_from_its_value() -> None:
    body = {"actions": [{"action_id": "sb:vote:3~2", "value": "sb:vote:3"}]}

    assert pressed_action_id(body) == "sb:vote:3"


def test_a_press_in_the_app_home_answers_in_the_members_dm() -> None:
    body = {"user": {"id": "U1", "team_id": "T1", "username": "alice"}, "view": {"type": "home"}}

    origin = interaction_origin(body)

    assert origin.channel.id == "U1"
    assert origin.response_url is None


def test_submitted_values_are_keyed_by_input_id() -> None:
    view = {"state": {"values": {"answer": {"value": {"value": "hi"}}, "note": {"value": {}}}}}

    assert submitted_values(view) == {"answer": "hi", "note": ""}


def test_only_the_home_tab_counts_as_home_opened() -> None:
    body = {"team_id": "T1", "event_id": "Ev1", "event": {"type": "app_home_opened", "user": "U1"}}
    messages = {**body, "event": {**body["event"], "tab": "messages"}}

    opened = home_opened(body)

    assert opened is not None and opened.event_id == "Ev1" and opened.user.id == "U1"
    assert home_opened(messages) is None
