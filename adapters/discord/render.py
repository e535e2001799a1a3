"""Core replies as Discord messages and modals. Pure: no I/O, no client.

A `Message` becomes one or more `Part`s, each within Discord's limits: 2,000
characters of content, 10 embeds whose text adds up to 6,000 at most, 4,096
per embed description, 25 fields, and 5 rows of 5 buttons. Items (answers in
a reveal, parts of a buddy packet) become an embed each (a long one several,
cut at line ends), their buttons numbered to match; a long message is split
between items, never inside one.

Core text arrives in a Markdown subset Discord already speaks, with member
text escaped by the core, so it is passed through unchanged. Only plain-text
places (button labels, modal titles, thread names) are unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import discord

from bot.envelope import Button, Form, Item, Message, unescape
from bot.record import record

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
FIELDS_PER_EMBED = 25
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_LIMIT = 6000
BUTTONS_PER_ROW = 5
ROWS_PER_MESSAGE = 5
BUTTONS_PER_MESSAGE = BUTTONS_PER_ROW * ROWS_PER_MESSAGE
LABEL_LIMIT = 80
ITEM_LIMIT = EMBED_TOTAL_LIMIT - 100  # an item fits one message, with room for its numbering

MODAL_TITLE_LIMIT = 45
INPUT_LABEL_LIMIT = 45
INPUT_DESCRIPTION_LIMIT = 100
PLACEHOLDER_LIMIT = 100
TEXT_INPUT_LIMIT = 4000
MODAL_COMPONENTS = 5
THREAD_NAME_LIMIT = 100

_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}
_COLOURS = {
    "error": discord.Colour.red(),
    "daily_post": discord.Colour.blurple(),
    "reveal": discord.Colour.green(),
    "leaderboard": discord.Colour.gold(),
    "stats": discord.Colour.teal(),
    "quiz": discord.Colour.blurple(),
    "quiz_summary": discord.Colour.gold(),
    "quiz_race": discord.Colour.orange(),
    "quiz_race_results": discord.Colour.gold(),
    "review": discord.Colour.purple(),
    "buddy_intro": discord.Colour.fuchsia(),
    "buddy_checkin": discord.Colour.fuchsia(),
    "buddy_paused": discord.Colour.greyple(),
}
_DEFAULT_COLOUR = discord.Colour.dark_teal()


@record
class ButtonSpec:
    label: str
    custom_id: str
    style: discord.ButtonStyle = discord.ButtonStyle.secondary


@record
class Part:
    """One Discord message: content and/or embeds, and rows of buttons."""

    content: str = ""
    embeds: tuple[discord.Embed, ...] = field(default=(), compare=False)
    rows: tuple[tuple[ButtonSpec, ...], ...] = ()

    @property
    def buttons(self) -> tuple[ButtonSpec, ...]:
        return tuple(button for row in self.rows for button in row)


@record
class InputSpec:
    custom_id: str
    label: str
    style: discord.TextStyle
    required: bool
    min_length: int | None
    max_length: int
    placeholder: str | None
    default: str | None


@record
class ModalSpec:
    custom_id: str
    title: str
    intro: str
    inputs: tuple[InputSpec, ...]


@dataclass
class _Block:
    """Embeds (or plain content) with their buttons, kept together in one part."""

    embeds: list[discord.Embed] = field(default_factory=list)
    buttons: list[ButtonSpec] = field(default_factory=list)
    own_row: bool = False  # the message's buttons; items' buttons share rows

    @property
    def size(self) -> int:
        return sum(len(embed) for embed in self.embeds)


# -- text helpers -----------------------------------------------------------


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_MARKERS = re.compile(r"(?<!\\)(\*\*|`)")


def plain(text: str, limit: int) -> str:
    """Core text for a place that shows no Markdown: markers dropped, escapes undone."""
    return clip(unescape(_MARKERS.sub("", text)).strip(), limit)


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most `limit` characters, cut at line ends, else spaces."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    if rest or not chunks:
        chunks.append(rest)
    return chunks


# -- messages ---------------------------------------------------------------


def button_spec(button: Button, suffix: str = "") -> ButtonSpec:
    label = plain(button.label, LABEL_LIMIT - len(suffix)) + suffix
    return ButtonSpec(label=label, custom_id=button.action_id, style=_STYLES[button.style])


def render_message(message: Message) -> list[Part]:
    """Every Discord message needed to show `message`, in order."""
    if _is_plain(message):
        buttons = [button_spec(b) for b in message.buttons]
        return _pack([_Block(buttons=buttons, own_row=True)], message.text)
    blocks = _head_blocks(message)
    # Numbers pair items with their buttons ("Upvote #2"); items without buttons
    # (the parts of a buddy packet, say) read better without them.
    numbered = len(message.items) > 1 and any(item.buttons for item in message.items)
    blocks += [
        _item_block(message, index, item, numbered)
        for index, item in enumerate(message.items, start=1)
    ]
    return _pack(blocks)


def _is_plain(message: Message) -> bool:
    """A short sentence reads better as text than as a card."""
    return (
        not (message.title or message.fields or message.items or message.footer)
        and 0 < len(message.text) <= CONTENT_LIMIT
        and len(message.buttons) <= BUTTONS_PER_MESSAGE
    )


def _colour(message: Message) -> discord.Colour:
    return _COLOURS.get(message.kind, _DEFAULT_COLOUR)


def _head_blocks(message: Message) -> list[_Block]:
    colour = _colour(message)
    chunks = split_text(message.text, DESCRIPTION_LIMIT) if message.text else [""]
    embeds = [discord.Embed(description=chunk or None, colour=colour) for chunk in chunks]
    if message.title:
        embeds[0].title = clip(message.title, TITLE_LIMIT)
    for f in message.fields:
        name = clip(f.name, FIELD_NAME_LIMIT) or "\u200b"
        value = clip(f.value, FIELD_VALUE_LIMIT) or "\u200b"
        current = embeds[-1]
        if len(current.fields) == FIELDS_PER_EMBED or _overflows(current, name + value):
            embeds.append(discord.Embed(colour=colour))
        embeds[-1].add_field(name=name, value=value, inline=f.inline)
    if message.footer:
        footer = plain(message.footer, FOOTER_LIMIT)  # footers show no Markdown
        if _overflows(embeds[-1], footer):
            embeds.append(discord.Embed(colour=colour))
        embeds[-1].set_footer(text=footer)
    blocks = [_Block(embeds=[embed]) for embed in embeds if len(embed) > 0]
    if not blocks:
        blocks = [_Block(embeds=[discord.Embed(description="\u200b", colour=colour)])]
    blocks[-1].buttons = [button_spec(b) for b in message.buttons]
    blocks[-1].own_row = True
    return blocks


def _overflows(embed: discord.Embed, more: str) -> bool:
    return len(embed) + len(more) > EMBED_TOTAL_LIMIT


def _item_block(message: Message, index: int, item: Item, numbered: bool) -> _Block:
    """An item in one or more embeds, cut at line ends, that always fit one message."""
    title = f"#{index}" if numbered else ""
    text = clip(item.text, ITEM_LIMIT - len(title)) or "\u200b"
    embeds = [
        discord.Embed(description=chunk, colour=_colour(message))
        for chunk in split_text(text, DESCRIPTION_LIMIT)
    ]
    suffix = ""
    if numbered:
        embeds[0].title = title
        suffix = f" #{index}"
    return _Block(embeds=embeds, buttons=[button_spec(b, suffix) for b in item.buttons])


def _pack(blocks: Sequence[_Block], content: str = "") -> list[Part]:
    """Fill messages greedily, starting a new one whenever a limit would be passed."""
    parts: list[Part] = []
    embeds: list[discord.Embed] = []
    head: list[ButtonSpec] = []  # the message's own buttons, on rows of their own
    items: list[ButtonSpec] = []  # the items' buttons, filling rows after those
    size = 0
    for block in _within_button_limit(blocks):
        more_head = head + block.buttons if block.own_row else head
        more_items = items if block.own_row else items + block.buttons
        too_many_embeds = len(embeds) + len(block.embeds) > EMBEDS_PER_MESSAGE
        too_big = size + block.size > EMBED_TOTAL_LIMIT
        too_many_rows = len(_rows(more_head, more_items)) > ROWS_PER_MESSAGE
        if (embeds or head or items) and (too_many_embeds or too_big or too_many_rows):
            parts.append(_part(content if not parts else "", embeds, _rows(head, items)))
            embeds, head, items, size = [], [], [], 0
            more_head = block.buttons if block.own_row else []
            more_items = [] if block.own_row else block.buttons
        embeds += block.embeds
        head, items = list(more_head), list(more_items)
        size += block.size
    if embeds or head or items or not parts:
        parts.append(_part(content if not parts else "", embeds, _rows(head, items)))
    return parts


def _within_button_limit(blocks: Sequence[_Block]) -> Iterator[_Block]:
    """A block with more buttons than one message holds continues in button-only blocks."""
    for block in blocks:
        first = block.buttons[:BUTTONS_PER_MESSAGE]
        yield _Block(embeds=block.embeds, buttons=first, own_row=block.own_row)
        for start in range(BUTTONS_PER_MESSAGE, len(block.buttons), BUTTONS_PER_MESSAGE):
            rest = block.buttons[start : start + BUTTONS_PER_MESSAGE]
            yield _Block(buttons=rest, own_row=block.own_row)


def _rows(*groups: list[ButtonSpec]) -> list[tuple[ButtonSpec, ...]]:
    return [
        tuple(group[start : start + BUTTONS_PER_ROW])
        for group in groups
        for start in range(0, len(group), BUTTONS_PER_ROW)
    ]


def _part(content: str, embeds: list[discord.Embed], rows: list[tuple[ButtonSpec, ...]]) -> Part:
    return Part(content=content, embeds=tuple(embeds), rows=tuple(rows))


# -- forms ------------------------------------------------------------------


def render_form(form: Form) -> ModalSpec:
    """A modal: the core's action id as custom_id, an intro above the inputs."""
    inputs = tuple(
        InputSpec(
            custom_id=item.id,
            label=plain(item.label, INPUT_LABEL_LIMIT) or item.id,
            style=discord.TextStyle.paragraph
            if item.style == "paragraph"
            else discord.TextStyle.short,
            required=item.required,
            min_length=min(item.min_length, TEXT_INPUT_LIMIT) or None,
            max_length=max(1, min(item.max_length, TEXT_INPUT_LIMIT)),
            placeholder=plain(item.placeholder, PLACEHOLDER_LIMIT) or None,
            default=clip(item.initial, TEXT_INPUT_LIMIT) or None,
        )
        for item in form.inputs[:MODAL_COMPONENTS]
    )
    room_for_intro = len(inputs) < MODAL_COMPONENTS
    return ModalSpec(
        custom_id=form.action_id,
        title=plain(form.title, MODAL_TITLE_LIMIT) or "studybot",
        intro=clip(form.intro, TEXT_INPUT_LIMIT) if room_for_intro else "",
        inputs=inputs,
    )


def thread_name(message: Message) -> str:
    """A thread's name: the title of what opens it, as plain text."""
    return plain(message.title or message.text.split("\n", 1)[0], THREAD_NAME_LIMIT) or "studybot"
