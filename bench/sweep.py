"""Sweep benchmark: planning (scenario parses), preparing, and running a small sweep.

Run ``PYTHONPATH=. .venv/bin/python bench/sweep.py [--provinces 12,13] [--days 3]
[--clerks 2] [--set national.cases_per_100k_per_day=1.0,1.5,1.9,2.5] [-r 2] [--workers 2]
[--executor processes|dask]``. The scenario is the shipped ``national`` one cut to the named
provinces (Tianjin and Hebei by default: 196 halls), as a temporary TOML file; the sweep is
``tongban sweep``'s (:mod:`tongban.pipeline.sweep`). It prints how many times a scenario was
parsed while planning, the planning time, the size of one point's prepared run (what a task
needs) against all points' (what every worker received before each task got only its own
point), the sweep's wall time and the peak resident memory of this process and of its
largest worker. Figures depend on the machine's load: say so when quoting.
"""

from __future__ import annotations

import argparse
import pickle
import re
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent  # bench/routing.py would shadow the routing package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from sim.scenarios import loader  # noqa: E402
from sim.scenarios.overrides import parse_setting  # noqa: E402
from tongban import pipeline  # noqa: E402
from tongban.pipeline import sweep  # noqa: E402
from tongban.pipeline.executor import make_executor  # noqa: E402
from tongban.pipeline.stages import prepare  # noqa: E402


def _scenario_file(
    folder: Path, provinces: list[str], days: int, drain_days: int, clerks: int
) -> Path:
    """The shipped national scenario cut to ``provinces`` and ``days``, with ``clerks`` per
    hall (a fixed count: no staffing stage), as a TOML file."""
    text = loader.resolve_path("national").read_text("utf-8")
    text = re.sub(r"(?m)^days = \d+", f"days = {days}", text)
    text = re.sub(r"(?m)^drain_days = \d+", f"drain_days = {drain_days}", text)
    text = re.sub(r"(?m)^replications = \d+", "replications = 1", text)
    text = re.sub(r'(?m)^clerks = "auto"', f"clerks = {clerks}", text)
    codes = ", ".join(f'"{code}"' for code in provinces)
    text = text.replace("[national]\n", f"[national]\nprovinces = [{codes}]\n")
    path = folder / "national_cut.toml"
    path.write_text(text, "utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--provinces", default="12,13")
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--drain-days", type=int, default=30)
    parser.add_argument("--clerks", type=int, default=2, help="clerks per hall (fixed)")
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=None,
        help="PATH=V1,V2 (repeat); default national.cases_per_100k_per_day=1.0,1.5,1.9,2.5",
    )
    parser.add_argument("-r", "--replications", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--executor", default="processes", choices=("processes", "dask"))
    args = parser.parse_args()
    settings = args.settings or ["national.cases_per_100k_per_day=1.0,1.5,1.9,2.5"]

    parses = [0]
    original = sweep.parse_scenario

    def counted(*a: Any, **k: Any) -> Any:
        parses[0] += 1
        return original(*a, **k)

    sweep.parse_scenario = counted  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="tongban-bench-sweep-") as scratch:
        source = _scenario_file(
            Path(scratch), args.provinces.split(","), args.days, args.drain_days, args.clerks
        )
        begin = time.perf_counter()
        points = sweep.plan_points(str(source), [parse_setting(s) for s in settings])
        plan_s = time.perf_counter() - begin
    options = pipeline.RunOptions(replications=args.replications, routing=False)
    one = pickle.dumps(prepare(points[0].scenario, options), protocol=pickle.HIGHEST_PROTOCOL)
    halls = len(points[0].scenario.windows)
    print(
        f"{len(points)} points × {args.replications} replications, {halls} halls, "
        f"{args.days} days: {parses[0]} scenario parses, planning {plan_s:.2f} s; "
        f"one point's prepared run {len(one) / 1e6:.1f} MB, all points' "
        f"≈ {len(one) * len(points) / 1e6:.1f} MB"
    )
    with make_executor(args.executor, args.workers) as executor:
        begin = time.perf_counter()
        results = sweep.run_sweep(points, options, executor)
        wall = time.perf_counter() - begin
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cases = sum(r.cases_all_replications for r in results)
    print(
        f"{args.executor} × {args.workers}: sweep wall {wall:.1f} s, {cases} cases, "
        f"peak RSS main {own:.0f} MB / largest worker {child:.0f} MB"
    )
    for row in sweep.sweep_rows(points, results):
        print({k: (round(v, 6) if isinstance(v, float) else v) for k, v in row.items()})


if __name__ == "__main__":
    main()
