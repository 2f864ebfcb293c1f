"""Adapter: the main engine's single-window simulation as a :class:`WindowEvaluator`.

:func:`sim.run.simulate_window` runs one window on its own in the SimPy engine (24 clock
hours, opening hours, several window-days per replication). This adapter maps the staffing
question (hourly rates from ``open_hour`` on, an hourly plan) onto it so plans found with
the fast evaluator can be cross-checked in the engine.

One semantic difference, on purpose: in the engine a clerk is a person — when the count
drops, the clerks with the highest numbers go off duty after the case in hand while the
others keep taking cases. The staffing evaluator lets new cases start only while fewer than
the planned number are in service, so during the few minutes after a drop it never has
more capacity than the engine. Plans verified by the staffing evaluator are therefore
conservative for the engine; with a constant plan the two models coincide.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from sim.staffing.evaluate import Z_ONE_SIDED_95, Z_TWO_SIDED_95, HourlyServiceLevels, WaitTarget
from sim.staffing.service import ServiceSampler
from tongban.errors import InputError

HOURS_PER_DAY = 24


class EngineWindowEvaluator:
    """Evaluate plans in the SimPy engine (``sim.run.simulate_window``)."""

    def __init__(self, open_hour: int = 9, days_per_replication: int = 10) -> None:
        if not 0 <= open_hour < HOURS_PER_DAY:
            raise InputError("open_hour must be 0-23", field="open_hour")
        self.open_hour = open_hour
        self.days_per_replication = days_per_replication

    def evaluate(
        self,
        rates_per_hour: Sequence[float],
        service: ServiceSampler,
        clerks: Sequence[int],
        target: WaitTarget,
        replications: int,
        seed: int | np.random.SeedSequence,
    ) -> HourlyServiceLevels:
        """Per-hour service levels over ``replications × days_per_replication`` window-days."""
        from sim.run import simulate_window  # the engine is optional for the staffing core

        hours = len(rates_per_hour)
        close = self.open_hour + hours
        if close > HOURS_PER_DAY or len(clerks) != hours:
            raise InputError("plan and rates must cover the same opening hours within a day")
        day_rates = np.zeros(HOURS_PER_DAY)
        day_clerks = np.zeros(HOURS_PER_DAY, dtype=int)
        day_rates[self.open_hour : close] = rates_per_hour
        day_clerks[self.open_hour : close] = clerks
        check = simulate_window(
            day_rates.tolist(),
            [int(c) for c in day_clerks],
            cast(Any, service),  # simulate_window adapts sample(rng, size) samplers
            target_wait_minutes=target.wait_minutes,
            days=self.days_per_replication,
            replications=replications,
            seed=seed,
            hours=((f"{self.open_hour:02d}:00", f"{close:02d}:00"),),
        )
        window = slice(self.open_hour, close)
        level = np.nan_to_num(np.asarray(check.service_level[window], dtype=float), nan=1.0)
        ci95 = np.nan_to_num(np.asarray(check.service_level_ci95[window], dtype=float), nan=0.0)
        return HourlyServiceLevels(
            service_level=level,
            ci95=ci95,
            lower_bound=level - ci95 * (Z_ONE_SIDED_95 / Z_TWO_SIDED_95),
            arrivals_per_day=np.asarray(check.arrivals_per_day[window], dtype=float),
            mean_wait_minutes=np.full(hours, np.nan),
            replications=replications,
        )
