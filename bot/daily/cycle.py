"""The daily cycle's engine: post, reveal, close; exactly once, driven by `tick`.

Every step is claimed in the database before its message is sent, so a
restart, a misfire catch-up or a second process never repeats it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, AsyncIterator, Coroutine
from dataclasses import replace
from datetime import date, datetime, timedelta
from secrets import token_hex
from typing import TYPE_CHECKING, Any

from bot.bank import Question
from bot.daily import render
from bot.daily.config import WEEKDAYS, ChannelConfig
from bot.daily.timing import due_post_dates, format_local, local_date, post_instant
from bot.envelope import PostRef
from bot.errors import Conflict
from bot.record import record
from bot.storage import Tx, ledger
from bot.storage import daily as store
from bot.storage.ledger import Window

if TYPE_CHECKING:
    from bot.app import Studybot

log = logging.getLogger(__name__)


@record
class Claim:
    """A post this process claimed and now has to deliver."""

    config: ChannelConfig
    day: date
    post_id: int
    question: Question


DueLot = list[tuple[ChannelConfig, date]]  # (channel, local day) pairs claimed together
STALE_CLAIM = timedelta(minutes=5)  # a claim this old without a post: its sender died
FAN_OUT = 64  # channels in flight at once during a tick
# A tick reads the channels, works out what is due and claims it this many
# channels at a time, and delivers each lot while the next is claimed. With
# 5,000 channels in one piece, the first post came 0.25-0.33 s into the tick,
# and every tick held the loop for 100-220 ms at a stretch; in lots of 100, the
# first post 0.01 s in and a tick with nothing due ~0.2 s in slices of a few ms.
CLAIM_LOT = 100


class Cycle:
    def __init__(self, app: Studybot) -> None:
        self.app = app

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.app.settings.grace_hours)

    async def run_due(self, now: datetime) -> None:
        await self.reveal_due(now)
        await self.retry_stale_claims(now)
        await self.post_all(self._due_lots(now), now, forced=False)
        await self.post_leaderboards(now)

    async def _due_lots(self, now: datetime) -> AsyncIterator[DueLot]:
        """The due (channel, day)s, read and worked out CLAIM_LOT channels at a time."""
        async for channels in store.active_channel_lots(self.app.db, CLAIM_LOT):
            yield [(c, day) for c in channels for day in due_post_dates(c, now, self.grace)]

    async def post_all(
        self, lots: AsyncIterable[DueLot], now: datetime, forced: bool
    ) -> list[Claim]:
        """Claim the due posts a lot at a time, delivering each lot while the next is claimed.

        Channels are independent: while one waits on the platform's rate limit,
        others are delivered and recorded. Between lots the loop serves events.
        """
        claims: list[Claim] = []
        async with _Bounded(FAN_OUT) as delivering:
            async for lot in lots:
                for claim, open_posts in await self._claim_lot(lot, now, forced):
                    delivering.start(self.deliver(claim, open_posts, now))
                    claims.append(claim)
                await asyncio.sleep(0)
        return claims

    async def _claim_lot(
        self, lot: DueLot, now: datetime, forced: bool
    ) -> list[tuple[Claim, list[store.Post]]]:
        """Claim a lot in one transaction: each claim won, with its channel's open posts."""
        # A day stays due for the grace window (hours), so most ticks find every
        # day posted already: then there is nothing to choose or write.
        posted = await store.days_posted(self.app.db, [(config.id, day) for config, day in lot])
        lot = [(config, day) for config, day in lot if (config.id, day) not in posted]
        if not lot:
            return []
        won = await self.app.db.write(lambda tx: self._claim_all(tx, lot, now, forced))
        open_posts = await store.open_posts_of(self.app.db, [c.config.id for c in won])
        return [(claim, open_posts[claim.config.id]) for claim in won]

    # -- posting ----------------------------------------------------------
    def choose_question(self, config: ChannelConfig, counts: dict[str, int]) -> Question:
        """The least-posted questions of the filtered pool: no repeat until all were used."""
        pool = self.app.bank.select(areas=config.areas, difficulty=config.difficulty)
        pool = pool or self.app.bank.questions  # filters emptied by a bank change
        if not counts:  # a channel's first post
            return self.app.rng.choice(pool)
        fewest = min(counts.get(q.id, 0) for q in pool)
        return self.app.rng.choice([q for q in pool if counts.get(q.id, 0) == fewest])

    async def post_for_day(
        self, config: ChannelConfig, day: date, now: datetime, forced: bool = False
    ) -> int | None:
        """Claim and send `day`'s post; None if it was already claimed or skipped."""
        claims = await self.post_all(_once([(config, day)]), now, forced)
        return claims[0].post_id if claims else None

    async def _claim_all(self, tx: Tx, due: DueLot, now: datetime, forced: bool) -> list[Claim]:
        """The claims this process won; skipped days and days claimed elsewhere drop out."""
        wanted = []
        for config, day in due:
            if config.skip_next and not forced:
                if await store.claim_post(tx, config.id, day, "", now, now, status="skipped"):
                    await store.save_channel(tx, config.with_changes(skip_next=False), now)
            else:
                wanted.append((config, day))
        if not wanted:
            return []
        counts = await store.question_counts_of(tx, sorted({c.id for c, _ in wanted}))
        chosen = []
        for config, day in wanted:
            question = self.choose_question(config, counts[config.id])
            counts[config.id][question.id] += 1  # a catch-up day must not repeat it
            reveal_at = now + timedelta(minutes=config.reveal_minutes)
            chosen.append((config, store.NewPost(config.id, day, question.id, reveal_at), question))
        won = await store.claim_posts(tx, [new for _, new, _ in chosen], now, token_hex(8))
        return [
            Claim(config, new.day, won[new.channel_id, new.day], question)
            for config, new, question in chosen
            if (new.channel_id, new.day) in won
        ]

    async def deliver(self, claim: Claim, open_posts: list[store.Post], now: datetime) -> None:
        earlier = [post for post in open_posts if post.local_date < claim.day.isoformat()]
        await self.close_voting(claim.config, earlier, now)
        await self.send_post(claim.config, claim.post_id, claim.question, now)

    async def send_post(
        self, config: ChannelConfig, post_id: int, question: Question, now: datetime
    ) -> None:
        reveal_at = now + timedelta(minutes=config.reveal_minutes)
        message = render.daily_post(post_id, question, format_local(reveal_at, config.timezone))
        try:
            ref = await self.app.post(store.channel_ref(config), message)
        except Exception:
            # Left 'claimed': retried once the claim is stale, if still within grace.
            log.exception("daily post %s to channel %s failed", post_id, config.id)
            return
        sent = self.app.clock.now()
        await self.app.db.write(lambda tx: store.mark_posted(tx, post_id, ref.id, sent))

    async def retry_stale_claims(self, now: datetime) -> None:
        for post in await store.stale_claims(self.app.db, now - STALE_CLAIM):
            config = await store.channel_by_id(self.app.db, post.channel_id)
            day = date.fromisoformat(post.local_date)
            if now >= post_instant(config, day) + self.grace and post.claimed_at < now - self.grace:
                continue  # too late to be useful
            question = self.app.bank.get(post.question_id)
            won = await self.app.db.write(lambda tx, p=post: store.reclaim(tx, p, now))  # type: ignore[misc]
            if won and question is not None:
                await self.send_post(config, post.id, question, now)

    # -- revealing and closing ----------------------------------------------
    async def reveal_due(self, now: datetime) -> None:
        for post in await store.due_reveals(self.app.db, now):
            await self.reveal(post, now)

    async def reveal(self, post: store.Post, now: datetime) -> bool:
        won = await self.app.db.write(
            lambda tx: store.set_status(tx, post.id, "posted", "revealed", now)
        )
        if not won:
            return False
        config = await store.channel_by_id(self.app.db, post.channel_id)
        question = self.app.bank.get(post.question_id)
        if question is None:
            log.warning("post %s: question %s left the bank; no reveal", post.id, post.question_id)
            return True
        answers = await store.answers_for(self.app.db, post.id)
        message = render.reveal(question, answers, "review-add" in self.app.registry.buttons)
        thread = PostRef(store.channel_ref(config), post.post_ref) if post.post_ref else None
        try:
            await self.app.post(store.channel_ref(config), message, thread=thread)
        except Exception:
            log.exception("reveal of post %s failed; it will be retried", post.id)
            await self.app.db.write(
                lambda tx: store.set_status(tx, post.id, "revealed", "posted", now)
            )
            return False
        return True

    async def close_voting(
        self, config: ChannelConfig, earlier: list[store.Post], now: datetime
    ) -> None:
        """The next post closes voting on earlier ones and awards the top answers."""
        for post in earlier:
            if post.status == "posted":
                await self.reveal(post, now)
            await self.app.db.write(lambda tx, p=post: self._close(tx, p, now))  # type: ignore[misc]

    async def _close(self, tx: Tx, post: store.Post, now: datetime) -> None:
        if not await store.set_status(tx, post.id, "revealed", "closed", now):
            return
        answers = await store.answers_for(tx, post.id)
        best = max((a.votes for a in answers), default=0)
        question = self.app.bank.get(post.question_id)
        for answer in answers:
            if best > 0 and answer.votes == best:
                await ledger.add_points(
                    tx,
                    answer.member_id,
                    post.channel_id,
                    "top_answer",
                    self.app.settings.points_top_answer,
                    now,
                    area=question.area if question else None,
                    ref=f"post:{post.id}",
                )

    # -- weekly leaderboard ------------------------------------------------
    async def post_leaderboards(self, now: datetime) -> None:
        """Post each weekly leaderboard that is due and not posted yet."""
        async with _Bounded(FAN_OUT) as delivering:
            async for channels in store.active_channel_lots(self.app.db, CLAIM_LOT):
                due = {(c.id, day): c for c in channels if (day := self.leaderboard_day(c, now))}
                if due:
                    posted = await store.leaderboards_posted(self.app.db, list(due))
                    for (channel_id, day), config in due.items():
                        if (channel_id, day) not in posted:
                            delivering.start(self.post_leaderboard(config, day, now))
                await asyncio.sleep(0)

    def leaderboard_day(self, config: ChannelConfig, now: datetime) -> date | None:
        """The local day whose weekly leaderboard is due now, if one is."""
        if not config.weekly_leaderboard:
            return None
        day = local_date(config, now)
        if WEEKDAYS[day.weekday()] != config.leaderboard_day:
            return None
        instant = post_instant(config, day)
        return day if instant <= now < instant + self.grace else None

    async def post_leaderboard(self, config: ChannelConfig, day: date, now: datetime) -> None:
        if not await self.app.db.write(
            lambda tx: store.claim_leaderboard_post(tx, config.id, day, now)
        ):
            return
        window = Window(config.id, period=ledger.week_key(day - timedelta(days=7)))
        standings = await ledger.top(self.app.db, window)
        message = render.leaderboard("Last week's leaderboard", standings, None)
        await self.app.post(store.channel_ref(config), replace(message, private=False, footer=""))

    # -- admin actions -----------------------------------------------------
    async def post_now(self, config: ChannelConfig, now: datetime) -> int:
        day = local_date(config, now)
        post_id = await self.post_for_day(config, day, now, forced=True)
        if post_id is None:
            raise Conflict(
                "Today's question is already out in this channel (one per local day). "
                "Use `/studybot reveal-now` to reveal it, or wait for tomorrow's."
            )
        return post_id


class _Bounded:
    """Jobs run side by side, at most `limit` at a time; one failing never stops the rest.

    Leaving the block waits for every job started, also when the block raised
    (those already started still finish); cancelled, it cancels them instead.
    """

    def __init__(self, limit: int) -> None:
        self._gate = asyncio.Semaphore(limit)
        self._running: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> _Bounded:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None or issubclass(kind, Exception):
            await asyncio.gather(*self._running)
        else:  # cancelled: what was not sent is sent once its claim is stale, if within grace
            for task in self._running:
                task.cancel()

    def start(self, job: Coroutine[Any, Any, None]) -> None:
        self._running.append(asyncio.ensure_future(self._run(job)))

    async def _run(self, job: Coroutine[Any, Any, None]) -> None:
        async with self._gate:
            try:
                await job
            except Exception:
                log.exception("a channel's due work failed")


async def _once(lot: DueLot) -> AsyncIterator[DueLot]:
    yield lot
