"""Where a county's EMS branch is cheaper than the centre's vans: the decision, from routed plans.

For one centre, from its **direct plan** (every hall collected by the centre's vans) and the
routed plan of each candidate **branch** (:mod:`routing.province`):

1. What a county's halls cost the direct plan is what leaving them out saves: on every
   route the county's stops are taken out (the others keep their order) and the route is
   re-measured on the same road model; a route left empty saves its dispatch too. Taking
   stops out keeps a route feasible (the road model obeys the triangle inequality within a
   metre and a second, far less than the visit skipped), so this is a saving a plan
   without the county can have. To it is added the waiting weight × the county's parcel
   waiting-hours in the direct plan.
2. The branch side is the branch plan's van cost + the weight × (its parcel
   waiting-hours + ``days_late`` × 24 h × its parcels: a parcel whose mail route reaches
   the centre after the cut-off waits for the next night's dispatch).
3. Fewer unserved windows rank first (a county the centre's vans cannot reach goes to a
   branch that can), then the yuan difference. Greedily, the county with the largest
   gain is taken, the routes re-measured without it, and so on while a gain is positive.

The centre is then routed again without the chosen counties, and keeps the branches only
if that plan plus the branches beats the direct plan on the same ranking
(:func:`consolidated_is_better`); otherwise every hall stays with the centre.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routing.build import COST_UNITS_PER_YUAN, MatrixFunction, road_matrix
from routing.digest import PlanDigest, window_of

HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class VanPrices:
    """A route's price: ``fixed`` per dispatch and ``per_metre``, in 1/10,000 yuan."""

    fixed: int
    per_metre: int


@dataclass(frozen=True)
class BranchOption:
    """A candidate branch's routed plan and the nights of dispatch its mail route misses."""

    county: str
    halls: frozenset[str]
    plan: PlanDigest
    days_late: int

    def late_parcel_hours(self) -> float:
        """Parcel-hours spent waiting at the centre for a later night's dispatch, per day."""
        return self.days_late * HOURS_PER_DAY * self.plan.parcels

    def rank(self, weight: float) -> tuple[int, float]:
        """(unserved rows, yuan per day: vans + weight × (waiting + late parcel-hours))."""
        yuan = self.plan.vehicle_cost_yuan + weight * (
            self.plan.waiting_hours + self.late_parcel_hours()
        )
        return len(self.plan.unserved), yuan


@dataclass
class _Route:
    stops: list[str]
    coords: list[tuple[float, float]]  # depot, stops …, depot
    metres: int


def _metres(coords: Sequence[tuple[float, float]], matrix: MatrixFunction | None) -> int:
    metres, _ = road_matrix([c[0] for c in coords], [c[1] for c in coords], matrix)
    return int(sum(metres[i, i + 1] for i in range(len(coords) - 1)))


def _without(route: _Route, halls: frozenset[str], matrix: MatrixFunction | None) -> _Route:
    keep = [i for i, s in enumerate(route.stops) if window_of(s) not in halls]
    if len(keep) == len(route.stops):
        return route
    coords = [route.coords[0], *(route.coords[i + 1] for i in keep), route.coords[-1]]
    metres = _metres(coords, matrix) if keep else 0
    return _Route([route.stops[i] for i in keep], coords, metres)


def choose_counties(
    direct: PlanDigest,
    options: Mapping[str, BranchOption],
    weight: float,
    prices: VanPrices,
    matrix: MatrixFunction | None = None,
) -> tuple[str, ...]:
    """The counties whose branch is cheaper than the direct plan (module docstring, 1–3).

    A county's saving is the sum over routes of what taking its halls off that route saves;
    a route's part is re-measured only when the route changed (a chosen county's halls came
    off it), everything else about an option is computed once.
    """
    routes = [_Route(list(r.stops), list(r.coords), r.distance_m) for r in direct.lines]
    left = dict(sorted(options.items()))
    fixed = {  # per county: (unserved rows the branch removes, direct wait yuan, branch yuan)
        county: _branch_side(direct, option, weight) for county, option in left.items()
    }
    parts: dict[tuple[int, str], tuple[int, _Route]] = {}  # (route, county) → saving, route

    def part(index: int, county: str) -> tuple[int, _Route]:
        key = (index, county)
        if key not in parts:
            route = routes[index]
            reduced = _without(route, left[county].halls, matrix)
            saved = prices.per_metre * (route.metres - reduced.metres)
            if route.stops and not reduced.stops:
                saved += prices.fixed
            parts[key] = (saved, reduced)
        return parts[key]

    chosen: list[str] = []
    while left:
        best: tuple[tuple[int, float], str] | None = None
        for county in left:
            saved = sum(part(i, county)[0] for i in range(len(routes)))
            unserved_gain, wait_yuan, branch_yuan = fixed[county]
            gain = (unserved_gain, saved / COST_UNITS_PER_YUAN + wait_yuan - branch_yuan)
            if gain > (0, 0.0) and (best is None or gain > best[0]):
                best = (gain, county)
        if best is None:
            break
        county = best[1]
        for index in range(len(routes)):
            reduced = part(index, county)[1]
            if reduced is not routes[index]:  # the route changed: its parts are stale
                routes[index] = reduced
                for other in left:
                    parts.pop((index, other), None)
        chosen.append(county)
        del left[county]
    return tuple(sorted(chosen))


def _branch_side(
    direct: PlanDigest, option: BranchOption, weight: float
) -> tuple[int, float, float]:
    """What a branch changes apart from the routes' savings: the unserved rows it removes,
    weight × the county's waiting-hours in the direct plan, and the branch's own yuan."""
    unserved, branch_yuan = option.rank(weight)
    halls = set(option.halls)
    return direct.unserved_of(halls) - unserved, weight * direct.wait_of(halls), branch_yuan


def plan_rank(
    centre: PlanDigest, branches: Sequence[BranchOption], weight: float
) -> tuple[int, float]:
    """(unserved rows, yuan per day) of a centre's plan with the given branches."""
    unserved = len(centre.unserved) + sum(b.rank(weight)[0] for b in branches)
    yuan = centre.vehicle_cost_yuan + weight * centre.waiting_hours
    return unserved, yuan + sum(b.rank(weight)[1] for b in branches)


def consolidated_is_better(
    direct: PlanDigest,
    centre: PlanDigest,
    branches: Sequence[BranchOption],
    weight: float,
) -> bool:
    """The centre without the branches' counties, plus the branches, beats the direct plan."""
    return plan_rank(centre, branches, weight) < plan_rank(direct, (), weight)
