"""A clinic's weekly opening hours, read on the wall clock of the service's time zone, so
that at 2 a.m. the outcome sends a caregiver to a service that is open (issue 23, item 1).

Written in the service profile as `{"monday": "08:00-18:00", ..., "sunday": "closed"}`; a day
left out is closed. One opening a day, which ends on the day it starts ("24:00" is
midnight). Bank holidays are not known: the outcome always says what to do if nobody
answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..settings import ConfigurationError

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class OpeningHoursError(ConfigurationError, ValueError):
    """The opening hours cannot be read; the message names the day and what to write."""


@dataclass(frozen=True)
class Opening:
    """One day's opening, in minutes after midnight (end 1440 is midnight at the day's end)."""

    start: int
    end: int

    def at(self, day: date, minutes: int, zone: ZoneInfo) -> datetime:
        # Wall-clock arithmetic: 8am is 8am on the days the clocks change.
        return datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minutes)


@dataclass(frozen=True)
class OpeningHours:
    """Monday (0) to Sunday (6): each day's opening, or None when closed."""

    days: tuple[Opening | None, ...]
    zone: ZoneInfo

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def open_at(self, moment: datetime) -> bool:
        """Whether the clinic is open at `moment` (an aware datetime, any zone)."""
        here = self.local(moment)
        opening = self.days[here.weekday()]
        minutes = here.hour * 60 + here.minute
        return opening is not None and opening.start <= minutes < opening.end

    def closes_at(self, moment: datetime) -> datetime | None:
        """When today's opening ends, if the clinic is open at `moment`."""
        if not self.open_at(moment):
            return None
        here = self.local(moment)
        return self.days[here.weekday()].at(here.date(), self.days[here.weekday()].end,
                                            self.zone)

    def next_opening(self, moment: datetime) -> datetime | None:
        """The next time the clinic opens after `moment`; None if it never opens."""
        here = self.local(moment)
        for ahead in range(8):
            day = here.date() + timedelta(days=ahead)
            opening = self.days[day.weekday()]
            if opening is None:
                continue
            starts = opening.at(day, opening.start, self.zone)
            if starts > here:
                return starts
        return None


def parse_opening_hours(raw: object, zone: ZoneInfo) -> OpeningHours:
    """The hours from the profile's `opening_hours`; OpeningHoursError says what is wrong."""
    if not isinstance(raw, Mapping) or not raw:
        raise OpeningHoursError(
            'SERVICE opening_hours must name the days the clinic opens, like '
            '{"monday": "08:00-18:00", "saturday": "closed"}')
    unknown = sorted(str(day) for day in raw if str(day).lower() not in DAYS)
    if unknown:
        raise OpeningHoursError(f"SERVICE opening_hours has days it does not know: "
                                f"{', '.join(unknown)} (use monday to sunday)")
    given = {str(day).lower(): value for day, value in raw.items()}
    return OpeningHours(tuple(_opening(day, given.get(day)) for day in DAYS), zone)


def _opening(day: str, value: object) -> Opening | None:
    if value is None or (isinstance(value, str) and value.strip().lower() == "closed"):
        return None
    found = SPAN.match(value) if isinstance(value, str) else None
    if found is None:
        raise OpeningHoursError(f'SERVICE opening_hours {day} must be like "08:00-18:00" or '
                                f'"closed", not {value!r}')
    start_h, start_m, end_h, end_m = (int(part) for part in found.groups())
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if start_h > 23 or start_m > 59 or end_m > 59 or end > 1440:
        raise OpeningHoursError(f"SERVICE opening_hours {day}: {value!r} is not a time of "
                                f"day (00:00 to 24:00)")
    if end <= start:
        raise OpeningHoursError(f"SERVICE opening_hours {day}: {value!r} closes before it "
                                f"opens (an opening must end on the day it starts)")
    return Opening(start, end)
