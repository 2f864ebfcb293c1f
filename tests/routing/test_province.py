"""Province routing: halls grouped by EMS centre, routes feasible, totals add up, branches.

The two-centre fixture is Sichuan's Ganzi (甘孜, counties up to ~490 km from the centre:
beyond a van's reach, so their county branches must collect) and Ya'an (雅安), every unit
hall at its seat, 3 parcels a day each, on the stand-in road model, with a deterministic
solver budget.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from geo import units
from geo.ems_branches import centre_of
from routing.build import MatrixFunction, WindowSite
from routing.checker import check_routes
from routing.consolidation import BranchOption, VanPrices, choose_counties
from routing.digest import PlanDigest, window_of
from routing.outputs import RouteLine
from routing.province import (
    BranchAssumptions,
    ProvinceHall,
    ProvinceProblem,
    group_by_centre,
    province_problem,
    route_depot,
)
from routing.province_outputs import centre_rows, tradeoff_row
from routing.province_plan import ProvincePlan, plan_province
from routing.scenario import RoutingAssumptions
from routing.stopping import SolutionLimit

PRICES = VanPrices(fixed=150 * 10_000, per_metre=20)  # 150 yuan a dispatch, 2 yuan per km


def unit_halls(codes: list[str], parcels: float = 3.0) -> list[ProvinceHall]:
    """A hall at the seat of each unit, open 09:00–17:00."""
    halls = []
    for code in codes:
        u = units.get(code)
        site = WindowSite(f"hall-{code}", u.lon, u.lat, 540, 1020, parcels, 5.0)
        halls.append(ProvinceHall(site, code, u.level))
    return halls


def province_units(province: str) -> list[str]:
    return [u.code for u in units.all_units() if u.province_code == province]


def prefecture_units(prefecture: str) -> list[str]:
    return [prefecture, *(u.code for u in units.counties_of(prefecture))]


def _problem(stand_in: MatrixFunction, mode: str = "auto") -> ProvinceProblem:
    halls = unit_halls(prefecture_units("513300") + prefecture_units("511800"))
    return province_problem(
        "test",
        "510000",
        "四川省",
        halls,
        branch=BranchAssumptions(mode="auto" if mode == "auto" else "off"),
        stop=SolutionLimit(200),
        matrix=stand_in,
    )


@pytest.fixture(scope="module")
def problem(stand_in: MatrixFunction) -> ProvinceProblem:
    return _problem(stand_in)


@pytest.fixture(scope="module")
def plan(problem: ProvinceProblem) -> ProvincePlan:
    return plan_province(problem)


@pytest.mark.parametrize(("province", "centres"), [("510000", 21), ("120000", 1)])
def test_every_hall_is_assigned_to_exactly_one_centre(province: str, centres: int) -> None:
    halls = unit_halls(province_units(province))
    groups = group_by_centre(halls, RoutingAssumptions())
    assigned = Counter(h.site.id for g in groups for h in g.halls)
    assert set(assigned) == {h.site.id for h in halls}
    assert set(assigned.values()) == {1}
    assert len(groups) == centres
    for group in groups:
        for hall in group.halls:
            unit = units.get(hall.code)
            # the prefecture-equivalent's centre; a province hall goes to its capital's
            if unit.code in units.MUNICIPALITIES:
                expected = unit.code
            elif unit.level == "province":
                expected = unit.code[:2] + "0100"
            else:
                expected = units.ancestor_at(unit.code, "prefecture").code
            assert group.code == expected == centre_of(hall.code).code


def test_routes_pass_the_independent_checker(problem: ProvinceProblem, plan: ProvincePlan) -> None:
    checked = 0
    for centre in plan.centres:
        left = tuple(sorted(b.sites.code for b in centre.branches))
        keys = [("centre", centre.code, left)] + [
            ("branch", b.sites.code, ()) for b in centre.branches
        ]
        digests = [centre.plan, *(b.plan for b in centre.branches)]
        for key, planned in zip(keys, digests, strict=True):
            routing = route_depot(problem, key)
            assert routing.digest() == planned  # the plan is made of these routings
            if routing.plan is None:
                continue
            for sr in routing.plan.slots:
                routes = [(r.vehicle, r.stops) for r in sr.result.routes]
                report = check_routes(sr.problem, routes)
                assert report.feasible, report.violations
                assert report.cost == pytest.approx(sr.result.distance / 1000.0)
                checked += len(routes)
    assert checked == sum(c.routes for c in plan.centres) > 0


def test_province_cost_is_the_sum_of_the_centres_costs(plan: ProvincePlan) -> None:
    # each centre's cost recomputed from its route lines: 150 yuan a route + 2 yuan per km
    for centre in plan.centres:
        recomputed = sum(150.0 + 2.0 * line.distance_m / 1000.0 for line in centre.lines)
        assert centre.vehicle_cost_yuan == pytest.approx(recomputed, abs=0.01)
    # the province's line, recomputed from every route line of every centre and branch
    lines = [line for centre in plan.centres for line in centre.lines]
    total = tradeoff_row(plan)
    assert len(centre_rows(plan)) == 2 and lines
    assert total.vehicle_cost_yuan_per_day == pytest.approx(
        sum(150.0 + 2.0 * line.distance_m / 1000.0 for line in lines), abs=0.1
    )
    assert total.km_per_day == pytest.approx(sum(x.distance_m for x in lines) / 1000.0, abs=0.1)


def test_far_counties_are_collected_by_their_branch(plan: ProvincePlan) -> None:
    ganzi = next(c for c in plan.centres if c.code == "513300")
    beyond = {u[0] for u in ganzi.direct.unserved if "beyond a van's reach" in u[2]}
    assert beyond  # the centre's vans cannot reach the far counties ...
    via_branch = {h.site.id for b in ganzi.branches for h in b.sites.halls}
    assert beyond <= via_branch  # ... their branches do
    assert len(ganzi.unserved) < len(ganzi.direct.unserved)
    # every hall is collected by exactly one depot (or listed unserved)
    collected = Counter(
        window_of(stop) for part in ganzi.parts for line in part.lines for stop in line.stops
    )
    by_depot = {
        hall: {
            part.depot_code for part in ganzi.parts if hall in {p.window_id for p in part.pickups}
        }
        for hall in collected
    }
    assert all(len(depots) == 1 for depots in by_depot.values())
    assert set(collected) | {u[0] for u in ganzi.unserved} == set(ganzi.hall_ids)
    # 石渠 is 641 road km (16 h) from 康定: no mail route departure makes the centre's 18:30
    # cut-off, so its bags go a night later; 泸定 (36 km) makes it the same day
    far, near = plan.problem.branch_sites("513332"), plan.problem.branch_sites("513322")
    assert far.days_late == 1 and far.arrival_min > 18 * 60 + 30
    assert near.days_late == 0 and near.arrival_min <= 18 * 60 + 30


def test_branches_off_keeps_every_hall_with_its_centre(stand_in: MatrixFunction) -> None:
    plan = plan_province(_problem(stand_in, mode="off"))
    for centre in plan.centres:
        assert centre.branches == () and centre.plan == centre.direct


def _line(
    stops: tuple[str, ...], coords: tuple[tuple[float, float], ...], metres: int
) -> RouteLine:
    return RouteLine("v", "16:30", stops, coords, metres, 0, "16:00", "17:00", 1)


def _digest(lines: tuple[RouteLine, ...], waits: tuple[tuple[str, float], ...]) -> PlanDigest:
    cost = sum(150.0 + 2.0 * line.distance_m / 1000.0 for line in lines)
    return PlanDigest("c", (), lines, (), waits, len(lines), 1, 0.0, cost, 0.0, 1.0)


def test_branch_is_chosen_only_when_it_costs_less_than_the_direct_plan_saves(
    stand_in: MatrixFunction,
) -> None:
    depot, a, b = (117.2, 39.1), (117.6, 39.1), (117.2, 39.5)
    metres, _ = stand_in([depot[0], a[0], b[0]], [depot[1], a[1], b[1]])
    tour = int(metres[0, 1] + metres[1, 2] + metres[2, 0])
    direct = _digest((_line(("A", "B"), (depot, a, b, depot), tour),), (("A", 2.0), ("B", 1.0)))
    # leaving A out shortens the route to depot → B → depot (2 yuan per km), and A's
    # 2 parcel-hours of waiting (3 yuan each) go with it
    saves = 2.0 * (tour - int(metres[0, 2] + metres[2, 0])) / 1000.0 + 3.0 * 2.0

    def option(cost: float) -> BranchOption:
        branch = replace(_digest((), (("A", 0.0),)), vehicle_cost_yuan=cost)
        return BranchOption("K", frozenset({"A"}), branch, days_late=0)

    assert choose_counties(direct, {"K": option(saves - 1.0)}, 3.0, PRICES, stand_in) == ("K",)
    assert choose_counties(direct, {"K": option(saves + 1.0)}, 3.0, PRICES, stand_in) == ()
    # a day late: the branch's parcel (1 a day) waits 24 h more at the centre, priced too
    late = replace(option(saves - 1.0), days_late=1)
    assert choose_counties(direct, {"K": late}, 3.0, PRICES, stand_in) == ()


def test_no_improvement_is_a_deterministic_early_stop() -> None:
    from routing.pyvrp_backend import _stopping
    from routing.stopping import StoppingCriterion
    from tongban.kernel.errors import InputError

    stop = StoppingCriterion(iterations=2000, no_improvement=500)
    assert stop.deterministic and stop.split(2).no_improvement == 500
    criterion = _stopping(stop)
    # PyVRP stops once 500 iterations in a row bring nothing better (cost stays at 7)
    assert not any(criterion(7) for _ in range(500)) and criterion(7)
    with pytest.raises(InputError) as info:
        StoppingCriterion(iterations=10, no_improvement=0)
    assert info.value.field == "no_improvement"
