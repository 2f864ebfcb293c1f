"""A routed pickup plan in small form: what a parallel routing task sends back.

A :class:`~routing.batching.PickupPlan` holds every slot's :class:`RoutingProblem` with its
distance and duration matrices (n² integers each). A task on another process returns a
:class:`PlanDigest` instead: the pickups, one :class:`~routing.outputs.RouteLine` per route
(stop ids and coordinates), the unserved windows, each window's waiting-hours and the
plan's totals — everything the province plan, its report files and the branch decision
need, in a few kilobytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from routing.batching import Pickup, PickupPlan
from routing.outputs import RouteLine, route_lines


def window_of(stop_id: str) -> str:
    """The window id of a stop (a big window's node copies are ``W#1``, ``W#2`` …)."""
    return stop_id.split("#", 1)[0]


@dataclass(frozen=True)
class PlanDigest:
    """One depot's routed plan, small. Costs in yuan per day, distances in km per day.

    ``hall_wait_hours``: (window id, parcel waiting-hours per day) for every window with a
    pickup; ``unserved``: (window id, slot or ``"-"``, reason).
    """

    depot_code: str
    pickups: tuple[Pickup, ...]
    lines: tuple[RouteLine, ...]
    unserved: tuple[tuple[str, str, str], ...]
    hall_wait_hours: tuple[tuple[str, float], ...]
    routes: int
    vans_needed: int
    km: float
    vehicle_cost_yuan: float
    waiting_hours: float
    parcels: float
    slot_choice_status: str = "OPTIMAL"

    @property
    def halls_served(self) -> int:
        """Windows with at least one pickup."""
        return len(self.hall_wait_hours)

    def wait_of(self, window_ids: set[str]) -> float:
        """Parcel waiting-hours per day of these windows."""
        return sum(h for w, h in self.hall_wait_hours if w in window_ids)

    def unserved_of(self, window_ids: set[str]) -> int:
        """Unserved rows (window × slot) of these windows."""
        return sum(1 for w, _, _ in self.unserved if w in window_ids)


def empty_digest(depot_code: str, unserved: Sequence[tuple[str, str, str]] = ()) -> PlanDigest:
    """A depot with no route (nothing to collect, or nothing it can reach)."""
    return PlanDigest(depot_code, (), (), tuple(unserved), (), 0, 0, 0.0, 0.0, 0.0, 0.0)


def digest(
    plan: PickupPlan,
    depot_code: str,
    label: str,
    unserved: Sequence[tuple[str, str, str]] = (),
) -> PlanDigest:
    """The plan in small form; van labels get the prefix ``label``; ``unserved`` adds rows.

    Per-window waiting-hours are :func:`plan_pickups`'s (from the routed arrival minutes).
    """
    return PlanDigest(
        depot_code=depot_code,
        pickups=tuple(replace(p, vehicle=label + p.vehicle) for p in plan.pickups),
        lines=tuple(route_lines(plan, label)),
        unserved=(*plan.unserved, *unserved),
        hall_wait_hours=plan.hall_wait_hours,
        routes=plan.routes,
        vans_needed=plan.vans_needed,
        km=plan.km,
        vehicle_cost_yuan=plan.vehicle_cost_yuan,
        waiting_hours=plan.waiting_hours,
        parcels=plan.parcels,
        slot_choice_status=plan.slot_choice_status,
    )
