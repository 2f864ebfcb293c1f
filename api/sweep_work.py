"""A sweep's work, in a worker process: ``tongban sweep``'s pipeline, made durable.

As a run (:mod:`api.run_work`): the database is the source of truth. The worker plans the
points again from the stored body and settings, prepares each (deterministic for a seed),
then runs the (point, replication) tasks that have no stored result on the executor, each
stored as soon as it is done; a resumed sweep computes only the missing ones. Progress
(points prepared, replications done, points complete) goes to the sweep's row after every
step, and a cancelled sweep stops at its next step. At the end the rows — one per point,
the columns of ``sweep.csv`` — are stored on the sweep.
"""

from __future__ import annotations

import pickle
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.models.common import utcnow
from api.models.runs import RunStatus
from api.models.sweeps import SweepRecord, SweepReplicationRecord
from api.run_work import Cancelled, cell
from api.sweep_input import library_settings
from sim.job import sweep_task
from tongban.pipeline.executor import Executor, InlineExecutor
from tongban.pipeline.stages import RunOptions
from tongban.pipeline.sweep import (
    fold_points,
    plan_points_from,
    prepare_points,
    sweep_keys,
    sweep_rows,
)

Key = tuple[int, int]  # (point, replication)


def _set_progress(engine: Engine, sweep_id: int, **stages: tuple[int, int, int]) -> None:
    """Record ``stage=(done, total, recomputed)``; Cancelled if the sweep is no longer running."""
    with Session(engine) as session:
        sweep = session.get(SweepRecord, sweep_id)
        if sweep is None or sweep.status != RunStatus.running:
            raise Cancelled
        steps = {
            name: {"done": done, "total": total, "recomputed": recomputed}
            for name, (done, total, recomputed) in stages.items()
        }
        sweep.progress = {**sweep.progress, **steps}
        session.add(sweep)
        session.commit()


def _stored_keys(engine: Engine, sweep_id: int) -> set[Key]:
    with Session(engine) as session:
        query = select(SweepReplicationRecord.point, SweepReplicationRecord.replication).where(
            SweepReplicationRecord.sweep_id == sweep_id
        )
        return {(int(p), int(r)) for p, r in session.exec(query).all()}


def _store(engine: Engine, sweep_id: int, key: Key, result: Any) -> bool:
    """Store one replication; False when it was stored already (computed twice)."""
    with Session(engine) as session:
        record = SweepReplicationRecord(
            sweep_id=sweep_id, point=key[0], replication=key[1], payload=pickle.dumps(result)
        )
        session.add(record)
        try:
            session.commit()
        except IntegrityError:  # stored already by an earlier worker: the same value
            session.rollback()
            return False
    return True


def _load(engine: Engine, sweep_id: int) -> list[tuple[Key, Any]]:
    with Session(engine) as session:
        query = (
            select(SweepReplicationRecord)
            .where(SweepReplicationRecord.sweep_id == sweep_id)
            .order_by(col(SweepReplicationRecord.point), col(SweepReplicationRecord.replication))
        )
        return [((r.point, r.replication), pickle.loads(r.payload)) for r in session.exec(query)]


def execute_sweep(
    engine: Engine, sweep_id: int, route_iterations: int = 500, executor: Executor | None = None
) -> None:
    """Carry a claimed sweep (status ``running``) to its end on ``executor`` (default inline)."""
    with Session(engine) as session:
        sweep = session.get(SweepRecord, sweep_id)
        if sweep is None or sweep.status != RunStatus.running:
            return
        body, settings = sweep.scenario_body, sweep.settings
        options = RunOptions(
            replications=sweep.replications,
            seed=sweep.seed,
            routing=sweep.routing,
            route_iterations=route_iterations,
        )
        source, started = sweep.scenario_name, sweep.started_at or utcnow()
    points = plan_points_from(body, library_settings(settings), source)
    count = len(points)
    _set_progress(engine, sweep_id, prepare=(0, count, 0))
    prepared = prepare_points(
        points,
        options,
        on_prepared=lambda i: _set_progress(engine, sweep_id, prepare=(i + 1, count, 0)),
    )
    keys = sweep_keys(prepared)
    done = _stored_keys(engine, sweep_id) & set(keys)
    missing = [key for key in keys if key not in done]
    left = [run.replications for run in prepared]  # per point: replications not stored yet
    for point, _ in done:
        left[point] -= 1
    recomputed = [0]  # replications computed although already stored: 0 on a clean resume

    def report() -> None:
        simulation = (len(done), len(keys), recomputed[0])
        points_done = (sum(n == 0 for n in left), count, 0)
        _set_progress(engine, sweep_id, simulation=simulation, points=points_done)

    def store(position: int, result: Any) -> None:
        key = missing[position]
        if not _store(engine, sweep_id, key, result):
            recomputed[0] += 1
        if key not in done:
            done.add(key)
            left[key[0]] -= 1
        report()

    report()
    if missing:
        (executor or InlineExecutor()).map_parts(
            sweep_task, [run.job for run in prepared], missing, on_result=store
        )
    wanted = set(keys)
    results = [(key, result) for key, result in _load(engine, sweep_id) if key in wanted]
    rows = sweep_rows(points, fold_points(prepared, results, started, utcnow()))
    columns = list(rows[0]) if rows else []
    with Session(engine) as session:
        sweep = session.get(SweepRecord, sweep_id)
        if sweep is None or sweep.status != RunStatus.running:
            raise Cancelled
        sweep.columns = columns
        sweep.rows = [[cell(row[name]) for name in columns] for row in rows]
        sweep.status = RunStatus.succeeded
        sweep.finished_at = utcnow()
        session.add(sweep)
        session.commit()
