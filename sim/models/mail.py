"""Mail: EMS transit time between two places, from a distribution or the geo layer."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Protocol

import numpy as np

from sim.distributions import Distribution
from sim.scenarios.schema import MailProcess, Scenario

logger = logging.getLogger(__name__)


class TransitModel(Protocol):
    """Minutes an EMS item posted at ``send_minute`` takes from origin to destination.

    ``collected=True``: a planned van already brought the item from the origin window to
    the origin's processing centre, and ``send_minute`` is its arrival there; the journey
    starts at the centre (no collection leg from the window).
    """

    def transit_minutes(
        self,
        origin_code: str | None,
        destination_code: str | None,
        send_minute: float,
        rng: np.random.Generator,
        *,
        collected: bool = False,
    ) -> float:
        """Transit time in minutes."""
        ...


class DistributionTransit:
    """Transit hours drawn from one distribution (abstract scenarios, or no geo data).

    The distribution is the whole door-to-door time, with no timetable: ``collected`` is
    accepted and ignored (a collected item draws from the same distribution, one draw
    either way, so common random numbers are kept).
    """

    def __init__(self, hours: Distribution) -> None:
        self.hours = hours

    def transit_minutes(
        self,
        origin_code: str | None,
        destination_code: str | None,
        send_minute: float,
        rng: np.random.Generator,
        *,
        collected: bool = False,
    ) -> float:
        return 60.0 * self.hours.sample(rng)


class GeoTransit:
    """EMS transit from ``geo.ems.default_network()`` (a distribution when codes are unknown)."""

    def __init__(self, start: datetime, fallback: Distribution) -> None:
        from geo import ems

        self.network = ems.default_network()
        self.start = start
        self.fallback = DistributionTransit(fallback)

    def transit_minutes(
        self,
        origin_code: str | None,
        destination_code: str | None,
        send_minute: float,
        rng: np.random.Generator,
        *,
        collected: bool = False,
    ) -> float:
        if origin_code is None or destination_code is None:
            return self.fallback.transit_minutes(None, None, send_minute, rng)
        send = self.start + timedelta(minutes=send_minute)
        arrival = self.network.transit(
            origin_code, destination_code, send, rng, collected=collected
        )
        return max(0.0, (arrival - send).total_seconds() / 60.0)


def transit_model(scenario: Scenario) -> TransitModel:
    """The scenario's EMS transit: the geo layer's, or its distribution."""
    setting = scenario.process.mail.transit_hours
    if setting == "geo":
        fallback = MailProcess().transit_hours
        assert not isinstance(fallback, str)
        return GeoTransit(datetime.combine(scenario.start_date, time()), fallback)
    return DistributionTransit(setting)
