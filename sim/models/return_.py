"""Return of the result: a paper result by EMS, or online delivery (网络送达)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.distributions import Distribution
from sim.models.mail import TransitModel


def deliver_online(
    env: simpy.Environment, delivery_minutes: Distribution, rng: np.random.Generator
) -> Generator[Any, Any, None]:
    """Electronic delivery of the decision."""
    yield env.timeout(delivery_minutes.sample(rng))


def deliver_by_post(
    env: simpy.Environment,
    handover_minutes: Distribution,
    transit: TransitModel,
    office_code: str | None,
    applicant_code: str | None,
    rng: np.random.Generator,
) -> Generator[Any, Any, None]:
    """Hand the paper result to EMS, then transit to the applicant."""
    yield env.timeout(handover_minutes.sample(rng))
    yield env.timeout(transit.transit_minutes(office_code, applicant_code, env.now, rng))
