"""Non-homogeneous Poisson arrivals: counts per clock hour, weekday and month follow the rates."""

from __future__ import annotations

from datetime import date

import numpy as np

from sim.arrivals import ArrivalGenerator
from sim.calendar import OpeningHours, Timetable, WorkCalendar


def test_counts_follow_hourly_profile_weekday_and_month() -> None:
    calendar = WorkCalendar("always", date(2025, 1, 6))  # a Monday
    hours = OpeningHours.from_strings([["09:00", "12:00"], ["13:30", "17:00"]])
    rates = np.zeros((2, 24))
    rates[0, 9:17] = [4, 8, 8, 0, 2, 2, 2, 2]  # matter 0 per hour
    rates[1, 9:17] = 2.0  # matter 1
    weekday = np.array([1.0, 1.0, 1.0, 1.0, 2.0, 0.5, 0.5])
    month = np.ones(12)
    month[1] = 3.0  # February
    generator = ArrivalGenerator(Timetable(calendar, hours), rates, weekday, month)
    rng = np.random.default_rng(9)
    expected = np.zeros((2, 24))
    observed = np.zeros((2, 24))
    for day in range(365):
        times, rows = generator.day(day, rng)
        assert np.all(np.diff(times) >= 0)
        factor = generator.factor(day)
        minutes = times - day * 1440.0
        for start, end in hours.intervals:
            for hour in range(24):
                overlap = max(0.0, min(end, hour * 60 + 60) - max(start, hour * 60))
                expected[:, hour] += rates[:, hour] * overlap / 60.0 * factor
        assert np.all([any(s <= m < e for s, e in hours.intervals) for m in minutes]), (
            "arrival outside opening hours"
        )
        np.add.at(observed, (rows, (minutes // 60).astype(int)), 1)
    mask = expected > 0
    z = (observed[mask] - expected[mask]) / np.sqrt(expected[mask])
    assert np.abs(z).max() < 4.0
    assert observed[0, 12] == 0 and observed[:, :9].sum() == 0
    assert generator.factor(4) == 2.0  # Friday 10 January
    assert generator.factor(28) == 3.0  # Monday 3 February


def test_closed_days_have_no_arrivals() -> None:
    calendar = WorkCalendar("cn-workdays", date(2025, 10, 1))  # National Day holiday
    generator = ArrivalGenerator(
        Timetable(calendar, OpeningHours.from_strings([["09:00", "17:00"]])),
        np.full((1, 24), 10.0),
        np.ones(7),
        np.ones(12),
    )
    rng = np.random.default_rng(1)
    assert all(generator.day(d, rng)[0].size == 0 for d in range(8))
    assert generator.day(8, rng)[0].size > 0  # Oct 9, a working day
