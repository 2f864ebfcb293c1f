"""One replication of a compiled scenario on SimPy.

Random streams: the replication's :class:`numpy.random.SeedSequence` has ``4W + 5`` children
for ``W`` windows (:class:`ReplicationStreams`): per window an arrival and a service stream
(children ``2w``, ``2w + 1``), then five replication-wide slots (``2W`` … ``2W + 4``: the
key of the per-case streams, three unused — kept so the window streams stay where they
were — and the inbound schedule), then per window a repeat-visit stream (``2W + 5 + w``)
and a home-location stream (``3W + 5 + w``). After the window every case draws from streams
of its own, keyed by its id and the phase (:class:`sim.seeds.CaseStreams`). Together: the
same window list sees the same applicants, with the same service times, homes and repeat
visits, whatever the staffing; and no case's draws depend on the order of events, so
changing clerks or reviewers never shifts any case's draws (common random numbers), and the
decomposed run (:mod:`sim.decomposed`) reproduces them in any partition. The streams are
derived from the seed without spawning from it (:func:`sim.seeds.child_seed`): one seed,
one answer.

Ties: where cases from elsewhere meet (an office's reviewer queue, a window that second
visits come back to) those arriving in the same minute are taken in case-id order
(:mod:`sim.models.inbox`), never in SimPy's scheduling order.

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
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.compile import CompiledScenario
from sim.flow import Boundary, CaseFlow
from sim.models.inbound import Inbound, inbound_schedule
from sim.models.inbox import Feeder
from sim.models.office import OfficeStats, StaffedOffice
from sim.models.window import WindowModel, WindowStats, WindowStreams
from sim.outcomes import MatterOutcome, Recorder
from sim.records import TraceWriter, window_case_id
from sim.seeds import CaseStreams, child_seed
from tongban.kernel.hours import MINUTES_PER_DAY

if TYPE_CHECKING:
    from sim.decomposed import TaskMap

logger = logging.getLogger(__name__)

CENSOR_AFTER_DAYS = 3650  # safety cap: run at most ten more years for cases to finish
CASE_KEY_SLOT, INBOUND_SLOT, FLOW_SLOTS = 0, 4, 5  # replication-wide children after 2W


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
    partitions: int | None = None,
    map_tasks: TaskMap | None = None,
) -> ReplicationResult:
    """Simulate one replication and return its measurements.

    ``seed`` is not consumed: the same seed always gives the same replication. With
    ``partitions`` it runs decomposed (:func:`sim.decomposed.run_decomposed`: up to that
    many window tasks, then office tasks, through ``map_tasks``, e.g. an executor's
    ``map``) and gives the same result.
    """
    if partitions is not None:
        from sim.decomposed import run_decomposed

        return run_decomposed(
            compiled,
            replication,
            seed,
            partitions=partitions,
            map_tasks=map_tasks,
            trace_path=trace_path,
            homes=homes,
        ).result
    streams = ReplicationStreams(seed, len(compiled.windows))
    trace = TraceWriter(trace_path) if trace_path is not None else None
    engine = Engine.build(compiled, streams, Recorder(compiled, replication, trace), homes)
    engine.feed_inbound(inbound_schedule(compiled, streams.inbound()))
    engine.run_until_done(compiled.period.run_until, replication)
    if trace is not None:
        trace.close()
    return engine.result(replication)


@dataclass(frozen=True)
class ReplicationStreams:
    """The replication's random streams (module docstring), built on demand per window."""

    seed: np.random.SeedSequence
    windows: int

    def window(self, index: int) -> WindowStreams:
        """A window's arrival, service and repeat-visit streams."""
        w = self.windows
        return WindowStreams(
            np.random.default_rng(child_seed(self.seed, 2 * index)),
            np.random.default_rng(child_seed(self.seed, 2 * index + 1)),
            np.random.default_rng(child_seed(self.seed, 2 * w + FLOW_SLOTS + index)),
        )

    def locate(self, index: int) -> np.random.Generator:
        """A window's stream of its applicants' homes (drawn on arrival)."""
        slot = 3 * self.windows + FLOW_SLOTS + index
        return np.random.default_rng(child_seed(self.seed, slot))

    def cases(self) -> CaseStreams:
        """The per-case streams after the window."""
        return CaseStreams(child_seed(self.seed, 2 * self.windows + CASE_KEY_SLOT))

    def inbound(self) -> np.random.Generator:
        """The stream of the inbound schedule."""
        return np.random.default_rng(child_seed(self.seed, 2 * self.windows + INBOUND_SLOT))


@dataclass
class Engine:
    """The SimPy processes of one replication, or of a partition of it (some windows, some
    offices, and a :class:`~sim.flow.Boundary` for cases bound elsewhere)."""

    env: simpy.Environment
    windows: dict[int, WindowModel]
    offices: dict[int, StaffedOffice]
    flow: CaseFlow
    recorder: Recorder
    feeders: list[Feeder] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        compiled: CompiledScenario,
        streams: ReplicationStreams,
        recorder: Recorder,
        homes: object | None,
        *,
        windows: Collection[int] | None = None,
        offices: Collection[int] | None = None,
        boundary: Boundary | None = None,
    ) -> Engine:
        """Offices, then windows (each in index order), then the case flow between them."""
        env = simpy.Environment()
        period = compiled.period
        flow = CaseFlow(env, compiled, streams.cases(), recorder, homes, boundary)
        flow.offices = {
            plan.index: StaffedOffice(env, plan, period, flow.round_ends)
            for plan in compiled.offices
            if offices is None or plan.index in offices
        }
        models = {}
        for plan in compiled.windows:
            if windows is not None and plan.index not in windows:
                continue
            models[plan.index] = WindowModel(
                env,
                plan,
                streams.window(plan.index),
                period,
                flow.on_served,
                count(window_case_id(plan.index, 1)).__next__,  # ids of its first arrivals
                flow.locator(plan.index, streams.locate(plan.index)),
            )
        flow.windows = models
        return cls(env, models, dict(flow.offices), flow, recorder)

    def feed(self, items: Sequence[tuple[float, Any]], start: Callable[[Any], None]) -> None:
        """Start ``(minute, item)`` pairs (sorted by minute) at their minutes."""
        self.feeders.append(Feeder(self.env, items, start))

    def feed_inbound(self, schedule: Sequence[Inbound]) -> None:
        """Inbound cases (:func:`sim.flow.inbound_schedule`) at their minutes, counted."""
        self.recorder.created += len(schedule)
        self.feed([(entry[0], entry) for entry in schedule], self.flow.start_inbound)

    def created(self) -> dict[int, int]:
        """First arrivals per window so far."""
        return {index: window.created for index, window in self.windows.items()}

    def queue_left(self) -> int:
        """Applicants still waiting or in service at a window."""
        return sum(len(w.queue) + w.busy for w in self.windows.values())

    def unfinished(self) -> int:
        """Cases not yet done anywhere (here)."""
        waiting = sum(f.waiting for f in self.feeders)
        return self.queue_left() + self.flow.in_flight + waiting

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
        for window in self.windows.values():
            window.finalize()
        for staffed in self.offices.values():
            staffed.finalize()

    def result(self, replication: int) -> ReplicationResult:
        """The measurements (no SimPy objects) of a whole replication."""
        recorder = self.recorder
        queue_left = self.queue_left()
        return ReplicationResult(
            replication=replication,
            windows=[self.windows[i].stats for i in sorted(self.windows)],
            offices=[self.offices[i].stats for i in sorted(self.offices)],
            office_judged=recorder.office_judged,
            matters=recorder.matters,
            created=recorder.created + sum(self.created().values()),
            completed=recorder.completed,
            in_system=self.unfinished(),
            window_queue_left=queue_left,
        )
