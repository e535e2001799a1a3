"""Messages and forms as terminal text: the core's Markdown subset, flattened."""

from __future__ import annotations

import re

from bot.envelope import Form, Message, unescape

_BOLD = re.compile(r"(?<!\\)\*\*(.+?)(?<!\\)\*\*")
_CODE = re.compile(r"(?<!\\)`([^`]*)`")


def plain(text: str) -> str:
    """Drop the Markdown markers a terminal cannot show; keep escaped characters literal."""
    text = _BOLD.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    return unescape(text)


def render_message(message: Message, where: str, to: str | None = None) -> str:
    audience = f"private to {to}" if to else "public"
    heading = f"── {where} · {plain(message.title) or 'studybot'} ({audience})"
    lines = [heading]
    if message.text:
        lines.append(plain(message.text))
    if message.fields:
        lines.append(" | ".join(f"{f.name}: {plain(f.value)}" for f in message.fields))
    for item in message.items:
        buttons = " ".join(f"[{b.label}]" for b in item.buttons)
        lines.append(f"  • {plain(item.text)}" + (f"   {buttons}" if buttons else ""))
    if message.buttons:
        lines.append("  " + " ".join(f"[{b.label}]" for b in message.buttons))
    if message.footer:
        lines.append(plain(message.footer))
    return "\n".join(lines) + "\n"


def render_form(form: Form, user: str) -> str:
    lines = [f"── form for {user}: {form.title}"]
    if form.intro:
        lines.append(plain(form.intro))
    fields = " ".join(f"{{{field.id}}} <{field.label.lower()}>" for field in form.inputs)
    lines.append(f"  fill it in with:  {user}: {fields}")
    return "\n".join(lines) + "\n"
