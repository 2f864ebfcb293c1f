"""CP-SAT rosters: feasible, covering, optimal on hand-checkable cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from sim.staffing.roster import ShiftTemplate, default_templates, solve_roster
from tongban.kernel.errors import InputError

HOURS = list(range(9, 17))


def test_default_rosters_are_full_days_with_a_lunch_break() -> None:
    # Hall staff work full days: no template is a part-time block unless allowed.
    for templates in (
        default_templates(9, 17),
        default_templates(9, 17, closed_hours=frozenset({12})),
    ):
        # a day the length of the hall's: from opening to closing, one hour's break
        assert all(t.segments[0][0] == 9 and t.segments[-1][1] == 17 for t in templates)
        assert all(t.paid_hours == 7 for t in templates), templates
    for templates in (default_templates(8, 20), default_templates(0, 24)):
        # longer halls: 8-hour days (4 + lunch + 4), never a part-time block
        assert all(t.paid_hours == 8 and len(t.segments) == 2 for t in templates), templates
    lunch_closed = default_templates(9, 17, closed_hours=frozenset({12}))
    assert [t.label() for t in lunch_closed] == ["09-12+13-17"]
    # The window is never unstaffed: one clerk all day needs two staggered full days.
    roster = solve_roster(HOURS, [0] * 8, default_templates(9, 17), time_limit_seconds=5)
    assert roster.covered and roster.clerk_hours == 14
    assert sorted(roster.clerks_per_template) == [1, 1]
    # Need by hour is met with full days only: 11 at the peak → at least 11 full days.
    need = [3, 8, 10, 11, 6, 7, 11, 7]
    full = solve_roster(HOURS, need, default_templates(9, 17), time_limit_seconds=5)
    assert full.covered and full.clerk_hours % 7 == 0 and full.clerk_hours >= 7 * 11
    long_day = solve_roster(list(range(8, 20)), [2] * 12, default_templates(8, 20))
    assert long_day.covered and all(c >= 2 for c in long_day.coverage)


def test_one_clerk_all_day_needs_a_morning_and_an_afternoon() -> None:
    # With part-time blocks allowed, full days have a lunch hour, so one clerk all day
    # costs 8 paid hours (morning + afternoon), not 7: the window is never unstaffed.
    templates = default_templates(9, 17, part_time=True)
    roster = solve_roster(HOURS, [0] * 8, templates, time_limit_seconds=5)
    assert roster.status == "OPTIMAL"
    assert roster.covered
    assert roster.clerk_hours == 8
    assert min(roster.coverage) >= 1


def test_example_plan_is_covered_and_optimal() -> None:
    need = [3, 8, 10, 11, 6, 7, 11, 7]
    templates = default_templates(9, 17, part_time=True)
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
