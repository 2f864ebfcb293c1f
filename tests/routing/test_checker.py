"""The independent checker reproduces every shipped best-known cost and catches violations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from routing.benchmark import bench_dir
from routing.checker import check_solution
from routing.readers import BenchmarkInstance, read_instance, read_solution

Fixture = tuple[BenchmarkInstance, tuple[tuple[int, ...], ...]]


def _instances() -> list[Path]:
    root = bench_dir()
    if root is None:
        return []
    return sorted(
        [
            *root.glob("vrptw/solomon/*.txt"),
            *root.glob("vrptw/gh200/*.vrp"),
            *root.glob("cvrp/*.vrp"),
        ]
    )


@pytest.mark.skipif(bench_dir() is None, reason="benchmark instances not found (../shared/bench)")
@pytest.mark.parametrize("path", _instances(), ids=lambda p: p.stem)
def test_bks_solution_is_feasible_and_reproduces_file_cost(path: Path) -> None:
    instance = read_instance(path)
    solution = read_solution(path.with_suffix(".sol"))
    report = check_solution(instance, solution.routes)
    assert report.feasible, report.violations
    assert solution.cost is not None
    assert report.cost == pytest.approx(solution.cost, abs=1e-9)


def test_bench_set_is_complete(bench: Path) -> None:
    assert len(list(bench.glob("vrptw/solomon/*.txt"))) == 56


@pytest.fixture(scope="module")
def c101(bench: Path) -> Fixture:
    instance = read_instance(bench / "vrptw/solomon/C101.txt")
    return instance, read_solution(bench / "vrptw/solomon/C101.sol").routes


def test_missing_and_duplicate_customers_are_reported(c101: Fixture) -> None:
    instance, routes = c101
    dropped = [list(r) for r in routes]
    lost = dropped[0].pop()
    dropped[1].append(dropped[1][0])
    report = check_solution(instance, dropped)
    assert not report.feasible
    assert f"customer {lost} visited 0 times (must be once)" in report.violations
    assert f"customer {dropped[1][0]} visited 2 times (must be once)" in report.violations


def test_time_window_and_capacity_violations_are_reported(c101: Fixture) -> None:
    instance, routes = c101
    reversed_first = [list(reversed(routes[0])), *map(list, routes[1:])]
    report = check_solution(instance, reversed_first)
    assert any("after due" in v for v in report.violations)
    merged = [[c for r in routes[:3] for c in r], *map(list, routes[3:])]  # > 200 load
    report = check_solution(instance, merged, max_violations=1000)
    assert any("over capacity 200" in v for v in report.violations)


def test_fleet_size_is_enforced(data: Path) -> None:
    instance = read_instance(data / "tiny.vrp")  # 3 customers → 3 vehicles available
    assert check_solution(instance, [[1, 2], [3]]).cost == 26  # 5 + 6 + 5 and 5 + 5
    assert check_solution(instance, [[1, 2], [3]]).feasible
    assert not check_solution(instance, [[1, 2, 3]]).feasible  # 16 parcels > 10


def _arrivals(instance: BenchmarkInstance, route: tuple[int, ...]) -> tuple[int, int]:
    """Arrival (×10) at the route's last customer, with and without service times."""
    with_service = without = 0
    prev = 0
    for customer in route:
        node = instance.customer_numbers.index(customer) + 1
        arc = int(instance.problem.distance[prev, node])
        ready = int(instance.ready[node]) * 10
        with_service = max(with_service + arc, ready)
        without = max(without + arc, ready)
        if customer != route[-1]:
            with_service += int(instance.service[node]) * 10
        prev = node
    return with_service, without


def test_service_time_counts_towards_the_next_due(c101: Fixture) -> None:
    # review 2, finding 9: deleting the checker's service-time line left every test passing
    instance, routes = c101
    route = next(r for r in routes if _arrivals(instance, r)[0] > _arrivals(instance, r)[1] + 10)
    with_service, without = _arrivals(instance, route)
    last = instance.customer_numbers.index(route[-1]) + 1
    due = instance.due.copy()
    due[last] = with_service // 10 - 1  # reachable only if service times are ignored
    assert without <= due[last] * 10 < with_service
    shortened = replace(instance, due=due)
    report = check_solution(shortened, routes)
    assert not report.feasible
    assert any(f"customer {route[-1]} served at" in v for v in report.violations)
    assert check_solution(instance, routes).feasible


def test_return_after_the_depot_due_is_reported(c101: Fixture) -> None:
    # review 2, finding 9: deleting the depot-due check left every test passing
    instance, routes = c101
    due = instance.due.copy()
    due[0] = 100  # C101's depot closes at 1236; every BKS route is back later than 100
    report = check_solution(replace(instance, due=due), routes, max_violations=1000)
    assert not report.feasible
    back = [v for v in report.violations if "back at depot" in v]
    assert len(back) == len(routes) and all(v.endswith("after 100") for v in back)
