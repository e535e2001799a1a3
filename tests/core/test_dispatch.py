"""The dispatcher's two error paths."""

from __future__ import annotations

import logging

import pytest

from bot.dispatch import Dispatcher
from bot.envelope import ButtonPress, ChannelRef, CommandInvocation, Context, Message, UserRef
from bot.errors import UserError
from bot.registry import Args, Command, Registry

CTX = Context(UserRef("console", "w", "alice"), ChannelRef("console", "w", "general"))


async def explain(ctx: Context, args: Args) -> Message:
    raise UserError("You can't do that yet; try `/help`.")


async def crash(ctx: Context, args: Args) -> Message:
    raise RuntimeError("secret internal detail")


def dispatcher() -> Dispatcher:
    registry = Registry()
    registry.add(Command("explain", "raises a user error", explain))
    registry.add(Command("crash", "raises a bug", crash))
    registry.add(Command("admin-only", "needs rights", explain, admin=True))
    return Dispatcher(registry)


async def test_a_user_error_becomes_a_private_reply_with_its_message() -> None:
    [reply] = await dispatcher().handle(CommandInvocation(CTX, "explain"))
    assert isinstance(reply, Message)
    assert reply.private and reply.kind == "error"
    assert reply.text == "You can't do that yet; try `/help`."


async def test_a_bug_is_logged_with_an_incident_id_and_the_user_sees_only_an_apology(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        [reply] = await dispatcher().handle(CommandInvocation(CTX, "crash"))
    assert isinstance(reply, Message) and reply.private
    assert "secret internal detail" not in reply.text and "Traceback" not in reply.text
    [record] = caplog.records
    incident = record.getMessage().split()[1]
    assert f"`{incident}`" in reply.text
    assert record.exc_info is not None and "secret internal detail" in str(record.exc_info[1])


async def test_admin_commands_refuse_other_members() -> None:
    [reply] = await dispatcher().handle(CommandInvocation(CTX, "admin-only"))
    assert isinstance(reply, Message) and "for admins" in reply.text


async def test_an_unknown_button_is_explained() -> None:
    [reply] = await dispatcher().handle(ButtonPress(CTX, "something-else"))
    assert isinstance(reply, Message) and "not one of studybot's" in reply.text
