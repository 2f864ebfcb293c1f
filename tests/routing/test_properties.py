"""Cross-checks on random small instances: exact optimum, scheduler vs independent checker."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.checker import check_solution
from routing.readers import DIMACS, BenchmarkInstance, Row, build_instance
from routing.solve import solve
from routing.stopping import SolutionLimit


def _instance(
    seed: int, customers: int, vehicles: int, capacity: int, tw: bool
) -> BenchmarkInstance:
    rng = np.random.default_rng(seed)
    rows: list[Row] = [(0, 50.0, 50.0, 0, 0, 1000, 0)]
    for c in range(1, customers + 1):
        x, y = (int(v) for v in rng.integers(0, 101, size=2))
        ready = int(rng.integers(0, 600)) if tw else 0
        due = ready + int(rng.integers(60, 300)) if tw else 1000
        rows.append((c, float(x), float(y), int(rng.integers(1, 10)), ready, due, 10))
    return build_instance(f"random-{seed}", rows, capacity, vehicles, DIMACS)


def test_single_vehicle_plan_is_the_brute_force_optimum() -> None:
    instance = _instance(seed=3, customers=7, vehicles=1, capacity=1000, tw=False)
    d = instance.problem.distance
    best = min(
        d[0, p[0] + 1] + sum(d[a + 1, b + 1] for a, b in itertools.pairwise(p)) + d[p[-1] + 1, 0]
        for p in itertools.permutations(range(7))
    )
    result = solve(instance.problem, SolutionLimit(300))
    assert result.feasible
    assert result.distance == best


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    backend=st.sampled_from(["pyvrp", "ortools"]),
)
def test_every_served_plan_passes_the_independent_checker(seed: int, backend: str) -> None:
    instance = _instance(seed, customers=12, vehicles=4, capacity=30, tw=True)
    result = solve(instance.problem, SolutionLimit(30), backend=backend)
    routes = [[instance.customer_numbers[s] for s in r.stops] for r in result.routes]
    served = {c for r in routes for c in r}
    report = check_solution(instance, routes, max_violations=1000)
    # the only violations allowed are the customers reported unserved (never visited)
    unserved = {int(u.stop_id) for u in result.unserved}
    expected = {f"customer {c} visited 0 times (must be once)" for c in unserved}
    assert set(report.violations) == expected
    assert served.isdisjoint(unserved)
    assert round(report.cost * 10) == result.distance
    assert result.feasible == (not unserved)
