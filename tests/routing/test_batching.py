"""Batching: slot choice responds to the waiting weight; plans respect cut-off and capacity."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from routing.batching import PickupPlan, PickupSlot, plan_pickups, tradeoff
from routing.build import DepotSite, MatrixFunction, VehicleSpec, WindowSite, site_matrices
from routing.outputs import write_pickups_csv, write_routes_geojson, write_tradeoff_csv
from routing.stopping import SolutionLimit
from tongban.errors import InputError

CENTRE = DepotSite("centre", 117.49, 30.66, open_min=450, cutoff_min=1110)
HALLS = [
    WindowSite("guichi", 117.478, 30.661, 540, 1020, 400),  # > one van: split into copies
    WindowSite("qingyang", 117.835, 30.643, 540, 1020, 120),
    WindowSite("dongzhi", 117.022, 30.032, 540, 1020, 150),
    WindowSite("shitai", 117.478, 30.199, 540, 1020, 60),
    WindowSite("t1", 117.60, 30.50, 540, 1020, 20),
    WindowSite("t2", 117.30, 30.55, 540, 1020, 15),
]
VAN = VehicleSpec(count=6, capacity=300, cost_per_km=2.5, cost_per_vehicle=150)
SLOTS = [
    PickupSlot("10:00", 570, 690),
    PickupSlot("14:00", 810, 900),
    PickupSlot("16:00", 930, 1020),
]
STOP = SolutionLimit(200)


@pytest.fixture(scope="module")
def plans(
    stand_in: MatrixFunction,
) -> list[PickupPlan]:
    matrices = site_matrices(CENTRE, HALLS, stand_in)
    return tradeoff(CENTRE, HALLS, VAN, SLOTS, matrices, [0.0, 2.0, 50.0], stop=STOP)


def test_zero_weight_collects_once_a_day_at_the_end(plans: list[PickupPlan]) -> None:
    cheapest = plans[0]
    assert all(len(s) == 1 for s in cheapest.schedules.values())
    assert not cheapest.unserved
    assert cheapest.routes <= 4  # 765 parcels, 300 per van; guichi (400) needs two vans


def test_higher_weight_trades_cost_for_shorter_waits(plans: list[PickupPlan]) -> None:
    low, _, high = plans
    assert high.pickups_per_day > low.pickups_per_day
    assert high.waiting_hours < 0.6 * low.waiting_hours
    assert high.vehicle_cost_yuan > low.vehicle_cost_yuan
    assert all(len(s) == 3 for s in high.schedules.values())


def test_routes_end_before_cutoff_and_loads_fit(plans: list[PickupPlan]) -> None:
    for plan in plans:
        for sr in plan.slots:
            for route in sr.result.routes:
                assert route.end <= CENTRE.cutoff_min * 60
                assert route.load <= VAN.capacity
            for route in sr.result.routes:
                for stop, arrival in zip(route.stops, route.arrivals, strict=True):
                    assert sr.slot.start_min * 60 <= arrival <= sr.slot.end_min * 60
                    assert sr.problem.stops[stop].tw_open <= arrival


def test_every_parcel_is_collected(plans: list[PickupPlan]) -> None:
    for plan in plans:
        by_window: dict[str, float] = {}
        for p in plan.pickups:
            by_window[p.window_id] = by_window.get(p.window_id, 0.0) + p.parcels
        for hall in HALLS:
            # loads are rounded up per pickup, never below the day's parcels
            assert hall.daily_parcels <= by_window[hall.id] <= hall.daily_parcels + 3


def test_outputs_follow_the_contract(plans: list[PickupPlan], tmp_path: Path) -> None:
    plan = plans[1]
    write_pickups_csv(plan, tmp_path / "pickups.csv")
    write_routes_geojson(plan, tmp_path / "routes.geojson")
    write_tradeoff_csv(plans, tmp_path / "tradeoff.csv")
    with (tmp_path / "pickups.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {"window_id", "pickup_time", "vehicle"} <= set(rows[0])
    assert len(rows) == plan.pickups_per_day
    assert all(len(r["pickup_time"]) == 5 and r["pickup_time"][2] == ":" for r in rows)
    collection = json.loads((tmp_path / "routes.geojson").read_text())
    assert len(collection["features"]) == plan.routes
    for feature in collection["features"]:
        coords = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "LineString"
        assert coords[0] == coords[-1] == [CENTRE.lon, CENTRE.lat]
        assert all(116 < lon < 119 and 29 < lat < 32 for lon, lat in coords)  # lon, lat order
        assert {"vehicle", "stops", "distance_km", "duration_h"} <= set(feature["properties"])
    with (tmp_path / "tradeoff.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == 3


def test_hall_closed_in_every_slot_is_unserved(stand_in: MatrixFunction) -> None:
    halls = [*HALLS[:2], WindowSite("night", 117.5, 30.6, 1030, 1100, 5)]
    matrices = site_matrices(CENTRE, halls, stand_in)
    plan = plan_pickups(CENTRE, halls, VAN, SLOTS, matrices, 1.0, stop=STOP)
    assert [u[0] for u in plan.unserved] == ["night"]
    assert "no candidate slot" in plan.unserved[0][2]


@pytest.mark.parametrize(
    ("slots", "needle"),
    [
        ([], "at least one candidate"),
        ([PickupSlot("a", 600, 700), PickupSlot("b", 650, 800)], "overlap"),
        ([PickupSlot("late", 1100, 1200)], "after the centre's cut-off"),
    ],
)
def test_bad_slots_are_rejected(
    slots: list[PickupSlot], needle: str, stand_in: MatrixFunction
) -> None:
    matrices = site_matrices(CENTRE, HALLS, stand_in)
    with pytest.raises(InputError, match=needle):
        plan_pickups(CENTRE, HALLS, VAN, slots, matrices, 1.0, stop=STOP)
