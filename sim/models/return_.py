"""Return of the result: a paper result by EMS, or online delivery (网络送达).

Pure waits after the decision, so they are computed, not simulated: the minute the result
reaches the applicant (with a SimPy timeout's arithmetic, :mod:`sim.models.delays`).
"""

from __future__ import annotations

import numpy as np

from sim.distributions import Distribution
from sim.models.delays import after
from sim.models.mail import TransitModel


def delivered_by_post(
    now: float,
    handover_minutes: Distribution,
    transit: TransitModel,
    office_code: str | None,
    applicant_code: str | None,
    rng: np.random.Generator,
) -> float:
    """The minute a paper result decided at ``now`` reaches the applicant: hand-over to EMS
    and the transit for the minute it is handed over, both drawn now."""
    handed = after(now, handover_minutes.sample(rng))
    return after(handed, transit.transit_minutes(office_code, applicant_code, handed, rng))
