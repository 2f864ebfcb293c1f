"""The routing stage: a compiled scenario as routing sites, and a plan as pickup times.

The adapter between the simulation's scenario and the pure routing layer (which imports
nothing of ``sim``): windows are placed at the seat of their admin unit (``geo.units``),
their parcels per ordinary day are the expected daily arrivals of ``proxy`` cases whose
originals go by post (one envelope per case), and the chosen plan goes back to the
simulation as a :class:`~tongban.kernel.pickups.PickupSchedule`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from geo import units
from routing.build import DepotSite, WindowSite
from routing.scenario import RoutingAssumptions, ScenarioPlan, Sites, plan_for_sites
from sim.compile import CompiledScenario, WindowPlan, compile_scenario
from sim.scenarios.schema import Scenario
from tongban.kernel.errors import InputError
from tongban.kernel.pickups import PickupSchedule


def is_geographic(scenario: Scenario) -> bool:
    """Every window sits on an administrative unit (so routes can be planned)."""
    return bool(scenario.windows) and all(w.code for w in scenario.windows)


def daily_parcels(compiled: CompiledScenario, plan: WindowPlan) -> float:
    """Envelopes per ordinary day at a window: its proxy cases whose originals go by post."""
    return sum(
        float(plan.rates[row].sum())
        for row, matter in enumerate(plan.row_matter)
        if plan.row_mode[row] == "proxy" and compiled.matters[matter].originals_by_post
    )


def _window_site(
    compiled: CompiledScenario, plan: WindowPlan, assumptions: RoutingAssumptions
) -> tuple[str, WindowSite]:
    """The prefecture code of a window and the window as a routing site."""
    spec = plan.spec
    if not spec.code:
        raise InputError(
            f"window {spec.id} has no code (admin unit): scenario routing needs geographic windows",
            field=f"windows.{plan.index}.code",
        )
    try:
        unit = units.get(spec.code)
    except KeyError:
        raise InputError(
            f"window {spec.id}: unknown admin code {spec.code!r}",
            field=f"windows.{plan.index}.code",
        ) from None
    hours = plan.hours.intervals
    prefecture = units.ancestor_at(spec.code, "prefecture") if unit.level != "province" else unit
    site = WindowSite(
        id=spec.id,
        lon=unit.lon,
        lat=unit.lat,
        open_min=round(hours[0][0]),
        close_min=round(hours[-1][1]),
        daily_parcels=daily_parcels(compiled, plan),
        service_min=assumptions.service_min,
    )
    return prefecture.code, site


def scenario_sites(compiled: CompiledScenario, assumptions: RoutingAssumptions) -> Sites:
    """Per prefecture code, its mail processing centre and the windows with parcels."""
    by_prefecture: dict[str, list[WindowSite]] = defaultdict(list)
    for plan in compiled.windows:
        if not plan.hours.intervals:
            continue  # a window never open on working days has no parcels to collect
        code, site = _window_site(compiled, plan, assumptions)
        by_prefecture[code].append(site)
    sites: Sites = {}
    for code, windows in by_prefecture.items():
        seat = units.get(code)
        depot = DepotSite(
            name=f"{seat.name} mail processing centre",
            lon=seat.lon,
            lat=seat.lat,
            open_min=assumptions.centre_open_min,
            cutoff_min=assumptions.centre_cutoff_min,
        )
        sites[code] = (depot, windows)
    return sites


def plan_for_scenario(
    scenario: Scenario | CompiledScenario,
    waiting_weight: float | None = None,
    seconds: float | None = 2.0,
    seed: int = 0,
    iterations: int | None = None,
    assumptions: RoutingAssumptions | None = None,
) -> ScenarioPlan:
    """Plan pickups for a scenario (compiled here unless it already is).

    ``iterations`` makes the plan reproducible: the wall-clock limit ``seconds`` is then
    dropped (see :func:`routing.scenario.plan_scenario`).
    """
    compiled = scenario if isinstance(scenario, CompiledScenario) else compile_scenario(scenario)
    assumptions = assumptions or RoutingAssumptions()
    return plan_for_sites(
        compiled.scenario.name,
        scenario_sites(compiled, assumptions),
        waiting_weight,
        seconds,
        seed,
        iterations,
        assumptions,
    )


def simulation_pickups(plan: ScenarioPlan, default: Sequence[str]) -> PickupSchedule:
    """The chosen plan as the simulation's pickup schedule.

    Each planned pickup carries its van's arrival at the centre: the simulation starts the
    parcels' EMS journey there at that minute (no second collection). A window the plan
    leaves wholly unserved (see :meth:`~routing.scenario.ScenarioPlan.unserved_windows`) has
    no planned van: it keeps the fixed ``default`` times and the EMS model's own collection
    from the window, as without a routing plan.
    """
    return PickupSchedule.from_handovers(list(default), plan.centre_handovers())
