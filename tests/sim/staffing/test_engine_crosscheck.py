"""Cross-check: the staffing evaluator against the SimPy engine's ``simulate_window``.

Both are the same queue (clerks counted, not modelled one by one; nobody interrupted when
the count drops; arrivals only while open; everyone waiting at closing is served), so for
any plan they must agree hour by hour within sampling error. ``ci95`` columns are 1.96
standard errors, so the z statistic divides by ``ci95 / 1.96``.
"""

from __future__ import annotations

import numpy as np

from sim.distributions import Exponential
from sim.staffing.day import OpenDay
from sim.staffing.engine import EngineWindowEvaluator
from sim.staffing.evaluate import (
    Z_TWO_SIDED_95,
    DiscreteEventEvaluator,
    HourlyServiceLevels,
    WaitTarget,
)

EXAMPLE_RATES = [20, 45, 60, 50, 30, 40, 55, 35]
EXPONENTIAL_10 = Exponential(mean=10.0)
TARGET = WaitTarget(wait_minutes=15.0, wait_share=0.80)


def _z(a: HourlyServiceLevels, b: HourlyServiceLevels) -> np.ndarray:
    stderr = np.hypot(a.ci95, b.ci95) / Z_TWO_SIDED_95
    return (a.service_level - b.service_level) / np.maximum(stderr, 1e-12)


def test_constant_plan_agrees_with_the_engine_within_sampling_error() -> None:
    plan = [8] * 8
    engine = EngineWindowEvaluator(open_hour=9, days_per_replication=20).evaluate(
        EXAMPLE_RATES, EXPONENTIAL_10, plan, TARGET, replications=20, seed=1
    )
    fast = DiscreteEventEvaluator().evaluate(EXAMPLE_RATES, EXPONENTIAL_10, plan, TARGET, 3000, 1)
    z = _z(engine, fast)
    assert np.all(np.abs(z) < 3.0), z
    assert engine.service_level[3] < 0.5 < engine.service_level[1]  # the plan is not trivial
    np.testing.assert_allclose(engine.arrivals_per_day, EXAMPLE_RATES, rtol=0.1)


def test_afternoon_reopening_at_1330_agrees_with_the_engine() -> None:
    # The 13:00-17:00 block of a window reopening at 13:30: hour 13:00 gets half an hour of
    # arrivals at the full rate, all after 13:30, and a time-varying plan.
    rates = [70.0, 65.0, 55.0, 45.0]
    plan = [8, 11, 10, 8]
    day = OpenDay.from_clock([(540.0, 720.0), (810.0, 1020.0)], 13, 4)
    assert day.intervals == ((30.0, 240.0),)
    engine = EngineWindowEvaluator(open_hour=13, days_per_replication=20).evaluate(
        rates, EXPONENTIAL_10, plan, TARGET, replications=20, seed=3, day=day
    )
    fast = DiscreteEventEvaluator().evaluate(rates, EXPONENTIAL_10, plan, TARGET, 3000, 4, day)
    z = _z(engine, fast)
    assert np.all(np.abs(z) < 3.0), (z, engine.service_level, fast.service_level)
    np.testing.assert_allclose(fast.arrivals_per_day, [35.0, 65.0, 55.0, 45.0], rtol=0.05)
    np.testing.assert_allclose(engine.arrivals_per_day, [35.0, 65.0, 55.0, 45.0], rtol=0.1)
    # The crowd at 13:30 is real and spills into 14:00: spreading the 35 arrivals over the
    # whole hour (the old approximation) would hide it.
    spread = DiscreteEventEvaluator().evaluate(
        [35.0, 65.0, 55.0, 45.0], EXPONENTIAL_10, plan, TARGET, 3000, 4
    )
    assert fast.service_level[1] < spread.service_level[1] - 0.05, (fast, spread)


def test_a_plan_that_changes_hour_by_hour_agrees_with_the_engine() -> None:
    rates = [20.0, 45.0, 60.0, 30.0]
    plan = [3, 6, 8, 4]  # clerks join and leave: nobody is interrupted in either model
    service = Exponential(mean=8.0)
    target = WaitTarget(10.0, 0.8)
    engine = EngineWindowEvaluator().evaluate(rates, service, plan, target, 400, 3)
    fast = DiscreteEventEvaluator().evaluate(rates, service, plan, target, 400, 4)
    z = _z(engine, fast)
    assert np.all(np.abs(z) < 3.0), z
    assert np.allclose(engine.arrivals_per_day, rates, rtol=0.1)
