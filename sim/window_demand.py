"""A window's demand: arrival rates per clock hour, service per demand row, clerks per hour.

Rates are given per opening hour (``per_hour``) or per day (``per_day``, spread over the
opening hours by the window's hourly profile and the open minutes of each clock hour).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.distributions import Sampler
from sim.matter_process import scaled_to_mean
from sim.plans import MatterPlan, scenario_error
from sim.scenarios.schema import Demand, Scenario, Window
from sim.theory import min_servers
from tongban.kernel.hours import OpeningHours

RowKey = tuple[int, str, int]  # matter, mode, service override (object id, 0: none)


class DemandRows:
    """A window's demand rows: arrival rates per (matter, mode, service) and their service."""

    def __init__(self) -> None:
        self.by_key: dict[RowKey, np.ndarray] = {}
        self.service: dict[RowKey, Sampler] = {}

    @property
    def keys(self) -> list[RowKey]:
        """Row keys in the order rows were first added."""
        return list(self.by_key)

    def add(
        self,
        plan: MatterPlan,
        mode: str,
        demand: Demand,
        rates: np.ndarray,
        assist: Sampler | None,
    ) -> None:
        """Add one matter's share of a demand entry (rates per clock hour).

        Service: the entry's ``service_minutes``, else the matter's override, else the
        matter's profile minutes (:mod:`sim.matter_process`) — for an online filing assisted
        at the window (``assist``) with the shape of the assist minutes scaled to that mean.
        """
        key = (plan.index, mode, id(demand.service_minutes) if demand.service_minutes else 0)
        self.by_key[key] = self.by_key.get(key, np.zeros(24)) + rates
        profile = plan.window_service
        if assist is not None:
            profile = scaled_to_mean(assist, profile.mean)
        self.service[key] = demand.service_minutes or plan.service or profile

    def rates(self) -> np.ndarray:
        """Arrivals per hour, (rows, 24)."""
        keys = self.keys
        return np.array([self.by_key[k] for k in keys]) if keys else np.zeros((0, 24))

    def services(self) -> tuple[Sampler, ...]:
        """Service per row."""
        return tuple(self.service[k] for k in self.keys)


def row_rates(
    demand: Demand,
    window: Window,
    hours: OpeningHours,
    weekend: OpeningHours | None,
    path: str,
    window_path: str,
) -> np.ndarray:
    """Arrivals per hour by clock hour (24 values) for one demand entry."""
    open_hours = sorted(set(hours.open_hours()) | set(weekend.open_hours() if weekend else []))
    rates = np.zeros(24)
    if isinstance(demand.per_hour, list):
        if len(demand.per_hour) != len(open_hours):
            raise scenario_error(
                f"{path}.per_hour",
                f"{len(demand.per_hour)} rates given; the window is open in "
                f"{len(open_hours)} clock hours ({open_hours[0]:02d}:00–{open_hours[-1]:02d}:59),"
                " give one rate per opening hour or a single number",
            )
        rates[open_hours] = demand.per_hour
        return rates
    if demand.per_hour is not None:
        rates[open_hours] = demand.per_hour
        return rates
    profile = np.ones(len(open_hours))
    if window.hourly_profile is not None:
        if len(window.hourly_profile) != len(open_hours):
            raise scenario_error(
                f"{window_path}.hourly_profile",
                f"needs {len(open_hours)} values, one per opening hour of {window.id}",
            )
        profile = np.asarray(window.hourly_profile, dtype=float)
    minutes = np.array([hours.open_minutes_in_hour(h) for h in open_hours])
    expected_per_unit = float((profile * minutes / 60.0).sum())
    if expected_per_unit <= 0:
        raise scenario_error(f"{path}.per_day", f"window {window.id} has no weekday opening hours")
    rates[open_hours] = float(demand.per_day or 0.0) * profile / expected_per_unit
    return rates


def clerk_plan(window: Window) -> tuple[int, ...] | None:
    """Clerks per clock hour as the scenario gives them (``None``: ``auto``)."""
    if window.shifts:
        plan = [0] * 24
        for shift in window.shifts:
            start = OpeningHours.from_strings([[shift.start, shift.end]]).intervals[0]
            for hour in range(24):
                if start[0] <= hour * 60.0 < start[1]:
                    plan[hour] += shift.clerks
        return tuple(plan)
    if window.clerks == "auto":
        return None
    if isinstance(window.clerks, list):
        return tuple(window.clerks)
    return (int(window.clerks),) * 24


def auto_clerks(
    scenario: Scenario, rates: np.ndarray, row_service: Sequence[Sampler]
) -> tuple[int, ...]:
    """Fewest clerks per hour meeting the wait target in steady state (M/M/c)."""
    total_by_hour = rates.sum(axis=0) if rates.shape[0] else np.zeros(24)
    mean_service = (
        float(np.average([s.mean for s in row_service], weights=rates.sum(axis=1)))
        if rates.shape[0] and rates.sum() > 0
        else 0.0
    )
    return tuple(
        min_servers(
            total_by_hour[h] / 60.0,
            mean_service,
            scenario.targets.wait_minutes,
            scenario.targets.wait_share,
        )
        for h in range(24)
    )
