"""The statistics period of a run: when applicants arrive, which span is measured, the target.

Simulation minutes from 00:00 of the start date. Arrivals stop at ``arrivals_until``;
statistics count from ``stats_from`` (warm-up discarded) to ``stats_until``; the clock then
runs to ``run_until`` (drain days) and on until every case is done.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.kernel.hours import MINUTES_PER_DAY


@dataclass(frozen=True)
class StatsPeriod:
    """Arrival horizon, measured span and wait target of one run (minutes)."""

    arrivals_until: float
    stats_from: float
    stats_until: float
    run_until: float
    target_wait: float

    @classmethod
    def of_days(
        cls, days: float, warmup_days: float, drain_days: float, target_wait: float
    ) -> StatsPeriod:
        """Arrivals for ``days``, statistics after ``warmup_days``, then ``drain_days``."""
        return cls(
            arrivals_until=days * MINUTES_PER_DAY,
            stats_from=warmup_days * MINUTES_PER_DAY,
            stats_until=days * MINUTES_PER_DAY,
            run_until=(days + drain_days) * MINUTES_PER_DAY,
            target_wait=target_wait,
        )

    @property
    def length(self) -> float:
        """Minutes in the statistics period."""
        return max(0.0, self.stats_until - self.stats_from)

    def counts(self, minute: float) -> bool:
        """Whether an event at ``minute`` falls inside the statistics period."""
        return self.stats_from <= minute < self.stats_until
