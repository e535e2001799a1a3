"""The assembled core: storage, bank, registry, features, and the posting port."""

from __future__ import annotations

import logging
import random

from bot.bank import Bank, load_bank
from bot.clock import Clock, SystemClock
from bot.commands.general import General
from bot.dispatch import Dispatcher
from bot.envelope import ChannelRef, Inbound, Message, Outgoing, Poster, PostRef
from bot.registry import Registry
from bot.resources import migrations_dir, questions_dir
from bot.settings import Settings
from bot.storage import Database, migrate

log = logging.getLogger("studybot")


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
        General(self.registry, bank, rng).register()

    @classmethod
    async def create(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> Studybot:
        bank = load_bank([questions_dir(), *settings.question_dirs])
        db = await Database.open(settings.db_path)
        try:
            await migrate(db, migrations_dir())
        except BaseException:
            await db.close()
            raise
        return cls(settings, db, bank, clock or SystemClock(), rng or random.Random(settings.seed))

    def attach(self, platform: str, poster: Poster) -> None:
        """An adapter offers itself for the posts the core makes on its own."""
        self.posters[platform] = poster

    async def post(
        self, channel: ChannelRef, message: Message, *, thread: PostRef | None = None
    ) -> PostRef:
        poster = self.posters.get(channel.platform)
        if poster is None:
            raise LookupError(f"no adapter attached for platform {channel.platform!r}")
        return await poster.post(channel, message, thread=thread)

    async def handle(self, event: Inbound) -> list[Outgoing]:
        return await self.dispatcher.handle(event)

    async def start(self) -> None:
        log.info("studybot core started with %d questions", len(self.bank))

    async def close(self) -> None:
        await self.db.close()
