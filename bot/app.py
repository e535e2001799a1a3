"""The assembled core: storage, bank, registry, features, and the posting port.

Background work follows one rule: the database is the source of truth, and
`tick()` does whatever is due at the clock's current time (post, reveal, pair,
check in). The scheduler only decides *when* to call `tick()`; tests call it
themselves after moving a fake clock.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.bank import Bank, load_bank
from bot.buddies import Buddies
from bot.clock import Clock, SystemClock
from bot.commands.general import General
from bot.daily.commands import Daily
from bot.dispatch import Dispatcher, new_incident_id
from bot.envelope import (
    ChannelRef,
    Field,
    Inbound,
    Message,
    Outgoing,
    Poster,
    PostRef,
    UserRef,
)
from bot.quiz import Quizzes, quiz_stats
from bot.registry import Registry
from bot.resources import migrations_dir, questions_dir
from bot.settings import Settings
from bot.storage import Database, migrate
from bot.storage.common import claim_event

log = logging.getLogger("studybot")
DueWork = Callable[[datetime], Awaitable[None]]


class Studybot:
    """Everything an adapter talks to: `handle` events, `attach` a poster."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        bank: Bank,
        clock: Clock,
        rng: random.Random,
    ) -> None:
        self.settings = settings
        self.db = db
        self.bank = bank
        self.clock = clock
        self.rng = rng
        self.posters: dict[str, Poster] = {}
        self.registry = Registry()
        self.dispatcher = Dispatcher(self.registry)
        self.due_work: list[tuple[str, DueWork]] = []
        self.schedule_listeners: list[Callable[[], Awaitable[None]]] = []
        self.wake_listeners: list[Callable[[datetime], None]] = []
        self._register_features()

    def _register_features(self) -> None:
        General(self.registry, self.bank, self.rng).register()
        self.daily = Daily(self)
        self.daily.register()
        buddies = Buddies(self)
        buddies.register()
        self.daily.stats_sections.append(buddies.stats_fields)
        Quizzes(self).register()
        self.daily.stats_sections.append(self._quiz_stats)

    async def _quiz_stats(self, member: int) -> list[Field]:
        return list((await quiz_stats(self, member)).fields())

    @classmethod
    async def create(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        bank: Bank | None = None,
    ) -> Studybot:
        """Open the database, migrate it and load the bank (or use `bank`, already loaded)."""
        bank = bank or load_bank([questions_dir(), *settings.question_dirs])
        db = await Database.open(settings.db_path)
        try:
            await migrate(db, migrations_dir())
            db.standings.follow()  # catch up with a ledger written elsewhere, or rebuild
        except BaseException:
            await db.close()
            raise
        return cls(settings, db, bank, clock or SystemClock(), rng or random.Random(settings.seed))

    def attach(self, platform: str, poster: Poster) -> None:
        """An adapter offers itself for the posts the core makes on its own."""
        self.posters[platform] = poster

    def poster(self, platform: str) -> Poster:
        poster = self.posters.get(platform)
        if poster is None:
            raise LookupError(f"no adapter attached for platform {platform!r}")
        return poster

    async def post(
        self, channel: ChannelRef, message: Message, *, thread: PostRef | None = None
    ) -> PostRef:
        return await self.poster(channel.platform).post(channel, message, thread=thread)

    async def open_group(self, members: Sequence[UserRef], about: ChannelRef) -> ChannelRef:
        return await self.poster(about.platform).open_group(members, about)

    async def send_private(self, user: UserRef, message: Message) -> PostRef:
        return await self.poster(user.platform).send_private(user, message)

    async def handle(self, event: Inbound) -> list[Outgoing]:
        return await self.dispatcher.handle(event)

    async def claim_event(self, key: str) -> bool:
        """Claim a platform delivery id; False means it was handled before (a retry)."""
        return await claim_event(self.db, key, self.clock.now())

    async def schedule_changed(self) -> None:
        """A channel's schedule changed: the scheduler rebuilds its jobs from the database."""
        for listener in self.schedule_listeners:
            await listener()

    def wake_at(self, when: datetime) -> None:
        """Ask for a `tick()` at `when`: for deadlines the one-minute tick would miss by up
        to a minute (a race question's 60 seconds)."""
        for listener in self.wake_listeners:
            listener(when)

    def on_tick(self, name: str, work: DueWork) -> None:
        """Register background work; `tick()` runs it with the current time."""
        self.due_work.append((name, work))

    async def tick(self) -> None:
        """Do everything that is due now. One failing job never stops the others."""
        now = self.clock.now()
        for name, work in self.due_work:
            try:
                await work(now)
            except Exception:
                log.exception("incident %s in due work %s", new_incident_id(), name)

    async def start(self) -> None:
        log.info("studybot core started with %d questions", len(self.bank))

    async def close(self) -> None:
        await self.db.close()
