"""The routing stage: a scenario's windows as routing sites, the plan back as pickup times."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from routing.scenario import RoutingAssumptions, ScenarioPlan, UnservedWindow
from tongban.kernel.errors import InputError
from tongban.kernel.tables import write_csv
from tongban.pipeline import load
from tongban.pipeline.routing_stage import plan_for_scenario, simulation_pickups
from tongban.pipeline.standalone import write_routes


@pytest.fixture(scope="module")
def chizhou() -> ScenarioPlan:
    return plan_for_scenario(
        load("chizhou"), waiting_weight=30.0, iterations=100, assumptions=RoutingAssumptions()
    )


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

    compiled = compile_scenario(scenario).with_pickups(schedule)
    by_post = {m.index for m in compiled.matters if m.mode == "proxy" and m.originals_by_post}
    result = run_replication(compiled, 0, np.random.SeedSequence(1))
    days = sum(m.days_sum for i, m in enumerate(result.matters) if i in by_post)
    cases = sum(m.cases for i, m in enumerate(result.matters) if i in by_post)
    assert cases > 100
    return days / cases


def test_simulated_turnaround_follows_the_pickup_plan(chizhou: ScenarioPlan) -> None:
    from sim.scenarios.loader import load_scenario
    from tongban.kernel.pickups import PickupSchedule

    scenario = load_scenario("chizhou")
    planned = simulation_pickups(chizhou, ["16:00"])
    assert planned.by_window == {
        w: tuple(int(t[:2]) * 60 + int(t[3:]) for t in ts)
        for w, ts in chizhou.pickup_times().items()
    }
    # a single early pickup makes most parcels wait a day: turnaround must get longer
    early = PickupSchedule.from_clock_strings(["09:05"])
    assert _proxy_post_days(scenario, early) > _proxy_post_days(scenario, planned) + 0.1


def test_abstract_scenario_is_refused_with_the_field(chizhou: ScenarioPlan) -> None:
    with pytest.raises(InputError, match=r"window W1 has no code .* geographic windows"):
        plan_for_scenario(load("mmc"), iterations=10)


def test_planned_pickups_hand_over_at_the_centre(chizhou: ScenarioPlan) -> None:
    """Each planned pickup carries its van's return to the centre (route end)."""
    planned = simulation_pickups(chizhou, ["16:00"])
    cutoff = chizhou.assumptions.centre_cutoff_min
    assert set(planned.handover) == set(planned.by_window)
    for window, pairs in planned.handover.items():
        assert tuple(p for p, _ in pairs) == planned.by_window[window]
        for pickup, centre in pairs:
            assert pickup + 1 <= centre <= cutoff  # a drive back, then before the cut-off
    ends = {
        round(route.end / sr.problem.time_scale)
        for sr in chizhou.chosen.slots
        for route in sr.result.routes
    }
    assert {c for pairs in planned.handover.values() for _, c in pairs} <= ends


def test_unserved_windows_reach_the_report_and_fall_back(tmp_path: Path) -> None:
    """A slot after hall hours: every window unserved, written and warned, EMS collects."""
    late_only = RoutingAssumptions(slots=(("18:00", 17 * 60 + 30, 18 * 60 + 20),))
    plan = plan_for_scenario(load("chizhou"), iterations=10, assumptions=late_only)
    unserved = plan.unserved_windows()
    assert {u.window_id for u in unserved} == {
        "chizhou-city",
        "guichi",
        "dongzhi",
        "shitai",
        "qingyang",
    }
    assert all(u.slot == "-" and "no candidate slot" in u.reason for u in unserved)
    write_routes(plan, tmp_path / "route", {})
    with (tmp_path / "route" / "unserved.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5
    assert list(rows[0]) == ["window_id", "slot", "reason"]
    assert {(r["window_id"], r["slot"], r["reason"]) for r in rows} == {
        (u.window_id, u.slot, u.reason) for u in unserved
    }
    warnings = plan.warnings()
    assert len(warnings) == 5 and all("EMS model's own collection" in w for w in warnings)
    assert plan.summary()["warnings"] == warnings
    schedule = simulation_pickups(plan, ["16:00"])
    assert not schedule.handover and not schedule.by_window
    assert schedule.times_for("qingyang") == (960.0,)
    assert schedule.centre_arrival("qingyang", 960.0) is None


def test_served_plan_writes_an_empty_unserved_file(chizhou: ScenarioPlan, tmp_path: Path) -> None:
    write_csv(tmp_path / "unserved.csv", UnservedWindow, chizhou.unserved_windows())
    lines = (tmp_path / "unserved.csv").read_text("utf-8").splitlines()
    assert lines == ["window_id,slot,reason"]
    assert chizhou.warnings() == []


def test_iterations_drop_the_wall_clock_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import routing.scenario as scenario_module

    seen: list[object] = []

    def fake_tradeoff(*args: object, stop: object, **kwargs: object) -> list[object]:
        seen.append(stop)
        raise RuntimeError("stop here")

    monkeypatch.setattr(scenario_module, "tradeoff", fake_tradeoff)
    with pytest.raises(RuntimeError, match="stop here"):
        plan_for_scenario(load("chizhou"), seconds=2.0, iterations=50)
    (stop,) = seen
    assert stop.seconds is None and stop.iterations == 50  # type: ignore[attr-defined]
    seen.clear()
    with pytest.raises(RuntimeError, match="stop here"):
        plan_for_scenario(load("chizhou"), seconds=2.0)
    assert seen[0].seconds == 2.0  # type: ignore[attr-defined]


@pytest.mark.parametrize("weight", [float("nan"), float("inf"), float("-inf"), -1.0])
def test_waiting_weight_must_be_finite_and_not_negative(weight: float) -> None:
    with pytest.raises(InputError, match="waiting_weight") as caught:
        plan_for_scenario(load("chizhou"), waiting_weight=weight, iterations=10)
    assert caught.value.field == "waiting_weight"


def test_a_window_without_working_day_hours_is_no_routing_site() -> None:
    from sim.compile import compile_scenario
    from sim.scenarios.loader import parse_scenario
    from tongban.pipeline.routing_stage import scenario_sites

    scenario = parse_scenario(
        {
            "name": "closed window",
            "days": 2,
            "windows": [
                {"id": "A", "code": "341702", "level": "county", "hours": []},
                {"id": "B", "code": "341721", "level": "county"},
            ],
            "demand": [{"window": "B", "matter": "2-21", "per_day": 3.0}],
        }
    )
    sites = scenario_sites(compile_scenario(scenario), RoutingAssumptions())
    ids = [w.id for _, windows in sites.values() for w in windows]
    assert ids == ["B"]
