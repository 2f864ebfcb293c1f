"""Durability: ``kill -9`` the server mid-run, start it again, and the run finishes with the
results of an uninterrupted run with the same seed (only missing replications recomputed)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session, col, select

from api.db import make_engine
from api.models.runs import ReplicationRecord
from tests.api.live import Server
from tests.api.service import MMC_SMALL, expected_tables, prepare_database

SLOW = {**MMC_SMALL, "days": 60, "demand": [{**MMC_SMALL["demand"][0], "per_hour": 15.0}]}
REPLICATIONS, SEED = 8, 7


@pytest.fixture
def environment(database_url: str) -> Iterator[tuple[dict[str, str], str, dict[str, str]]]:
    url = database_url
    keys = prepare_database(url)
    env = {
        **os.environ,
        "TONGBAN_DATABASE_URL": url,
        "TONGBAN_JOB_WORKERS": "1",
        "TONGBAN_POLL_SECONDS": "0.2",
    }
    yield env, url, keys


def _replications(url: str) -> list[Any]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = list(
            session.exec(select(ReplicationRecord).order_by(col(ReplicationRecord.replication)))
        )
    engine.dispose()
    return rows


def test_kill_9_mid_run_then_restart_gives_the_uninterrupted_results(
    environment: tuple[dict[str, str], str, dict[str, str]], tmp_path: Path
) -> None:
    env, url, keys = environment
    headers = {"X-API-Key": keys["planner"]}
    server = Server(env, tmp_path / "server.log")
    scenario = httpx.post(f"{server.base}/scenarios", json=SLOW, headers=headers).json()["id"]
    body = {"replications": REPLICATIONS, "seed": SEED}
    submitted = httpx.post(f"{server.base}/scenarios/{scenario}/runs", json=body, headers=headers)
    location = submitted.headers["Location"]
    deadline = time.monotonic() + 60
    while True:
        run = httpx.get(f"{server.base}{location}", headers=headers).json()
        done = run["progress"].get("simulation", {}).get("done", 0)
        if run["status"] == "running" and done >= 2:
            break
        assert run["status"] in ("queued", "running") and time.monotonic() < deadline, run
        time.sleep(0.05)
    server.stop(kill=True)
    before = len(_replications(url))
    time.sleep(1.5)  # a worker that outlived the server would go on storing replications
    kept = _replications(url)
    assert len(kept) == before and 2 <= before < REPLICATIONS
    restarted_at = time.time()

    server = Server(env, tmp_path / "server.log")
    try:
        deadline = time.monotonic() + 120
        while True:
            run = httpx.get(f"{server.base}{location}", headers=headers).json()
            if run["status"] not in ("queued", "running"):
                break
            assert time.monotonic() < deadline, run
            time.sleep(0.2)
        assert run["status"] == "succeeded", run
        # the resumed worker computed only the missing replications, none a second time
        assert run["progress"]["simulation"]["recomputed"] == 0, run["progress"]
        rows = _replications(url)
        assert [r.replication for r in rows] == list(range(REPLICATIONS))
        old = {r.replication: r.created_at for r in kept}
        for r in rows:  # the replications stored before the kill were not recomputed
            if r.replication in old:
                assert r.created_at == old[r.replication]
            else:
                assert r.created_at.timestamp() >= restarted_at - 1
        expected = expected_tables(SLOW, SEED, REPLICATIONS)
        for name, (columns, values) in expected.items():
            table = httpx.get(f"{server.base}{location}/results/{name}", headers=headers).json()
            assert [[row[c] for c in columns] for row in table["rows"]] == values, name
    finally:
        server.stop()
