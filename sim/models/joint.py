"""多地联办: the transfer-out office's coordination step before the handling office decides."""

from __future__ import annotations

from sim.calendar import Timetable
from sim.models.delays import after_working_days


def coordinated(timetable: Timetable, now: float, days: float) -> float:
    """The minute inter-office coordination of ``days`` working days (office hours only;
    drawn from the profile's ``coordination_days`` by the caller) started at ``now`` ends."""
    return after_working_days(timetable, now, days)
