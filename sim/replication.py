"""One replication of a compiled scenario on SimPy.

Random streams: the replication's :class:`numpy.random.SeedSequence` is spawned into one
arrival and one service stream per window (in window order), then one stream per stage
after the window (:data:`sim.flow.FLOW_PURPOSES`), then one repeat-visit stream per window
(:mod:`sim.models.visits`). The same window list therefore sees the same applicants, with
the same service times and repeat visits, whatever the staffing (common random numbers).

No wait or turnaround is censored: after ``days + drain_days`` the replication runs on, a
day at a time, until every case that arrived is done. Only a case that cannot finish within
:data:`CENSOR_AFTER_DAYS` more days (e.g. an office with no reviewers) is left unfinished;
it is counted in ``in_system`` (``censored`` in ``summary.json``) and logged as a warning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

import numpy as np
import simpy

from sim.arrivals import ArrivalGenerator
from sim.calendar import Timetable, WorkCalendar
from sim.compile import CompiledScenario
from sim.flow import FLOW_PURPOSES, CaseFlow, FlowStreams
from sim.models.mail import DistributionTransit, GeoTransit, TransitModel
from sim.models.office import OfficeStats, StaffedOffice
from sim.models.visits import VisitPlan
from sim.models.window import WindowModel, WindowStats
from sim.outcomes import MatterOutcome, Recorder
from sim.records import Case, TraceWriter
from sim.scenarios.schema import Scenario
from tongban.kernel.hours import MINUTES_PER_DAY, OpeningHours

logger = logging.getLogger(__name__)

CENSOR_AFTER_DAYS = 3650  # safety cap: run at most ten more years for cases to finish


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
    purposes = len(FLOW_PURPOSES)
    seeds = seed.spawn(3 * windows_n + purposes)
    rngs = [np.random.default_rng(s) for s in seeds[: 2 * windows_n]]
    flow_streams = FlowStreams.from_seeds(seeds[2 * windows_n : 2 * windows_n + purposes])
    visit_seeds = seeds[2 * windows_n + purposes :]
    window_process = scenario.process.window

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
                visits=VisitPlan(
                    [compiled.matters[m].incomplete_share for m in plan.row_matter],
                    window_process.max_visits,
                    window_process.return_after_days,
                    plan.row_service,
                ),
                visits_rng=np.random.default_rng(visit_seeds[plan.index]),
            )
        )
    flow = CaseFlow(
        env,
        compiled,
        flow_streams,
        _transit(scenario),
        office_timetable,
        windows,
        offices,
        recorder,
        homes,
    )
    flow_holder.append(flow)
    env.process(flow.inbound_arrivals(compiled.inbound, scenario.days))
    env.run(until=end)

    def unfinished() -> int:
        return sum(len(w.queue) + w.busy for w in windows) + flow.in_flight

    cap = end + CENSOR_AFTER_DAYS * MINUTES_PER_DAY
    while unfinished() and env.now < cap:  # never censor: run on until every case is done
        env.run(until=env.now + MINUTES_PER_DAY)
    if unfinished():
        logger.warning(
            "replication %d: %d cases still unfinished %d days after the horizon (censored)",
            replication,
            unfinished(),
            CENSOR_AFTER_DAYS,
        )
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
