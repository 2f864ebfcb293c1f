"""The one-window scenario is an M/M/c queue: the engine must agree with Erlang C.

Tolerances are the run's own 95% confidence half-width or 3% of the theoretical value,
whichever is larger (plus the quantile sketch's 0.5% resolution for percentiles).
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.run import simulate
from sim.scenarios.loader import parse_scenario
from sim.theory import ErlangC


def mmc_scenario(
    per_hour: float, service_mean: float, clerks: int, days: int, replications: int = 8
) -> dict[str, Any]:
    """A DESIGN.md §7 M/M/c scenario as a TOML-like mapping."""
    return {
        "name": f"M/M/{clerks}",
        "days": days,
        "warmup_days": 1,
        "drain_days": 0,
        "seed": 7,
        "replications": replications,
        "windows": [
            {"id": "W1", "clerks": clerks, "hours": [["00:00", "24:00"]], "calendar": "always"}
        ],
        "demand": [
            {
                "window": "W1",
                "matter": "1-05",
                "per_hour": per_hour,
                "service_minutes": {"dist": "exponential", "mean": service_mean},
            }
        ],
        "process": {"window": {"incomplete_share": 0.0}},
    }


CASES = [
    # (arrivals per hour, mean service minutes, clerks, days): ρ from 0.7 to 0.9
    (50.0, 10.0, 10, 12),
    (30.0, 5.0, 3, 30),
    (12.0, 20.0, 5, 60),
]


@pytest.mark.parametrize(("per_hour", "service_mean", "clerks", "days"), CASES)
def test_wait_and_utilisation_match_erlang_c(
    per_hour: float, service_mean: float, clerks: int, days: int
) -> None:
    result = simulate(parse_scenario(mmc_scenario(per_hour, service_mean, clerks, days)))
    row = result.windows[0]
    theory = ErlangC(per_hour / 60.0, service_mean, clerks)
    tolerance = max(row.wait_mean_ci95_min, 0.03 * theory.mean_wait)
    assert abs(row.wait_mean_min - theory.mean_wait) <= tolerance, (row, theory.mean_wait)
    p90 = theory.wait_quantile(0.90)
    p90_tolerance = max(row.wait_p90_ci95_min, 0.03 * p90) + 0.005 * p90  # + sketch resolution
    assert abs(row.wait_p90_min - p90) <= p90_tolerance, (row.wait_p90_min, p90)
    assert abs(row.utilisation - theory.utilisation) <= max(row.utilisation_ci95, 0.01)


def test_littles_law_at_the_window() -> None:
    result = simulate(parse_scenario(mmc_scenario(50.0, 10.0, 10, 12, replications=4)))
    row = result.windows[0]
    arrivals_per_minute = row.arrivals_per_hour / 60.0
    assert row.queue_length_mean == pytest.approx(arrivals_per_minute * row.wait_mean_min, rel=0.02)


def test_every_case_is_completed_or_still_in_the_system() -> None:
    result = simulate(parse_scenario(mmc_scenario(50.0, 10.0, 10, 3, replications=3)))
    for accounting in result.accounting:
        assert accounting.created > 0
        assert accounting.created == accounting.completed + accounting.in_system


def test_clerk_hours_per_week_is_the_offered_load() -> None:
    result = simulate(parse_scenario(mmc_scenario(50.0, 10.0, 10, 2, replications=2)))
    (row,) = result.matter_staffing
    # 50/h × 10 min = 8.33 Erlangs, every hour of the week: 8.33 × 168 h
    assert row.clerk_hours_per_week == pytest.approx(50.0 * 10.0 / 60.0 * 168.0)
    assert row.reviewer_hours_per_week == 0.0
