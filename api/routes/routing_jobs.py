"""``/routing/jobs``: send stops (or a benchmark file), get routes back when solved."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy import func
from sqlmodel import Session, col, select

from api.deps import Id, Planner, Reader, SessionDep, SettingsDep
from api.models.common import accepted_response, problem_responses
from api.models.routing_jobs import (
    RoutingJobCreate,
    RoutingJobPublic,
    RoutingJobRecord,
    RoutingJobResult,
)
from api.models.runs import ACTIVE, RunStatus
from api.routing_work import num_stops

router = APIRouter(
    prefix="/routing/jobs", tags=["routing"], responses=problem_responses(401, 403, 422)
)


def public(job: RoutingJobRecord) -> RoutingJobPublic:
    return RoutingJobPublic(
        id=job.id or 0,
        status=RunStatus(job.status),
        error=job.error,
        result=None if job.result is None else RoutingJobResult.model_validate(job.result),
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@router.post(
    "",
    response_model=RoutingJobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(413, 429) | accepted_response("routing job"),
)
def submit(
    body: RoutingJobCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    key: Planner,
) -> JSONResponse:
    """Queue a routing job: depot + stops with time windows and demands + vehicles, or a file."""
    stops = num_stops(body)
    if stops > settings.max_routing_stops:
        raise HTTPException(
            422, f"at most {settings.max_routing_stops} stops per job (got {stops})"
        )
    assert key.id is not None
    active = session.exec(
        select(func.count())
        .select_from(RoutingJobRecord)
        .where(
            RoutingJobRecord.owner_key_id == key.id,
            col(RoutingJobRecord.status).in_(ACTIVE),
        )
    ).one()
    if active >= settings.max_active_runs_per_key:
        raise HTTPException(
            429,
            f"this key already has {active} queued or running routing jobs (limit "
            f"{settings.max_active_runs_per_key})",
            headers={"Retry-After": str(settings.retry_after_seconds)},
        )
    job = RoutingJobRecord(owner_key_id=key.id, request=body.model_dump(mode="json"))
    session.add(job)
    session.commit()
    session.refresh(job)
    dispatcher = getattr(request.app.state, "dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake()
    headers = {"Location": f"/routing/jobs/{job.id}", "Retry-After": "1"}
    return JSONResponse(
        public(job).model_dump(mode="json"), status.HTTP_202_ACCEPTED, headers=headers
    )


def load_job(session: Session, job_id: Id) -> RoutingJobRecord:
    job = session.get(RoutingJobRecord, job_id)
    if job is None:
        raise HTTPException(404, f"no routing job with id {job_id}")
    return job


@router.get("/{job_id}", response_model=RoutingJobPublic, responses=problem_responses(404))
def get_job(job_id: Id, session: SessionDep, _key: Reader) -> JSONResponse:
    """Status, and the routes once solved (``Retry-After`` while queued or running)."""
    job = load_job(session, job_id)
    headers = {"Retry-After": "1"} if job.status in ACTIVE else None
    return JSONResponse(public(job).model_dump(mode="json"), headers=headers)
