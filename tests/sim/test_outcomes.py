"""Per-matter outcome figures: day quantiles, the within-limit share, trips saved."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.outcomes import day_quantile
from sim.results import SimulationResult
from sim.run import simulate
from sim.scenarios.loader import parse_scenario


@given(
    st.lists(st.integers(0, 20), min_size=1, max_size=30).filter(lambda c: sum(c) > 0),
    st.sampled_from([0.5, 0.9, 0.95, 0.1, 1.0]),
)
def test_day_quantile_is_the_inverted_cdf_quantile(counts: list[int], q: float) -> None:
    days = np.repeat(np.arange(len(counts)), counts)
    expected = float(np.quantile(days, q, method="inverted_cdf"))
    assert day_quantile(np.asarray(counts), q) == expected


def _run(data: dict[str, Any]) -> SimulationResult:
    return simulate(parse_scenario(data))


def test_reviews_longer_than_the_limit_are_never_within_it(joint_scenario: Any) -> None:
    (row,) = _run(joint_scenario({"dist": "deterministic", "value": 7.0})).turnaround
    assert row.cases > 50
    assert row.within_limit_share == 0.0 and row.end_to_end_within_limit_share == 0.0
    assert row.handling_days_mean >= 7.0


def test_a_spread_of_review_times_gives_a_share_and_ordered_quantiles(
    joint_scenario: Any,
) -> None:
    (row,) = _run(joint_scenario({"dist": "uniform", "low": 2.0, "high": 8.0})).turnaround
    # review takes U(2, 8) working days against a 5-day limit: about half within
    assert 0.2 < row.within_limit_share < 0.8
    assert row.days_p50 < row.days_p95 and row.days_p50 <= row.days_p90 <= row.days_p95


def test_trips_saved_count_the_journeys_and_their_kilometres(joint_scenario: Any) -> None:
    data = joint_scenario({"dist": "deterministic", "value": 2.5})
    data["trips"] = {"home_distance_km": {"dist": "deterministic", "value": 100.0}}
    result = _run(data)
    (row,) = result.turnaround
    (trips,) = result.trips_saved
    # 1-31 has an online result: the hand-in trip only (the profile's trips_saved = 1)
    assert trips.trips_saved == pytest.approx(1.0 * row.cases)
    assert trips.km_saved == pytest.approx(2.0 * 100.0 * trips.trips_saved)  # there and back
