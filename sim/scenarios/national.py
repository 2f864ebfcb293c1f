"""``[national]``: halls and handling offices generated from the geo layer (or a hall file).

A scenario with a ``[national]`` table gets, before validation:

* **windows** — one hall at the seat of every unit at ``levels`` (every province, prefecture
  and county-level unit of the geo layer, optionally only those in ``provinces``), plus the
  halls of ``halls_file`` (CSV/GeoJSON, :func:`geo.windows.load_windows`; its ``code``
  column names the hall's admin unit, else the county containing its point is not looked
  up — rows without a code are refused);
* **demand** — per hall, per working day: ``cases_per_100k_per_day`` × the population its
  level serves / 100,000, with the unit's population from :mod:`geo.population` (2020
  census by province, split equally over counties: an assumption stated there) and the
  unit's demand split between levels by ``level_shares`` (assumption: 60% of applicants go
  to their county hall, 30% to the prefecture hall, 10% to the province hall; each level's
  populations sum to the nation's, so the total is rate × population). Halls from a file
  share their unit's county demand equally. Where applicants come from is the gravity
  model (``process.mail.transit_hours = "geo"``);
* **offices** — one staffed handling office at the seat of every province, prefecture and
  county-level unit in scope (``code`` set, ``level`` unset): a case decided by the
  applicant's home office goes to the office whose code is that home office's
  (:func:`sim.office_routing.staffed_office`), so no office in scope is a delay any more. Its pooled
  reviewers are ``reviewers`` (a count), or with ``"auto"`` (default) sized from its
  expected load (:mod:`sim.scenarios.national_reviewers`).

Default rate (assumption): Chizhou's scenario takes ≈25 cases per working day over 1.34 M
people (≈1.9 per 100k), itself ×8 Fujian's 2021 measured 2.4 per 100k per working day
(PARAMETERS.md); the national default keeps 1.9.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tongban.kernel.errors import InputError

Level = Literal["province", "prefecture", "county"]
LEVELS: tuple[Level, ...] = ("province", "prefecture", "county")
DEFAULT_LEVEL_SHARES: dict[Level, float] = {
    "county": 0.6,
    "prefecture": 0.3,
    "province": 0.1,
}  # assumption


class NationalSpec(BaseModel):
    """The ``[national]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: list[Level] = Field(default_factory=lambda: list(LEVELS))
    provinces: list[str] | None = None  # 2-digit province codes (e.g. "12" Tianjin); None: all
    halls_file: str | None = None
    cases_per_100k_per_day: Annotated[float, Field(ge=0.0, le=1000.0)] = 1.9
    level_shares: dict[Level, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=lambda: dict(DEFAULT_LEVEL_SHARES)
    )
    clerks: Annotated[int, Field(ge=0)] | Literal["auto"] = "auto"
    # a count for every office, or "auto": sized from the expected load
    # (sim.scenarios.national_reviewers)
    reviewers: Annotated[int, Field(ge=0)] | Literal["auto"] = "auto"


def expand(data: dict[str, Any], source: str) -> dict[str, Any]:
    """The scenario mapping with generated windows, demand and offices appended."""
    from pydantic import ValidationError

    try:
        spec = NationalSpec.model_validate(data["national"])
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in ("national", *first["loc"]))
        raise InputError(f"invalid scenario {source}: {path}: {first['msg']}", field=path) from None
    halls = _share_county_demand(_unit_halls(spec), _file_halls(spec))
    if not halls:
        raise InputError(
            f"invalid scenario {source}: national: no halls in scope (levels {spec.levels}, "
            f"provinces {spec.provinces})",
            field="national",
        )
    out = dict(data)
    out["windows"] = [*data.get("windows", []), *(_window(h, spec) for h in halls)]
    out["demand"] = [*data.get("demand", []), *(_demand(h) for h in halls if h["per_day"] > 0)]
    supplement = (data.get("process") or {}).get("office", {}).get("supplement_share")
    out["offices"] = [*data.get("offices", []), *_offices(spec, halls, supplement)]
    return out


def _in_scope(province_code: str, spec: NationalSpec) -> bool:
    return spec.provinces is None or province_code[:2] in spec.provinces


def _unit_halls(spec: NationalSpec) -> list[dict[str, Any]]:
    from geo import population, units

    halls = []
    for level in spec.levels:
        weights = population.unit_population(level)
        share = spec.level_shares.get(level, 0.0)
        for unit in units.all_units():
            if unit.level != level or not _in_scope(unit.province_code, spec):
                continue
            people = float(weights.get(unit.code, 0.0))
            halls.append(
                {
                    "id": f"hall-{unit.code}",
                    "name": f"{unit.name}政务服务中心",
                    "code": unit.code,
                    "level": level,
                    "per_day": spec.cases_per_100k_per_day * share * people / 100_000,
                }
            )
    return halls


def _share_county_demand(
    unit_halls: list[dict[str, Any]], file_halls: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The county's county-level demand split equally between its county hall (when the
    county level is generated) and the hall file's halls in that county, so a hall file
    adds places to go, never cases. Assumption: an equal split — no published share of
    cases handled at street/township halls versus the county hall was found."""
    file_count: dict[str, int] = {}
    for hall in file_halls:
        file_count[hall["code"]] = file_count.get(hall["code"], 0) + 1
    county_halls = {h["code"] for h in unit_halls if h["level"] == "county"}
    out = []
    for hall in unit_halls:
        if hall["level"] == "county" and hall["code"] in file_count:
            hall = {**hall, "per_day": hall["per_day"] / (file_count[hall["code"]] + 1)}
        out.append(hall)
    for hall in file_halls:
        places = file_count[hall["code"]] + (hall["code"] in county_halls)
        out.append({**hall, "per_day": hall["per_day"] * file_count[hall["code"]] / places})
    return out


def _file_halls(spec: NationalSpec) -> list[dict[str, Any]]:
    """Halls of the hall file: each takes an equal part of its county's county-level demand
    (shared with the county hall by :func:`_share_county_demand`)."""
    if spec.halls_file is None:
        return []
    from geo import population, units
    from geo.windows import load_windows

    frame = load_windows(spec.halls_file)
    rows = frame.to_dict("records")
    for row in rows:
        if not isinstance(row.get("code"), str) or not row["code"]:
            raise InputError(
                f"national.halls_file: hall {row['id']!r} needs a code (its admin unit)",
                field="national.halls_file",
            )
    by_county: dict[str, int] = {}
    for row in rows:
        county = units.resolve(row["code"]).code
        by_county[county] = by_county.get(county, 0) + 1
    weights = population.unit_population("county")
    share = spec.level_shares.get("county", 0.0)
    halls = []
    for row in rows:
        unit = units.resolve(row["code"])
        if not _in_scope(unit.province_code, spec):
            continue
        people = float(weights.get(unit.code, 0.0)) / by_county[unit.code]
        halls.append(
            {
                "id": str(row["id"]),
                "name": str(row["name"]),
                "code": unit.code,
                "level": "township" if row["level"] in ("street", "township") else row["level"],
                "per_day": spec.cases_per_100k_per_day * share * people / 100_000,
            }
        )
    return halls


def _window(hall: dict[str, Any], spec: NationalSpec) -> dict[str, Any]:
    return {
        "id": hall["id"],
        "name": hall["name"],
        "code": hall["code"],
        "level": hall["level"],
        "clerks": spec.clerks,
    }


def _demand(hall: dict[str, Any]) -> dict[str, Any]:
    return {"window": hall["id"], "matter": "*", "per_day": round(hall["per_day"], 6)}


def _offices(
    spec: NationalSpec, halls: list[dict[str, Any]], supplement_share: float | None
) -> list[dict[str, Any]]:
    from geo import units
    from sim.scenarios.national_reviewers import expected_reviewer_minutes, sized_reviewers

    minutes = expected_reviewer_minutes(halls, supplement_share) if spec.reviewers == "auto" else {}
    return [
        {
            "id": f"office-{unit.code}",
            "name": f"{unit.name} handling offices (pooled reviewers)",
            "code": unit.code,
            "reviewers": (
                sized_reviewers(minutes.get(unit.code, 0.0))
                if spec.reviewers == "auto"
                else spec.reviewers
            ),
        }
        for unit in units.all_units()
        if unit.level in LEVELS and _in_scope(unit.province_code, spec)
    ]
