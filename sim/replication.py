"""One replication of a compiled scenario on SimPy.

Random streams: the replication's :class:`numpy.random.SeedSequence` is spawned into one
arrival and one service stream per window (in window order), then one stream per stage
after the window (:data:`sim.flow.FLOW_PURPOSES`), then one repeat-visit stream per window
(:mod:`sim.models.visits`). The same window list therefore sees the same applicants, with
the same service times and repeat visits, whatever the staffing (common random numbers).
The streams are spawned from a copy (:func:`sim.seeds.fresh_seed`): one seed, one answer.

The processes read the compiled records (:mod:`sim.plans`): timetables, arrival generators
and the statistics period are built once by :func:`sim.compile.compile_scenario` and shared
by every replication; a replication only adds the SimPy processes and its random streams.

No wait or turnaround is censored: after ``days + drain_days`` the replication runs on, a
day at a time, until every case that arrived is done. Only a case that cannot finish within
:data:`CENSOR_AFTER_DAYS` more days (e.g. an office with no reviewers) is left unfinished;
it is counted in ``in_system`` (``censored`` in ``summary.json``) and logged as a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import simpy

from sim.compile import CompiledScenario
from sim.flow import FLOW_PURPOSES, CaseFlow, FlowStreams
from sim.models.office import OfficeStats, StaffedOffice
from sim.models.window import WindowModel, WindowStats, WindowStreams
from sim.outcomes import MatterOutcome, Recorder
from sim.records import Case, TraceWriter
from sim.seeds import fresh_seed
from tongban.kernel.hours import MINUTES_PER_DAY

logger = logging.getLogger(__name__)

CENSOR_AFTER_DAYS = 3650  # safety cap: run at most ten more years for cases to finish


@dataclass
class ReplicationResult:
    """Everything one replication measured (plain numbers and arrays: picklable)."""

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


def run_replication(
    compiled: CompiledScenario,
    replication: int,
    seed: np.random.SeedSequence,
    *,
    trace_path: Path | None = None,
    homes: object | None = None,
) -> ReplicationResult:
    """Simulate one replication and return its measurements.

    ``seed`` is not consumed: the same seed always gives the same replication.
    """
    streams = ReplicationStreams.spawn(seed, len(compiled.windows))
    trace = TraceWriter(trace_path) if trace_path is not None else None
    engine = _Engine.build(compiled, streams, Recorder(compiled, replication, trace), homes)
    engine.run_until_done(compiled.period.run_until, replication)
    if trace is not None:
        trace.close()
    return engine.result(replication)


@dataclass(frozen=True)
class ReplicationStreams:
    """The replication's random streams, spawned in a fixed order (module docstring)."""

    windows: tuple[WindowStreams, ...]
    flow: FlowStreams

    @classmethod
    def spawn(cls, seed: np.random.SeedSequence, windows: int) -> ReplicationStreams:
        """Two streams per window, one per flow purpose, then one visits stream per window."""
        purposes = len(FLOW_PURPOSES)
        seeds = fresh_seed(seed).spawn(3 * windows + purposes)
        rngs = [np.random.default_rng(s) for s in seeds[: 2 * windows]]
        flow = FlowStreams.from_seeds(seeds[2 * windows : 2 * windows + purposes])
        visit_seeds = seeds[2 * windows + purposes :]
        return cls(
            tuple(
                WindowStreams(
                    rngs[2 * index],
                    rngs[2 * index + 1],
                    np.random.default_rng(visit_seeds[index]),
                )
                for index in range(windows)
            ),
            flow,
        )


@dataclass
class _Engine:
    """The SimPy processes of one replication."""

    env: simpy.Environment
    windows: Sequence[WindowModel]
    offices: Sequence[StaffedOffice]
    flow: CaseFlow
    recorder: Recorder

    @classmethod
    def build(
        cls,
        compiled: CompiledScenario,
        streams: ReplicationStreams,
        recorder: Recorder,
        homes: object | None,
    ) -> _Engine:
        """Offices, then windows, then the case flow and its inbound arrivals (event order)."""
        env = simpy.Environment()
        period = compiled.period
        offices = [StaffedOffice(env, plan, period) for plan in compiled.offices]
        flow_holder: list[CaseFlow] = []

        def on_served(case: Case) -> None:
            flow_holder[0].on_served(case)

        windows = [
            WindowModel(
                env, plan, streams.windows[plan.index], period, on_served, recorder.created_case
            )
            for plan in compiled.windows
        ]
        flow = CaseFlow(env, compiled, streams.flow, windows, offices, recorder, homes)
        flow_holder.append(flow)
        env.process(flow.inbound_arrivals(compiled.inbound, compiled.scenario.days))
        return cls(env, windows, offices, flow, recorder)

    def queue_left(self) -> int:
        """Applicants still waiting or in service at a window."""
        return sum(len(w.queue) + w.busy for w in self.windows)

    def unfinished(self) -> int:
        """Cases not yet done anywhere."""
        return self.queue_left() + self.flow.in_flight

    def run_until_done(self, end: float, replication: int) -> None:
        """Run to ``end``, then on a day at a time until every case is done (never censor)."""
        env = self.env
        env.run(until=end)
        cap = end + CENSOR_AFTER_DAYS * MINUTES_PER_DAY
        while self.unfinished() and env.now < cap:
            env.run(until=env.now + MINUTES_PER_DAY)
        if self.unfinished():
            logger.warning(
                "replication %d: %d cases still unfinished %d days after the horizon (censored)",
                replication,
                self.unfinished(),
                CENSOR_AFTER_DAYS,
            )
        for window in self.windows:
            window.finalize()
        for staffed in self.offices:
            staffed.finalize()

    def result(self, replication: int) -> ReplicationResult:
        """The measurements (no SimPy objects)."""
        recorder = self.recorder
        queue_left = self.queue_left()
        return ReplicationResult(
            replication=replication,
            windows=[w.stats for w in self.windows],
            offices=[o.stats for o in self.offices],
            office_judged=recorder.office_judged,
            matters=recorder.matters,
            created=recorder.created,
            completed=recorder.completed,
            in_system=queue_left + self.flow.in_flight,
            window_queue_left=queue_left,
        )
