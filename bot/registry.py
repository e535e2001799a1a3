"""Commands, their typed parameters, and the opaque action ids of buttons and forms.

Adapters read the registry to build native slash commands. Platforms that
deliver a command as one line of text (Slack, the console) hand that line to
`Registry.parse`, so every platform parses arguments the same way.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.envelope import Context, Outgoing
from bot.errors import NotFound, UserError
from bot.record import record

ParamKind = Literal["string", "text", "integer", "choice", "user"]
Args = dict[str, Any]
Reply = Outgoing | Sequence[Outgoing]
CommandHandler = Callable[[Context, Args], Awaitable[Reply]]
ButtonHandler = Callable[[Context, list[str]], Awaitable[Reply]]
FormHandler = Callable[[Context, list[str], Mapping[str, str]], Awaitable[Reply]]

ACTION_PREFIX = "sb"
MAX_ACTION_ID = 100  # Discord's custom_id limit; Slack allows 255


@record
class Param:
    name: str
    description: str
    kind: ParamKind = "string"
    required: bool = False
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    default: Any = None

    def convert(self, raw: str) -> Any:
        """Turn a raw argument into its typed value, or explain what is accepted."""
        value = raw.strip()
        if self.kind == "integer":
            return self._integer(value)
        if self.kind == "user":  # a native id, or a mention as Slack/Discord write it in text
            return _MENTION.sub(r"\1", value).removeprefix("@")
        if self.kind == "choice":
            lowered = value.lower()
            if lowered not in self.choices:
                raise UserError(
                    f"`{self.name}` must be one of: {', '.join(self.choices)}. You gave `{value}`."
                )
            return lowered
        return value

    def _integer(self, value: str) -> int:
        low, high = self.min_value, self.max_value
        bounds = f" from {low} to {high}" if low is not None and high is not None else ""
        try:
            number = int(value)
        except ValueError:
            raise UserError(
                f"`{self.name}` must be a whole number{bounds}. You gave `{value}`."
            ) from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise UserError(f"`{self.name}` must be a whole number{bounds}. You gave `{value}`.")
        return number


@record
class Command:
    name: str  # one word, or "group sub" for a subcommand
    description: str  # one line; Discord allows 100 characters
    handler: CommandHandler
    params: tuple[Param, ...] = ()
    admin: bool = False

    @property
    def words(self) -> list[str]:
        return self.name.split()

    @property
    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for param in self.params:
            parts.append(f"<{param.name}>" if param.required else f"[{param.name}]")
        return " ".join(parts)

    def convert_args(self, raw: Mapping[str, str]) -> Args:
        known = {param.name: param for param in self.params}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise UserError(f"`/{self.name}` has no option `{unknown[0]}`. Usage: `{self.usage}`")
        args: Args = {}
        for param in self.params:
            given = raw.get(param.name, "")
            if given.strip():
                args[param.name] = param.convert(given)
            elif param.required:
                raise UserError(f"`/{self.name}` needs `{param.name}`. Usage: `{self.usage}`")
            else:
                args[param.name] = param.default
        return args


_MENTION = re.compile(r"^<@!?([A-Za-z0-9_.-]+)(?:\|[^>]*)?>$")
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_NAMED = re.compile(r"^([a-z][a-z0-9_-]*)[:=](.*)$", re.DOTALL)


@dataclass
class Registry:
    commands: dict[str, Command] = field(default_factory=dict)
    buttons: dict[str, ButtonHandler] = field(default_factory=dict)
    forms: dict[str, FormHandler] = field(default_factory=dict)

    def add(self, command: Command) -> None:
        if command.name in self.commands:
            raise ValueError(f"command /{command.name} is registered twice")
        self.commands[command.name] = command

    def on_button(self, verb: str, handler: ButtonHandler) -> None:
        if verb in self.buttons:
            raise ValueError(f"button verb {verb!r} is registered twice")
        self.buttons[verb] = handler

    def on_form(self, verb: str, handler: FormHandler) -> None:
        if verb in self.forms:
            raise ValueError(f"form verb {verb!r} is registered twice")
        self.forms[verb] = handler

    def __iter__(self) -> Iterator[Command]:
        return iter(sorted(self.commands.values(), key=lambda c: c.name))

    def get(self, name: str) -> Command:
        try:
            return self.commands[name]
        except KeyError:
            raise NotFound(f"There is no command `/{name}`. Try `/help`.") from None

    def groups(self) -> dict[str, list[Command]]:
        """Commands by their first word: {"studybot": [setup, config, ...], "help": [help]}."""
        grouped: dict[str, list[Command]] = {}
        for command in self:
            grouped.setdefault(command.words[0], []).append(command)
        return grouped

    def parse(self, line: str) -> tuple[Command, dict[str, str]]:
        """Resolve `/name [sub] args...` to a command and its raw named arguments.

        `/studybot <command> ...` reaches any command, for workspaces where a
        name is taken by another app.
        """
        text = line.strip().removeprefix("/")
        # A name is one or two bare words: split that far and no further (a
        # 300-word answer took 157 us to tokenise whole).
        words = text.split(maxsplit=2)
        if (
            len(words) >= 2
            and words[0] == "studybot"
            and f"studybot {words[1]}" not in self.commands
            and words[1] in self.groups()
        ):
            return self.parse(text.split(maxsplit=1)[1])
        for length in (2, 1):
            command = self.commands.get(" ".join(words[:length]).lower())
            if len(words) >= length and command is not None:
                rest = text.split(maxsplit=length)[length] if len(words) > length else ""
                return command, _assign(command, rest)
        first = words[0].lower() if words else ""
        subcommands = [c.words[1] for c in self.groups().get(first, []) if len(c.words) > 1]
        if subcommands:
            raise NotFound(f"`/{first}` needs one of: {', '.join(subcommands)}. Try `/help`.")
        raise NotFound(f"There is no command `/{first}`. Try `/help`.")


def _assign(command: Command, rest: str) -> dict[str, str]:
    """Match named (`key:value`) and positional arguments to the command's params."""
    if len(command.params) == 1 and command.params[0].kind == "text":
        # `/answer <text>`: all of it is the text, unless it starts `text:`. Saves
        # tokenising the first word (~12,000 instructions, 4% of an answer).
        name = command.params[0].name
        if not rest.startswith((f"{name}:", f"{name}=")):
            return {name: rest} if rest else {}
    raw: dict[str, str] = {}
    positional = list(command.params)  # those still free, in order
    for match in _TOKEN.finditer(rest):
        quoted, bare = match.groups()
        named = _NAMED.match(bare) if quoted is None else None
        by_name = next((p for p in command.params if named and p.name == named.group(1)), None)
        if named and by_name is not None:
            if by_name.kind == "text":  # `text:` keeps everything after it too, verbatim
                raw[by_name.name] = rest[match.start() + len(by_name.name) + 1 :].strip()
                break
            raw[by_name.name] = named.group(2)
            positional = [p for p in positional if p is not by_name]
            continue
        if not positional:
            raise UserError(f"Too many arguments for `/{command.name}`. Usage: `{command.usage}`")
        token = bare if quoted is None else quoted
        param = _positional_for(token, positional)
        positional.remove(param)
        if param.kind == "text":  # free text keeps everything after it, verbatim
            raw[param.name] = rest[match.start() :].strip()
            break
        raw[param.name] = token
    return raw


def _positional_for(token: str, candidates: list[Param]) -> Param:
    """A choice value fills the param that accepts it (`/quiz hard 3`); others the next free one."""
    for param in candidates:
        if param.kind == "choice" and token.lower() in param.choices:
            return param
    free = [param for param in candidates if param.kind != "choice"]
    return free[0] if free else candidates[0]


def action_id(verb: str, *parts: object) -> str:
    """Encode a button or form action; all state behind it lives in the database."""
    encoded = ":".join([ACTION_PREFIX, verb, *map(str, parts)])
    if len(encoded) > MAX_ACTION_ID:
        raise ValueError(f"action id too long ({len(encoded)}): {encoded[:40]}...")
    return encoded


def action_ids(verb: str, *parts: object, last: Sequence[object]) -> list[str]:
    """Action ids that differ only in their last part, e.g. one per option of a question."""
    prefix = action_id(verb, *parts) + ":"
    encoded = [prefix + str(item) for item in last]
    for too_long in (e for e in encoded if len(e) > MAX_ACTION_ID):
        raise ValueError(f"action id too long ({len(too_long)}): {too_long[:40]}...")
    return encoded


def parse_action_id(value: str) -> tuple[str, list[str]]:
    parts = value.split(":")
    if len(parts) < 2 or parts[0] != ACTION_PREFIX:
        raise NotFound("That button is not one of studybot's. Try the command again.")
    return parts[1], parts[2:]
