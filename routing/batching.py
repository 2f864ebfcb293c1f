"""Dispatch batching: how many pickups per window per day, and when.

Two stages:

1. **Slot choice (CP-SAT)**, :mod:`routing.slot_choice`: one set of candidate slots per
   window, minimising estimated van cost plus priced waiting.
2. **Routing per slot (VRPTW)**, here. Slots are routed in time order, each with the
   windows chosen for it, their collected parcels as loads, the slot ∩ hall hours as time
   windows and the centre's cut-off as the depot's closing time. The fleet is shared
   across slots: every van enters a slot's VRP with its shift starting when it is back
   from its previous route, so routes of different slots (a route can leave before its
   slot opens and return after it ends) never need more vans than the fleet has. Stops
   the shared fleet cannot reach are reported unserved with the solver's reason.

The reported cost and waiting come from the routes (actual arrival times), not from the
estimates. Vehicle cost counts each route as one dispatch (fixed cost per dispatch plus
cost per km); ``vans_needed`` is the peak number of routes on the road at the same time,
never above the fleet.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from routing.build import (
    COST_UNITS_PER_YUAN,
    SECONDS_PER_MINUTE,
    DepotSite,
    VehicleSpec,
    WindowSite,
    build_problem,
)
from routing.problem import RoutingProblem
from routing.result import RoutingResult
from routing.slot_choice import (
    PickupSlot,
    choose_schedules,
    pickup_load,
    slot_window,
    validate_slots,
    van_loads,
)
from routing.solve import solve
from routing.stopping import StoppingCriterion
from routing.waiting import waiting_hours
from tongban.kernel.errors import InputError

__all__ = [
    "Pickup",
    "PickupPlan",
    "PickupSlot",
    "SlotRouting",
    "assign_vans",
    "best_plan",
    "plan_pickups",
    "slot_window",
    "tradeoff",
    "validate_slots",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pickup:
    """One planned collection: a row of ``pickups.csv``."""

    window_id: str
    slot: str
    time_min: int
    vehicle: str
    parcels: float


@dataclass(frozen=True)
class SlotRouting:
    """The VRPTW of one slot and its solution."""

    slot: PickupSlot
    problem: RoutingProblem
    result: RoutingResult


@dataclass(frozen=True)
class PickupPlan:
    """A chosen pickup schedule with its routes and its cost–delay figures.

    ``slot_choice_status`` is CP-SAT's status for the slot choice ("OPTIMAL", or
    "FEASIBLE" when its deterministic limit stopped the search first).
    """

    waiting_weight: float
    schedules: dict[str, tuple[str, ...]]
    slots: tuple[SlotRouting, ...]
    vans: tuple[tuple[str, ...], ...]  # van label per slot routing and route
    pickups: tuple[Pickup, ...]
    unserved: tuple[tuple[str, str, str], ...]  # (window_id, slot, reason)
    routes: int
    vans_needed: int
    km: float
    vehicle_cost_yuan: float
    waiting_hours: float
    parcels: float
    slot_choice_status: str = "OPTIMAL"
    # (window id, parcel waiting-hours per day) of every window with a pickup, in window order
    hall_wait_hours: tuple[tuple[str, float], ...] = ()

    @property
    def pickups_per_day(self) -> int:
        """Planned collections over all windows."""
        return len(self.pickups)

    @property
    def mean_wait_hours(self) -> float:
        """Mean hours a parcel waits at its window for collection."""
        return self.waiting_hours / self.parcels if self.parcels else 0.0

    @property
    def objective_yuan(self) -> float:
        """Vehicle cost plus priced waiting."""
        return self.vehicle_cost_yuan + self.waiting_weight * self.waiting_hours


def assign_vans(slot_routings: Sequence[SlotRouting]) -> tuple[tuple[str, ...], ...]:
    """Physical van labels per slot and route: a van takes a new route once it is back.

    Routes are taken by start time and given the lowest-numbered van already back at the
    centre (interval-graph colouring, optimal): the number of labels is the peak number of
    routes on the road at once.
    """
    order = sorted(
        (route.start, route.end, k, j)
        for k, sr in enumerate(slot_routings)
        for j, route in enumerate(sr.result.routes)
    )
    free_at: list[int] = []
    label: dict[tuple[int, int], str] = {}
    for start, end, k, j in order:
        van = next((v for v, t in enumerate(free_at) if t <= start), None)
        if van is None:
            free_at.append(end)
            van = len(free_at) - 1
        else:
            free_at[van] = end
        label[(k, j)] = f"van{van + 1}"
    return tuple(
        tuple(label[(k, j)] for j in range(len(sr.result.routes)))
        for k, sr in enumerate(slot_routings)
    )


def _slot_stops(
    windows: Sequence[WindowSite],
    chosen: dict[int, tuple[int, ...]],
    slots: Sequence[PickupSlot],
    k: int,
    capacity: int,
) -> tuple[list[int], list[int], list[WindowSite]]:
    """Stops of slot ``k``: window indices, loads and sites.

    A window whose load exceeds a van's capacity becomes several node copies (ids
    ``W#1``, ``W#2``...), each at most one van load, so big halls are split, not dropped.
    """
    members: list[int] = []
    loads: list[int] = []
    sites: list[WindowSite] = []
    for i, combo in chosen.items():
        if k not in combo:
            continue
        w = windows[i]
        parts = van_loads(pickup_load(w, slots, combo, k), capacity)
        for c, part in enumerate(parts):
            members.append(i)
            loads.append(part)
            sites.append(w if len(parts) == 1 else replace(w, id=f"{w.id}#{c + 1}"))
    return members, loads, sites


def _shared_fleet(vehicle: VehicleSpec, free_at: list[int]) -> tuple[list[VehicleSpec], list[int]]:
    """Vehicle specs for the next slot: one type per return time; and van ids by vehicle index.

    ``free_at[v]`` is the second physical van ``v`` is back at the centre (0: unused).
    """
    groups: dict[int, list[int]] = {}
    for van, t in enumerate(free_at):
        groups.setdefault(math.ceil(t / SECONDS_PER_MINUTE), []).append(van)
    specs, order = [], []
    for minute in sorted(groups):
        vans = groups[minute]
        start = min(max(vehicle.shift_start_min, minute), vehicle.shift_end_min)
        specs.append(replace(vehicle, count=len(vans), shift_start_min=start))
        order += vans
    return specs, order


def _route_slots(
    depot: DepotSite,
    windows: Sequence[WindowSite],
    vehicle: VehicleSpec,
    slots: Sequence[PickupSlot],
    matrices: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    chosen: dict[int, tuple[int, ...]],
    stop: StoppingCriterion,
    seed: int,
) -> tuple[list[SlotRouting], list[tuple[list[int], list[int]]], list[tuple[str, str, str]]]:
    """Route every slot in time order on the shared fleet (see the module docstring)."""
    metres, secs = matrices
    free_at = [0] * vehicle.count
    slot_routings: list[SlotRouting] = []
    slot_members: list[tuple[list[int], list[int]]] = []
    unserved: list[tuple[str, str, str]] = []
    for k, slot in enumerate(slots):
        members, loads, sites = _slot_stops(windows, chosen, slots, k, vehicle.capacity)
        if not members:
            continue
        rows = np.array([0, *[i + 1 for i in members]])
        spans = [slot_window(windows[i], slot) for i in members]
        specs, van_of = _shared_fleet(vehicle, free_at)
        problem = build_problem(
            depot,
            sites,
            specs,
            parcels=loads,
            time_windows=[s for s in spans if s is not None],
            matrices=(metres[np.ix_(rows, rows)], secs[np.ix_(rows, rows)]),
            name=f"pickups {slot.name}",
        )
        result = solve(problem, stop=stop, seed=seed)
        for route in result.routes:
            van = van_of[route.vehicle]
            if free_at[van] > route.start:  # the solver broke a shift: a bug, not user input
                raise RuntimeError(f"van {van + 1} sent out at {route.start} before it is back")
            free_at[van] = route.end
        slot_routings.append(SlotRouting(slot=slot, problem=problem, result=result))
        slot_members.append((members, loads))
        unserved += [(windows[members[u.stop]].id, slot.name, u.reason) for u in result.unserved]
    return slot_routings, slot_members, unserved


def plan_pickups(
    depot: DepotSite,
    windows: Sequence[WindowSite],
    vehicle: VehicleSpec,
    slots: Sequence[PickupSlot],
    matrices: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    waiting_weight: float,
    *,
    max_pickups: int = 3,
    stop: StoppingCriterion | None = None,
    seed: int = 0,
) -> PickupPlan:
    """Choose pickup slots per window, then route every slot; see the module docstring."""
    if not waiting_weight >= 0 or math.isinf(waiting_weight):
        raise InputError(
            f"waiting_weight must be a finite number >= 0, got {waiting_weight}", field="weight"
        )
    if max_pickups < 1:
        raise InputError(f"max_pickups must be >= 1, got {max_pickups}", field="max_pickups")
    validate_slots(slots, depot)
    stop = stop or StoppingCriterion(seconds=2.0)
    choice = choose_schedules(depot, windows, vehicle, slots, matrices, waiting_weight, max_pickups)
    chosen = choice.chosen
    fleet = f"{vehicle.count} vans of {vehicle.capacity} parcels"
    unserved: list[tuple[str, str, str]] = [
        (
            w.id,
            "-",
            f"the fleet ({fleet}) cannot carry it in its slots with the other windows"
            if i in choice.left_out
            else "no candidate slot: hall closed, or unreachable before the cut-off",
        )
        for i, w in enumerate(windows)
        if i not in chosen
    ]
    slot_routings, slot_members, routed_unserved = _route_slots(
        depot, windows, vehicle, slots, matrices, chosen, stop, seed
    )
    unserved += routed_unserved
    vans = assign_vans(slot_routings)
    vans_needed = len({label for labels in vans for label in labels})
    if vans_needed > vehicle.count:  # impossible with the shared fleet: a bug
        raise RuntimeError(f"plan needs {vans_needed} vans but the fleet has {vehicle.count}")
    arrivals: dict[int, list[float]] = {i: [] for i in chosen}
    pickups: list[Pickup] = []
    for sr, (members, loads), labels in zip(slot_routings, slot_members, vans, strict=True):
        for route, van in zip(sr.result.routes, labels, strict=True):
            for s, arrival in zip(route.stops, route.arrivals, strict=True):
                minute = arrival / SECONDS_PER_MINUTE
                arrivals[members[s]].append(minute)
                pickups.append(
                    Pickup(
                        window_id=windows[members[s]].id,
                        slot=sr.slot.name,
                        time_min=round(minute),
                        vehicle=van,
                        parcels=float(loads[s]),
                    )
                )
    total_wait = 0.0
    parcels = 0.0
    hall_wait: dict[int, float] = {}
    for i, times in arrivals.items():
        w = windows[i]
        if times:
            hall_wait[i] = waiting_hours(w.open_min, w.close_min, times, w.daily_parcels)
            total_wait += hall_wait[i]
            parcels += w.daily_parcels
    cost_units = sum(sr.result.cost for sr in slot_routings)
    km = sum(sr.result.distance for sr in slot_routings) / 1000.0
    return PickupPlan(
        waiting_weight=waiting_weight,
        schedules={windows[i].id: tuple(slots[j].name for j in c) for i, c in chosen.items()},
        slots=tuple(slot_routings),
        vans=vans,
        pickups=tuple(sorted(pickups, key=lambda p: (p.window_id, p.time_min))),
        unserved=tuple(unserved),
        routes=sum(len(sr.result.routes) for sr in slot_routings),
        vans_needed=vans_needed,
        km=km,
        vehicle_cost_yuan=cost_units / COST_UNITS_PER_YUAN,
        waiting_hours=total_wait,
        parcels=parcels,
        slot_choice_status=choice.status,
        hall_wait_hours=tuple((windows[i].id, hall_wait[i]) for i in sorted(hall_wait)),
    )


def best_plan(candidates: Sequence[PickupPlan], weight: float) -> PickupPlan:
    """The routed plan best at ``weight``: fewest unserved, then lowest cost + weight × wait.

    Ties go to less waiting, then lower cost, so a dominated plan is never picked.
    """
    return min(
        candidates,
        key=lambda p: (
            len(p.unserved),
            p.vehicle_cost_yuan + weight * p.waiting_hours,
            p.waiting_hours,
            p.vehicle_cost_yuan,
        ),
    )


def tradeoff(
    depot: DepotSite,
    windows: Sequence[WindowSite],
    vehicle: VehicleSpec,
    slots: Sequence[PickupSlot],
    matrices: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    weights: Sequence[float],
    **kwargs: object,
) -> list[PickupPlan]:
    """One plan per waiting weight: the cost–delay trade-off curve.

    The slot model prices vans with an estimate, so the plan routed for one weight can be
    beaten, in routed cost plus priced waiting, by the plan routed for another. Every
    weight therefore keeps the best routed plan found for any weight (:func:`best_plan`);
    the curve is then monotone (more weight never means more waiting).
    """
    candidates = [
        plan_pickups(depot, windows, vehicle, slots, matrices, w, **kwargs)  # type: ignore[arg-type]
        for w in weights
    ]
    return [replace(best_plan(candidates, w), waiting_weight=w) for w in weights]
