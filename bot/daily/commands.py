"""The daily question's commands, buttons and forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.commands.general import ANSWER_LIMIT, AREA_PARAM, answer_form
from bot.daily import render
from bot.daily.config import (
    ChannelConfig,
    describe_reveal,
    parse_areas,
    parse_day,
    parse_days,
    parse_difficulty,
    parse_reveal,
    parse_switch,
    parse_time,
    parse_timezone,
)
from bot.daily.cycle import Cycle
from bot.daily.streaks import streak
from bot.daily.timing import format_local, local_date, next_post_instant
from bot.envelope import Context, Field, Form, FormInput, Message, escape
from bot.errors import Conflict, NotFound, UserError
from bot.registry import Args, Command, Param, action_id
from bot.storage import Tx, ledger
from bot.storage import daily as store
from bot.storage.common import member_id, member_row
from bot.storage.ledger import ALL_TIME, Window, month_key, week_key

if TYPE_CHECKING:
    from bot.app import Studybot

StatsSection = Callable[[int], Awaitable[list[Field]]]

SETUP_PARAMS = (
    Param("time", "post time, 24-hour HH:MM"),
    Param("timezone", "IANA time zone, e.g. Europe/Berlin"),
    Param("days", "days to post: mon,tue,... or weekdays / daily"),
    Param("areas", "comma list of areas, or all"),
    Param("difficulty", "easy, medium, hard or any"),
    Param("reveal", "delay from post to reveal, e.g. 12h or 90m"),
    Param("weekly", "weekly leaderboard post: on or off"),
    Param("leaderboard_day", "day of the weekly leaderboard post"),
)
_PARSERS: dict[str, tuple[str, Callable[[str], object]]] = {
    "time": ("post_time", parse_time),
    "timezone": ("timezone", parse_timezone),
    "days": ("days", parse_days),
    "areas": ("areas", parse_areas),
    "difficulty": ("difficulty", parse_difficulty),
    "reveal": ("reveal_minutes", parse_reveal),
    "weekly": ("weekly_leaderboard", parse_switch),
    "leaderboard_day": ("leaderboard_day", parse_day),
}
PERIODS = ("week", "month", "all")
GONE = "That question no longer exists."
NO_POST = "No question has been posted in this channel yet."
CLOSED = (
    "Answering is closed: the answers to this question have been revealed. "
    "Vote on them in the thread, and catch the next question."
)


class Daily:
    def __init__(self, app: Studybot) -> None:
        self.app = app
        self.cycle = Cycle(app)
        self.stats_sections: list[StatsSection] = []

    def register(self) -> None:
        add = self.app.registry.add
        add(
            Command(
                "studybot setup",
                "Set this channel's daily question (admins)",
                self.setup,
                params=SETUP_PARAMS,
                admin=True,
            )
        )
        add(Command("studybot config", "Show this channel's daily question settings", self.config))
        add(Command("studybot pause", "Pause the daily question here", self.pause, admin=True))
        add(Command("studybot resume", "Resume the daily question here", self.resume, admin=True))
        add(Command("studybot skip", "Skip the next daily question", self.skip, admin=True))
        add(Command("studybot post-now", "Post today's question now", self.post_now, admin=True))
        add(
            Command(
                "studybot reveal-now", "Reveal today's answers now", self.reveal_now, admin=True
            )
        )
        add(
            Command(
                "answer",
                "Answer today's question (hidden until the reveal)",
                self.answer,
                params=(Param("text", "your answer", kind="text", required=True),),
            )
        )
        add(
            Command(
                "leaderboard",
                "Top 10 of this channel and your rank",
                self.leaderboard,
                params=(
                    Param(
                        "period",
                        "week, month or all",
                        kind="choice",
                        choices=PERIODS,
                        default="week",
                    ),
                    AREA_PARAM,
                ),
            )
        )
        add(
            Command(
                "stats",
                "Your points, streaks and answers (or a member's)",
                self.stats,
                params=(
                    Param("member", "whose stats (default: yours)", kind="user"),
                    Param("timezone", "set your own time zone for streaks"),
                ),
            )
        )
        self.app.registry.on_button("daily-answer", self.open_answer_form)
        self.app.registry.on_form("daily-answer", self.submit_answer_form)
        self.app.registry.on_button("vote", self.vote)
        self.app.registry.on_button("hint", self.hint)
        self.app.registry.on_form("setup", self.submit_setup_form)
        self.app.on_tick("daily", self.cycle.run_due)

    # -- helpers ---------------------------------------------------------------
    def now(self) -> datetime:
        return self.app.clock.now()

    async def channel(self, ctx: Context) -> ChannelConfig:
        found = await store.find_channel(self.app.db, ctx.channel)
        if found is None or not found.configured:
            raise NotFound(
                "The daily question is not set up in this channel. "
                "An admin can start it with `/studybot setup`."
            )
        return found

    async def next_post_text(self, config: ChannelConfig) -> str:
        if config.paused:
            return "paused"
        instant = next_post_instant(config, self.now())
        return format_local(instant, config.timezone) if instant else "no post days set"

    # -- admin -----------------------------------------------------------------
    async def setup(self, ctx: Context, args: Args) -> Message | Form:
        given = {name: value for name, value in args.items() if value}
        if not given:
            return await self.setup_form(ctx)
        return await self.apply_setup(ctx, given)

    async def setup_form(self, ctx: Context) -> Form:
        found = await store.find_channel(self.app.db, ctx.channel)
        config = found or ChannelConfig(0, "", "", "", timezone=self.app.settings.default_timezone)
        inputs = (
            FormInput("time", "Post time (24-hour HH:MM)", initial=config.post_time),
            FormInput("timezone", "Time zone (IANA name)", initial=config.timezone),
            FormInput(
                "days", "Days (mon,tue,... or weekdays/daily)", initial=",".join(config.days)
            ),
            FormInput(
                "areas",
                "Areas (comma list, or all)",
                initial=",".join(config.areas) or "all",
                required=False,
            ),
            FormInput(
                "difficulty",
                "Difficulty (easy/medium/hard/any)",
                initial=config.difficulty or "any",
                required=False,
            ),
        )
        return Form(action_id("setup"), "Daily question setup", inputs, submit_label="Save")

    async def submit_setup_form(
        self, ctx: Context, parts: list[str], values: Mapping[str, str]
    ) -> Message:
        if not ctx.is_admin:
            raise UserError("Only admins of this server or workspace can change the settings.")
        return await self.apply_setup(ctx, {k: v for k, v in values.items() if v.strip()})

    async def apply_setup(self, ctx: Context, given: Mapping[str, str]) -> Message:
        changes = {}
        for name, raw in given.items():
            field_name, parse = _PARSERS[name]
            changes[field_name] = parse(str(raw))
        now = self.now()

        async def save(tx: Tx) -> ChannelConfig:
            current = await store.ensure_channel(
                tx, ctx.channel, self.app.settings.default_timezone, now
            )
            config = current.with_changes(configured=True, **changes)
            if not self.app.bank.select(areas=config.areas, difficulty=config.difficulty):
                raise UserError(
                    "No question matches those areas and difficulty; widen the filters."
                )
            await store.save_channel(tx, config, now)
            return config

        config = await self.app.db.write(save)
        await self.app.schedule_changed()
        view = render.config_view(config, await self.next_post_text(config))
        return Message(title="Saved. " + view.title, fields=view.fields, kind="config")

    async def config(self, ctx: Context, args: Args) -> Message:
        config = await self.channel(ctx)
        return render.config_view(config, await self.next_post_text(config))

    async def _update(self, ctx: Context, **changes: object) -> ChannelConfig:
        config = (await self.channel(ctx)).with_changes(**changes)
        await self.app.db.write(lambda tx: store.save_channel(tx, config, self.now()))
        await self.app.schedule_changed()
        return config

    async def pause(self, ctx: Context, args: Args) -> Message:
        await self._update(ctx, paused=True)
        return Message(
            text="Paused. No daily question here until an admin runs `/studybot resume`."
        )

    async def resume(self, ctx: Context, args: Args) -> Message:
        config = await self._update(ctx, paused=False)
        return Message(text=f"Resumed. Next question: {await self.next_post_text(config)}.")

    async def skip(self, ctx: Context, args: Args) -> Message:
        config = await self._update(ctx, skip_next=True)
        return Message(
            text=f"The next question ({await self.next_post_text(config)}) will be skipped."
        )

    async def post_now(self, ctx: Context, args: Args) -> Message:
        config = await self.channel(ctx)
        await self.cycle.post_now(config, self.now())
        return Message(text="Posted today's question.")

    async def reveal_now(self, ctx: Context, args: Args) -> Message:
        config = await self.channel(ctx)
        post = await store.latest_post(self.app.db, config.id)
        if post is None or post.status != "posted":
            raise Conflict("There is no unrevealed question in this channel right now.")
        await self.cycle.reveal(post, self.now())
        return Message(text="Revealed. Voting is open until the next question.")

    # -- answering -------------------------------------------------------------
    async def answer(self, ctx: Context, args: Args) -> Message:
        async def newest(tx: Tx) -> store.PostInZone | None:
            return await store.latest_post_in_channel(tx, ctx.channel)

        try:
            return await self.save_answer(ctx, newest, str(args["text"]), missing=NO_POST)
        except NotFound:
            await self.channel(ctx)  # explains an unconfigured channel
            raise

    async def open_answer_form(self, ctx: Context, parts: list[str]) -> Form:
        found = await self.post(parts)
        if found.status != "posted":
            raise Conflict(CLOSED)
        question = self.app.bank.get(found.question_id)
        mine = await self.member(ctx)
        current = await store.answer_of(self.app.db, found.id, mine) or ""
        title = "Edit your answer" if current else "Your answer"
        prompt = question.prompt if question else ""
        return answer_form(action_id("daily-answer", found.id), title, prompt, current)

    async def submit_answer_form(
        self, ctx: Context, parts: list[str], values: Mapping[str, str]
    ) -> Message:
        post_id = int(parts[0])

        async def by_id(tx: Tx) -> store.PostInZone | None:
            return await store.post_in_zone(tx, post_id)

        return await self.save_answer(ctx, by_id, values.get("answer", ""), missing=GONE)

    async def post(self, parts: list[str]) -> store.PostInZone:
        found = await store.post_in_zone(self.app.db, int(parts[0]))
        if found is None:
            raise NotFound(GONE)
        return found

    async def member(self, ctx: Context) -> int:
        return await self.app.db.write(lambda tx: member_id(tx, ctx.user, self.now()))

    async def save_answer(
        self,
        ctx: Context,
        find: Callable[[Tx], Awaitable[store.PostInZone | None]],
        text: str,
        *,
        missing: str,
    ) -> Message:
        """Save the member's answer to the post `find` reads (NotFound(missing) if none).

        The post is read in the answer's own transaction, on the writer, whose
        page cache its own commits keep warm: one answer at a time, 22 us
        against 52 us on the reader connection, which starts a read
        transaction and finds its cache invalidated after each commit.
        """
        body = text.strip()
        if not body:
            raise UserError(
                "Your answer is empty. Write it as you would say it in an interview, then send it."
            )
        if len(body) > ANSWER_LIMIT:
            raise UserError(
                f"Your answer is {len(body):,} characters; the limit is {ANSWER_LIMIT:,}. "
                "Shorten it and send it again (nothing was saved)."
            )
        now = self.now()

        async def save(tx: Tx) -> tuple[store.PostInZone, bool, str | None]:
            found = await find(tx)
            if found is None:
                raise NotFound(missing)
            who, zone = await member_row(tx, ctx.user, now)
            first = await store.save_answer(tx, found.id, who, body, now)
            if first is None:
                raise Conflict(CLOSED)
            if first:
                question = self.app.bank.get(found.question_id)
                await ledger.add_points(
                    tx,
                    who,
                    found.channel_id,
                    "answer",
                    self.app.settings.points_answer,
                    now,
                    area=question.area if question else None,
                    ref=f"post:{found.id}",
                )
            return found, first, zone

        found, first, zone = await self.app.db.write(save)
        reveal = format_local(found.reveal_at, zone or found.timezone)
        verb = "Saved your answer" if first else "Updated your answer"
        return Message(
            text=f"{verb}. It stays hidden until the reveal, {reveal}; you can edit it until then."
        )

    async def hint(self, ctx: Context, parts: list[str]) -> Message:
        question = self.app.bank.get(parts[0] if parts else "")
        if question is None or not question.hint:
            raise NotFound("There is no hint for that question.")
        return Message(text=f"Hint: {question.hint}")

    # -- votes -----------------------------------------------------------------
    async def vote(self, ctx: Context, parts: list[str]) -> Message:
        answer_id, now = int(parts[0]), self.now()

        async def toggle(tx: Tx) -> tuple[store.VoteTarget, bool]:
            # Read in the vote's own transaction: the post cannot close in between.
            target = await store.vote_target(tx, answer_id)
            if target is None:
                raise NotFound("That answer no longer exists.")
            if target.status == "closed":
                raise Conflict("Voting on this question closed when the next question was posted.")
            if target.status != "revealed":
                raise Conflict("Voting opens when the answers are revealed.")
            question = self.app.bank.get(target.question_id)
            voter = await member_id(tx, ctx.user, now)
            if voter == target.author_id:
                raise UserError("You can't vote for your own answer. Vote for someone else's!")
            stands = await store.toggle_vote(tx, target.answer_id, voter, now)
            points = self.app.settings.points_upvote
            await ledger.add_points(
                tx,
                target.author_id,
                target.channel_id,
                "upvote" if stands else "upvote_withdrawn",
                points if stands else -points,
                now,
                area=question.area if question else None,
                ref=f"answer:{target.answer_id}",
            )
            return target, stands

        target, stands = await self.app.db.write(toggle)
        author = escape(target.author)
        if stands:
            return Message(text=f"Upvoted {author}'s answer. Press again to withdraw your vote.")
        return Message(text=f"Withdrew your vote for {author}'s answer.")

    # -- standings -------------------------------------------------------------
    async def leaderboard(self, ctx: Context, args: Args) -> Message:
        config = await self.channel(ctx)
        now = self.now()
        period, area = args["period"] or "week", args["area"]
        today = local_date(config, now)
        key = {"week": week_key(today), "month": month_key(today)}.get(period, ALL_TIME)
        window = Window(config.id, period=key, area=area)
        standings = await ledger.top(self.app.db, window)
        who = await ledger.find_member(self.app.db, *_identity(ctx))
        mine = await ledger.standing_of(self.app.db, window, who) if who else None
        title = {"week": "This week", "month": "This month", "all": "All time"}[period]
        return render.leaderboard(
            f"Leaderboard · {title}" + (f" · {area}" if area else ""), standings, mine
        )

    async def stats(self, ctx: Context, args: Args) -> Message:
        if args["timezone"]:
            return await self.set_timezone(ctx, str(args["timezone"]))
        who, name = await self.member(ctx), ctx.user.display
        if args["member"]:
            found = await ledger.find_member(
                self.app.db, ctx.user.platform, ctx.user.workspace, str(args["member"])
            )
            if found is None:
                raise NotFound(f"I have no record of {escape(str(args['member']))} yet.")
            who, name = found, str(args["member"])
        zone = ZoneInfo(await self.zone_for_member(who, ctx))
        now = self.now()
        local_today = now.astimezone(zone).date()
        week = datetime.combine(
            local_today - timedelta(days=local_today.weekday()), datetime.min.time(), tzinfo=zone
        )
        month = datetime.combine(local_today.replace(day=1), datetime.min.time(), tzinfo=zone)
        times = await ledger.answer_times(self.app.db, who)
        run = streak(times, zone, now)
        fields = [
            Field("This week", f"{await ledger.points_since(self.app.db, who, week)} pts"),
            Field("This month", f"{await ledger.points_since(self.app.db, who, month)} pts"),
            Field("All time", f"{await ledger.points_since(self.app.db, who, None)} pts"),
            Field("Streak", f"{_days(run.current)} (best {run.best})"),
            Field("Answers", str(len(times))),
            Field("Upvotes received", str(await ledger.upvotes_received(self.app.db, who))),
        ]
        for section in self.stats_sections:
            fields += await section(who)
        return Message(
            kind="stats",
            title=f"Stats for {escape(name)}",
            fields=tuple(fields),
            footer=f"Days and weeks in {zone.key}.",
        )

    async def zone_for_member(self, who: int, ctx: Context) -> str:
        mine = await store.member_timezone(self.app.db, who)
        if mine:
            return mine
        found = await store.find_channel(self.app.db, ctx.channel)
        return found.timezone if found else self.app.settings.default_timezone

    async def set_timezone(self, ctx: Context, raw: str) -> Message:
        zone = parse_timezone(raw)
        now = self.now()

        async def save(tx: Tx) -> None:
            await member_id(tx, ctx.user, now)  # a member's first command may be this one
            await store.set_member_timezone(tx, ctx.user, zone)

        await self.app.db.write(save)
        return Message(text=f"Your time zone is now {zone}; streaks count your local days there.")


__all__ = ["Daily", "describe_reveal"]


def _identity(ctx: Context) -> tuple[str, str, str]:
    return ctx.user.platform, ctx.user.workspace, ctx.user.id


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
