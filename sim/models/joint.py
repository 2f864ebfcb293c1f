"""多地联办: the transfer-out office's coordination step before the handling office decides."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.calendar import Timetable
from sim.distributions import Distribution


def coordinate(
    env: simpy.Environment,
    timetable: Timetable,
    coordination_days: Distribution,
    rng: np.random.Generator,
) -> Generator[Any, Any, None]:
    """Inter-office coordination taking a number of working days (office hours only)."""
    done = timetable.add_working_days(env.now, coordination_days.sample(rng))
    yield env.timeout(max(0.0, done - env.now))
