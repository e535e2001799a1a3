"""APScheduler wakes the core up; the database decides what is due.

Each configured channel gets a `CronTrigger` at its post time in its own zone,
so posts go out on the minute; a one-minute interval job catches everything
else (reveals, weekly leaderboards, retries, catch-up after downtime), and
one-off jobs serve deadlines that cannot wait a minute (`Studybot.wake_at`,
for race questions). Every job just calls `Studybot.tick()`, which is idempotent, so a misfire, a
coalesced run or a second process can never repeat a post.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.daily.config import ChannelConfig
from bot.storage import daily as store

if TYPE_CHECKING:
    from bot.app import Studybot

log = logging.getLogger(__name__)
TICK_SECONDS = 60


def channel_trigger(config: ChannelConfig) -> CronTrigger:
    hour, minute = config.post_time.split(":")
    return CronTrigger(
        day_of_week=",".join(config.days),
        hour=int(hour),
        minute=int(minute),
        timezone=config.zone,
    )


class Scheduler:
    def __init__(self, app: Studybot) -> None:
        self.app = app
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        app.schedule_listeners.append(self.rebuild)
        app.wake_listeners.append(self.wake_at)

    async def start(self) -> None:
        await self.rebuild()
        self.scheduler.add_job(
            self.app.tick,
            IntervalTrigger(seconds=TICK_SECONDS),
            id="tick",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        self.scheduler.start()
        await self.app.tick()  # catch up on whatever came due while we were down

    async def rebuild(self) -> None:
        """Make the jobs match the database: one per configured, active channel."""
        wanted = {}
        for config in await store.active_channels(self.app.db):
            wanted[f"post:{config.id}"] = channel_trigger(config)
        # Replace rather than update: a pending (not yet started) scheduler keeps
        # duplicates, and a fresh job computes its next fire time from now.
        for job in self.scheduler.get_jobs():
            if job.id.startswith("post:"):
                job.remove()
        grace = int(self.app.settings.grace_hours * 3600) or None
        for job_id, trigger in wanted.items():
            self.scheduler.add_job(
                self.app.tick,
                trigger,
                id=job_id,
                coalesce=True,
                misfire_grace_time=grace,
                replace_existing=True,
            )
        log.info("scheduled %d channel(s)", len(wanted))

    def wake_at(self, when: datetime) -> None:
        """A one-off tick at `when`; asking twice for the same instant adds one job."""
        job_id = f"wake:{when.isoformat()}"
        if self.scheduler.get_job(job_id) is not None:
            return  # checked here: a scheduler not started yet keeps duplicate ids
        self.scheduler.add_job(
            self.app.tick,
            DateTrigger(run_date=when),
            id=job_id,
            coalesce=True,
            misfire_grace_time=None,  # late is still better than the next minute
        )

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
