"""Rounds, groups, check-ins and pauses: the buddy work that happens on the clock.

`run_due(now)` is called on every tick. It forms each round whose time has
come (the round row, its groups and the pool's next round are written in one
transaction, so a round is formed exactly once per channel even when two
ticks race), posts the introductions nobody has posted yet, and sends the
check-ins that are due midway through a round.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.buddies.matching import Candidate, form_groups
from bot.buddies.messages import checkin_message, intro_message, paused_message
from bot.buddies.packet import assign_roles, pick_packet
from bot.daily.config import WEEKDAYS
from bot.dispatch import new_incident_id
from bot.envelope import ChannelRef, Message, PostRef, UserRef
from bot.errors import NotFound
from bot.record import record
from bot.storage import Tx
from bot.storage import buddies as store
from bot.storage.common import from_db, member_id
from bot.storage.daily import channel_by_id, channel_ref

if TYPE_CHECKING:
    from bot.app import Studybot

log = logging.getLogger("studybot.buddies")

CADENCE_WEEKS = {"weekly": 1, "biweekly": 2, "every4weeks": 4}
PAUSE_AFTER = 3  # unanswered check-ins in a row


# -- when rounds happen ------------------------------------------------------------


def _local_instant(day: datetime, local_time: str, zone: ZoneInfo) -> datetime:
    hour, minute = (int(part) for part in local_time.split(":"))
    return datetime.combine(day.date(), time(hour, minute), tzinfo=zone).astimezone(UTC)


def first_round_after(day: str, local_time: str, zone_name: str, after: datetime) -> datetime:
    """The next `day` at `local_time` in the zone, strictly after `after` (DST-safe)."""
    zone = ZoneInfo(zone_name)
    local = after.astimezone(zone)
    for offset in range(8):
        candidate = local + timedelta(days=offset)
        instant = _local_instant(candidate, local_time, zone)
        if WEEKDAYS[candidate.weekday()] == day and instant > after:
            return instant
    raise AssertionError("a weekday always comes within eight days")


def round_after(pool: store.Pool, zone_name: str, scheduled: datetime, now: datetime) -> datetime:
    """The round `cadence` after `scheduled`, skipping any that are already past."""
    zone = ZoneInfo(zone_name)
    step = timedelta(weeks=CADENCE_WEEKS[pool.cadence])
    local = scheduled.astimezone(zone) + step
    while _local_instant(local, pool.local_time, zone) <= now:
        local += step
    return _local_instant(local, pool.local_time, zone)


# -- where buddy conversations happen ---------------------------------------------------


class Conversations:
    """The one place that decides where a group's messages go.

    Each group gets its own private conversation (a Slack group DM, a Discord
    private thread); the introduction is posted there, and the stored reference
    points every follow-up at it.
    """

    def __init__(self, app: Studybot) -> None:
        self.app = app

    async def introduce(self, group: store.GroupInfo, message: Message) -> str:
        where = await self.conversation_of(group)
        ref = await self.app.post(where, message, thread=None)
        return json.dumps({"channel": ref.channel.id, "post": ref.id})

    async def conversation_of(self, group: store.GroupInfo) -> ChannelRef:
        """The group's private conversation, opened once (a failed post retries into it)."""
        channel = group.channel
        if group.conversation_id:
            return ChannelRef(channel.platform, channel.workspace, group.conversation_id)
        users = [member.user for member in group.members]
        opened = await self.app.open_group(users, channel)
        await self.app.db.write(lambda tx: store.remember_conversation(tx, group.id, opened.id))
        return opened

    async def follow_up(self, channel: ChannelRef, intro_ref: str | None, message: Message) -> None:
        thread = _decode(channel, intro_ref)
        await self.app.post(thread.channel if thread else channel, message, thread=thread)

    async def tell(self, channel: ChannelRef, user: UserRef, message: Message) -> None:
        """A notice for one member, in a direct message."""
        await self.app.send_private(user, message)


def _decode(channel: ChannelRef, intro_ref: str | None) -> PostRef | None:
    if not intro_ref:
        return None
    stored = json.loads(intro_ref)
    where = ChannelRef(channel.platform, channel.workspace, stored["channel"])
    return PostRef(where, stored["post"])


# -- the rounds --------------------------------------------------------------------------


@record
class FormedRound:
    number: int
    groups: int
    paused: list[int]


class BuddyService:
    def __init__(self, app: Studybot) -> None:
        self.app = app
        self.conversations = Conversations(app)

    async def run_due(self, now: datetime) -> None:
        for pool in await store.due_pools(self.app.db, now):
            try:
                await self.form_round(pool.channel_id, now)
            except Exception:  # one broken channel never stops the others
                log.exception(
                    "incident %s forming buddies in channel %d", new_incident_id(), pool.channel_id
                )
        await self.post_introductions(now)
        await self.send_checkins(now)

    async def form_round(self, channel_id: int, now: datetime) -> FormedRound | None:
        """Claim and form the channel's due round; None if it is not due or already formed."""
        channel = await channel_by_id(self.app.db, channel_id)

        async def work(tx: Tx) -> FormedRound | None:
            pool = await store.get_pool(tx, channel_id)
            if pool is None or from_db(pool.next_round_at) > now:
                return None
            following = round_after(pool, channel.timezone, from_db(pool.next_round_at), now)
            claimed = await store.claim_round(tx, pool, now, now + (following - now) / 2, following)
            if claimed is None:
                return None
            round_id, number = claimed
            paused = []
            if number > 1:
                paused = await store.pause_silent_members(
                    tx, channel_id, number - 1, PAUSE_AFTER, now
                )
            members = await store.take_candidates(tx, channel_id, now)
            count = await self._form_groups(tx, pool, round_id, number, members, now)
            return FormedRound(number, count, paused)

        formed = await self.app.db.write(work)
        if formed is not None:
            await self._tell_paused(channel_ref(channel), channel_id, formed.paused)
        return formed

    async def _form_groups(
        self,
        tx: Tx,
        pool: store.Pool,
        round_id: int,
        number: int,
        members: list[store.Membership],
        now: datetime,
    ) -> int:
        history = await store.history(tx, pool.channel_id, number, pool.repeat_window)
        candidates = [
            Candidate(m.member_id, m.timezone, frozenset(m.areas), m.level, m.role) for m in members
        ]
        seed = pool.channel_id * 1_000_003 + number
        groups = await asyncio.to_thread(
            form_groups,
            candidates,
            history,
            group_size=pool.group_size,
            window=pool.repeat_window,
            seed=seed,
            when=now,
        )
        rng = random.Random(seed)
        by_id = {m.member_id: m for m in members}
        for group in groups:
            past = await store.past_roles(tx, pool.channel_id, group)
            roles = assign_roles(group, {m: by_id[m].role for m in group}, past, rng)
            common = set.intersection(*(set(by_id[m].areas) for m in group))
            avoid = await store.asked_question_ids(tx, group)
            technical, behavioral = pick_packet(self.app.bank, common, avoid, rng)
            await store.insert_group(
                tx,
                round_id,
                store.NewGroup(
                    roles,
                    technical.id if technical else None,
                    behavioral.id if behavioral else None,
                ),
            )
        return len(groups)

    async def _tell_paused(self, channel: ChannelRef, channel_id: int, paused: list[int]) -> None:
        users = await store.user_refs(self.app.db, paused)
        for member in paused:
            user = users[member]
            message = paused_message(user.display, channel_id, PAUSE_AFTER)
            try:
                await self.conversations.tell(channel, user, message)
            except Exception:
                log.exception(
                    "incident %s telling member %d about a pause", new_incident_id(), member
                )

    async def post_introductions(self, now: datetime) -> int:
        """Post every introduction not yet posted (claimed first, so only once)."""
        posted = 0
        for group_id in await self.app.db.write(store.claim_pending_intros):
            group = await store.group(self.app.db, group_id)
            if group is None:
                continue
            try:
                await self._introduce(group, now)
            except Exception:
                log.exception("incident %s introducing buddy group %d", new_incident_id(), group_id)
                await self._release(group_id)
            else:
                posted += 1
        return posted

    async def _release(self, group_id: int) -> None:
        await self.app.db.write(lambda tx: store.release_intro(tx, group_id))

    async def _introduce(self, group: store.GroupInfo, now: datetime) -> None:
        bank = self.app.bank
        technical = bank.get(group.technical_question_id or "")
        behavioral = bank.get(group.behavioral_question_id or "")
        message = intro_message(group, technical, behavioral, now)
        ref = await self.conversations.introduce(group, message)
        await self.app.db.write(lambda tx: store.mark_intro_posted(tx, group.id, ref))

    async def send_checkins(self, now: datetime) -> int:
        """Ask every group of each round that reached its midpoint whether they met."""
        sent = 0
        for round_id in await self.app.db.write(lambda tx: store.claim_due_checkins(tx, now)):
            for group in await store.groups_of_round(self.app.db, round_id):
                try:
                    await self.conversations.follow_up(
                        group.channel, group.intro_ref, checkin_message(group)
                    )
                except Exception:
                    log.exception("incident %s in buddy check-in %d", new_incident_id(), group.id)
                else:
                    sent += 1
        return sent

    # -- answers from members ----------------------------------------------------------

    async def record_checkin(self, user: UserRef, group_id: int, answer: str) -> int:
        """Save the member's answer; returns their meetings so far."""
        now = self.app.clock.now()

        async def save(tx: Tx) -> int | None:
            me = await member_id(tx, user, now)
            if not await store.record_checkin(tx, group_id, me, answer, now):
                return None
            return await store.meetings_count(tx, me)

        meetings = await self.app.db.write(save)
        if meetings is None:
            raise NotFound("This check-in is for the members of that group only.")
        return meetings
