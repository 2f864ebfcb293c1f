"""CP-SAT rosters: feasible, covering, optimal on hand-checkable cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from sim.staffing.roster import ShiftTemplate, default_templates, solve_roster
from tongban.kernel.errors import InputError

HOURS = list(range(9, 17))


def test_one_clerk_all_day_needs_a_morning_and_an_afternoon() -> None:
    # Full days have a lunch hour, so one clerk all day costs 8 paid hours (morning +
    # afternoon), not 7: the window must never be unstaffed while open.
    roster = solve_roster(HOURS, [0] * 8, default_templates(9, 17), time_limit_seconds=5)
    assert roster.status == "OPTIMAL"
    assert roster.covered
    assert roster.clerk_hours == 8
    assert min(roster.coverage) >= 1


def test_example_plan_is_covered_and_optimal() -> None:
    need = [3, 8, 10, 11, 6, 7, 11, 7]
    templates = default_templates(9, 17)
    roster = solve_roster(HOURS, need, templates, time_limit_seconds=5)
    assert roster.status == "OPTIMAL"
    assert roster.covered
    assert all(c >= n for c, n in zip(roster.coverage, need, strict=True))
    assert roster.clerk_hours >= sum(need)
    assert roster.objective == pytest.approx(roster.clerk_hours)
    # The optimum, checked with an independent MILP solver (HiGHS via scipy) on the same
    # templates: 76 paid hours (a lunch hour per full-day clerk makes it more than 63).
    cover = np.array([[t.covers(h) for t in templates] for h in HOURS], dtype=float)
    cost = np.array([t.unit_cost for t in templates])
    best = milp(
        cost,
        constraints=LinearConstraint(cover, lb=np.maximum(need, 1), ub=np.inf),
        integrality=np.ones(len(templates)),
        bounds=Bounds(0, np.inf),
    )
    assert best.success and best.fun == pytest.approx(76.0)
    assert roster.clerk_hours == 76


def test_custom_costs_change_the_choice() -> None:
    templates = [
        ShiftTemplate("full", ((9, 17),), cost=6.0),  # cheaper than two halves
        ShiftTemplate("morning", ((9, 13),), cost=4.0),
        ShiftTemplate("afternoon", ((13, 17),), cost=4.0),
    ]
    roster = solve_roster(HOURS, [2, 2, 2, 2, 1, 1, 1, 1], templates, time_limit_seconds=5)
    chosen = dict(zip((t.name for t in templates), roster.clerks_per_template, strict=True))
    assert chosen == {"full": 1, "morning": 1, "afternoon": 0}
    assert roster.objective == pytest.approx(10.0)


def test_uncovered_opening_hour_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no shift template covers opening hour 16:00"):
        solve_roster(HOURS, [1] * 8, [ShiftTemplate("early", ((9, 16),))])


def test_bad_template_is_an_input_error() -> None:
    with pytest.raises(InputError, match="0 <= start < end <= 24"):
        ShiftTemplate("bad", ((18, 9),))
