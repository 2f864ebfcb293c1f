"""Non-homogeneous Poisson arrivals: hourly profile × weekday × season, per (window, matter).

A make-up working day (调休) takes a working-day factor (:func:`demand_factor`).
Rates are piecewise constant per clock hour, so a day's arrivals are drawn exactly: a Poisson
count per open hour-piece, uniform times inside it, and the matter of each arrival chosen in
proportion to the matters' rates in that hour (superposition of the per-matter streams).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.calendar import Timetable, WorkCalendar
from tongban.kernel.hours import MINUTES_PER_DAY, OpeningHours

WORKDAYS = 5  # Monday–Friday: the weekday factors a make-up working day averages


def demand_factor(
    calendar: WorkCalendar,
    day_index: int,
    weekday_factors: Sequence[float] | np.ndarray,
    month_factors: Sequence[float] | np.ndarray,
) -> float:
    """Weekday × month multiplier of demand on simulation day ``day_index``.

    A make-up working day (调休: a Saturday or Sunday that the ``cn-workdays`` calendar makes
    a working day) takes the mean of the Monday–Friday factors: offices and halls work as on
    an ordinary working day, so applicants come as on one (its own weekend factor is often 0).
    """
    day = calendar.date_of(day_index)
    weekday = day.weekday()
    if weekday >= WORKDAYS and calendar.kind != "always" and calendar.is_working_day(day_index):
        weekday_factor = float(np.mean(np.asarray(weekday_factors, dtype=float)[:WORKDAYS]))
    else:
        weekday_factor = float(weekday_factors[weekday])
    return weekday_factor * float(month_factors[day.month - 1])


@dataclass(frozen=True)
class HourPieces:
    """Open time of a day cut at clock hours: start (minutes after midnight), length, hour."""

    starts: np.ndarray
    lengths: np.ndarray
    hours: np.ndarray

    @classmethod
    def of(cls, hours: OpeningHours) -> HourPieces:
        """Cut opening intervals at each full hour."""
        starts, lengths, hour_of = [], [], []
        for start, end in hours.intervals:
            cursor = start
            while cursor < end:
                hour = int(cursor // 60)
                piece_end = min(end, (hour + 1) * 60.0)
                starts.append(cursor)
                lengths.append(piece_end - cursor)
                hour_of.append(min(hour, 23))
                cursor = piece_end
        return cls(np.array(starts), np.array(lengths), np.array(hour_of, dtype=np.int64))


class ArrivalGenerator:
    """Draws one day of arrivals at a window.

    ``rates_per_hour[row, hour]`` is the arrival rate (per hour) of matter ``row`` during clock
    hour ``hour`` on an ordinary day; weekday and month factors multiply it.
    """

    def __init__(
        self,
        timetable: Timetable,
        rates_per_hour: np.ndarray,
        weekday_factors: np.ndarray,
        month_factors: np.ndarray,
    ) -> None:
        self.timetable = timetable
        self.rates = np.asarray(rates_per_hour, dtype=float) / 60.0  # per minute
        self.weekday_factors = weekday_factors
        self.month_factors = month_factors
        self._pieces: dict[OpeningHours, HourPieces] = {}  # by value: safe to pickle
        self._totals = self.rates.sum(axis=0)
        self._cumulative: np.ndarray | None = None  # built on the first day drawn (:meth:`day`)
        self.single_matter = self.rates.shape[0] == 1

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the cumulative matter shares: a worker rebuilds them on its first
        day drawn, the same numbers (a national scenario ships 3,209 windows' worth)."""
        return {**self.__dict__, "_cumulative": None}

    def _matter_cumulative(self) -> np.ndarray:
        """Per hour, the cumulative shares of the matters' rates (rows × 24)."""
        if self._cumulative is None:
            totals = self._totals
            with np.errstate(invalid="ignore", divide="ignore"):
                shares = np.where(totals > 0, self.rates / np.where(totals > 0, totals, 1), 0)
            self._cumulative = np.cumsum(shares, axis=0)
        return self._cumulative

    def _pieces_for(self, hours: OpeningHours) -> HourPieces:
        pieces = self._pieces.get(hours)
        if pieces is None:
            pieces = self._pieces[hours] = HourPieces.of(hours)
        return pieces

    def factor(self, day_index: int) -> float:
        """Weekday × month multiplier of a simulation day (see :func:`demand_factor`)."""
        return demand_factor(
            self.timetable.calendar, day_index, self.weekday_factors, self.month_factors
        )

    def day(self, day_index: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Sorted arrival times (simulation minutes) and matter rows for one day."""
        hours = self.timetable.hours_on(day_index)
        if hours is None:
            return np.empty(0), np.empty(0, dtype=np.int64)
        pieces = self._pieces_for(hours)
        expected = self._totals[pieces.hours] * pieces.lengths * self.factor(day_index)
        counts = rng.poisson(expected)
        total = int(counts.sum())
        if total == 0:
            return np.empty(0), np.empty(0, dtype=np.int64)
        which = np.repeat(np.arange(counts.size), counts)
        times = (
            day_index * MINUTES_PER_DAY
            + pieces.starts[which]
            + rng.random(total) * pieces.lengths[which]
        )
        if self.single_matter:
            rows = np.zeros(total, dtype=np.int64)
        else:
            cumulative = self._matter_cumulative()[:, pieces.hours[which]]  # (matters, total)
            draws = rng.random(total)
            rows = (cumulative < draws[None, :]).sum(axis=0).astype(np.int64)
            np.minimum(rows, self.rates.shape[0] - 1, out=rows)
        order = np.argsort(times, kind="stable")
        return times[order], rows[order]
