"""Turn a validated :class:`~sim.scenarios.schema.Scenario` into arrays the engine runs.

This is where cross-references are checked (unknown window, office or matter; rates given
per opening hour of the right length; clerks 0 while demand arrives) with errors that name
the field path and the allowed values.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.catalog import MatterFacts, locality_matter_ids, national_matters
from sim.distributions import Distribution, Sampler
from sim.scenarios.schema import Demand, Scenario, Window
from sim.theory import min_servers
from tongban.kernel.errors import InputError
from tongban.kernel.hours import OpeningHours
from tongban.kernel.pickups import PickupSchedule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MatterPlan:
    """One matter as simulated: catalog facts plus the scenario's choices."""

    index: int
    id: str
    name: str
    mode: str
    originals_by_post: bool
    result_delivery: str
    handling_level: str
    limit_working_days: int
    service: Sampler | None  # per-matter window service override
    review: Distribution
    incomplete_share: float


@dataclass(frozen=True)
class WindowPlan:
    """One window: hours, clerks per clock hour, arrival rates per (matter row, hour)."""

    index: int
    spec: Window
    hours: OpeningHours
    weekend_hours: OpeningHours | None
    clerks: tuple[int, ...]  # 24 values
    rates: np.ndarray  # (rows, 24) arrivals per hour
    row_matter: tuple[int, ...]
    row_mode: tuple[str, ...]
    row_service: tuple[Sampler, ...]


@dataclass(frozen=True)
class InboundPlan:
    """Cases accepted elsewhere for one (office, matter)."""

    office: int
    matter: int
    mode: str
    per_day: float


@dataclass(frozen=True)
class CompiledScenario:
    """Everything the engine needs, checked."""

    scenario: Scenario
    matters: tuple[MatterPlan, ...]
    windows: tuple[WindowPlan, ...]
    inbound: tuple[InboundPlan, ...]
    pickups: PickupSchedule

    def with_pickups(self, pickups: PickupSchedule) -> CompiledScenario:
        """The same scenario with another pickup schedule (e.g. the routing plan's)."""
        return dataclasses.replace(self, pickups=pickups)

    def with_clerk_plans(self, clerk_plans: Mapping[str, Sequence[int]]) -> CompiledScenario:
        """The same scenario with 24-value clerk plans for some windows (e.g. staffing's)."""
        known = {w.spec.id for w in self.windows}
        unknown = sorted(set(clerk_plans) - known)
        if unknown:
            raise InputError(f"clerk plans for unknown windows {unknown}", field="clerk_plans")
        windows = []
        for plan in self.windows:
            if plan.spec.id not in clerk_plans:
                windows.append(plan)
                continue
            clerks = tuple(int(c) for c in clerk_plans[plan.spec.id])
            if len(clerks) != 24:
                raise InputError(
                    f"clerk plan for {plan.spec.id} needs 24 values (clock hours 00–23)",
                    field="clerk_plans",
                )
            _check_clerks(plan.rates, clerks, f"windows.{plan.index}")
            windows.append(dataclasses.replace(plan, clerks=clerks))
        return dataclasses.replace(self, windows=tuple(windows))


def _fail(path: str, message: str) -> InputError:
    return InputError(f"invalid scenario: {path}: {message}", field=path)


def _matter_ids(scenario: Scenario) -> list[str]:
    catalog = national_matters()
    referenced = [d.matter for d in scenario.demand] + [i.matter for i in scenario.inbound]
    if scenario.locality is not None:
        base = list(locality_matter_ids(scenario.locality))
    elif "*" in referenced:
        base = list(catalog)
    else:
        base = []
    wanted = set(base) | {m for m in referenced if m != "*"}
    return [m for m in catalog if m in wanted]


def _check_matter(path: str, matter: str, known: Mapping[str, MatterFacts]) -> None:
    if matter != "*" and matter not in known:
        sample = ", ".join(list(known)[:3])
        raise _fail(path, f"unknown matter {matter!r}; allowed: '*' or a catalog id ({sample}, …)")


def _mode(scenario: Scenario, facts: MatterFacts, override: str | None, path: str) -> str:
    settings = scenario.matters.get(facts.id)
    mode = override or (settings.mode if settings else None)
    if mode is None:
        return facts.default_mode if scenario.locality else "counter"
    if scenario.locality and mode not in (*facts.modes, "counter"):
        allowed = ", ".join((*facts.modes, "counter"))
        raise _fail(path, f"mode {mode!r} is not offered for {facts.id}; allowed: {allowed}")
    return mode


def _clerk_plan(window: Window, path: str) -> tuple[int, ...] | None:
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


def _row_rates(
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
            raise _fail(
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
            raise _fail(
                f"{window_path}.hourly_profile",
                f"needs {len(open_hours)} values, one per opening hour of {window.id}",
            )
        profile = np.asarray(window.hourly_profile, dtype=float)
    minutes = np.array(
        [
            sum(max(0.0, min(e, h * 60 + 60) - max(s, h * 60)) for s, e in hours.intervals)
            for h in open_hours
        ]
    )
    expected_per_unit = float((profile * minutes / 60.0).sum())
    if expected_per_unit <= 0:
        raise _fail(f"{path}.per_day", f"window {window.id} has no weekday opening hours")
    rates[open_hours] = float(demand.per_day or 0.0) * profile / expected_per_unit
    return rates


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Check cross-references and build the engine's tables.

    Plans from upstream stages are applied to the result:
    :meth:`CompiledScenario.with_pickups` (the routing plan) and
    :meth:`CompiledScenario.with_clerk_plans` (the staffing plan).
    """
    catalog = national_matters()
    window_ids = [w.id for w in scenario.windows]
    office_ids = [o.id for o in scenario.offices]
    for i, d in enumerate(scenario.demand):
        if d.window not in window_ids:
            raise _fail(
                f"demand.{i}.window",
                f"unknown window {d.window!r}; allowed: {', '.join(window_ids)}",
            )
        _check_matter(f"demand.{i}.matter", d.matter, catalog)
    for i, entry in enumerate(scenario.inbound):
        if entry.office not in office_ids and not (entry.office == "auto" and office_ids):
            allowed = ", ".join(["auto", *office_ids]) if office_ids else "(no [[offices]] defined)"
            raise _fail(
                f"inbound.{i}.office", f"unknown office {entry.office!r}; allowed: {allowed}"
            )
        _check_matter(f"inbound.{i}.matter", entry.matter, catalog)
    for key in scenario.matters:
        _check_matter(f"matters.{key}", key, catalog)

    ids = _matter_ids(scenario)
    index_of = {m: i for i, m in enumerate(ids)}
    matters = []
    for i, matter_id in enumerate(ids):
        facts = catalog[matter_id]
        settings = scenario.matters.get(matter_id)
        limit = facts.limit_working_days
        if settings and settings.limit_working_days is not None:
            limit = settings.limit_working_days
        incomplete = scenario.process.window.incomplete_share
        if settings and settings.incomplete_share is not None:
            incomplete = settings.incomplete_share
        matters.append(
            MatterPlan(
                index=i,
                id=matter_id,
                name=facts.name,
                mode=_mode(scenario, facts, None, f"matters.{matter_id}.mode"),
                originals_by_post=facts.originals_by_post,
                result_delivery=facts.result_delivery,
                handling_level=facts.handling_level,
                limit_working_days=limit,
                service=settings.service_minutes if settings else None,
                review=(settings.review_minutes if settings and settings.review_minutes else None)
                or scenario.process.office.review_minutes,
                incomplete_share=incomplete,
            )
        )
    weights = np.array(
        [scenario.matters[m].weight if m in scenario.matters else 1.0 for m in ids], dtype=float
    )
    default_service = scenario.process.window.service_minutes
    windows = []
    for w_index, window in enumerate(scenario.windows):
        path = f"windows.{w_index}"
        hours = OpeningHours.from_strings(window.hours)
        weekend = OpeningHours.from_strings(window.weekend_hours) if window.weekend_hours else None
        rows: dict[tuple[int, str, int], np.ndarray] = {}
        services: dict[tuple[int, str, int], Sampler | None] = {}
        for d_index, demand in enumerate(scenario.demand):
            if demand.window != window.id:
                continue
            base = _row_rates(demand, window, hours, weekend, f"demand.{d_index}", path)
            targets = ids if demand.matter == "*" else [demand.matter]
            share = weights[[index_of[m] for m in targets]]
            if share.sum() <= 0:
                continue
            share = share / share.sum()
            for matter_id, fraction in zip(targets, share, strict=True):
                if fraction <= 0:
                    continue
                plan = matters[index_of[matter_id]]
                mode = _mode(scenario, catalog[matter_id], demand.mode, f"demand.{d_index}.mode")
                row_key = (
                    plan.index,
                    mode,
                    id(demand.service_minutes) if demand.service_minutes else 0,
                )
                rows[row_key] = rows.get(row_key, np.zeros(24)) + base * fraction
                assist = scenario.process.window.assist_minutes if mode == "online" else None
                services[row_key] = demand.service_minutes or plan.service or assist
        keys = list(rows)
        rate_table = np.array([rows[k] for k in keys]) if keys else np.zeros((0, 24))
        plan_clerks = _clerk_plan(window, path)
        total_by_hour = rate_table.sum(axis=0) if keys else np.zeros(24)
        row_service = tuple(services[k] or (_sum_service(default_service, scenario)) for k in keys)
        if plan_clerks is None:
            mean_service = (
                float(np.average([s.mean for s in row_service], weights=rate_table.sum(axis=1)))
                if keys and rate_table.sum() > 0
                else 0.0
            )
            plan_clerks = tuple(
                min_servers(
                    total_by_hour[h] / 60.0,
                    mean_service,
                    scenario.targets.wait_minutes,
                    scenario.targets.wait_share,
                )
                for h in range(24)
            )
        _check_clerks(rate_table, plan_clerks, path)
        windows.append(
            WindowPlan(
                index=w_index,
                spec=window,
                hours=hours,
                weekend_hours=weekend,
                clerks=plan_clerks,
                rates=rate_table,
                row_matter=tuple(k[0] for k in keys),
                row_mode=tuple(k[1] for k in keys),
                row_service=row_service,
            )
        )
    inbound = []
    for i, entry in enumerate(scenario.inbound):
        by_level = {lv: k for k, o in enumerate(scenario.offices) for lv in o.levels}
        targets = ids if entry.matter == "*" else [entry.matter]
        if entry.office == "auto":  # matters decided outside the locality are not inbound here
            targets = [m for m in targets if catalog[m].handling_level in by_level]
        if not targets:
            continue
        share = weights[[index_of[m] for m in targets]]
        share = share / share.sum() if share.sum() > 0 else share
        for matter_id, fraction in zip(targets, share, strict=True):
            if fraction <= 0:
                continue
            if entry.office == "auto":
                level = catalog[matter_id].handling_level
                if level not in by_level:
                    continue  # decided by an office outside this locality
                office_index = by_level[level]
            else:
                office_index = office_ids.index(entry.office)
            mode = _mode(scenario, catalog[matter_id], entry.mode, f"inbound.{i}.mode")
            inbound.append(
                InboundPlan(
                    office_index,
                    index_of[matter_id],
                    "online" if mode == "counter" else mode,
                    entry.per_day * float(fraction),
                )
            )
    schedule = PickupSchedule.from_clock_strings(
        scenario.process.separation.pickup_times,
        {w.id: w.pickup_times for w in scenario.windows if w.pickup_times},
    )
    return CompiledScenario(scenario, tuple(matters), tuple(windows), tuple(inbound), schedule)


def _check_clerks(rates: np.ndarray, clerks: Sequence[int], path: str) -> None:
    """No opening hour with demand may have 0 clerks."""
    total_by_hour = rates.sum(axis=0) if rates.shape[0] else np.zeros(24)
    for hour in range(24):
        if total_by_hour[hour] > 0 and clerks[hour] == 0:
            raise _fail(
                f"{path}.clerks",
                f"0 clerks at {hour:02d}:00 while {total_by_hour[hour]:.2f} applicants/h "
                "arrive; give at least 1 clerk in every opening hour with demand, or 'auto'",
            )


def _sum_service(default: Distribution, scenario: Scenario) -> Sampler:
    """Default window service: formal review plus identity verification (as one draw)."""
    return _Sum(default, scenario.process.window.identity_minutes)


class _Sum:
    """The sum of two independent distributions (same ``sample``/``mean`` interface)."""

    def __init__(self, first: Distribution, second: Distribution) -> None:
        self.first = first
        self.second = second

    @property
    def mean(self) -> float:
        return self.first.mean + self.second.mean

    def sample(self, rng: np.random.Generator) -> float:
        return self.first.sample(rng) + self.second.sample(rng)

    def sample_many(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.first.sample_many(rng, size) + self.second.sample_many(rng, size)
