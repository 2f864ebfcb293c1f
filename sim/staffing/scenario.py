"""Map a compiled scenario onto the staffing core (``tongban staff SCENARIO``, ``tongban run``).

Windows with ``clerks = "auto"`` (or every window, on request) become
:class:`~sim.staffing.plan.WindowDayDemand` items, one per day type the window opens on:

- the day runs from the first to the last clock hour the window is open; clock hours with
  no opening at all (12:00–13:00 of a 12:00–13:30 lunch closure) are closed hours, which
  split the day into blocks staffed separately (the engine also drains the queue at
  closing);
- the open intervals go to the staffing evaluator at minute resolution, exactly as the
  engine's timetable has them: a partly open hour (13:00 of ``["13:30", "17:00"]``) gets
  arrivals only from 13:30, at the hour's full rate (:mod:`sim.staffing.day`);
- applicants come back — papers incomplete, or for the result (a second visit, e.g. 离婚证):
  a matter's arrivals are scaled by its ``window_visits_per_case`` (return visits assumed to
  follow the same hourly pattern);
- the window's service time is the mixture of its demand rows' service distributions
  weighted by their arrivals that day;
- day types follow the engine: ``workday`` (5 per week; 7 for ``calendar = "always"``) and
  ``restday`` (2 per week) when ``weekend_hours`` are given.

Handling offices get their inbound cases per working day, the case-weighted review-effort
mixture (converted to hours), the shortest statutory limit among their matters
(conservative) and their opening minutes per day as review hours.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from sim.staffing.attribution import MatterReviewLoad, MatterWindowLoad, matter_staffing
from sim.staffing.evaluate import WaitTarget, WindowEvaluator
from sim.staffing.office import OfficeDemand, OfficeSettings, staff_office
from sim.staffing.plan import StaffingReport, WindowDayDemand, staff_all
from sim.staffing.search import StaffingSettings
from sim.staffing.service import mixture
from tongban.kernel.hours import OpeningHours

if TYPE_CHECKING:
    from sim.plans import CompiledScenario, InboundPlan, WindowPlan

WORKDAYS_PER_WEEK = 5.0
RESTDAYS_PER_WEEK = 2.0


def window_demands(compiled: CompiledScenario, *, only_auto: bool = True) -> list[WindowDayDemand]:
    """Window-day demands, one per day type a window opens on (``auto`` windows only, or all)."""
    demands = []
    for plan in compiled.windows:
        if only_auto and plan.spec.clerks != "auto":
            continue
        for day_type, hours, per_week in _day_types(plan):
            if plan.rates.shape[0] == 0 or not hours.open_hours():
                continue
            demands.append(_window_day(compiled, plan, day_type, hours, per_week))
    return demands


def _day_types(plan: WindowPlan) -> list[tuple[str, OpeningHours, float]]:
    """(day type, opening hours, days per week) the window opens on, as the engine runs it."""
    always = plan.spec.calendar == "always"
    day_types = [("workday", plan.hours, 7.0 if always else WORKDAYS_PER_WEEK)]
    if plan.weekend_hours is not None and not always:
        day_types.append(("restday", plan.weekend_hours, RESTDAYS_PER_WEEK))
    return day_types


def _window_day(
    compiled: CompiledScenario,
    plan: WindowPlan,
    day_type: str,
    hours: OpeningHours,
    per_week: float,
) -> WindowDayDemand:
    open_minutes = np.array(hours.open_minutes_by_hour())
    open_hours = hours.open_hours()
    first, last = min(open_hours), max(open_hours) + 1
    fraction = open_minutes[first:last] / 60.0
    # Incomplete applications come back: each first visit brings 1 + share visits.
    visits = np.array([compiled.matters[m].window_visits_per_case for m in plan.row_matter])
    # Rates while open (the engine's), zero in hours with no open minute.
    row_rates = plan.rates[:, first:last] * (fraction > 0)[None, :] * visits[:, None]
    expected = row_rates * fraction[None, :]  # arrivals per clock hour, for attribution
    matters = tuple(
        MatterWindowLoad(
            matter_id=compiled.matters[plan.row_matter[r]].id,
            window_id=plan.spec.id,
            day_type=day_type,
            rates_per_hour=tuple(float(x) for x in expected[r]),
            service_mean_minutes=float(plan.row_service[r].mean),
        )
        for r in range(row_rates.shape[0])
    )
    return WindowDayDemand(
        window_id=plan.spec.id,
        day_type=day_type,
        open_hour=first,
        rates_per_hour=tuple(float(x) for x in row_rates.sum(axis=0)),
        service=mixture(plan.row_service, expected.sum(axis=1).tolist()),
        days_per_week=per_week,
        matters=matters,
        closed_hours=frozenset(first + k for k, f in enumerate(fraction) if f <= 0.0),
        intervals=tuple((float(a), float(b)) for a, b in hours.intervals),
        part_time=plan.spec.part_time_shifts,
    )


def office_demands(
    compiled: CompiledScenario,
) -> tuple[list[OfficeDemand], list[float], list[MatterReviewLoad]]:
    """Office demands, their review hours per day, and review loads per matter."""
    by_office: dict[int, list[InboundPlan]] = defaultdict(list)
    for entry in compiled.office_streams:
        by_office[entry.office].append(entry)
    demands: list[OfficeDemand] = []
    hours_per_day: list[float] = []
    reviews: list[MatterReviewLoad] = []
    for office_index, entries in sorted(by_office.items()):
        spec = compiled.scenario.offices[office_index]
        matters = [compiled.matters[e.matter] for e in entries]
        per_day = [float(e.per_day) for e in entries]
        if sum(per_day) <= 0:
            continue
        demands.append(
            OfficeDemand(
                office_id=spec.id,
                cases_per_working_day=sum(per_day),
                review_hours=mixture([m.review for m in matters], per_day, factor=1 / 60.0),
                limit_working_days=min(m.limit_working_days for m in matters),
            )
        )
        minutes = OpeningHours.from_strings(spec.hours).minutes_per_day
        hours_per_day.append(max(minutes / 60.0, 0.5))
        reviews.extend(
            MatterReviewLoad(m.id, d * WORKDAYS_PER_WEEK, float(m.review.mean) / 60.0)
            for m, d in zip(matters, per_day, strict=True)
        )
    return demands, hours_per_day, reviews


def staff_compiled(
    compiled: CompiledScenario,
    settings: StaffingSettings | None = None,
    *,
    only_auto: bool = True,
    office_settings: OfficeSettings | None = None,
    roster_time_limit_seconds: float = 10.0,
    evaluator: WindowEvaluator | None = None,
) -> StaffingReport:
    """Staff the windows (and handling offices) of a compiled scenario."""
    scenario = compiled.scenario
    target = WaitTarget(scenario.targets.wait_minutes, scenario.targets.wait_share)
    settings = settings or StaffingSettings(seed=int(scenario.seed))
    report = staff_all(
        window_demands(compiled, only_auto=only_auto),
        target,
        settings,
        roster_time_limit_seconds=roster_time_limit_seconds,
        evaluator=evaluator,
    )
    offices, hours_per_day, reviews = office_demands(compiled)
    base = office_settings or OfficeSettings(seed=int(scenario.seed))
    office_plans = tuple(
        staff_office(o, dataclasses.replace(base, hours_per_day=h))
        for o, h in zip(offices, hours_per_day, strict=True)
    )
    clerk_hours = {m.matter_id: m.clerk_hours_per_week for m in report.matters}
    return dataclasses.replace(
        report, offices=office_plans, matters=tuple(matter_staffing(clerk_hours, reviews))
    )


def staff_scenario(
    name_or_path: str, settings: StaffingSettings | None = None, *, only_auto: bool = False
) -> StaffingReport:
    """Load, compile and staff a scenario file (every window unless ``only_auto``)."""
    from sim.compile import compile_scenario
    from sim.scenarios.loader import load_scenario

    compiled = compile_scenario(load_scenario(name_or_path))
    return staff_compiled(compiled, settings, only_auto=only_auto)


def engine_clerk_plans(
    report: StaffingReport, day_type: str = "workday"
) -> dict[str, tuple[int, ...]]:
    """24-value clerk plans per window (clock hours 00–23) for ``compile_scenario(clerk_plans=)``.

    Hours outside the staffed day get 0 clerks. The engine takes one plan per window, so the
    ``day_type`` plan is used (workday by default).
    """
    plans: dict[str, tuple[int, ...]] = {}
    for window in report.windows:
        if window.demand.day_type != day_type:
            continue
        day = [0] * 24
        for hour, clerks in zip(window.demand.clock_hours, window.plan.clerks, strict=True):
            day[hour] = int(clerks)
        plans[window.demand.window_id] = tuple(day)
    return plans
