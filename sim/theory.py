"""Closed-form M/M/c (Erlang C) figures used to check and seed the simulation."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ErlangC:
    """Steady state of an M/M/c queue: arrivals ``rate`` per minute, mean service minutes."""

    rate: float
    service_mean: float
    servers: int

    @property
    def offered_load(self) -> float:
        """a = λ / μ (Erlangs)."""
        return self.rate * self.service_mean

    @property
    def utilisation(self) -> float:
        """ρ = a / c."""
        return self.offered_load / self.servers

    @property
    def wait_probability(self) -> float:
        """P(W > 0), the Erlang C formula (computed with the stable Erlang B recursion)."""
        a, c = self.offered_load, self.servers
        if a >= c:
            return 1.0
        blocking = 1.0
        for k in range(1, c + 1):
            blocking = a * blocking / (k + a * blocking)
        rho = a / c
        return blocking / (1.0 - rho + rho * blocking)

    @property
    def decay(self) -> float:
        """cμ − λ: rate of the exponential tail of the wait."""
        return self.servers / self.service_mean - self.rate

    @property
    def mean_wait(self) -> float:
        """E[W] in minutes."""
        if self.decay <= 0:
            return math.inf
        return self.wait_probability / self.decay

    def wait_quantile(self, q: float) -> float:
        """The q-quantile of the wait (0 when the chance of waiting is below 1 − q)."""
        tail = 1.0 - q
        if self.wait_probability <= tail:
            return 0.0
        return math.log(self.wait_probability / tail) / self.decay

    def share_within(self, minutes: float) -> float:
        """P(W ≤ t)."""
        return 1.0 - self.wait_probability * math.exp(-self.decay * minutes)

    @property
    def mean_queue_length(self) -> float:
        """Lq = λ E[W] (Little)."""
        return self.rate * self.mean_wait


def min_servers(rate: float, service_mean: float, wait_minutes: float, wait_share: float) -> int:
    """Fewest servers with P(W ≤ wait_minutes) ≥ wait_share (0 when there is no demand)."""
    if rate <= 0:
        return 0
    servers = max(1, math.floor(rate * service_mean) + 1)
    while ErlangC(rate, service_mean, servers).share_within(wait_minutes) < wait_share:
        servers += 1
    return servers
