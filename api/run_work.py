"""A run's work, in a worker process: the one pipeline (:mod:`tongban.pipeline`), made durable.

The database is the source of truth. ``prepare`` (routing → staffing) is deterministic for
a seed, so a resumed run prepares again; each replication is stored (pickled) as soon as it
is done, and a resumed run computes only the replications that have no row yet — each uses
its own spawned seed, so the result equals an uninterrupted run. The worker checks the
run's status between steps and stops when the run was cancelled. At the end it renders the
run's ``report.html`` from the tables it stores (:mod:`api.run_report`) and stores the page
in the same commit that marks the run succeeded, so the web process only serves it.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import pickle
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.models.common import utcnow
from api.models.runs import (
    ReplicationRecord,
    ResultTableRecord,
    RunRecord,
    RunReportRecord,
    RunStatus,
)
from api.models.sweeps import SweepRecord
from api.run_report import StoredTable, render_stored
from sim.scenarios.loader import parse_scenario
from tongban.pipeline.executor import Executor, InlineExecutor

logger = logging.getLogger(__name__)

#: The stage name the pipeline reports replications under (``tongban.pipeline.run``).
SIMULATION = "simulation"


class Cancelled(Exception):
    """The run was cancelled (or taken away) while this worker held it."""


def _still_running(engine: Engine, run_id: int) -> None:
    with Session(engine) as session:
        run = session.get(RunRecord, run_id)
        if run is None or run.status != RunStatus.running:
            raise Cancelled


def _set_progress(
    engine: Engine, run_id: int, stage: str, done: int, total: int, recomputed: int = 0
) -> None:
    with Session(engine) as session:
        run = session.get(RunRecord, run_id)
        if run is None or run.status != RunStatus.running:
            raise Cancelled
        step = {"done": int(done), "total": int(total), "recomputed": int(recomputed)}
        run.progress = {**run.progress, stage: step}
        session.add(run)
        session.commit()


def cell(value: Any) -> Any:
    """A value as JSON: NaN/inf → null, numpy scalars → Python, dates → ISO text, recursively."""
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [cell(v) for v in value]
    if isinstance(value, dict):
        return {str(k): cell(v) for k, v in value.items()}
    return str(value)


def table_rows(row_type: type, rows: Sequence[Any]) -> tuple[list[str], list[list[Any]]]:
    """Columns and JSON rows of a report table of dataclass rows."""
    columns = [f.name for f in dataclasses.fields(row_type)]
    return columns, [[cell(getattr(row, name)) for name in columns] for row in rows]


def _done_indices(engine: Engine, run_id: int) -> set[int]:
    with Session(engine) as session:
        query = select(ReplicationRecord.replication).where(ReplicationRecord.run_id == run_id)
        return set(session.exec(query).all())


def _store_replication(engine: Engine, run_id: int, index: int, result: Any) -> bool:
    """Store one replication; False when it was stored already (it was computed twice)."""
    with Session(engine) as session:
        session.add(
            ReplicationRecord(run_id=run_id, replication=index, payload=pickle.dumps(result))
        )
        try:
            session.commit()
        except IntegrityError:  # stored already (a concurrent or earlier worker): same value
            session.rollback()
            return False
    return True


def _load_replications(engine: Engine, run_id: int) -> list[Any]:
    with Session(engine) as session:
        query = (
            select(ReplicationRecord)
            .where(ReplicationRecord.run_id == run_id)
            .order_by(col(ReplicationRecord.replication))
        )
        return [pickle.loads(r.payload) for r in session.exec(query)]


def _routes_geojson(result: Any) -> dict[str, Any] | None:
    routing = getattr(result.prepared, "routing", None)
    if routing is None:
        return None
    from routing.outputs import routes_geojson

    return routes_geojson(routing.chosen)


def _report_page(
    run_id: int,
    tables: dict[str, StoredTable],
    summary: dict[str, Any],
    routes: dict[str, Any] | None,
) -> bytes | None:
    """The run's page, or None when it cannot be drawn (logged; the results stand, and the
    page is rendered again when first asked for)."""
    try:
        return render_stored(tables, summary, routes)
    except Exception:
        logger.exception("run %s: report.html not rendered", run_id)
        return None


def execute_run(
    engine: Engine, run_id: int, route_iterations: int = 500, executor: Executor | None = None
) -> None:
    """Carry a claimed run (status ``running``) to its end; replications run on ``executor``
    (default inline; ``TONGBAN_DASK_SCHEDULER`` in the worker: that Dask cluster)."""
    from sim.job import replication_task
    from tongban.pipeline import RunOptions, finish, prepare, report_tables
    from tongban.pipeline.report import summary

    with Session(engine) as session:
        run = session.get(RunRecord, run_id)
        if run is None or run.status != RunStatus.running:
            return
        body, seed, replications = run.scenario_body, run.seed, run.replications
        started = run.started_at or utcnow()
    scenario = parse_scenario(body, f"run {run_id}")
    options = RunOptions(replications=replications, seed=seed, route_iterations=route_iterations)

    def progress(stage: str, done: int, total: int) -> None:
        _set_progress(engine, run_id, stage, done, total)

    prepared = prepare(scenario, options, progress)
    total = prepared.replications
    done = _done_indices(engine, run_id)
    _set_progress(engine, run_id, SIMULATION, len(done), total)
    missing = [index for index in range(total) if index not in done]
    recomputed = [0]  # replications computed although already stored: 0 on a clean resume

    def store(position: int, result: Any) -> None:
        index = missing[position]
        if not _store_replication(engine, run_id, index, result):
            recomputed[0] += 1
        done.add(index)
        _set_progress(engine, run_id, SIMULATION, len(done), total, recomputed[0])

    if missing:
        _still_running(engine, run_id)
        (executor or InlineExecutor()).map(
            replication_task, (prepared.job, None), missing, on_result=store
        )
    results = _load_replications(engine, run_id)[:total]
    result = finish(prepared, results, started, utcnow())
    stored = {
        name: table_rows(row_type, rows) for name, (row_type, rows) in report_tables(result).items()
    }
    routes = _routes_geojson(result)
    run_summary = cell(summary(result))
    _still_running(engine, run_id)
    page = _report_page(run_id, stored, run_summary, routes)  # seconds: outside a transaction
    with Session(engine) as session:
        run = session.get(RunRecord, run_id)
        if run is None or run.status != RunStatus.running:
            raise Cancelled
        for name, (columns, values) in stored.items():
            existing = session.exec(
                select(ResultTableRecord).where(
                    ResultTableRecord.run_id == run_id, ResultTableRecord.name == name
                )
            ).first()
            if existing is not None:
                session.delete(existing)
                session.flush()
            session.add(ResultTableRecord(run_id=run_id, name=name, columns=columns, rows=values))
        if page is not None:
            session.merge(RunReportRecord(run_id=run_id, html=page))
        run.routes = routes
        run.summary = run_summary
        run.status = RunStatus.succeeded
        run.finished_at = utcnow()
        session.add(run)
        session.commit()


def fail_work(
    engine: Engine, model: type[RunRecord] | type[SweepRecord], item_id: int, message: str
) -> None:
    """Mark a running run or sweep failed with ``message`` (a cancelled one stays cancelled)."""
    with Session(engine) as session:
        session.execute(
            update(model)
            .where(col(model.id) == item_id, col(model.status) == RunStatus.running)
            .values(status=RunStatus.failed, error=message[:2000], finished_at=utcnow())
        )
        session.commit()
