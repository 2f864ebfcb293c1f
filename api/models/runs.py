"""Runs of a stored scenario, their replications (one row each), result tables and report page."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from sqlalchemy import JSON, BigInteger, LargeBinary, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from api.models.common import UTCDateTime, utcnow


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


FINISHED = (RunStatus.succeeded, RunStatus.failed, RunStatus.cancelled)
ACTIVE = (RunStatus.queued, RunStatus.running)


class RunCreate(BaseModel):
    """``POST /scenarios/{id}/runs``: both default to the scenario's own values."""

    model_config = ConfigDict(extra="forbid")

    replications: int | None = PydanticField(default=None, ge=1)
    seed: int | None = PydanticField(default=None, ge=0, le=2**63 - 1)


class RunRecord(SQLModel, table=True):
    __tablename__ = "runs"
    __table_args__ = (UniqueConstraint("owner_key_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenarios.id", index=True)
    scenario_version: int
    scenario_body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    owner_key_id: int = Field(foreign_key="api_keys.id", index=True)
    idempotency_key: str | None = Field(default=None, max_length=200)
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    replications: int
    status: str = Field(default=RunStatus.queued, max_length=16, index=True)
    progress: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = None
    summary: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    routes: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class ReplicationRecord(SQLModel, table=True):
    """One finished replication, pickled, so a restarted run recomputes only missing ones."""

    __tablename__ = "run_replications"
    __table_args__ = (UniqueConstraint("run_id", "replication"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id", index=True)
    replication: int
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ResultTableRecord(SQLModel, table=True):
    """One table of a run's report: its columns and rows (JSON values)."""

    __tablename__ = "run_result_tables"
    __table_args__ = (UniqueConstraint("run_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id", index=True)
    name: str = Field(max_length=100)
    columns: list[str] = Field(sa_column=Column(JSON, nullable=False))
    rows: list[list[Any]] = Field(sa_column=Column(JSON, nullable=False))


class RunReportRecord(SQLModel, table=True):
    """A succeeded run's ``report.html`` (UTF-8), rendered once: by the worker as the run
    finishes, or on the first request for a run finished before pages were stored."""

    __tablename__ = "run_reports"

    run_id: int = Field(foreign_key="runs.id", primary_key=True)
    html: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class StageProgress(BaseModel):
    done: int
    total: int
    recomputed: int = 0  # replications computed again although already stored (resumes)


class RunPublic(BaseModel):
    id: int
    scenario_id: int
    scenario_version: int
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    replications: int
    status: RunStatus
    progress: dict[str, StageProgress]
    error: str | None
    tables: list[str]
    summary: dict[str, Any] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ResultTablePublic(BaseModel):
    run_id: int
    table: str
    columns: list[str]
    rows: list[dict[str, Any]]
