"""Pydantic schema of a scenario file (``../shared/DESIGN.md`` §7); unknown keys are rejected.

Times of day are ``"HH:MM"`` strings; durations are distributions (:mod:`sim.distributions`)
whose unit the field name says (``_minutes``, ``_hours``, ``_days`` = working days). Every
default below is an assumption unless its comment names a source (``../shared/PARAMETERS.md``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from sim.catalog import CaseMode
from sim.distributions import Deterministic, Distribution, Lognormal, Triangular, Uniform
from sim.scenarios.national import NationalSpec
from tongban.kernel.clock import parse_clock
from tongban.kernel.hours import OpeningHours
from tongban.kernel.limits import MAX_SEED

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
ClockPair = Annotated[list[str], Field(min_length=2, max_length=2)]
OfficeLevel = Literal["province", "prefecture", "county"]


def _iso_date(value: object) -> object:
    """TOML dates arrive as ``date``; in-memory scenarios may give ISO strings (strict mode)."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"date {value!r} is not YYYY-MM-DD") from None
    return value


Day = Annotated[date, BeforeValidator(_iso_date)]  # a calendar date, TOML or ISO string
DEFAULT_HOURS = [["09:00", "12:00"], ["13:30", "17:00"]]  # PARAMETERS.md: halls ~09–12, 13:30–17


class Strict(BaseModel):
    """Base: unknown keys are errors, values are immutable, numbers are finite."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


def _check_hours(pairs: list[list[str]] | None) -> list[list[str]] | None:
    if pairs is None:
        return None
    try:
        hours = OpeningHours.from_strings(pairs)
    except ValueError as exc:
        raise ValueError(f"{exc}; write times as HH:MM between 00:00 and 24:00") from None
    previous_end = -1.0
    for start, end in hours.intervals:
        if end <= start:
            raise ValueError("each opening interval must end after it starts")
        if start < previous_end:
            raise ValueError("opening intervals overlap; list disjoint [start, end] pairs")
        previous_end = end
    return pairs


class Shift(Strict):
    """A block of the day with a number of clerks on duty."""

    start: str
    end: str
    clerks: Annotated[int, Field(ge=0)]

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        parse_clock(value)
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> Shift:
        if parse_clock(self.end) <= parse_clock(self.start):
            raise ValueError(
                f"shift end {self.end} must be after its start {self.start} (same day, HH:MM)"
            )
        return self


class Window(Strict):
    """A 跨省通办 window (or hall) staged as a queue with clerks."""

    id: str
    name: str = ""
    code: str | None = None  # admin-unit code where the hall is (geo layer)
    level: Literal["province", "prefecture", "county", "township"] | None = None
    hours: list[ClockPair] = Field(default_factory=lambda: [list(p) for p in DEFAULT_HOURS])
    weekend_hours: list[ClockPair] | None = None  # some halls open weekends (PARAMETERS.md)
    calendar: Literal["always", "cn-workdays"] = "cn-workdays"
    clerks: Annotated[int, Field(ge=0)] | list[Annotated[int, Field(ge=0)]] | Literal["auto"] = 1
    shifts: list[Shift] | None = None  # replaces `clerks` when given
    hourly_profile: list[NonNegative] | None = None  # relative arrivals per opening hour
    pickup_times: list[str] | None = None  # EMS pickups; default [separation].pickup_times
    part_time_shifts: bool = False  # rosters may use part-time blocks (default: full days)

    _hours_ok = field_validator("hours", "weekend_hours")(_check_hours)

    @field_validator("clerks")
    @classmethod
    def _clerk_list(cls, value: object) -> object:
        if isinstance(value, list) and len(value) != 24:
            raise ValueError("a clerk list needs 24 values, one per hour of the day 00–23")
        return value


class Demand(Strict):
    """Applicants arriving at a window for a matter (``matter = "*"``: every matter)."""

    window: str
    matter: str
    per_hour: NonNegative | list[NonNegative] | None = None  # list: one per opening hour
    per_day: NonNegative | None = None  # spread over opening hours by the hourly profile
    mode: CaseMode | None = None  # default: the matter's mode, or "counter" without a locality
    service_minutes: Distribution | None = None  # formal review + identity verification

    @model_validator(mode="after")
    def _one_rate(self) -> Demand:
        if (self.per_hour is None) == (self.per_day is None):
            raise ValueError("give exactly one of per_hour or per_day")
        return self


class Office(Strict):
    """A handling office of this locality staged as a queue with reviewers."""

    id: str
    name: str = ""
    code: str | None = None
    # handling levels this office decides for inbound office = "auto" (a municipality's
    # offices decide both province- and prefecture-level matters)
    level: OfficeLevel | list[OfficeLevel] | None = None
    reviewers: Annotated[int, Field(ge=0)] = 2
    hours: list[ClockPair] = Field(default_factory=lambda: [list(p) for p in DEFAULT_HOURS])
    calendar: Literal["always", "cn-workdays"] = "cn-workdays"

    _hours_ok = field_validator("hours")(_check_hours)

    @property
    def levels(self) -> tuple[str, ...]:
        """Handling levels decided here."""
        if self.level is None:
            return ()
        return (self.level,) if isinstance(self.level, str) else tuple(self.level)


class Inbound(Strict):
    """Cases accepted at windows in other provinces, handled by one of our offices."""

    office: str  # an [[offices]] id, or "auto": the office whose level handles the matter
    matter: str
    per_day: NonNegative  # cases per working day accepted elsewhere
    mode: CaseMode | None = None


class MatterSettings(Strict):
    """Per-matter overrides (``[matters."1-05"]``)."""

    weight: NonNegative = 1.0  # share of a window's `matter = "*"` demand
    mode: CaseMode | None = None
    service_minutes: Distribution | None = None
    review_minutes: Distribution | None = None
    # elapsed working days 受理 → decision (incl. sign-off), e.g. a local 承诺时限;
    # default: the matter profile's office_days (sim/data/profiles.toml)
    office_days: Distribution | None = None
    limit_working_days: Annotated[int, Field(ge=0)] | None = None
    incomplete_share: Share | None = None


class WindowProcess(Strict):
    """Reception at the window."""

    # assumption: 15 min mean for formal review, sd 8 (no source found, PARAMETERS.md); with
    # identity_minutes the shape of a matter's window service, scaled to its profile's
    # window_minutes unless the demand entry or [matters.X] gives service_minutes
    service_minutes: Distribution = Lognormal(mean=15.0, sd=8.0)
    # assumption: identity verification (身份核验) with an ID reader, 1–3 min
    identity_minutes: Distribution = Uniform(low=1.0, high=3.0)
    # assumption: one case in ten lacks a paper and the applicant comes back
    incomplete_share: Share = 0.10
    # assumption: the applicant returns 1–5 working days later (mode 2)
    return_after_days: Distribution = Triangular(low=1.0, mode=2.0, high=5.0)
    # assumption: by the third visit the papers are complete (一次性告知 rule)
    max_visits: Annotated[int, Field(ge=1)] = 3
    # assumption: helping an applicant file online in the self-service area (the shape of an
    # online row's service, scaled to the matter profile's window_minutes)
    assist_minutes: Distribution = Lognormal(mean=10.0, sd=5.0)


class SeparationProcess(Strict):
    """收受分离: push the file online, post originals with the next EMS pickup."""

    push_minutes: Distribution = Uniform(low=5.0, high=60.0)  # assumption
    pickup_times: list[str] = Field(default_factory=lambda: ["16:00"])  # assumption (no cut-off)

    @field_validator("pickup_times")
    @classmethod
    def _clock(cls, value: list[str]) -> list[str]:
        for item in value:
            parse_clock(item)
        return value


class MailProcess(Strict):
    """EMS transit between a window and an office (and results back)."""

    # "geo": the geo layer's EMS network; otherwise a distribution in hours.
    # default: mean 58.71 h (2016 State Post Bureau test), sd 14 h assumed so ~75% < 72 h
    transit_hours: Literal["geo"] | Distribution = Lognormal(mean=58.71, sd=14.0)


class OfficeProcess(Strict):
    """Review at the handling office (substantive review and decision)."""

    # assumption: reviewer effort per case; its shape is scaled to each matter's profile
    # office_minutes (sim/matter_process.py) unless [matters.X] review_minutes overrides it.
    # Offices elsewhere take the profile's office_days (never a share of the limit).
    review_minutes: Distribution = Lognormal(mean=45.0, sd=30.0)
    supplement_share: Share = 0.05  # assumption: review asks the applicant for more papers
    supplement_days: Distribution = Triangular(low=1.0, mode=3.0, high=10.0)  # assumption
    max_supplements: Annotated[int, Field(ge=0)] = 2  # assumption: at most two requests


class ReturnProcess(Strict):
    """Delivering the result."""

    online_delivery_minutes: Distribution = Uniform(low=10.0, high=240.0)  # assumption
    post_handover_minutes: Distribution = Uniform(low=30.0, high=480.0)  # to EMS, assumption


class JointProcess(Strict):
    """多地联办: transfer-out office coordination."""

    coordination_days: Distribution = Triangular(low=1.0, mode=3.0, high=10.0)  # assumption


class OnlineProcess(Strict):
    """全程网办 applications reviewed by the office."""

    submit_minutes: Distribution = Deterministic(value=0.0)  # platform hand-over


class Process(Strict):
    """Stage parameters shared by every matter (per-matter overrides in ``[matters]``)."""

    window: WindowProcess = WindowProcess()
    separation: SeparationProcess = SeparationProcess()
    mail: MailProcess = MailProcess()
    office: OfficeProcess = OfficeProcess()
    return_: ReturnProcess = Field(default=ReturnProcess(), alias="return")
    joint: JointProcess = JointProcess()
    online: OnlineProcess = OnlineProcess()


class CalendarSettings(Strict):
    """Extra holidays and make-up working days on top of the official calendar."""

    extra_holidays: list[Day] = Field(default_factory=list)
    extra_workdays: list[Day] = Field(default_factory=list)


class Seasonality(Strict):
    """Multipliers on every demand rate."""

    weekday: Annotated[list[NonNegative], Field(min_length=7, max_length=7)] = Field(
        default_factory=lambda: [1.0] * 7
    )  # Monday first
    month: Annotated[list[NonNegative], Field(min_length=12, max_length=12)] = Field(
        default_factory=lambda: [1.0] * 12
    )


class Targets(Strict):
    """Waiting target used for service levels and staffing."""

    wait_minutes: Annotated[float, Field(gt=0)] = 20.0
    wait_share: Annotated[float, Field(gt=0, lt=1)] = 0.90


class Trips(Strict):
    """What a case spares the applicant (减跑动)."""

    # trips saved per case: the matter profile's trips_saved (1, or 2 with a posted result)
    # plus one per supplement request (sim/outcomes.py)
    # one-way km to the home locality when the geo layer does not give it (assumption)
    home_distance_km: Distribution = Lognormal(mean=600.0, sd=400.0)
    road_factor: Annotated[float, Field(ge=1.0)] = 1.3  # assumption: road km / great-circle km


class Scenario(Strict):
    """A whole scenario file."""

    name: str
    description: str = ""
    locality: Literal["tianjin", "qijiang", "haicang", "chizhou"] | None = None
    start_date: Day = date(2025, 3, 3)
    days: Annotated[int, Field(gt=0)]
    warmup_days: NonNegative = 0.0
    drain_days: Annotated[int, Field(ge=0)] = 90  # run on without arrivals so cases finish
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 1
    replications: Annotated[int, Field(ge=1)] = 10
    calendar: CalendarSettings = CalendarSettings()
    seasonality: Seasonality = Seasonality()
    windows: Annotated[list[Window], Field(min_length=1)]
    demand: list[Demand] = Field(default_factory=list)
    offices: list[Office] = Field(default_factory=list)
    inbound: list[Inbound] = Field(default_factory=list)
    matters: dict[str, MatterSettings] = Field(default_factory=dict)
    process: Process = Process()
    targets: Targets = Targets()
    trips: Trips = Trips()
    trace: bool = False  # write a per-case Parquet trace
    national: NationalSpec | None = None  # generated halls/offices (sim.scenarios.national)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.warmup_days >= self.days:
            raise ValueError("warmup_days must be smaller than days")
        window_ids = [w.id for w in self.windows]
        if len(set(window_ids)) != len(window_ids):
            raise ValueError("window ids must be unique")
        office_ids = [o.id for o in self.offices]
        if len(set(office_ids)) != len(office_ids):
            raise ValueError("office ids must be unique")
        return self
