"""The province plan: one plan per processing centre, with the branches that collect for it.

:func:`plan_province` maps :func:`plan_centre` over the centres on ``mapper`` (an
executor's ``map``: inline, processes or Dask; results come back in key order). For one
centre, :func:`plan_centre` routes (:func:`routing.province.run_task`)

1. the **direct** plan (every hall from the centre) and the plan of every candidate
   **branch** of the centre;
2. if :func:`routing.consolidation.choose_counties` chose branches, the centre again
   without those counties,

and keeps the better (:func:`consolidated_is_better`). A centre is one task: the second
round needs the first's results, and one pool of workers serves the whole province. Every
solve is seeded with the problem's seed, so a seed gives the same plan on every executor.
The province's totals are the sums of its centres' (each centre's: its vans' plus its
branches').
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from routing.build import vehicle_type
from routing.consolidation import (
    BranchOption,
    VanPrices,
    choose_counties,
    consolidated_is_better,
)
from routing.digest import PlanDigest
from routing.outputs import RouteLine
from routing.province import BranchSites, ProvinceProblem, run_task

Task = Callable[[ProvinceProblem, str], "CentrePlan"]
Mapper = Callable[[Task, ProvinceProblem, Sequence[str]], list["CentrePlan"]]


def inline_map(fn: Task, shared: ProvinceProblem, keys: Sequence[str]) -> list[CentrePlan]:
    """Every task in this process, in key order (the default mapper)."""
    return [fn(shared, key) for key in keys]


@dataclass(frozen=True)
class BranchPlan:
    """A branch that collects for its centre: its sites (with the mail route) and its plan."""

    sites: BranchSites
    plan: PlanDigest

    def option(self) -> BranchOption:
        """The branch as :mod:`routing.consolidation` ranks it."""
        return BranchOption(
            self.sites.code,
            frozenset(h.site.id for h in self.sites.halls),
            self.plan,
            self.sites.days_late,
        )


@dataclass(frozen=True)
class CentrePlan:
    """A centre's chosen plan: its own vans (``plan``) and the branches collecting for it.

    ``direct`` is the plan with every hall from the centre (the same as ``plan`` when no
    branch was kept). Totals add the centre's vans and its branches'.
    """

    code: str
    name: str
    hall_ids: tuple[str, ...]
    plan: PlanDigest
    branches: tuple[BranchPlan, ...]
    direct: PlanDigest

    @property
    def parts(self) -> tuple[PlanDigest, ...]:
        """The centre's plan then each branch's."""
        return (self.plan, *(b.plan for b in self.branches))

    @property
    def vehicle_cost_yuan(self) -> float:
        """Van cost per day (distance + dispatch) of the centre's and its branches' vans."""
        return sum(p.vehicle_cost_yuan for p in self.parts)

    @property
    def km(self) -> float:
        """Van kilometres per day."""
        return sum(p.km for p in self.parts)

    @property
    def routes(self) -> int:
        """Van routes per day."""
        return sum(p.routes for p in self.parts)

    @property
    def vans_needed(self) -> int:
        """Vans needed: the centre's peak plus each branch's (vans at different depots)."""
        return sum(p.vans_needed for p in self.parts)

    @property
    def waiting_hours(self) -> float:
        """Parcel waiting-hours at the halls per day."""
        return sum(p.waiting_hours for p in self.parts)

    @property
    def parcels(self) -> float:
        """Parcels per day collected (from halls with a pickup)."""
        return sum(p.parcels for p in self.parts)

    @property
    def unserved(self) -> tuple[tuple[str, str, str], ...]:
        """Unserved (window, slot, reason) rows of the centre's and the branches' plans."""
        return tuple(u for p in self.parts for u in p.unserved)

    @property
    def halls_served(self) -> int:
        """Halls with at least one pickup."""
        return sum(p.halls_served for p in self.parts)

    @property
    def halls_via_branches(self) -> int:
        """Halls whose parcels a branch collects (with a pickup in the branch's plan)."""
        return sum(b.plan.halls_served for b in self.branches)

    @property
    def slot_choice_status(self) -> str:
        """CP-SAT's status for the pickup slots: ``OPTIMAL`` when every plan (the centre's,
        each branch's) was proved optimal, else the first other status (e.g. ``FEASIBLE``:
        stopped by the time limit with a plan not proved best)."""
        statuses = [p.slot_choice_status for p in self.parts if p.slot_choice_status != "OPTIMAL"]
        return statuses[0] if statuses else "OPTIMAL"

    @property
    def pickups_per_day(self) -> int:
        """Planned collections per day."""
        return sum(len(p.pickups) for p in self.parts)

    @property
    def lines(self) -> tuple[RouteLine, ...]:
        """Every route of the centre's and the branches' vans."""
        return tuple(line for p in self.parts for line in p.lines)


@dataclass(frozen=True)
class ProvincePlan:
    """The plans of a province's centres; totals are sums over centres."""

    problem: ProvinceProblem
    centres: tuple[CentrePlan, ...]

    @property
    def vehicle_cost_yuan(self) -> float:
        """The province's van cost per day: the sum of its centres'."""
        return sum(c.vehicle_cost_yuan for c in self.centres)

    @property
    def km(self) -> float:
        """Van kilometres per day."""
        return sum(c.km for c in self.centres)

    @property
    def waiting_hours(self) -> float:
        """Parcel waiting-hours per day."""
        return sum(c.waiting_hours for c in self.centres)

    @property
    def parcels(self) -> float:
        """Parcels collected per day."""
        return sum(c.parcels for c in self.centres)

    @property
    def halls(self) -> int:
        """Halls in the province plan."""
        return sum(len(c.hall_ids) for c in self.centres)


def _prices(problem: ProvinceProblem) -> VanPrices:
    a = problem.assumptions
    vt = vehicle_type(a.vehicle(1))
    return VanPrices(vt.fixed_cost, vt.unit_distance_cost)


def plan_centre(problem: ProvinceProblem, code: str) -> CentrePlan:
    """One centre's plan, from its direct plan and its branches' (the module docstring).

    The unit of parallel work: module-level, depends only on ``problem`` and ``code``, and
    returns a small :class:`CentrePlan`.
    """
    centre = problem.centre(code)
    direct = run_task(problem, ("centre", code, ()))
    branches = {
        b.code: BranchPlan(b, run_task(problem, ("branch", b.code, ())))
        for b in problem.branches_of(code)
    }
    options = {c: b.option() for c, b in branches.items() if b.plan.halls_served}
    counties = choose_counties(
        direct, options, problem.waiting_weight, _prices(problem), problem.matrix
    )
    plan: PlanDigest = direct
    kept: tuple[BranchPlan, ...] = ()
    if counties:
        candidate = run_task(problem, ("centre", code, counties))
        helpers = tuple(branches[c] for c in counties)
        chosen = [b.option() for b in helpers]
        if consolidated_is_better(direct, candidate, chosen, problem.waiting_weight):
            plan, kept = candidate, helpers
    return CentrePlan(
        code=code,
        name=centre.name,
        hall_ids=tuple(h.site.id for h in centre.halls),
        plan=plan,
        branches=kept,
        direct=direct,
    )


def plan_province(problem: ProvinceProblem, mapper: Mapper = inline_map) -> ProvincePlan:
    """Plan every centre of the province on ``mapper``, the largest centres first (so the
    workers finish together); the plan lists the centres by code."""
    order = sorted(problem.centres, key=lambda c: (-len(c.halls), c.code))
    plans = {p.code: p for p in mapper(plan_centre, problem, [c.code for c in order])}
    return ProvincePlan(problem, tuple(plans[c.code] for c in problem.centres))
