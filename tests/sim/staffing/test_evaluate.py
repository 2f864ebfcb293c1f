"""The discrete-event evaluator: exact against a scalar reference, Erlang C when stationary."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.distributions import Exponential, Lognormal
from sim.staffing import erlang
from sim.staffing.evaluate import (
    DiscreteEventEvaluator,
    SampledDays,
    WaitTarget,
    sample_days,
    simulate_waits,
)

EXPONENTIAL_10 = Exponential(mean=10.0)
TARGET = WaitTarget(wait_minutes=15.0, wait_share=0.8)


def _reference_waits(arrivals: np.ndarray, services: np.ndarray, plan: list[int]) -> list[float]:
    """Scalar event-by-event FCFS with the count rule: start only while busy < clerks(t)."""
    hours = len(plan)

    def clerks(t: float) -> int:
        return plan[min(int(t // 60), hours - 1)]

    departures: list[float] = []
    previous = 0.0
    waits = []
    for a, s in zip(arrivals, services, strict=True):
        if not np.isfinite(a):
            break
        t = max(a, previous)
        while True:
            busy = [d for d in departures if d > t]
            if len(busy) < clerks(t):
                break
            next_boundary = (t // 60 + 1) * 60 if t < hours * 60 else np.inf
            t = min(min(busy, default=np.inf), next_boundary)
        departures.append(t + s)
        previous = t
        waits.append(t - a)
    return waits


@pytest.mark.parametrize("plan", [[3, 1, 0, 4], [2, 5, 1, 1], [1, 1, 1, 1]])
def test_vectorised_recursion_equals_scalar_reference(plan: list[int]) -> None:
    days = sample_days([40, 30, 20, 25], EXPONENTIAL_10, replications=5, seed=3)
    waits = simulate_waits(days, np.asarray([plan]))
    for r in range(5):
        expected = _reference_waits(days.arrivals[r], days.services[r], plan)
        got = waits[0, r][np.isfinite(days.arrivals[r])]
        np.testing.assert_allclose(got, expected, atol=1e-9)


def test_clerks_finish_the_case_in_hand_when_the_count_drops() -> None:
    # Two applicants at 0 min with 90-min cases; the count drops from 2 to 1 at 60 min;
    # a third arrives at 61 min and must wait until one of them finishes at 90 min,
    # a fourth at 62 min waits for the single remaining clerk (free at 180 min).
    arrivals = np.array([[0.0, 0.0, 61.0, 62.0]])
    services = np.array([[90.0, 90.0, 90.0, 10.0]])
    days = SampledDays(arrivals=arrivals, services=services, hours=2)
    waits = simulate_waits(days, np.array([[2, 1]]))
    np.testing.assert_allclose(waits[0, 0], [0.0, 0.0, 29.0, 118.0])


def test_stationary_window_matches_erlang_c() -> None:
    evaluator = DiscreteEventEvaluator()
    levels = evaluator.evaluate([50.0] * 12, EXPONENTIAL_10, [10] * 12, TARGET, 300, seed=11)
    # Skip the first two hours (the window opens empty); pool the rest.
    steady = levels.service_level[2:]
    expected = float(erlang.service_level(10, 50 / 6, 10.0, 15.0))
    pooled_ci = float(np.sqrt(np.mean(levels.ci95[2:] ** 2) / steady.size))
    assert abs(steady.mean() - expected) < max(pooled_ci, 0.004) + 0.005
    asa = float(erlang.average_speed_of_answer(10, 50 / 6, 10.0))
    assert levels.mean_wait_minutes[2:].mean() == pytest.approx(asa, rel=0.12)
    nine = evaluator.evaluate([50.0] * 12, EXPONENTIAL_10, [9] * 12, TARGET, 300, seed=11)
    assert nine.service_level[-4:].mean() < 0.8  # Erlang C: 9 clerks give about 72%


def test_same_seed_same_answer_and_common_random_numbers() -> None:
    evaluator = DiscreteEventEvaluator()
    rates = [20, 45, 60, 50]
    first = evaluator.evaluate(rates, EXPONENTIAL_10, [5, 9, 11, 10], TARGET, 50, seed=5)
    again = DiscreteEventEvaluator().evaluate(rates, EXPONENTIAL_10, [5, 9, 11, 10], TARGET, 50, 5)
    np.testing.assert_array_equal(first.service_level, again.service_level)
    other = evaluator.evaluate(rates, EXPONENTIAL_10, [5, 9, 11, 10], TARGET, 50, seed=6)
    assert not np.array_equal(first.service_level, other.service_level)
    # With common random numbers an extra clerk never lowers any hour's service level.
    more = evaluator.evaluate(rates, EXPONENTIAL_10, [5, 9, 12, 10], TARGET, 50, seed=5)
    assert np.all(more.service_level >= first.service_level - 1e-12)
    assert more.service_level[2] > first.service_level[2]


def test_seed_sequence_input_is_not_consumed() -> None:
    root = np.random.SeedSequence(42)
    a = sample_days([10, 10], EXPONENTIAL_10, 4, root)
    b = sample_days([10, 10], EXPONENTIAL_10, 4, root)
    np.testing.assert_array_equal(a.arrivals, b.arrivals)


def test_poisson_counts_per_hour() -> None:
    days = sample_days([5.0, 30.0], EXPONENTIAL_10, 2000, seed=1)
    hour = np.floor(days.arrivals[np.isfinite(days.arrivals)] / 60)
    per_hour = np.bincount(hour.astype(int), minlength=2) / 2000
    np.testing.assert_allclose(per_hour, [5.0, 30.0], rtol=0.03)


@settings(max_examples=25, deadline=None)
@given(
    plan=st.lists(st.integers(min_value=0, max_value=5), min_size=3, max_size=3).map(
        lambda p: [*p, 1 + p[-1]]
    ),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_vectorised_recursion_equals_reference_on_random_plans(plan: list[int], seed: int) -> None:
    days = sample_days([30, 10, 40, 20], Lognormal(mean=8.0, sd=12.0), 3, seed)
    waits = simulate_waits(days, np.asarray([plan]))
    for r in range(3):
        expected = _reference_waits(days.arrivals[r], days.services[r], plan)
        got = waits[0, r][np.isfinite(days.arrivals[r])]
        np.testing.assert_allclose(got, expected, atol=1e-9)
