"""An in-memory platform: act as any member in any channel, read what they see.

Every message is recorded where a member would see it: public ones in their
channel, private ones in the member's inbox. Buttons are pressed by label,
forms filled by field id, exactly as a person would on a real platform.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from bot.app import Studybot
from bot.envelope import (
    Button,
    ButtonPress,
    ChannelRef,
    CommandInvocation,
    Context,
    Form,
    FormSubmission,
    Message,
    Outgoing,
    PostRef,
    UserRef,
)
from bot.errors import UserError
from bot.record import record

PLATFORM = "console"


@record
class Delivered:
    """A message as it landed: where, for whom, and in which thread."""

    message: Message
    channel: str
    ref: str
    to: str | None = None  # member name for private messages
    thread: str | None = None
    edited: bool = False  # took the place of the message with the pressed button

    @property
    def text(self) -> str:
        m = self.message
        parts = [m.title, m.text, *(f"{f.name}: {f.value}" for f in m.fields)]
        parts += [item.text for item in m.items] + [m.footer]
        return "\n".join(part for part in parts if part)


class MemoryAdapter:
    def __init__(self, app: Studybot, workspace: str = "local") -> None:
        self.app = app
        self.workspace = workspace
        self.admins: set[str] = set()
        self.log: list[Delivered] = []
        self.open_forms: dict[str, tuple[str, Form]] = {}  # member -> (channel, form)
        self.groups: dict[str, set[str]] = {}  # private conversation -> its members
        self.listeners: list[Callable[[Delivered], None]] = []
        self.form_listeners: list[Callable[[str, Form], None]] = []
        self._refs = itertools.count(1)
        app.attach(PLATFORM, self)

    # -- identities -------------------------------------------------------
    def user(self, name: str) -> UserRef:
        return UserRef(PLATFORM, self.workspace, name, name=name)

    def channel(self, name: str) -> ChannelRef:
        name = name.removeprefix("#")
        return ChannelRef(PLATFORM, self.workspace, name, name=name)

    def context(self, user: str, channel: str, admin: bool | None = None) -> Context:
        is_admin = user in self.admins if admin is None else admin
        return Context(self.user(user), self.channel(channel), is_admin=is_admin)

    # -- acting -----------------------------------------------------------
    async def command(
        self, user: str, line: str, channel: str = "general", admin: bool | None = None
    ) -> list[Outgoing]:
        """Run a slash command typed as text, e.g. `/leaderboard week`."""
        ctx = self.context(user, channel, admin)
        try:
            command, raw = self.app.registry.parse(line)
        except UserError as error:
            replies: list[Outgoing] = [Message(text=str(error), kind="error")]
        else:
            replies = await self.app.handle(CommandInvocation(ctx, command.name, raw))
        return self._deliver(user, channel, replies)

    async def press(
        self,
        user: str,
        label: str,
        channel: str | None = None,
        containing: str = "",
        admin: bool | None = None,
    ) -> list[Outgoing]:
        """Press the newest button with this label that `user` can see (in `channel`, if
        given), in the conversation where it is shown.

        `containing` narrows it to the item (or message) whose text includes it,
        e.g. the upvote button under bob's answer.
        """
        delivered, button = self.find_button(user, label, channel, containing)
        ctx = self.context(user, delivered.channel, admin)
        replies = await self.app.handle(ButtonPress(ctx, button.action_id))
        first = replies[0] if replies else None
        if isinstance(first, Message) and first.replaces_pressed:
            self._edit(delivered, first)
            self._deliver(user, delivered.channel, replies[1:])
            return replies
        return self._deliver(user, delivered.channel, replies)

    async def submit(
        self, user: str, values: Mapping[str, str], admin: bool | None = None
    ) -> list[Outgoing]:
        """Fill in and submit the form most recently opened for `user`."""
        if user not in self.open_forms:
            raise AssertionError(f"{user} has no open form")
        channel, form = self.open_forms.pop(user)
        known = {field.id for field in form.inputs}
        unknown = set(values) - known
        if unknown:
            raise AssertionError(f"form {form.title!r} has no field {sorted(unknown)}")
        event = FormSubmission(self.context(user, channel, admin), form.action_id, dict(values))
        return self._deliver(user, channel, await self.app.handle(event))

    # -- reading ----------------------------------------------------------
    def visible_to(self, user: str, channel: str | None = None) -> list[Delivered]:
        return [
            d for d in self.log if self._sees(user, d) and (channel is None or d.channel == channel)
        ]

    def _sees(self, user: str, delivered: Delivered) -> bool:
        if delivered.to is not None:
            return delivered.to == user
        members = self.groups.get(delivered.channel)
        return members is None or user in members

    def public(self, channel: str = "general") -> list[Delivered]:
        return [d for d in self.log if d.to is None and d.channel == channel]

    def inbox(self, user: str) -> list[Delivered]:
        return [d for d in self.log if d.to == user]

    def last(self, user: str) -> Delivered:
        return self.visible_to(user)[-1]

    def find_button(
        self, user: str, label: str, channel: str | None = None, containing: str = ""
    ) -> tuple[Delivered, Button]:
        for delivered in reversed(self.visible_to(user, channel)):
            for button in _buttons_matching(delivered.message, label, containing):
                return delivered, button
        where = f" in #{channel}" if channel else ""
        raise AssertionError(f"{user} sees no button {label!r}{where}")

    # -- the Poster port ---------------------------------------------------
    async def post(
        self, channel: ChannelRef, message: Message, *, thread: PostRef | None = None
    ) -> PostRef:
        ref = f"m{next(self._refs)}"
        self._record(Delivered(message, channel.id, ref, thread=thread.id if thread else None))
        return PostRef(channel, ref)

    async def open_group(self, members: Sequence[UserRef], about: ChannelRef) -> ChannelRef:
        """A private conversation: a channel named after its members, only they see it."""
        names = sorted(member.id for member in members)
        group = ChannelRef(PLATFORM, self.workspace, "group:" + ",".join(names))
        self.groups[group.id] = set(names)
        return group

    async def send_private(self, user: UserRef, message: Message) -> PostRef:
        ref = f"m{next(self._refs)}"
        self._record(Delivered(message, "dm", ref, to=user.id))
        return PostRef(ChannelRef(PLATFORM, self.workspace, "dm:" + user.id), ref)

    def _record(self, delivered: Delivered) -> None:
        self.log.append(delivered)
        self._tell(delivered)

    def _edit(self, old: Delivered, message: Message) -> None:
        """`message` in place of `old`, where `old` was (as Slack and Discord edit it)."""
        edited = replace(old, message=message, edited=True)
        self.log[self.log.index(old)] = edited
        self._tell(edited)

    def _tell(self, delivered: Delivered) -> None:
        for listener in self.listeners:
            listener(delivered)

    def _deliver(self, user: str, channel: str, replies: list[Outgoing]) -> list[Outgoing]:
        for reply in replies:
            if isinstance(reply, Form):
                self.open_forms[user] = (channel, reply)
                for form_listener in self.form_listeners:
                    form_listener(user, reply)
                continue
            ref = f"m{next(self._refs)}"
            self._record(Delivered(reply, channel, ref, to=user if reply.private else None))
        return replies


def _buttons_matching(message: Message, label: str, containing: str) -> list[Button]:
    wanted = label.casefold()
    groups = [(message.text + message.title, message.buttons)]
    groups += [(item.text, item.buttons) for item in message.items]
    return [
        button
        for text, buttons in groups
        if not containing or containing.casefold() in text.casefold()
        for button in buttons
        if button.label.casefold() == wanted
    ]
