"""Province-wide pickup routing: the halls of a province grouped by the EMS centre serving them.

Inputs (built by the pipeline, :func:`tongban.pipeline.routing_stage.province_halls`):
the province's halls as :class:`ProvinceHall` — a routing site (position, hall hours,
parcels per ordinary day) and the admin unit the hall belongs to.

* **One VRPTW per processing centre.** Each hall goes to the centre the EMS model sends
  its unit's mail to (:func:`geo.ems_branches.centre_of`: its prefecture-equivalent's
  seat; a province hall to its capital's centre; a municipality has one centre). Centre
  hours, fleet, costs and pickup slots are the scenario routing's
  :class:`~routing.scenario.RoutingAssumptions`. A hall farther than
  :data:`~routing.build.MAX_REACH_KM` from its centre is not offered to the centre's vans
  (it is unserved by the centre with that reason).
* **County branches** (``BranchAssumptions.mode = "auto"``): the halls of a county (county
  and township halls, not the prefecture's or province's) may instead be collected by
  the county's EMS branch, at the county seat, whose bags ride the county's scheduled
  mail route to the centre (:mod:`geo.ems_branches` states both assumptions and why).
  The branch plans its own VRPTW with its own vans; its vans must be back
  ``handover_min`` before the latest mail-route departure that reaches the centre by
  its cut-off (or, when none does, before the last departure of the day: the parcels
  then make the next night's dispatch, ``days_late`` ≥ 1). :mod:`routing.consolidation`
  decides, from routed plans, where the branch is cheaper.

:func:`run_task` routes one depot (a centre, with some counties left to their branches,
or a branch) and returns a small :class:`~routing.digest.PlanDigest`; it depends only on
its inputs and the seed. :func:`routing.province_plan.plan_centre`, one centre with its
branches, is the unit of parallel work.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from geo import units
from geo.ems_branches import MailRoute, branch_name, centre_of, mail_route
from geo.matrix import great_circle_m
from routing.batching import PickupPlan, PickupSlot, plan_pickups
from routing.build import (
    MAX_REACH_KM,
    DepotSite,
    MatrixFunction,
    VehicleSpec,
    WindowSite,
    site_matrices,
)
from routing.digest import PlanDigest, digest, empty_digest
from routing.scenario import RoutingAssumptions
from routing.stopping import StoppingCriterion

MINUTES_PER_DAY = 24 * 60
BRANCH_LEVELS = ("county", "township")  # halls a county branch may collect
# default solver budget per slot VRP: PyVRP iterations, and the early stop after this many
# without a better solution (both deterministic; the early stop spares the many one-hall
# branch problems most of the budget)
DEFAULT_STOP = StoppingCriterion(iterations=2000, no_improvement=500)

TaskKey = tuple[str, str, tuple[str, ...]]  # ("centre", code, counties left out) | ("branch", …)


@dataclass(frozen=True)
class ProvinceHall:
    """A hall to collect from: its routing site, admin unit and level.

    ``code`` is the hall's admin unit (its county for county and township halls).
    """

    site: WindowSite
    code: str
    level: str

    @property
    def county(self) -> str | None:
        """The county whose branch could collect this hall (None: prefecture/province)."""
        return self.code if self.level in BRANCH_LEVELS else None


@dataclass(frozen=True)
class BranchAssumptions:
    """County-branch consolidation: all assumptions (no public source for EMS branches).

    ``mode``: ``"auto"`` (a county's halls go to its branch where the routed plans say
    that is cheaper) or ``"off"`` (every hall from its centre). A branch's vans are the
    centre's kind at the centre's prices (``RoutingAssumptions``): no cheaper branch
    price is assumed, so the choice turns on kilometres, dispatches and the mail route's
    schedule only. ``vans``: the branch's fleet; ``handover_min``: the van is back this
    long before the mail route leaves (bagging, hand-over to the mail truck).
    """

    mode: Literal["auto", "off"] = "auto"
    # assumption: a county branch runs 2 vans of the centre's kind (no source for branch
    # fleets); most branches need one route a day, a second keeps a big county servable
    vans: int = 2
    # assumption: bags are handed to the mail truck 30 min before it leaves (the EMS
    # model's centres take 1 h before a dispatch; a branch only bags, it does not sort)
    handover_min: int = 30


@dataclass(frozen=True)
class CentreSites:
    """A processing centre and the halls it serves."""

    code: str
    name: str
    depot: DepotSite
    halls: tuple[ProvinceHall, ...]

    def county_halls(self) -> dict[str, tuple[ProvinceHall, ...]]:
        """Halls per county a branch could collect (county code → halls)."""
        counties: dict[str, list[ProvinceHall]] = defaultdict(list)
        for hall in self.halls:
            if hall.county is not None and hall.county != self.code:
                counties[hall.county].append(hall)
        return {code: tuple(halls) for code, halls in sorted(counties.items())}


@dataclass(frozen=True)
class BranchSites:
    """A county branch, its halls, its slots and the mail route its bags take.

    ``departure_min``: the mail-route departure the branch plans for (the latest that
    reaches the centre by its cut-off, else the day's last); ``arrival_min`` at the centre
    (past 1440: the next day); ``days_late``: nights of dispatch missed (0: same day).
    """

    code: str
    name: str
    centre_code: str
    depot: DepotSite
    halls: tuple[ProvinceHall, ...]
    slots: tuple[PickupSlot, ...]
    route: MailRoute
    departure_min: int
    arrival_min: int
    days_late: int


@dataclass(frozen=True)
class ProvinceProblem:
    """Everything the tasks need (pickled once per worker): small and read-only."""

    name: str
    province_code: str
    province_name: str
    centres: tuple[CentreSites, ...]
    branches: tuple[BranchSites, ...]
    assumptions: RoutingAssumptions
    branch: BranchAssumptions
    waiting_weight: float
    stop: StoppingCriterion
    seed: int = 0
    matrix: MatrixFunction | None = None  # None: the geo layer's road model

    def centre(self, code: str) -> CentreSites:
        """The centre with this code."""
        return next(c for c in self.centres if c.code == code)

    def branch_sites(self, code: str) -> BranchSites:
        """The branch of this county."""
        return next(b for b in self.branches if b.code == code)

    def branches_of(self, centre_code: str) -> tuple[BranchSites, ...]:
        """The candidate branches of a centre."""
        return tuple(b for b in self.branches if b.centre_code == centre_code)


def group_by_centre(
    halls: Sequence[ProvinceHall], assumptions: RoutingAssumptions
) -> tuple[CentreSites, ...]:
    """Every hall assigned to exactly one centre (the one its unit's mail goes to)."""
    groups: dict[str, list[ProvinceHall]] = defaultdict(list)
    for hall in halls:
        groups[centre_of(hall.code).code].append(hall)
    centres = []
    for code in sorted(groups):
        centre = centre_of(code)
        depot = DepotSite(
            name=centre.name,
            lon=centre.lon,
            lat=centre.lat,
            open_min=assumptions.centre_open_min,
            cutoff_min=assumptions.centre_cutoff_min,
        )
        centres.append(CentreSites(code, centre.name, depot, tuple(groups[code])))
    return tuple(centres)


def branch_sites(
    centre: CentreSites, assumptions: RoutingAssumptions, branch: BranchAssumptions
) -> tuple[BranchSites, ...]:
    """The candidate branches of a centre: one per county with halls a branch may collect.

    A county whose planned departure leaves no pickup slot before it is no candidate.
    """
    out = []
    for county, halls in centre.county_halls().items():
        route = mail_route(county)
        same_day = [
            d
            for d in route.departures_min
            if d + route.travel_min <= assumptions.centre_cutoff_min
            and d - branch.handover_min > assumptions.centre_open_min
        ]
        departure = max(same_day) if same_day else max(route.departures_min)
        arrival = departure + route.travel_min
        late = max(0, math.ceil((arrival - assumptions.centre_cutoff_min) / MINUTES_PER_DAY))
        cutoff = departure - branch.handover_min
        slots = tuple(
            PickupSlot(name, start, min(end, cutoff))
            for name, start, end in assumptions.slots
            if start < min(end, cutoff)
        )
        if not slots or cutoff <= assumptions.centre_open_min:
            continue
        seat = units.get(county)
        depot = DepotSite(
            name=branch_name(county),
            lon=seat.lon,
            lat=seat.lat,
            open_min=assumptions.centre_open_min,
            cutoff_min=cutoff,
        )
        out.append(
            BranchSites(
                county,
                depot.name,
                centre.code,
                depot,
                halls,
                slots,
                route,
                departure,
                arrival,
                late,
            )
        )
    return tuple(out)


def province_problem(
    name: str,
    province_code: str,
    province_name: str,
    halls: Sequence[ProvinceHall],
    *,
    assumptions: RoutingAssumptions | None = None,
    branch: BranchAssumptions | None = None,
    waiting_weight: float | None = None,
    stop: StoppingCriterion | None = None,
    seed: int = 0,
    matrix: MatrixFunction | None = None,
) -> ProvinceProblem:
    """Group the halls by centre and list the candidate branches."""
    assumptions = assumptions or RoutingAssumptions()
    branch = branch or BranchAssumptions()
    centres = group_by_centre(halls, assumptions)
    branches = (
        tuple(b for c in centres for b in branch_sites(c, assumptions, branch))
        if branch.mode == "auto"
        else ()
    )
    return ProvinceProblem(
        name=name,
        province_code=province_code,
        province_name=province_name,
        centres=centres,
        branches=branches,
        assumptions=assumptions,
        branch=branch,
        waiting_weight=assumptions.checked_weight(waiting_weight),
        stop=stop or DEFAULT_STOP,
        seed=seed,
        matrix=matrix,
    )


@dataclass(frozen=True)
class DepotRouting:
    """One depot's routed plan in full (``plan`` None: nothing within reach to route).

    ``far``: (window, ``"-"``, reason) of the halls beyond a van's reach.
    """

    code: str
    label: str
    plan: PickupPlan | None
    far: tuple[tuple[str, str, str], ...]

    def digest(self) -> PlanDigest:
        """The small form a task returns."""
        if self.plan is None:
            return empty_digest(self.code, self.far)
        return digest(self.plan, self.code, self.label, self.far)


def _route_depot(
    problem: ProvinceProblem,
    code: str,
    depot: DepotSite,
    halls: Sequence[ProvinceHall],
    vehicle: VehicleSpec,
    slots: Sequence[PickupSlot],
    label: str,
) -> DepotRouting:
    """Route one depot's halls; halls beyond a van's reach are unserved with the reason."""
    sites = [h.site for h in halls]
    if not sites:
        return DepotRouting(code, label, None, ())
    # great-circle km from the depot, as routing.build.validate_sites measures the reach
    km = great_circle_m([depot.lon, *(s.lon for s in sites)], [depot.lat, *(s.lat for s in sites)])
    km = km[0, 1:] / 1000.0
    near = tuple(s for s, d in zip(sites, km, strict=True) if d <= MAX_REACH_KM)
    far = tuple(
        (s.id, "-", f"{d:.0f} km from {depot.name}: beyond a van's reach ({MAX_REACH_KM:g} km)")
        for s, d in zip(sites, km, strict=True)
        if d > MAX_REACH_KM
    )
    if not near:
        return DepotRouting(code, label, None, far)
    plan = plan_pickups(
        depot,
        near,
        vehicle,
        slots,
        site_matrices(depot, near, problem.matrix),
        problem.waiting_weight,
        max_pickups=problem.assumptions.max_pickups,
        stop=problem.stop,
        seed=problem.seed,
    )
    return DepotRouting(code, label, plan, far)


def route_depot(problem: ProvinceProblem, key: TaskKey) -> DepotRouting:
    """Route one depot in full: ``("centre", code, counties left to their branches)`` or
    ``("branch", county, ())``."""
    kind, code, left_out = key
    if kind == "branch":
        b = problem.branch_sites(code)
        vehicle = problem.assumptions.vehicle(problem.branch.vans)
        return _route_depot(problem, code, b.depot, b.halls, vehicle, b.slots, f"{code}-branch-")
    if kind != "centre":
        raise ValueError(f"unknown task kind {kind!r}")
    c = problem.centre(code)
    halls = [h for h in c.halls if h.county is None or h.county not in left_out]
    slots = [PickupSlot(n, a, b) for n, a, b in problem.assumptions.slots]
    vehicle = problem.assumptions.vehicle()
    return _route_depot(problem, code, c.depot, halls, vehicle, slots, f"{code}-")


def run_task(problem: ProvinceProblem, key: TaskKey) -> PlanDigest:
    """:func:`route_depot`, returned small (:class:`~routing.digest.PlanDigest`)."""
    return route_depot(problem, key).digest()
