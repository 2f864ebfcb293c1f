"""The staffing stage's ``WindowEvaluator`` protocol implemented on the SimPy window model.

:mod:`sim.staffing.evaluate` searches clerk plans with its own fast evaluator; this adapter
lets it (or a test) verify a plan on the main engine's window process instead: each
replication is one window-day (open ``H`` whole hours from 00:00 of an always-working day),
arrivals Poisson per hour, FIFO, clerks finish the case in hand when the count drops, and
everyone inside at closing is served. Estimates are the same ratio estimators as the
staffing package's (Σ met / Σ arrived with a delta-method standard error).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.run import simulate_window

Z_TWO_SIDED_95 = 1.959963984540054
Z_ONE_SIDED_95 = 1.6448536269514722


class EngineWindowEvaluator:
    """``evaluate(rates_per_hour, service, clerks, target, replications, seed)`` on SimPy."""

    def evaluate(
        self,
        rates_per_hour: Sequence[float],
        service: object,
        clerks: Sequence[int],
        target: object,
        replications: int,
        seed: int | np.random.SeedSequence,
    ) -> object:
        """Per-opening-hour service levels as :class:`sim.staffing.evaluate.HourlyServiceLevels`."""
        from sim.staffing.evaluate import HourlyServiceLevels

        hours = len(rates_per_hour)
        if hours == 0 or hours > 24 or len(clerks) != hours:
            raise ValueError("rates_per_hour and clerks need the same 1–24 opening hours")
        if replications < 2:
            raise ValueError("replications must be >= 2 to give a confidence interval")
        rates = list(rates_per_hour) + [0.0] * (24 - hours)
        plan = [int(c) for c in clerks] + [0] * (24 - hours)
        check = simulate_window(
            rates,
            plan,
            service,  # type: ignore[arg-type]
            target_wait_minutes=float(target.wait_minutes) + 1e-9,  # type: ignore[attr-defined]
            days=1,
            replications=replications,
            seed=seed,
            hours=(("00:00", f"{hours:02d}:00"),),
        )
        arrived = check.served_by_rep[:, :hours]
        met = check.within_by_rep[:, :hours]
        wait_sum = check.wait_sum_by_rep[:, :hours]
        total = arrived.sum(axis=0)
        safe_total = np.where(total > 0, total, 1.0)
        level = np.where(total > 0, met.sum(axis=0) / safe_total, 1.0)
        mean_arrived = np.where(total > 0, arrived.mean(axis=0), 1.0)
        residual = met - level[None, :] * arrived
        stderr = np.sqrt((residual**2).sum(axis=0) / (replications * (replications - 1)))
        stderr = stderr / mean_arrived
        return HourlyServiceLevels(
            service_level=level,
            ci95=Z_TWO_SIDED_95 * stderr,
            lower_bound=level - Z_ONE_SIDED_95 * stderr,
            arrivals_per_day=arrived.mean(axis=0),
            mean_wait_minutes=np.where(total > 0, wait_sum.sum(axis=0) / safe_total, 0.0),
            replications=replications,
        )
