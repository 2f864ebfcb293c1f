"""Office reviewers: analytic limit share without queueing, smallest count, bad limits."""

from __future__ import annotations

import math

import pytest

from sim.distributions import Deterministic, Exponential
from sim.staffing.office import OfficeDemand, OfficeSettings, evaluate_office, staff_office
from sim.staffing.search import StaffingInfeasibleError

SETTINGS = OfficeSettings(
    hours_per_day=7.0, warmup_days=10, measured_days=60, replications=30, verify_replications=60
)


def test_no_queue_share_matches_the_analytic_value() -> None:
    # With far more reviewers than work, a case received at time u into its day finishes
    # at u + E (exponential, mean m); within limit iff E <= (L + 1)·H − u. Averaging over
    # u ~ U(0, H): 1 − (m/H)·exp(−(L+1)H/m)·(exp(H/m) − 1).
    mean, hours, limit = 4.0, 7.0, 1
    demand = OfficeDemand("O", 10.0, Exponential(mean=mean), limit)
    plan = evaluate_office(demand, 60, SETTINGS)
    expected = 1 - (mean / hours) * math.exp(-(limit + 1) * hours / mean) * (
        math.exp(hours / mean) - 1
    )
    assert plan.within_limit_share == pytest.approx(expected, abs=max(plan.within_limit_ci95, 0.01))


def test_staff_office_is_the_smallest_count_meeting_the_target() -> None:
    demand = OfficeDemand("O1", 20.0, Exponential(mean=2.0), 3)
    plan = staff_office(demand, SETTINGS)
    assert plan.within_limit_lower95 >= 0.95
    assert plan.utilisation == pytest.approx(20 * 2 / 7 / plan.reviewers)
    fewer = evaluate_office(demand, plan.reviewers - 1, SETTINGS)
    assert fewer.within_limit_share < 0.95 or fewer.within_limit_lower95 < 0.95


def test_limit_shorter_than_the_work_is_infeasible_with_figures() -> None:
    demand = OfficeDemand("O2", 20.0, Deterministic(value=10.0), 0)
    with pytest.raises(StaffingInfeasibleError, match="within 0 working days"):
        staff_office(demand, SETTINGS)
