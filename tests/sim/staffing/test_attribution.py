"""Clerk-hours per matter follow offered load; the shares add up to the plan."""

from __future__ import annotations

import pytest

from sim.staffing.attribution import (
    MatterReviewLoad,
    MatterWindowLoad,
    attribute_clerk_hours,
    matter_staffing,
)


def test_clerk_hours_split_by_offered_load_and_sum_to_the_plan() -> None:
    loads = [
        MatterWindowLoad("A", "W1", "workday", (10.0, 0.0, 30.0), 10.0),
        MatterWindowLoad("B", "W1", "workday", (10.0, 0.0, 10.0), 20.0),
    ]
    plan = {("W1", "workday"): (2, 1, 4)}
    hours = attribute_clerk_hours(plan, loads, {"workday": 5.0})
    # Hour 0: loads 100 vs 200 -> A gets 1/3 of 2; hour 1 has no load -> split by the day's
    # totals (400 vs 400) -> 1/2 of 1; hour 2: 300 vs 200 -> 3/5 of 4.
    assert hours["A"] == pytest.approx(5 * (2 / 3 + 1 / 2 + 12 / 5))
    assert hours["A"] + hours["B"] == pytest.approx(5 * 7)


def test_matter_staffing_rows_join_reviewer_hours() -> None:
    rows = matter_staffing({"A": 10.0}, [MatterReviewLoad("B", 50.0, 0.5)])
    assert [(r.matter_id, r.clerk_hours_per_week, r.reviewer_hours_per_week) for r in rows] == [
        ("A", 10.0, 0.0),
        ("B", 0.0, 25.0),
    ]
