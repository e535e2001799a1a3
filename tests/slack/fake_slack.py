"""A local fake of Slack: the Web API, response URLs and a Socket Mode websocket.

It listens on 127.0.0.1, port 0, records every call in order, answers like
Slack does (`ok`, `ts`, ...), and can be told to fail a method once (a 429
with Retry-After, say). Tests wait on it for effects instead of sleeping.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

TEAM = "T0TEAM"
BOT_USER = "U0BOT"
WAIT_SECONDS = 10.0


@dataclass
class Call:
    method: str  # a Web API method, or "response_url"
    args: dict[str, Any]
    target: str = ""  # the response_url key, for "response_url" calls
    status: int = 200  # what the fake answered
    token: str = ""  # the bearer token it came with
    result: dict[str, Any] = field(default_factory=dict)  # what the fake answered, as JSON

    def texts(self) -> str:
        """Every string in the call, for assertions on what a member would read."""
        return json.dumps(self.args, ensure_ascii=False)


@dataclass(frozen=True)
class Conversation:
    """A DM or group DM the fake opened, private to its members and the bot, as on Slack."""

    id: str
    members: tuple[str, ...]

    @property
    def is_im(self) -> bool:
        return len(self.members) == 1

    @property
    def is_mpim(self) -> bool:
        return len(self.members) > 1

    def info(self) -> dict[str, Any]:
        return {"id": self.id, "is_im": self.is_im, "is_mpim": self.is_mpim, "is_private": True}


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.admins: set[str] = set()
        self.failures: dict[str, list[Failure]] = {}
        self.socket_acks: dict[str, dict[str, Any]] = {}
        self.conversations: dict[str, Conversation] = {}
        self.url = ""
        self._changed = asyncio.Condition()
        self._ts = itertools.count(1)
        self._envelopes = itertools.count(1)
        self._socket: web.WebSocketResponse | None = None
        self._socket_ready = asyncio.Event()
        self._runner: web.AppRunner | None = None

    # -- lifecycle --------------------------------------------------------

    async def start(self) -> FakeSlack:
        application = web.Application()
        application.router.add_route("*", "/api/{method}", self._api)
        application.router.add_post("/respond/{key}", self._respond)
        application.router.add_get("/socket", self._websocket)
        self._runner = web.AppRunner(application, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, key: str) -> str:
        return f"{self.url}/respond/{key}"

    def fail_next(self, method: str, status: int, error: str, **headers: str) -> None:
        self.failures.setdefault(method, []).append(
            Failure(status, {"ok": False, "error": error}, dict(headers))
        )

    # -- reading ----------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def posts_in(self, channel: str) -> list[Call]:
        """The messages that landed in a channel or conversation."""
        return [
            call
            for call in self.of("chat.postMessage")
            if call.args.get("channel") == channel and call.result.get("ok")
        ]

    async def wait_for(
        self, method: str, count: int = 1, where: Callable[[Call], bool] = lambda call: True
    ) -> list[Call]:
        """Wait until `count` calls of `method` matching `where` were made; return them."""

        def matching() -> list[Call]:
            return [call for call in self.of(method) if where(call)]

        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(matching()) >= count), WAIT_SECONDS
            )
        return matching()

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # -- the Web API ------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            await self._record(Call(method, args, status=failure.status, token=token))
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        result = self._result(method, args)
        await self._record(Call(method, args, token=token, result=result))
        return web.json_response(result)

    def _result(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return ok | {"user_id": BOT_USER, "bot_id": "B0BOT", "team_id": TEAM, "team": "t"}
        if method == "chat.postMessage":
            if self._unknown_conversation(args.get("channel")):
                return {"ok": False, "error": "channel_not_found"}
            ts = f"1767600000.{next(self._ts):06d}"
            return ok | {"channel": args.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method == "chat.postEphemeral":
            return ok | {"message_ts": f"1767600000.{next(self._ts):06d}"}
        if method in ("views.open", "views.publish"):
            return ok | {"view": {"id": f"V{next(self._ts)}", **(args.get("view") or {})}}
        if method == "users.info":
            user = str(args.get("user", ""))
            admin = user in self.admins
            name = user.removeprefix("U").lower()  # the driver's ids are "U" + name
            profile = {"display_name": name, "real_name": name.title()}
            return ok | {"user": {"id": user, "name": name, "is_admin": admin, "profile": profile}}
        if method == "conversations.open":
            return self._open(args)
        if method == "users.conversations":
            return ok | {"channels": [{"id": "C0GENERAL", "name": "general"}]}
        if method == "apps.connections.open":
            return ok | {"url": self.url.replace("http://", "ws://") + "/socket"}
        return ok

    def _unknown_conversation(self, channel: object) -> bool:
        """DM and group DM ids (D..., G...) exist only once conversations.open made them."""
        conversation_id = isinstance(channel, str) and channel.startswith(("D", "G"))
        return conversation_id and channel not in self.conversations

    def _open(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.open: one user gives a DM, 2 to 8 a group DM; the same people, the
        same conversation."""
        users = tuple(u for u in str(args.get("users", "")).split(",") if u)
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        if len(users) > 8:
            return {"ok": False, "error": "too_many_users"}
        for existing in self.conversations.values():
            if sorted(existing.members) == sorted(users):
                return {"ok": True, "already_open": True, "channel": existing.info()}
        prefix = "D" if len(users) == 1 else "G"
        conversation = Conversation(f"{prefix}{len(self.conversations) + 1:04d}", users)
        self.conversations[conversation.id] = conversation
        return {"ok": True, "channel": conversation.info()}

    async def _respond(self, request: web.Request) -> web.Response:
        await self._record(Call("response_url", await request.json(), request.match_info["key"]))
        return web.Response(text="ok")

    # -- Socket Mode ------------------------------------------------------

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"type": "hello", "num_connections": 1})
        self._socket_ready.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                data = json.loads(message.data)
                async with self._changed:
                    self.socket_acks[str(data.get("envelope_id"))] = data
                    self._changed.notify_all()
        return socket

    async def socket_send(self, kind: str, payload: dict[str, Any]) -> str:
        """Deliver an envelope as Slack would over Socket Mode; returns its envelope id."""
        await asyncio.wait_for(self._socket_ready.wait(), WAIT_SECONDS)
        assert self._socket is not None
        envelope_id = f"env-{next(self._envelopes)}"
        await self._socket.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
            }
        )
        return envelope_id

    async def socket_ack(self, envelope_id: str) -> dict[str, Any]:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: envelope_id in self.socket_acks), WAIT_SECONDS
            )
        return self.socket_acks[envelope_id]


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        args.update(await request.json())
    elif request.can_read_body:
        form = await request.post()
        args.update({key: _maybe_json(str(value)) for key, value in form.items()})
    return args


def _maybe_json(value: str) -> Any:
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
