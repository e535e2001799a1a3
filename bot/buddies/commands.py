"""`/buddy join|leave|skip|status|config`, the check-in buttons and the rejoin button."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.bank import AREAS
from bot.buddies.hours import is_zone
from bot.buddies.matching import LEVELS, MAX_GROUP_SIZE, ROLES
from bot.buddies.messages import CHECKIN_ANSWERS, CHECKIN_VERB, REJOIN_VERB
from bot.buddies.service import CADENCE_WEEKS, BuddyService, first_round_after
from bot.daily.config import WEEKDAYS, parse_time
from bot.envelope import Context, Field, Form, FormInput, Message, escape
from bot.errors import Conflict, NotFound, UserError
from bot.registry import Args, Command, Param, action_id
from bot.storage import Tx
from bot.storage import buddies as store
from bot.storage.common import from_db, member_id, to_db
from bot.storage.daily import channel_by_id, ensure_channel

if TYPE_CHECKING:
    from bot.app import Studybot

JOIN_VERB = "buddy-join"
DEFAULT_POOL = {"cadence": "weekly", "day": "mon", "local_time": "09:00"}
CADENCE_NAMES = {
    "weekly": "every week",
    "biweekly": "every two weeks",
    "every4weeks": "every four weeks",
}

CONFIG_PARAMS = (
    Param(
        "cadence", "weekly, biweekly or every4weeks", kind="choice", choices=tuple(CADENCE_WEEKS)
    ),
    Param("day", "the day rounds start (mon..sun)", kind="choice", choices=WEEKDAYS),
    Param("time", "HH:MM in the channel's time zone"),
    Param(
        "size", "members per group, 2 to 4", kind="integer", min_value=2, max_value=MAX_GROUP_SIZE
    ),
    Param(
        "window",
        "rounds before the same people meet again",
        kind="integer",
        min_value=0,
        max_value=52,
    ),
)


class Buddies:
    """Study buddies: opt-in pools per channel, matched on the pool's cadence."""

    def __init__(self, app: Studybot) -> None:
        self.app = app
        self.service = BuddyService(app)

    def register(self) -> None:
        add = self.app.registry.add
        add(Command("buddy join", "Join this channel's study-buddy pool", self.join))
        add(Command("buddy leave", "Leave this channel's study-buddy pool", self.leave))
        add(Command("buddy skip", "Sit out the next buddy round only", self.skip))
        add(Command("buddy status", "Your buddy pool membership and group", self.status))
        add(
            Command(
                "buddy config",
                "Buddy rounds: cadence, day, time, group size (admins)",
                self.config,
                params=CONFIG_PARAMS,
                admin=True,
            )
        )
        self.app.registry.on_form(JOIN_VERB, self.submit_join)
        self.app.registry.on_button(JOIN_VERB, self.open_join)
        self.app.registry.on_button(CHECKIN_VERB, self.checkin)
        self.app.registry.on_button(REJOIN_VERB, self.rejoin)
        self.app.on_tick("buddies", self.run_due)

    async def run_due(self, now: datetime) -> None:
        await self.service.run_due(now)

    async def stats_fields(self, member: int) -> list[Field]:
        """A section for `/stats` (the daily feature's `stats_sections`)."""
        return [Field("Buddy meetings", str(await store.meetings_count(self.app.db, member)))]

    # -- helpers -------------------------------------------------------------------

    def now(self) -> datetime:
        return self.app.clock.now()

    async def _pool_and_member(self, ctx: Context) -> tuple[int, int]:
        """The channel's and the member's row ids, creating them on first sight."""
        now = self.now()

        async def ensure(tx: Tx) -> tuple[int, int]:
            channel = await ensure_channel(tx, ctx.channel, self.app.settings.default_timezone, now)
            first = first_round_after(
                DEFAULT_POOL["day"], DEFAULT_POOL["local_time"], channel.timezone, now
            )
            await store.ensure_pool(tx, channel.id, first, now)
            return channel.id, await member_id(tx, ctx.user, now)

        return await self.app.db.write(ensure)

    async def _membership(self, ctx: Context) -> store.Membership:
        found = await store.find_membership(self.app.db, ctx.channel, ctx.user)
        if found is None or found.status == "left":
            raise NotFound("You are not in this channel's buddy pool. Join with `/buddy join`.")
        return found

    async def _next_round_text(self, channel_id: int) -> str:
        pool = await store.get_pool(self.app.db, channel_id)
        channel = await channel_by_id(self.app.db, channel_id)
        if pool is None:
            return "not scheduled"
        return _local(from_db(pool.next_round_at), channel.timezone)

    # -- join ------------------------------------------------------------------------

    async def join(self, ctx: Context, args: Args) -> Form:
        return await self._join_form(ctx)

    async def open_join(self, ctx: Context, parts: list[str]) -> Form:
        return await self._join_form(ctx)

    async def _join_form(self, ctx: Context) -> Form:
        channel_id, me = await self._pool_and_member(ctx)
        current = await store.membership(self.app.db, channel_id, me)
        channel = await channel_by_id(self.app.db, channel_id)
        zone = (
            current.timezone
            if current
            else await store.member_timezone(self.app.db, me) or channel.timezone
        )
        return Form(
            action_id=action_id(JOIN_VERB),
            title="Join study buddies",
            intro=(
                "Each round you get a buddy (or a small group) for a mock interview. "
                f"Areas to choose from: {', '.join(AREAS)}."
            ),
            inputs=(
                FormInput(
                    id="areas",
                    label="Areas to practise (comma-separated)",
                    max_length=300,
                    placeholder="system-design, llm, behavioral",
                    initial=",".join(current.areas) if current else "",
                ),
                FormInput(
                    id="level",
                    label="Level: junior, mid or senior",
                    max_length=10,
                    initial=current.level if current else "mid",
                ),
                FormInput(
                    id="timezone",
                    label="Time zone (IANA, e.g. Europe/Berlin)",
                    max_length=64,
                    initial=zone,
                ),
                FormInput(
                    id="role",
                    label="Role: interviewer, interviewee or both",
                    max_length=12,
                    initial=current.role if current else "both",
                ),
            ),
            submit_label="Join",
        )

    async def submit_join(
        self, ctx: Context, parts: list[str], values: Mapping[str, str]
    ) -> Message:
        # A field left out entirely (the console fills only what is typed) keeps
        # the value the form showed; a field emptied on purpose is still an error.
        shown = {field.id: field.initial for field in (await self._join_form(ctx)).inputs}
        profile = parse_profile({**shown, **values})
        channel_id, me = await self._pool_and_member(ctx)
        now = self.now()
        await self.app.db.write(lambda tx: store.join_pool(tx, channel_id, me, profile, now))
        count = await store.active_count(self.app.db, channel_id)
        return Message(
            title="You are in the buddy pool",
            text=(
                f"Practising {', '.join(profile.areas)} as a {profile.level}, "
                f"role: {profile.role}, in {profile.timezone}. "
                f"{_members(count)} in this channel's pool."
            ),
            fields=(Field("Next round", await self._next_round_text(channel_id)),),
            footer="`/buddy skip` sits out one round; `/buddy leave` leaves the pool.",
        )

    # -- leave, skip, rejoin -------------------------------------------------------------

    async def leave(self, ctx: Context, args: Args) -> Message:
        found = await self._membership(ctx)
        now = self.now()
        await self.app.db.write(
            lambda tx: store.set_status(tx, found.channel_id, found.member_id, "left", now)
        )
        return Message(
            text="You have left this channel's buddy pool. Your past meetings still count. "
            "Come back any time with `/buddy join`."
        )

    async def skip(self, ctx: Context, args: Args) -> Message:
        found = await self._membership(ctx)
        if found.status == "paused":
            raise Conflict(
                "You are paused from the buddy pool, so there is nothing to skip. "
                "Rejoin with `/buddy join`."
            )
        now = self.now()
        await self.app.db.write(
            lambda tx: store.set_skip_next(tx, found.channel_id, found.member_id, True, now)
        )
        when = await self._next_round_text(found.channel_id)
        return Message(
            text=f"You will sit out the next round ({when}). You are back in the one after."
        )

    async def rejoin(self, ctx: Context, parts: list[str]) -> Message:
        channel_id = _int_part(parts, "That rejoin button is broken. Use `/buddy join`.")
        now = self.now()

        async def resume(tx: Tx) -> store.Membership | None:
            me = await member_id(tx, ctx.user, now)
            found = await store.membership(tx, channel_id, me)
            if found is not None and found.status == "paused":
                await store.set_status(tx, channel_id, me, "active", now)
            return found

        found = await self.app.db.write(resume)
        if found is None or found.status == "left":
            raise NotFound("You are not in that buddy pool. Join it with `/buddy join`.")
        if found.status == "active":
            return Message(text="You are already in the buddy pool. See you in the next round.")
        when = await self._next_round_text(channel_id)
        return Message(text=f"Welcome back! You are in the buddy pool again; next round {when}.")

    # -- check-ins -----------------------------------------------------------------------

    async def checkin(self, ctx: Context, parts: list[str]) -> Message:
        broken = "That check-in button is broken. Answer the newest check-in instead."
        group_id = _int_part(parts, broken)
        answer = parts[1] if len(parts) > 1 else ""
        if answer not in CHECKIN_ANSWERS:
            raise NotFound(broken)
        meetings = await self.service.record_checkin(ctx.user, group_id, answer)
        replies = {
            "met": f"Great, noted that you met. Buddy meetings so far: {meetings}.",
            "not_yet": "Noted: not yet. There is still time this round; agree on a slot.",
            "skip": "Noted: you are skipping this one. See you next round.",
        }
        return Message(text=replies[answer])

    # -- status and config -------------------------------------------------------------------

    async def status(self, ctx: Context, args: Args) -> Message:
        channel_id = await store.pool_channel_id(self.app.db, ctx.channel)
        if channel_id is None:
            return Message(
                title="Study buddies",
                text="There is no buddy pool in this channel yet. Start one with `/buddy join`.",
            )
        found = await store.find_membership(self.app.db, ctx.channel, ctx.user)
        count = await store.active_count(self.app.db, channel_id)
        next_round = await self._next_round_text(channel_id)
        if found is None or found.status == "left":
            return Message(
                title="Study buddies",
                text=f"You are not in this channel's pool ({_members(count)}). "
                "Join with `/buddy join`.",
                fields=(Field("Next round", next_round),),
            )
        fields = [
            Field("Status", _status_text(found)),
            Field("Areas", ", ".join(found.areas)),
            Field("Level", found.level),
            Field("Role", found.role),
            Field("Time zone", found.timezone),
            Field("Next round", next_round),
            Field("Meetings", str(await store.meetings_count(self.app.db, found.member_id))),
        ]
        latest = await store.latest_group_of(self.app.db, channel_id, found.member_id)
        if latest is not None:
            others = [m.user.display for m in latest.members if m.member_id != found.member_id]
            fields.append(
                Field(
                    f"Round {latest.round_number} buddies",
                    ", ".join(escape(name) for name in others),
                )
            )
        return Message(
            title="Your study buddies", text=f"Pool: {_members(count)}.", fields=tuple(fields)
        )

    async def config(self, ctx: Context, args: Args) -> Message:
        channel_id, _ = await self._pool_and_member(ctx)
        changes = {name: value for name, value in args.items() if value is not None}
        if "time" in changes:
            changes["time"] = parse_time(str(changes["time"]))
        if changes:
            await self._save_config(channel_id, changes)
        return await self._config_message(channel_id, changed=bool(changes))

    async def _save_config(self, channel_id: int, changes: dict[str, object]) -> None:
        now = self.now()

        async def save(tx: Tx) -> None:
            channel = await channel_by_id(tx, channel_id)
            pool = await store.get_pool(tx, channel_id)
            assert pool is not None
            day = str(changes.get("day", pool.day))
            local_time = str(changes.get("time", pool.local_time))
            cadence = str(changes.get("cadence", pool.cadence))
            moved = (day, local_time, cadence) != (pool.day, pool.local_time, pool.cadence)
            next_at = (
                to_db(first_round_after(day, local_time, channel.timezone, now))
                if moved
                else pool.next_round_at
            )
            await store.save_pool(
                tx,
                store.Pool(
                    channel_id=channel_id,
                    cadence=cadence,
                    day=day,
                    local_time=local_time,
                    group_size=int(str(changes.get("size", pool.group_size))),
                    repeat_window=int(str(changes.get("window", pool.repeat_window))),
                    next_round_at=next_at,
                ),
                now,
            )

        await self.app.db.write(save)

    async def _config_message(self, channel_id: int, changed: bool) -> Message:
        pool = await store.get_pool(self.app.db, channel_id)
        channel = await channel_by_id(self.app.db, channel_id)
        assert pool is not None
        return Message(
            title="Buddy rounds updated" if changed else "Buddy rounds",
            fields=(
                Field("Cadence", CADENCE_NAMES[pool.cadence]),
                Field("Day and time", f"{pool.day} {pool.local_time} ({channel.timezone})"),
                Field("Group size", str(pool.group_size)),
                Field("No repeats within", f"{pool.repeat_window} rounds"),
                Field("Next round", _local(from_db(pool.next_round_at), channel.timezone)),
            ),
            footer="Change with `/buddy config cadence:biweekly day:wed time:18:00 size:3`.",
        )


def parse_profile(values: Mapping[str, str]) -> store.Profile:
    """Validate the join form, naming every problem at once."""
    problems = []
    raw_areas = [a.strip().lower() for a in values.get("areas", "").split(",") if a.strip()]
    unknown = [a for a in raw_areas if a not in AREAS]
    if not raw_areas:
        problems.append(f"Name at least one area to practise, from: {', '.join(AREAS)}.")
    elif unknown:
        problems.append(
            f"Unknown area{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(f'`{escape(a)}`' for a in unknown)}. Choose from: {', '.join(AREAS)}."
        )
    level = values.get("level", "").strip().lower()
    if level not in LEVELS:
        problems.append(f"Level must be one of {', '.join(LEVELS)}; you gave `{escape(level)}`.")
    zone = values.get("timezone", "").strip()
    if not is_zone(zone):
        problems.append(
            f"`{escape(zone)}` is not a time zone I know. Use an IANA name such as "
            "`Europe/Berlin`, `America/New_York`, `Asia/Kolkata` or `UTC`."
        )
    role = values.get("role", "").strip().lower()
    if role not in ROLES:
        problems.append(f"Role must be one of {', '.join(ROLES)}; you gave `{escape(role)}`.")
    if problems:
        raise UserError("Please fix the join form:\n" + "\n".join(f"- {p}" for p in problems))
    return store.Profile(tuple(dict.fromkeys(raw_areas)), level, zone, role)


def _int_part(parts: list[str], problem: str) -> int:
    try:
        return int(parts[0])
    except (IndexError, ValueError):
        raise NotFound(problem) from None


def _members(count: int) -> str:
    return "1 member" if count == 1 else f"{count} members"


def _status_text(found: store.Membership) -> str:
    if found.status == "paused":
        return "paused after unanswered check-ins; `/buddy join` to come back"
    return "skipping the next round" if found.skip_next else "active"


def _local(when: datetime, zone_name: str) -> str:
    return f"{when.astimezone(ZoneInfo(zone_name)):%a %d %b %H:%M} ({zone_name})"
