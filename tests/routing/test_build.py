"""Geographic problem builder: units, validation, a solvable plan with the stand-in matrix."""

from __future__ import annotations

import pytest

from routing.build import (
    DepotSite,
    MatrixFunction,
    VehicleSpec,
    WindowSite,
    build_problem,
    validate_sites,
)
from routing.solve import solve
from routing.stopping import SolutionLimit
from tongban.kernel.errors import InputError

CENTRE = DepotSite("Chizhou centre", 117.49, 30.66, open_min=450, cutoff_min=1110)
HALLS = [
    WindowSite("guichi", 117.478, 30.661, 540, 1020, 40),
    WindowSite("qingyang", 117.835, 30.643, 540, 1020, 25),
    WindowSite("dongzhi", 117.022, 30.032, 540, 1020, 20),
    WindowSite("shitai", 117.478, 30.199, 540, 1020, 10),
]
VAN = VehicleSpec(count=3, capacity=100, cost_per_km=2.5, cost_per_vehicle=150)


def test_reach_uses_the_geo_layers_great_circle() -> None:
    import geo.matrix
    import routing.build

    # one great-circle distance for the whole repo: no private haversine or Earth radius
    assert routing.build.great_circle_m is geo.matrix.great_circle_m
    assert not hasattr(routing.build, "EARTH_RADIUS_KM")
    assert not hasattr(routing.build, "haversine_km")
    # one degree of latitude ≈ 111.2 km: a window 2.7° north is 300.2 km out, 2.69° is not
    validate_sites(CENTRE, [WindowSite("near", CENTRE.lon, CENTRE.lat + 2.69, 540, 1020, 1)])
    with pytest.raises(InputError, match=r"is 300 km from window far"):
        validate_sites(CENTRE, [WindowSite("far", CENTRE.lon, CENTRE.lat + 2.7, 540, 1020, 1)])


def test_units_and_costs_are_integer_scaled(stand_in: MatrixFunction) -> None:
    problem = build_problem(CENTRE, HALLS, [VAN], matrix=stand_in)
    assert problem.geographic and problem.distance_scale == 1000 and problem.time_scale == 60
    assert problem.depot.tw_close == 1110 * 60
    assert problem.stops[0].tw_open == 540 * 60 and problem.stops[0].service == 300
    vt = problem.vehicle_types[0]
    assert vt.unit_distance_cost == 25  # 2.5 yuan/km = 25 × 1e-4 yuan per metre
    assert vt.fixed_cost == 1_500_000
    assert problem.stops[2].demand == 20


def test_geographic_plan_serves_every_hall_before_cutoff(stand_in: MatrixFunction) -> None:
    problem = build_problem(CENTRE, HALLS, [VAN], matrix=stand_in)
    result = solve(problem, SolutionLimit(200))
    assert result.feasible
    assert all(r.end <= CENTRE.cutoff_min * 60 for r in result.routes)
    # Dongzhi is ~90 km away by the stand-in: the plan must include that round trip
    out_and_back = problem.distance[0, 3] + problem.distance[3, 0]
    assert result.distance >= out_and_back


def test_depot_outside_the_area_is_a_clear_error(stand_in: MatrixFunction) -> None:
    beijing = DepotSite("Beijing", 116.40, 39.90, 450, 1110)
    with pytest.raises(InputError, match=r"depot Beijing .* km from window .*outside the area"):
        build_problem(beijing, HALLS, [VAN], matrix=stand_in)


@pytest.mark.parametrize(
    ("depot", "halls", "needle"),
    [
        (DepotSite("c", 200.0, 30.0, 450, 1110), HALLS, "outside \\[-180,180\\]"),
        (DepotSite("c", 117.49, 30.66, 1110, 450), HALLS, "open_min < cutoff_min"),
        (CENTRE, [], "no windows"),
        (CENTRE, [WindowSite("w", 117.5, 30.6, 600, 500, 1)], "open_min <= close_min"),
    ],
)
def test_bad_sites_are_rejected(
    depot: DepotSite, halls: list[WindowSite], needle: str, stand_in: MatrixFunction
) -> None:
    with pytest.raises(InputError, match=needle):
        build_problem(depot, halls, [VAN], matrix=stand_in)


def test_hall_closing_before_a_van_can_arrive_is_unserved_with_reason(
    stand_in: MatrixFunction,
) -> None:
    early = [*HALLS[:3], WindowSite("shitai", 117.478, 30.199, 420, 460, 10)]
    problem = build_problem(CENTRE, early, [VAN], matrix=stand_in)
    result = solve(problem, SolutionLimit(100))
    assert [u.stop_id for u in result.unserved] == ["shitai"]
    # 51.3 km great-circle × 1.3 = 66.7 km at 40 km/h = 100 min after the 07:30 opening
    assert result.unserved[0].reason == (
        "window closes at 07:40 but the earliest arrival from the centre is 09:10"
    )
