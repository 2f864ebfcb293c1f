"""``/scenarios``: create, list, read, replace and delete stored scenarios."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy import func
from sqlmodel import Session, col, select

from api.deps import Id, Planner, Reader, SessionDep, SettingsDep
from api.models.common import problem_responses, utcnow
from api.models.keys import ApiKey
from api.models.runs import RunRecord
from api.models.scenarios import ScenarioPublic, ScenarioRecord, ScenarioSummary
from api.models.sweeps import SweepRecord
from api.scenario_input import SCENARIO_BODY_DOC, read_scenario

router = APIRouter(prefix="/scenarios", tags=["scenarios"], responses=problem_responses(401, 403))
WRITE_ERRORS = problem_responses(400, 413, 415, 422)


def load(session: Session, scenario_id: Id) -> ScenarioRecord:
    """The stored scenario (404 if there is none)."""
    record = session.get(ScenarioRecord, scenario_id)
    if record is None:
        raise HTTPException(404, f"no scenario with id {scenario_id}")
    return record


def check_owner(record: ScenarioRecord, key: ApiKey) -> None:
    """Only the owner (or an admin) changes a scenario."""
    if key.role != "admin" and record.owner_key_id != key.id:
        raise HTTPException(
            403,
            f"scenario {record.id} belongs to another key; "
            "only its owner or an admin may change it",
        )


@router.post(
    "",
    response_model=ScenarioPublic,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=SCENARIO_BODY_DOC,
    responses=WRITE_ERRORS,
)
async def create(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep, key: Planner
) -> ScenarioRecord:
    """Store a scenario (JSON with the TOML file's keys, or ``application/toml``)."""
    scenario, body = await read_scenario(request, settings)
    assert key.id is not None
    record = ScenarioRecord(name=scenario.name, body=body, owner_key_id=key.id)
    session.add(record)
    session.commit()
    session.refresh(record)
    response.headers["Location"] = f"/scenarios/{record.id}"
    return record


@router.get("", response_model=list[ScenarioSummary])
def list_scenarios(session: SessionDep, _key: Reader) -> list[ScenarioRecord]:
    """Every stored scenario (without bodies)."""
    return list(session.exec(select(ScenarioRecord).order_by(col(ScenarioRecord.id))))


@router.get("/{scenario_id}", response_model=ScenarioPublic, responses=problem_responses(404, 422))
def get(scenario_id: Id, session: SessionDep, _key: Reader) -> ScenarioRecord:
    """One scenario with its body."""
    return load(session, scenario_id)


@router.put(
    "/{scenario_id}",
    response_model=ScenarioPublic,
    openapi_extra=SCENARIO_BODY_DOC,
    responses=WRITE_ERRORS | problem_responses(404),
)
async def replace(
    scenario_id: Id, request: Request, session: SessionDep, settings: SettingsDep, key: Planner
) -> ScenarioRecord:
    """Replace the body; the version goes up by one (runs keep the version they ran)."""
    record = load(session, scenario_id)
    check_owner(record, key)
    scenario, body = await read_scenario(request, settings)
    record.name, record.body = scenario.name, body
    record.version += 1
    record.updated_at = utcnow()
    session.add(record)
    session.commit()
    session.refresh(record)
    return record


@router.delete(
    "/{scenario_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 409, 422),
)
def delete(scenario_id: Id, session: SessionDep, key: Planner) -> Response:
    """Delete a scenario that has no runs or sweeps."""
    record = load(session, scenario_id)
    check_owner(record, key)
    runs, sweeps = (
        session.exec(
            select(func.count()).select_from(model).where(col(model.scenario_id) == scenario_id)
        ).one()
        for model in (RunRecord, SweepRecord)
    )
    if runs or sweeps:
        raise HTTPException(
            409,
            f"scenario {scenario_id} has {runs} runs and {sweeps} sweeps; "
            "their results refer to it",
        )
    session.delete(record)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
