"""What a solve returns: routes, totals, unserved stops with reasons, status and timing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from routing.problem import RoutingProblem


class SolveStatus(StrEnum):
    """How a solve ended."""

    FEASIBLE = "feasible"  # every servable stop is on a route, all constraints hold
    PARTIAL = "partial"  # a feasible plan that leaves some stops unserved
    NO_SOLUTION = "no_solution"  # the backend found nothing within its limits


@dataclass(frozen=True)
class Route:
    """One vehicle's trip: depot → stops → depot.

    ``stops`` are 0-based indices into :attr:`RoutingProblem.stops`; ``arrivals`` are the
    service start times at each stop (earliest feasible schedule); ``start``/``end`` are the
    depot departure and return times.
    """

    vehicle: int
    stops: tuple[int, ...]
    arrivals: tuple[int, ...]
    start: int
    end: int
    distance: int
    load: int

    @property
    def duration(self) -> int:
        """Time from leaving the depot to returning, in problem time units."""
        return self.end - self.start


@dataclass(frozen=True)
class Unserved:
    """A stop left off every route, and why."""

    stop: int
    stop_id: str
    reason: str


@dataclass(frozen=True)
class RoutingResult:
    """The outcome of :func:`routing.solve.solve`.

    ``distance`` and ``duration`` are sums over routes in matrix units; ``cost`` adds
    vehicle fixed costs and per-unit distance costs.
    """

    problem_name: str
    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    distance: int
    duration: int
    cost: int
    status: SolveStatus
    backend: str
    seconds: float

    @property
    def feasible(self) -> bool:
        """True when a plan exists and it serves every stop."""
        return self.status is SolveStatus.FEASIBLE

    @property
    def num_vehicles(self) -> int:
        """Vehicles actually used."""
        return len(self.routes)


def schedule_route(
    problem: RoutingProblem, vehicle: int, stops: tuple[int, ...]
) -> tuple[Route, list[str]]:
    """Earliest-start schedule of a stop sequence, and the constraint violations found.

    Departure is delayed so the vehicle does not wait needlessly at the first stop
    (a forward pass gives arrivals; waiting only happens before a window opens).
    """
    vt = problem.vehicle_type_of(vehicle)
    violations: list[str] = []
    dist = problem.distance
    dur = problem.duration
    start = max(problem.depot.tw_open, vt.shift_start)
    if stops:
        first = problem.stops[stops[0]]
        start = max(start, first.tw_open - int(dur[0, stops[0] + 1]))
    t = start
    prev = 0
    distance = 0
    load = 0
    arrivals: list[int] = []
    for s in stops:
        stop = problem.stops[s]
        t += int(dur[prev, s + 1])
        distance += int(dist[prev, s + 1])
        t = max(t, stop.tw_open)
        if t > stop.tw_close:
            violations.append(f"stop {stop.id}: arrival {t} after window close {stop.tw_close}")
        arrivals.append(t)
        t += stop.service
        load += stop.demand
        prev = s + 1
    t += int(dur[prev, 0])
    distance += int(dist[prev, 0])
    end_limit = min(problem.depot.tw_close, vt.shift_end)
    if stops and t > end_limit:
        violations.append(f"vehicle {vehicle}: returns at {t} after {end_limit}")
    if load > vt.capacity:
        violations.append(f"vehicle {vehicle}: load {load} over capacity {vt.capacity}")
    route = Route(
        vehicle=vehicle,
        stops=stops,
        arrivals=tuple(arrivals),
        start=start,
        end=t,
        distance=distance,
        load=load,
    )
    return route, violations


def route_cost(problem: RoutingProblem, route: Route) -> int:
    """Fixed plus distance cost of one route in the problem's cost unit."""
    vt = problem.vehicle_type_of(route.vehicle)
    return vt.fixed_cost + vt.unit_distance_cost * route.distance
