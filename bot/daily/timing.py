"""When posts are due, in each channel's own zone.

A local time that does not exist (the spring-forward gap) is taken as the same
wall-clock time before the jump, i.e. it lands just after the gap; a local
time that happens twice (autumn) is taken the first time. Either way a day has
exactly one post instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.daily.config import WEEKDAYS, ChannelConfig


def post_instant(config: ChannelConfig, day: date) -> datetime:
    """The UTC instant of `day`'s post in the channel's zone."""
    local = datetime.combine(day, config.local_time, tzinfo=config.zone)  # fold=0
    return local.astimezone(UTC)


def local_date(config: ChannelConfig, now: datetime) -> date:
    return now.astimezone(config.zone).date()


def is_post_day(config: ChannelConfig, day: date) -> bool:
    return WEEKDAYS[day.weekday()] in config.days


def due_post_dates(config: ChannelConfig, now: datetime, grace: timedelta) -> list[date]:
    """Local dates whose post time has passed less than `grace` ago (yesterday's too)."""
    today = local_date(config, now)
    due = []
    for day in (today - timedelta(days=1), today):
        instant = post_instant(config, day)
        if is_post_day(config, day) and instant <= now < instant + grace:
            due.append(day)
    return due


def next_post_instant(config: ChannelConfig, after: datetime) -> datetime | None:
    today = local_date(config, after)
    for offset in range(0, 8):
        day = today + timedelta(days=offset)
        instant = post_instant(config, day)
        if is_post_day(config, day) and instant > after:
            return instant
    return None


@lru_cache(maxsize=1024)  # every answer to a post shows the same reveal time
def format_local(when: datetime, zone_name: str) -> str:
    local = when.astimezone(ZoneInfo(zone_name))
    return f"{local:%a %d %b %H:%M} ({zone_name})"
