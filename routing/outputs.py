"""Rows of the routing part of the report folder (``../shared/DESIGN.md`` §6).

The pipeline writes them (:func:`tongban.kernel.tables.write_csv`); routing only builds them.


* ``pickups.csv`` — one row per window × pickup: ``window_id, pickup_time, vehicle`` (fixed)
  plus ``slot, parcels``.
* ``routes.geojson`` — one LineString per route in EPSG:4326 (lon, lat), depot → windows →
  depot as straight segments between stops (the road geometry is not kept), with
  ``vehicle, stops, distance_km, duration_h`` (fixed) plus ``slot, start, end``.
* ``tradeoff.csv`` — one row per waiting weight: the cost–delay trade-off.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from routing.batching import PickupPlan
from routing.build import SECONDS_PER_MINUTE
from tongban.kernel.clock import format_clock
from tongban.kernel.tables import EXCEL, formatted

clock = format_clock  # minutes from midnight → "HH:MM" (the name routing's modules use)


@dataclass(frozen=True)
class PlannedPickupRow:
    """``pickups.csv`` of a routing plan: one window × pickup."""

    csv_dialect: ClassVar[str] = EXCEL

    window_id: str
    pickup_time: str  # "HH:MM"
    vehicle: str
    slot: str
    parcels_per_pickup: float = field(metadata=formatted("g"))


@dataclass(frozen=True)
class TradeoffRow:
    """``tradeoff.csv``: one waiting weight of the cost–delay trade-off."""

    csv_dialect: ClassVar[str] = EXCEL

    waiting_weight_yuan_per_parcel_hour: float
    pickups_per_day: int
    routes_per_day: int
    vans_needed: int
    km_per_day: float
    vehicle_cost_yuan_per_day: float
    parcel_wait_hours_per_day: float
    parcel_wait_mean_hours: float
    objective_yuan_per_day: float
    unserved: int


def pickup_rows(plan: PickupPlan) -> list[PlannedPickupRow]:
    """Rows of ``pickups.csv`` for a plan."""
    return [
        PlannedPickupRow(p.window_id, clock(p.time_min), p.vehicle, p.slot, p.parcels)
        for p in plan.pickups
    ]


def read_pickup_times(path: Path) -> dict[str, list[str]]:
    """``window_id → sorted "HH:MM" times`` from a ``pickups.csv`` (for the simulation)."""
    times: dict[str, set[str]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            times.setdefault(row["window_id"], set()).add(row["pickup_time"])
    return {window: sorted(values) for window, values in times.items()}


@dataclass(frozen=True)
class RouteLine:
    """One van route as drawn in ``routes.geojson``: a small, picklable record.

    ``coords``: (lon, lat) of depot → stops → depot (EPSG:4326); ``distance_m`` the
    route's road metres; ``start``/``end`` clock times ``HH:MM``.
    """

    vehicle: str
    slot: str
    stops: tuple[str, ...]
    coords: tuple[tuple[float, float], ...]
    distance_m: int
    duration_s: int
    start: str
    end: str
    parcels_per_day: int


def route_lines(plan: PickupPlan, label: str = "") -> list[RouteLine]:
    """The plan's routes, van labels prefixed with ``label`` (e.g. ``"510100-"``)."""
    lines: list[RouteLine] = []
    for sr, labels in zip(plan.slots, plan.vans, strict=True):
        problem = sr.problem
        depot = (problem.depot.x, problem.depot.y)
        for route, van in zip(sr.result.routes, labels, strict=True):
            coords = [depot, *((problem.stops[s].x, problem.stops[s].y) for s in route.stops)]
            coords.append(depot)
            lines.append(
                RouteLine(
                    vehicle=label + van,
                    slot=sr.slot.name,
                    stops=tuple(problem.stops[s].id for s in route.stops),
                    coords=tuple(coords),
                    distance_m=route.distance,
                    duration_s=route.duration,
                    start=clock(route.start / SECONDS_PER_MINUTE),
                    end=clock(route.end / SECONDS_PER_MINUTE),
                    parcels_per_day=route.load,
                )
            )
    return lines


def lines_geojson(lines: Sequence[RouteLine]) -> dict[str, object]:
    """Routes as a GeoJSON FeatureCollection (EPSG:4326, lon/lat)."""
    features: list[dict[str, object]] = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(c) for c in line.coords]},
            "properties": {
                "vehicle": line.vehicle,
                "slot": line.slot,
                "stops": list(line.stops),
                "distance_km": round(line.distance_m / 1000.0, 3),
                "duration_h": round(line.duration_s / 3600.0, 3),
                "start": line.start,
                "end": line.end,
                "parcels_per_day": line.parcels_per_day,
            },
        }
        for line in lines
    ]
    return {"type": "FeatureCollection", "features": features}


def routes_geojson(plan: PickupPlan) -> dict[str, object]:
    """The plan's routes as a GeoJSON FeatureCollection (EPSG:4326, lon/lat)."""
    return lines_geojson(route_lines(plan))


def tradeoff_rows(plans: Sequence[PickupPlan]) -> list[TradeoffRow]:
    """One ``tradeoff.csv`` row per plan."""
    return [
        TradeoffRow(
            waiting_weight_yuan_per_parcel_hour=p.waiting_weight,
            pickups_per_day=p.pickups_per_day,
            routes_per_day=p.routes,
            vans_needed=p.vans_needed,
            km_per_day=round(p.km, 1),
            vehicle_cost_yuan_per_day=round(p.vehicle_cost_yuan, 1),
            parcel_wait_hours_per_day=round(p.waiting_hours, 1),
            parcel_wait_mean_hours=round(p.mean_wait_hours, 2),
            objective_yuan_per_day=round(p.objective_yuan, 1),
            unserved=len(p.unserved),
        )
        for p in plans
    ]
