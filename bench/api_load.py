"""HTTP load benchmark of the service: requests/s and latency percentiles on 127.0.0.1.

Run ``.venv/bin/python bench/api_load.py [--requests N] [--seconds S] [--concurrency C]
[--workers W]``. It starts ``tongban serve`` on a free port of 127.0.0.1 with a fresh SQLite
file (or ``DATABASE_URL`` if set), creates an analyst and a planner key, stores the tiny
M/M/c scenario, runs it through the API and waits for its results, then for each of

- ``GET /runs/{id}/results/windows`` (a result read, JSON),
- ``GET /runs/{id}/results/turnaround?format=csv`` (a result read, CSV),
- ``GET /matters`` (the 140 matters of the national list),

sends 100 unmeasured warm-up requests, then at most ``N`` requests (and for at most ``S``
seconds) from ``C`` concurrent connections and prints requests/s, p50 and p99 latency and any
non-200 responses. Load is bounded in count and time and never leaves the loopback interface.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"  # loopback only
MAX_REQUESTS, MAX_SECONDS = 50_000, 120.0
WARMUP = 100  # unmeasured requests per endpoint first
SCENARIO = {
    "name": "bench M/M/c",
    "days": 5,
    "warmup_days": 1,
    "drain_days": 0,
    "seed": 3,
    "replications": 2,
    "windows": [{"id": "W1", "clerks": 3, "hours": [["00:00", "24:00"]], "calendar": "always"}],
    "demand": [
        {
            "window": "W1",
            "matter": "1-05",
            "per_hour": 12.0,
            "service_minutes": {"dist": "exponential", "mean": 10.0},
        }
    ],
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _keys(url: str) -> dict[str, str]:
    from api.db import make_engine, migrate, session_scope
    from api.models.keys import Role
    from api.security import create_key

    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        keys = {role.value: create_key(session, f"bench {role.value}", role)[1] for role in Role}
    engine.dispose()
    return keys


def _start(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TONGBAN_DATABASE_URL": url}
    command = [sys.executable, "-c", "from tongban.cli import main; main()", "serve"]
    command += ["--host", HOST, "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"server did not start; log: {log.read_text(errors='replace')[-2000:]}")


def _finished_run(base: str, keys: dict[str, str]) -> int:
    planner = {"X-API-Key": keys["planner"]}
    scenario = httpx.post(f"{base}/scenarios", json=SCENARIO, headers=planner).json()["id"]
    location = httpx.post(f"{base}/scenarios/{scenario}/runs", headers=planner).headers["Location"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run = httpx.get(f"{base}{location}", headers=planner).json()
        if run["status"] == "succeeded":
            return int(run["id"])
        if run["status"] in ("failed", "cancelled"):
            raise SystemExit(f"the benchmark run {run['status']}: {run.get('error')}")
        time.sleep(0.2)
    raise SystemExit("the benchmark run did not finish within 120 s")


async def _load(
    base: str, path: str, key: str, requests: int, seconds: float, concurrency: int
) -> tuple[int, float, list[float], dict[int, int]]:
    latencies: list[float] = []
    failures: dict[int, int] = {}
    sent = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers={"X-API-Key": key}, limits=limits
    ) as client:
        for _ in range(WARMUP):  # connections, per-process caches: measure the steady state
            await client.get(path)
        began = time.perf_counter()
        stop_at = began + seconds

        async def worker() -> None:
            nonlocal sent
            while sent < requests and time.perf_counter() < stop_at:
                sent += 1
                start = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200:
                    failures[response.status_code] = failures.get(response.status_code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return len(latencies), elapsed, latencies, failures


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="per endpoint (max 50000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="per endpoint (max 120)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = parser.parse_args()
    requests = max(1, min(args.requests, MAX_REQUESTS))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))
    concurrency = max(1, min(args.concurrency, 256))
    with tempfile.TemporaryDirectory(prefix="tongban-bench-") as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.db'}"
        keys = _keys(url)
        port = _free_port()
        base = f"http://{HOST}:{port}"
        server = _start(url, port, args.workers, Path(folder) / "server.log")
        try:
            run_id = _finished_run(base, keys)
            print(
                f"tongban serve --workers {args.workers} on {HOST} ({url.split(':')[0]}); "
                f"{concurrency} concurrent connections; at most {requests} requests or "
                f"{seconds:g} s per endpoint"
            )
            print(f"{'endpoint':48s} {'requests':>8s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s}")
            for path in (
                f"/runs/{run_id}/results/windows",
                f"/runs/{run_id}/results/turnaround?format=csv",
                "/matters",
            ):
                count, elapsed, latencies, failures = asyncio.run(
                    _load(base, path, keys["analyst"], requests, seconds, concurrency)
                )
                p50 = 1000 * statistics.median(latencies)
                p99 = 1000 * _percentile(latencies, 0.99)
                bad = f"  non-200: {failures}" if failures else ""
                print(
                    f"GET {path:44s} {count:8d} {count / elapsed:8.0f} {p50:8.1f} {p99:8.1f}{bad}"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
