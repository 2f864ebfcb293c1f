"""OR-Tools backend (``pywrapcp``): the backend for side constraints.

Matrices are registered in C++ (``RegisterTransitMatrix``), so no Python callback runs in
the search loop. Every stop sits in its own disjunction with a large penalty: the first
solution (parallel cheapest insertion) therefore always exists, even on tight windows,
and a stop that cannot be served is left out instead of failing the search. Guided local
search runs to the time limit, or to a solution limit when a deterministic run is asked
for. ``routing.status()`` is checked and reported.
"""

from __future__ import annotations

import logging

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing.backend import BackendOutcome, unserved_penalty
from routing.problem import RoutingProblem
from routing.stopping import StoppingCriterion

logger = logging.getLogger(__name__)

_STATUS = routing_enums_pb2.RoutingSearchStatus
_FOUND = {
    _STATUS.ROUTING_SUCCESS,
    _STATUS.ROUTING_OPTIMAL,
    _STATUS.ROUTING_PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED,
}
_STRATEGY = routing_enums_pb2.FirstSolutionStrategy


def search_parameters(
    stop: StoppingCriterion, first_solution: int = _STRATEGY.PARALLEL_CHEAPEST_INSERTION
) -> pywrapcp.DefaultRoutingSearchParameters:
    """Search parameters: the first-solution strategy, GLS and the limits of ``stop``."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = first_solution
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    if stop.seconds is not None:
        params.time_limit.FromMilliseconds(max(1, int(stop.seconds * 1000)))
    if stop.iterations is not None:
        params.solution_limit = stop.iterations
    return params


def solve_ortools(
    problem: RoutingProblem,
    stop: StoppingCriterion,
    seed: int = 0,
    allow_unserved: bool = True,
) -> BackendOutcome:
    """Solve with OR-Tools routing; stops are always optional at a large penalty.

    ``seed`` is unused (OR-Tools' search is deterministic); ``allow_unserved`` is
    accepted for the common backend signature: dropped stops are reported either way.
    """
    del seed, allow_unserved
    n = problem.num_stops + 1
    num_vehicles = problem.num_vehicles
    manager = pywrapcp.RoutingIndexManager(n, num_vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    distance = problem.distance.tolist()
    first_vehicle = 0
    for vt in problem.vehicle_types:
        if vt.unit_distance_cost == 1:
            cost_matrix = distance
        else:
            cost_matrix = [[vt.unit_distance_cost * d for d in row] for row in distance]
        cost_cb = routing.RegisterTransitMatrix(cost_matrix)
        for v in range(first_vehicle, first_vehicle + vt.count):
            routing.SetArcCostEvaluatorOfVehicle(cost_cb, v)
            routing.SetFixedCostOfVehicle(vt.fixed_cost, v)
        first_vehicle += vt.count

    service = [0] + [s.service for s in problem.stops]
    transit = [
        [int(d) + service[i] for d in row] for i, row in enumerate(problem.duration.tolist())
    ]
    time_cb = routing.RegisterTransitMatrix(transit)
    depot = problem.depot
    horizon = max(depot.tw_close, *(s.tw_close for s in problem.stops), 1)
    routing.AddDimension(time_cb, horizon, horizon, False, "Time")
    time = routing.GetDimensionOrDie("Time")
    for i, s in enumerate(problem.stops, start=1):
        time.CumulVar(manager.NodeToIndex(i)).SetRange(s.tw_open, s.tw_close)
    for v in range(num_vehicles):
        vt = problem.vehicle_type_of(v)
        lo, hi = max(depot.tw_open, vt.shift_start), min(depot.tw_close, vt.shift_end)
        time.CumulVar(routing.Start(v)).SetRange(lo, hi)
        time.CumulVar(routing.End(v)).SetRange(lo, hi)

    demand_cb = routing.RegisterUnaryTransitVector([0] + [s.demand for s in problem.stops])
    capacities = [problem.vehicle_type_of(v).capacity for v in range(num_vehicles)]
    routing.AddDimensionWithVehicleCapacity(demand_cb, 0, capacities, True, "Load")

    max_fixed = max(vt.fixed_cost for vt in problem.vehicle_types)
    max_unit = max(vt.unit_distance_cost for vt in problem.vehicle_types)
    penalty = unserved_penalty(int(problem.distance.max()), max_fixed, max_unit)
    for i in range(1, n):
        routing.AddDisjunction([manager.NodeToIndex(i)], penalty)

    assignment = routing.SolveWithParameters(search_parameters(stop))
    status = routing.status()
    status_name = _STATUS.Value.Name(status)
    if assignment is None or status not in _FOUND:
        logger.info("ortools: no solution (%s)", status_name)
        return BackendOutcome(routes=(), found=False, detail=f"OR-Tools status {status_name}")
    routes: list[tuple[int, tuple[int, ...]]] = []
    for v in range(num_vehicles):
        index = assignment.Value(routing.NextVar(routing.Start(v)))
        stops: list[int] = []
        while not routing.IsEnd(index):
            stops.append(manager.IndexToNode(index) - 1)
            index = assignment.Value(routing.NextVar(index))
        if stops:
            routes.append((v, tuple(stops)))
    logger.info("ortools: %s, objective %d", status_name, assignment.ObjectiveValue())
    return BackendOutcome(routes=tuple(routes), found=True, detail=f"OR-Tools status {status_name}")
