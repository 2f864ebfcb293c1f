"""Turn a validated :class:`~sim.scenarios.schema.Scenario` into the records the engine runs.

:func:`compile_scenario` first checks cross-references (unknown window, office or matter;
rates given per opening hour of the right length; clerks 0 while demand arrives) with errors
that name the field path and the allowed values, then builds the records of
:mod:`sim.plans`: one per matter, window, office and inbound stream, the timetables (built
once, shared by every replication) and the statistics period.

Each matter carries its process profile (:mod:`sim.matter_process` says how the profile and
the scenario's overrides combine). A ``matter = "*"`` demand entry is split by the scenario
weight × the profile's ``demand_weight`` at the window's level (township → county, no level →
prefecture), so a matter with weight 0 at a county hall (province-level specialist matters)
never arrives there; an inbound ``"*"`` entry likewise at the deciding office's level, and
only for matters our office decides for an applicant elsewhere (:func:`_inbound_plans`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.arrivals import ArrivalGenerator
from sim.calendar import CalendarKind, Timetable, WorkCalendar
from sim.catalog import MatterFacts, locality_matter_ids, national_matters
from sim.matter_process import hall_level, matter_plan
from sim.models.visits import VisitPlan
from sim.period import StatsPeriod
from sim.plans import (
    CompiledScenario,
    InboundPlan,
    MatterPlan,
    OfficePlan,
    WindowPlan,
    check_clerks,
)
from sim.plans import scenario_error as _fail
from sim.profiles import ProcessProfile, load_profiles
from sim.scenarios.schema import Scenario, Window
from sim.window_demand import DemandRows, auto_clerks, clerk_plan, row_rates
from tongban.kernel.hours import MINUTES_PER_DAY, OpeningHours
from tongban.kernel.pickups import PickupSchedule

__all__ = [
    "CompiledScenario",
    "InboundPlan",
    "MatterPlan",
    "OfficePlan",
    "WindowPlan",
    "compile_scenario",
    "scenario_calendar",
]

LevelOf = Callable[[MatterPlan], str]  # the hall level whose demand weight applies

DEFAULT_OFFICE_HOURS = (("09:00", "12:00"), ("13:30", "17:00"))  # flow without [[offices]]


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Check cross-references and build the engine's records.

    Plans from upstream stages are applied to the result:
    :meth:`CompiledScenario.with_pickups` (the routing plan) and
    :meth:`CompiledScenario.with_clerk_plans` (the staffing plan).
    """
    catalog = national_matters()
    _check_references(scenario, catalog)
    context = _Context.of(scenario, catalog)
    calendars = _Calendars(scenario)
    matters = context.matters
    windows = tuple(
        _window_plan(context, calendars, index, window)
        for index, window in enumerate(scenario.windows)
    )
    return CompiledScenario(
        scenario=scenario,
        matters=matters,
        windows=windows,
        from_windows=_window_office_streams(scenario, matters, windows),
        inbound=_inbound_plans(context),
        pickups=_pickup_schedule(scenario),
        offices=tuple(
            OfficePlan(i, spec, calendars.timetable(spec.calendar, spec.hours))
            for i, spec in enumerate(scenario.offices)
        ),
        flow_timetable=calendars.flow_timetable(),
        turnaround_calendar=calendars.turnaround,
        period=StatsPeriod.of_days(
            scenario.days,
            scenario.warmup_days,
            scenario.drain_days,
            scenario.targets.wait_minutes,
        ),
    )


# -- checks ----------------------------------------------------------------------------------


def _check_references(scenario: Scenario, catalog: Mapping[str, MatterFacts]) -> None:
    """Every window, office and matter a scenario names exists."""
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


def _check_matter(path: str, matter: str, known: Mapping[str, MatterFacts]) -> None:
    if matter != "*" and matter not in known:
        sample = ", ".join(list(known)[:3])
        raise _fail(path, f"unknown matter {matter!r}; allowed: '*' or a catalog id ({sample}, …)")


def _mode(scenario: Scenario, facts: MatterFacts, override: str | None, path: str) -> str:
    settings = scenario.matters.get(facts.id)
    mode = override or (settings.mode if settings else None)
    geographic = scenario.locality is not None or scenario.national is not None
    if mode is None:
        return facts.default_mode if geographic else "counter"
    if geographic and mode not in (*facts.modes, "counter"):
        allowed = ", ".join((*facts.modes, "counter"))
        raise _fail(path, f"mode {mode!r} is not offered for {facts.id}; allowed: {allowed}")
    return mode


# -- matters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What every builder needs: the scenario, the catalog and the simulated matters."""

    scenario: Scenario
    catalog: Mapping[str, MatterFacts]
    matters: tuple[MatterPlan, ...]
    index_of: Mapping[str, int]
    weights: np.ndarray  # demand split between matters of a "*" entry

    @classmethod
    def of(cls, scenario: Scenario, catalog: Mapping[str, MatterFacts]) -> _Context:
        ids = _matter_ids(scenario, catalog)
        weights = np.array(
            [scenario.matters[m].weight if m in scenario.matters else 1.0 for m in ids],
            dtype=float,
        )
        profiles = load_profiles()
        matters = tuple(
            _matter_plan(scenario, catalog[m], profiles[m], i) for i, m in enumerate(ids)
        )
        return cls(scenario, catalog, matters, {m: i for i, m in enumerate(ids)}, weights)

    def targets(self, matter: str) -> list[str]:
        """Matter ids a demand or inbound entry names (``*``: every simulated matter)."""
        return [m.id for m in self.matters] if matter == "*" else [matter]

    def shares(self, targets: Sequence[str], level_of: LevelOf | None) -> np.ndarray:
        """The targets' weights (not normalised); with hall levels, × the profile's weight."""
        base = self.weights[[self.index_of[m] for m in targets]]
        if level_of is None:
            return base
        plans = [self.plan(m) for m in targets]
        profile_weight = np.asarray([p.demand_weight.at(level_of(p)) for p in plans])
        weighted: np.ndarray = base * profile_weight
        return weighted

    def plan(self, matter_id: str) -> MatterPlan:
        """The simulated matter of an id."""
        return self.matters[self.index_of[matter_id]]

    def split(
        self,
        targets: Sequence[str],
        mode: str | None,
        path: str,
        level_of: LevelOf | None = None,
    ) -> Iterator[tuple[MatterPlan, str, float]]:
        """Each target matter with its mode and its share of an entry.

        A single named matter takes the whole entry. Several (``matter = "*"``) share it by
        the scenario weight × the profile's demand weight at the hall level ``level_of``
        gives for the matter (a matter with weight 0 at that level never arrives there).
        """
        if not targets:
            return
        share = self.shares(targets, level_of if len(targets) > 1 else None)
        if share.sum() > 0:
            share = share / share.sum()
        for matter_id, fraction in zip(targets, share, strict=True):
            if fraction <= 0:
                continue
            facts = self.catalog[matter_id]
            plan = self.matters[self.index_of[matter_id]]
            yield plan, _mode(self.scenario, facts, mode, f"{path}.mode"), fraction


def _matter_ids(scenario: Scenario, catalog: Mapping[str, MatterFacts]) -> list[str]:
    referenced = [d.matter for d in scenario.demand] + [i.matter for i in scenario.inbound]
    if scenario.locality is not None:
        base = list(locality_matter_ids(scenario.locality))
    elif "*" in referenced:
        base = list(catalog)
    else:
        base = []
    wanted = set(base) | {m for m in referenced if m != "*"}
    return [m for m in catalog if m in wanted]


def _matter_plan(
    scenario: Scenario, facts: MatterFacts, profile: ProcessProfile, index: int
) -> MatterPlan:
    mode = _mode(scenario, facts, None, f"matters.{facts.id}.mode")
    return matter_plan(scenario, facts, profile, index, mode)


# -- calendars and timetables ----------------------------------------------------------------


def scenario_calendar(scenario: Scenario, kind: str | None = None) -> WorkCalendar:
    """The working-day calendar of a scenario (``always`` if every window is always open)."""
    if kind is None:
        kind = "always" if all(w.calendar == "always" for w in scenario.windows) else "cn-workdays"
    return WorkCalendar(
        kind,  # type: ignore[arg-type]
        scenario.start_date,
        frozenset(scenario.calendar.extra_holidays),
        frozenset(scenario.calendar.extra_workdays),
    )


class _Calendars:
    """One working-day calendar per kind, shared by the timetables built on it."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.turnaround = scenario_calendar(scenario)
        self._by_kind: dict[str, WorkCalendar] = {}

    def of_kind(self, kind: CalendarKind) -> WorkCalendar:
        if kind not in self._by_kind:
            self._by_kind[kind] = scenario_calendar(self.scenario, kind)
        return self._by_kind[kind]

    def timetable(self, kind: CalendarKind, hours: Sequence[Sequence[str]]) -> Timetable:
        return Timetable(self.of_kind(kind), OpeningHours.from_strings(hours))

    def flow_timetable(self) -> Timetable:
        """Office hours after the window: the first office's (all day if windows never close)."""
        if self.turnaround.kind == "always":
            return Timetable(self.of_kind("always"), OpeningHours(((0.0, MINUTES_PER_DAY),)))
        offices = self.scenario.offices
        return self.timetable("cn-workdays", offices[0].hours if offices else DEFAULT_OFFICE_HOURS)


# -- windows ---------------------------------------------------------------------------------


def _window_plan(
    context: _Context, calendars: _Calendars, index: int, window: Window
) -> WindowPlan:
    scenario = context.scenario
    path = f"windows.{index}"
    hours = OpeningHours.from_strings(window.hours)
    weekend = OpeningHours.from_strings(window.weekend_hours) if window.weekend_hours else None
    assist = scenario.process.window.assist_minutes
    rows = DemandRows()
    for d_index, demand in enumerate(scenario.demand):
        if demand.window != window.id:
            continue
        base = row_rates(demand, window, hours, weekend, f"demand.{d_index}", path)
        targets = context.targets(demand.matter)
        level = hall_level(window.level)
        for plan, mode, fraction in context.split(
            targets, demand.mode, f"demand.{d_index}", _at_level(level)
        ):
            rows.add(plan, mode, demand, base * fraction, assist if mode == "online" else None)
    rates = rows.rates()
    row_service = rows.services()
    clerks = clerk_plan(window)
    if clerks is None:
        clerks = auto_clerks(scenario, rates, row_service)
    check_clerks(rates, clerks, path)
    timetable = Timetable(calendars.of_kind(window.calendar), hours, weekend)
    row_matter = tuple(k[0] for k in rows.keys)
    seasonality = scenario.seasonality
    process = scenario.process.window
    return WindowPlan(
        index=index,
        spec=window,
        hours=hours,
        weekend_hours=weekend,
        clerks=clerks,
        rates=rates,
        row_matter=row_matter,
        row_mode=tuple(k[1] for k in rows.keys),
        row_service=row_service,
        timetable=timetable,
        arrivals=ArrivalGenerator(
            timetable,
            rates,
            np.asarray(seasonality.weekday, dtype=float),
            np.asarray(seasonality.month, dtype=float),
        ),
        visits=VisitPlan(
            [context.matters[m].incomplete_share for m in row_matter],
            process.max_visits,
            process.return_after_days,
            row_service,
        ),
    )


# -- inbound and pickups ---------------------------------------------------------------------


def _inbound_plans(context: _Context) -> tuple[InboundPlan, ...]:
    """Cases accepted elsewhere for our offices.

    A ``matter = "*"`` entry brings only the matters our office decides for an applicant who
    applied elsewhere: those decided by the home office (``decided_by = "home"``) and the
    joint (多地联办) transfers whose transfer-in office is ours (class ``transfer``, ``local``,
    with a joint mode);
    matters decided where the applicant is (``local``, ``any``, ``window``) never arrive. The
    entry is split by the scenario weight × the profile's demand weight at the level of the
    office that decides (``auto``: the matter's handling level; a named office: its first
    level, prefecture when it has none). A named matter is the scenario's explicit choice and
    is kept as given.
    """
    scenario, catalog = context.scenario, context.catalog
    office_ids = [o.id for o in scenario.offices]
    by_level = {lv: k for k, o in enumerate(scenario.offices) for lv in o.levels}
    plans = []
    for i, entry in enumerate(scenario.inbound):
        targets = context.targets(entry.matter)
        if entry.matter == "*":
            targets = [
                m
                for m in targets
                if context.plan(m).works_cases_from_elsewhere("joint" in catalog[m].modes)
            ]
        if entry.office == "auto":  # matters decided outside the locality are not inbound here
            targets = [m for m in targets if catalog[m].handling_level in by_level]
            level_of: LevelOf = _handling_level
        else:
            levels = scenario.offices[office_ids.index(entry.office)].levels
            office_level = hall_level(levels[0] if levels else None)
            level_of = _at_level(office_level)
        for plan, mode, fraction in context.split(targets, entry.mode, f"inbound.{i}", level_of):
            office_index = (
                by_level[plan.handling_level]
                if entry.office == "auto"
                else office_ids.index(entry.office)
            )
            plans.append(
                InboundPlan(
                    office_index,
                    plan.index,
                    "online" if mode == "counter" else mode,
                    entry.per_day * float(fraction),
                )
            )
    return tuple(plans)


def _at_level(level: str) -> LevelOf:
    """Every matter at one hall level."""

    def level_of(_plan: MatterPlan) -> str:
        return level

    return level_of


def _handling_level(plan: MatterPlan) -> str:
    return plan.handling_level


def _window_office_streams(
    scenario: Scenario, matters: Sequence[MatterPlan], windows: Sequence[WindowPlan]
) -> tuple[InboundPlan, ...]:
    """Cases per working day our windows send to our staffed offices (same rule as the flow)."""
    by_level = {lv: k for k, o in enumerate(scenario.offices) for lv in o.levels}
    streams = []
    for window in windows:
        minutes = np.array([window.hours.open_minutes_in_hour(h) for h in range(24)])
        for row, (matter, mode) in enumerate(zip(window.row_matter, window.row_mode, strict=True)):
            plan = matters[matter]
            office = by_level.get(plan.handling_level)
            if office is None or not plan.decided_by_locality_office(mode):
                continue
            per_day = float((window.rates[row] * minutes).sum()) / 60.0
            streams.append(InboundPlan(office, matter, mode, per_day))
    return tuple(streams)


def _pickup_schedule(scenario: Scenario) -> PickupSchedule:
    return PickupSchedule.from_clock_strings(
        scenario.process.separation.pickup_times,
        {w.id: w.pickup_times for w in scenario.windows if w.pickup_times},
    )
