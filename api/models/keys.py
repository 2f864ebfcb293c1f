"""API keys: stored as SHA-256 hashes with a role and a name; the key itself is shown once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Column, Field, SQLModel

from api.models.common import UTCDateTime, utcnow


class Role(StrEnum):
    """What a key may do: analysts read, planners also write, admins manage keys."""

    analyst = "analyst"
    planner = "planner"
    admin = "admin"


class ApiKeyBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class ApiKeyCreate(ApiKeyBase):
    """``POST /keys``: a name and a role."""


class ApiKeyPublic(ApiKeyBase):
    id: int
    prefix: str
    created_at: datetime
    revoked_at: datetime | None = None


class ApiKeyCreated(ApiKeyPublic):
    """The new key, shown once: only its hash is stored."""

    key: str
