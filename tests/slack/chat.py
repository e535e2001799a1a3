"""Members talking to studybot through Slack: who sees which message, and pressing what they see.

Every request goes to the real Bolt app in HTTP mode as Slack would send it. After
each one the adapter is drained, so every Web API call it made is on the fake before
a test reads it: no waiting on time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from adapters.slack.app import SlackAdapter
from adapters.slack.render import BUTTON_LABEL_LIMIT, mrkdwn, plain
from bot.bank import Question
from tests.slack.driver import GENERAL, SlackDriver, blocks_of, buttons_in, shown_text, user_id
from tests.slack.fake_slack import Call, FakeSlack

Channel = tuple[str, str]  # (id, name), as Slack names the channel in its payloads


@dataclass(frozen=True)
class Shown:
    """A message a member can read, and the conversation it is in."""

    call: Call
    channel: Channel

    @property
    def text(self) -> str:
        return shown_text(self.call)

    @property
    def title(self) -> str:
        headers = [b["text"]["text"] for b in blocks_of(self.call) if b["type"] == "header"]
        return headers[0] if headers else ""

    @property
    def labels(self) -> list[str]:
        return [button["text"]["text"] for _, button in buttons_in(self.call)]

    @property
    def ephemeral(self) -> bool:
        return self.call.method == "chat.postEphemeral" or (
            self.call.method == "response_url" and self.call.args["response_type"] == "ephemeral"
        )


def label(text: str) -> str:
    """A core button label as Slack shows it."""
    return plain(text, BUTTON_LABEL_LIMIT)


class SlackChat:
    def __init__(self, slack: SlackDriver, fake: FakeSlack, adapter: SlackAdapter) -> None:
        self.slack = slack
        self.fake = fake
        self.adapter = adapter
        self.acts: dict[str, tuple[str, Channel]] = {}  # response_url key -> (member, where)
        self.pressed_on: dict[str, Call] = {}  # response_url key -> the message pressed on

    # -- acting ---------------------------------------------------------------

    async def command(self, user: str, line: str, channel: Channel = GENERAL) -> list[Shown]:
        """Run a slash command; returns what `user` sees because of it."""
        start = len(self.fake.calls)
        status, key = await self.slack.command(user, line, channel)
        assert status == 200
        self.acts[key] = (user, channel)
        return await self._settled(user, start)

    async def press(self, user: str, text: str, containing: str = "") -> list[Shown]:
        """Press the newest button labelled `text` that `user` can see, where it is shown."""
        shown, button = self.find_button(user, text, containing)
        return await self.press_button(user, button, shown.channel, on=shown)

    async def press_button(
        self, user: str, button: dict[str, Any], where: Channel, on: Shown | None = None
    ) -> list[Shown]:
        """Press `button` in `where`; `on`: the message it is on, which a reply may replace."""
        start = len(self.fake.calls)
        status, key = await self.slack.press(user, button, where)
        assert status == 200
        self.acts[key] = (user, where)
        if on is not None:
            self.pressed_on[key] = on.call
        return await self._settled(user, start)

    async def submit(self, user: str, values: dict[str, str]) -> list[Shown]:
        """Fill and submit the newest modal opened for `user`."""
        start = len(self.fake.calls)
        assert await self.slack.submit(user, self.modal(user), values) == 200
        return await self._settled(user, start)

    async def _settled(self, user: str, start: int) -> list[Shown]:
        await self.adapter.drain()
        return self.seen_by(user, self.fake.calls[start:])

    # -- reading --------------------------------------------------------------

    def seen_by(self, user: str, calls: Iterable[Call] | None = None) -> list[Shown]:
        """What `user` can read, oldest first; a message replaced since is gone."""
        replaced = self.replaced()
        shown = []
        for call in self.fake.calls if calls is None else calls:
            where = self._where_seen(call, user)
            if where is not None and not any(call is gone for gone in replaced):
                shown.append(Shown(call, where))
        return shown

    def replaced(self) -> list[Call]:
        """Messages a reply took the place of (`replace_original` on a press's response_url)."""
        return [
            self.pressed_on[call.target]
            for call in self.fake.calls
            if call.method == "response_url"
            and call.args.get("replace_original")
            and call.target in self.pressed_on
        ]

    def last(self, user: str) -> Shown:
        return self.seen_by(user)[-1]

    def _where_seen(self, call: Call, user: str) -> Channel | None:
        if call.method == "response_url":
            actor, where = self.acts[call.target]
            public = call.args.get("response_type") == "in_channel"
            return where if public or actor == user else None
        if call.method == "chat.postEphemeral":
            return _named(call.args["channel"]) if call.args["user"] == user_id(user) else None
        if call.method == "chat.postMessage" and call.result.get("ok"):
            return self._where_posted(str(call.args["channel"]), user)
        return None

    def _where_posted(self, channel: str, user: str) -> Channel | None:
        conversation = self.fake.conversations.get(channel)
        if conversation is not None:  # a DM or group DM: its members only
            return _named(channel) if user_id(user) in conversation.members else None
        if channel == user_id(user) or channel.startswith("C"):  # a DM by user id; a channel
            return _named(channel)
        return None

    def find_button(self, user: str, text: str, containing: str = "") -> tuple[Shown, Any]:
        for shown in reversed(self.seen_by(user)):
            for context, button in buttons_in(shown.call):
                if button["text"]["text"] == text and containing in context:
                    return shown, button
        raise AssertionError(f"{user} sees no button {text!r}")

    def modal(self, user: str) -> dict[str, Any]:
        for call in reversed(self.fake.of("views.open")):
            key = str(call.args["trigger_id"]).removeprefix("trigger-")
            if self.acts.get(key, ("", GENERAL))[0] == user:
                return dict(call.args["view"])
        raise AssertionError(f"no modal was opened for {user}")


def _named(channel: str) -> Channel:
    return GENERAL if channel == GENERAL[0] else (channel, "")


def question_on(shown: Shown, questions: Iterable[Question]) -> Question:
    """The bank question whose prompt is a section of this message."""
    sections = {b.get("text", {}).get("text") for b in blocks_of(shown.call)}
    for question in questions:
        if mrkdwn(question.prompt) in sections:
            return question
    raise AssertionError(f"no bank question in {shown.text!r}")


def option(question: Question, *, correct: bool) -> str:
    """The label of the right option, or of a wrong one."""
    choices = question.choices or ()
    return label(next(c for c in choices if (c == question.answer) == correct))
