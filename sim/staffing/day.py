"""The open time of one staffed window-day, at minute resolution, as the engine sees it.

A staffed day is ``hours`` consecutive clock hours (plan columns); the window is open during
``intervals`` (minutes from the start of the first of those hours), e.g. a block 13:00–17:00
of a window reopening at 13:30 is ``OpenDay(4, ((30, 240),))``. The staffing evaluator uses
it exactly as the engine's :class:`sim.calendar.Timetable` and
:class:`sim.arrivals.ArrivalGenerator` do:

- arrivals come only while the window is open, at the rate of the clock hour they fall in
  (a half-open hour gets half an hour of arrivals at the full hourly rate, all inside its
  open half): the day is cut into :class:`sim.arrivals.HourPieces`;
- while open, clock hour ``h`` has ``clerks[h]`` clerks (the count changes at every clock
  hour and at every opening);
- while closed (a break inside the day, and after the last closing) the clerks of the last
  open moment stay and serve those already waiting — nobody new is admitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.arrivals import HourPieces
from tongban.kernel.errors import InputError
from tongban.kernel.hours import OpeningHours

MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True)
class OpenDay:
    """``hours`` plan hours and the open ``intervals`` (minutes from the first hour's start)."""

    hours: int
    intervals: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        if self.hours < 1:
            raise InputError("a staffed day needs at least one hour", field="hours")
        if not self.intervals:
            raise InputError("a staffed day needs at least one open interval", field="hours")
        last_end = 0.0
        for start, end in self.intervals:
            if not (last_end <= start < end <= self.hours * MINUTES_PER_HOUR):
                raise InputError(
                    f"open intervals {list(self.intervals)} must be sorted, non-overlapping "
                    f"and inside 0-{self.hours * 60:g} minutes",
                    field="hours",
                )
            last_end = end

    @classmethod
    def whole_hours(cls, hours: int) -> OpenDay:
        """Open from the start of the first hour to the end of the last one."""
        return cls(hours, ((0.0, hours * MINUTES_PER_HOUR),))

    @classmethod
    def from_clock(
        cls, intervals: Sequence[tuple[float, float]], first_hour: int, hours: int
    ) -> OpenDay:
        """Clock intervals (minutes after midnight) clipped to the ``hours`` from ``first_hour``."""
        lo, hi = first_hour * MINUTES_PER_HOUR, (first_hour + hours) * MINUTES_PER_HOUR
        clipped = tuple(
            (max(s, lo) - lo, min(e, hi) - lo)
            for s, e in sorted(intervals)
            if min(e, hi) > max(s, lo)
        )
        return cls(hours, clipped)

    def pieces(self) -> HourPieces:
        """Open time cut at clock hours (start, length, plan hour), as the engine draws arrivals."""
        return HourPieces.of(OpeningHours(self.intervals))

    def open_minutes(self) -> npt.NDArray[np.float64]:
        """Open minutes in each plan hour."""
        pieces = self.pieces()
        return np.bincount(pieces.hours, weights=pieces.lengths, minlength=self.hours)[
            : self.hours
        ].astype(float)

    def segments(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """End time and clerk-plan column of each constant-capacity segment.

        Segments are cut at every clock hour and every opening/closing; the last segment runs
        to infinity (after closing). An open segment takes its clock hour's column; a closed
        one keeps the column of the segment before it (the first open column at the start).
        """
        cuts = {h * MINUTES_PER_HOUR for h in range(1, self.hours)}
        cuts.update(t for interval in self.intervals for t in interval)
        cuts.add(self.hours * MINUTES_PER_HOUR)
        cuts.discard(0.0)
        ends = sorted(cuts)
        starts = [0.0, *ends]
        first_open = int(self.intervals[0][0] // MINUTES_PER_HOUR)
        columns: list[int] = []
        current = first_open
        for start in starts:
            if any(s <= start < e for s, e in self.intervals):
                current = min(int(start // MINUTES_PER_HOUR), self.hours - 1)
            columns.append(current)
        return np.array([*ends, np.inf]), np.array(columns, dtype=np.int64)
