"""A local fake of Discord: REST and the gateway websocket on 127.0.0.1, port 0.

It answers what discord.py needs to log in, sync commands, post, thread and
answer interactions, records every request, and lets a test dispatch gateway
events (INTERACTION_CREATE) exactly as Discord sends them, inject failures
(a 429 on the next post, say), and wait for a request to arrive.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"
APP_ID = 1100000000000000001
GUILD_ID = 1200000000000000002
CHANNEL_ID = 1300000000000000003
OWNER_ID = 1400000000000000004
TIMESTAMP = "2026-01-05T08:00:00.000000+00:00"
EPHEMERAL = 1 << 6

BOT_USER = {
    "id": str(APP_ID),
    "username": "studybot",
    "global_name": "studybot",
    "discriminator": "0",
    "avatar": None,
    "bot": True,
    "flags": 0,
}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0
    reply: Any = None  # the JSON the fake answered with

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    skip: int = 0  # matching requests to let through first


class FakeDiscord:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.originals: dict[str, str] = {}  # interaction token -> message id
        self.pressed: dict[str, str] = {}  # interaction token -> id of the message clicked on
        self.threads: dict[str, dict[str, Any]] = {}  # message id -> thread
        self.channels: dict[str, dict[str, Any]] = {}  # private threads and DMs by id
        self.thread_members: dict[str, list[str]] = {}  # thread id -> user ids added
        self.departed: set[str] = set()  # user ids no longer on the server
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.failures: list[Failure] = []
        self.sockets: list[web.WebSocketResponse] = []
        self._ids = itertools.count(1500000000000000000)
        self._sequence = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        for socket in list(self.sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def new_id(self) -> str:
        return str(next(self._ids))

    # -- test controls -----------------------------------------------------------
    def fail_next(
        self, method: str, path: str, status: int = 429, retry_after: float = 0.05
    ) -> None:
        """The next request matching `method` and the `path` regex gets `status` once."""
        if status == 429:
            body: dict[str, Any] = {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": False,
            }
            # Discord's own 429s come through its proxy; discord.py treats one without
            # `Via` as a Cloudflare ban and gives up.
            headers = {
                "Retry-After": str(retry_after),
                "X-RateLimit-Scope": "user",
                "Via": "1.1 google",
            }
        else:
            body, headers = {"message": "Missing Access", "code": 50001}, {}
        self.failures.append(Failure(method, re.compile(path), status, body, headers))

    def fail_after(self, method: str, path: str, successes: int, status: int) -> None:
        """Let `successes` matching requests through, then fail the next one with `status`."""
        self.fail_next(method, path, status)
        failure = self.failures.pop()
        failure.skip = successes
        self.failures.append(failure)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway DISPATCH to every connected client."""
        payload = {"op": 0, "t": event, "s": next(self._sequence), "d": data}
        if event == "INTERACTION_CREATE" and "id" in data.get("message", {}):
            self.pressed[data["token"]] = str(data["message"]["id"])
        for socket in list(self.sockets):
            await socket.send_str(json.dumps(payload))

    async def wait_for(
        self, predicate: Callable[[Recorded], bool], within: float = 10.0
    ) -> Recorded:
        """The first recorded request matching `predicate`, waiting for it if need be."""

        def found() -> Recorded | None:
            return next((r for r in self.requests if predicate(r)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), within)
        result = found()
        assert result is not None
        return result

    async def wait_until(self, condition: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until `condition()` holds, checking after every request."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), within)

    async def wait_for_route(self, method: str, path: str, within: float = 10.0) -> Recorded:
        pattern = re.compile(path)
        return await self.wait_for(
            lambda r: (
                r.method == method and pattern.fullmatch(r.path) is not None and r.status < 400
            ),
            within,
        )

    def matching(self, method: str, path: str) -> list[Recorded]:
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    def channel_messages(self, channel_id: str | int) -> list[dict[str, Any]]:
        """What the bot posted in a channel or thread itself (not interaction answers)."""
        return [
            m
            for m in self.messages.values()
            if m["channel_id"] == str(channel_id) and "webhook_id" not in m
        ]

    def sent_payloads(self) -> list[dict[str, Any]]:
        """Every message body the bot sent: posts, responses, followups, edits."""
        bodies = []
        for r in self.requests:
            if not isinstance(r.body, dict):
                continue
            if r.path.endswith("/callback"):
                if r.body.get("type") in (4, 7) and isinstance(r.body.get("data"), dict):
                    bodies.append(r.body["data"])
            elif (
                r.method in ("POST", "PATCH")
                and ("/messages" in r.path or r.path.startswith(f"{API}/webhooks/"))
                and not r.path.endswith("/threads")
            ):
                bodies.append(r.body)
        return bodies

    # -- REST --------------------------------------------------------------------------
    @web.middleware
    async def _record(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        if request.path == "/gateway":
            response: web.StreamResponse = await handler(request)
            return response
        body: Any = None
        raw = await request.read()
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
        recorded = Recorded(request.method, request.path, dict(request.query), body)
        failure = self._failure_for(request)
        if failure is not None:
            response = _json(failure.body, status=failure.status, headers=failure.headers)
        else:
            response = await handler(request)
        recorded.status = response.status
        if isinstance(response, web.Response) and response.body:
            recorded.reply = json.loads(response.body)  # type: ignore[arg-type]
        async with self._changed:
            self.requests.append(recorded)
            self._changed.notify_all()
        return response

    def _failure_for(self, request: web.Request) -> Failure | None:
        for failure in self.failures:
            if failure.method == request.method and failure.pattern.fullmatch(request.path):
                if failure.skip:
                    failure.skip -= 1
                    return None
                self.failures.remove(failure)
                return failure
        return None

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        raw = await request.read()  # aiohttp keeps the body the middleware read
        body = json.loads(raw) if raw else None
        for method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if match and method == request.method:
                return handler(body, *match.groups())
        return _json({"message": f"fake: no route {path}", "code": 0}, status=404)

    def _routes(self) -> list[tuple[str, str, Callable[..., web.StreamResponse]]]:
        return [
            ("GET", r"/users/@me", lambda _: _json(BOT_USER)),
            ("GET", r"/oauth2/applications/@me", lambda _: _json(_app_info())),
            ("GET", r"/gateway(?:/bot)?", lambda _: _json(self._gateway_info())),
            ("PUT", r"/applications/(\d+)/commands", self._put_commands),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._put_guild_commands),
            ("POST", r"/channels/(\d+)/messages", self._post_message),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._start_thread),
            ("POST", r"/channels/(\d+)/threads", self._start_thread_without_message),
            ("PUT", r"/channels/(\d+)/thread-members/(\d+)", self._add_thread_member),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("DELETE", r"/channels/(\d+)", self._delete_channel),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._edit_original),
            ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._delete_original),
        ]

    def _gateway_info(self) -> dict[str, Any]:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    def _put_commands(self, body: Any, app_id: str, guild_id: str | None = None) -> web.Response:
        commands = []
        for command in body:
            extra = {"guild_id": guild_id} if guild_id else {}
            commands.append(
                {**command, "id": self.new_id(), "application_id": app_id, "version": "1", **extra}
            )
        return _json(commands)

    def _put_guild_commands(self, body: Any, app_id: str, guild_id: str) -> web.Response:
        return self._put_commands(body, app_id, guild_id)

    def _message(
        self, channel_id: str, body: dict[str, Any], *, interaction: bool = False
    ) -> dict[str, Any]:
        message = {
            "id": self.new_id(),
            "channel_id": channel_id,
            "guild_id": str(GUILD_ID),
            "author": BOT_USER,
            "content": body.get("content") or "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": int(body.get("flags") or 0),
        }
        if interaction:  # answers to interactions come from the application's webhook
            message["webhook_id"] = str(APP_ID)
        self.messages[message["id"]] = message
        return message

    def _post_message(self, body: Any, channel_id: str) -> web.Response:
        return _json(self._message(channel_id, body))

    def _start_thread(self, body: Any, channel_id: str, message_id: str) -> web.Response:
        if message_id in self.threads:
            return _json(
                {"message": "A thread has already been created for this message", "code": 160004},
                status=400,
            )
        thread = _thread(message_id, channel_id, body)  # a message's thread shares its id
        self.threads[message_id] = thread
        return _json(thread, status=201)

    def _start_thread_without_message(self, body: Any, channel_id: str) -> web.Response:
        thread = _thread(self.new_id(), channel_id, body)
        self.channels[thread["id"]] = thread
        self.thread_members[thread["id"]] = []
        return _json(thread, status=201)

    def _add_thread_member(self, body: Any, thread_id: str, user_id: str) -> web.Response:
        if thread_id not in self.thread_members:
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        if user_id in self.departed:
            return _json({"message": "Unknown Member", "code": 10007}, status=404)
        self.thread_members[thread_id].append(user_id)
        return web.Response(status=204)

    def _get_channel(self, body: Any, channel_id: str) -> web.Response:
        if channel_id == str(CHANNEL_ID):
            return _json(channel())
        found = self.channels.get(channel_id) or next(
            (t for t in self.threads.values() if t["id"] == channel_id), None
        )
        if found is None:
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        return _json(found)

    def _delete_channel(self, body: Any, channel_id: str) -> web.Response:
        found = self.channels.pop(channel_id, None)
        self.thread_members.pop(channel_id, None)
        if found is None:
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        return _json(found)

    def _open_dm(self, body: Any) -> web.Response:
        """One DM channel per recipient, as on Discord: opening it again returns the same."""
        recipient = str(body["recipient_id"])
        for existing in self.channels.values():
            if existing["type"] == 1 and existing["recipients"][0]["id"] == recipient:
                return _json(existing)
        dm = dm_channel(self.new_id(), recipient)
        self.channels[dm["id"]] = dm
        return _json(dm)

    def _callback(self, body: Any, interaction_id: str, token: str) -> web.Response:
        kind = body.get("type")
        data = body.get("data") or {}
        if kind in (4, 5):  # a message, or "thinking…" until the bot edits it
            message = self._message(str(CHANNEL_ID), data if kind == 4 else {}, interaction=True)
            self.originals[token] = message["id"]
        elif kind == 7:  # UPDATE_MESSAGE: the message with the button becomes the response
            pressed = self.pressed.get(token)
            if pressed not in self.messages:
                return _json({"message": "Unknown Message", "code": 10008}, status=404)
            _edit(self.messages[pressed], data)
            self.originals[token] = pressed
        reply = {"interaction": {"id": interaction_id, "type": 2}}
        return _json(reply)

    def _followup(self, body: Any, app_id: str, token: str) -> web.Response:
        return _json(self._message(str(CHANNEL_ID), body, interaction=True))

    def _edit_original(self, body: Any, app_id: str, token: str) -> web.Response:
        message_id = self.originals.get(token)
        if message_id is None:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        return _json(_edit(self.messages[message_id], body))

    def _delete_original(self, body: Any, app_id: str, token: str) -> web.Response:
        message_id = self.originals.pop(token, None)
        if message_id is None:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        self.messages.pop(message_id, None)
        return web.Response(status=204)

    # -- gateway -----------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None})
        try:
            async for frame in socket:
                if frame.type != WSMsgType.TEXT:
                    continue
                await self._on_gateway_frame(socket, json.loads(frame.data))
        finally:
            self.sockets.remove(socket)
        return socket

    async def _on_gateway_frame(self, socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        if op == 1:  # heartbeat
            await socket.send_json({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:  # identify
            async with self._changed:
                self.identifies.append(frame["d"])
                self._changed.notify_all()
            await self._send_dispatch(socket, "READY", self._ready())
            await self._send_dispatch(socket, "GUILD_CREATE", guild())
        elif op == 6:  # resume after a dropped connection
            async with self._changed:
                self.resumes.append(frame["d"])
                self._changed.notify_all()
            await self._send_dispatch(socket, "RESUMED", {})

    async def _send_dispatch(
        self, socket: web.WebSocketResponse, event: str, data: dict[str, Any]
    ) -> None:
        await socket.send_json({"op": 0, "t": event, "s": next(self._sequence), "d": data})

    def _ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }

    async def drop_connections(self, code: int = 4000) -> None:
        """Close every gateway connection as Discord does when it restarts a node."""
        for socket in list(self.sockets):
            await socket.close(code=code)

    async def wait_resumed(self, within: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.resumes)), within)

    async def wait_identified(self, within: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.identifies)), within)


def _edit(message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """`message` as an edit leaves it: what the body sets (null clears it), the rest kept."""
    for key in ("content", "embeds", "components"):
        if key in body:
            message[key] = body[key] or ([] if key != "content" else "")
    message["edited_timestamp"] = TIMESTAMP
    return message


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON exactly as Discord labels it (discord.py checks the content type verbatim)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _app_info() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "studybot",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": {**BOT_USER, "id": str(OWNER_ID), "username": "owner", "bot": False},
        "summary": "",
        "verify_key": "0" * 64,
        "flags": 0,
        "team": None,
    }


def _thread(thread_id: str, parent_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": thread_id,
        "type": body.get("type", 11),
        "guild_id": str(GUILD_ID),
        "parent_id": parent_id,
        "owner_id": str(APP_ID),
        "name": body["name"],
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": body.get("auto_archive_duration", 1440),
            "archive_timestamp": TIMESTAMP,
            "locked": False,
            "invitable": body.get("invitable", True),
        },
    }


def dm_channel(channel_id: str, recipient_id: str) -> dict[str, Any]:
    recipient = {
        "id": recipient_id,
        "username": "member",
        "global_name": None,
        "discriminator": "0",
        "avatar": None,
    }
    return {"id": channel_id, "type": 1, "last_message_id": None, "recipients": [recipient]}


def channel(channel_id: int = CHANNEL_ID, name: str = "general") -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
    }


def guild() -> dict[str, Any]:
    return {
        "id": str(GUILD_ID),
        "name": "ML study group",
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(OWNER_ID),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [
            {
                "id": str(GUILD_ID),
                "name": "@everyone",
                "permissions": str((1 << 10) | (1 << 11)),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "joined_at": TIMESTAMP,
        "large": False,
        "unavailable": False,
        "member_count": 3,
        "voice_states": [],
        "members": [],
        "channels": [channel()],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "application_id": None,
    }
