"""Erlang B/C against closed forms, known values and the issue's stationary example."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from sim.staffing import erlang

EXAMPLE_RATES = [20, 45, 60, 50, 30, 40, 55, 35]


def _erlang_b_closed(c: int, a: float) -> float:
    terms = [a**k / math.factorial(k) for k in range(c + 1)]
    return terms[-1] / sum(terms)


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (3, 2.0), (10, 8.333), (20, 25.0)])
def test_erlang_b_recursion_matches_closed_form(c: int, a: float) -> None:
    assert float(erlang.erlang_b(c, a)) == pytest.approx(_erlang_b_closed(c, a), rel=1e-12)


def test_erlang_c_mm1_is_utilisation() -> None:
    # For one server the probability of waiting is rho.
    assert np.allclose(erlang.erlang_c(1, [0.2, 0.5, 0.9]), [0.2, 0.5, 0.9])


def test_service_level_stationary_example_needs_ten_clerks() -> None:
    load = erlang.offered_load(50.0, 10.0)  # 50/h, 10 min
    assert float(erlang.service_level(9, load, 10.0, 15.0)) < 0.8
    assert float(erlang.service_level(10, load, 10.0, 15.0)) == pytest.approx(0.95997, abs=1e-4)
    assert erlang.min_servers(load, 10.0, 15.0, 0.8, max_servers=100).tolist() == [10]


def test_average_speed_of_answer_mm1() -> None:
    # M/M/1: Wq = rho / (mu - lambda) = rho * s / (1 - rho).
    assert float(erlang.average_speed_of_answer(1, 0.5, 10.0)) == pytest.approx(10.0)
    assert math.isinf(float(erlang.average_speed_of_answer(2, 2.0, 10.0)))


def test_hour_by_hour_erlang_c_for_example_day_is_67_clerk_hours() -> None:
    load = erlang.offered_load(EXAMPLE_RATES, 10.0)
    plan = erlang.min_servers(load, 10.0, 15.0, 0.8, max_servers=100, min_servers_floor=1)
    assert plan.tolist() == [5, 9, 11, 10, 6, 8, 11, 7]
    assert int(plan.sum()) == 67


def test_large_loads_are_stable_and_vectorised() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan = erlang.min_servers([5000.0, 1.0], 10.0, 15.0, 0.8, max_servers=6000)
    assert 5000 < plan[0] < 5000 + 3 * math.sqrt(5000)
    assert plan[1] >= 1
    assert erlang.min_servers([5000.0], 10.0, 15.0, 0.8, max_servers=100).tolist() == [-1]


def test_square_root_staffing_close_to_erlang_for_large_load() -> None:
    beta = erlang.halfin_whitt_quality(0.2)
    srs = int(erlang.square_root_staffing(400.0, beta))
    exact_delay = [float(erlang.erlang_c(c, 400.0)) for c in range(srs - 2, srs + 3)]
    assert min(abs(d - 0.2) for d in exact_delay) < 0.03
