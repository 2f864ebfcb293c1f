"""多地联办: the transfer-out office's coordination step before the handling office decides."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.calendar import Timetable
from sim.distributions import Sampler
from sim.models.delays import working_days


def coordinate(
    env: simpy.Environment,
    timetable: Timetable,
    coordination_days: Sampler,
    rng: np.random.Generator,
) -> Generator[Any, Any, None]:
    """Inter-office coordination taking a number of working days (office hours only)."""
    yield from working_days(env, timetable, coordination_days.sample(rng))
