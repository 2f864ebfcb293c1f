"""Request dependencies: the database session, the caller's API key and role checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.models.keys import ApiKey, Role
from api.security import KeyCache, find_key, hash_key
from api.settings import Settings

MAX_ID = 2**31 - 1  # ids are 32-bit integers on every database

#: A resource id in a path: a positive 32-bit integer (422 otherwise, never a database error).
Id = Annotated[int, Path(ge=1, le=MAX_ID)]

API_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="Your API key")

#: Which roles may act with each required role.
ALLOWED: dict[Role, frozenset[str]] = {
    Role.analyst: frozenset({"analyst", "planner", "admin"}),
    Role.planner: frozenset({"planner", "admin"}),
    Role.admin: frozenset({"admin"}),
}


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _lookup(engine: Engine, key: str) -> ApiKey | None:
    with Session(engine, expire_on_commit=False) as session:
        return find_key(session, key)


async def current_key(
    request: Request, key: Annotated[str | None, Security(API_KEY_HEADER)]
) -> ApiKey:
    """The caller's key: 401 when missing or unknown (recent keys come from a short cache)."""
    if not key:
        raise HTTPException(401, "missing API key: send it in the X-API-Key header")
    cache: KeyCache = request.app.state.key_cache
    record = cache.get(hash_key(key))
    if record is None:
        record = await run_in_threadpool(_lookup, request.app.state.engine, key)
        if record is None:
            raise HTTPException(401, "unknown or revoked API key (X-API-Key)")
        cache.put(record)
    return record


def require(role: Role) -> Callable[[ApiKey], Awaitable[ApiKey]]:
    """A dependency that lets through keys whose role includes ``role`` (403 otherwise)."""

    async def check(key: Annotated[ApiKey, Depends(current_key)]) -> ApiKey:
        if key.role not in ALLOWED[role]:
            raise HTTPException(
                403, f"this needs a {role.value} key (or higher); key {key.name!r} is {key.role}"
            )
        return key

    return check


Reader = Annotated[ApiKey, Depends(require(Role.analyst))]
Planner = Annotated[ApiKey, Depends(require(Role.planner))]
Admin = Annotated[ApiKey, Depends(require(Role.admin))]
