"""The terminal REPL: try studybot locally, by hand or from a script on stdin.

Syntax, one action per line (see README "Console"):

    /help                         the default member ("you", an admin) runs /help in #general
    alice: /answer Overfitting..  alice speaks (any name works)
    bob #ml: /leaderboard         bob speaks in #ml
    bob: [Upvote] alice           bob presses "Upvote" on the item that mentions alice
    alice: [Answer]               alice presses the newest "Answer" button she can see
    alice: {answer} My text       alice fills the open form's field "answer" and submits it
    :admin alice                  alice counts as an admin from now on
    :as alice / :in ml            change the default member / channel
    # a comment                   ignored, as are blank lines
    :quit                         leave (end of input does too)
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TextIO

from adapters.console.memory import Delivered, MemoryAdapter
from adapters.console.render import render_form, render_message
from bot.app import Studybot
from bot.envelope import Form

_SPEAKER = re.compile(r"^(?P<who>[A-Za-z][\w.-]*)?(?:\s*#(?P<chan>[\w-]+))?:\s+(?P<rest>.*)$")
_BUTTON = re.compile(r"^\[(?P<label>[^\]]+)\]\s*(?P<containing>.*)$")
_FIELD = re.compile(r"\{(?P<id>[\w-]+)\}\s*")


@dataclass
class Line:
    who: str
    channel: str
    rest: str


class Console:
    def __init__(self, app: Studybot, out: TextIO, speaker: str = "you") -> None:
        self.adapter = MemoryAdapter(app)
        self.out = out
        self.speaker = speaker
        self.channel = "general"
        self.adapter.admins.add(speaker)
        self.adapter.listeners.append(self._show)
        self.adapter.form_listeners.append(self._show_form)

    def _show(self, delivered: Delivered) -> None:
        where = f"#{delivered.channel}" + (" (thread)" if delivered.thread else "")
        if delivered.edited:
            where += " · edited in place"
        self.out.write(render_message(delivered.message, where, delivered.to))
        self.out.flush()

    def _show_form(self, user: str, form: Form) -> None:
        self.out.write(render_form(form, user))
        self.out.flush()

    def _say(self, text: str) -> None:
        self.out.write(f"·· {text}\n")
        self.out.flush()

    def split(self, raw: str) -> Line:
        match = _SPEAKER.match(raw) if not raw.startswith(("/", ":", "[", "{")) else None
        if match and (match.group("who") or match.group("chan")):
            return Line(
                match.group("who") or self.speaker,
                match.group("chan") or self.channel,
                match.group("rest").strip(),
            )
        return Line(self.speaker, self.channel, raw)

    async def run_line(self, raw: str) -> bool:
        """Act on one line; False means the session should end."""
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            return True
        if raw.startswith(":"):
            return self._directive(raw[1:].split())
        line = self.split(raw)
        if line.rest.startswith("/"):
            await self.adapter.command(line.who, line.rest, line.channel)
        elif button := _BUTTON.match(line.rest):
            await self._press(line, button.group("label"), button.group("containing"))
        elif line.rest.startswith("{"):
            await self._fill(line)
        else:
            self._say("Commands start with / (try /help); [Label] presses a button.")
        return True

    async def _press(self, line: Line, label: str, containing: str) -> None:
        try:
            self.adapter.find_button(line.who, label, containing=containing)
        except AssertionError:
            self._say(f"{_subject(line.who, 'sees', 'see')} no [{label}] button.")
            return
        await self.adapter.press(line.who, label, containing=containing)

    async def _fill(self, line: Line) -> None:
        if line.who not in self.adapter.open_forms:
            self._say(
                f"{_subject(line.who, 'has', 'have')} no open form; "
                "press a button that opens one first."
            )
            return
        pieces = _FIELD.split(line.rest)[1:]
        values = dict(zip(pieces[::2], (value.strip() for value in pieces[1::2]), strict=True))
        _, form = self.adapter.open_forms[line.who]
        known = {field.id for field in form.inputs}
        if unknown := sorted(set(values) - known):
            self._say(f"The form has no field {{{unknown[0]}}}; its fields: {sorted(known)}.")
            return
        await self.adapter.submit(line.who, values)

    def _directive(self, words: list[str]) -> bool:
        if not words:
            return True
        verb, args = words[0], words[1:]
        if verb in ("quit", "exit", "q"):
            return False
        if verb == "admin" and args:
            self.adapter.admins.update(args)
        elif verb == "as" and args:
            self.speaker = args[0]
        elif verb == "in" and args:
            self.channel = args[0].removeprefix("#")
        else:
            self._say("Directives: :admin NAME, :as NAME, :in CHANNEL, :quit")
        return True


async def run_console(
    app: Studybot,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    on_ready: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Read lines until end of input or `:quit`. `on_ready` runs once the console can
    receive posts (the CLI starts the scheduler there)."""
    stdin = stdin or sys.stdin
    console = Console(app, out or sys.stdout)
    if on_ready is not None:
        await on_ready()
    interactive = stdin.isatty()
    if interactive:
        console._say("studybot console. Type /help; :quit to leave. Syntax: see README 'Console'.")
    while True:
        if interactive:
            console.out.write(f"{console.speaker}> ")
            console.out.flush()
        raw = await asyncio.to_thread(stdin.readline)
        if not raw:  # end of input
            break
        if not await console.run_line(raw):
            break


def _subject(who: str, verb: str, verb_for_you: str) -> str:
    """ "bob sees", but "you see": the console's own speaker is "you"."""
    return f"you {verb_for_you}" if who == "you" else f"{who} {verb}"
