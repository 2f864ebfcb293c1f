"""Independent solution checkers: benchmark instances, and any routing problem's routes.

It works from the raw instance arrays (coordinates, demands, windows), not from the
solver's matrices or scheduler, and recomputes every arc with plain integer arithmetic,
so a solver bug cannot hide behind a shared helper. Under the DIMACS convention an arc
is ``floor(10 * euclid)``; travel time equals that arc, service and windows are ×10
(truncated, for fractional VRPLIB times).

:func:`check_routes` checks routes on a :class:`~routing.problem.RoutingProblem` (the
geographic pickup problems too) with its own walk over the problem's integer matrices:
each vehicle at most once, each stop at most once, capacity, hall windows, and the return
by the depot's cut-off and the vehicle's shift end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from routing.problem import RoutingProblem
from routing.readers import DIMACS, DIMACS_SCALE, BenchmarkInstance


@dataclass(frozen=True)
class CheckReport:
    """Result of :func:`check_solution`.

    ``cost`` is the total distance in the file's units (DIMACS: one decimal).
    """

    feasible: bool
    cost: float
    vehicles: int
    violations: tuple[str, ...]


def _ticks(value: float, scale: int) -> int:
    """A file time (possibly fractional) in matrix units: ×scale, truncated."""
    return math.floor(round(float(value) * scale, 6))


def _arc(instance: BenchmarkInstance, a: int, b: int) -> int:
    (xa, ya), (xb, yb) = instance.coords[a], instance.coords[b]
    squared = (float(xa) - float(xb)) ** 2 + (float(ya) - float(yb)) ** 2
    if instance.convention == DIMACS:
        if float(squared).is_integer():
            return math.isqrt(int(squared) * DIMACS_SCALE**2)
        return math.floor(math.sqrt(squared) * DIMACS_SCALE)
    return math.floor(math.sqrt(squared) + 0.5)


def check_solution(
    instance: BenchmarkInstance, routes: Sequence[Sequence[int]], max_violations: int = 20
) -> CheckReport:
    """Check coverage, capacity, time windows and fleet size; return cost and violations.

    ``routes`` use the file's customer numbers (the depot is not listed).
    """
    index_of = {no: i + 1 for i, no in enumerate(instance.customer_numbers)}
    scale = DIMACS_SCALE if instance.convention == DIMACS else 1
    violations: list[str] = []
    visits: dict[int, int] = {}
    total = 0
    used = 0
    for r, route in enumerate(routes, start=1):
        if not route:
            continue
        used += 1
        prev = 0
        time = _ticks(instance.ready[0], scale)
        load = 0
        for customer in route:
            node = index_of.get(int(customer))
            if node is None:
                violations.append(f"route {r}: unknown customer {customer}")
                continue
            visits[node] = visits.get(node, 0) + 1
            arc = _arc(instance, prev, node)
            total += arc
            time = max(time + arc, _ticks(instance.ready[node], scale))
            if time > _ticks(instance.due[node], scale):
                violations.append(
                    f"route {r}: customer {customer} served at {time / scale:g} "
                    f"after due {instance.due[node]:g}"
                )
            time += _ticks(instance.service[node], scale)
            load += int(instance.demand[node])
            prev = node
        arc = _arc(instance, prev, 0)
        total += arc
        time += arc
        if time > _ticks(instance.due[0], scale):
            violations.append(
                f"route {r}: back at depot at {time / scale:g} after {instance.due[0]:g}"
            )
        if load > instance.capacity:
            violations.append(f"route {r}: load {load} over capacity {instance.capacity}")
    for node in range(1, len(instance.customer_numbers) + 1):
        count = visits.get(node, 0)
        if count != 1:
            no = instance.customer_numbers[node - 1]
            violations.append(f"customer {no} visited {count} times (must be once)")
    if used > instance.vehicles:
        violations.append(f"{used} routes but only {instance.vehicles} vehicles")
    return CheckReport(
        feasible=not violations,
        cost=total / scale,
        vehicles=used,
        violations=tuple(violations[:max_violations]),
    )


def check_routes(
    problem: RoutingProblem,
    routes: Sequence[tuple[int, Sequence[int]]],
    max_violations: int = 20,
) -> CheckReport:
    """Check ``(vehicle index, stop indices)`` routes on ``problem``; ``cost`` is their
    distance in reported units (km for geographic problems). Stops no route visits are
    not violations here (a plan reports them unserved)."""
    violations: list[str] = []
    seen_stops: dict[int, int] = {}
    seen_vehicles: set[int] = set()
    total = 0
    for vehicle, stops in routes:
        if not stops:
            continue
        if not 0 <= vehicle < problem.num_vehicles or vehicle in seen_vehicles:
            violations.append(f"vehicle {vehicle}: unknown or used twice")
            continue
        seen_vehicles.add(vehicle)
        vt = problem.vehicle_type_of(vehicle)
        t = max(problem.depot.tw_open, vt.shift_start)
        prev, load = 0, 0
        for s in stops:
            stop = problem.stops[s]
            seen_stops[s] = seen_stops.get(s, 0) + 1
            total += int(problem.distance[prev, s + 1])
            t = max(t + int(problem.duration[prev, s + 1]), stop.tw_open)
            if t > stop.tw_close:
                violations.append(f"vehicle {vehicle}: stop {stop.id} at {t} after {stop.tw_close}")
            t += stop.service
            load += stop.demand
            prev = s + 1
        total += int(problem.distance[prev, 0])
        t += int(problem.duration[prev, 0])
        if t > min(problem.depot.tw_close, vt.shift_end):
            violations.append(f"vehicle {vehicle}: back at {t}, after the cut-off or shift end")
        if load > vt.capacity:
            violations.append(f"vehicle {vehicle}: load {load} over capacity {vt.capacity}")
    violations += [
        f"stop {problem.stops[s].id} visited {n} times" for s, n in seen_stops.items() if n > 1
    ]
    return CheckReport(
        feasible=not violations,
        cost=total / problem.distance_scale,
        vehicles=len(seen_vehicles),
        violations=tuple(violations[:max_violations]),
    )
