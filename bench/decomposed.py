"""The decomposed replication (sim.decomposed) against the whole run: equal? how many passes?
what it costs; and the per-case random streams' set-up cost.

Run ``PYTHONPATH=. .venv/bin/python bench/decomposed.py [--scenario national_tianjin]
[--days 5] [--provinces 12] [--partitions 2] [--workers 0]``. It compiles the scenario
(``national``/``national_tianjin`` or any shipped name), runs replication 0 whole and then
decomposed (``--workers 0``: inline; else a spawned process pool of that size), prints the
wall and CPU seconds of each, the passes and the windows/offices simulated over all passes,
whether every statistic is equal (``km_saved`` to 1e-9 relative), the size of the input
every task reads (pickled), then the stream set-ups per
case and the cost of one (pooled re-key; a new Philox generator; a SeedSequence + PCG64
generator, the alternative not taken). Figures depend on the machine's load.
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
import time
import timeit
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

_HERE = Path(__file__).resolve().parent  # bench/routing.py would shadow the routing package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import numpy as np  # noqa: E402

from sim import seeds  # noqa: E402
from sim.compile import CompiledScenario, compile_scenario  # noqa: E402
from sim.decomposed import TaskMap, from_map, run_decomposed  # noqa: E402
from sim.decomposed.tasks import Shared  # noqa: E402
from sim.replication import ReplicationResult, run_replication  # noqa: E402
from sim.run import applicant_homes  # noqa: E402
from sim.scenarios.loader import load_data, parse_scenario  # noqa: E402

TIANJIN = _HERE.parent / "tests" / "data" / "national" / "national_tianjin.toml"


def compiled_scenario(name: str, days: int, provinces: str | None) -> CompiledScenario:
    """The scenario, ``days`` long (a national one cut to ``provinces``)."""
    data = load_data(str(TIANJIN) if name == "national_tianjin" else name)
    data["days"] = days
    if provinces and "national" in data:
        data["national"] = {**data["national"], "provinces": provinces.split(",")}
    return compile_scenario(parse_scenario(data, name))


def differences(a: ReplicationResult, b: ReplicationResult) -> list[str]:
    """What differs between two replications (empty: equal)."""
    found = []
    if (a.created, a.completed, a.in_system) != (b.created, b.completed, b.in_system):
        found.append("counts")
    for x, y in zip(a.windows, b.windows, strict=True):
        x.waits.flush()
        y.waits.flush()
        same = (x.arrivals, x.area_queue, x.area_busy, x.area_on_duty, x.waits.moments) == (
            y.arrivals,
            y.area_queue,
            y.area_busy,
            y.area_on_duty,
            y.waits.moments,
        )
        if not (same and np.array_equal(x.wait_sum_by_hour, y.wait_sum_by_hour)):
            found.append("windows")
            break
    if a.offices != b.offices or a.office_judged != b.office_judged:
        found.append("offices")
    for m, n in zip(a.matters, b.matters, strict=True):
        same = math.isclose(m.km_saved, n.km_saved, rel_tol=1e-9)
        same = same and np.array_equal(m.day_counts, n.day_counts)
        same = same and (m.cases, m.days_sum, m.handling_days_sum, m.within_limit) == (
            n.cases,
            n.days_sum,
            n.handling_days_sum,
            n.within_limit,
        )
        if not (same and (m.trips_saved, m.modes) == (n.trips_saved, n.modes)):
            found.append("matters")
            break
    return found


def stream_costs(compiled: CompiledScenario, homes: object | None) -> None:
    """Stream set-ups per case (counted on a whole run) and the cost of one."""
    counted = {"enter": 0}
    enter = seeds.CaseStreams.enter

    def counting(self: seeds.CaseStreams, case_id: int, moment: int) -> np.random.Generator:
        counted["enter"] += 1
        return enter(self, case_id, moment)

    seeds.CaseStreams.enter = counting  # type: ignore[method-assign]
    try:
        result = run_replication(compiled, 0, np.random.SeedSequence(2), homes=homes)
    finally:
        seeds.CaseStreams.enter = enter  # type: ignore[method-assign]
    streams = seeds.CaseStreams(np.random.SeedSequence(3))
    n = 100_000

    def pooled() -> None:
        for i in range(n):
            streams.leave(streams.enter(i, 2))

    def fresh() -> None:
        for i in range(n // 10):
            np.random.Generator(np.random.Philox(seeds._Key(streams.key(i, 2))))  # type: ignore[arg-type]

    def spawned() -> None:
        for i in range(n // 10):
            np.random.default_rng(np.random.SeedSequence(3, spawn_key=(2, i)))

    per = min(timeit.repeat(pooled, number=1, repeat=5)) / n * 1e6
    new = min(timeit.repeat(fresh, number=1, repeat=3)) / (n // 10) * 1e6
    seq = min(timeit.repeat(spawned, number=1, repeat=3)) / (n // 10) * 1e6
    per_case = counted["enter"] / max(result.created, 1)
    print(
        f"streams: {per_case:.2f} set-ups per case; {per:.2f} us each (pooled re-key) = "
        f"{per * per_case:.1f} us per case; a new Philox generator {new:.2f} us; "
        f"SeedSequence + PCG64 {seq:.2f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="national_tianjin")
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--provinces", default=None)
    parser.add_argument("--partitions", type=int, default=2)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()

    compiled = compiled_scenario(args.scenario, args.days, args.provinces)
    homes = applicant_homes(compiled)
    seed = np.random.SeedSequence(20201024, spawn_key=(0,))
    cpu, wall = time.process_time(), time.perf_counter()
    whole = run_replication(compiled, 0, seed, homes=homes)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"{args.scenario}: {len(compiled.windows)} windows, {len(compiled.offices)} offices, "
        f"{args.days} days, {whole.created} cases; whole run {wall:.1f} s wall, {cpu:.1f} CPU-s, "
        f"{whole.created / cpu:.0f} cases/CPU-s"
    )
    pool = None
    run_map: TaskMap | None = None
    if args.workers:
        pool = ProcessPoolExecutor(args.workers, mp_context=get_context("spawn"))
        run_map = from_map(pool.map)
    cpu, wall = time.process_time(), time.perf_counter()
    run = run_decomposed(
        compiled, 0, seed, partitions=args.partitions, map_tasks=run_map, homes=homes
    )
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if pool is not None:
        pool.shutdown()
    shared = pickle.dumps(Shared(compiled, 0, seed, homes), protocol=pickle.HIGHEST_PROTOCOL)
    diff = differences(whole, run.result)
    print(
        f"decomposed ({args.partitions} partitions, {args.workers or 'inline'} workers): "
        f"{wall:.1f} s wall, {cpu:.1f} CPU-s here; {run.passes} passes, "
        f"{run.window_runs} window runs / {len(compiled.windows)}, {run.office_runs} office "
        f"runs / {len(compiled.offices)}; equal to the whole run: "
        f"{'yes' if not diff else 'NO: ' + ', '.join(diff)}; the shared input pickles to "
        f"{len(shared) / 1e6:.0f} MB"
    )
    stream_costs(compiled, homes)


if __name__ == "__main__":
    main()
