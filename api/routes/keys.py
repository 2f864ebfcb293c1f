"""``/keys``: admins create, list and revoke API keys."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from sqlmodel import col, select

from api.deps import Admin, Id, SessionDep
from api.models.common import problem_responses, utcnow
from api.models.keys import ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyPublic, Role
from api.security import create_key

router = APIRouter(prefix="/keys", tags=["keys"], responses=problem_responses(401, 403, 422))


@router.post("", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
def create(body: ApiKeyCreate, session: SessionDep, _admin: Admin) -> ApiKeyCreated:
    """A new key; ``key`` is shown only in this response."""
    record, key = create_key(session, body.name, Role(body.role))
    return ApiKeyCreated.model_validate(record.model_dump() | {"key": key})


@router.get("", response_model=list[ApiKeyPublic])
def list_keys(session: SessionDep, _admin: Admin) -> list[ApiKey]:
    """Every key (hashes are never shown)."""
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.id))))


@router.delete("/{key_id}", response_model=ApiKeyPublic, responses=problem_responses(404))
def revoke(key_id: Id, request: Request, session: SessionDep, _admin: Admin) -> ApiKey:
    """Revoke a key: it stops working at once."""
    record = session.get(ApiKey, key_id)
    if record is None:
        raise HTTPException(404, f"no API key with id {key_id}")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.add(record)
        session.commit()
    request.app.state.key_cache.forget(record.key_hash)
    return record
