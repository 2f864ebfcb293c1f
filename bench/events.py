"""SimPy events per case of one national replication: what the engine spends per case.

Counts :meth:`simpy.Environment.step` calls (one per event processed) during replication 0
of ``national`` over ``--days`` days (simulation stage alone) and prints them with the
cases created, events per case and the wall time.

    PYTHONPATH=. .venv/bin/python bench/events.py [--days 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent  # bench/routing.py would shadow the routing package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import simpy  # noqa: E402

from tongban import pipeline  # noqa: E402
from tongban.pipeline.stages import replicate, simulation_only  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=5)
    args = parser.parse_args()
    steps = [0]
    step = simpy.Environment.step

    def counted(env: simpy.Environment) -> Any:
        steps[0] += 1
        return step(env)

    simpy.Environment.step = counted  # type: ignore[method-assign]
    scenario = pipeline.load("national").model_copy(update={"days": args.days})
    prepared = simulation_only(scenario, pipeline.RunOptions(replications=1))
    began = time.perf_counter()
    result = replicate(prepared, 0)
    wall = time.perf_counter() - began
    print(
        f"national, {args.days} days: {steps[0]} events, {result.created} cases, "
        f"{steps[0] / result.created:.1f} events per case, wall {wall:.1f} s (counting slows it)"
    )


if __name__ == "__main__":
    main()
