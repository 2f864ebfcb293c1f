"""Cross-check: the staffing evaluator against the SimPy engine's ``simulate_window``."""

from __future__ import annotations

import numpy as np

from sim.staffing.engine import EngineWindowEvaluator
from sim.staffing.evaluate import DiscreteEventEvaluator, WaitTarget
from sim.staffing.service import ServiceTime

EXAMPLE_RATES = [20, 45, 60, 50, 30, 40, 55, 35]
EXPONENTIAL_10 = ServiceTime("exponential", 10.0)
TARGET = WaitTarget(wait_minutes=15.0, wait_share=0.80)


def _z(a_level: np.ndarray, a_ci: np.ndarray, b_level: np.ndarray, b_ci: np.ndarray) -> np.ndarray:
    return (a_level - b_level) / np.sqrt(a_ci**2 + b_ci**2 + 1e-12)


def test_constant_plan_agrees_with_the_engine_within_ci() -> None:
    # With a constant plan both models are the same queue: they must agree hour by hour.
    plan = [8] * 8
    engine = EngineWindowEvaluator(open_hour=9, days_per_replication=20).evaluate(
        EXAMPLE_RATES, EXPONENTIAL_10, plan, TARGET, replications=20, seed=1
    )
    fast = DiscreteEventEvaluator().evaluate(EXAMPLE_RATES, EXPONENTIAL_10, plan, TARGET, 3000, 1)
    z = _z(engine.service_level, engine.ci95, fast.service_level, fast.ci95)
    assert np.all(np.abs(z) < 1.5), z  # 1.96-based half-widths: |z| < 1.5 is within CI
    assert engine.service_level[3] < 0.5 < engine.service_level[1]  # the plan is not trivial


def test_engine_confirms_the_time_varying_plan_and_is_not_stricter() -> None:
    plan = [3, 8, 10, 11, 6, 7, 11, 7]  # the 63-clerk-hour plan tongban finds for seed 0
    engine = EngineWindowEvaluator(open_hour=9, days_per_replication=20).evaluate(
        EXAMPLE_RATES, EXPONENTIAL_10, plan, TARGET, replications=20, seed=2
    )
    fast = DiscreteEventEvaluator().evaluate(EXAMPLE_RATES, EXPONENTIAL_10, plan, TARGET, 3000, 2)
    # The engine's clerks who go off duty finish their case while the others keep serving,
    # so it has at least the staffing evaluator's capacity: never clearly below it.
    z = _z(engine.service_level, engine.ci95, fast.service_level, fast.ci95)
    assert np.all(z > -1.5), z
    assert np.all(engine.service_level >= TARGET.wait_share)
