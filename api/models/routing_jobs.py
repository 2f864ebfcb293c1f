"""Routing jobs: a logistics team's own stops (or a benchmark file) → routes, as a service."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import JSON
from sqlmodel import Column, Field, SQLModel

from api.models.common import UTCDateTime, utcnow
from api.models.runs import RunStatus
from tongban.kernel.clock import parse_clock


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _clock(value: str) -> str:
    parse_clock(value)  # ValueError names the allowed form
    return value


Longitude = PydanticField(ge=-180.0, le=180.0)
Latitude = PydanticField(ge=-90.0, le=90.0)


class DepotIn(Strict):
    """The mail processing centre: vans leave after ``open`` and are back by ``cutoff``."""

    name: str = PydanticField(default="depot", max_length=200)
    lon: float = Longitude
    lat: float = Latitude
    open: str = "06:00"
    cutoff: str = "20:00"

    _times = field_validator("open", "cutoff")(_clock)


class StopIn(Strict):
    """A place to collect from once, between ``open`` and ``close`` (HH:MM)."""

    id: str = PydanticField(min_length=1, max_length=200)
    lon: float = Longitude
    lat: float = Latitude
    open: str = "09:00"
    close: str = "17:00"
    demand: int = PydanticField(default=1, ge=0, le=10**6)
    service_minutes: float = PydanticField(default=5.0, ge=0.0, le=600.0)

    _times = field_validator("open", "close")(_clock)

    @model_validator(mode="after")
    def _window(self) -> StopIn:
        if parse_clock(self.close) < parse_clock(self.open):
            raise ValueError(f"close {self.close} is before open {self.open}")
        return self


class VehiclesIn(Strict):
    """``count`` identical vans; costs in yuan."""

    name: str = PydanticField(default="van", max_length=200)
    count: int = PydanticField(ge=1, le=1000)
    capacity: int = PydanticField(ge=1, le=10**6)
    cost_per_km: float = PydanticField(default=2.0, ge=0.0, le=10**4)
    cost_per_vehicle: float = PydanticField(default=0.0, ge=0.0, le=10**6)
    shift_start: str = "00:00"
    shift_end: str = "24:00"

    _times = field_validator("shift_start", "shift_end")(_clock)


class InstanceIn(Strict):
    """A benchmark file's text: Solomon ``.txt`` or VRPLIB ``.vrp``."""

    format: Literal["solomon", "vrplib"]
    text: str = PydanticField(min_length=1)


class RoutingJobCreate(Strict):
    """``POST /routing/jobs``: either depot + stops + vehicles, or ``instance``."""

    depot: DepotIn | None = None
    stops: list[StopIn] | None = None
    vehicles: list[VehiclesIn] | None = None
    instance: InstanceIn | None = None
    iterations: int = PydanticField(default=1000, ge=1, le=100_000)
    seconds: float | None = PydanticField(default=None, gt=0.0)
    seed: int = PydanticField(default=0, ge=0, le=2**31 - 1)

    @model_validator(mode="after")
    def _one_form(self) -> RoutingJobCreate:
        sites = (self.depot, self.stops, self.vehicles)
        if self.instance is not None:
            if any(part is not None for part in sites):
                raise ValueError("give either instance or depot + stops + vehicles, not both")
            return self
        if any(part is None for part in sites):
            raise ValueError("give depot, stops and vehicles (or an instance file)")
        assert self.stops is not None and self.vehicles is not None
        if not self.stops or not self.vehicles:
            raise ValueError("stops and vehicles must not be empty")
        if len({s.id for s in self.stops}) != len(self.stops):
            raise ValueError("stop ids must be unique")
        if self.seconds is not None and not math.isfinite(self.seconds):
            raise ValueError("seconds must be finite")
        return self


class RoutingJobRecord(SQLModel, table=True):
    __tablename__ = "routing_jobs"

    id: int | None = Field(default=None, primary_key=True)
    owner_key_id: int = Field(foreign_key="api_keys.id", index=True)
    status: str = Field(default=RunStatus.queued, max_length=16, index=True)
    request: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    error: str | None = None
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class StopVisit(BaseModel):
    id: str
    arrival: str | float  # HH:MM for geographic jobs, the file's time units for instances


class RoutePublic(BaseModel):
    vehicle: int
    stops: list[StopVisit]
    distance: float
    start: str | float
    end: str | float
    load: int


class UnservedPublic(BaseModel):
    id: str
    reason: str


class RoutingJobResult(BaseModel):
    status: str
    distance: float
    distance_unit: str
    vehicles_used: int
    routes: list[RoutePublic]
    unserved: list[UnservedPublic]
    geojson: dict[str, Any]
    backend: str
    seconds: float


class RoutingJobPublic(BaseModel):
    id: int
    status: RunStatus
    error: str | None
    result: RoutingJobResult | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
