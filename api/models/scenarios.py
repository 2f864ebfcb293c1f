"""Stored scenarios: the body as given (the TOML file's keys), its version and owner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Column, Field, SQLModel

from api.models.common import UTCDateTime, utcnow


class ScenarioBase(SQLModel):
    name: str = Field(max_length=500)


class ScenarioRecord(ScenarioBase, table=True):
    __tablename__ = "scenarios"

    id: int | None = Field(default=None, primary_key=True)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    version: int = 1
    owner_key_id: int = Field(foreign_key="api_keys.id", index=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ScenarioPublic(ScenarioBase):
    id: int
    version: int
    owner_key_id: int
    created_at: datetime
    updated_at: datetime
    body: dict[str, Any]


class ScenarioSummary(ScenarioBase):
    """A scenario in a listing (without its body)."""

    id: int
    version: int
    owner_key_id: int
    created_at: datetime
    updated_at: datetime
