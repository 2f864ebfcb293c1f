"""Return of the result: a paper result by EMS, or online delivery (网络送达)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.distributions import Distribution
from sim.models.mail import TransitModel


def deliver_online(env: simpy.Environment, minutes: float) -> Generator[Any, Any, None]:
    """Electronic delivery of the decision (``minutes``, drawn)."""
    yield env.timeout(minutes)


def post_result(
    now: float,
    handover_minutes: Distribution,
    transit: TransitModel,
    office_code: str | None,
    applicant_code: str | None,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """(hand-over, transit) minutes of a paper result decided at ``now``: both drawn now,
    the transit for the minute the item is handed to EMS."""
    handover = handover_minutes.sample(rng)
    return handover, transit.transit_minutes(office_code, applicant_code, now + handover, rng)


def deliver_by_post(
    env: simpy.Environment, handover: float, transit: float
) -> Generator[Any, Any, None]:
    """Hand the paper result to EMS, then transit to the applicant (minutes, drawn)."""
    yield env.timeout(handover)
    yield env.timeout(transit)
