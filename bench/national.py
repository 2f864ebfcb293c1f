"""National-scale benchmark: wall time, cases/s, peak memory, 1 → N worker speedup, and the
workers a cluster needs for a national year.

Run ``PYTHONPATH=. .venv/bin/python bench/national.py [--days 30] [-r 2] [--workers 1,2]
[--executor processes|dask] [--provinces 12,13]``. It loads ``sim/scenarios/national.toml``
(every province, prefecture and county hall, 140 matters, a staffed office per unit),
compiles it once (simulation stage alone: clerks sized by hour-by-hour Erlang C), then runs
``-r`` replications on each worker count and prints, per count: wall time, cases simulated,
cases/s, the speedup over the first count, and peak memory: the sum of this process's and
its workers' resident memory, sampled from ``/proc`` (Linux), and the largest worker's.
From the single-worker throughput it extrapolates the national month with 10 replications
and the workers a cluster needs to simulate a national year (12 months × 10 replications)
within an hour. Figures depend on the machine's load: say so when quoting.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import threading
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


class MemorySampler(threading.Thread):
    """Resident memory of this process and every process below it, read from ``/proc``
    every ``interval`` seconds: the peak of their sum (what the machine must hold at once),
    and the peak of the largest single descendant (a worker).

    ``getrusage``'s children figure cannot be used for workers: a spawned worker is forked
    from this process before it execs, so its peak includes this process's memory at that
    moment (a driver holding many replications' results would pass for a large worker).
    """

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_total_mb = 0.0
        self.main_at_peak_mb = 0.0
        self.peak_worker_mb = 0.0
        self._done = threading.Event()

    @staticmethod
    def _rss_mb(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:  # the process ended meanwhile
            pass
        return 0.0

    @staticmethod
    def _descendants(root: int) -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
        found, frontier = [], [root]
        while frontier:
            pid = frontier.pop()
            children = [child for child, parent in parents.items() if parent == pid]
            found += children
            frontier += children
        return found

    def sample(self) -> None:
        """One reading."""
        own = self._rss_mb(os.getpid())
        workers = [self._rss_mb(pid) for pid in self._descendants(os.getpid())]
        total = own + sum(workers)
        if total > self.peak_total_mb:
            self.peak_total_mb, self.main_at_peak_mb = total, own
        self.peak_worker_mb = max([self.peak_worker_mb, *workers])

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        """Take a last reading and end the thread."""
        self._done.set()
        self.join()
        self.sample()


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
    peaks: dict[int, MemorySampler] = {}
    cases = 0
    for workers in (int(w) for w in args.workers.split(",")):
        sampler = peaks[workers] = MemorySampler()
        sampler.start()
        with make_executor(args.executor, workers) as executor:
            begin = time.perf_counter()
            result = run_prepared(prepared, now(), executor=executor)
            walls[workers] = time.perf_counter() - begin
            sampler.stop()
        cases = result.simulation.cases_all_replications
        del result  # the next phase starts without this one's results
        first = walls[min(walls)]
        print(
            f"workers {workers}: wall {walls[workers]:.1f} s, {cases} cases, "
            f"{cases / walls[workers]:.0f} cases/s, speedup {first / walls[workers]:.2f}x vs "
            f"{min(walls)}; peak memory at once {sampler.peak_total_mb:.0f} MB (main "
            f"{sampler.main_at_peak_mb:.0f} MB then), "
            f"largest worker {sampler.peak_worker_mb:.0f} MB"
        )
    one = min(walls)
    per_worker = cases / walls[one] / one  # cases/s per worker
    month_cases = cases / args.replications * 30 / args.days
    month_s = month_cases * TARGET_REPLICATIONS / per_worker
    year_s = month_s * YEAR_MONTHS
    most = max(walls)
    speedup = walls[one] / walls[most]
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
    peak = peaks[most]
    print(
        f"peak memory with {most} workers: {peak.peak_total_mb:.0f} MB at once (this process "
        f"and its workers, sampled every {peak.interval:g} s; goal ≤ 4,096 MB)"
    )


if __name__ == "__main__":
    main()
