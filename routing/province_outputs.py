"""Rows and documents of a province plan's report folder (``tongban route --province``).

The usual routing files, from every centre's and branch's plan:

* ``pickups.csv``, ``unserved.csv``, ``routes.geojson`` — as for a scenario (van labels
  ``<centre code>-vanN`` and ``<county code>-branch-vanN``);
* ``tradeoff.csv`` — one row: the province at the plan's waiting weight (the sums);

and two of its own (columns in ``docs/report_columns.md``):

* ``centres.csv`` — one row per EMS processing centre: its halls, its vans' and its
  branches' plan, and the direct plan (every hall from the centre) it was compared with;
* ``branches.csv`` — one row per county branch that collects for its centre, with the
  mail route its bags take.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

from geo.ems import default_network
from routing.outputs import PlannedPickupRow, TradeoffRow, clock, lines_geojson
from routing.province_plan import ProvincePlan
from routing.scenario import UnservedWindow
from tongban.kernel.tables import EXCEL

MINUTES_PER_DAY = 24 * 60


def assumptions() -> list[str]:
    """The province plan's stated assumptions (the mail route's departures from the EMS
    model's own parameters, so the text cannot drift from what is planned)."""
    departures = " and ".join(
        clock(round(hours * 60)) for hours in default_network().params.collection_hours
    )
    return [
        "assumption: a hall's parcels go to the EMS processing centre that serves its unit "
        "(its prefecture-equivalent's seat; geo.ems), one VRPTW per centre",
        "assumption: a county's EMS branch sits at the county seat (no public list of branch "
        "locations was found)",
        "assumption: the branch → centre mail route is the EMS model's collection leg from the "
        f"county (leaves {departures}, road time at the model's local speed), the leg the "
        "simulation uses for an item posted there; no separate timetable is invented",
        "assumption: branch vans are the centre's kind at the centre's prices, so the choice "
        "turns on kilometres, dispatches and the mail route's schedule only",
    ]


@dataclass(frozen=True)
class CentreRow:
    """``centres.csv``: one EMS processing centre's plan (its vans and its branches')."""

    csv_dialect: ClassVar[str] = EXCEL

    centre_code: str
    centre_name: str
    halls: int
    halls_served: int
    halls_via_branches: int
    branches: int
    parcels_per_day: float
    pickups_per_day: int
    routes_per_day: int
    vans_needed: int
    km_per_day: float
    vehicle_cost_yuan_per_day: float
    parcel_wait_hours_per_day: float
    unserved: int
    direct_vehicle_cost_yuan_per_day: float
    direct_parcel_wait_hours_per_day: float
    direct_unserved: int
    slot_choice_status: str


@dataclass(frozen=True)
class BranchRow:
    """``branches.csv``: a county branch collecting for its centre, and its mail route."""

    csv_dialect: ClassVar[str] = EXCEL

    branch_code: str
    branch_name: str
    centre_code: str
    halls: int
    parcels_per_day: float
    pickups_per_day: int
    routes_per_day: int
    vans_needed: int
    km_per_day: float
    vehicle_cost_yuan_per_day: float
    parcel_wait_hours_per_day: float
    unserved: int
    mail_route_departure: str
    mail_route_km: float
    centre_arrival: str
    centre_days_late: int


def day_clock(minute: float) -> str:
    """``HH:MM``, with ``+N`` when the minute falls N days after the pickup day."""
    days = int(minute // MINUTES_PER_DAY)
    text = clock(minute - days * MINUTES_PER_DAY)
    return f"{text}+{days}" if days else text


def centre_rows(plan: ProvincePlan) -> list[CentreRow]:
    """One row per centre."""
    return [
        CentreRow(
            centre_code=c.code,
            centre_name=c.name,
            halls=len(c.hall_ids),
            halls_served=c.halls_served,
            halls_via_branches=c.halls_via_branches,
            branches=len(c.branches),
            parcels_per_day=round(c.parcels, 2),
            pickups_per_day=c.pickups_per_day,
            routes_per_day=c.routes,
            vans_needed=c.vans_needed,
            km_per_day=round(c.km, 1),
            vehicle_cost_yuan_per_day=round(c.vehicle_cost_yuan, 1),
            parcel_wait_hours_per_day=round(c.waiting_hours, 1),
            unserved=len(c.unserved),
            direct_vehicle_cost_yuan_per_day=round(c.direct.vehicle_cost_yuan, 1),
            direct_parcel_wait_hours_per_day=round(c.direct.waiting_hours, 1),
            direct_unserved=len(c.direct.unserved),
            slot_choice_status=c.slot_choice_status,
        )
        for c in plan.centres
    ]


def branch_rows(plan: ProvincePlan) -> list[BranchRow]:
    """One row per branch kept by its centre."""
    return [
        BranchRow(
            branch_code=b.sites.code,
            branch_name=b.sites.name,
            centre_code=c.code,
            halls=len(b.sites.halls),
            parcels_per_day=round(b.plan.parcels, 2),
            pickups_per_day=len(b.plan.pickups),
            routes_per_day=b.plan.routes,
            vans_needed=b.plan.vans_needed,
            km_per_day=round(b.plan.km, 1),
            vehicle_cost_yuan_per_day=round(b.plan.vehicle_cost_yuan, 1),
            parcel_wait_hours_per_day=round(b.plan.waiting_hours, 1),
            unserved=len(b.plan.unserved),
            mail_route_departure=clock(b.sites.departure_min),
            mail_route_km=b.sites.route.km,
            centre_arrival=day_clock(b.sites.arrival_min),
            centre_days_late=b.sites.days_late,
        )
        for c in plan.centres
        for b in c.branches
    ]


def pickup_rows(plan: ProvincePlan) -> list[PlannedPickupRow]:
    """``pickups.csv``: every centre's and branch's pickups."""
    return [
        PlannedPickupRow(p.window_id, clock(p.time_min), p.vehicle, p.slot, p.parcels)
        for c in plan.centres
        for part in c.parts
        for p in part.pickups
    ]


def unserved_rows(plan: ProvincePlan) -> list[UnservedWindow]:
    """``unserved.csv``: windows (per slot) without a van, with the reason."""
    return [UnservedWindow(*u) for c in plan.centres for u in c.unserved]


def tradeoff_row(plan: ProvincePlan) -> TradeoffRow:
    """``tradeoff.csv``'s one row: the province at its waiting weight."""
    weight = plan.problem.waiting_weight
    parcels = plan.parcels
    return TradeoffRow(
        waiting_weight_yuan_per_parcel_hour=weight,
        pickups_per_day=sum(c.pickups_per_day for c in plan.centres),
        routes_per_day=sum(c.routes for c in plan.centres),
        vans_needed=sum(c.vans_needed for c in plan.centres),
        km_per_day=round(plan.km, 1),
        vehicle_cost_yuan_per_day=round(plan.vehicle_cost_yuan, 1),
        parcel_wait_hours_per_day=round(plan.waiting_hours, 1),
        parcel_wait_mean_hours=round(plan.waiting_hours / parcels, 2) if parcels else 0.0,
        objective_yuan_per_day=round(plan.vehicle_cost_yuan + weight * plan.waiting_hours, 1),
        unserved=sum(len(c.unserved) for c in plan.centres),
    )


def routes_geojson(plan: ProvincePlan) -> dict[str, object]:
    """Every van route of the province (centres' and branches')."""
    return lines_geojson([line for c in plan.centres for line in c.lines])


def metadata(plan: ProvincePlan) -> dict[str, object]:
    """``routing.json``: the province, the weight, the budget and every assumption."""
    p = plan.problem
    return {
        "scenario": p.name,
        "province": {"code": p.province_code, "name": p.province_name},
        "waiting_weight": p.waiting_weight,
        "seed": p.seed,
        "budget": {
            "seconds": p.stop.seconds,
            "iterations": p.stop.iterations,
            "no_improvement": p.stop.no_improvement,
        },
        "assumptions": asdict(p.assumptions),
        "branches": {**asdict(p.branch), "assumptions": assumptions()},
    }


def summary(plan: ProvincePlan) -> dict[str, object]:
    """The province's totals, its centres and branches, and its unserved windows."""
    p = plan.problem
    return {
        "scenario": p.name,
        "province_code": p.province_code,
        "province_name": p.province_name,
        "centres": len(plan.centres),
        "halls": plan.halls,
        "halls_served": sum(c.halls_served for c in plan.centres),
        "halls_via_branches": sum(c.halls_via_branches for c in plan.centres),
        "branches": sum(len(c.branches) for c in plan.centres),
        **asdict(tradeoff_row(plan)),
        "unserved_detail": [list(u) for c in plan.centres for u in c.unserved],
        "centre_plans": [asdict(r) for r in centre_rows(plan)],
        "branch_plans": [asdict(r) for r in branch_rows(plan)],
    }
