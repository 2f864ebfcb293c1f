"""PyVRP backend: hybrid iterated local search, the strongest plain-VRPTW solver we ship.

The problem's integer matrices go in unchanged, so PyVRP's objective equals ours.
Stops are pickups (parcels loaded at windows, unloaded at the centre).
"""

from __future__ import annotations

import logging

import numpy as np
import pyvrp
import pyvrp.stop

from routing.backend import BackendOutcome, unserved_penalty
from routing.problem import RoutingProblem
from routing.stopping import StoppingCriterion

logger = logging.getLogger(__name__)


def _stopping(stop: StoppingCriterion) -> pyvrp.stop.StoppingCriterion:
    criteria: list[pyvrp.stop.StoppingCriterion] = []
    if stop.seconds is not None:
        criteria.append(pyvrp.stop.MaxRuntime(stop.seconds))
    if stop.iterations is not None:
        criteria.append(pyvrp.stop.MaxIterations(stop.iterations))
    if stop.no_improvement is not None:
        criteria.append(pyvrp.stop.NoImprovement(stop.no_improvement))
    if len(criteria) == 1:
        return criteria[0]
    return pyvrp.stop.MultipleCriteria(criteria)


def build_data(problem: RoutingProblem, allow_unserved: bool) -> pyvrp.ProblemData:
    """Translate a :class:`RoutingProblem` into PyVRP's ``ProblemData``."""
    depot = problem.depot
    locations = [pyvrp.Location(x=depot.x, y=depot.y, name=depot.name)]
    locations += [pyvrp.Location(x=s.x, y=s.y, name=s.id) for s in problem.stops]
    max_arc = int(problem.distance.max()) if problem.distance.size else 0
    max_fixed = max(vt.fixed_cost for vt in problem.vehicle_types)
    max_unit = max(vt.unit_distance_cost for vt in problem.vehicle_types)
    prize = unserved_penalty(max_arc, max_fixed, max_unit)
    clients = [
        pyvrp.Client(
            location=i + 1,
            pickup=[s.demand],
            service_duration=s.service,
            tw_early=s.tw_open,
            tw_late=s.tw_close,
            prize=prize if allow_unserved else 0,
            required=not allow_unserved,
            name=s.id,
        )
        for i, s in enumerate(problem.stops)
    ]
    depots = [pyvrp.Depot(location=0, tw_early=depot.tw_open, tw_late=depot.tw_close)]
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=vt.count,
            capacity=[vt.capacity],
            fixed_cost=vt.fixed_cost,
            unit_distance_cost=vt.unit_distance_cost,
            tw_early=max(depot.tw_open, vt.shift_start),
            tw_late=min(depot.tw_close, vt.shift_end),
            name=vt.name,
        )
        for vt in problem.vehicle_types
    ]
    return pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=[problem.distance],  # type: ignore[list-item]
        duration_matrices=[problem.duration],  # type: ignore[list-item]
    )


def _params(data: pyvrp.ProblemData, allow_unserved: bool) -> pyvrp.SolveParams:
    """Solver parameters: with optional stops, penalties may grow past the prize.

    PyVRP's penalty manager caps the price of one unit of excess load or time warp at
    ``max_penalty`` (default 100,000). Our prize for a stop is far larger, so under the
    default cap an overloaded plan that serves everything always looks cheaper than a
    feasible plan that drops a stop, and the search never becomes feasible. Letting the
    penalty grow to twice the largest prize makes one unit of violation dearer than any
    dropped stop.
    """
    default = pyvrp.PenaltyParams()
    if not allow_unserved or data.num_clients == 0:
        return pyvrp.SolveParams()
    top_prize = max(client.prize for client in data.clients())
    penalty = pyvrp.PenaltyParams(max_penalty=max(default.max_penalty, 2.0 * top_prize))
    return pyvrp.SolveParams(penalty=penalty)


def solve_pyvrp(
    problem: RoutingProblem, stop: StoppingCriterion, seed: int, allow_unserved: bool
) -> BackendOutcome:
    """Solve with PyVRP; ``found`` is False when the best solution is infeasible."""
    if problem.num_stops == 0:
        return BackendOutcome(routes=(), found=True)
    data = build_data(problem, allow_unserved)
    result = pyvrp.solve(
        data,
        stop=_stopping(stop),
        seed=seed,
        collect_stats=False,
        display=False,
        params=_params(data, allow_unserved),
    )
    best = result.best
    if not best.is_feasible():
        return BackendOutcome(routes=(), found=False, detail="PyVRP best solution infeasible")
    first_vehicle = np.cumsum([0] + [vt.count for vt in problem.vehicle_types])
    used = [0] * len(problem.vehicle_types)
    routes: list[tuple[int, tuple[int, ...]]] = []
    for route in best.routes():
        vtype = route.vehicle_type()
        vehicle = int(first_vehicle[vtype]) + used[vtype]
        used[vtype] += 1
        stops = tuple(int(a.idx) for a in route if a.is_client())
        routes.append((vehicle, stops))
    logger.info("pyvrp: cost %s after %d iterations", result.cost(), result.num_iterations)
    return BackendOutcome(routes=tuple(routes), found=True)
