"""Solve a benchmark instance and score it: the shared core of ``tongban route --instance``
and ``bench/routing.py``.

The solver's plan is re-scored by the independent checker (:mod:`routing.checker`), so
the distance reported is the DIMACS/TSPLIB cost of the routes as the file numbers them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from routing.checker import check_solution
from routing.readers import BenchmarkInstance, read_instance, read_solution
from routing.solve import solve
from routing.stopping import StoppingCriterion

BENCH_ENV = "TONGBAN_BENCH_DIR"


@dataclass(frozen=True)
class BenchmarkRun:
    """One scored solve: the ``--json`` payload of ``tongban route --instance``."""

    instance: str
    vehicles: int
    distance: float
    seconds: float
    feasible: bool
    routes: tuple[tuple[int, ...], ...]
    backend: str
    violations: tuple[str, ...]
    unserved: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """The JSON object printed by ``tongban route --instance FILE --json``."""
        return {
            "instance": self.instance,
            "vehicles": self.vehicles,
            "distance": self.distance,
            "seconds": round(self.seconds, 3),
            "feasible": self.feasible,
            "routes": [list(r) for r in self.routes],
            "backend": self.backend,
            "violations": list(self.violations),
            "unserved": list(self.unserved),
        }


def bench_dir() -> Path | None:
    """The shared benchmark folder: ``$TONGBAN_BENCH_DIR`` or ``../shared/bench``."""
    env = os.environ.get(BENCH_ENV)
    candidates = [Path(env)] if env else []
    root = Path(__file__).resolve().parent.parent
    candidates += [root.parent / "shared" / "bench", Path.cwd().parent / "shared" / "bench"]
    return next((c for c in candidates if c.is_dir()), None)


def run_instance(
    instance: BenchmarkInstance, stop: StoppingCriterion, backend: str = "auto", seed: int = 0
) -> BenchmarkRun:
    """Solve one instance and check the plan independently."""
    result = solve(instance.problem, stop=stop, backend=backend, seed=seed)
    routes = tuple(
        tuple(instance.customer_numbers[s] for s in route.stops) for route in result.routes
    )
    report = check_solution(instance, routes)
    return BenchmarkRun(
        instance=instance.name,
        vehicles=len(routes),
        distance=report.cost,
        seconds=result.seconds,
        feasible=report.feasible and result.feasible,
        routes=routes,
        backend=result.backend,
        violations=report.violations,
        unserved=tuple(f"{u.stop_id}: {u.reason}" for u in result.unserved),
    )


def best_known_cost(instance_path: Path) -> float | None:
    """The ``Cost`` of the ``.sol`` file next to an instance, if there is one."""
    sol = instance_path.with_suffix(".sol")
    if not sol.is_file():
        return None
    return read_solution(sol).cost


def load(path: str | Path) -> BenchmarkInstance:
    """Read an instance file (Solomon ``.txt`` or VRPLIB ``.vrp``)."""
    return read_instance(path)
