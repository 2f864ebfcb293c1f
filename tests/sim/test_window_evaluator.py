"""The SimPy window agrees with the staffing package's own evaluator on the same model."""

from __future__ import annotations

import numpy as np

from sim.window_evaluator import EngineWindowEvaluator


def test_engine_and_staffing_evaluators_agree() -> None:
    from sim.staffing.evaluate import DiscreteEventEvaluator, WaitTarget
    from sim.staffing.service import ServiceTime

    rates = [20.0, 45.0, 60.0, 30.0]
    clerks = [3, 6, 8, 4]
    service = ServiceTime("exponential", 8.0)
    target = WaitTarget(10.0, 0.8)
    engine = EngineWindowEvaluator().evaluate(rates, service, clerks, target, 400, 3)
    fast = DiscreteEventEvaluator().evaluate(rates, service, clerks, target, 400, 4)
    difference = np.abs(engine.service_level - fast.service_level)  # type: ignore[attr-defined]
    allowed = engine.ci95 + fast.ci95  # type: ignore[attr-defined]
    assert (difference <= allowed).all(), (engine, fast)
    assert np.allclose(engine.arrivals_per_day, rates, rtol=0.1)  # type: ignore[attr-defined]
