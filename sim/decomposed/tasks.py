"""The two kinds of partition of a decomposed replication, as picklable tasks.

``run_windows(shared, task)`` runs some windows with everything that happens to their cases
before a staffed office (queue, clerks, repeat visits, push, pickup, mail; cases decided
elsewhere, at the counter or by an office we do not staff, to the end), plus the second
visits that come back to them (given). ``run_offices(shared, task)`` runs some staffed
offices with the cases that reach them (given, at their minutes) and the inbound cases
bound for them, through review, supplement rounds and the return, up to the second visit.

Both are the ordinary engine (:class:`sim.replication.Engine`) on a subset of the resources,
with a :class:`~sim.flow.Boundary` that collects the cases bound elsewhere. Results are per
window and per office, so the driver can re-run any subset; cases cross as
:meth:`~sim.records.Case.state` tuples (never shared objects a task could change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.compile import CompiledScenario
from sim.models.inbound import Inbound
from sim.models.office import OfficeStats
from sim.models.window import WindowStats
from sim.outcomes import CollectingRecorder
from sim.records import STATE_INDEX, Case, Completion
from sim.replication import Engine, ReplicationStreams

State = tuple[Any, ...]  # a case's fields (Case.state)
Arrival = tuple[float, State]  # (exact minute, case) — sorted by (minute, case id) in lists
_ID, _WINDOW, _OFFICE = STATE_INDEX["id"], STATE_INDEX["window"], STATE_INDEX["office"]


@dataclass(frozen=True)
class Shared:
    """What every task of one replication reads."""

    compiled: CompiledScenario
    replication: int
    seed: np.random.SeedSequence
    homes: object | None = None


@dataclass(frozen=True)
class WindowTask:
    """Windows to run, with the second visits coming back to each."""

    windows: tuple[int, ...]
    returning: dict[int, tuple[Arrival, ...]]


@dataclass(frozen=True)
class OfficeTask:
    """Staffed offices to run, with the cases reaching them and their inbound cases."""

    offices: tuple[int, ...]
    arriving: tuple[Arrival, ...]
    inbound: tuple[Inbound, ...]


@dataclass
class WindowOutput:
    """One window's part of a replication, given its returning second visits."""

    index: int
    stats: WindowStats
    created: int  # first arrivals
    completed: int  # cases finished here (first or second visit; also outside the period)
    records: list[Completion] = field(default_factory=list)  # of those, inside the period
    to_offices: list[Arrival] = field(default_factory=list)  # to staffed offices
    queue_left: int = 0
    unfinished: int = 0


@dataclass
class OfficeOutput:
    """One staffed office's part of a replication, given the cases reaching it."""

    index: int
    stats: OfficeStats
    completed: int
    records: list[Completion] = field(default_factory=list)
    to_windows: list[Arrival] = field(default_factory=list)  # second visits
    unfinished: int = 0


class _Collect:
    """The boundary of a partition: cases bound for resources elsewhere, with the minute."""

    def __init__(self) -> None:
        self.to_offices: list[Arrival] = []
        self.to_windows: list[Arrival] = []

    def to_office(self, case: Case, at: float) -> None:
        self.to_offices.append((at, case.state()))

    def to_window(self, case: Case, at: float) -> None:
        self.to_windows.append((at, case.state()))


def _partition(
    shared: Shared, by: str, *, windows: tuple[int, ...], offices: tuple[int, ...]
) -> tuple[Engine, CollectingRecorder, _Collect]:
    """The engine of some windows and offices, its recorder (counting by ``by``) and the
    boundary collecting the cases bound elsewhere."""
    compiled = shared.compiled
    streams = ReplicationStreams(shared.seed, len(compiled.windows))
    recorder = CollectingRecorder(compiled, shared.replication, by=by)
    boundary = _Collect()
    engine = Engine.build(
        compiled,
        streams,
        recorder,
        shared.homes,
        windows=windows,
        offices=offices,
        boundary=boundary,
    )
    return engine, recorder, boundary


def run_windows(shared: Shared, task: WindowTask) -> list[WindowOutput]:
    """Run ``task.windows`` with their returning second visits (module docstring)."""
    compiled = shared.compiled
    engine, recorder, boundary = _partition(shared, "window", windows=task.windows, offices=())
    for index in task.windows:
        for at, state in task.returning.get(index, ()):
            engine.flow.return_to_window(Case.from_state(state), at)
    engine.run_until_done(compiled.period.run_until, shared.replication)
    created = engine.created()
    outputs = {
        index: WindowOutput(
            index,
            window.stats,
            created[index],
            recorder.completed_by.get(index, 0),
            queue_left=len(window.queue) + window.busy,
        )
        for index, window in engine.windows.items()
    }
    for record in recorder.records:
        outputs[record.window].records.append(record)
    for arrival in boundary.to_offices:
        outputs[arrival[1][_WINDOW]].to_offices.append(arrival)
    for index, out in outputs.items():
        out.to_offices.sort(key=arrival_order)
        returning = len(task.returning.get(index, ()))
        out.unfinished = out.created + returning - out.completed - len(out.to_offices)
    return [outputs[i] for i in task.windows]


def run_offices(shared: Shared, task: OfficeTask) -> list[OfficeOutput]:
    """Run ``task.offices`` with the cases reaching them (module docstring)."""
    compiled = shared.compiled
    engine, recorder, boundary = _partition(shared, "office", windows=(), offices=task.offices)
    flow = engine.flow
    engine.feed(task.arriving, lambda state: flow.start_at_office(Case.from_state(state)))
    engine.feed_inbound(task.inbound)
    engine.run_until_done(compiled.period.run_until, shared.replication)
    outputs = {
        index: OfficeOutput(index, office.stats, recorder.completed_by.get(index, 0))
        for index, office in engine.offices.items()
    }
    for record in recorder.records:
        outputs[record.office].records.append(record)
    for arrival in boundary.to_windows:
        outputs[arrival[1][_OFFICE]].to_windows.append(arrival)
    arrived = dict.fromkeys(task.offices, 0)
    for _, state in task.arriving:
        arrived[state[_OFFICE]] += 1
    for _, _, row in task.inbound:
        arrived[compiled.inbound[row].office] += 1
    for index, out in outputs.items():
        out.to_windows.sort(key=arrival_order)
        out.unfinished = arrived[index] - out.completed - len(out.to_windows)
    return [outputs[i] for i in task.offices]


def arrival_order(arrival: Arrival) -> tuple[float, int]:
    """Sort key of hand-overs: minute, then case id."""
    return arrival[0], arrival[1][_ID]


def window_of(arrival: Arrival) -> int:
    """The window a case belongs to (where it first arrived; -1: inbound)."""
    return int(arrival[1][_WINDOW])


def office_of(arrival: Arrival) -> int:
    """The staffed office that decides a case."""
    return int(arrival[1][_OFFICE])


def merge_sorted(groups: Sequence[Sequence[Arrival]]) -> tuple[Arrival, ...]:
    """Hand-overs from several partitions in (minute, case id) order."""
    return tuple(sorted((a for g in groups for a in g), key=arrival_order))
