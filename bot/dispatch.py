"""One way in for every inbound event, and the two error paths.

A `UserError` becomes a private reply carrying its message. Anything else is
a bug: it is logged with an incident id, and the member sees a short apology
quoting that id, never exception text.
"""

from __future__ import annotations

import logging
import secrets

from bot.envelope import (
    ButtonPress,
    CommandInvocation,
    Form,
    FormSubmission,
    Inbound,
    Message,
    Outgoing,
)
from bot.errors import NotAllowed, NotFound, UserError
from bot.registry import Registry, Reply, parse_action_id

log = logging.getLogger("studybot.dispatch")


def new_incident_id() -> str:
    return secrets.token_hex(4).upper()


def apology(incident: str) -> Message:
    return Message(
        text=(
            "Sorry, something went wrong on our side. Nothing you saved was lost. "
            f"If it happens again, give an admin this incident id: `{incident}`."
        ),
        private=True,
        kind="error",
    )


class Dispatcher:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    async def handle(self, event: Inbound) -> list[Outgoing]:
        try:
            return _as_list(await self._route(event))
        except UserError as error:
            return [Message(text=str(error), private=True, kind="error")]
        except Exception:
            incident = new_incident_id()
            log.exception("incident %s while handling %s", incident, _describe(event))
            return [apology(incident)]

    async def _route(self, event: Inbound) -> Reply:
        if isinstance(event, CommandInvocation):
            command = self.registry.get(event.name)
            if command.admin and not event.ctx.is_admin:
                raise NotAllowed(
                    f"`/{command.name}` is for admins of this server or workspace. "
                    "Ask one of them to run it."
                )
            return await command.handler(event.ctx, command.convert_args(event.args))
        verb, parts = parse_action_id(event.action_id)
        if isinstance(event, ButtonPress):
            button = self.registry.buttons.get(verb)
            if button is None:
                raise NotFound("That button no longer does anything. Try the command again.")
            return await button(event.ctx, parts)
        form = self.registry.forms.get(verb)
        if form is None:
            raise NotFound("That form has expired. Open it again from its button or command.")
        return await form(event.ctx, parts, event.values)


def _as_list(reply: Reply) -> list[Outgoing]:
    # The concrete types, not `Sequence`: an ABC's isinstance goes through
    # `ABCMeta.__instancecheck__` in Python, on every event.
    if isinstance(reply, (Message, Form)):
        return [reply]
    return list(reply)


def _describe(event: Inbound) -> str:
    where = f"{event.ctx.user.platform}:{event.ctx.channel.id} by {event.ctx.user.id}"
    if isinstance(event, CommandInvocation):
        return f"/{event.name} in {where}"
    if isinstance(event, ButtonPress):
        return f"button {event.action_id} in {where}"
    assert isinstance(event, FormSubmission)
    return f"form {event.action_id} in {where}"
