"""One entry point for every backend: :func:`solve`.

Before any search, stops that no vehicle could serve on its own (demand above every
capacity, a window that closes before the earliest arrival from the centre, no way back
before the cut-off) are set aside as unserved with that reason. The backends then work on
the servable stops; their routes are re-timed and re-checked here by one scheduler, so
every backend's result means the same thing.

Backends: ``pyvrp`` (hybrid iterated local search, best on plain VRPTW), ``ortools``
(``pywrapcp`` with guided local search, for side constraints), ``portfolio`` (both, half
the budget each, best plan kept) and ``auto`` (PyVRP; if it finds no plan serving every
stop, PyVRP again with stops optional, so the result names what is left out).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from routing.backend import BackendOutcome
from routing.ortools_backend import solve_ortools
from routing.problem import RoutingProblem
from routing.pyvrp_backend import solve_pyvrp
from routing.result import Route, RoutingResult, SolveStatus, Unserved, route_cost, schedule_route
from routing.stopping import StoppingCriterion
from tongban.kernel.clock import format_clock
from tongban.kernel.errors import InputError

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "pyvrp", "ortools", "portfolio")
FLEET_REASON = "no vehicle had capacity or time left within the windows and the cut-off"

Backend = Callable[[RoutingProblem, StoppingCriterion, int, bool], BackendOutcome]


def _when(problem: RoutingProblem, t: int) -> str:
    """A time for messages: ``HH:MM`` on geographic problems, else the problem's units."""
    if problem.geographic:
        return format_clock(t / problem.time_scale)
    return f"{t / problem.time_scale:g}"


def unservable_reason(problem: RoutingProblem, index: int) -> str | None:
    """Why stop ``index`` cannot be served even by a dedicated vehicle, or None."""
    stop = problem.stops[index]
    depot = problem.depot
    capacity = max(vt.capacity for vt in problem.vehicle_types)
    if stop.demand > capacity:
        return f"demand {stop.demand} exceeds the largest vehicle capacity {capacity}"
    leave = max(depot.tw_open, min(vt.shift_start for vt in problem.vehicle_types))
    back_by = min(depot.tw_close, max(vt.shift_end for vt in problem.vehicle_types))
    arrive = max(leave + int(problem.duration[0, index + 1]), stop.tw_open)
    if arrive > stop.tw_close:
        return (
            f"window closes at {_when(problem, stop.tw_close)} but the earliest arrival "
            f"from the centre is {_when(problem, arrive)}"
        )
    back = arrive + stop.service + int(problem.duration[index + 1, 0])
    if back > back_by:
        return (
            f"a vehicle serving it could not be back at the centre before the cut-off "
            f"{_when(problem, back_by)} (earliest return {_when(problem, back)})"
        )
    return None


def _collect(
    problem: RoutingProblem,
    servable: list[int],
    outcome: BackendOutcome,
) -> tuple[list[Route], list[str]]:
    """Map sub-problem routes back to the problem's stop indices and re-time them."""
    routes: list[Route] = []
    violations: list[str] = []
    for vehicle, stops in outcome.routes:
        original = tuple(servable[s] for s in stops)
        route, problems = schedule_route(problem, vehicle, original)
        routes.append(route)
        violations += problems
    return routes, violations


def _run(
    backend: Backend,
    problem: RoutingProblem,
    servable: list[int],
    stop: StoppingCriterion,
    seed: int,
    allow_unserved: bool,
) -> tuple[list[Route], bool, str]:
    sub = problem.subproblem(servable)
    outcome = backend(sub, stop, seed, allow_unserved)
    if not outcome.found:
        return [], False, outcome.detail
    routes, violations = _collect(problem, servable, outcome)
    if violations:  # a backend bug, never a user error: refuse the plan loudly
        raise RuntimeError(f"backend returned an infeasible plan: {violations[:3]}")
    return routes, True, outcome.detail


def _score(problem: RoutingProblem, routes: list[Route]) -> tuple[int, int]:
    served = sum(len(r.stops) for r in routes)
    return (-served, sum(route_cost(problem, r) for r in routes))


def solve(
    problem: RoutingProblem,
    stop: StoppingCriterion,
    backend: str = "auto",
    seed: int = 0,
) -> RoutingResult:
    """Solve ``problem`` within ``stop`` and return routes, totals and unserved stops."""
    if backend not in BACKENDS:
        raise InputError(f"backend {backend!r} unknown; use one of {', '.join(BACKENDS)}")
    began = time.perf_counter()
    unserved: list[Unserved] = []
    servable: list[int] = []
    for i, s in enumerate(problem.stops):
        reason = unservable_reason(problem, i)
        if reason is None:
            servable.append(i)
        else:
            unserved.append(Unserved(stop=i, stop_id=s.id, reason=reason))

    runs: list[tuple[str, list[Route], bool]] = []
    if backend in ("pyvrp", "auto"):
        routes, found, _ = _run(solve_pyvrp, problem, servable, stop, seed, False)
        runs.append(("pyvrp", routes, found))
        if not found:
            routes, found, _ = _run(solve_pyvrp, problem, servable, stop, seed, True)
            runs.append(("pyvrp", routes, found))
        if not found and backend == "auto":  # OR-Tools' penalised disjunctions never fail
            logger.info("solve %s: PyVRP found no plan; falling back to OR-Tools", problem.name)
            routes, found, _ = _run(solve_ortools, problem, servable, stop, seed, True)
            runs.append(("ortools", routes, found))
    elif backend == "ortools":
        routes, found, _ = _run(solve_ortools, problem, servable, stop, seed, True)
        runs.append(("ortools", routes, found))
    else:  # portfolio
        half = stop.split(2)
        for name, fn in (("pyvrp", solve_pyvrp), ("ortools", solve_ortools)):
            routes, found, _ = _run(fn, problem, servable, half, seed, name == "ortools")
            runs.append((name, routes, found))
    candidates = [(name, routes) for name, routes, found in runs if found]
    seconds = time.perf_counter() - began
    if not candidates:
        unserved += [
            Unserved(stop=i, stop_id=problem.stops[i].id, reason="the solver found no plan")
            for i in servable
        ]
        return RoutingResult(
            problem_name=problem.name,
            routes=(),
            unserved=tuple(sorted(unserved, key=lambda u: u.stop)),
            distance=0,
            duration=0,
            cost=0,
            status=SolveStatus.NO_SOLUTION,
            backend=backend,
            seconds=seconds,
        )
    name, routes = min(candidates, key=lambda c: _score(problem, c[1]))
    on_route = {s for r in routes for s in r.stops}
    unserved += [
        Unserved(stop=i, stop_id=problem.stops[i].id, reason=FLEET_REASON)
        for i in servable
        if i not in on_route
    ]
    logger.info("solve %s: %s, %d routes", problem.name, name, len(routes))
    return RoutingResult(
        problem_name=problem.name,
        routes=tuple(routes),
        unserved=tuple(sorted(unserved, key=lambda u: u.stop)),
        distance=sum(r.distance for r in routes),
        duration=sum(r.duration for r in routes),
        cost=sum(route_cost(problem, r) for r in routes),
        status=SolveStatus.PARTIAL if unserved else SolveStatus.FEASIBLE,
        backend=name,
        seconds=seconds,
    )
