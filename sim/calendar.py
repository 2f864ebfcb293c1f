"""Working-day calendar and opening hours on the simulation clock.

The simulation clock counts **minutes** from 00:00 of the scenario's start date. A
:class:`WorkCalendar` says which days are working days (China's official calendar with its
调休 make-up working days, or ``always`` for abstract checks); :class:`OpeningHours` says
which minutes of a working day a hall or office is open (e.g. 09:00–12:00 and 13:30–17:00).

``chinese-calendar`` 1.11 carries official data for 2004–2026 only; later years fall back to
the ``holidays`` package's China calendar (weekends + public holidays, no make-up days), with
a warning. A scenario may add holidays and make-up days of its own.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import numpy as np

from tongban.kernel.hours import MINUTES_PER_DAY, OpeningHours

logger = logging.getLogger(__name__)

CalendarKind = Literal["always", "cn-workdays"]

_CHINESE_CALENDAR_YEARS = range(2004, 2027)
_WARNED_YEARS: set[int] = set()


def _official_is_workday(day: date, warned: set[int] = _WARNED_YEARS) -> bool:
    """China's official working-day status of ``day`` (with 调休), best available source."""
    if day.year in _CHINESE_CALENDAR_YEARS:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(day))
    if day.year not in warned:
        warned.add(day.year)
        logger.warning(
            "chinese-calendar has no data for %d; using the holidays package's China calendar "
            "(public holidays and weekends, make-up working days unknown — list them in the "
            "scenario's calendar.extra_workdays)",
            day.year,
        )
    import holidays

    return day.weekday() < 5 and day not in holidays.country_holidays("CN", years=day.year)


@dataclass
class WorkCalendar:
    """Which days are working days, indexed by simulation day (day 0 = ``start``).

    Lookups are precomputed lazily in blocks, so the clock may run past any horizon. A
    calendar is shared by every replication of a compiled scenario: an extension builds new
    lookup lists and publishes them in one assignment, so concurrent readers never see
    half-built lookups.
    """

    kind: CalendarKind
    start: date
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    _lookups: tuple[list[bool], list[int]] = field(
        default_factory=lambda: ([], []), repr=False, compare=False
    )

    def _extend(self, last_day: int) -> tuple[list[bool], list[int]]:
        """Lookups (working flag, cumulative working days) for days ``0..last_day``."""
        working, cumulative = self._lookups
        if len(working) > last_day:
            return working, cumulative
        working, cumulative = list(working), list(cumulative)
        while len(working) <= last_day:
            day = self.start + timedelta(days=len(working))
            working.append(self._decide(day))
            cumulative.append((cumulative[-1] if cumulative else 0) + int(working[-1]))
        self._lookups = (working, cumulative)
        return working, cumulative

    def _decide(self, day: date) -> bool:
        if self.kind == "always":
            return True
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        return _official_is_workday(day)

    def date_of(self, day_index: int) -> date:
        """Calendar date of simulation day ``day_index``."""
        return self.start + timedelta(days=day_index)

    def is_working_day(self, day_index: int) -> bool:
        """Whether simulation day ``day_index`` is a working day."""
        if day_index < 0:
            return self._decide(self.date_of(day_index))
        working = self._lookups[0]
        if day_index >= len(working):
            working = self._extend(day_index + 31)[0]
        return working[day_index]

    def working_days_between(self, start_minute: float, end_minute: float) -> int:
        """Working days counted from a submission to a completion (行政许可法 style).

        The day of submission does not count; every working day after it up to and including
        the completion day does. A case finished on the day it was handed in takes 0 days.
        """
        first = int(start_minute // MINUTES_PER_DAY)
        last = int(end_minute // MINUTES_PER_DAY)
        if last <= first:
            return 0
        cumulative = self._extend(last + 1)[1]
        return cumulative[last] - cumulative[first]

    def next_working_day(self, day_index: int) -> int:
        """The first working day with index ≥ ``day_index``."""
        day = day_index
        while not self.is_working_day(day):
            day += 1
        return day

    def add_working_days(self, day_index: int, working_days: int) -> int:
        """Index of the working day ``working_days`` working days after ``day_index``."""
        if working_days <= 0:
            return day_index
        if day_index < 0:  # before the start: no lookups there
            day, remaining = day_index, working_days
            while remaining > 0:
                day += 1
                remaining -= self.is_working_day(day)
            return day
        # the first day after ``day_index`` whose running count reaches the target
        span = 2 * working_days + 31
        while True:
            cumulative = self._extend(day_index + span)[1]
            target = cumulative[day_index] + working_days
            found = bisect.bisect_left(cumulative, target, lo=day_index + 1)
            if found < len(cumulative):
                return found
            span *= 2

    def working_flags(self, days: int) -> np.ndarray:
        """Boolean array: is day ``0..days-1`` a working day."""
        return np.array(self._extend(days)[0][:days], dtype=bool)


class Timetable:
    """Opening hours on a working-day calendar: when is the place open, and for how long.

    ``weekend_hours`` (optional) are used on non-working days; ``None`` means closed.
    """

    def __init__(
        self,
        calendar: WorkCalendar,
        hours: OpeningHours,
        weekend_hours: OpeningHours | None = None,
    ) -> None:
        self.calendar = calendar
        self.hours = hours
        self.weekend_hours = weekend_hours
        # day index → its open intervals: looked up for every case at every stage
        self._intervals: dict[int, list[tuple[float, float]]] = {}

    def hours_on(self, day_index: int) -> OpeningHours | None:
        """Opening hours on a simulation day, or ``None`` when closed all day."""
        if self.calendar.is_working_day(day_index):
            return self.hours
        return self.weekend_hours

    def intervals_on(self, day_index: int) -> list[tuple[float, float]]:
        """Absolute open intervals (simulation minutes) on one day (do not modify: cached)."""
        found = self._intervals.get(day_index)
        if found is None:
            hours = self.hours_on(day_index)
            base = day_index * MINUTES_PER_DAY
            found = [] if hours is None else [(base + s, base + e) for s, e in hours.intervals]
            self._intervals[day_index] = found
        return found

    def open_minutes_between(self, lo: float, hi: float) -> float:
        """Open minutes between simulation minutes ``lo`` and ``hi``."""
        total = 0.0
        for day in range(int(lo // MINUTES_PER_DAY), math.ceil(hi / MINUTES_PER_DAY)):
            for start, end in self.intervals_on(day):
                overlap = min(end, hi) - max(start, lo)
                if overlap > 0:
                    total += overlap
        return total

    def is_open(self, minute: float) -> bool:
        """Whether the place is open at a simulation minute."""
        day = int(minute // MINUTES_PER_DAY)
        return any(start <= minute < end for start, end in self.intervals_on(day))

    def next_open(self, minute: float, max_days: int = 3660) -> float:
        """Earliest open minute ≥ ``minute``."""
        day = int(minute // MINUTES_PER_DAY)
        for offset in range(max_days):
            for start, end in self.intervals_on(day + offset):
                if minute < end:
                    return max(start, minute)
        raise RuntimeError("no opening time within ten years; check the calendar and hours")

    def add_open_minutes(self, minute: float, work: float) -> float:
        """The minute at which ``work`` open minutes started at ``minute`` are done.

        Work pauses outside opening hours (lunch, nights, weekends and holidays).
        """
        remaining = work
        current = minute
        day = int(current // MINUTES_PER_DAY)
        while True:
            for start, end in self.intervals_on(day):
                if current >= end:
                    continue
                begin = max(start, current)
                if begin + remaining <= end:
                    return begin + remaining
                remaining -= end - begin
                current = end
            day += 1
            current = max(current, day * MINUTES_PER_DAY)

    def add_working_days(self, minute: float, working_days: float) -> float:
        """The minute ``working_days`` (fractional) working days of opening time later."""
        whole = math.floor(working_days)
        fraction = working_days - whole
        start = self.next_open(minute)
        day = self.calendar.add_working_days(int(start // MINUTES_PER_DAY), whole)
        shifted = start + (day - int(start // MINUTES_PER_DAY)) * MINUTES_PER_DAY
        return self.add_open_minutes(shifted, fraction * self.hours.minutes_per_day)

    def next_clock_time(self, minute: float, times_of_day: Sequence[float]) -> float:
        """Earliest open-day occurrence of one of ``times_of_day`` (minutes) at or after now."""
        if not times_of_day:
            raise ValueError("no pickup times given")
        ordered = sorted(times_of_day)
        day = int(minute // MINUTES_PER_DAY)
        for offset in range(3660):
            candidate_day = day + offset
            if self.hours_on(candidate_day) is None:
                continue
            base = candidate_day * MINUTES_PER_DAY
            index = bisect.bisect_left(ordered, minute - base) if offset == 0 else 0
            if index < len(ordered):
                return base + ordered[index]
        raise RuntimeError("no pickup time within ten years")
