"""``sim.window_evaluator`` re-exports the one engine adapter, which agrees with staffing."""

from __future__ import annotations

import numpy as np

from sim.window_evaluator import EngineWindowEvaluator


def test_window_evaluator_is_the_staffing_engine_adapter() -> None:
    from sim.staffing.engine import EngineWindowEvaluator as StaffingEngineEvaluator

    assert EngineWindowEvaluator is StaffingEngineEvaluator


def test_engine_and_staffing_evaluators_agree() -> None:
    from sim.distributions import Exponential
    from sim.staffing.evaluate import Z_TWO_SIDED_95, DiscreteEventEvaluator, WaitTarget

    rates = [20.0, 45.0, 60.0, 30.0]
    clerks = [3, 6, 8, 4]
    service = Exponential(mean=8.0)
    target = WaitTarget(10.0, 0.8)
    engine = EngineWindowEvaluator().evaluate(rates, service, clerks, target, 400, 3)
    fast = DiscreteEventEvaluator().evaluate(rates, service, clerks, target, 400, 4)
    stderr = np.hypot(engine.ci95, fast.ci95) / Z_TWO_SIDED_95
    assert np.all(np.abs(engine.service_level - fast.service_level) < 3.0 * stderr)
    assert np.allclose(engine.arrivals_per_day, rates, rtol=0.1)
