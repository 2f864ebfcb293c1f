"""Scenario routing feeds the simulation: a different pickup plan changes turnaround."""

from __future__ import annotations

import numpy as np
import pytest

from routing.scenario import RoutingAssumptions, ScenarioPlan, plan_for_scenario
from tongban.errors import InputError


@pytest.fixture(scope="module")
def chizhou() -> ScenarioPlan:
    try:
        return plan_for_scenario(
            "chizhou", waiting_weight=30.0, iterations=100, assumptions=RoutingAssumptions()
        )
    except InputError as exc:
        if "not available yet" in str(exc):
            pytest.skip("the scenario layer (sim.scenarios, geo) is missing in this checkout")
        raise


def test_every_hall_is_planned_between_hall_hours(chizhou: ScenarioPlan) -> None:
    times = chizhou.pickup_times()
    assert set(times) == {"chizhou-city", "guichi", "dongzhi", "shitai", "qingyang"}
    assert all("09:00" <= t <= "17:00" for ts in times.values() for t in ts)
    assert not chizhou.chosen.unserved
    for sr in chizhou.chosen.slots:
        for route in sr.result.routes:
            assert route.end <= chizhou.assumptions.centre_cutoff_min * 60


def test_tradeoff_waiting_falls_as_weight_rises(chizhou: ScenarioPlan) -> None:
    (plans,) = chizhou.tradeoff.values()
    weights = [p.waiting_weight for p in plans]
    assert weights == sorted(weights)
    assert plans[-1].waiting_hours < plans[0].waiting_hours
    assert plans[-1].vehicle_cost_yuan >= plans[0].vehicle_cost_yuan


def _proxy_post_days(scenario: object, schedule: object) -> float:
    from sim.compile import compile_scenario
    from sim.replication import run_replication

    compiled = compile_scenario(scenario, pickups=schedule)  # type: ignore[arg-type]
    by_post = {m.index for m in compiled.matters if m.mode == "proxy" and m.originals_by_post}
    result = run_replication(compiled, 0, np.random.SeedSequence(1))
    days = sum(m.days_sum for i, m in enumerate(result.matters) if i in by_post)
    cases = sum(m.cases for i, m in enumerate(result.matters) if i in by_post)
    assert cases > 100
    return days / cases


def test_simulated_turnaround_follows_the_pickup_plan(chizhou: ScenarioPlan) -> None:
    from sim.models.separation import PickupSchedule
    from sim.scenarios.loader import load_scenario

    scenario = load_scenario("chizhou")
    planned = chizhou.simulation_pickups(["16:00"])
    assert planned.by_window == {
        w: tuple(int(t[:2]) * 60 + int(t[3:]) for t in ts)
        for w, ts in chizhou.pickup_times().items()
    }
    # a single early pickup makes most parcels wait a day: turnaround must get longer
    early = PickupSchedule.from_clock_strings(["09:05"])
    assert _proxy_post_days(scenario, early) > _proxy_post_days(scenario, planned) + 0.1


def test_abstract_scenario_is_refused_with_the_field(chizhou: ScenarioPlan) -> None:
    with pytest.raises(InputError, match=r"window W1 has no code .* geographic windows"):
        plan_for_scenario("mmc", iterations=10)
