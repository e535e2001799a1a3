"""The neutral language between the core and the adapters.

Inbound, adapters turn platform events into `CommandInvocation`,
`ButtonPress` or `FormSubmission`. Outbound, the core answers with `Message`
and `Form` values that adapters render. Text uses a small Markdown subset:
`**bold**`, `_italic_`, `` `code` ``, lines starting with `- ` (bullets) and
`> ` (quotes). Text a member wrote is passed through `escape()` by the core,
so adapters can treat every backslash-escaped character as literal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import Literal, Protocol

from bot.record import record

ButtonStyle = Literal["primary", "secondary", "success", "danger"]


@record
class UserRef:
    platform: str
    workspace: str
    id: str
    name: str = field(default="", compare=False)

    @property
    def display(self) -> str:
        return self.name or self.id


@record
class ChannelRef:
    platform: str
    workspace: str
    id: str
    name: str = field(default="", compare=False)


@record
class Context:
    """Who acts, where, and whether their platform calls them an admin."""

    user: UserRef
    channel: ChannelRef
    is_admin: bool = False


@record
class CommandInvocation:
    ctx: Context
    name: str  # a registry name: "leaderboard", "studybot setup"
    args: Mapping[str, str] = field(default_factory=dict)


@record
class ButtonPress:
    ctx: Context
    action_id: str


@record
class FormSubmission:
    ctx: Context
    action_id: str
    values: Mapping[str, str] = field(default_factory=dict)


Inbound = CommandInvocation | ButtonPress | FormSubmission


@record
class Button:
    label: str
    action_id: str
    style: ButtonStyle = "secondary"


@record
class Field:
    name: str
    value: str
    inline: bool = True


@record
class Item:
    """One logical block of a long message (an answer in a reveal, say).

    Adapters may split a message between items, never inside one.
    """

    text: str
    buttons: tuple[Button, ...] = ()


@record
class Message:
    text: str = ""
    title: str = ""
    fields: tuple[Field, ...] = ()
    items: tuple[Item, ...] = ()
    buttons: tuple[Button, ...] = ()
    footer: str = ""
    private: bool = True
    kind: str = "reply"  # a rendering hint: reply, error, daily_post, reveal, leaderboard, ...
    # As the first reply to a button press: takes the place of the message that had the
    # button (a quiz question becomes its answer), so old buttons cannot be pressed twice
    # and the conversation reads as one card per step. Where a platform cannot edit that
    # message, it arrives as a new one.
    replaces_pressed: bool = False

    def all_buttons(self) -> tuple[Button, ...]:
        return self.buttons + tuple(b for item in self.items for b in item.buttons)


@record
class FormInput:
    id: str
    label: str
    style: Literal["short", "paragraph"] = "short"
    required: bool = True
    min_length: int = 0
    max_length: int = 4000
    placeholder: str = ""
    initial: str = ""


@record
class Form:
    """A modal. Titles stay within 24 characters (Slack's limit)."""

    action_id: str
    title: str
    inputs: tuple[FormInput, ...]
    submit_label: str = "Submit"
    intro: str = ""


Outgoing = Message | Form


@record
class PostRef:
    """Where a post the core made landed, so replies can go in its thread."""

    channel: ChannelRef
    id: str


class Poster(Protocol):
    """The port for messages the core sends by itself (schedules), per platform."""

    async def post(
        self, channel: ChannelRef, message: Message, *, thread: PostRef | None = None
    ) -> PostRef:
        """Post in a channel, or in the thread under `thread`."""
        ...

    async def open_group(self, members: Sequence[UserRef], about: ChannelRef) -> ChannelRef:
        """A private conversation for these members, started from `about` (Slack: a group
        DM; Discord: a private thread in `about`). Posting to the result reaches them all."""
        ...

    async def send_private(self, user: UserRef, message: Message) -> PostRef:
        """A direct message to one member."""
        ...


# str.translate, not re.sub: a substitution with a template runs Python code
# on every call (`re._subx`), ~8% of a vote's instructions under callgrind.
_INLINE_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_~|[]()<>@"})
# After the inline pass a line-start ">" is already "\>", so only # and - remain.
_LINE_START_SPECIALS = re.compile(r"^(\s*)([#-])", flags=re.MULTILINE)


def escape(text: str) -> str:
    """Make member-written text inert in the core's Markdown subset."""
    text = text.translate(_INLINE_ESCAPES)
    if "#" in text or "-" in text:
        text = _LINE_START_SPECIALS.sub(r"\1\\\2", text)
    return text


def unescape(text: str) -> str:
    """Plain text back from `escape` (for adapters that render plain text)."""
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)
