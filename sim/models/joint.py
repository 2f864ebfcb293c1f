"""多地联办: the transfer-out office's coordination step before the handling office decides."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim.calendar import Timetable
from sim.models.delays import working_days


def coordinate(
    env: simpy.Environment, timetable: Timetable, days: float
) -> Generator[Any, Any, None]:
    """Inter-office coordination taking ``days`` working days (office hours only; drawn from
    the profile's ``coordination_days`` by the caller)."""
    yield from working_days(env, timetable, days)
