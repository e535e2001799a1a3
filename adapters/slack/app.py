"""One Bolt `AsyncApp` with every listener, shared by Socket Mode and HTTP mode.

Each listener acks first (Slack's 3-second deadline), then translates the
payload, lets the core handle it, and delivers the replies: forms as modals,
private replies as ephemeral messages, public ones in the channel. Posts go
through `SlackPoster`, paced per channel; 429s are retried by the Web API
client's rate-limit handler.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import translate
from adapters.slack.render import SlackMessage, render_home, render_message, render_modal
from adapters.slack.translate import Origin, Payload
from bot.app import Studybot
from bot.dispatch import apology, new_incident_id
from bot.envelope import (
    ButtonPress,
    ChannelRef,
    CommandInvocation,
    Context,
    Form,
    FormSubmission,
    Inbound,
    Message,
    Outgoing,
    PostRef,
    UserRef,
)
from bot.errors import UserError
from bot.record import record

log = logging.getLogger("studybot.slack")

DEFAULT_API_BASE_URL = "https://slack.com/api/"
ADMIN_CACHE_SECONDS = 600.0
RATE_LIMIT_RETRIES = 5
JOINABLE_ERRORS = {"not_in_channel"}
UNREACHABLE_ERRORS = {"not_in_channel", "channel_not_found", "is_archived"}
HOME_CHANNELS = 5  # leaderboards on the App Home
# Thread replies that ask the whole conversation something (a buddy check-in).
BROADCAST_KINDS = frozenset({"buddy_checkin"})
MAX_GROUP_DM = 8  # conversations.open answers too_many_users beyond this


def web_client(token: str, base_url: str | None = None) -> AsyncWebClient:
    """A Web API client that waits out 429s (Retry-After) and retries dropped connections."""
    url = base_url or DEFAULT_API_BASE_URL
    return AsyncWebClient(
        token=token,
        base_url=url if url.endswith("/") else url + "/",
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


class ChannelPacer:
    """Slack allows about one message per second per channel; wait for the slot."""

    def __init__(
        self,
        interval: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, channel_id: str) -> None:
        async with self._locks.setdefault(channel_id, asyncio.Lock()):
            delay = self._next.get(channel_id, 0.0) - self._monotonic()
            if delay > 0:
                await self._sleep(delay)
            self._next[channel_id] = self._monotonic() + self.interval


@record
class MemberInfo:
    admin: bool
    name: str


class AdminCheck:
    """Workspace admins and owners per `users.info` (cached), plus configured ids."""

    def __init__(
        self,
        client: AsyncWebClient,
        admins: Iterable[str] = (),
        *,
        ttl: float = ADMIN_CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.admins = set(admins)
        self.ttl = ttl
        self._monotonic = monotonic
        self._cache: dict[tuple[str, str], tuple[MemberInfo, float]] = {}

    async def is_admin(self, user: UserRef) -> bool:
        if user.id in self.admins:
            return True
        info = await self.lookup(user)
        return info is not None and info.admin

    async def lookup(self, user: UserRef) -> MemberInfo | None:
        key = (user.workspace, user.id)
        cached = self._cache.get(key)
        if cached is not None and cached[1] > self._monotonic():
            return cached[0]
        try:
            response = await self.client.users_info(user=user.id)
        except SlackApiError as error:
            log.warning("users.info failed for %s: %s", user.id, error.response.get("error"))
            return None  # not cached: the next command asks again
        info = _member_info(response.get("user") or {})
        self._cache[key] = (info, self._monotonic() + self.ttl)
        return info


def _member_info(user: dict[str, Any]) -> MemberInfo:
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("name") or ""
    admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
    return MemberInfo(admin=admin, name=str(name))


class SlackPoster:
    """The core's Poster port: chat.postMessage, split to fit, paced per channel; group DMs
    and DMs through conversations.open."""

    def __init__(self, client: AsyncWebClient, pacer: ChannelPacer) -> None:
        self.client = client
        self.pacer = pacer

    async def post(
        self, channel: ChannelRef, message: Message, *, thread: PostRef | None = None
    ) -> PostRef:
        thread_ts = thread.id if thread else None
        # Only thread participants hear of a reply; a question for the whole group is
        # also shown in the conversation (the first part, so it shows once).
        broadcast = thread_ts is not None and message.kind in BROADCAST_KINDS
        timestamps = [
            await self._post_one(channel.id, part, thread_ts, broadcast and n == 0)
            for n, part in enumerate(render_message(message))
        ]
        return PostRef(channel, timestamps[0])

    async def open_group(self, members: Sequence[UserRef], about: ChannelRef) -> ChannelRef:
        """A group DM with these members (one member: a plain DM), via conversations.open.

        Slack reopens the same conversation for the same people, so a pair that meets
        again finds its earlier talk there. A group DM belongs to no channel: `about`
        only names the workspace.
        """
        ids = list(dict.fromkeys(member.id for member in members))
        if not ids:
            raise ValueError("a group conversation needs at least one member")
        if len(ids) > MAX_GROUP_DM:
            raise ValueError(f"a Slack group DM holds at most {MAX_GROUP_DM} members")
        return translate.channel_ref(about.workspace, await self._open(ids))

    async def send_private(self, user: UserRef, message: Message) -> PostRef:
        """A direct message from the bot: conversations.open, then chat.postMessage."""
        direct = translate.channel_ref(user.workspace, await self._open([user.id]))
        return await self.post(direct, message)

    async def _open(self, user_ids: Sequence[str]) -> str:
        response = await self.client.conversations_open(users=",".join(user_ids))
        return str(response["channel"]["id"])

    async def _post_one(
        self, channel_id: str, part: SlackMessage, thread_ts: str | None, broadcast: bool
    ) -> str:
        try:
            return await self._send(channel_id, part, thread_ts, broadcast)
        except SlackApiError as error:
            if error.response.get("error") not in JOINABLE_ERRORS:
                raise
            # A public channel the bot was never invited to: join it, then post.
            await self.client.conversations_join(channel=channel_id)
            return await self._send(channel_id, part, thread_ts, broadcast)

    async def _send(
        self, channel_id: str, part: SlackMessage, thread_ts: str | None, broadcast: bool
    ) -> str:
        await self.pacer.wait(channel_id)
        response = await self.client.chat_postMessage(
            channel=channel_id,
            text=part.text,
            blocks=part.blocks,
            thread_ts=thread_ts,
            reply_broadcast=broadcast or None,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])


class SlackAdapter:
    """Translate, hand to the core, deliver the replies."""

    def __init__(
        self,
        core: Studybot,
        client: AsyncWebClient,
        *,
        signing_secret: str = "",
        admins: Iterable[str] = (),
        post_interval: float = 1.0,
    ) -> None:
        self.core = core
        self.client = client
        self.admin_check = AdminCheck(client, admins)
        self.poster = SlackPoster(client, ChannelPacer(post_interval))
        self.in_flight: set[asyncio.Task[Any]] = set()
        self.bolt = build_bolt_app(self, client, signing_secret)
        core.attach(translate.PLATFORM, self.poster)

    async def drain(self, grace_seconds: float = 10.0) -> None:
        """Wait for the work still running after its ack (shutdown, tests)."""
        while self.in_flight:
            _, pending = await asyncio.wait(set(self.in_flight), timeout=grace_seconds)
            if pending:
                log.warning("%d Slack handlers still running at shutdown", len(pending))
                return

    # -- inbound ----------------------------------------------------------

    async def on_command(self, body: Payload) -> None:
        origin = translate.command_origin(body)
        try:
            command, raw = self.core.registry.parse(translate.command_line(body))
        except UserError as error:
            await self.deliver(origin, [Message(text=str(error), kind="error")])
            return
        ctx = await self.context(origin)
        await self._run(origin, CommandInvocation(ctx, command.name, raw))

    async def on_button(self, body: Payload) -> None:
        origin = translate.interaction_origin(body)
        ctx = await self.context(origin)
        await self._run(origin, ButtonPress(ctx, translate.pressed_action_id(body)))

    async def on_submission(self, body: Payload) -> None:
        origin = translate.submission_origin(body)
        view = body.get("view") or {}
        ctx = await self.context(origin)
        action = translate.submitted_action_id(view)
        await self._run(origin, FormSubmission(ctx, action, translate.submitted_values(view)))

    async def on_home_opened(self, body: Payload) -> None:
        opened = translate.home_opened(body)
        if opened is None:
            return
        if opened.event_id and not await self.core.claim_event("slack:" + opened.event_id):
            return  # a redelivery of an event we already took
        # The event names nobody; users.info (also behind the admin check) does.
        info = await self.admin_check.lookup(opened.user)
        user = replace(opened.user, name=info.name) if info and info.name else opened.user
        ctx = Context(user, opened.channel, await self.admin_check.is_admin(user))
        view = render_home(await self.home_messages(ctx))
        await self.client.views_publish(user_id=opened.user.id, view=view)

    async def home_messages(self, ctx: Context) -> list[Message]:
        """The member's stats and each shared channel's leaderboard, else the help."""
        commands = self.core.registry.commands
        messages = await self._ask(ctx, "stats") if "stats" in commands else []
        if "leaderboard" in commands:
            for channel in await self.member_channels(ctx.user):
                where = Context(ctx.user, channel, ctx.is_admin)
                messages += [
                    replace(board, title=f"#{channel.name} · {board.title}")
                    for board in await self._ask(where, "leaderboard")
                ]
        return messages or await self._ask(ctx, "help")

    async def _ask(self, ctx: Context, name: str) -> list[Message]:
        """A command's replies for the Home tab; refusals (not set up here, ...) are left out."""
        replies = await self.core.handle(CommandInvocation(ctx, name, {}))
        return [r for r in replies if isinstance(r, Message) and r.kind != "error"]

    async def member_channels(self, user: UserRef) -> list[ChannelRef]:
        """Channels the member is in that the bot can see (users.conversations)."""
        try:
            response = await self.client.users_conversations(
                user=user.id,
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=200,
            )
        except SlackApiError as error:
            log.warning("users.conversations failed: %s", error.response.get("error"))
            return []
        channels = response.get("channels") or []
        return [
            translate.channel_ref(user.workspace, str(c["id"]), str(c.get("name", "")))
            for c in channels[:HOME_CHANNELS]
        ]

    async def context(self, origin: Origin) -> Context:
        return Context(origin.user, origin.channel, await self.admin_check.is_admin(origin.user))

    async def _run(self, origin: Origin, event: Inbound) -> None:
        await self.deliver(origin, await self.core.handle(event))

    # -- outbound ---------------------------------------------------------

    async def deliver(self, origin: Origin, replies: list[Outgoing]) -> None:
        for reply in replies:
            if isinstance(reply, Form):
                await self._open_modal(origin, reply)
            elif reply.private:
                await self._send_private(origin, reply)
            else:
                await self._send_public(origin, reply)

    async def _open_modal(self, origin: Origin, form: Form) -> None:
        if origin.trigger_id is None:
            note = "That opens a form, which Slack only allows from a button or a command."
            await self._send_private(origin, Message(text=note, kind="error"))
            return
        await self.client.views_open(
            trigger_id=origin.trigger_id, view=render_modal(form, origin.channel)
        )

    async def _send_private(self, origin: Origin, message: Message) -> None:
        for index, part in enumerate(render_message(message)):
            # A press's response_url edits the message with the button (Slack's replace_original).
            replace_pressed = message.replaces_pressed and index == 0
            if origin.response_url and await self._respond(
                origin.response_url, part, "ephemeral", replace_original=replace_pressed
            ):
                continue
            await self._ephemeral(origin, part)

    async def _ephemeral(self, origin: Origin, part: SlackMessage) -> None:
        user, channel = origin.user.id, origin.channel.id
        if channel != user:
            try:
                await self.client.chat_postEphemeral(
                    channel=channel, user=user, text=part.text, blocks=part.blocks
                )
                return
            except SlackApiError as error:
                if error.response.get("error") not in UNREACHABLE_ERRORS:
                    raise
        # No channel we can whisper in (App Home, a private channel without us): a DM.
        await self.client.chat_postMessage(channel=user, text=part.text, blocks=part.blocks)

    async def _send_public(self, origin: Origin, message: Message) -> None:
        try:
            await self.poster.post(origin.channel, message)
        except SlackApiError as error:
            if error.response.get("error") not in UNREACHABLE_ERRORS or not origin.response_url:
                raise
            # A private channel or DM the bot is not in: the command's response_url still works.
            for part in render_message(message):
                await self._respond(origin.response_url, part, "in_channel")

    async def _respond(
        self, url: str, part: SlackMessage, response_type: str, *, replace_original: bool = False
    ) -> bool:
        response = await AsyncWebhookClient(url).send_dict(
            {
                "response_type": response_type,
                "replace_original": replace_original,
                "text": part.text,
                "blocks": part.blocks,
            }
        )
        if response.status_code != 200:
            log.warning("response_url answered %s: %s", response.status_code, response.body)
        return bool(response.status_code == 200)

    async def apologise(self, origin: Origin | None, error: BaseException) -> None:
        """Log an unexpected failure with an incident id; tell the member if we can."""
        incident = new_incident_id()
        log.error("incident %s in the Slack adapter", incident, exc_info=error)
        if origin is None:
            return
        try:
            await self._send_private(origin, apology(incident))
        except Exception:
            log.exception("incident %s: the apology could not be delivered either", incident)


Handler = Callable[[Payload], Awaitable[None]]
OriginOf = Callable[[Payload], Origin | None]


def build_bolt_app(adapter: SlackAdapter, client: AsyncWebClient, signing_secret: str) -> AsyncApp:
    """The Bolt app: every listener acks at once, then does the work."""
    bolt = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        logger=logging.getLogger("studybot.slack.bolt"),
        process_before_response=False,
    )

    def guarded(handler: Handler, origin_of: OriginOf) -> Callable[..., Awaitable[None]]:
        async def listener(ack: Any, body: dict[str, Any]) -> None:
            task = asyncio.current_task()
            if task is not None:
                adapter.in_flight.add(task)
            try:
                await ack()
                await handler(body)
            except Exception as error:
                await adapter.apologise(_safe_origin(origin_of, body), error)
            finally:
                if task is not None:
                    adapter.in_flight.discard(task)

        return listener

    bolt.command(re.compile(r"^/"))(guarded(adapter.on_command, translate.command_origin))
    bolt.block_action(re.compile(r".*"))(guarded(adapter.on_button, translate.interaction_origin))
    bolt.view_submission(re.compile(r".*"))(
        guarded(adapter.on_submission, translate.submission_origin)
    )
    bolt.event("app_home_opened")(guarded(adapter.on_home_opened, lambda body: None))
    return bolt


def _safe_origin(origin_of: OriginOf, body: Payload) -> Origin | None:
    try:
        return origin_of(body)
    except Exception:
        return None
