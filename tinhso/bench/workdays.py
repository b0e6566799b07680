"""The working-day table the seed computes deadlines with: which days of the seeded period are
working days is asked of the calendar service once per day, then deadlines are index arithmetic.

An instant is kept as ``(index of its working day, seconds since local midnight)``, always
strictly inside an office period. For such instants ``add_working_days(start, n)`` of the
calendar service is "the same clock time n working days later" and adding a multiple of a whole
working day's office hours is the same thing (a start exactly on a period's start or end would
differ: the seed never draws one). ``tinhso/bench/tests`` checks a sample against the service.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from tinhso.calendar.services import is_working_day, working_periods

Instant = tuple[int, int]  # (working-day index, seconds since local midnight)


def _seconds(clock: dt.time) -> int:
    return clock.hour * 3600 + clock.minute * 60 + clock.second


@dataclass(frozen=True)
class Period:
    start: int  # seconds since local midnight
    end: int


class WorkingDays:
    """Working days from ``first`` to ``last`` (inclusive) and the office periods."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.days: list[dt.date] = []
        day = first
        while day <= last:
            if is_working_day(day):
                self.days.append(day)
            day += dt.timedelta(days=1)
        if not self.days:
            raise ValueError("no working day in the period")
        self.index = {day: position for position, day in enumerate(self.days)}
        self.periods = [Period(_seconds(a), _seconds(b)) for a, b in working_periods()]
        if any(p.end - p.start < 3 for p in self.periods):
            raise ValueError("office periods must last at least a few seconds")
        self.period_weights = [p.end - p.start for p in self.periods]
        self.seconds_per_day = sum(self.period_weights)
        self.hours = Decimal(self.seconds_per_day) / 3600
        zone = timezone.get_default_timezone()
        # UTC instant of each working day's local midnight (Asia/Ho_Chi_Minh has no DST; the
        # per-day value keeps this right for any zone without a change inside office hours).
        self._midnights = [
            dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(dt.UTC)
            for day in self.days
        ]

    def __len__(self) -> int:
        return len(self.days)

    def position(self, moment: dt.datetime) -> Instant:
        """Where ``moment`` falls: an instant at or after it; (next working day, -1) when it is
        not a working day, so that every instant of that day compares greater."""
        local = timezone.localtime(moment)
        day = local.date()
        if day in self.index:
            return (self.index[day], _seconds(local.time()))
        return (bisect.bisect_left(self.days, day), -1)

    def random_seconds(self, rng: random.Random) -> int:
        """A clock time strictly inside an office period (whole seconds)."""
        period = rng.choices(self.periods, weights=self.period_weights)[0]
        return rng.randint(period.start + 1, period.end - 1)

    def random_seconds_after(self, rng: random.Random, after: int) -> int | None:
        """A clock time strictly inside a period and later than ``after``, or None."""
        spans = [(max(p.start, after) + 1, p.end - 1) for p in self.periods if p.end - 1 > after]
        spans = [(a, b) for a, b in spans if a <= b]
        if not spans:
            return None
        a, b = rng.choices(spans, weights=[b - a + 1 for a, b in spans])[0]
        return rng.randint(a, b)

    def random_seconds_until(self, rng: random.Random, until: int) -> int:
        """A clock time strictly inside a period and not later than ``until`` (itself inside a
        period)."""
        spans = [(p.start + 1, min(p.end - 1, until)) for p in self.periods if p.start < until]
        a, b = rng.choices(spans, weights=[b - a + 1 for a, b in spans])[0]
        return rng.randint(a, b)

    def utc(self, instant: Instant) -> dt.datetime:
        day, seconds = instant
        return self._midnights[day] + dt.timedelta(seconds=seconds)

    def add_days(self, instant: Instant, count: int) -> Instant:
        """``add_working_days`` of the calendar service for an instant inside office hours."""
        day, seconds = instant
        if day + count >= len(self.days):
            raise ValueError("the working-day table is too short for this deadline")
        return (day + count, seconds)

    def whole_days(self, hours: float) -> int:
        """How many whole working days ``hours`` of office time make (the seed's process steps
        are allotted whole days)."""
        days, rest = divmod(round(hours * 3600), self.seconds_per_day)
        if rest:
            raise ValueError(f"{hours} h is not a whole number of working days")
        return int(days)
