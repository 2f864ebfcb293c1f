"""Stage 1 of dispatch batching: which candidate pickup slots each window gets (CP-SAT).

For every window, choose one schedule: a non-empty set of at most ``max_pickups``
candidate slots the window can be served in (hall open, and a van can reach it from the
centre and be back before the cut-off). The objective is an estimate of vehicle cost —
per slot, dispatched vans × (fixed cost + depot legs) plus each visit's nearest-neighbour
detour — plus ``waiting_weight`` × the exact parcel waiting-hours of the schedule
(:mod:`routing.waiting`). Van counts per slot are bounded below by parcels / capacity,
by the loads above half a van (no two of them fit in one van: a bin-packing bound), and
by visit time / (slot length + one detour, since the drive to a van's first stop happens
before the slot opens). A window may be left out, at a price above any schedule's whole
objective, so only windows the fleet cannot carry are left out (reported unserved), and
the rest are still planned.

The search is reproducible: one worker, a fixed seed and a *deterministic* time limit
(CP-SAT's work units, independent of machine speed). A schedule that is not proven
optimal within it is still used, with a warning logged and the status kept on the plan.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from routing.build import SECONDS_PER_MINUTE, DepotSite, VehicleSpec, WindowSite
from routing.waiting import parcels_per_pickup, waiting_hours
from tongban.kernel.errors import InputError

logger = logging.getLogger(__name__)
CENTS = 100  # CP-SAT objective in 1/100 yuan
DETERMINISTIC_LIMIT = 10.0  # CP-SAT deterministic seconds (work units, not wall clock)


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
class SlotChoice:
    """CP-SAT's answer: window index → chosen slot indices, the status, windows left out."""

    chosen: dict[int, tuple[int, ...]]
    status: str  # "OPTIMAL", or "FEASIBLE" when the deterministic limit stopped the search
    left_out: tuple[int, ...] = ()  # servable alone, but not with the fleet given

    @property
    def optimal(self) -> bool:
        """True when the schedule is proven optimal for the estimate."""
        return self.status == "OPTIMAL"


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


def van_loads(load: int, capacity: int) -> list[int]:
    """A pickup of ``load`` parcels split into near-equal parts of at most one van each."""
    copies = max(1, math.ceil(load / capacity))
    return [load // copies + (1 if c < load % copies else 0) for c in range(copies)]


def pickup_load(w: WindowSite, slots: Sequence[PickupSlot], combo: tuple[int, ...], k: int) -> int:
    """Parcels (rounded up) collected from ``w`` in slot ``k`` under schedule ``combo``."""
    nominal = [slots[j].nominal for j in combo]
    return math.ceil(
        parcels_per_pickup(w.open_min, w.close_min, nominal, w.daily_parcels)[combo.index(k)]
    )


def _reachable(
    w_index: int, w: WindowSite, slot: PickupSlot, depot: DepotSite, seconds: npt.NDArray[np.int64]
) -> bool:
    span = slot_window(w, slot)
    if span is None:
        return False
    out_min = seconds[0, w_index + 1] / SECONDS_PER_MINUTE
    back_min = seconds[w_index + 1, 0] / SECONDS_PER_MINUTE
    arrive = max(span[0], depot.open_min + out_min)
    return bool(arrive <= span[1] and arrive + w.service_min + back_min <= depot.cutoff_min)


def choose_schedules(
    depot: DepotSite,
    windows: Sequence[WindowSite],
    vehicle: VehicleSpec,
    slots: Sequence[PickupSlot],
    matrices: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    waiting_weight: float,
    max_pickups: int = 3,
    deterministic_limit: float = DETERMINISTIC_LIMIT,
) -> SlotChoice:
    """CP-SAT slot choice for the servable windows; see the module docstring."""
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
    if not options:
        return SlotChoice(chosen={}, status="OPTIMAL")
    # a window may be left out, at a price above any schedule's whole objective: only
    # when the fleet cannot carry it (CP-SAT then still answers for the others)
    left_out = {i: model.new_bool_var(f"out_{i}") for i in options}
    for i, choices in options.items():
        model.add_exactly_one([left_out[i], *(v for _, v in choices)])
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
    tie_break: list[cp_model.LinearExprT] = []
    tie_range = 0
    detour_cents = [round(per_km * m / 1000 * CENTS) for m in detour_m]
    worst = len(slots) * vehicle.count * dispatch_cents  # an upper bound on any objective
    for k, slot in enumerate(slots):
        vans = model.new_int_var(0, vehicle.count, f"vans_{k}")
        loads, minutes, big = [], [], []
        for i, choices in options.items():
            w = windows[i]
            for combo, y in choices:
                if k not in combo:
                    continue
                load = pickup_load(w, slots, combo, k)
                loads.append(load * y)
                # parts above half a van cannot share a van with one another
                big.append(
                    sum(2 * part > vehicle.capacity for part in van_loads(load, vehicle.capacity))
                    * y
                )
                visit_min = w.service_min + detour_s[i] / SECONDS_PER_MINUTE
                minutes.append(math.ceil(visit_min) * y)
                objective.append(detour_cents[i] * y)
        model.add(vans * vehicle.capacity >= sum(loads))
        model.add(vans >= sum(big))
        model.add(vans * (slot.end_min - slot.start_min + first_leg_min) >= sum(minutes))
        objective.append(dispatch_cents * vans)
    for i, choices in options.items():
        w = windows[i]
        dearest, longest = 0, 0
        for combo, y in choices:
            wait = float(
                waiting_hours(
                    w.open_min, w.close_min, [slots[j].nominal for j in combo], w.daily_parcels
                )
            )
            wait_cents = round(waiting_weight * wait * CENTS)
            objective.append(wait_cents * y)
            tie_break.append(round(wait) * y)
            dearest = max(dearest, wait_cents + detour_cents[i] * len(combo))
            longest = max(longest, round(wait))
        worst += dearest
        tie_range += longest
    # lexicographic: fewest windows left out, then cost + priced waiting, then waiting
    # (so a zero weight never picks a schedule that waits longer for the same cost)
    primary = cp_model.LinearExpr.sum(objective) + int(worst + 1) * cp_model.LinearExpr.sum(
        list(left_out.values())
    )
    model.minimize(int(tie_range + 1) * primary + cp_model.LinearExpr.sum(tie_break))
    solver = cp_model.CpSolver()
    # Leave SIGINT to the application (CP-SAT would otherwise take it for the solve and
    # reset it to the default action afterwards; the CLI turns it into a clean exit 130).
    solver.parameters.catch_sigint_signal = False
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    limit = deterministic_limit
    status = cp_model.UNKNOWN
    for _ in range(4):  # no schedule yet: a larger (still deterministic) limit
        solver.parameters.max_deterministic_time = limit
        status = solver.solve(model)
        if status != cp_model.UNKNOWN:
            break
        limit *= 10
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # leaving all out is feasible
        raise RuntimeError(f"slot choice: CP-SAT status {solver.status_name(status)}")
    if status != cp_model.OPTIMAL:
        logger.warning(
            "slot choice not proven optimal within %g deterministic seconds (status %s); "
            "using the best schedule found",
            limit,
            solver.status_name(status),
        )
    chosen = {
        i: next(c for c, y in choices if solver.boolean_value(y))
        for i, choices in options.items()
        if not solver.boolean_value(left_out[i])
    }
    if len(chosen) < len(options):
        logger.warning("slot choice: %d windows do not fit the fleet", len(options) - len(chosen))
    return SlotChoice(
        chosen=chosen,
        status=solver.status_name(status),
        left_out=tuple(i for i in options if i not in chosen),
    )
