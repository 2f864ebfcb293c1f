"""The one delay primitive the office-side steps share: a span of working days."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim.calendar import Timetable


def working_days(
    env: simpy.Environment, timetable: Timetable, days: float
) -> Generator[Any, Any, None]:
    """Wait ``days`` (fractional) working days of the timetable's opening time."""
    done = timetable.add_working_days(env.now, days)
    yield env.timeout(max(0.0, done - env.now))
