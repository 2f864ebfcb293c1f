"""A day's opening hours in minutes after midnight (e.g. 09:00–12:00 and 13:30–17:00)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tongban.kernel.clock import parse_clock

MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class OpeningHours:
    """Open intervals of one day in minutes after midnight, sorted and non-overlapping."""

    intervals: tuple[tuple[float, float], ...]

    @classmethod
    def from_strings(cls, pairs: Iterable[Sequence[str]]) -> OpeningHours:
        """Build from ``[["09:00", "12:00"], ["13:30", "17:00"]]``."""
        return cls(tuple(sorted((parse_clock(a), parse_clock(b)) for a, b in pairs)))

    @property
    def minutes_per_day(self) -> float:
        """Open minutes in one open day."""
        return sum(end - start for start, end in self.intervals)

    @property
    def always_open(self) -> bool:
        """Whether the hours cover the full day."""
        return self.intervals == ((0.0, MINUTES_PER_DAY),)

    def open_hours(self) -> list[int]:
        """Hours of day (0–23) that overlap an open interval."""
        hours = []
        for hour in range(24):
            lo, hi = hour * 60.0, hour * 60.0 + 60.0
            if any(min(hi, end) > max(lo, start) for start, end in self.intervals):
                hours.append(hour)
        return hours

    def open_minutes_in_hour(self, hour: int) -> float:
        """Open minutes within clock hour ``hour`` (0–23)."""
        lo, hi = hour * 60.0, hour * 60.0 + 60.0
        return sum(max(0.0, min(end, hi) - max(start, lo)) for start, end in self.intervals)

    def open_minutes_by_hour(self) -> tuple[float, ...]:
        """Open minutes in each clock hour 00–23 (24 values)."""
        return tuple(self.open_minutes_in_hour(hour) for hour in range(24))
