"""Cases accepted at windows elsewhere (another province) for our staffed offices.

The whole replication's inbound arrivals are drawn before the run from one stream (Poisson
counts per working day, their moments and matters), so a partition of the decomposed run
(:mod:`sim.decomposed`) can take its offices' share; each case then draws from its own
streams like any other (:mod:`sim.flow`).
"""

from __future__ import annotations

import math

import numpy as np

from sim.arrivals import demand_factor
from sim.plans import CompiledScenario
from sim.records import inbound_case_id
from tongban.kernel.hours import MINUTES_PER_DAY

Inbound = tuple[float, int, int]  # (minute, case id, index into compiled.inbound)


def inbound_schedule(compiled: CompiledScenario, rng: np.random.Generator) -> list[Inbound]:
    """Cases accepted at windows elsewhere on working days, bound for our offices, in order
    of their minute (module docstring)."""
    plans, days = compiled.inbound, compiled.scenario.days
    entries: list[Inbound] = []
    if not plans:
        return entries
    timetable = compiled.flow_timetable
    rates = np.array([p.per_day for p in plans])
    seasonality = compiled.scenario.seasonality
    for day in range(math.ceil(days)):
        intervals = timetable.intervals_on(day)
        if not intervals:
            continue
        factor = demand_factor(timetable.calendar, day, seasonality.weekday, seasonality.month)
        counts = rng.poisson(rates * factor)
        total = int(counts.sum())
        if total == 0:
            continue
        lengths = np.array([end - start for start, end in intervals])
        offsets = np.sort(rng.random(total)) * lengths.sum()
        which = np.repeat(np.arange(len(plans)), counts)
        rng.shuffle(which)
        for offset, row in zip(offsets.tolist(), which.tolist(), strict=True):
            time = intervals[0][0]
            for (start, _), length in zip(intervals, lengths.tolist(), strict=True):
                if offset <= length:
                    time = start + offset
                    break
                offset -= length
            if time >= days * MINUTES_PER_DAY:
                return entries
            entries.append((time, inbound_case_id(len(entries) + 1), row))
    return entries
