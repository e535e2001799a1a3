"""The discord.py client: slash commands from the registry, interactions, and posts.

Every click and modal submission arrives through `on_interaction` and is
routed by its custom_id, which is the core's action id: no view state lives
in memory, so buttons keep working after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import inspect
import json
import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord import translate
from adapters.discord.render import (
    THREAD_NAME_LIMIT,
    ModalSpec,
    Part,
    clip,
    render_form,
    render_message,
    thread_name,
)
from adapters.discord.translate import PLATFORM
from bot.app import Studybot
from bot.dispatch import apology, new_incident_id
from bot.envelope import (
    Button,
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
from bot.registry import Command, Param, Registry

log = logging.getLogger("studybot.discord")

NO_MENTIONS = discord.AllowedMentions.none()
DEFER_AFTER = 1.0  # seconds of core work before we defer; Discord's deadline is 3 s
OPEN_FORM_PREFIX = "sbx:form:"  # a button that reopens a form the core returned too late
PENDING_FORMS = 1000
THREAD_ALREADY_EXISTS = 160004
THREAD_ARCHIVE_MINUTES: Literal[60, 1440, 4320, 10080] = 1440
GROUP_ARCHIVE_MINUTES: Literal[60, 1440, 4320, 10080] = 10080  # a round's week, at most
THREAD_TYPES = {
    discord.ChannelType.news_thread.value,
    discord.ChannelType.public_thread.value,
    discord.ChannelType.private_thread.value,
}
DESCRIPTION_LIMIT = 100
OPTIONS_LIMIT = 25
CHOICES_LIMIT = 25
SUBCOMMANDS_LIMIT = 25
ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)
GUILD_ONLY = app_commands.AppCommandContext(guild=True)

CommandCallback = Callable[[discord.Interaction[Any]], Awaitable[None]]


# -- slash commands from the registry ------------------------------------------


def slash_commands(
    registry: Registry, callback: CommandCallback
) -> Iterator[app_commands.Command[Any, ..., None] | app_commands.Group]:
    """One command per single-word name; a Group for "studybot setup"-style names."""
    for first, commands in registry.groups().items():
        subcommands = [c for c in commands if len(c.words) == 2]
        singles = [c for c in commands if len(c.words) == 1]
        if not subcommands:
            yield slash_command(singles[0], callback)
            continue
        yield _group(first, subcommands, callback, bare=singles[0] if singles else None)


def _group(
    name: str, subcommands: list[Command], callback: CommandCallback, bare: Command | None = None
) -> app_commands.Group:
    all_admin = all(c.admin for c in [*subcommands, *([bare] if bare else [])])
    group = app_commands.Group(
        name=name,
        description=clip(
            f"/{name}: " + ", ".join(c.words[1] for c in subcommands), DESCRIPTION_LIMIT
        ),
        allowed_contexts=GUILD_ONLY,
        default_permissions=ADMIN_PERMISSIONS if all_admin else None,
    )
    if bare is not None:
        if any(c.words[1] == translate.BARE_SUBCOMMAND for c in subcommands):
            raise ValueError(f"/{name} {translate.BARE_SUBCOMMAND} would hide /{name} on Discord")
        group.add_command(slash_command(bare, callback, name=translate.BARE_SUBCOMMAND))
    for command in subcommands[: SUBCOMMANDS_LIMIT - (bare is not None)]:
        group.add_command(slash_command(command, callback, name=command.words[1]))
    return group


def slash_command(
    command: Command, callback: CommandCallback, name: str | None = None
) -> app_commands.Command[Any, ..., None]:
    """A typed Discord command; admin ones need Manage Server by default (the core checks too)."""

    async def invoke(interaction: discord.Interaction[Any], **_: Any) -> None:
        await callback(interaction)

    params = command.params[:OPTIONS_LIMIT]
    names = {f"p{index}": param for index, param in enumerate(params)}
    signature = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    signature += [
        inspect.Parameter(
            python_name,
            inspect.Parameter.KEYWORD_ONLY,
            default=inspect.Parameter.empty if param.required else None,
            annotation=_annotation(param),
        )
        for python_name, param in names.items()
    ]
    invoke.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    decorated: Any = invoke
    if names:
        decorated = app_commands.rename(**{k: p.name for k, p in names.items()})(decorated)
        decorated = app_commands.describe(
            **{k: clip(p.description, DESCRIPTION_LIMIT) or p.name for k, p in names.items()}
        )(decorated)
        choices = {k: _choices(p) for k, p in names.items() if _choices(p)}
        if choices:
            decorated = app_commands.choices(**choices)(decorated)
    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=name or command.name,
        description=clip(command.description, DESCRIPTION_LIMIT) or command.name,
        callback=decorated,
        allowed_contexts=GUILD_ONLY,
    )
    slash.guild_only = True
    if command.admin:
        slash.default_permissions = ADMIN_PERMISSIONS
    return slash


def _annotation(param: Param) -> Any:
    if param.kind == "user":  # Discord's member picker; the core receives the user id
        return discord.User
    if param.kind == "integer":
        if param.min_value is None and param.max_value is None:
            return int
        return app_commands.Range[int, param.min_value, param.max_value]
    return str


def _choices(param: Param) -> list[app_commands.Choice[str]]:
    if param.kind != "choice" or not 0 < len(param.choices) <= CHOICES_LIMIT:
        return []
    return [app_commands.Choice(name=choice, value=choice) for choice in param.choices]


# -- command sync, only when the command set changed ----------------------------


def command_payload(tree: app_commands.CommandTree[Any]) -> list[dict[str, Any]]:
    return sorted((cmd.to_dict(tree) for cmd in tree.get_commands()), key=lambda c: c["name"])


def payload_hash(payload: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class CommandSync:
    """Remembers, in a small JSON file, what was last synced where."""

    def __init__(self, tree: app_commands.CommandTree[Any], state_file: Path) -> None:
        self.tree = tree
        self.state_file = state_file

    def _scope(self, guild_id: int | None) -> str:
        application = self.tree.client.application_id
        return f"{application}:" + (f"guild:{guild_id}" if guild_id else "global")

    def _load(self) -> dict[str, str]:
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in state.items()} if isinstance(state, dict) else {}

    def is_current(self, guild_id: int | None = None) -> bool:
        return self._load().get(self._scope(guild_id)) == payload_hash(command_payload(self.tree))

    async def sync(self, guild_id: int | None = None) -> int:
        """Upload the commands (to one guild, instantly, or globally); returns how many."""
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        state = self._load()
        state[self._scope(guild_id)] = payload_hash(command_payload(self.tree))
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
        return len(synced)

    async def sync_if_changed(self) -> bool:
        if self.is_current():
            log.info("Discord commands unchanged; not syncing")
            return False
        count = await self.sync()
        log.info("synced %d Discord commands globally", count)
        return True


# -- rendering into discord.py objects ------------------------------------------


class RenderedView(discord.ui.View):
    """Buttons to show only. Clicks come in through `on_interaction` by custom_id,
    so discord.py's view store never holds these (nothing to lose on restart)."""

    def __init__(self, part: Part) -> None:
        super().__init__(timeout=None)
        for row, buttons in enumerate(part.rows):
            for spec in buttons:
                self.add_item(
                    discord.ui.Button(
                        label=spec.label, custom_id=spec.custom_id, style=spec.style, row=row
                    )
                )

    def is_dispatchable(self) -> bool:
        return False


def scoped(part: Part, workspace: str | None) -> Part:
    """A part for a direct message: its buttons say which server they belong to."""
    if not workspace:
        return part
    rows = tuple(
        tuple(
            dataclasses.replace(b, custom_id=translate.dm_custom_id(workspace, b.custom_id))
            if translate.is_core_action(b.custom_id)
            else b
            for b in row
        )
        for row in part.rows
    )
    return dataclasses.replace(part, rows=rows)


def _scoped_form(form: Form, workspace: str | None) -> Form:
    """A form opened from a DM: its submission, too, must say which server it is for."""
    if not workspace:
        return form
    return dataclasses.replace(form, action_id=translate.dm_custom_id(workspace, form.action_id))


def _scope_of(interaction: discord.Interaction[Any], custom_id: str) -> tuple[str | None, str]:
    """(server, core action id): a DM button names its server; elsewhere the guild is it."""
    if interaction.guild_id is None:
        found = translate.split_dm_custom_id(custom_id)
        if found is not None:
            return found
    return None, custom_id


def message_kwargs(part: Part) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if part.content:
        kwargs["content"] = part.content
    if part.embeds:
        kwargs["embeds"] = list(part.embeds)
    if part.rows:
        kwargs["view"] = RenderedView(part)
    return kwargs


def edit_kwargs(part: Part) -> dict[str, Any]:
    """Like `message_kwargs`, for an edit: what `part` lacks is cleared, not kept."""
    return {
        "allowed_mentions": NO_MENTIONS,
        "content": part.content or None,
        "embeds": list(part.embeds),
        "view": RenderedView(part) if part.rows else None,
    }


def build_modal(spec: ModalSpec) -> discord.ui.Modal:
    modal = discord.ui.Modal(title=spec.title, custom_id=spec.custom_id, timeout=None)
    if spec.intro:
        modal.add_item(discord.ui.TextDisplay(spec.intro))
    for field in spec.inputs:
        text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id=field.custom_id,
            style=field.style,
            required=field.required,
            min_length=field.min_length,
            max_length=field.max_length,
            placeholder=field.placeholder,
            default=field.default,
        )
        modal.add_item(discord.ui.Label(text=field.label, component=text_input))
    # Submissions come through on_interaction by custom_id; a finished modal
    # is never put in discord.py's view store, so none pile up in memory.
    modal.stop()
    return modal


# -- interactions -------------------------------------------------------------------


class _Answer:
    """Where the next reply to one interaction goes."""

    def __init__(self, interaction: discord.Interaction[Any], workspace: str | None) -> None:
        self.interaction = interaction
        self.workspace = workspace  # the server of a click in a DM, for the reply's buttons
        self.thinking = False  # deferred with an ephemeral "thinking" message still showing


class Interactions:
    """Turns interactions into core events and delivers the core's replies in time."""

    def __init__(self, app: Studybot, defer_after: float = DEFER_AFTER) -> None:
        self.app = app
        self.defer_after = defer_after
        self.pending_forms: OrderedDict[str, Form] = OrderedDict()

    def context_of(
        self, interaction: discord.Interaction[Any], workspace: str | None = None
    ) -> Context:
        """`workspace`: the server a click in a direct message belongs to."""
        channel = interaction.channel
        return translate.context(
            guild_id=workspace or interaction.guild_id,
            channel_id=interaction.channel_id or 0,
            channel_name=str(getattr(channel, "name", "") or ""),
            user_id=interaction.user.id,
            user_name=interaction.user.display_name,
            permissions=interaction.permissions.value,
            admins=self.app.settings.admins,
        )

    async def on_command(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.bot:
            return
        name, args = translate.command_call(interaction.data or {})
        await self.serve(interaction, CommandInvocation(self.context_of(interaction), name, args))

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Clicks and modal submissions; slash commands go through the command tree."""
        if interaction.user.bot:
            return
        data: Any = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        if custom_id.startswith(OPEN_FORM_PREFIX):
            if interaction.type is discord.InteractionType.component:
                await self._reopen_form(interaction, custom_id.removeprefix(OPEN_FORM_PREFIX))
            return
        workspace, action = _scope_of(interaction, custom_id)
        if not translate.is_core_action(action):
            return
        ctx = self.context_of(interaction, workspace)
        if interaction.type is discord.InteractionType.component:
            await self.serve(interaction, ButtonPress(ctx, action), workspace)
        elif interaction.type is discord.InteractionType.modal_submit:
            submission = FormSubmission(ctx, action, translate.form_values(data))
            await self.serve(interaction, submission, workspace)

    async def serve(
        self, interaction: discord.Interaction[Any], event: Inbound, workspace: str | None = None
    ) -> None:
        """Answer one interaction; `workspace` scopes the buttons of replies in a DM."""
        answer = _Answer(interaction, workspace)
        try:
            replies = await self._handle_in_time(answer, event)
            await self._deliver(answer, replies)
        except Exception:
            incident = new_incident_id()
            log.exception("incident %s answering interaction %s", incident, interaction.id)
            await self._try_send(answer, apology(incident))

    async def _handle_in_time(self, answer: _Answer, event: Inbound) -> list[Outgoing]:
        """Answer at once when the core is quick; otherwise defer, then follow up."""
        work = asyncio.ensure_future(self.app.handle(event))
        done, _ = await asyncio.wait({work}, timeout=self.defer_after)
        if not done:
            try:
                await answer.interaction.response.defer(ephemeral=True, thinking=True)
                answer.thinking = True
            finally:
                replies = await work  # the core's work completes even if the defer failed
            return replies
        return work.result()

    async def _deliver(self, answer: _Answer, replies: list[Outgoing]) -> None:
        for reply in replies:
            if isinstance(reply, Form):
                await self._show_form(answer, _scoped_form(reply, answer.workspace))
            else:
                for index, part in enumerate(render_message(reply)):
                    if (
                        index == 0
                        and reply.replaces_pressed
                        and await self._edit_pressed(answer, part)
                    ):
                        continue
                    await self._send(answer, part, reply.private)
        interaction = answer.interaction
        if answer.thinking:  # nothing replaced the "thinking…" message
            await interaction.delete_original_response()
        elif not interaction.response.is_done():
            if interaction.type is discord.InteractionType.application_command:
                await interaction.response.send_message(
                    "Done.", ephemeral=True, allowed_mentions=NO_MENTIONS
                )
            else:
                await interaction.response.defer()

    async def _edit_pressed(self, answer: _Answer, part: Part) -> bool:
        """Edit the message whose button was pressed into `part` (an UPDATE_MESSAGE response).

        False when that is no longer possible: the interaction was answered already
        (deferred because the core was slow), so `part` goes out as a new message.
        """
        interaction = answer.interaction
        if (
            interaction.type is not discord.InteractionType.component
            or interaction.response.is_done()
        ):
            return False
        await interaction.response.edit_message(**edit_kwargs(scoped(part, answer.workspace)))
        return True

    async def _send(self, answer: _Answer, part: Part, private: bool) -> None:
        interaction = answer.interaction
        kwargs = message_kwargs(scoped(part, answer.workspace))
        if not interaction.response.is_done():
            await interaction.response.send_message(ephemeral=private, **kwargs)
        elif answer.thinking:
            answer.thinking = False
            if private:  # the deferral was ephemeral, so the reply takes its place
                await interaction.edit_original_response(**kwargs)
            else:
                await interaction.delete_original_response()
                await interaction.followup.send(ephemeral=False, **kwargs)
        else:
            await interaction.followup.send(ephemeral=private, **kwargs)

    async def _show_form(self, answer: _Answer, form: Form) -> None:
        interaction = answer.interaction
        can_open = (
            not interaction.response.is_done()
            and interaction.type is not discord.InteractionType.modal_submit
        )
        if can_open:
            await interaction.response.send_modal(build_modal(render_form(form)))
            return
        # A modal can only be the first answer to a command or a click.
        token = self._remember(form)
        button = Button(clip(form.title, 60) or "Open", OPEN_FORM_PREFIX + token, "primary")
        message = Message(text="Press the button to open the form.", buttons=(button,))
        for part in render_message(message):
            await self._send(answer, part, private=True)

    def _remember(self, form: Form) -> str:
        token = secrets.token_hex(8)
        self.pending_forms[token] = form
        while len(self.pending_forms) > PENDING_FORMS:
            self.pending_forms.popitem(last=False)
        return token

    async def _reopen_form(self, interaction: discord.Interaction[Any], token: str) -> None:
        form = self.pending_forms.get(token)
        if form is None:
            await interaction.response.send_message(
                "That form has expired. Run the command or press the button again.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.response.send_modal(build_modal(render_form(form)))

    async def _try_send(self, answer: _Answer, message: Message) -> None:
        try:
            for part in render_message(message):
                await self._send(answer, part, private=True)
        except Exception:
            log.exception("could not tell the member about the failure either")


# -- the client and the Poster port -------------------------------------------------------


class StudyClient(discord.Client):
    def __init__(
        self,
        app: Studybot,
        *,
        sync_state: Path | None = None,
        defer_after: float = DEFER_AFTER,
        guild_ready_timeout: float = 2.0,
        auto_sync: bool = True,
    ) -> None:
        super().__init__(
            intents=discord.Intents(guilds=True),
            allowed_mentions=NO_MENTIONS,
            guild_ready_timeout=guild_ready_timeout,  # how long READY waits for more servers
        )
        self.app = app
        self.auto_sync = auto_sync
        self.interactions = Interactions(app, defer_after)
        self.tree: app_commands.CommandTree[StudyClient] = app_commands.CommandTree(self)
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        for command in slash_commands(app.registry, self.interactions.on_command):
            self.tree.add_command(command)
        self.commands = CommandSync(self.tree, sync_state or _sync_state_file(app))
        self.poster = DiscordPoster(self)

    async def setup_hook(self) -> None:
        if self.auto_sync:  # only when the command set changed: Discord caps creates per day
            await self.commands.sync_if_changed()

    async def on_ready(self) -> None:
        log.info("Discord: logged in as %s in %d servers", self.user, len(self.guilds))

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        await self.interactions.on_interaction(interaction)

    async def _on_tree_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        incident = new_incident_id()
        log.error("incident %s in slash command: %s", incident, error, exc_info=error)
        stale = app_commands.CommandNotFound | app_commands.CommandSignatureMismatch
        text = (
            "That command is out of date here. Try again in a minute."
            if isinstance(error, stale)
            else apology(incident).text
        )
        if not interaction.response.is_done():
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )


def _sync_state_file(app: Studybot) -> Path:
    return app.settings.data_dir / "discord-commands.json"


class DiscordPoster:
    """The core's Poster port: embeds and buttons in a channel or a post's thread, private
    threads for groups, and direct messages."""

    def __init__(self, client: StudyClient, ready_timeout: float = 60.0) -> None:
        self.client = client
        self.ready_timeout = ready_timeout
        self.threads: dict[str, int] = {}  # post message id -> thread id
        self.parents: dict[int, int | None] = {}  # channel id -> its parent if it is a thread
        self.partial: dict[tuple[int, Message], list[int]] = {}  # split posts cut short

    async def open_group(self, members: Sequence[UserRef], about: ChannelRef) -> ChannelRef:
        """A private thread in `about` (in its channel, if `about` is a thread: they do not
        nest) that only these members and the server's moderators see.

        Members who left the server are skipped; any other refusal deletes the
        half-made thread and raises, so the core's retry does not pile up threads.
        """
        await asyncio.wait_for(self.client.wait_until_ready(), self.ready_timeout)
        data = await self.client.http.start_thread_without_message(
            await self._parent(int(about.id)) or int(about.id),
            name=group_name(members),
            auto_archive_duration=GROUP_ARCHIVE_MINUTES,
            type=discord.ChannelType.private_thread.value,
            invitable=False,  # members cannot pull others in; the group is the bot's choice
        )
        thread_id = int(data["id"])
        self.parents[thread_id] = int(data["parent_id"])
        try:
            for member in members:
                await self._add_to_thread(thread_id, member)
        except Exception:
            with contextlib.suppress(discord.HTTPException):
                await self.client.http.delete_channel(thread_id)
            raise
        return ChannelRef(PLATFORM, about.workspace, str(thread_id), name=str(data.get("name", "")))

    async def _add_to_thread(self, thread_id: int, member: UserRef) -> None:
        try:
            await self.client.http.add_user_to_thread(thread_id, int(member.id))
        except discord.NotFound:
            log.warning("member %s is no longer on the server; not added to the group", member.id)

    async def send_private(self, user: UserRef, message: Message) -> PostRef:
        """A direct message; its buttons remember the server, which a DM click lacks."""
        await asyncio.wait_for(self.client.wait_until_ready(), self.ready_timeout)
        channel = await self.client.http.start_private_message(int(user.id))
        target = self.client.get_partial_messageable(int(channel["id"]))
        sent = []
        for part in render_message(message):
            sent.append(await target.send(**message_kwargs(scoped(part, user.workspace))))
        where = ChannelRef(PLATFORM, translate.DIRECT_MESSAGES, str(channel["id"]))
        return PostRef(where, str(sent[0].id))

    async def post(
        self, channel: ChannelRef, message: Message, *, thread: PostRef | None = None
    ) -> PostRef:
        """Send every part; a refusal (not a rate limit, which discord.py waits out) raises.

        When a later part of a split message fails, the core posts the message
        again; the parts that already landed are not sent twice.
        """
        await asyncio.wait_for(self.client.wait_until_ready(), self.ready_timeout)
        target_id = int(channel.id) if thread is None else await self._thread_of(thread, message)
        target = self.client.get_partial_messageable(target_id, guild_id=_guild_id(channel))
        key = (target_id, message)
        landed = self.partial.setdefault(key, [])
        for part in render_message(message)[len(landed) :]:
            sent = await target.send(**message_kwargs(part))
            landed.append(sent.id)
        del self.partial[key]
        return PostRef(channel, str(landed[0]))

    async def _thread_of(self, post: PostRef, message: Message) -> int:
        """The thread on `post`, created on first use. A post that is itself in a thread
        (a group's introduction, say) is answered in that thread: Discord does not nest them."""
        if post.id in self.threads:
            return self.threads[post.id]
        if await self._parent(int(post.channel.id)) is not None:
            return int(post.channel.id)
        try:
            data = await self.client.http.start_thread_with_message(
                int(post.channel.id),
                int(post.id),
                name=thread_name(message),
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
            thread_id = int(data["id"])
        except discord.HTTPException as error:
            if error.code != THREAD_ALREADY_EXISTS:
                raise
            thread_id = int(post.id)  # a thread started on a message shares its id
        self.threads[post.id] = thread_id
        return thread_id

    async def _parent(self, channel_id: int) -> int | None:
        """The channel a thread is in; None when `channel_id` is not a thread."""
        if channel_id not in self.parents:
            cached = self.client.get_channel(channel_id)
            if isinstance(cached, discord.Thread):
                self.parents[channel_id] = cached.parent_id
            elif cached is not None:
                self.parents[channel_id] = None
            else:  # not in the cache, e.g. an archived thread after a restart
                data: dict[str, Any] = dict(await self.client.http.get_channel(channel_id))
                parent = data.get("parent_id") if data["type"] in THREAD_TYPES else None
                self.parents[channel_id] = int(parent) if parent else None
        return self.parents[channel_id]


def group_name(members: Sequence[UserRef]) -> str:
    """The thread's name: who is in it, which is what members look for in the list."""
    names = [member.display for member in members]
    return clip("Study group: " + ", ".join(names), THREAD_NAME_LIMIT)


def _guild_id(channel: ChannelRef) -> int | None:
    return int(channel.workspace) if channel.workspace.isdigit() else None
