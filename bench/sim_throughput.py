"""Throughput of the engine on ``mmc.toml`` against an idiomatic SimPy M/M/c script.

Both simulate the same queue (λ = 50/h, mean service 10 min, c = 10) for about 1,000,000
customers in this one process; the script prints customers per CPU-second for each, the
ratio (goal ≥ 0.8) and the process's peak resident memory (goal < 200 MB).

    .venv/bin/python bench/sim_throughput.py [--customers N]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.run import simulate
from sim.scenarios.loader import load_scenario

ARRIVALS_PER_HOUR = 50.0
SERVICE_MEAN = 10.0
CLERKS = 10


def plain_simpy(customers: int, seed: int = 1) -> tuple[int, float]:
    """The textbook SimPy M/M/c: a process per customer, a Resource for the clerks."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    clerks = simpy.Resource(env, capacity=CLERKS)
    totals = {"served": 0, "wait": 0.0}
    mean_gap = 60.0 / ARRIVALS_PER_HOUR

    def customer(env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        arrived = env.now
        with clerks.request() as request:
            yield request
            totals["wait"] += env.now - arrived
            totals["served"] += 1
            yield env.timeout(rng.exponential(SERVICE_MEAN))

    def source(env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        for _ in range(customers):
            yield env.timeout(rng.exponential(mean_gap))
            env.process(customer(env))

    env.process(source(env))
    env.run()
    return int(totals["served"]), float(totals["wait"]) / max(totals["served"], 1)


def engine(customers: int) -> tuple[int, float]:
    """The product's engine on the shipped mmc.toml, stretched to ``customers`` arrivals."""
    scenario = load_scenario("mmc")
    days = round(customers / (ARRIVALS_PER_HOUR * 24.0))
    scenario = scenario.model_copy(update={"days": days, "warmup_days": 0.0, "replications": 1})
    result = simulate(scenario)
    row = result.windows[0]
    return int(row.cases), row.wait_mean_min


def peak_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args(argv)

    start = time.process_time()
    served_engine, wait_engine = engine(args.customers)
    cpu_engine = time.process_time() - start
    memory_engine = peak_mb()

    start = time.process_time()
    served_plain, wait_plain = plain_simpy(args.customers)
    cpu_plain = time.process_time() - start

    rate_engine = served_engine / cpu_engine
    rate_plain = served_plain / cpu_plain
    print(
        f"engine (mmc.toml): {served_engine:>9,d} customers  {cpu_engine:7.2f} CPU-s  "
        f"{rate_engine:>10,.0f} customers/CPU-s  mean wait {wait_engine:.3f} min"
    )
    print(
        f"plain SimPy      : {served_plain:>9,d} customers  {cpu_plain:7.2f} CPU-s  "
        f"{rate_plain:>10,.0f} customers/CPU-s  mean wait {wait_plain:.3f} min"
    )
    print(f"ratio engine/plain: {rate_engine / rate_plain:.2f} (goal >= 0.8)")
    print(
        f"peak memory: {memory_engine:.0f} MB after the engine, {peak_mb():.0f} MB at the end "
        "(goal < 200 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
