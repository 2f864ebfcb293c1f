"""Closed-form M/M/c (Erlang C) figures used to check and seed the simulation.

A scalar, per-minute view of the one Erlang C implementation in the codebase,
:mod:`sim.staffing.erlang` (vectorised, rates per hour and service minutes): every figure
here is computed by those functions, so tests, notebooks and the compiler agree with the
staffing stage by construction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.staffing import erlang


@dataclass(frozen=True)
class ErlangC:
    """Steady state of an M/M/c queue: arrivals ``rate`` per minute, mean service minutes."""

    rate: float
    service_mean: float
    servers: int

    @property
    def offered_load(self) -> float:
        """a = λ / μ (Erlangs)."""
        return float(erlang.offered_load(self.rate * 60.0, self.service_mean))

    @property
    def utilisation(self) -> float:
        """ρ = a / c."""
        return self.offered_load / self.servers

    @property
    def wait_probability(self) -> float:
        """P(W > 0), the Erlang C formula (1 when the load reaches the servers)."""
        return float(erlang.erlang_c(self.servers, self.offered_load))

    @property
    def decay(self) -> float:
        """cμ − λ: rate of the exponential tail of the wait."""
        return self.servers / self.service_mean - self.rate

    @property
    def mean_wait(self) -> float:
        """E[W] in minutes (``inf`` when unstable)."""
        return float(
            erlang.average_speed_of_answer(self.servers, self.offered_load, self.service_mean)
        )

    def wait_quantile(self, q: float) -> float:
        """The q-quantile of the wait (0 when the chance of waiting is below 1 − q)."""
        tail = 1.0 - q
        if self.wait_probability <= tail:
            return 0.0
        if self.decay <= 0:
            return math.inf
        return math.log(self.wait_probability / tail) / self.decay

    def share_within(self, minutes: float) -> float:
        """P(W ≤ t) (0 when unstable)."""
        return float(
            erlang.service_level(self.servers, self.offered_load, self.service_mean, minutes)
        )

    @property
    def mean_queue_length(self) -> float:
        """Lq = λ E[W] (Little)."""
        return self.rate * self.mean_wait


def min_servers(rate: float, service_mean: float, wait_minutes: float, wait_share: float) -> int:
    """Fewest servers with P(W ≤ wait_minutes) ≥ wait_share (0 when there is no demand).

    ``rate`` is arrivals per minute, ``service_mean`` minutes.
    """
    if rate <= 0:
        return 0
    load = float(erlang.offered_load(rate * 60.0, service_mean))
    ceiling = math.floor(load) + 1
    while True:
        ceiling = 2 * ceiling + 10
        found = int(
            erlang.min_servers(load, service_mean, wait_minutes, wait_share, max_servers=ceiling)[0]
        )
        if found >= 0:
            return found
