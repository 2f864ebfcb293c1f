"""Scenario → staffing mapping: lunch closures, matter attribution, offices, the M/M/c file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.compile import compile_scenario
from sim.scenarios.loader import load_scenario
from sim.staffing.scenario import engine_clerk_plans, staff_scenario
from sim.staffing.search import StaffingSettings
from tongban.cli import app

DATA = Path(__file__).parents[2] / "data" / "staffing"
FAST = StaffingSettings(search_replications=200, verify_replications=400, seed=1)


def test_lunch_window_is_staffed_in_two_blocks_with_attribution() -> None:
    report = staff_scenario(str(DATA / "lunch_window.toml"), FAST)
    (window,) = report.windows
    assert window.demand.open_hour == 9 and window.demand.close_hour == 17
    assert window.demand.closed_hours == frozenset({12})
    # 1-05 gives [10, 20, 20, 10, 15, 20, 10] and 1-01 adds 10/h in every opening hour.
    assert window.demand.rates_per_hour == (20.0, 30.0, 30.0, 0.0, 20.0, 25.0, 30.0, 20.0)
    assert window.plan.clerks[3] == 0 and min(window.plan.clerks[:3]) >= 1
    assert window.plan.verified
    assert window.roster.covered and window.roster.status in ("OPTIMAL", "FEASIBLE")
    # Clerk-hours per matter add up to the plan's clerk-hours over a 5-day week.
    hours = {m.matter_id: m.clerk_hours_per_week for m in report.matters}
    assert sum(hours.values()) == pytest.approx(5 * window.plan.clerk_hours)
    assert hours["1-01"] > hours["1-05"] * 0.8  # 1-01's load (10/h × 20 min) is the larger
    (office,) = report.offices
    assert office.office_id == "O1" and office.reviewers >= 1
    assert office.within_limit_share >= 0.95
    reviewer = {m.matter_id: m.reviewer_hours_per_week for m in report.matters}
    assert reviewer["1-05"] > 0
    # The plan goes back into the engine as 24 clock-hour values per window.
    plans = engine_clerk_plans(report)
    assert plans["W1"][9:17] == window.plan.clerks and sum(plans["W1"]) == window.plan.clerk_hours
    scenario = load_scenario(str(DATA / "lunch_window.toml"))
    compiled = compile_scenario(scenario).with_clerk_plans(plans)
    assert compiled.windows[0].clerks == plans["W1"]


def test_mmc_scenario_level_plan_is_the_erlang_answer() -> None:
    settings = StaffingSettings(
        search_replications=200, verify_replications=300, level_plan=True, seed=2
    )
    report = staff_scenario("mmc", settings)
    (window,) = report.windows
    assert window.plan.erlang_clerks == (10,) * 24
    assert window.plan.clerks == (10,) * 24


def test_cli_scenario_form_writes_files(tmp_path: Path) -> None:
    args = ["staff", str(DATA / "lunch_window.toml"), "--replications", "200"]
    result = CliRunner().invoke(
        app, [*args, "--verify-replications", "400", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    staffing = (tmp_path / "staffing_plan.csv").read_text(encoding="utf-8").splitlines()
    assert len(staffing) == 1 + 7  # seven opening hours, the lunch hour has no row
    assert "O1," in (tmp_path / "office_staffing.csv").read_text(encoding="utf-8")


def test_cli_impossible_target_in_a_scenario_is_a_clear_error() -> None:
    result = CliRunner().invoke(app, ["staff", str(DATA / "impossible_target.toml")])
    assert result.exit_code == 2
    assert "targets.wait_share" in result.stderr


def test_office_load_counts_cases_from_our_own_windows() -> None:
    """Our offices decide inbound cases and those our windows accept for them (profiles)."""
    from sim.compile import compile_scenario
    from sim.scenarios.loader import load_scenario
    from sim.staffing.scenario import office_demands

    compiled = compile_scenario(load_scenario("chizhou"))
    demands, _, _ = office_demands(compiled)
    staffed = sum(d.cases_per_working_day for d in demands)
    inbound = sum(e.per_day for e in compiled.inbound)
    assert compiled.from_windows, "chizhou's windows send cases to our own offices"
    assert staffed == pytest.approx(sum(e.per_day for e in compiled.office_streams))
    assert staffed > inbound
