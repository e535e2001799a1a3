"""Waking hours as bit masks of the UTC day, so overlaps are one AND and a popcount.

The day is cut into 48 half-hour slots of UTC. A member is taken to be awake
from 08:00 to 22:00 in their own zone, at the offset that zone has on the
round's date (so daylight saving time is counted when it applies).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SLOTS = 48
SLOT_MINUTES = 24 * 60 // SLOTS
WAKE_FROM = 8 * 60  # local minutes after midnight
WAKE_UNTIL = 22 * 60


def is_zone(name: str) -> bool:
    """True for an IANA zone name this machine knows ("Europe/Berlin", "UTC")."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def utc_offset_minutes(zone: str, when: datetime) -> int:
    offset = ZoneInfo(zone).utcoffset(when)
    return int(offset.total_seconds() // 60) if offset is not None else 0


@lru_cache(maxsize=1024)
def _mask_for_offset(offset_minutes: int) -> int:
    mask = 0
    for slot in range(SLOTS):
        local = (slot * SLOT_MINUTES + offset_minutes) % (24 * 60)
        if WAKE_FROM <= local < WAKE_UNTIL:
            mask |= 1 << slot
    return mask


def waking_mask(zone: str, when: datetime) -> int:
    """The UTC half-hour slots in which a member in `zone` is awake on `when`'s date."""
    return _mask_for_offset(utc_offset_minutes(zone, when))


def overlap_hours(mask: int) -> float:
    return mask.bit_count() * SLOT_MINUTES / 60


def slot_ranges(mask: int) -> list[tuple[int, int]]:
    """Runs of set slots as (start, end) slot numbers, joined across midnight."""
    if mask == (1 << SLOTS) - 1:
        return [(0, SLOTS)]
    runs: list[tuple[int, int]] = []
    start = None
    for slot in range(SLOTS + 1):
        on = slot < SLOTS and bool(mask >> slot & 1)
        if on and start is None:
            start = slot
        elif not on and start is not None:
            runs.append((start, slot))
            start = None
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][1] == SLOTS:
        runs = [(runs[-1][0], runs[0][1] + SLOTS), *runs[1:-1]]
    return runs


def describe_overlap(mask: int, zones: list[str], when: datetime) -> str:
    """ "13:00–17:00 UTC" plus each distinct zone's local view, or a plain 'none'."""
    runs = slot_ranges(mask)
    if not runs:
        return "none while everyone is awake (08:00–22:00 local); pick a time that suits you"
    parts = [_format_run(run, 0) + " UTC" for run in runs]
    local_views = []
    for zone in dict.fromkeys(zones):
        if zone == "UTC":
            continue
        offset = utc_offset_minutes(zone, when)
        local_views.append(", ".join(_format_run(run, offset) for run in runs) + f" {zone}")
    text = ", ".join(parts)
    if local_views:
        text += " (" + "; ".join(local_views) + ")"
    return text


def _format_run(run: tuple[int, int], offset_minutes: int) -> str:
    start, end = (slot * SLOT_MINUTES + offset_minutes for slot in run)
    return f"{_clock(start)}–{_clock(end)}"


def _clock(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
