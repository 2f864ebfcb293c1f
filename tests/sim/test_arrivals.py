"""Non-homogeneous Poisson arrivals: counts per clock hour, weekday and month follow the rates."""

from __future__ import annotations

from datetime import date

import numpy as np

from sim.arrivals import ArrivalGenerator, demand_factor
from sim.calendar import Timetable, WorkCalendar
from sim.run import simulate
from sim.scenarios.loader import parse_scenario
from tongban.kernel.hours import OpeningHours


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


def test_make_up_working_day_uses_the_working_day_factor() -> None:
    # Sunday 28 September 2025 is a make-up working day (调休) before National Day
    calendar = WorkCalendar("cn-workdays", date(2025, 9, 28))
    assert calendar.is_working_day(0) and calendar.date_of(0).weekday() == 6
    generator = ArrivalGenerator(
        Timetable(calendar, OpeningHours.from_strings([["09:00", "17:00"]])),
        np.full((1, 24), 10.0),
        np.array([1.0, 2.0, 3.0, 4.0, 5.0, 0.0, 0.0]),
        np.ones(12),
    )
    assert generator.factor(0) == 3.0  # the mean of the Monday–Friday factors
    assert generator.factor(1) == 1.0  # Monday 29 September: its own factor
    assert generator.day(0, np.random.default_rng(1))[0].size > 100  # 8 h × 10/h × 3
    always = WorkCalendar("always", date(2025, 9, 28))  # no 调休 there: Sunday stays Sunday
    assert demand_factor(always, 0, [1, 1, 1, 1, 1, 0, 0], np.ones(12)) == 0.0


def test_make_up_working_day_has_window_and_inbound_demand() -> None:
    scenario = parse_scenario(
        {
            "name": "调休",
            "start_date": "2025-09-28",
            "days": 1,
            "drain_days": 30,
            "replications": 1,
            "seasonality": {"weekday": [1, 1, 1, 1, 1, 0, 0]},
            "windows": [{"id": "W1", "clerks": 3}],
            "demand": [{"window": "W1", "matter": "1-05", "per_hour": 10.0}],
            "offices": [{"id": "O1", "reviewers": 2}],
            "inbound": [{"office": "O1", "matter": "1-37", "per_day": 20.0, "mode": "online"}],
        }
    )
    result = simulate(scenario)
    assert result.windows[0].cases > 30  # 6.5 open hours × 10/h
    assert result.offices[0].cases > 5  # 20 inbound cases per working day
