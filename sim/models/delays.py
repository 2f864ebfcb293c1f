"""The one delay primitive the office-side steps share: a span of working days."""

from __future__ import annotations

from sim.calendar import Timetable
from sim.models.separation import after


def after_working_days(timetable: Timetable, now: float, days: float) -> float:
    """The minute ``days`` (fractional) working days of the timetable's opening time after
    ``now`` end (a pure wait: computed, with a SimPy timeout's arithmetic)."""
    return after(now, max(0.0, timetable.add_working_days(now, days) - now))
