"""Reading a Huey periodic task's schedule back into words. No Django models here.

Huey keeps a crontab only as a closure over its parsed sets (minutes, hours, days, months, weekdays); the
version is pinned in uv.lock and a test reads every registered task, so a change in Huey shows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
_FULL = {"m": set(range(1, 13)), "d": set(range(1, 32)), "w": set(range(7)), "H": set(range(24))}


@dataclass(frozen=True)
class Schedule:
    """A crontab's sets: minutes, hours, days of the month, months, days of the week (0 = Sunday)."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]

    def describe(self) -> str:
        """In words, in the active language, times in UTC and Hong Kong."""
        every_day = self.days == _FULL["d"] and self.months == _FULL["m"] and self.weekdays == _FULL["w"]
        every_hour = self.hours == _FULL["H"]
        if every_day and every_hour and len(self.minutes) == 60:
            return _("every minute")
        steps = sorted(self.minutes)
        if every_day and every_hour and len(steps) > 1 and steps[0] == 0:
            step = steps[1] - steps[0]
            if steps == list(range(0, 60, step)):
                return _("every %(n)s minutes") % {"n": step}
        if every_day and every_hour and len(steps) == 1:
            return _("every hour at minute %(minute)02d") % {"minute": steps[0]}
        if every_day and len(steps) == 1 and len(self.hours) == 1:
            [hour] = self.hours
            utc = datetime(2026, 1, 1, hour, steps[0], tzinfo=UTC)
            return _("every day at %(utc)s UTC (%(local)s Hong Kong time)") % {
                "utc": utc.strftime("%H:%M"),
                "local": utc.astimezone(HONG_KONG).strftime("%H:%M"),
            }
        return _("at minutes %(minutes)s of hours %(hours)s (UTC)") % {
            "minutes": ",".join(map(str, steps)),
            "hours": ",".join(map(str, sorted(self.hours))),
        }


def schedule_of(validate: Callable[..., Any]) -> Schedule | None:
    """The schedule behind a periodic task's ``validate_datetime``; None if it is not a Huey crontab."""
    for cell in _cells(validate):
        value = cell.cell_contents
        if callable(value) and value is not validate:
            found = schedule_of(value)
            if found is not None:
                return found
        if isinstance(value, list) and len(value) == 5 and all(isinstance(v, list) for v in value):
            months, days, weekdays, hours, minutes = (frozenset(v) for v in value)
            weekdays = frozenset(day % 7 for day in weekdays)  # "*" counts Sunday as both 0 and 7
            return Schedule(minutes=minutes, hours=hours, days=days, months=months, weekdays=weekdays)
    return None


def _cells(function: Callable[..., Any]) -> list[Any]:
    closure = getattr(function, "__closure__", None) or ()
    return list(closure)
