"""Sweeps: submit (202 + Location, ``Idempotency-Key``), list, status, cancel, results."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.deps import MAX_ID, Id, Planner, Reader, SessionDep, SettingsDep
from api.models.common import accepted_response, problem_responses, utcnow
from api.models.keys import ApiKey
from api.models.runs import ACTIVE, FINISHED, RunStatus
from api.models.sweeps import (
    SweepCreate,
    SweepPublic,
    SweepRecord,
    SweepResultsPublic,
    SweepSetting,
)
from api.quota import check_quota
from api.routes.listing import newest_first
from api.sweep_input import plan, resolve_base
from tongban.pipeline.sweep import sweep_csv_text

router = APIRouter(tags=["sweeps"], responses=problem_responses(401, 403, 422))


def public(sweep: SweepRecord) -> SweepPublic:
    """The sweep as the API shows it."""
    return SweepPublic(
        id=sweep.id or 0,
        scenario_id=sweep.scenario_id,
        scenario_version=sweep.scenario_version,
        scenario_name=sweep.scenario_name,
        settings=[SweepSetting.model_validate(s) for s in sweep.settings],
        points=sweep.points,
        seed=sweep.seed,
        replications=sweep.replications,
        routing=sweep.routing,
        status=RunStatus(sweep.status),
        progress=sweep.progress,
        error=sweep.error,
        created_at=sweep.created_at,
        started_at=sweep.started_at,
        finished_at=sweep.finished_at,
    )


def load_sweep(session: Session, sweep_id: int) -> SweepRecord:
    sweep = session.get(SweepRecord, sweep_id)
    if sweep is None:
        raise HTTPException(404, f"no sweep with id {sweep_id}")
    return sweep


def _accepted(sweep: SweepRecord, retry: int) -> JSONResponse:
    headers = {"Location": f"/sweeps/{sweep.id}", "Retry-After": str(retry)}
    body = public(sweep).model_dump(mode="json")
    return JSONResponse(body, status.HTTP_202_ACCEPTED, headers=headers)


def _same_request(sweep: SweepRecord, wanted: dict[str, Any]) -> bool:
    stored = {name: getattr(sweep, name) for name in wanted}
    return stored == wanted


def _replay(
    session: Session, key: ApiKey, value: str, wanted: dict[str, Any]
) -> SweepRecord | None:
    """The sweep stored under this ``Idempotency-Key`` (409 if it asked for something else)."""
    sweep = session.exec(
        select(SweepRecord).where(
            SweepRecord.owner_key_id == key.id, SweepRecord.idempotency_key == value
        )
    ).first()
    if sweep is not None and not _same_request(sweep, wanted):
        raise HTTPException(
            409, f"Idempotency-Key already used for sweep {sweep.id} with other parameters"
        )
    return sweep


@router.post(
    "/sweeps",
    response_model=SweepPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(404, 409, 429) | accepted_response("sweep"),
)
def submit(
    body: SweepCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    key: Planner,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """Queue a sweep: every point validated now (422 naming the setting), run by a worker."""
    base = resolve_base(body, session, settings)
    points = plan(body, base, settings)
    assert key.id is not None
    wanted: dict[str, Any] = {
        "scenario_body": base.body,
        "settings": [s.model_dump(mode="json") for s in body.settings],
        "replications": body.replications,
        "seed": body.seed,
        "routing": body.routing,
    }
    retry = settings.retry_after_seconds
    if idempotency_key and (found := _replay(session, key, idempotency_key, wanted)) is not None:
        return _accepted(found, retry)
    check_quota(session, key.id, settings)
    sweep = SweepRecord(
        scenario_id=base.scenario_id,
        scenario_version=base.scenario_version,
        scenario_name=base.name,
        points=len(points),
        owner_key_id=key.id,
        idempotency_key=idempotency_key,
        progress={"prepare": {"done": 0, "total": len(points)}},
        **wanted,
    )
    session.add(sweep)
    try:
        session.commit()
    except IntegrityError:  # a concurrent request with the same Idempotency-Key won
        session.rollback()
        found = _replay(session, key, idempotency_key or "", wanted)
        if found is None:
            raise
        return _accepted(found, retry)
    session.refresh(sweep)
    dispatcher = getattr(request.app.state, "dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake()
    return _accepted(sweep, retry)


#: Columns of a sweep that a list does not show: not read, and never loaded one at a time.
LIST_SKIPS = ("scenario_body", "columns", "rows")


@router.get("/sweeps", response_model=list[SweepPublic])
def list_sweeps(
    session: SessionDep,
    _key: Reader,
    scenario_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[SweepPublic]:
    """Sweeps, newest first (optionally of one stored scenario)."""
    query = newest_first(SweepRecord, LIST_SKIPS, scenario_id)
    return [public(sweep) for sweep in session.exec(query)]


@router.get("/sweeps/{sweep_id}", response_model=SweepPublic, responses=problem_responses(404))
def get_sweep(
    sweep_id: Id, response: Response, session: SessionDep, settings: SettingsDep, _key: Reader
) -> SweepPublic:
    """Status and progress (points prepared, replications done, points complete)."""
    sweep = load_sweep(session, sweep_id)
    if sweep.status in ACTIVE:
        response.headers["Retry-After"] = str(settings.retry_after_seconds)
    return public(sweep)


@router.post(
    "/sweeps/{sweep_id}/cancel",
    response_model=SweepPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(404, 409),
)
def cancel(sweep_id: Id, session: SessionDep, key: Planner) -> SweepPublic:
    """Stop a queued or running sweep (the worker stops at its next step)."""
    sweep = load_sweep(session, sweep_id)
    if key.role != "admin" and sweep.owner_key_id != key.id:
        raise HTTPException(
            403,
            f"sweep {sweep_id} belongs to another key; only its owner or an admin may cancel it",
        )
    if sweep.status in FINISHED:
        raise HTTPException(
            409, f"sweep {sweep_id} already finished ({sweep.status}); nothing to cancel"
        )
    sweep.status = RunStatus.cancelled
    sweep.finished_at = utcnow()
    session.add(sweep)
    session.commit()
    return public(sweep)


@router.get(
    "/sweeps/{sweep_id}/results",
    response_model=SweepResultsPublic,
    responses={
        **problem_responses(404, 409),
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "One row per point (as tongban sweep's sweep.csv with format=csv)",
        },
    },
)
def results(
    sweep_id: Id, session: SessionDep, _key: Reader, format: Literal["json", "csv"] = "json"
) -> Response:
    """One row per point: the settings, ``replications``, then the KPIs (units in names)."""
    sweep = load_sweep(session, sweep_id)
    if sweep.status != RunStatus.succeeded or sweep.columns is None or sweep.rows is None:
        raise HTTPException(
            409, f"sweep {sweep_id} is {sweep.status}; results exist once it has succeeded"
        )
    rows = [dict(zip(sweep.columns, row, strict=True)) for row in sweep.rows]
    if format == "csv":
        return Response(sweep_csv_text(rows), media_type="text/csv; charset=utf-8")
    body = SweepResultsPublic(sweep_id=sweep_id, columns=sweep.columns, rows=rows)
    return JSONResponse(body.model_dump(mode="json"))
