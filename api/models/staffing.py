"""``POST /staffing``: one window-day's hourly demand → a simulation-verified clerk plan."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class StaffingRequest(BaseModel):
    """As ``tongban staff --rates``: arrivals per opening hour from ``open``."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    rates: list[Annotated[float, Field(ge=0.0, le=10_000.0)]] = Field(
        min_length=1, max_length=24, description="Arrivals per opening hour"
    )
    open: str = Field(default="09:00", pattern=r"^\d{2}:00$", description="Whole hour")
    service_mean: float = Field(default=10.0, gt=0.0, le=600.0)
    service_dist: Literal["exponential", "deterministic", "lognormal", "gamma"] = "exponential"
    service_cv: float = Field(default=1.0, ge=0.0, le=10.0)
    wait_minutes: float = Field(default=15.0, gt=0.0, le=600.0)
    wait_share: float = Field(default=0.8, gt=0.0, lt=1.0)
    max_clerks: int | None = Field(default=None, ge=1, le=500)
    replications: int = Field(default=1000, ge=10)
    verify_replications: int = Field(default=4000, ge=10)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    level: bool = False


class StaffingHour(BaseModel):
    hour: int
    rate_per_hour: float
    clerks: int
    service_level: float
    service_level_ci95: float
    erlang_clerks: int
    erlang_service_level: float
    rostered_clerks: int


class StaffingShift(BaseModel):
    shift: str
    intervals: str
    clerks: int


class StaffingPlan(BaseModel):
    window_id: str
    verified: bool
    verify_replications: int
    clerk_hours: int
    erlang_clerk_hours: int
    hours_missing_target: list[int]
    hours: list[StaffingHour]
    roster_status: str
    roster_clerk_hours: int
    shifts: list[StaffingShift]


class StaffingResponse(BaseModel):
    wait_minutes: float
    wait_share: float
    plan: StaffingPlan
