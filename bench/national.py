"""National-scale benchmark: wall time, cases/s, peak memory, 1 → N worker speedup, and the
workers a cluster needs for a national year.

Run ``PYTHONPATH=. .venv/bin/python bench/national.py [--days 30] [-r 2] [--workers 1,2]
[--executor processes|dask] [--provinces 12,13]``. It loads ``sim/scenarios/national.toml``
(every province, prefecture and county hall, 140 matters, a staffed office per unit),
compiles it once (simulation stage alone: clerks sized by hour-by-hour Erlang C), then runs
``-r`` replications on each worker count and prints, per count: wall time, cases simulated,
cases/s, peak resident memory (this process and its largest worker), and the speedup over
the first count. From the single-worker throughput it extrapolates the national month with
10 replications and the workers a cluster needs to simulate a national year (12 months × 10
replications) within an hour. Figures depend on the machine's load: say so when quoting.
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent  # bench/routing.py would shadow the routing package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from tongban import pipeline  # noqa: E402
from tongban.pipeline.executor import make_executor  # noqa: E402
from tongban.pipeline.stages import now, run_prepared, simulation_only  # noqa: E402

TARGET_REPLICATIONS = 10
YEAR_MONTHS = 12


def _peak_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="national")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("-r", "--replications", type=int, default=2)
    parser.add_argument("--workers", default="1,2", help="worker counts, e.g. 1,2")
    parser.add_argument("--executor", default="processes", choices=("processes", "dask"))
    parser.add_argument("--provinces", default=None, help="province codes, e.g. 12,13")
    args = parser.parse_args()

    scenario = pipeline.load(args.scenario)
    national = scenario.national
    if args.provinces and national is not None:
        from sim.scenarios.loader import load_data, parse_scenario

        data = load_data(args.scenario)
        data["national"] = {**data["national"], "provinces": args.provinces.split(",")}
        scenario = parse_scenario(data, args.scenario)
    scenario = scenario.model_copy(update={"days": args.days})
    started = time.perf_counter()
    prepared = simulation_only(scenario, pipeline.RunOptions(replications=args.replications))
    compile_s = time.perf_counter() - started
    print(
        f"{scenario.name}: {len(scenario.windows)} halls, {len(scenario.offices)} offices, "
        f"{args.days} days, {args.replications} replications; compile {compile_s:.1f} s"
    )
    walls: dict[int, float] = {}
    cases = 0
    for workers in (int(w) for w in args.workers.split(",")):
        with make_executor(args.executor, workers) as executor:
            begin = time.perf_counter()
            result = run_prepared(prepared, now(), executor=executor)
            walls[workers] = time.perf_counter() - begin
        cases = result.simulation.cases_all_replications
        own, child = _peak_mb()
        first = walls[min(walls)]
        print(
            f"workers {workers}: wall {walls[workers]:.1f} s, {cases} cases, "
            f"{cases / walls[workers]:.0f} cases/s, peak RSS main {own:.0f} MB / largest "
            f"worker {child:.0f} MB, speedup {first / walls[workers]:.2f}x vs {min(walls)}"
        )
    one = min(walls)
    per_worker = cases / walls[one] / one  # cases/s per worker
    month_cases = cases / args.replications * 30 / args.days
    month_s = month_cases * TARGET_REPLICATIONS / per_worker
    year_s = month_s * YEAR_MONTHS
    most = max(walls)
    speedup = walls[one] / walls[most]
    own, child = _peak_mb()
    print(
        f"per worker: {per_worker:.0f} cases/s; "
        f"a month of this scope ≈ {month_cases:.0f} cases/rep; "
        f"month × {TARGET_REPLICATIONS} reps on one worker ≈ {month_s / 60:.1f} min, "
        f"on {most} workers at the measured speedup ≈ {month_s / speedup / 60:.1f} min "
        f"(goal ≤ 10 min on 2 workers); "
        f"year × {TARGET_REPLICATIONS} reps ≈ {year_s / 3600:.1f} worker-hours → "
        f"{max(1, math.ceil(year_s / 3600))} workers to finish within an hour "
        "(linear in workers: ignores compile time and scheduler overhead)"
    )
    print(
        f"peak memory: main {own:.0f} MB + {most} × worker {child:.0f} MB "
        f"≈ {own + most * child:.0f} MB in all (goal ≤ 4,096 MB)"
    )


if __name__ == "__main__":
    main()
