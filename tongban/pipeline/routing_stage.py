"""The routing stage: a compiled scenario as routing sites, and a plan as pickup times.

The adapter between the simulation's scenario and the pure routing layer (which imports
nothing of ``sim``): windows are placed at the seat of their admin unit (``geo.units``),
their parcels per ordinary day are the expected daily arrivals of ``proxy`` cases whose
originals go by post (one envelope per case), and the chosen plan goes back to the
simulation as a :class:`~tongban.kernel.pickups.PickupSchedule`.

A province run (``tongban route --province``) takes the same sites — a hall of a
``[national]`` hall file at the file's own point — for every hall of one province and
plans them per EMS centre (:mod:`routing.province`), on an executor's ``map``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from geo import units
from routing.build import DepotSite, WindowSite
from routing.province import DEFAULT_STOP, BranchAssumptions, ProvinceHall, province_problem
from routing.province_plan import Mapper, ProvincePlan, inline_map, plan_province
from routing.scenario import RoutingAssumptions, ScenarioPlan, Sites, plan_for_sites
from routing.stopping import StoppingCriterion
from sim.compile import CompiledScenario, WindowPlan, compile_scenario
from sim.scenarios.schema import Scenario
from tongban.kernel.errors import InputError
from tongban.kernel.pickups import PickupSchedule


def is_geographic(scenario: Scenario) -> bool:
    """Every window sits on an administrative unit (so routes can be planned)."""
    return bool(scenario.windows) and all(w.code for w in scenario.windows)


def daily_parcels(compiled: CompiledScenario, plan: WindowPlan) -> float:
    """Envelopes per ordinary day at a window: its proxy cases whose originals go by post."""
    return sum(
        float(plan.rates[row].sum())
        for row, matter in enumerate(plan.row_matter)
        if plan.row_mode[row] == "proxy" and compiled.matters[matter].originals_by_post
    )


def window_unit(plan: WindowPlan) -> units.AdminUnit:
    """The admin unit a window sits on (its ``code``), or an InputError naming the field."""
    spec = plan.spec
    if not spec.code:
        raise InputError(
            f"window {spec.id} has no code (admin unit): scenario routing needs geographic windows",
            field=f"windows.{plan.index}.code",
        )
    try:
        return units.get(spec.code)
    except KeyError:
        raise InputError(
            f"window {spec.id}: unknown admin code {spec.code!r}",
            field=f"windows.{plan.index}.code",
        ) from None


def window_site(
    compiled: CompiledScenario,
    plan: WindowPlan,
    assumptions: RoutingAssumptions,
    point: tuple[float, float] | None = None,
) -> WindowSite:
    """The window as a routing site: at ``point`` (lon, lat), else its unit's seat."""
    unit = window_unit(plan)
    hours = plan.hours.intervals
    lon, lat = point if point is not None else (unit.lon, unit.lat)
    return WindowSite(
        id=plan.spec.id,
        lon=lon,
        lat=lat,
        open_min=round(hours[0][0]),
        close_min=round(hours[-1][1]),
        daily_parcels=daily_parcels(compiled, plan),
        service_min=assumptions.service_min,
    )


def _window_site(
    compiled: CompiledScenario, plan: WindowPlan, assumptions: RoutingAssumptions
) -> tuple[str, WindowSite]:
    """The prefecture code of a window and the window as a routing site."""
    unit = window_unit(plan)
    prefecture = units.ancestor_at(unit.code, "prefecture") if unit.level != "province" else unit
    return prefecture.code, window_site(compiled, plan, assumptions)


def scenario_sites(compiled: CompiledScenario, assumptions: RoutingAssumptions) -> Sites:
    """Per prefecture code, its mail processing centre and the windows with parcels."""
    by_prefecture: dict[str, list[WindowSite]] = defaultdict(list)
    for plan in compiled.windows:
        if not plan.hours.intervals:
            continue  # a window never open on working days has no parcels to collect
        code, site = _window_site(compiled, plan, assumptions)
        by_prefecture[code].append(site)
    sites: Sites = {}
    for code, windows in by_prefecture.items():
        seat = units.get(code)
        depot = DepotSite(
            name=f"{seat.name} mail processing centre",
            lon=seat.lon,
            lat=seat.lat,
            open_min=assumptions.centre_open_min,
            cutoff_min=assumptions.centre_cutoff_min,
        )
        sites[code] = (depot, windows)
    return sites


def plan_for_scenario(
    scenario: Scenario | CompiledScenario,
    waiting_weight: float | None = None,
    seconds: float | None = 2.0,
    seed: int = 0,
    iterations: int | None = None,
    assumptions: RoutingAssumptions | None = None,
) -> ScenarioPlan:
    """Plan pickups for a scenario (compiled here unless it already is).

    ``iterations`` makes the plan reproducible: the wall-clock limit ``seconds`` is then
    dropped (see :func:`routing.scenario.plan_scenario`).
    """
    compiled = scenario if isinstance(scenario, CompiledScenario) else compile_scenario(scenario)
    assumptions = assumptions or RoutingAssumptions()
    return plan_for_sites(
        compiled.scenario.name,
        scenario_sites(compiled, assumptions),
        waiting_weight,
        seconds,
        seed,
        iterations,
        assumptions,
    )


def simulation_pickups(plan: ScenarioPlan, default: Sequence[str]) -> PickupSchedule:
    """The chosen plan as the simulation's pickup schedule.

    Each planned pickup carries its van's arrival at the centre: the simulation starts the
    parcels' EMS journey there at that minute (no second collection). A window the plan
    leaves wholly unserved (see :meth:`~routing.scenario.ScenarioPlan.unserved_windows`) has
    no planned van: it keeps the fixed ``default`` times and the EMS model's own collection
    from the window, as without a routing plan.
    """
    return PickupSchedule.from_handovers(list(default), plan.centre_handovers())


# -- a province: every hall, grouped by the EMS centre serving it (routing.province) -------

NATIONAL_LEVELS = ("province", "prefecture", "county")


def resolve_province(text: str) -> units.AdminUnit:
    """A province from a 2-digit code (``12``), a 6-digit code (``120000``) or a name."""
    value = str(text).strip()
    code = value + "0000" if value.isdigit() and len(value) == 2 else value
    try:
        unit = units.resolve(code)
    except InputError:
        unit = None
    if unit is None or unit.level != "province":
        known = ", ".join(
            f"{u.code[:2]} {u.name}" for u in units.all_units() if u.level == "province"
        )
        raise InputError(
            f"province: unknown province {value!r}; give a 2-digit code or a name, one of: {known}",
            field="province",
        )
    return unit


def load_province_scenario(
    scenario: str | None,
    province: units.AdminUnit,
    halls_file: str | None = None,
    levels: Sequence[str] | None = None,
) -> Scenario:
    """The scenario for a province run, validated.

    Without ``scenario``: the shipped ``national`` scenario (its demand assumptions). A
    scenario with a ``[national]`` table gets ``provinces = [the province]`` (and
    ``halls_file``/``levels`` when given) before its halls are generated; a scenario
    without one keeps its own windows (:func:`province_halls` keeps those in the province).
    """
    from sim.scenarios.loader import load_data, parse_scenario, resolve_path

    name = scenario or "national"
    data = load_data(name)
    if "national" in data:
        table = dict(data["national"])
        table["provinces"] = [province.code[:2]]
        if halls_file is not None:
            table["halls_file"] = str(halls_file)
        if levels is not None:
            bad = [level for level in levels if level not in NATIONAL_LEVELS]
            if bad or not levels:
                raise InputError(
                    f"levels: {bad or 'none'} not allowed; a comma list of "
                    f"{', '.join(NATIONAL_LEVELS)}",
                    field="levels",
                )
            table["levels"] = list(levels)
        data = {**data, "national": table}
    elif halls_file is not None or levels is not None:
        field = "halls" if halls_file is not None else "levels"
        raise InputError(
            f"{field}: scenario {name} has no [national] table to generate halls from; "
            "omit SCENARIO (the national scenario) or give one with a [national] table",
            field=field,
        )
    return parse_scenario(data, str(resolve_path(name)))


def hall_points(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """Window id → (lon, lat) of the halls of ``[national] halls_file`` (their own points)."""
    if scenario.national is None or scenario.national.halls_file is None:
        return {}
    from geo.windows import load_windows

    frame = load_windows(scenario.national.halls_file)
    return {
        str(i): (float(lon), float(lat))
        for i, lon, lat in zip(frame["id"], frame["lon"], frame["lat"], strict=True)
    }


def province_halls(
    compiled: CompiledScenario,
    province: units.AdminUnit,
    assumptions: RoutingAssumptions,
    points: Mapping[str, tuple[float, float]] | None = None,
) -> list[ProvinceHall]:
    """The scenario's halls in ``province`` that are open on working days, as routing halls.

    A hall sits at ``points[id]`` when given (a hall file's own point), else at its unit's
    seat. None in the province: :class:`InputError` naming the field ``province``.
    """
    points = points or {}
    halls = []
    for plan in compiled.windows:
        unit = window_unit(plan)
        if unit.province_code != province.code or not plan.hours.intervals:
            continue
        site = window_site(compiled, plan, assumptions, points.get(plan.spec.id))
        halls.append(ProvinceHall(site, unit.code, plan.spec.level or unit.level))
    if not halls:
        raise InputError(
            f"province: scenario {compiled.scenario.name} has no hall open on working days in "
            f"{province.code[:2]} {province.name}",
            field="province",
        )
    return halls


def plan_for_province(
    scenario: Scenario,
    province: units.AdminUnit,
    *,
    mapper: Mapper = inline_map,
    waiting_weight: float | None = None,
    seconds: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    branches: Literal["auto", "off"] = "auto",
) -> ProvincePlan:
    """Plan a province's pickups: one VRPTW per EMS centre (and branch), on ``mapper``.

    Budget per slot VRP: ``seconds`` and/or ``iterations``; neither:
    :data:`routing.province.DEFAULT_STOP` (deterministic: the same seed gives the same plan
    on every executor).
    """
    assumptions = RoutingAssumptions()
    weight = assumptions.checked_weight(waiting_weight)
    stop = (
        DEFAULT_STOP
        if seconds is None and iterations is None
        else StoppingCriterion(seconds=seconds, iterations=iterations)
    )
    compiled = compile_scenario(scenario)
    halls = province_halls(compiled, province, assumptions, hall_points(scenario))
    problem = province_problem(
        scenario.name,
        province.code,
        province.name,
        halls,
        assumptions=assumptions,
        branch=BranchAssumptions(mode=branches),
        waiting_weight=weight,
        stop=stop,
        seed=seed,
    )
    return plan_province(problem, mapper)


def write_province_routes(plan: ProvincePlan, folder: Path, summary: Mapping[str, Any]) -> Path:
    """The province plan's folder, written atomically: ``pickups.csv``, ``unserved.csv``,
    ``tradeoff.csv``, ``centres.csv``, ``branches.csv``, ``routes.geojson``,
    ``routing.json`` and ``summary.json``."""
    from routing import province_outputs as out
    from routing.outputs import PlannedPickupRow, TradeoffRow
    from routing.scenario import UnservedWindow
    from tongban.pipeline.report import write_folder

    tables: dict[str, tuple[type, Sequence[Any]]] = {
        "pickups": (PlannedPickupRow, out.pickup_rows(plan)),
        "unserved": (UnservedWindow, out.unserved_rows(plan)),
        "tradeoff": (TradeoffRow, [out.tradeoff_row(plan)]),
        "centres": (out.CentreRow, out.centre_rows(plan)),
        "branches": (out.BranchRow, out.branch_rows(plan)),
    }
    documents = {
        "routes.geojson": json.dumps(out.routes_geojson(plan), ensure_ascii=False, indent=1),
        "routing.json": json.dumps(out.metadata(plan), ensure_ascii=False, indent=1),
    }
    return write_folder(folder, tables, documents, summary)
