"""Runs: submit (202 + Location, ``Idempotency-Key``), status, cancel, results, routes."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, HTTPException, Query, Request, Response, status
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.deps import MAX_ID, Id, Planner, Reader, SessionDep, SettingsDep
from api.models.common import accepted_response, problem_responses, utcnow
from api.models.keys import ApiKey
from api.models.runs import (
    ACTIVE,
    FINISHED,
    ResultTablePublic,
    ResultTableRecord,
    RunCreate,
    RunPublic,
    RunRecord,
    RunReportRecord,
    RunStatus,
)
from api.quota import check_quota
from api.result_cache import ResultCache
from api.routes.listing import newest_first
from api.routes.scenarios import load as load_scenario
from api.run_report import report_on_demand
from sim.scenarios.budget import check_run_size
from sim.scenarios.loader import parse_scenario
from tongban.kernel.errors import InputError
from tongban.kernel.tables import report_cell, safe_cell

router = APIRouter(tags=["runs"], responses=problem_responses(401, 403, 422))


def table_names(session: Session, run_ids: list[int]) -> dict[int, list[str]]:
    """The names of the runs' result tables (sorted), in one query: run id → names."""
    names: dict[int, list[str]] = {run_id: [] for run_id in run_ids}
    if run_ids:
        query = (
            select(ResultTableRecord.run_id, ResultTableRecord.name)
            .where(col(ResultTableRecord.run_id).in_(run_ids))
            .order_by(col(ResultTableRecord.run_id), col(ResultTableRecord.name))
        )
        for run_id, name in session.exec(query):
            names[run_id].append(name)
    return names


def public(session: Session, run: RunRecord, tables: list[str] | None = None) -> RunPublic:
    """The run as the API shows it, with the names of its result tables (``tables``: known
    already, as :func:`list_runs` loads them for every run at once)."""
    assert run.id is not None
    if tables is None:
        tables = table_names(session, [run.id])[run.id]
    return RunPublic(
        id=run.id,
        scenario_id=run.scenario_id,
        scenario_version=run.scenario_version,
        seed=run.seed,
        replications=run.replications,
        status=RunStatus(run.status),
        progress=run.progress,
        error=run.error,
        tables=tables,
        summary=run.summary,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


def load_run(session: Session, run_id: Id) -> RunRecord:
    run = session.get(RunRecord, run_id)
    if run is None:
        raise HTTPException(404, f"no run with id {run_id}")
    return run


def _accepted(session: Session, run: RunRecord, settings_retry: int) -> JSONResponse:
    body = public(session, run).model_dump(mode="json")
    headers = {"Location": f"/runs/{run.id}", "Retry-After": str(settings_retry)}
    return JSONResponse(body, status.HTTP_202_ACCEPTED, headers=headers)


@router.post(
    "/scenarios/{scenario_id}/runs",
    response_model=RunPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(404, 409, 413, 429) | accepted_response("run"),
)
def submit(
    scenario_id: Id,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    key: Planner,
    body: Annotated[RunCreate | None, Body()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """Queue a run of the scenario's current version; repeat-safe with ``Idempotency-Key``."""
    options = body or RunCreate()
    scenario = load_scenario(session, scenario_id)
    stored = parse_scenario(scenario.body, f"scenario {scenario_id}")
    replications = options.replications or stored.replications
    seed = options.seed if options.seed is not None else stored.seed
    if replications > settings.max_replications:
        message = f"replications must be at most {settings.max_replications} (got {replications})"
        raise HTTPException(422, message)
    try:
        check_run_size(stored, replications)
    except InputError as exc:
        raise HTTPException(422, str(exc)) from None
    assert key.id is not None
    if idempotency_key:
        existing = _by_idempotency_key(session, key, idempotency_key)
        if existing is not None:
            return _replay(
                session, existing, scenario_id, replications, seed, settings.retry_after_seconds
            )
    check_quota(session, key.id, settings)
    run = RunRecord(
        scenario_id=scenario_id,
        scenario_version=scenario.version,
        scenario_body=scenario.body,
        owner_key_id=key.id,
        idempotency_key=idempotency_key,
        seed=seed,
        replications=replications,
        progress={"simulation": {"done": 0, "total": replications}},
    )
    session.add(run)
    try:
        session.commit()
    except IntegrityError:  # a concurrent request with the same Idempotency-Key won
        session.rollback()
        existing = _by_idempotency_key(session, key, idempotency_key or "")
        if existing is None:
            raise
        return _replay(
            session, existing, scenario_id, replications, seed, settings.retry_after_seconds
        )
    session.refresh(run)
    dispatcher = getattr(request.app.state, "dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake()
    return _accepted(session, run, settings.retry_after_seconds)


def _by_idempotency_key(session: Session, key: ApiKey, value: str) -> RunRecord | None:
    return session.exec(
        select(RunRecord).where(
            RunRecord.owner_key_id == key.id, RunRecord.idempotency_key == value
        )
    ).first()


def _replay(
    session: Session, run: RunRecord, scenario_id: int, replications: int, seed: int, retry: int
) -> JSONResponse:
    if (run.scenario_id, run.replications, run.seed) != (scenario_id, replications, seed):
        raise HTTPException(
            409,
            f"Idempotency-Key already used for run {run.id} with other parameters "
            f"(scenario {run.scenario_id}, replications {run.replications}, seed {run.seed})",
        )
    return _accepted(session, run, retry)


#: Columns of a run that a list does not show: not read, and never loaded one run at a time.
LIST_SKIPS = ("scenario_body", "routes")


@router.get("/runs", response_model=list[RunPublic])
def list_runs(
    session: SessionDep,
    _key: Reader,
    scenario_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[RunPublic]:
    """Runs, newest first (optionally of one scenario)."""
    runs = list(session.exec(newest_first(RunRecord, LIST_SKIPS, scenario_id)))
    names = table_names(session, [run.id for run in runs if run.id is not None])
    return [public(session, run, names[run.id or 0]) for run in runs]


@router.get("/runs/{run_id}", response_model=RunPublic, responses=problem_responses(404))
def get_run(
    run_id: Id, response: Response, session: SessionDep, settings: SettingsDep, _key: Reader
) -> RunPublic:
    """Status and progress per stage; ``Retry-After`` while queued or running."""
    run = load_run(session, run_id)
    if run.status in ACTIVE:
        response.headers["Retry-After"] = str(settings.retry_after_seconds)
    return public(session, run)


@router.post(
    "/runs/{run_id}/cancel",
    response_model=RunPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(404, 409),
)
def cancel(run_id: Id, session: SessionDep, key: Planner) -> RunPublic:
    """Stop a queued or running run (the worker stops at its next step)."""
    run = load_run(session, run_id)
    if key.role != "admin" and run.owner_key_id != key.id:
        raise HTTPException(
            403, f"run {run_id} belongs to another key; only its owner or an admin may cancel it"
        )
    if run.status in FINISHED:
        raise HTTPException(409, f"run {run_id} already finished ({run.status}); nothing to cancel")
    run.status = RunStatus.cancelled
    run.finished_at = utcnow()
    session.add(run)
    session.commit()
    return public(session, run)


def _finished_run(session: Session, run_id: Id) -> RunRecord:
    run = load_run(session, run_id)
    if run.status != RunStatus.succeeded:
        raise HTTPException(
            409, f"run {run_id} is {run.status}; results exist once it has succeeded"
        )
    return run


def _cell(value: Any) -> Any:
    return "" if value is None else value


def render_result(engine: Engine, run_id: int, table: str, fmt: str) -> tuple[bytes, str]:
    """A succeeded run's table as JSON or CSV bytes (404/409 otherwise)."""
    with Session(engine) as session:
        _finished_run(session, run_id)
        record = session.exec(
            select(ResultTableRecord).where(
                ResultTableRecord.run_id == run_id, ResultTableRecord.name == table
            )
        ).first()
        if record is None:
            query = select(ResultTableRecord.name).where(ResultTableRecord.run_id == run_id)
            names = ", ".join(sorted(session.exec(query).all()))
            raise HTTPException(404, f"run {run_id} has no table {table!r}; tables: {names}")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(record.columns)
        # the report's cell style, with formula-like text escaped (tongban.kernel.tables)
        writer.writerows([safe_cell(report_cell(_cell(v))) for v in row] for row in record.rows)
        return out.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
    rows = [dict(zip(record.columns, row, strict=True)) for row in record.rows]
    body = {"run_id": run_id, "table": table, "columns": record.columns, "rows": rows}
    text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8"), "application/json"


@router.get(
    "/runs/{run_id}/results/{table}",
    response_model=ResultTablePublic,
    responses={
        **problem_responses(404, 409),
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The table"},
    },
)
async def results(
    run_id: Id,
    table: Annotated[str, PathParam(max_length=100)],
    request: Request,
    _key: Reader,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """One table of the report (``turnaround``, ``windows``, …) as JSON or CSV."""
    cache: ResultCache = request.app.state.result_cache
    rendered = cache.get((run_id, table, format))
    if rendered is None:
        engine = request.app.state.engine
        rendered = await run_in_threadpool(render_result, engine, run_id, table, format)
        cache.put((run_id, table, format), rendered)
    return Response(rendered[0], media_type=rendered[1])


@router.get(
    "/runs/{run_id}/routes",
    responses={
        **problem_responses(404, 409),
        200: {
            "content": {"application/geo+json": {"schema": {"type": "object"}}},
            "description": "The chosen pickup plan's routes (FeatureCollection)",
        },
    },
)
def routes(run_id: Id, session: SessionDep, _key: Reader) -> Response:
    """The pickup routes of the run's routing stage as GeoJSON (EPSG:4326)."""
    run = _finished_run(session, run_id)
    if run.routes is None:
        raise HTTPException(404, f"run {run_id} has no routes (abstract scenario or routing off)")
    return JSONResponse(run.routes, media_type="application/geo+json")


#: Headers of the rendered report: it carries its own scripts and styles inline and fetches
#: nothing (the CSP makes sure), and it is never stored by a browser or proxy.
REPORT_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
}


@router.get(
    "/runs/{run_id}/report.html",
    response_class=Response,
    responses={
        **problem_responses(404, 409),
        200: {
            "content": {"text/html": {"schema": {"type": "string"}}},
            "description": "The self-contained report page (charts, tables, map)",
        },
    },
)
async def report_page(run_id: Id, request: Request, _key: Reader) -> Response:
    """The run's ``report.html``: what was run, the charts, the tables and the map."""
    page = await run_in_threadpool(report_bytes, request.app.state.engine, run_id)
    return Response(page, media_type="text/html; charset=utf-8", headers=REPORT_HEADERS)


def report_bytes(engine: Engine, run_id: int) -> bytes:
    """A succeeded run's stored page (404/409 otherwise); a run finished before pages were
    stored has its page rendered and stored now (blocking: call it in a thread)."""
    with Session(engine, expire_on_commit=False) as session:
        run = _finished_run(session, run_id)
        stored = session.get(RunReportRecord, run_id)
        if stored is not None:
            return stored.html
    return report_on_demand(engine, run)
