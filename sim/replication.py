"""One replication of a compiled scenario on SimPy.

Random streams: the replication's :class:`numpy.random.SeedSequence` is spawned into one
arrival and one service stream per window (in window order), then a stream for case routing
decisions, one for inbound arrivals and one for geography. The same window list therefore
sees the same applicants whatever the staffing (common random numbers).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

import numpy as np
import simpy

from sim.arrivals import ArrivalGenerator
from sim.calendar import MINUTES_PER_DAY, OpeningHours, Timetable, WorkCalendar
from sim.compile import CompiledScenario
from sim.flow import CaseFlow
from sim.models.mail import DistributionTransit, GeoTransit, TransitModel
from sim.models.office import OfficeStats, StaffedOffice
from sim.models.window import WindowModel, WindowStats
from sim.outcomes import MatterOutcome, Recorder
from sim.records import Case, TraceWriter
from sim.scenarios.schema import Scenario

logger = logging.getLogger(__name__)


@dataclass
class ReplicationResult:
    """Everything one replication measured."""

    replication: int
    windows: list[WindowStats]
    offices: list[OfficeStats]
    office_judged: dict[int, list[int]]
    matters: list[MatterOutcome]
    created: int
    completed: int
    in_system: int
    window_queue_left: int = 0
    events: dict[str, float] = field(default_factory=dict)


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


def _transit(scenario: Scenario) -> TransitModel:
    setting = scenario.process.mail.transit_hours
    if setting == "geo":
        from sim.scenarios.schema import MailProcess

        fallback = MailProcess().transit_hours
        assert not isinstance(fallback, str)
        start = datetime.combine(scenario.start_date, time())
        return GeoTransit(start, fallback)
    return DistributionTransit(setting)


def run_replication(
    compiled: CompiledScenario,
    replication: int,
    seed: np.random.SeedSequence,
    *,
    trace_path: Path | None = None,
    homes: object | None = None,
) -> ReplicationResult:
    """Simulate one replication and return its measurements."""
    scenario = compiled.scenario
    env = simpy.Environment()
    windows_n = len(compiled.windows)
    streams = seed.spawn(2 * windows_n + 3)
    rngs = [np.random.default_rng(s) for s in streams]
    flow_rng, inbound_rng = rngs[2 * windows_n], rngs[2 * windows_n + 1]

    stats_from = scenario.warmup_days * MINUTES_PER_DAY
    stats_until = scenario.days * MINUTES_PER_DAY
    end = (scenario.days + scenario.drain_days) * MINUTES_PER_DAY
    turnaround_calendar = scenario_calendar(scenario)
    office_calendar = scenario_calendar(
        scenario, "always" if turnaround_calendar.kind == "always" else "cn-workdays"
    )
    office_timetable = Timetable(
        office_calendar,
        OpeningHours.from_strings(
            scenario.offices[0].hours
            if scenario.offices
            else [["09:00", "12:00"], ["13:30", "17:00"]]
        )
        if turnaround_calendar.kind != "always"
        else OpeningHours(((0.0, MINUTES_PER_DAY),)),
    )
    trace = TraceWriter(trace_path) if trace_path is not None else None
    recorder = Recorder(
        turnaround_calendar,
        [m.limit_working_days for m in compiled.matters],
        [m.id for m in compiled.matters],
        stats_from=stats_from,
        stats_until=stats_until,
        trips_per_case=scenario.trips.trips_per_case,
        replication=replication,
        trace=trace,
        window_ids=[w.spec.id for w in compiled.windows],
        office_ids=[o.id for o in scenario.offices],
    )
    offices = [
        StaffedOffice(
            env,
            i,
            spec.id,
            spec.code,
            Timetable(
                scenario_calendar(scenario, spec.calendar), OpeningHours.from_strings(spec.hours)
            ),
            spec.reviewers,
            stats_from=stats_from,
            stats_until=stats_until,
        )
        for i, spec in enumerate(scenario.offices)
    ]
    flow_holder: list[CaseFlow] = []

    def on_served(case: Case) -> None:
        flow_holder[0].on_served(case)

    windows = []
    weekday = np.asarray(scenario.seasonality.weekday, dtype=float)
    month = np.asarray(scenario.seasonality.month, dtype=float)
    for plan in compiled.windows:
        timetable = Timetable(
            scenario_calendar(scenario, plan.spec.calendar), plan.hours, plan.weekend_hours
        )
        generator = ArrivalGenerator(timetable, plan.rates, weekday, month)
        windows.append(
            WindowModel(
                env,
                plan.index,
                timetable,
                plan.clerks,
                generator,
                plan.row_service,
                plan.row_matter,
                plan.row_mode,
                rngs[2 * plan.index],
                rngs[2 * plan.index + 1],
                on_served,
                arrivals_until=stats_until,
                stats_from=stats_from,
                stats_until=stats_until,
                target_wait=scenario.targets.wait_minutes,
                next_case_id=recorder.created_case,
                window_id=plan.spec.id,
                code=plan.spec.code,
            )
        )
    flow = CaseFlow(
        env,
        compiled,
        flow_rng,
        _transit(scenario),
        office_timetable,
        windows,
        offices,
        recorder,
        homes,
    )
    flow_holder.append(flow)
    env.process(flow.inbound_arrivals(compiled.inbound, scenario.days, inbound_rng))
    env.run(until=end)
    for window in windows:
        window.finalize()
    for staffed in offices:
        staffed.finalize()
    if trace is not None:
        trace.close()
    queue_left = sum(len(w.queue) + w.busy for w in windows)
    return ReplicationResult(
        replication=replication,
        windows=[w.stats for w in windows],
        offices=[o.stats for o in offices],
        office_judged=recorder.office_judged,
        matters=recorder.matters,
        created=recorder.created,
        completed=recorder.completed,
        in_system=queue_left + flow.in_flight,
        window_queue_left=queue_left,
    )
