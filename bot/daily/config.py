"""A channel's daily-question settings, and parsing what admins type for them."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.bank import AREAS, DIFFICULTIES
from bot.errors import UserError
from bot.record import record

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    "daily": WEEKDAYS,
    "all": WEEKDAYS,
    "weekdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(h|m|min|hours?|minutes?)?$")
MIN_REVEAL, MAX_REVEAL = 1, 23 * 60  # minutes; voting must close before the next day's post


@record
class ChannelConfig:
    id: int
    platform: str
    workspace: str
    native_id: str
    configured: bool = False
    post_time: str = "09:00"
    timezone: str = "UTC"
    days: tuple[str, ...] = WEEKDAYS
    areas: tuple[str, ...] = ()
    difficulty: str = ""
    reveal_minutes: int = 720
    paused: bool = False
    skip_next: bool = False
    weekly_leaderboard: bool = True
    leaderboard_day: str = "mon"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_time(self) -> time:
        hour, minute = self.post_time.split(":")
        return time(int(hour), int(minute))

    def with_changes(self, **changes: object) -> ChannelConfig:
        return replace(self, **changes)  # type: ignore[arg-type]


def parse_time(value: str) -> str:
    match = _TIME.match(value.strip())
    if not match:
        raise UserError(
            f"`{value}` is not a time of day. Use 24-hour HH:MM, for example `09:00` or `18:30`."
        )
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_timezone(value: str) -> str:
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"`{name}` is not a time zone I know. Use an IANA name such as `Europe/Berlin`, "
            "`America/New_York`, `Asia/Kolkata` or `UTC`."
        ) from None
    return name


def parse_days(value: str) -> tuple[str, ...]:
    words = [w.strip().lower()[:3] for w in re.split(r"[,\s]+", value) if w.strip()]
    if len(words) == 1 and value.strip().lower() in _DAY_ALIASES:
        return _DAY_ALIASES[value.strip().lower()]
    unknown = [w for w in words if w not in WEEKDAYS]
    if unknown or not words:
        raise UserError(
            f"`{value}` is not a list of days. Use a comma list of "
            f"{', '.join(WEEKDAYS)}, or one of: {', '.join(_DAY_ALIASES)}."
        )
    return tuple(day for day in WEEKDAYS if day in words)


def parse_areas(value: str) -> tuple[str, ...]:
    if value.strip().lower() in ("all", "any", ""):
        return ()
    areas = [a.strip().lower() for a in re.split(r"[,\s]+", value) if a.strip()]
    unknown = [a for a in areas if a not in AREAS]
    if unknown:
        raise UserError(
            f"`{unknown[0]}` is not an area. Use `all`, or a comma list of: {', '.join(AREAS)}."
        )
    return tuple(a for a in AREAS if a in areas)


def parse_difficulty(value: str) -> str:
    level = value.strip().lower()
    if level in ("any", "all", ""):
        return ""
    if level not in DIFFICULTIES:
        raise UserError(f"`{value}` is not a difficulty. Use easy, medium, hard or any.")
    return level


def parse_reveal(value: str) -> int:
    """Reveal delay in minutes, from `12`, `12h`, `90m` or `1.5h`."""
    match = _DURATION.match(value.strip().lower())
    if not match:
        raise UserError(f"`{value}` is not a delay. Use hours or minutes: `12h`, `90m`.")
    amount, unit = float(match.group(1)), match.group(2) or "h"
    minutes = round(amount if unit.startswith("m") else amount * 60)
    if not MIN_REVEAL <= minutes <= MAX_REVEAL:
        raise UserError(
            f"The reveal must come between 1 minute and 23 hours after the post; `{value}` "
            "is outside that (voting has to close before the next day's question)."
        )
    return minutes


def parse_switch(value: str) -> bool:
    word = value.strip().lower()
    if word in ("on", "yes", "true", "1"):
        return True
    if word in ("off", "no", "false", "0"):
        return False
    raise UserError(f"`{value}` is neither on nor off.")


def parse_day(value: str) -> str:
    day = value.strip().lower()[:3]
    if day not in WEEKDAYS:
        raise UserError(f"`{value}` is not a day. Use one of {', '.join(WEEKDAYS)}.")
    return day


def describe_reveal(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" + (f" {rest} min" if rest else "") if hours else f"{rest} min"
