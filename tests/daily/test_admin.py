"""Channel setup: admins only, and bad values explained."""

from __future__ import annotations

import pytest

from adapters.console.memory import MemoryAdapter
from bot.envelope import Form, Message
from tests.daily.helpers import configure, reply_text


async def test_members_who_are_not_admins_are_refused(testbot: MemoryAdapter) -> None:
    for line in ("/studybot setup time:10:00", "/studybot pause", "/studybot post-now"):
        text = reply_text(await testbot.command("mallory", line, admin=False))
        assert "for admins" in text


@pytest.mark.parametrize(
    ("option", "explains"),
    [
        ("timezone:Mars/Base", "IANA name such as `Europe/Berlin`"),
        ("time:25:00", "24-hour HH:MM"),
        ("areas:astrology", "comma list of: fundamentals, evaluation"),
        ("days:someday", "mon, tue, wed, thu, fri, sat, sun"),
        ("difficulty:brutal", "easy, medium, hard or any"),
        ("reveal:30h", "between 1 minute and 23 hours"),
    ],
)
async def test_invalid_settings_list_what_is_accepted(
    testbot: MemoryAdapter, option: str, explains: str
) -> None:
    await configure(testbot)
    text = reply_text(await testbot.command("admin", f"/studybot setup {option}", admin=True))
    assert explains in text
    [config] = await testbot.command("admin", "/studybot config")
    assert isinstance(config, Message)
    assert {f.name: f.value for f in config.fields}["Time"] == "09:00"  # nothing changed


async def test_setup_without_options_opens_a_prefilled_form(testbot: MemoryAdapter) -> None:
    await configure(testbot, options="time:07:45 timezone:Asia/Tokyo")
    [form] = await testbot.command("admin", "/studybot setup", admin=True)
    assert isinstance(form, Form)
    assert {i.id: i.initial for i in form.inputs}["time"] == "07:45"
    await testbot.submit(
        "admin",
        {
            "time": "08:15",
            "timezone": "Europe/Paris",
            "days": "weekdays",
            "areas": "trees, llm",
            "difficulty": "any",
        },
        admin=True,
    )
    [config] = await testbot.command("admin", "/studybot config")
    assert isinstance(config, Message)
    fields = {f.name: f.value for f in config.fields}
    assert fields["Time"] == "08:15" and fields["Areas"] == "trees, llm"
    assert fields["Days"] == "mon, tue, wed, thu, fri"


async def test_commands_in_an_unconfigured_channel_say_how_to_start(
    testbot: MemoryAdapter,
) -> None:
    text = reply_text(await testbot.command("alice", "/answer hi"))
    assert "/studybot setup" in text
