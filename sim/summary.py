"""Fold replication results into the report rows, with 95% half-widths over replications.

Counts are per replication (means over replications) unless a name says otherwise; every
column's meaning and unit is in ``docs/report_columns.md``. Per-window rates are per unit of
*open* time: ``arrivals_per_hour`` in ``windows.csv`` is visits per hour the window is open,
``visits_in_hour_per_day`` in ``staffing.csv`` is visits in that clock hour per day of that
day type (working day / rest day) in the statistics period.
Means are averaged over replications (t-interval half-widths); percentiles come from the
replications' merged sketches (integer day counts for turnaround, log histograms for waits).
"""

from __future__ import annotations

import math

import numpy as np

from sim.arrivals import HourPieces
from sim.compile import CompiledScenario, WindowPlan
from sim.models.window import DAY_TYPES
from sim.outcomes import day_quantile
from sim.replication import ReplicationResult
from sim.results import (
    Accounting,
    MatterStaffingRow,
    OfficeRow,
    PickupRow,
    SimulationResult,
    StaffingRow,
    TripsRow,
    TurnaroundRow,
    WindowRow,
)
from sim.stats import LogHistogram, nanmean, t_halfwidth
from tongban.kernel.clock import format_clock
from tongban.kernel.hours import MINUTES_PER_DAY


def summarise(
    compiled: CompiledScenario,
    results: list[ReplicationResult],
    seed: int,
    started: str,
    finished: str,
) -> SimulationResult:
    """Fold replication results into the output rows."""
    scenario = compiled.scenario
    period_minutes = (scenario.days - scenario.warmup_days) * MINUTES_PER_DAY
    return SimulationResult(
        scenario=scenario.name,
        seed=seed,
        replications=len(results),
        days=scenario.days,
        warmup_days=scenario.warmup_days,
        started=started,
        finished=finished,
        turnaround=_turnaround(compiled, results),
        windows=_windows(compiled, results, period_minutes),
        staffing=_staffing(compiled, results),
        matter_staffing=_matter_staffing(compiled),
        offices=_offices(compiled, results, period_minutes),
        trips_saved=_trips(compiled, results),
        pickups=[PickupRow(w, t, "fixed") for w, t in _pickup_rows(compiled)],
        accounting=[
            Accounting(r.replication, r.created, r.completed, r.in_system) for r in results
        ],
    )


def _pickup_rows(compiled: CompiledScenario) -> list[tuple[str, str]]:
    rows = []
    for window in compiled.windows:
        for minute in compiled.pickups.times_for(window.spec.id):
            rows.append((window.spec.id, format_clock(minute)))
    return rows


def _turnaround(
    compiled: CompiledScenario, results: list[ReplicationResult]
) -> list[TurnaroundRow]:
    rows = []
    for plan in compiled.matters:
        outcomes = [r.matters[plan.index] for r in results]
        merged = np.zeros(max(o.day_counts.size for o in outcomes), dtype=np.int64)
        modes: dict[str, int] = {}
        for outcome in outcomes:
            merged[: outcome.day_counts.size] += outcome.day_counts
            for mode, count in outcome.modes.items():
                modes[mode] = modes.get(mode, 0) + count
        means = [o.days_mean for o in outcomes]
        within = [o.within_limit / o.judged if o.judged else math.nan for o in outcomes]
        cases = sum(o.cases for o in outcomes)
        judged = sum(o.judged for o in outcomes)
        mode = "+".join(sorted(modes, key=lambda m: -modes[m])) or plan.mode
        rows.append(
            TurnaroundRow(
                matter_id=plan.id,
                matter_name=plan.name,
                mode=mode,
                cases=float(np.mean([o.cases for o in outcomes])),
                days_mean=nanmean(means),
                days_mean_ci95=t_halfwidth(means),
                days_p50=day_quantile(merged, 0.50),
                days_p90=day_quantile(merged, 0.90),
                days_p95=day_quantile(merged, 0.95),
                limit_working_days=plan.limit_working_days,
                # pooled over the replications' cases (not a mean of per-replication ratios)
                within_limit_share=_pooled([o.within_limit for o in outcomes], judged),
                within_limit_share_ci95=t_halfwidth(within),
                handling_days_mean=_pooled([o.handling_days_sum for o in outcomes], cases),
                end_to_end_within_limit_share=_pooled(
                    [o.end_to_end_within_limit for o in outcomes], cases
                ),
            )
        )
    return rows


def _pooled(parts: list[int] | list[float], cases: int) -> float:
    """A share or mean over every replication's cases together (``nan`` without cases)."""
    return float(sum(parts)) / cases if cases else math.nan


def _period_days(compiled: CompiledScenario) -> range:
    """Simulation days that overlap the statistics period."""
    scenario = compiled.scenario
    return range(math.floor(scenario.warmup_days), scenario.days)


def _overlap(start: float, end: float, lo: float, hi: float) -> float:
    return max(0.0, min(end, hi) - max(start, lo))


def open_hours_in_period(compiled: CompiledScenario, plan: WindowPlan) -> float:
    """Hours the window is open inside the statistics period."""
    period = compiled.period
    return plan.timetable.open_minutes_between(period.stats_from, period.stats_until) / 60.0


def days_by_type(compiled: CompiledScenario, plan: WindowPlan) -> tuple[float, float]:
    """Working days and rest days (fractions at a partial warm-up day) in the period."""
    scenario = compiled.scenario
    lo, hi = scenario.warmup_days * MINUTES_PER_DAY, scenario.days * MINUTES_PER_DAY
    calendar = plan.timetable.calendar
    counts = [0.0, 0.0]
    for day in _period_days(compiled):
        share = _overlap(day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY, lo, hi)
        counts[0 if calendar.is_working_day(day) else 1] += share / MINUTES_PER_DAY
    return counts[0], counts[1]


def _windows(
    compiled: CompiledScenario, results: list[ReplicationResult], period: float
) -> list[WindowRow]:
    rows = []
    for plan in compiled.windows:
        open_hours = open_hours_in_period(compiled, plan)
        stats = [r.windows[plan.index] for r in results]
        visits = float(np.mean([s.arrivals for s in stats]))
        sketch = LogHistogram()
        for s in stats:
            s.waits.flush()
            sketch.merge(s.waits.sketch)
        means = [s.waits.mean for s in stats]
        utilisation = [s.utilisation for s in stats]
        p90s = [s.waits.quantile(0.90) for s in stats]
        rows.append(
            WindowRow(
                window_id=plan.spec.id,
                cases=float(np.mean([s.first_visits for s in stats])),
                wait_mean_min=nanmean(means),
                wait_mean_ci95_min=t_halfwidth(means),
                wait_p50_min=sketch.quantile(0.50),
                wait_p90_min=sketch.quantile(0.90),
                wait_p95_min=sketch.quantile(0.95),
                utilisation=nanmean(utilisation),
                wait_p90_ci95_min=t_halfwidth(p90s),
                utilisation_ci95=t_halfwidth(utilisation),
                arrivals_per_hour=visits / open_hours if open_hours > 0 else math.nan,
                queue_length_mean=float(np.mean([s.area_queue for s in stats])) / period,
                clerks_max=max(plan.clerks),
                visits=visits,
                open_hours=open_hours,
            )
        )
    return rows


def _staffing(compiled: CompiledScenario, results: list[ReplicationResult]) -> list[StaffingRow]:
    rows = []
    for plan in compiled.windows:
        stats = [r.windows[plan.index] for r in results]
        days_of_type = days_by_type(compiled, plan)
        for type_index, day_type in enumerate(DAY_TYPES):
            for hour in range(24):
                served = np.array([s.served_by_hour[type_index, hour] for s in stats])
                if served.sum() == 0:
                    continue
                ok = np.array([s.served_within_target[type_index, hour] for s in stats])
                levels = [o / n if n else math.nan for o, n in zip(ok, served, strict=True)]
                rows.append(
                    StaffingRow(
                        window_id=plan.spec.id,
                        day_type=day_type,
                        hour=hour,
                        clerks=plan.clerks[hour],
                        service_level=nanmean(levels),
                        service_level_ci95=t_halfwidth(levels),
                        visits_in_hour_per_day=float(served.mean()) / days_of_type[type_index]
                        if days_of_type[type_index] > 0
                        else math.nan,
                    )
                )
    return rows


def _matter_staffing(compiled: CompiledScenario) -> list[MatterStaffingRow]:
    """Expected workload per week from the demand tables (no sampling noise)."""
    scenario = compiled.scenario
    clerk = np.zeros(len(compiled.matters))
    reviewer = np.zeros(len(compiled.matters))
    for window in compiled.windows:
        days_per_week = 7.0 if window.spec.calendar == "always" else 5.0
        pieces = HourPieces.of(window.hours)  # weekday opening hours cut at clock hours
        for row, matter in enumerate(window.row_matter):
            per_day = float((window.rates[row, pieces.hours] * pieces.lengths).sum()) / 60.0
            plan = compiled.matters[matter]
            visits = plan.window_visits_per_case
            clerk[matter] += per_day * visits * window.row_service[row].mean / 60.0 * days_per_week
    for entry in compiled.office_streams:  # inbound and our windows' cases decided here
        plan = compiled.matters[entry.matter]
        supplement = scenario.process.office.supplement_share if plan.supplement_possible else 0.0
        reviewer[entry.matter] += entry.per_day * 5.0 * plan.review.mean * (1 + supplement) / 60.0
    return [
        MatterStaffingRow(m.id, float(clerk[m.index]), float(reviewer[m.index]))
        for m in compiled.matters
    ]


def office_working_days(compiled: CompiledScenario) -> float:
    """Working days of the offices' calendar in the statistics period (fractions at the ends)."""
    scenario = compiled.scenario
    lo, hi = scenario.warmup_days * MINUTES_PER_DAY, scenario.days * MINUTES_PER_DAY
    calendar = compiled.flow_timetable.calendar
    return sum(
        _overlap(day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY, lo, hi) / MINUTES_PER_DAY
        for day in _period_days(compiled)
        if calendar.is_working_day(day)
    )


def _offices(
    compiled: CompiledScenario, results: list[ReplicationResult], period: float
) -> list[OfficeRow]:
    rows = []
    working_days = office_working_days(compiled)
    for index, spec in enumerate(compiled.scenario.offices):
        stats = [r.offices[index] for r in results]
        judged = np.array([r.office_judged.get(index, [0, 0, 0]) for r in results], dtype=float)
        decided, within, handling = judged.sum(axis=0)
        busy = [
            s.busy_minutes / s.open_reviewer_minutes if s.open_reviewer_minutes else math.nan
            for s in stats
        ]
        sojourn = [
            s.sojourn_sum / s.completed / MINUTES_PER_DAY if s.completed else math.nan
            for s in stats
        ]
        rounds = float(np.mean([s.rounds for s in stats]))
        rows.append(
            OfficeRow(
                office_id=spec.id,
                cases=float(np.mean([s.cases for s in stats])),
                reviewers=spec.reviewers,
                utilisation=nanmean(busy),
                within_limit_share=within / decided if decided else math.nan,
                review_rounds=rounds,
                review_rounds_per_working_day=rounds / working_days
                if working_days > 0
                else math.nan,
                in_office_mean=float(np.mean([s.area_in_office for s in stats])) / period,
                review_sojourn_mean_calendar_days=nanmean(sojourn),
                handling_days_mean=handling / decided if decided else math.nan,
            )
        )
    return rows


def _trips(compiled: CompiledScenario, results: list[ReplicationResult]) -> list[TripsRow]:
    return [
        TripsRow(
            plan.id,
            float(np.mean([r.matters[plan.index].trips_saved for r in results])),
            float(np.mean([r.matters[plan.index].km_saved for r in results])),
        )
        for plan in compiled.matters
    ]
