"""Pickup planning for a scenario's windows: ``tongban route SCENARIO``.

Inputs come from the other layers:

* windows and their hall hours from the scenario (``sim.scenarios``), placed at the seat
  of their admin unit (``geo.units``, window ``code``);
* parcels per window per ordinary day from the simulation's arrival model: the expected
  daily arrivals of ``proxy`` cases whose originals go by post (``sim.compile``), one
  envelope per case;
* road distances and times from ``geo.matrix.distance_duration_matrix``.

One VRP depot per prefecture. The defaults below are **assumptions** (no public source
was found: ``../shared/PARAMETERS.md`` lists hall pickup cut-offs and processing-centre
locations as not found) and are written into ``tradeoff.csv``'s sibling ``routing.json``.
"""

from __future__ import annotations

import csv
import json
import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from routing.batching import PickupPlan, PickupSlot, tradeoff
from routing.build import DepotSite, VehicleSpec, WindowSite, site_matrices
from routing.outputs import (
    clock,
    tradeoff_rows,
    write_pickups_csv,
    write_routes_geojson,
    write_tradeoff_csv,
)
from routing.stopping import StoppingCriterion
from tongban.kernel.errors import InputError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoutingAssumptions:
    """Defaults for a scenario's EMS pickups (all assumptions, see module docstring)."""

    # centre at the prefecture seat; opens 07:30; cut-off 18:30 for the evening trunk to
    # the Nanjing air hub (night flights arrive 00:30–03:00, PARAMETERS.md)
    centre_open_min: int = 7 * 60 + 30
    centre_cutoff_min: int = 18 * 60 + 30
    vans: int = 6
    van_capacity_parcels: int = 300
    cost_per_km_yuan: float = 2.0  # fuel and wear of a light van
    cost_per_dispatch_yuan: float = 150.0  # driver half-shift per route
    service_min: float = 5.0  # bag hand-over and signature at the window
    slots: tuple[tuple[str, int, int], ...] = (
        ("10:00", 9 * 60 + 30, 11 * 60 + 30),  # morning, before the lunch break
        ("14:30", 13 * 60 + 30, 15 * 60 + 30),
        ("16:30", 15 * 60 + 30, 17 * 60),  # end of hall hours
    )
    weights: tuple[float, ...] = (0.0, 1.0, 3.0, 10.0, 30.0)  # yuan per parcel-hour
    default_weight: float = 3.0
    max_pickups: int = 3


def _layers() -> tuple[Any, Any, Any]:
    try:
        from geo import units
        from sim.compile import compile_scenario
        from sim.scenarios.loader import load_scenario
    except ImportError as exc:
        raise InputError(f"scenario routing not available yet ({exc})") from None
    return load_scenario, compile_scenario, units


def scenario_sites(
    name_or_path: str | Any, assumptions: RoutingAssumptions
) -> tuple[str, dict[str, tuple[DepotSite, list[WindowSite]]]]:
    """Scenario name and, per prefecture code, its centre and the windows with parcels."""
    from tongban.kernel.hours import OpeningHours

    load_scenario, compile_scenario, units = _layers()
    scenario = load_scenario(name_or_path) if isinstance(name_or_path, str) else name_or_path
    compiled = compile_scenario(scenario)
    by_prefecture: dict[str, list[WindowSite]] = defaultdict(list)
    for plan in compiled.windows:
        spec = plan.spec
        if not spec.code:
            raise InputError(
                f"window {spec.id} has no code (admin unit): scenario routing needs "
                "geographic windows",
                field=f"windows.{plan.index}.code",
            )
        try:
            unit = units.get(spec.code)
        except KeyError:
            raise InputError(
                f"window {spec.id}: unknown admin code {spec.code!r}",
                field=f"windows.{plan.index}.code",
            ) from None
        hours = OpeningHours.from_strings(spec.hours).intervals
        parcels = sum(
            float(plan.rates[row].sum())
            for row, matter in enumerate(plan.row_matter)
            if plan.row_mode[row] == "proxy" and compiled.matters[matter].originals_by_post
        )
        prefecture = (
            units.ancestor_at(spec.code, "prefecture") if unit.level != "province" else unit
        )
        by_prefecture[prefecture.code].append(
            WindowSite(
                id=spec.id,
                lon=unit.lon,
                lat=unit.lat,
                open_min=round(hours[0][0]),
                close_min=round(hours[-1][1]),
                daily_parcels=parcels,
                service_min=assumptions.service_min,
            )
        )
    sites = {}
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
    return scenario.name, sites


def plan_scenario(
    name_or_path: str | Any,
    assumptions: RoutingAssumptions | None = None,
    seconds: float | None = 5.0,
    seed: int = 0,
    iterations: int | None = None,
) -> tuple[str, dict[str, list[PickupPlan]]]:
    """Trade-off plans (one per weight in ``assumptions.weights``) per prefecture.

    With ``iterations`` the solvers stop on that deterministic budget only (``seconds`` is
    ignored), so the same seed gives the same plans on any machine.
    """
    assumptions = assumptions or RoutingAssumptions()
    if iterations is not None:
        seconds = None
    name, sites = scenario_sites(name_or_path, assumptions)
    vehicle = VehicleSpec(
        count=assumptions.vans,
        capacity=assumptions.van_capacity_parcels,
        cost_per_km=assumptions.cost_per_km_yuan,
        cost_per_vehicle=assumptions.cost_per_dispatch_yuan,
    )
    slots = [PickupSlot(n, a, b) for n, a, b in assumptions.slots]
    plans: dict[str, list[PickupPlan]] = {}
    for code, (depot, windows) in sites.items():
        matrices = site_matrices(depot, windows)
        plans[code] = tradeoff(
            depot,
            windows,
            vehicle,
            slots,
            matrices,
            assumptions.weights,
            max_pickups=assumptions.max_pickups,
            stop=StoppingCriterion(seconds=seconds, iterations=iterations),
            seed=seed,
        )
    return name, plans


def chosen_plans(plans: dict[str, list[PickupPlan]], weight: float) -> dict[str, PickupPlan]:
    """The plan at ``weight`` per prefecture (the nearest weight computed)."""
    return {
        code: min(options, key=lambda p: abs(p.waiting_weight - weight))
        for code, options in plans.items()
    }


@dataclass(frozen=True)
class UnservedWindow:
    """A window (in one slot, or ``"-"`` for all) the chosen plan sends no van to."""

    window_id: str
    slot: str
    reason: str


@dataclass(frozen=True)
class ScenarioPlan:
    """The routing stage's result for a scenario: the trade-off and the chosen plan."""

    scenario: str
    waiting_weight: float
    assumptions: RoutingAssumptions
    tradeoff: dict[str, list[PickupPlan]]  # per prefecture code, one plan per weight
    chosen: PickupPlan  # all prefectures, at ``waiting_weight``

    def pickup_times(self) -> dict[str, list[str]]:
        """``window_id → ["HH:MM", ...]`` of the chosen plan."""
        times: dict[str, set[str]] = defaultdict(set)
        for p in self.chosen.pickups:
            times[p.window_id].add(clock(p.time_min))
        return {w: sorted(t) for w, t in times.items()}

    def centre_handovers(self) -> dict[str, list[tuple[float, float]]]:
        """``window_id → [(pickup minute, minute the van is back at the centre), ...]``.

        From the chosen plan's routes: a route's return to its depot (the prefecture's
        processing centre) is when the parcels of every stop on it are handed over.
        """
        handovers: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for sr in self.chosen.slots:
            scale = sr.problem.time_scale
            for route in sr.result.routes:
                back = route.end / scale
                for stop, arrival in zip(route.stops, route.arrivals, strict=True):
                    window_id = sr.problem.stops[stop].id.split("#", 1)[0]
                    handovers[window_id].append((arrival / scale, back))
        return dict(handovers)

    def simulation_pickups(self, default: Sequence[str]) -> Any:
        """The chosen plan as the simulation's ``sim.models.separation.PickupSchedule``.

        Pass it to ``sim.compile.compile_scenario(scenario, pickups=...)`` so turnaround
        reflects the plan. Each planned pickup carries its van's arrival at the centre: the
        simulation starts the parcels' EMS journey there at that minute (no second
        collection). A window the plan leaves wholly unserved (see
        :meth:`unserved_windows`) has no planned van: it keeps the fixed ``default`` times
        and the EMS model's own collection from the window, as without a routing plan.
        """
        from tongban.kernel.pickups import PickupSchedule

        return PickupSchedule.from_handovers(list(default), self.centre_handovers())

    def unserved_windows(self) -> tuple[UnservedWindow, ...]:
        """Windows (per slot) of the chosen plan without a van, with the solver's reason."""
        return tuple(UnservedWindow(*row) for row in self.chosen.unserved)

    def warnings(self) -> list[str]:
        """One line per unserved window, for ``summary.json`` warnings."""
        planned = {p.window_id for p in self.chosen.pickups}
        out = []
        for u in self.unserved_windows():
            fallback = (
                "its other planned pickups carry its parcels"
                if u.window_id in planned
                else "simulated with the fixed pickup times and the EMS model's own collection"
            )
            slot = "any slot" if u.slot == "-" else f"slot {u.slot}"
            out.append(f"routing: window {u.window_id} unserved in {slot} ({u.reason}); {fallback}")
        return out

    def write(self, out: Path) -> None:
        """Write ``pickups.csv``, ``unserved.csv``, ``routes.geojson``, ``tradeoff.csv`` and
        ``routing.json``."""
        out.mkdir(parents=True, exist_ok=True)
        write_pickups_csv(self.chosen, out / "pickups.csv")
        with (out / "unserved.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["window_id", "slot", "reason"])
            writer.writerows((u.window_id, u.slot, u.reason) for u in self.unserved_windows())
        write_routes_geojson(self.chosen, out / "routes.geojson")
        write_tradeoff_csv([p for ps in self.tradeoff.values() for p in ps], out / "tradeoff.csv")
        meta = {
            "scenario": self.scenario,
            "waiting_weight": self.waiting_weight,
            "assumptions": asdict(self.assumptions),
        }
        (out / "routing.json").write_text(json.dumps(meta, indent=1), "utf-8")

    def summary(self) -> dict[str, object]:
        """Totals of the chosen plan (one ``tradeoff.csv`` row) and its unserved stops."""
        row = tradeoff_rows([self.chosen])[0]
        return {
            "scenario": self.scenario,
            **row,
            "unserved_detail": list(self.chosen.unserved),
            "warnings": self.warnings(),
            "tradeoff": tradeoff_rows([p for ps in self.tradeoff.values() for p in ps]),
        }


def plan_for_scenario(
    scenario: str | Any,
    waiting_weight: float | None = None,
    seconds: float | None = 2.0,
    seed: int = 0,
    iterations: int | None = None,
    assumptions: RoutingAssumptions | None = None,
) -> ScenarioPlan:
    """Plan pickups for a scenario (a name, a path or a loaded ``Scenario``).

    ``iterations`` makes the plan reproducible: the wall-clock limit ``seconds`` is then
    dropped (see :func:`plan_scenario`).
    """
    assumptions = assumptions or RoutingAssumptions()
    weight = assumptions.default_weight if waiting_weight is None else waiting_weight
    if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
        raise InputError(
            f"waiting_weight must be a finite number >= 0 (yuan per parcel-hour), got {weight}",
            field="waiting_weight",
        )
    if weight not in assumptions.weights:
        assumptions = replace(assumptions, weights=tuple(sorted((*assumptions.weights, weight))))
    name, plans = plan_scenario(
        scenario, assumptions, seconds=seconds, seed=seed, iterations=iterations
    )
    return ScenarioPlan(
        scenario=name,
        waiting_weight=weight,
        assumptions=assumptions,
        tradeoff=plans,
        chosen=_merge(chosen_plans(plans, weight), weight),
    )


def route_scenario(
    scenario: str | Any,
    out: Path,
    seconds: float = 2.0,
    seed: int = 0,
    waiting_weight: float | None = None,
    assumptions: RoutingAssumptions | None = None,
    iterations: int | None = None,
) -> dict[str, object]:
    """``tongban route SCENARIO``: plan, write the files to ``out``, return a summary."""
    plan = plan_for_scenario(scenario, waiting_weight, seconds, seed, iterations, assumptions)
    plan.write(out)
    return {"out": str(out), **plan.summary()}


def _merge(plans: dict[str, PickupPlan], weight: float) -> PickupPlan:
    """One plan from several prefectures' plans; van labels get the prefecture code."""
    if len(plans) == 1:
        return next(iter(plans.values()))

    def relabel(code: str, plan: PickupPlan) -> PickupPlan:
        return replace(
            plan,
            vans=tuple(tuple(f"{code}-{v}" for v in labels) for labels in plan.vans),
            pickups=tuple(replace(p, vehicle=f"{code}-{p.vehicle}") for p in plan.pickups),
        )

    parts = [relabel(code, plan) for code, plan in plans.items()]
    return PickupPlan(
        waiting_weight=weight,
        schedules={k: v for p in parts for k, v in p.schedules.items()},
        slots=tuple(s for p in parts for s in p.slots),
        vans=tuple(v for p in parts for v in p.vans),
        pickups=tuple(x for p in parts for x in p.pickups),
        unserved=tuple(x for p in parts for x in p.unserved),
        routes=sum(p.routes for p in parts),
        vans_needed=sum(p.vans_needed for p in parts),
        km=sum(p.km for p in parts),
        vehicle_cost_yuan=sum(p.vehicle_cost_yuan for p in parts),
        waiting_hours=sum(p.waiting_hours for p in parts),
        parcels=sum(p.parcels for p in parts),
    )
