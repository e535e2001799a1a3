"""The core's replies as Block Kit: messages, modals and the App Home. Pure functions only.

Slack's limits shape the output: 3,000 characters per section, 10 fields per
section, 25 buttons per actions block, 50 blocks per message, 100 per view,
24 characters for a modal title. A long message is split into several
messages between its items, never inside one.

All text goes through `mrkdwn`, which escapes `&`, `<` and `>`: whatever a
member wrote can never become `<!channel>`, `<!here>` or a mention.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from adapters.slack.translate import METADATA_ACTION, METADATA_CHANNEL, METADATA_CHANNEL_NAME
from bot.envelope import Button, ChannelRef, Field, Form, FormInput, Item, Message
from bot.record import record

Block = dict[str, Any]

SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
HEADER_LIMIT = 150
BUTTON_LABEL_LIMIT = 75
BUTTONS_PER_ACTIONS = 25
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MODAL_TITLE_LIMIT = 24
INPUT_MAX_LENGTH = 3000  # Slack's plain_text_input cap
FALLBACK_LIMIT = 300

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INLINE = re.compile(r"\\(.)|(\*\*)|([&<>])", flags=re.DOTALL)
_BULLET = re.compile(r"^(\s*)- ")
_QUOTE = re.compile(r"^(\s*)> ?")
_PLAIN_MARKERS = re.compile(r"\\(.)|\*\*|`", flags=re.DOTALL)


# -- text -----------------------------------------------------------------


def escape_entities(text: str) -> str:
    return "".join(_ENTITIES.get(char, char) for char in text)


def mrkdwn(text: str) -> str:
    """The core's Markdown subset as Slack mrkdwn, with `&`, `<`, `>` escaped."""
    return "\n".join(_mrkdwn_line(line) for line in text.split("\n"))


def _mrkdwn_line(line: str) -> str:
    prefix = ""
    if bullet := _BULLET.match(line):
        prefix, line = bullet.group(1) + "• ", line[bullet.end() :]
    elif quote := _QUOTE.match(line):
        # A quote marker the core wrote (member text has its `>` escaped) stays live.
        prefix, line = quote.group(1) + ">", line[quote.end() :]
    return prefix + _INLINE.sub(_inline, line)


def _inline(match: re.Match[str]) -> str:
    escaped, bold, special = match.groups()
    if escaped is not None:
        return escape_entities(escaped)
    if bold is not None:
        return "*"
    return _ENTITIES[special]


def plain(text: str, limit: int | None = None) -> str:
    """Core Markdown as plain text (headers, labels): markers dropped, escapes literal."""
    flat = _PLAIN_MARKERS.sub(lambda m: m.group(1) or "", text).strip()
    return truncate(flat, limit) if limit is not None else flat


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at line ends, else at spaces (a quoted
    line keeps its `>` in every piece)."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        quoted = line.startswith(">")
        while len(line) > limit:
            cut = _cut_point(line, limit)
            pieces.append(line[:cut].rstrip())
            # A quote cut in two stays a quote in the next section.
            line = (">" if quoted else "") + line[cut:].lstrip()
        current = line
    if current.strip():
        pieces.append(current)
    return pieces


def _cut_point(line: str, limit: int) -> int:
    cut = line.rfind(" ", 0, limit + 1)
    if cut <= limit // 2:
        cut = limit
    entity = line.rfind("&", max(0, cut - 5), cut)  # never split `&amp;`, `&lt;`, `&gt;`
    if entity != -1 and ";" not in line[entity:cut]:
        cut = entity
    return cut


# -- blocks ---------------------------------------------------------------


def plain_text(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": plain(text, limit) or " ", "emoji": True}


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def sections(core_text: str) -> list[Block]:
    return [section(piece) for piece in split_text(mrkdwn(core_text))]


class _ActionIds:
    """Slack wants unique action_ids per view or message; the core id rides in `value`."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def unique(self, action_id: str) -> str:
        candidate, n = action_id, 1
        while candidate in self.seen:
            n += 1
            candidate = f"{action_id}~{n}"
        self.seen.add(candidate)
        return candidate


def button(b: Button, ids: _ActionIds) -> Block:
    element: Block = {
        "type": "button",
        "text": plain_text(b.label, BUTTON_LABEL_LIMIT),
        "action_id": ids.unique(b.action_id),
        "value": b.action_id,
    }
    if b.style in ("primary", "success"):
        element["style"] = "primary"
    elif b.style == "danger":
        element["style"] = "danger"
    return element


def actions(buttons: Sequence[Button], ids: _ActionIds) -> list[Block]:
    step = BUTTONS_PER_ACTIONS
    rows = [buttons[i : i + step] for i in range(0, len(buttons), step)]
    return [{"type": "actions", "elements": [button(b, ids) for b in row]} for row in rows]


def _field_text(f: Field) -> str:
    return f"*{mrkdwn(f.name)}*\n{mrkdwn(f.value)}"


def field_blocks(fields: Sequence[Field]) -> list[Block]:
    """Inline fields side by side (10 per section), wide ones as their own sections, in order."""
    blocks: list[Block] = []
    row: list[Block] = []
    for f in fields:
        if f.inline:
            row.append({"type": "mrkdwn", "text": truncate(_field_text(f), FIELD_LIMIT)})
        if row and (not f.inline or len(row) == FIELDS_PER_SECTION):
            blocks.append({"type": "section", "fields": row})
            row = []
        if not f.inline:
            blocks += [section(piece) for piece in split_text(_field_text(f))]
    if row:
        blocks.append({"type": "section", "fields": row})
    return blocks


def item_blocks(item: Item, ids: _ActionIds) -> list[Block]:
    blocks = sections(item.text)
    if len(item.buttons) == 1 and blocks:
        blocks[0]["accessory"] = button(item.buttons[0], ids)
    else:
        blocks += actions(item.buttons, ids)
    return blocks


def footer_block(footer: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(mrkdwn(footer), SECTION_LIMIT)}],
    }


def message_chunks(message: Message, ids: _ActionIds | None = None) -> list[list[Block]]:
    """The message's blocks in groups that must stay in one Slack message."""
    ids = ids or _ActionIds()
    chunks: list[list[Block]] = []
    if message.title:
        chunks.append([{"type": "header", "text": plain_text(message.title, HEADER_LIMIT)}])
    text = f":warning: {message.text}" if message.kind == "error" and message.text else message.text
    chunks += [[block] for block in sections(text)]
    chunks += [[block] for block in field_blocks(message.fields)]
    if message.items and chunks:
        chunks.append([{"type": "divider"}])
    chunks += [item_blocks(item, ids) for item in message.items]
    if message.buttons:
        chunks.append(actions(message.buttons, ids))
    if message.footer:
        chunks.append([footer_block(message.footer)])
    return [chunk[:MESSAGE_BLOCKS] for chunk in chunks if chunk]


def pack(chunks: Iterable[list[Block]], limit: int) -> list[list[Block]]:
    """Fill pages of at most `limit` blocks without breaking a chunk."""
    pages: list[list[Block]] = []
    page: list[Block] = []
    for chunk in chunks:
        if page and len(page) + len(chunk) > limit:
            pages.append(page)
            page = []
        page += chunk
    if page:
        pages.append(page)
    return pages


# -- messages -------------------------------------------------------------


@record
class SlackMessage:
    """One chat message: notification text plus blocks."""

    text: str
    blocks: list[Block]


def fallback_text(message: Message) -> str:
    """What notifications and screen readers show; escaped like everything else."""
    source = message.title or message.text or (message.items[0].text if message.items else "")
    first_line = plain(source).split("\n", 1)[0]
    return escape_entities(truncate(first_line, FALLBACK_LIMIT)) or "studybot"


def render_message(message: Message) -> list[SlackMessage]:
    pages = pack(message_chunks(message), MESSAGE_BLOCKS) or [[section(" ")]]
    text = fallback_text(message)
    return [
        SlackMessage(text if n == 0 else f"{text} (continued)", blocks)
        for n, blocks in enumerate(pages)
    ]


# -- views ----------------------------------------------------------------


def form_metadata(form: Form, channel: ChannelRef) -> str:
    return json.dumps(
        {
            METADATA_ACTION: form.action_id,
            METADATA_CHANNEL: channel.id,
            METADATA_CHANNEL_NAME: channel.name,
        },
        separators=(",", ":"),
    )


def input_block(field: FormInput) -> Block:
    max_length = min(field.max_length, INPUT_MAX_LENGTH)
    element: Block = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": field.style == "paragraph",
        "max_length": max_length,
    }
    if field.min_length:
        element["min_length"] = min(field.min_length, max_length)
    if field.placeholder:
        element["placeholder"] = plain_text(field.placeholder, 150)
    if field.initial:
        element["initial_value"] = field.initial[:max_length]
    return {
        "type": "input",
        "block_id": field.id,
        "optional": not field.required,
        "label": plain_text(field.label, 2000),
        "element": element,
    }


def render_modal(form: Form, channel: ChannelRef) -> dict[str, Any]:
    inputs = [input_block(field) for field in form.inputs]
    intro = sections(form.intro)[: VIEW_BLOCKS - len(inputs)]
    return {
        "type": "modal",
        "callback_id": form.action_id,
        "private_metadata": form_metadata(form, channel),
        "title": plain_text(form.title, MODAL_TITLE_LIMIT),
        "submit": plain_text(form.submit_label, MODAL_TITLE_LIMIT),
        "close": plain_text("Cancel", MODAL_TITLE_LIMIT),
        "blocks": intro + inputs,
    }


def render_home(messages: Sequence[Message]) -> dict[str, Any]:
    """The App Home tab: the given replies one after another, within 100 blocks."""
    ids = _ActionIds()
    chunks: list[list[Block]] = []
    for n, message in enumerate(messages):
        if n:
            chunks.append([{"type": "divider"}])
        chunks += message_chunks(message, ids)
    blocks: list[Block] = []
    for chunk in chunks:
        if len(blocks) + len(chunk) > VIEW_BLOCKS:
            break
        blocks += chunk
    return {"type": "home", "blocks": blocks or [section("Welcome to studybot. Try `/help`.")]}
