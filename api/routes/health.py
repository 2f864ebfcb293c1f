"""``GET /health``: the service is up and its database answers."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import SessionDep
from tongban import __version__

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    database: str


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    """No key needed."""
    session.connection().execute(text("SELECT 1"))
    return Health(status="ok", version=__version__, database=session.get_bind().dialect.name)
