"""A decomposed replication: windows, then offices, then the windows again — the same answer.

Windows are independent given who arrives at them; staffed offices are independent given
the cases that reach them. :func:`run_decomposed` therefore runs a replication as partitions
(:mod:`sim.decomposed.tasks`): the window side in up to ``partitions`` tasks (windows and
each case's way to its office; cases that never meet a staffed office to the end), then the
staffed offices in up to ``partitions`` tasks (review, 补正 rounds, return), and gives the
result of the whole run (:func:`sim.replication.run_replication`) for the same seed:
identical window and office statistics, counts, day distributions and trace rows; only
``km_saved`` (a floating sum folded in another order) may differ in the last bits.

Why it is exact. Every draw belongs to a case or a window, never to the order of events
(:class:`sim.seeds.CaseStreams`; window streams in arrival order), and where cases from
different partitions meet — an office's reviewer queue, a window that second visits come
back to — those of the same minute are taken in case-id order after the minute's other
events (:mod:`sim.models.inbox`), and cases enter at exact minutes
(:func:`sim.models.inbox.schedule_at`). Every other event of a window or an office is caused
by events of that window or office alone, so each resource sees the same events in the same
order in either run.

The loop. A case fetching its result at the window (a second visit: 2-01, 3-04) goes from
its window to an office and back, and its visit occupies a clerk, which delays later
applicants and so their cases' arrival at offices. The driver iterates: pass 1 runs the
window side without second visits; the offices turn the cases into second visits ``S₁``;
pass ``k + 1`` re-runs the windows whose returning visits changed (``Sₖ`` for ``Sₖ₋₁``), then
the offices whose arriving cases changed; it stops when no window's returning visits
change — a fixed point, returned as the answer.

*The fixed point is the whole run's answer.* Write ``G(S)`` for the second visits the
offices produce when the windows receive ``S``. Causality is strict: a second visit at
minute ``t`` belongs to a case whose first-visit service ended at ``f ≤ t`` and started
before ``f`` (services take positive time), so it depends only on window arrivals before
``t``: ``G(S)`` restricted to ``[0, t]`` is a function of ``S`` restricted to ``[0, t)``.
The whole run's second visits ``S*`` satisfy ``S* = G(S*)``. If ``S = G(S)`` and ``S ≠ S*``,
let ``u`` be the first minute where they differ: they agree on ``[0, u)``, so ``G`` makes
them agree on ``[0, u]`` — a contradiction. So a converged run equals the whole run.

*Termination.* By the same argument, if ``Sₖ`` agrees with ``S*`` before ``uₖ`` (its first
difference), ``Sₖ₊₁`` agrees up to and including ``uₖ``: the first difference moves strictly
later with every pass. If every second visit comes at least ``Δ > 0`` after its case's
first visit ended (a push of the file, a decision, a working day's wait), it moves by ``Δ``
at least, so at most ``1 + horizon / Δ`` passes; in practice the loop ends as soon as no
clerk delay changes the day or the clamped opening minute of a second visit (2 or 3 passes,
see ``docs/decomposed.md``). ``max_passes`` guards against a model change that breaks the
lag; reaching it raises rather than return an answer that is not the whole run's.

Tasks run through ``map_tasks(fn, shared, keys)`` — the signature of
:meth:`tongban.pipeline.executor.Executor.map` (simulation never imports the pipeline) —
or, inline by default, one after the other; :func:`from_map` adapts a plain ``map``.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from sim.compile import CompiledScenario
from sim.decomposed.tasks import (
    Arrival,
    OfficeOutput,
    OfficeTask,
    Shared,
    WindowOutput,
    WindowTask,
    merge_sorted,
    office_of,
    run_offices,
    run_windows,
    window_of,
)
from sim.models.inbound import Inbound, inbound_schedule
from sim.outcomes import Recorder
from sim.records import TraceWriter
from sim.replication import ReplicationResult, ReplicationStreams
from sim.seeds import fresh_seed

__all__ = ["DecomposedRun", "TaskMap", "from_map", "inline_map", "run_decomposed"]

MAX_PASSES = 50

S = TypeVar("S")
K = TypeVar("K")
R = TypeVar("R")


class TaskMap(Protocol):
    """Runs ``fn(shared, key)`` for every key; results in key order."""

    def __call__(self, fn: Callable[[S, K], R], shared: S, keys: Sequence[K]) -> Sequence[R]:
        """One result per key."""
        ...


def inline_map(fn: Callable[[S, K], R], shared: S, keys: Sequence[K]) -> list[R]:
    """Every task here, one after the other."""
    return [fn(shared, key) for key in keys]


def from_map(map_fn: Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]) -> TaskMap:
    """A :class:`TaskMap` from a plain ``map`` (e.g. a process pool's ``map``)."""

    def mapped(fn: Callable[[S, K], R], shared: S, keys: Sequence[K]) -> list[R]:
        return list(map_fn(functools.partial(fn, shared), keys))

    return mapped


@dataclass
class DecomposedRun:
    """The replication's result and how the decomposition went."""

    result: ReplicationResult
    passes: int  # window-side passes (1 when no case comes back for its result)
    window_runs: int  # windows simulated, summed over passes
    office_runs: int  # staffed offices simulated, summed over passes


def run_decomposed(
    compiled: CompiledScenario,
    replication: int,
    seed: np.random.SeedSequence,
    *,
    partitions: int = 2,
    map_tasks: TaskMap | None = None,
    trace_path: Path | None = None,
    homes: object | None = None,
    max_passes: int = MAX_PASSES,
) -> DecomposedRun:
    """One replication as window and office partitions (module docstring)."""
    if partitions < 1:
        raise ValueError(f"partitions must be ≥ 1 (got {partitions})")
    run_map = map_tasks if map_tasks is not None else inline_map
    shared = Shared(compiled, replication, fresh_seed(seed), homes)
    n_windows, n_offices = len(compiled.windows), len(compiled.offices)
    inbound = inbound_schedule(compiled, ReplicationStreams(shared.seed, n_windows).inbound())
    inbound_by_office: dict[int, list[Inbound]] = {}
    for entry in inbound:
        inbound_by_office.setdefault(compiled.inbound[entry[2]].office, []).append(entry)
    window_load = [1.0 + float(np.asarray(plan.rates).sum()) for plan in compiled.windows]

    windows: dict[int, WindowOutput] = {}
    offices: dict[int, OfficeOutput] = {}
    returning: dict[int, tuple[Arrival, ...]] = {w: () for w in range(n_windows)}
    arriving: dict[int, tuple[Arrival, ...]] = {}
    stale_windows = list(range(n_windows))
    passes = window_runs = office_runs = 0
    while stale_windows:
        passes += 1
        if passes > max_passes:
            raise RuntimeError(
                f"replication {replication}: second visits still changing after {max_passes} "
                "passes of the decomposed run (see sim.decomposed on termination)"
            )
        window_tasks = [
            WindowTask(group, {w: returning[w] for w in group if returning[w]})
            for group in _split(stale_windows, window_load, partitions)
        ]
        for outputs in run_map(run_windows, shared, window_tasks):
            for out in outputs:
                windows[out.index] = out
        window_runs += len(stale_windows)

        by_office = _group([w.to_offices for w in windows.values()], office_of)
        stale_offices = _changed(n_offices, by_office, arriving, offices)
        load = [1.0 + len(arriving.get(o, ())) for o in range(n_offices)]
        office_tasks = [
            OfficeTask(
                group,
                merge_sorted([arriving[o] for o in group]),
                tuple(sorted(e for o in group for e in inbound_by_office.get(o, ()))),
            )
            for group in _split(stale_offices, load, partitions)
        ]
        for office_outputs in run_map(run_offices, shared, office_tasks):
            for office_out in office_outputs:
                offices[office_out.index] = office_out
        office_runs += len(stale_offices)

        by_window = _group([o.to_windows for o in offices.values()], window_of)
        stale_windows = _changed(n_windows, by_window, returning, windows)
    result = _merge(compiled, replication, windows, offices, len(inbound), trace_path)
    return DecomposedRun(result, passes, window_runs, office_runs)


def _group(
    lists: Iterable[Sequence[Arrival]], key: Callable[[Arrival], int]
) -> dict[int, tuple[Arrival, ...]]:
    """Hand-overs by destination, each in (minute, case id) order."""
    grouped: dict[int, list[Arrival]] = {}
    for arrivals in lists:
        for arrival in arrivals:
            grouped.setdefault(key(arrival), []).append(arrival)
    return {k: merge_sorted([v]) for k, v in grouped.items()}


def _changed(
    count: int,
    now: dict[int, tuple[Arrival, ...]],
    before: dict[int, tuple[Arrival, ...]],
    ran: Container[int],
) -> list[int]:
    """The destinations (of ``count``) never run or whose hand-overs changed; ``before`` is
    updated to ``now`` for them."""
    stale = [d for d in range(count) if d not in ran or now.get(d, ()) != before.get(d, ())]
    for d in stale:
        before[d] = now.get(d, ())
    return stale


def _split(indices: Sequence[int], load: Sequence[float], parts: int) -> list[tuple[int, ...]]:
    """At most ``parts`` groups of similar load (largest first onto the lightest group)."""
    groups: list[list[int]] = [[] for _ in range(min(parts, len(indices)))]
    heap = [(0.0, g) for g in range(len(groups))]
    for index in sorted(indices, key=lambda i: -load[i]):
        total, g = heapq.heappop(heap)
        groups[g].append(index)
        heapq.heappush(heap, (total + load[index], g))
    return [tuple(sorted(group)) for group in groups if group]


def _merge(
    compiled: CompiledScenario,
    replication: int,
    windows: dict[int, WindowOutput],
    offices: dict[int, OfficeOutput],
    inbound: int,
    trace_path: Path | None,
) -> ReplicationResult:
    """The partitions' outputs as one replication's result (records folded in id order)."""
    trace = TraceWriter(trace_path) if trace_path is not None else None
    recorder = Recorder(compiled, replication, trace)
    parts: list[WindowOutput | OfficeOutput] = [*windows.values(), *offices.values()]
    records = sorted((r for part in parts for r in part.records), key=lambda r: r.case_id)
    for record in records:
        recorder.fold(record)
    if trace is not None:
        trace.close()
    return ReplicationResult(
        replication=replication,
        windows=[windows[w].stats for w in range(len(compiled.windows))],
        offices=[offices[o].stats for o in range(len(compiled.offices))],
        office_judged=dict(sorted(recorder.office_judged.items())),
        matters=recorder.matters,
        created=sum(w.created for w in windows.values()) + inbound,
        completed=sum(part.completed for part in parts),
        in_system=sum(part.unfinished for part in parts),
        window_queue_left=sum(w.queue_left for w in windows.values()),
    )
