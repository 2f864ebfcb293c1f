"""A sweep request, validated at the boundary: its base scenario, then every point.

The base is a shipped scenario, a stored one (its current version) or a TOML text
(validated as ``POST /scenarios`` validates a body). Every point of the product is the base
with the point's settings applied and validated by the scenario schema
(:func:`tongban.pipeline.sweep.plan_points_from`, as ``tongban sweep`` does) and by the
service's limits; a refused point is a 422 naming the setting (``body.settings.I.values.J``),
its value and the allowed range, before anything is stored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fastapi import HTTPException
from pydantic_core import to_jsonable_python
from sqlmodel import Session

from api.models.sweeps import SweepCreate, SweepSetting
from api.routes.scenarios import load as load_scenario
from api.scenario_input import ScenarioInvalid, decode_body, validate_scenario
from api.settings import Settings
from sim.scenarios.budget import check_run_size
from sim.scenarios.loader import SCENARIO_PACKAGE, load_data
from sim.scenarios.overrides import Setting
from tongban.kernel.errors import InputError
from tongban.pipeline.sweep import SettingInvalid, SweepPoint, plan_points_from


@dataclass(frozen=True)
class SweepBase:
    """The scenario a sweep starts from: its JSON body and where it came from."""

    body: dict[str, Any]
    name: str
    scenario_id: int | None = None
    scenario_version: int | None = None


def library_settings(settings: list[SweepSetting] | list[dict[str, Any]]) -> list[Setting]:
    """The request's (or a stored sweep's) settings as the library's."""
    pairs = [s if isinstance(s, SweepSetting) else SweepSetting.model_validate(s) for s in settings]
    return [Setting(s.path, tuple(s.values)) for s in pairs]


def _invalid(message: str, loc: list[str | int], kind: str = "input_error") -> ScenarioInvalid:
    return ScenarioInvalid(message, [{"loc": loc, "msg": message, "type": kind}])


def resolve_base(request: SweepCreate, session: Session, settings: Settings) -> SweepBase:
    """The base scenario of a request (404 for an unknown stored scenario, 422 if invalid)."""
    if request.scenario_id is not None:
        record = load_scenario(session, request.scenario_id)
        return SweepBase(record.body, record.name, record.id, record.version)
    if request.scenario_name is not None:
        shipped = resources.files(SCENARIO_PACKAGE) / f"{request.scenario_name}.toml"
        body = to_jsonable_python(load_data(str(shipped)))  # the shipped file, never a path
        return SweepBase(body, request.scenario_name)
    text = (request.scenario_toml or "").encode("utf-8")
    try:
        scenario, body = validate_scenario(decode_body(text, "application/toml"), settings)
    except ScenarioInvalid as exc:
        items = [{**e, "loc": ["body", "scenario_toml", *e["loc"][1:]]} for e in exc.errors]
        raise ScenarioInvalid(f"scenario_toml: {exc.detail}", items) from None
    except HTTPException as exc:  # not TOML
        raise _invalid(f"scenario_toml: {exc.detail}", ["body", "scenario_toml"]) from None
    return SweepBase(body, scenario.name)


def plan(request: SweepCreate, base: SweepBase, settings: Settings) -> list[SweepPoint]:
    """Every point, validated by the schema and the service's limits (422 otherwise)."""
    total = math.prod(len(s.values) for s in request.settings)
    if total > settings.max_sweep_points:
        message = (
            f"settings make {total} points; at most {settings.max_sweep_points} on this service"
        )
        raise _invalid(message, ["body", "settings"], "limit")
    try:
        points = plan_points_from(base.body, library_settings(request.settings), base.name)
    except SettingInvalid as exc:
        loc: list[str | int] = ["body", "settings"]
        if exc.setting is not None:
            loc.append(exc.setting)
            if exc.value is not None:
                loc += ["values", exc.value]
        where = ".".join(str(p) for p in loc[1:])
        raise _invalid(f"{where}: {str(exc).removeprefix('--set ')}", loc) from None
    for point in points:
        _check_limits(point, request, settings)
    return points


def _check_limits(point: SweepPoint, request: SweepCreate, settings: Settings) -> None:
    """The service's limits on one point: horizon, replications, the expected cases."""
    scenario = point.scenario
    replications = request.replications or scenario.replications
    limits = (
        ("days", scenario.days, settings.max_horizon_days),
        ("replications", replications, settings.max_replications),
    )
    for field, value, limit in limits:
        if value > limit:
            message = f"{field} must be at most {limit} on this service (got {value})"
            raise _invalid(f"point {point.label()}: {message}", _point_loc(point, request, field))
    try:
        check_run_size(scenario, request.replications)
    except InputError as exc:
        raise _invalid(f"point {point.label()}: {exc}", _point_loc(point, request, "")) from None


def _point_loc(point: SweepPoint, request: SweepCreate, field: str) -> list[str | int]:
    """Where a point's limit comes from: the setting that sets ``field``, else the body's."""
    for number, setting in enumerate(request.settings):
        if setting.path == field:
            value = dict(point.params)[field]
            return ["body", "settings", number, "values", setting.values.index(value)]
    if field == "replications" and request.replications is not None:
        return ["body", "replications"]
    return ["body", "settings"]
