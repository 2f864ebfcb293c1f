"""Process profiles: how each catalog matter is really processed (who decides, efforts, days).

The data ship in ``sim/data/profiles.toml`` (one table per matter id, every quantity with its
``*_basis``: a source or ``"assumption: …"``). :func:`load_profiles` reads and validates the
file once against the catalog and returns ``{matter_id: ProcessProfile}``. Elapsed times are
never derived from the statutory limit; the limit is only a check (a legal minimum longer
than the limit must carry ``min_calendar_days_note``). Field meanings and sources:
``docs/process_profiles.md``.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.catalog import load_catalog
from tongban.kernel.errors import InputError

MatterClass = Literal[
    "query",
    "print",
    "certification",
    "registration",
    "card",
    "benefit",
    "transfer",
    "filing",
    "licence",
    "notarisation",
]
DecidedBy = Literal["home", "local", "any", "window"]
ProfileDelivery = Literal["post", "online", "on_the_spot"]
SecondVisit = Literal["none", "collect", "certificate"]

MATTER_CLASSES: tuple[str, ...] = get_args(MatterClass)
DECIDED_BY: tuple[str, ...] = get_args(DecidedBy)
DELIVERIES: tuple[str, ...] = get_args(ProfileDelivery)
SECOND_VISITS: tuple[str, ...] = get_args(SecondVisit)

ASSUMPTION_PREFIX = "assumption"
MAX_MINUTES = 600.0
MAX_DAYS = 400.0
MAX_WEIGHT = 100.0
#: Calendar days spanned by one working day at most without holidays (7 per 5).
CALENDAR_PER_WORKING_DAY = 7 / 5
SOURCE = "profiles"

Basis = Field(min_length=1)


class Triangular(BaseModel):
    """A triangular distribution of days: ``low ≤ mode ≤ high``, all in [0, 400]."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float = Field(ge=0, le=MAX_DAYS)
    mode: float = Field(ge=0, le=MAX_DAYS)
    high: float = Field(ge=0, le=MAX_DAYS)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"needs low <= mode <= high (got {self.low}, {self.mode}, {self.high})"
            )
        return self

    @property
    def mean(self) -> float:
        """The mean of the triangular distribution."""
        return (self.low + self.mode + self.high) / 3

    @property
    def is_zero(self) -> bool:
        """True when the distribution is the point 0."""
        return self.high == 0


class DemandWeight(BaseModel):
    """Relative demand by hall level; 0 where the matter never arrives at that level."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    county: float = Field(ge=0, le=MAX_WEIGHT)
    prefecture: float = Field(ge=0, le=MAX_WEIGHT)
    province: float = Field(ge=0, le=MAX_WEIGHT)

    @model_validator(mode="after")
    def _somewhere(self) -> DemandWeight:
        if self.county == self.prefecture == self.province == 0:
            raise ValueError("is 0 at every hall level: the matter would never arrive")
        return self

    def at(self, level: str) -> float:
        """The weight at a hall level (``county``, ``prefecture`` or ``province``)."""
        weights = {"county": self.county, "prefecture": self.prefecture, "province": self.province}
        if level not in weights:
            raise InputError(
                f"hall level must be one of {', '.join(weights)} (got {level!r})", field="level"
            )
        return weights[level]


class ProcessProfile(BaseModel):
    """How one matter is processed; every quantity with its basis."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    matter_class: MatterClass
    decided_by: DecidedBy
    decided_by_basis: str = Basis
    same_day: bool
    window_minutes: float = Field(gt=0, le=MAX_MINUTES)
    window_minutes_basis: str = Basis
    office_minutes: float = Field(ge=0, le=MAX_MINUTES)
    office_minutes_basis: str = Basis
    office_days: Triangular
    office_days_basis: str = Basis
    min_calendar_days: int = Field(ge=0, le=int(MAX_DAYS))
    min_calendar_days_basis: str = Basis
    min_calendar_days_note: str | None = Field(default=None, min_length=1)
    coordination_days: Triangular | None = None
    coordination_days_basis: str | None = Field(default=None, min_length=1)
    supplement_possible: bool
    revisit_possible: bool
    loops_basis: str = Basis
    result_delivery: ProfileDelivery
    result_delivery_basis: str = Basis
    second_visit: SecondVisit = "none"
    second_visit_days: Triangular | None = None
    second_visit_basis: str | None = Field(default=None, min_length=1)
    trips_saved: int = Field(ge=1, le=2)
    demand_weight: DemandWeight
    demand_weight_basis: str = Basis

    @model_validator(mode="after")
    def _consistent(self) -> ProcessProfile:
        checks = (
            *self._window_checks(),
            *self._same_day_checks(),
            *self._second_visit_checks(),
            (
                (self.coordination_days is None) != (self.coordination_days_basis is None),
                "coordination_days",
                "coordination_days and coordination_days_basis come together",
            ),
            (
                self.trips_saved != expected_trips_saved(self.result_delivery, self.second_visit),
                "trips_saved",
                f"must be {expected_trips_saved(self.result_delivery, self.second_visit)} for a "
                f"{self.result_delivery!r} result with second_visit {self.second_visit!r} "
                "(2 when posted or collected on a second visit, else 1)",
            ),
        )
        for failed, field, message in checks:
            if failed:
                raise FieldError(field, message)
        return self

    def _window_checks(self) -> tuple[tuple[bool, str, str], ...]:
        if self.decided_by != "window":
            return ()
        return (
            (not self.same_day, "same_day", "must be true when decided_by is 'window'"),
            (self.office_minutes != 0, "office_minutes", "must be 0 when decided_by is 'window'"),
            (
                self.supplement_possible or self.revisit_possible,
                "supplement_possible",
                "supplement and revisit are impossible when decided_by is 'window'",
            ),
            (
                self.result_delivery != "on_the_spot",
                "result_delivery",
                "must be 'on_the_spot' when decided_by is 'window'",
            ),
        )

    def _same_day_checks(self) -> tuple[tuple[bool, str, str], ...]:
        instant = self.office_days.is_zero and self.min_calendar_days == 0
        no_coordination = self.coordination_days is None or self.coordination_days.is_zero
        if not self.same_day:
            return ()
        return (
            (self.decided_by == "home", "same_day", "a case sent to the home office cannot"),
            (not instant, "same_day", "needs office_days 0 and min_calendar_days 0"),
            (not no_coordination, "same_day", "needs no coordination_days"),
        )

    def _second_visit_checks(self) -> tuple[tuple[bool, str, str], ...]:
        """A result handed over later needs the applicant's second visit, and only then."""
        later_at_counter = self.result_delivery == "on_the_spot" and not self.same_day
        visit = self.second_visit != "none"
        days_given = self.second_visit_days is not None and self.second_visit_basis is not None
        return (
            (
                later_at_counter and not visit,
                "second_visit",
                "must be 'collect' or 'certificate' for an 'on_the_spot' result that is not "
                "same_day (the applicant comes back for it)",
            ),
            (
                visit and not later_at_counter,
                "second_visit",
                "is only for an 'on_the_spot' result that is not same_day",
            ),
            (
                visit and self.decided_by not in ("local", "any"),
                "second_visit",
                "needs decided_by 'local' or 'any' (the counter that handed in the papers)",
            ),
            (
                visit != days_given,
                "second_visit_days",
                "second_visit_days and second_visit_basis are given exactly when second_visit "
                "is not 'none'",
            ),
        )

    @property
    def sourced_fields(self) -> dict[str, bool]:
        """Each ``*_basis`` field present → True when sourced, False when an assumption."""
        data = self.model_dump()
        return {
            name.removesuffix("_basis"): not str(value).startswith(ASSUMPTION_PREFIX)
            for name, value in data.items()
            if name.endswith("_basis") and value is not None
        }


class FieldError(ValueError):
    """A consistency failure inside one profile, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def expected_trips_saved(result_delivery: str, second_visit: str = "none") -> int:
    """Trips to the home locality a case saves: hand-in always; collection when the result is
    posted or fetched on a second visit (which would otherwise be made at home too)."""
    return 2 if result_delivery == "post" or second_visit != "none" else 1


def _error(matter_id: str, field: str, message: str) -> InputError:
    return InputError(f"{SOURCE}: {matter_id}.{field}: {message}", field=f"{matter_id}.{field}")


def _validate_one(matter_id: str, table: Any) -> ProcessProfile:
    if not isinstance(table, Mapping):
        raise _error(matter_id, "*", "must be a table of profile fields")
    try:
        return ProcessProfile.model_validate(dict(table))
    except ValidationError as exc:
        first = exc.errors()[0]
        context = first.get("ctx") or {}
        inner = context.get("error")
        if isinstance(inner, FieldError):
            raise _error(matter_id, inner.field, inner.message) from None
        field = ".".join(str(part) for part in first["loc"]) or "*"
        value = f" (got {first['input']!r})" if "input" in first and first["loc"] else ""
        raise _error(matter_id, field, f"{first['msg']}{value}") from None


def build_profiles(document: Mapping[str, Any]) -> dict[str, ProcessProfile]:
    """Validate a parsed profiles document against the catalog (bad input: InputError)."""
    catalog = load_catalog()
    profiles: dict[str, ProcessProfile] = {}
    for matter_id, table in document.items():
        if matter_id not in catalog:
            raise _error(matter_id, "*", "is not a matter of the catalog (extra profile)")
        profiles[matter_id] = _validate_one(matter_id, table)
    missing = [m for m in catalog.ids if m not in profiles]
    if missing:
        raise _error(missing[0], "*", f"no profile ({len(missing)} catalog matters lack one)")
    for matter in catalog:
        _check_against_catalog(
            matter.id, profiles[matter.id], matter.limit_working_days, matter.modes
        )
    return {matter_id: profiles[matter_id] for matter_id in catalog.ids}


def _check_against_catalog(
    matter_id: str, profile: ProcessProfile, limit_working_days: int, modes: tuple[str, ...]
) -> None:
    limit_calendar = limit_working_days * CALENDAR_PER_WORKING_DAY
    if profile.min_calendar_days > limit_calendar and profile.min_calendar_days_note is None:
        raise _error(
            matter_id,
            "min_calendar_days",
            f"{profile.min_calendar_days} exceeds the limit of {limit_working_days} working "
            f"days (≈ {limit_calendar:.0f} calendar days) and has no min_calendar_days_note",
        )
    if profile.coordination_days is not None and "joint" not in modes:
        raise _error(
            matter_id,
            "coordination_days",
            f"is for joint (多地联办) matters only; the catalog modes are {', '.join(modes)}",
        )


def read_profiles_file(path: Path) -> dict[str, ProcessProfile]:
    """Read and validate a profiles TOML file (a bad file raises InputError)."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{SOURCE}: {path.name}: cannot read: {exc}", field="file") from None
    return build_profiles(document)


@functools.cache
def load_profiles() -> dict[str, ProcessProfile]:
    """The shipped profiles, one per catalog matter (read and validated once per process)."""
    text = resources.files("sim").joinpath("data", "profiles.toml").read_text(encoding="utf-8")
    return build_profiles(tomllib.loads(text))


def profile_source_counts(
    profiles: Mapping[str, ProcessProfile] | None = None,
) -> dict[str, dict[str, int]]:
    """Sourced vs assumption counts of the basis-bearing fields, per field and in total."""
    chosen = load_profiles() if profiles is None else profiles
    counts: dict[str, dict[str, int]] = {}
    for profile in chosen.values():
        for field, sourced in profile.sourced_fields.items():
            slot = counts.setdefault(field, {"sourced": 0, "assumption": 0})
            slot["sourced" if sourced else "assumption"] += 1
    total = {
        "sourced": sum(c["sourced"] for c in counts.values()),
        "assumption": sum(c["assumption"] for c in counts.values()),
    }
    return counts | {"total": total}


def format_source_counts(counts: Mapping[str, Mapping[str, int]]) -> str:
    """The counts as an aligned text table (one line per field, total last)."""
    lines = [f"{'field':<20} {'sourced':>8} {'assumption':>10}"]
    for field, slot in counts.items():
        lines.append(f"{field:<20} {slot['sourced']:>8} {slot['assumption']:>10}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a convenience entry point
    import sys

    sys.stdout.write(format_source_counts(profile_source_counts()) + "\n")
