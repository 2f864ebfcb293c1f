"""Round trip: a plan staffed on the default opening hours holds in the engine, hour by hour.

The default hours reopen at 13:30, so the 13:00 hour has half an hour of arrivals at the
full hourly rate; the staffing evaluator must see the same open intervals as the engine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.compile import compile_scenario
from sim.run import simulate
from sim.scenarios.loader import load_scenario
from sim.staffing.scenario import engine_clerk_plans, staff_compiled
from sim.staffing.search import StaffingSettings

DATA = Path(__file__).parents[2] / "data" / "staffing"


def test_plan_for_default_hours_meets_the_target_in_the_engine() -> None:
    scenario = load_scenario(str(DATA / "lunch_default_hours.toml"))
    settings = StaffingSettings(search_replications=300, verify_replications=600, seed=4)
    report = staff_compiled(compile_scenario(scenario), settings)
    (window,) = report.windows
    assert window.plan.verified
    plans = engine_clerk_plans(report)
    assert plans["W1"][12] == 0 and plans["W1"][13] > 0
    result = simulate(compile_scenario(scenario).with_clerk_plans(plans), replications=12, seed=11)
    rows = {row.hour: row for row in result.staffing if row.window_id == "W1"}
    assert sorted(rows) == [9, 10, 11, 13, 14, 15, 16]
    target = scenario.targets.wait_share
    for hour, row in rows.items():
        # Not significantly below the target in any open hour (95% CI over replications).
        assert row.service_level + row.service_level_ci95 >= target, (hour, row)
    levels = np.array([rows[h].service_level for h in sorted(rows)])
    assert levels.min() < 0.97  # the plan is lean, not padded far above the target
