"""Working days with 调休, opening hours, and the fallback beyond chinese-calendar's data."""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pytest

from sim.calendar import Timetable, WorkCalendar
from tongban.kernel.clock import parse_clock
from tongban.kernel.hours import MINUTES_PER_DAY, OpeningHours


def minute_of(calendar: WorkCalendar, day: date, clock: str) -> float:
    return (day - calendar.start).days * MINUTES_PER_DAY + parse_clock(clock)


def test_case_handed_in_on_the_friday_before_national_day_2025() -> None:
    # 2025: Oct 1–8 off; Sunday Sep 28 and Saturday Oct 11 are make-up working days.
    calendar = WorkCalendar("cn-workdays", date(2025, 9, 1))
    friday = minute_of(calendar, date(2025, 9, 26), "10:00")
    # Sun 28 (make-up), Mon 29, Tue 30, then Thu Oct 9: four working days, 13 calendar days
    assert (
        calendar.working_days_between(friday, minute_of(calendar, date(2025, 10, 9), "15:00")) == 4
    )
    # Oct 11 (Saturday) is a make-up working day, Oct 12 (Sunday) is not
    assert (
        calendar.working_days_between(friday, minute_of(calendar, date(2025, 10, 11), "9:00")) == 6
    )
    assert (
        calendar.working_days_between(friday, minute_of(calendar, date(2025, 10, 12), "9:00")) == 6
    )
    # same-day completion takes 0 days; during the holiday nothing is counted
    assert calendar.working_days_between(friday, friday + 60) == 0
    assert (
        calendar.working_days_between(friday, minute_of(calendar, date(2025, 10, 8), "9:00")) == 3
    )


def test_statutory_deadline_counts_make_up_days() -> None:
    calendar = WorkCalendar("cn-workdays", date(2025, 9, 1))
    friday = (date(2025, 9, 26) - calendar.start).days
    due = calendar.add_working_days(friday, 10)
    # 28, 29, 30, 9, 10, 11, 13, 14, 15, 16 October → the 10th working day is Oct 16
    assert calendar.date_of(due) == date(2025, 10, 16)


def test_scenario_holidays_and_make_up_days_override() -> None:
    calendar = WorkCalendar(
        "cn-workdays",
        date(2025, 3, 3),
        extra_holidays=frozenset({date(2025, 3, 4)}),
        extra_workdays=frozenset({date(2025, 3, 8)}),
    )
    assert [calendar.is_working_day(i) for i in range(7)] == [
        True,
        False,
        True,
        True,
        True,
        True,
        False,
    ]


def test_years_after_the_official_data_fall_back_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import sim.calendar as module

    module._WARNED_YEARS.discard(2028)
    calendar = WorkCalendar("cn-workdays", date(2028, 1, 1))
    with caplog.at_level(logging.WARNING, logger="sim.calendar"):
        assert not calendar.is_working_day(0)  # New Year's Day (a Saturday)
        assert not calendar.is_working_day(2)  # Monday 3 January 2028: observed holiday
        assert calendar.is_working_day(3)  # Tuesday 4 January 2028
        assert not calendar.is_working_day(7)  # Saturday 8 January 2028
    assert "2028" in caplog.text


def test_always_calendar_has_no_days_off() -> None:
    calendar = WorkCalendar("always", date(2025, 10, 1))
    assert all(calendar.is_working_day(i) for i in range(10))
    assert calendar.working_days_between(0, 3 * MINUTES_PER_DAY + 5) == 3


def test_open_minutes_pause_over_lunch_and_the_weekend() -> None:
    calendar = WorkCalendar("cn-workdays", date(2025, 3, 3))  # a Monday
    timetable = Timetable(
        calendar, OpeningHours.from_strings([["09:00", "12:00"], ["13:30", "17:00"]])
    )
    start = minute_of(calendar, date(2025, 3, 3), "11:00")
    assert timetable.add_open_minutes(start, 90) == minute_of(calendar, date(2025, 3, 3), "14:00")
    friday = minute_of(calendar, date(2025, 3, 7), "16:30")
    assert timetable.add_open_minutes(friday, 60) == minute_of(calendar, date(2025, 3, 10), "09:30")
    assert timetable.next_open(minute_of(calendar, date(2025, 3, 8), "10:00")) == minute_of(
        calendar, date(2025, 3, 10), "09:00"
    )
    assert timetable.next_clock_time(friday, [parse_clock("16:00")]) == minute_of(
        calendar, date(2025, 3, 10), "16:00"
    )


def test_opening_hours_cut_into_clock_hours() -> None:
    hours = OpeningHours.from_strings([["09:00", "12:00"], ["13:30", "17:00"]])
    assert hours.minutes_per_day == 390
    assert hours.open_hours() == [9, 10, 11, 13, 14, 15, 16]


def test_open_minutes_between_clips_to_the_span() -> None:
    from datetime import date

    from sim.calendar import Timetable, WorkCalendar
    from tongban.kernel.hours import OpeningHours

    hours = OpeningHours.from_strings([["09:00", "12:00"], ["13:30", "17:00"]])
    always = Timetable(WorkCalendar("always", date(2025, 3, 3)), hours)
    assert always.open_minutes_between(0.0, 2 * 1440.0) == 2 * 390.0
    assert always.open_minutes_between(10 * 60.0, 1440.0) == 120.0 + 210.0
    assert always.open_minutes_between(720.0, 1440.0 + 600.0) == 210.0 + 60.0
    # 2025-03-08 and 09 are a weekend: day 5 and 6 closed on the working-day calendar
    workdays = Timetable(WorkCalendar("cn-workdays", date(2025, 3, 3)), hours)
    assert workdays.open_minutes_between(0.0, 7 * 1440.0) == 5 * 390.0


@pytest.mark.parametrize("kind", ["cn-workdays", "always"])
def test_add_working_days_equals_counting_day_by_day(kind: str) -> None:
    """The bisect on running counts gives the day a day-by-day count reaches."""
    calendar = WorkCalendar(kind, date(2025, 9, 1))  # type: ignore[arg-type]
    reference = WorkCalendar(kind, date(2025, 9, 1))  # type: ignore[arg-type]

    def counted(day: int, working_days: int) -> int:
        while working_days > 0:
            day += 1
            working_days -= reference.is_working_day(day)
        return day

    rng = np.random.default_rng(7)
    for day, working_days in zip(
        rng.integers(-40, 700, 3000).tolist(), rng.integers(0, 90, 3000).tolist(), strict=True
    ):
        assert calendar.add_working_days(day, working_days) == counted(day, working_days)
