"""Re-export of :class:`sim.staffing.engine.EngineWindowEvaluator` (the one engine adapter)."""

from sim.staffing.engine import EngineWindowEvaluator

__all__ = ["EngineWindowEvaluator"]
