"""Sweeps: a scenario over the product of settings (as ``tongban sweep``), one row per point.

The sweep's row holds the base scenario it sweeps (the body, as stored scenarios hold it),
the settings, and at the end the result rows; each finished (point, replication) is stored
on its own (pickled), so a resumed sweep computes only the missing ones.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, JsonValue, field_validator, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import JSON, BigInteger, LargeBinary, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from api.models.common import UTCDateTime, utcnow
from api.models.runs import RunStatus, StageProgress
from sim.scenarios.loader import shipped_names
from sim.scenarios.overrides import MAX_VALUES

MAX_ID = 2**31 - 1  # ids are 32-bit integers on every database (as api.deps.MAX_ID)
MAX_SETTINGS = 20  # swept settings per sweep
SETTING_PATH = r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$"
SHIPPED = shipped_names()


def _finite(value: Any) -> Any:
    """Reject NaN/inf anywhere inside a value (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("values must be finite numbers, text, true/false or lists of them")
    if isinstance(value, list):
        for item in value:
            _finite(item)
    if isinstance(value, dict):
        for item in value.values():
            _finite(item)
    return value


class SweepSetting(BaseModel):
    """One swept setting: ``tongban sweep --set windows.W1.clerks=9,10,11`` as JSON."""

    model_config = ConfigDict(extra="forbid")

    path: str = PydanticField(
        min_length=1,
        max_length=200,
        pattern=SETTING_PATH,
        description="Dotted path into the scenario; a list is entered by an element's id, "
        "its window, or an index (windows.W1.clerks, demand.0.per_hour, days)",
        examples=["windows.W1.clerks"],
    )
    values: list[JsonValue] = PydanticField(
        min_length=1,
        max_length=MAX_VALUES,
        description="The values it takes, as the scenario file would hold them",
        examples=[[9, 10, 11]],
    )

    _values = field_validator("values")(_finite)


class SweepCreate(BaseModel):
    """``POST /sweeps``: one of ``scenario_name``, ``scenario_id`` or ``scenario_toml``."""

    model_config = ConfigDict(extra="forbid")

    scenario_name: str | None = PydanticField(
        default=None,
        max_length=100,
        description="A shipped scenario",
        json_schema_extra={"enum": [*SHIPPED, None]},
    )
    scenario_id: int | None = PydanticField(
        default=None, ge=1, le=MAX_ID, description="A stored scenario (its current version)"
    )
    scenario_toml: str | None = PydanticField(
        default=None, description="A scenario file's text (TOML), validated as POST /scenarios"
    )
    settings: list[SweepSetting] = PydanticField(min_length=1, max_length=MAX_SETTINGS)
    replications: int | None = PydanticField(
        default=None, ge=1, description="Per point; default: each point's scenario value"
    )
    seed: int | None = PydanticField(
        default=None, ge=0, le=2**63 - 1, description="Default: each point's scenario seed"
    )
    routing: bool = PydanticField(
        default=False, description="Plan EMS routes for every point (default: fixed pickups)"
    )

    @field_validator("scenario_name")
    @classmethod
    def _shipped(cls, name: str | None) -> str | None:
        if name is not None and name not in SHIPPED:
            raise ValueError(f"no shipped scenario {name!r}; shipped: {', '.join(SHIPPED)}")
        return name

    @model_validator(mode="after")
    def _one_scenario(self) -> SweepCreate:
        given = [self.scenario_name, self.scenario_id, self.scenario_toml]
        if sum(v is not None for v in given) != 1:
            raise ValueError("give exactly one of scenario_name, scenario_id, scenario_toml")
        return self


class SweepRecord(SQLModel, table=True):
    __tablename__ = "sweeps"
    __table_args__ = (UniqueConstraint("owner_key_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int | None = Field(default=None, foreign_key="scenarios.id", index=True)
    scenario_version: int | None = None
    scenario_name: str = Field(max_length=500)  # the shipped name, or the scenario's own
    scenario_body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    settings: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    points: int
    owner_key_id: int = Field(foreign_key="api_keys.id", index=True)
    idempotency_key: str | None = Field(default=None, max_length=200)
    seed: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    replications: int | None = None
    routing: bool = False
    status: str = Field(default=RunStatus.queued, max_length=16, index=True)
    progress: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = None
    columns: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    rows: list[list[Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class SweepReplicationRecord(SQLModel, table=True):
    """One finished replication of one point, pickled."""

    __tablename__ = "sweep_replications"
    __table_args__ = (UniqueConstraint("sweep_id", "point", "replication"),)

    id: int | None = Field(default=None, primary_key=True)
    sweep_id: int = Field(foreign_key="sweeps.id", index=True)
    point: int
    replication: int
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class SweepPublic(BaseModel):
    id: int
    scenario_id: int | None
    scenario_version: int | None
    scenario_name: str
    settings: list[SweepSetting]
    points: int
    seed: int | None
    replications: int | None
    routing: bool
    status: RunStatus
    progress: dict[str, StageProgress]
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class SweepResultsPublic(BaseModel):
    """One row per point: the settings, ``replications``, then the KPIs (units in names)."""

    sweep_id: int
    columns: list[str]
    rows: list[dict[str, Any]]
