"""Pickup planning for a scenario's windows, from their sites: the routing stage's core.

Inputs (built by the pipeline, :mod:`tongban.pipeline.routing_stage`, from a compiled
scenario — routing itself knows nothing of the simulation):

* windows and their hall hours, placed at the seat of their admin unit (``geo.units``);
* parcels per window per ordinary day: the expected daily arrivals of ``proxy`` cases
  whose originals go by post, one envelope per case;
* road distances and times from ``geo.matrix.distance_duration_matrix``.

One VRP depot per prefecture. The defaults below are **assumptions** (no public source
was found: ``../shared/PARAMETERS.md`` lists hall pickup cut-offs and processing-centre
locations as not found) and are written into ``tradeoff.csv``'s sibling ``routing.json``.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from typing import ClassVar

from routing.batching import PickupPlan, PickupSlot, tradeoff
from routing.build import DepotSite, VehicleSpec, WindowSite, site_matrices
from routing.outputs import PlannedPickupRow, TradeoffRow, clock, pickup_rows, tradeoff_rows
from routing.stopping import StoppingCriterion
from tongban.kernel.errors import InputError
from tongban.kernel.tables import EXCEL

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

    def vehicle(self, count: int | None = None) -> VehicleSpec:
        """The van fleet: ``count`` vans (default :attr:`vans`) at these prices."""
        return VehicleSpec(
            count=self.vans if count is None else count,
            capacity=self.van_capacity_parcels,
            cost_per_km=self.cost_per_km_yuan,
            cost_per_vehicle=self.cost_per_dispatch_yuan,
        )

    def checked_weight(self, waiting_weight: float | None) -> float:
        """The waiting weight to plan with (``None``: the default), checked ≥ 0 and finite."""
        weight = self.default_weight if waiting_weight is None else waiting_weight
        if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
            raise InputError(
                f"waiting_weight must be a finite number >= 0 (yuan per parcel-hour), got {weight}",
                field="waiting_weight",
            )
        return float(weight)


Sites = dict[str, tuple[DepotSite, list[WindowSite]]]  # prefecture code → centre, windows


def plan_scenario(
    sites: Sites,
    assumptions: RoutingAssumptions | None = None,
    seconds: float | None = 5.0,
    seed: int = 0,
    iterations: int | None = None,
) -> dict[str, list[PickupPlan]]:
    """Trade-off plans (one per weight in ``assumptions.weights``) per prefecture.

    With ``iterations`` the solvers stop on that deterministic budget only (``seconds`` is
    ignored), so the same seed gives the same plans on any machine.
    """
    assumptions = assumptions or RoutingAssumptions()
    if iterations is not None:
        seconds = None
    vehicle = assumptions.vehicle()
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
    return plans


def chosen_plans(plans: dict[str, list[PickupPlan]], weight: float) -> dict[str, PickupPlan]:
    """The plan at ``weight`` per prefecture (the nearest weight computed)."""
    return {
        code: min(options, key=lambda p: abs(p.waiting_weight - weight))
        for code, options in plans.items()
    }


@dataclass(frozen=True)
class UnservedWindow:
    """A window (in one slot, or ``"-"`` for all) the chosen plan sends no van to."""

    csv_dialect: ClassVar[str] = EXCEL

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

    def pickup_rows(self) -> list[PlannedPickupRow]:
        """Rows of ``pickups.csv``: the chosen plan's pickups."""
        return pickup_rows(self.chosen)

    def tradeoff_rows(self) -> list[TradeoffRow]:
        """Rows of ``tradeoff.csv``: every prefecture's plan at every weight."""
        return tradeoff_rows([p for ps in self.tradeoff.values() for p in ps])

    def metadata(self) -> dict[str, object]:
        """The content of ``routing.json``: the chosen weight and the assumptions."""
        return {
            "scenario": self.scenario,
            "waiting_weight": self.waiting_weight,
            "assumptions": asdict(self.assumptions),
        }

    def summary(self) -> dict[str, object]:
        """Totals of the chosen plan (one ``tradeoff.csv`` row) and its unserved stops."""
        row = tradeoff_rows([self.chosen])[0]
        return {
            "scenario": self.scenario,
            **asdict(row),
            "unserved_detail": list(self.chosen.unserved),
            "warnings": self.warnings(),
            "tradeoff": [asdict(r) for r in self.tradeoff_rows()],
        }


def plan_for_sites(
    name: str,
    sites: Sites,
    waiting_weight: float | None = None,
    seconds: float | None = 2.0,
    seed: int = 0,
    iterations: int | None = None,
    assumptions: RoutingAssumptions | None = None,
) -> ScenarioPlan:
    """Plan pickups for the sites of scenario ``name`` (see :func:`plan_scenario`).

    ``iterations`` makes the plan reproducible: the wall-clock limit ``seconds`` is then
    dropped (see :func:`plan_scenario`).
    """
    assumptions = assumptions or RoutingAssumptions()
    weight = assumptions.checked_weight(waiting_weight)
    if weight not in assumptions.weights:
        assumptions = replace(assumptions, weights=tuple(sorted((*assumptions.weights, weight))))
    plans = plan_scenario(sites, assumptions, seconds=seconds, seed=seed, iterations=iterations)
    return ScenarioPlan(
        scenario=name,
        waiting_weight=weight,
        assumptions=assumptions,
        tradeoff=plans,
        chosen=_merge(chosen_plans(plans, weight), weight),
    )


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
        slot_choice_status=next(
            (p.slot_choice_status for p in parts if p.slot_choice_status != "OPTIMAL"), "OPTIMAL"
        ),
        hall_wait_hours=tuple(x for p in parts for x in p.hall_wait_hours),
    )
