"""The pure waits of the case flow: functions of the minute they start, returning the minute
they end, with a SimPy timeout's arithmetic (``now + minutes``), so a computed minute is the
very minute a timeout would have reached (:mod:`sim.flow`: what is simulated, what computed).
"""

from __future__ import annotations

from sim.calendar import Timetable


def after(now: float, minutes: float) -> float:
    """The minute a wait of ``minutes`` started at ``now`` ends (a wait *for* minute ``m``
    is ``after(now, max(0.0, m - now))``)."""
    return now + minutes


def until(now: float, minute: float) -> float:
    """A wait for ``minute`` started at ``now`` (no wait when it has passed)."""
    return after(now, max(0.0, minute - now))


def after_working_days(timetable: Timetable, now: float, days: float) -> float:
    """The end of ``days`` (fractional) working days of the timetable's opening time after
    ``now``: 多地联办 coordination, the applicant's 补正 papers."""
    return until(now, timetable.add_working_days(now, days))
