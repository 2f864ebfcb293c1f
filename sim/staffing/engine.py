"""The engine's single-window simulation as a :class:`~sim.staffing.evaluate.WindowEvaluator`.

:func:`sim.run.simulate_window` runs one window on its own in the SimPy engine (24 clock
hours, opening hours, several window-days per replication). This adapter — the only one —
maps the staffing question (hourly rates from ``open_hour`` on, the open intervals of an
:class:`~sim.staffing.day.OpenDay`, an hourly plan) onto it, so plans found with the fast
evaluator can be checked in the engine.

Both models are the same queue: the engine also counts clerks rather than modelling them
one by one (a case starts while fewer than the planned number are in service; when the
count drops nobody is interrupted), opens and closes at the same minutes, admits arrivals
only while open and serves everyone already waiting after closing. Estimates use the same
ratio estimator as the staffing evaluator (:func:`~sim.staffing.evaluate.ratio_levels`) on
the engine's per-replication counts; a replication is ``days_per_replication`` window-days.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from sim.staffing.day import MINUTES_PER_HOUR, OpenDay
from sim.staffing.evaluate import HourlyServiceLevels, WaitTarget, ratio_levels
from sim.staffing.service import ServiceSampler
from tongban.kernel.clock import format_clock
from tongban.kernel.errors import InputError

HOURS_PER_DAY = 24


def _clock(minutes: float) -> str:
    if minutes != int(minutes):
        raise InputError("the engine takes opening times in whole minutes", field="hours")
    return format_clock(minutes)


class EngineWindowEvaluator:
    """Evaluate plans in the SimPy engine (``sim.run.simulate_window``)."""

    def __init__(self, open_hour: int = 0, days_per_replication: int = 1) -> None:
        if not 0 <= open_hour < HOURS_PER_DAY:
            raise InputError("open_hour must be 0-23", field="open_hour")
        if days_per_replication < 1:
            raise InputError("days_per_replication must be >= 1", field="days")
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
        day: OpenDay | None = None,
    ) -> HourlyServiceLevels:
        """Per-hour service levels over ``replications × days_per_replication`` window-days."""
        from sim.run import simulate_window  # the engine is optional for the staffing core

        hours = len(rates_per_hour)
        close = self.open_hour + hours
        if hours == 0 or close > HOURS_PER_DAY or len(clerks) != hours:
            raise InputError("plan and rates must cover the same opening hours within a day")
        if replications < 2:
            raise InputError("replications must be >= 2 to give a confidence interval")
        day = day or OpenDay.whole_hours(hours)
        if day.hours != hours:
            raise InputError(f"the open day has {day.hours} hours but the rates have {hours}")
        base = self.open_hour * MINUTES_PER_HOUR
        day_rates = np.zeros(HOURS_PER_DAY)
        day_clerks = np.zeros(HOURS_PER_DAY, dtype=int)
        day_rates[self.open_hour : close] = rates_per_hour
        day_clerks[self.open_hour : close] = clerks
        check = simulate_window(
            day_rates.tolist(),
            [int(c) for c in day_clerks],
            service,  # type: ignore[arg-type]  # engine Sampler: staffing samplers qualify
            target_wait_minutes=target.wait_minutes + 1e-9,
            days=self.days_per_replication,
            replications=replications,
            seed=seed,
            hours=tuple((_clock(base + s), _clock(base + e)) for s, e in day.intervals),
        )
        window = slice(self.open_hour, close)
        levels = ratio_levels(
            np.asarray(check.served_by_rep[:, window], dtype=float),
            np.asarray(check.within_by_rep[:, window], dtype=float),
            np.asarray(check.wait_sum_by_rep[:, window], dtype=float),
        )
        per_day = levels.arrivals_per_day / self.days_per_replication
        return dataclasses.replace(levels, arrivals_per_day=per_day)
