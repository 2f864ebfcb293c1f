"""Dispatch batching: how many pickups per window per day, and when.

Two stages:

1. **Slot choice (CP-SAT).** For every window, choose one schedule: a non-empty set of at
   most ``max_pickups`` candidate slots the window can be served in (hall open, and a van
   can reach it from the centre and be back before the cut-off). The objective is an
   estimate of vehicle cost — per slot, dispatched vans × (fixed cost + depot legs) plus
   each visit's nearest-neighbour detour — plus ``waiting_weight`` × the exact parcel
   waiting-hours of the schedule (:mod:`routing.waiting`). Van counts per slot are bounded
   below by parcels / capacity and by visit time / (slot length + one detour, since the
   drive to a van's first stop happens before the slot opens).
2. **Routing per slot (VRPTW).** The windows chosen for a slot are routed with their
   collected parcels as loads and the slot ∩ hall hours as time windows, the centre's
   cut-off as the depot's closing time. The reported cost and waiting come from these
   routes (actual arrival times), not from the estimates.

Vehicle cost counts each route as one dispatch (fixed cost per dispatch plus cost per km);
``vans_needed`` is the peak number of routes on the road at the same time.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

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
from routing.solve import solve
from routing.stopping import StoppingCriterion
from routing.waiting import parcels_per_pickup, waiting_hours
from tongban.errors import InputError

logger = logging.getLogger(__name__)
CENTS = 100  # CP-SAT objective in 1/100 yuan


@dataclass(frozen=True)
class PickupSlot:
    """A candidate pickup interval (minutes from midnight); ``nominal`` = its midpoint."""

    name: str
    start_min: int
    end_min: int

    @property
    def nominal(self) -> float:
        """Pickup time used for waiting estimates before routing."""
        return (self.start_min + self.end_min) / 2.0


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
    """A chosen pickup schedule with its routes and its cost–delay figures."""

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


def validate_slots(slots: Sequence[PickupSlot], depot: DepotSite) -> None:
    """Slots must be non-empty, ordered, disjoint and end by the centre's cut-off."""
    if not slots:
        raise InputError("give at least one candidate pickup slot", field="slots")
    for a, b in itertools.pairwise(slots):
        if b.start_min < a.end_min:
            raise InputError(f"pickup slots {a.name} and {b.name} overlap or are out of order")
    for s in slots:
        if not s.start_min < s.end_min:
            raise InputError(f"pickup slot {s.name}: start must be before end", field="slots")
        if s.end_min > depot.cutoff_min:
            raise InputError(
                f"pickup slot {s.name} ends at {s.end_min} min, after the centre's cut-off "
                f"{depot.cutoff_min} min",
                field="slots",
            )


def slot_window(w: WindowSite, slot: PickupSlot) -> tuple[int, int] | None:
    """Minutes in which ``w`` can be collected during ``slot`` (hall open), or None."""
    lo, hi = max(slot.start_min, w.open_min), min(slot.end_min, w.close_min)
    return (lo, hi) if lo <= hi else None


def _reachable(
    w_index: int, w: WindowSite, slot: PickupSlot, depot: DepotSite, seconds: npt.NDArray[np.int64]
) -> bool:
    span = slot_window(w, slot)
    if span is None:
        return False
    out_min = seconds[0, w_index + 1] / SECONDS_PER_MINUTE
    back_min = seconds[w_index + 1, 0] / SECONDS_PER_MINUTE
    arrive = max(span[0], depot.open_min + out_min)
    return arrive <= span[1] and arrive + w.service_min + back_min <= depot.cutoff_min


def choose_schedules(
    depot: DepotSite,
    windows: Sequence[WindowSite],
    vehicle: VehicleSpec,
    slots: Sequence[PickupSlot],
    matrices: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    waiting_weight: float,
    max_pickups: int = 3,
    seconds: float = 10.0,
) -> dict[int, tuple[int, ...]]:
    """CP-SAT slot choice: window index → chosen slot indices (only servable windows)."""
    metres, secs = matrices
    n = len(windows)
    nodes = np.arange(n + 1)
    model = cp_model.CpModel()
    options: dict[int, list[tuple[tuple[int, ...], cp_model.IntVar]]] = {}
    for i, w in enumerate(windows):
        feasible = [k for k, s in enumerate(slots) if _reachable(i, w, s, depot, secs)]
        combos = [
            c for size in range(1, max_pickups + 1) for c in itertools.combinations(feasible, size)
        ]
        if combos:
            options[i] = [(c, model.new_bool_var(f"y_{i}_{c}")) for c in combos]
            model.add_exactly_one(v for _, v in options[i])
    if not options:
        return {}
    # nearest-neighbour detour per visit (metres, seconds), depot included as a neighbour
    detour_m, detour_s = [], []
    for i in range(n):
        others = nodes[nodes != i + 1]
        detour_m.append(float(np.min((metres[others, i + 1] + metres[i + 1, others]) / 2)))
        detour_s.append(float(np.min(secs[others, i + 1])))
    depot_legs_m = float(np.mean(metres[0, 1:] + metres[1:, 0]))
    # the drive to a van's first stop happens before the slot opens: one detour is free
    first_leg_min = round(float(np.mean(detour_s)) / SECONDS_PER_MINUTE)
    per_km = vehicle.cost_per_km
    dispatch_cents = round((vehicle.cost_per_vehicle + per_km * depot_legs_m / 1000) * CENTS)
    objective: list[cp_model.LinearExprT] = []
    for k, slot in enumerate(slots):
        vans = model.new_int_var(0, vehicle.count, f"vans_{k}")
        loads, minutes = [], []
        for i, choices in options.items():
            w = windows[i]
            for combo, y in choices:
                if k not in combo:
                    continue
                nominal = [slots[j].nominal for j in combo]
                load = parcels_per_pickup(w.open_min, w.close_min, nominal, w.daily_parcels)
                loads.append(math.ceil(load[combo.index(k)]) * y)
                visit_min = w.service_min + detour_s[i] / SECONDS_PER_MINUTE
                minutes.append(math.ceil(visit_min) * y)
                objective.append(round(per_km * detour_m[i] / 1000 * CENTS) * y)
        model.add(vans * vehicle.capacity >= sum(loads))
        model.add(vans * (slot.end_min - slot.start_min + first_leg_min) >= sum(minutes))
        objective.append(dispatch_cents * vans)
    for i, choices in options.items():
        w = windows[i]
        for combo, y in choices:
            wait = waiting_hours(
                w.open_min, w.close_min, [slots[j].nominal for j in combo], w.daily_parcels
            )
            objective.append(round(waiting_weight * wait * CENTS) * y)
    model.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = seconds
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InputError(
            "no pickup schedule fits the fleet: add vans, capacity or longer slots "
            f"(CP-SAT status {solver.status_name(status)})",
            field="vehicles",
        )
    return {
        i: next(c for c, y in choices if solver.boolean_value(y)) for i, choices in options.items()
    }


def assign_vans(slot_routings: Sequence[SlotRouting]) -> tuple[tuple[str, ...], ...]:
    """Physical van labels per slot and route: a van takes a new route once it is back.

    Routes are taken by start time and given the lowest-numbered van already back at the
    centre (interval-graph colouring, optimal): the number of labels is the peak number of
    routes on the road at once.
    """
    order = sorted(
        (
            (route.start, route.end, k, j)
            for k, sr in enumerate(slot_routings)
            for j, route in enumerate(sr.result.routes)
        ),
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
        nominal = [slots[j].nominal for j in combo]
        load = math.ceil(
            parcels_per_pickup(w.open_min, w.close_min, nominal, w.daily_parcels)[combo.index(k)]
        )
        copies = max(1, math.ceil(load / capacity))
        for c in range(copies):
            members.append(i)
            part = load // copies + (1 if c < load % copies else 0)
            loads.append(part)
            sites.append(w if copies == 1 else replace(w, id=f"{w.id}#{c + 1}"))
    return members, loads, sites


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
    if waiting_weight < 0:
        raise InputError(f"waiting_weight must be >= 0, got {waiting_weight}", field="weight")
    if max_pickups < 1:
        raise InputError(f"max_pickups must be >= 1, got {max_pickups}", field="max_pickups")
    validate_slots(slots, depot)
    stop = stop or StoppingCriterion(seconds=2.0)
    chosen = choose_schedules(depot, windows, vehicle, slots, matrices, waiting_weight, max_pickups)
    unserved: list[tuple[str, str, str]] = [
        (w.id, "-", "no candidate slot: hall closed, or unreachable before the cut-off")
        for i, w in enumerate(windows)
        if i not in chosen
    ]
    metres, secs = matrices
    slot_routings: list[SlotRouting] = []
    slot_members: list[tuple[list[int], list[int]]] = []
    for k, slot in enumerate(slots):
        members, loads, sites = _slot_stops(windows, chosen, slots, k, vehicle.capacity)
        if not members:
            continue
        rows = np.array([0, *[i + 1 for i in members]])
        spans = [slot_window(windows[i], slot) for i in members]
        problem = build_problem(
            depot,
            sites,
            [vehicle],
            parcels=loads,
            time_windows=[s for s in spans if s is not None],
            matrices=(metres[np.ix_(rows, rows)], secs[np.ix_(rows, rows)]),
            name=f"pickups {slot.name}",
        )
        result = solve(problem, stop=stop, seed=seed)
        slot_routings.append(SlotRouting(slot=slot, problem=problem, result=result))
        slot_members.append((members, loads))
        unserved += [(windows[members[u.stop]].id, slot.name, u.reason) for u in result.unserved]
    vans = assign_vans(slot_routings)
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
    for i, times in arrivals.items():
        w = windows[i]
        if times:
            total_wait += waiting_hours(w.open_min, w.close_min, times, w.daily_parcels)
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
        vans_needed=len({label for labels in vans for label in labels}),
        km=km,
        vehicle_cost_yuan=cost_units / COST_UNITS_PER_YUAN,
        waiting_hours=total_wait,
        parcels=parcels,
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
    weight therefore keeps the best routed plan found for any weight; the curve is then
    monotone (more weight never means more waiting).
    """
    candidates = [
        plan_pickups(depot, windows, vehicle, slots, matrices, w, **kwargs)  # type: ignore[arg-type]
        for w in weights
    ]
    return [
        replace(
            min(
                candidates,
                key=lambda p: (len(p.unserved), p.vehicle_cost_yuan + w * p.waiting_hours),
            ),
            waiting_weight=w,
        )
        for w in weights
    ]
