"""Helpers shared by the API tests: the tiny scenario, per-test databases, the client wrapper."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import make_url

from api.db import make_engine, migrate, session_scope
from api.models.keys import Role
from api.run_work import table_rows
from api.security import create_key
from api.settings import Settings
from sim.scenarios.loader import parse_scenario

POSTGRES_ENV = "TONGBAN_TEST_POSTGRES_URL"
MMC_SMALL: dict[str, Any] = {
    "name": "tiny M/M/c",
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
    "process": {"window": {"incomplete_share": 0.0}},
    "targets": {"wait_minutes": 15, "wait_share": 0.8},
}

#: A geographic scenario small enough for tests: two Chizhou halls, routing on, no staffing.
GEO_SMALL: dict[str, Any] = {
    "name": "two Chizhou halls",
    "locality": "chizhou",
    "start_date": "2025-09-01",
    "days": 3,
    "drain_days": 30,
    "seed": 5,
    "replications": 1,
    "windows": [
        {"id": "city", "code": "341700", "level": "prefecture", "clerks": 2},
        {"id": "guichi", "code": "341702", "level": "county", "clerks": 1},
    ],
    "demand": [
        {"window": "city", "matter": "*", "per_day": 6.0},
        {"window": "guichi", "matter": "*", "per_day": 3.0},
    ],
}


def with_search_path(base: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use ``schema`` (a per-test namespace)."""
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@dataclass
class Service:
    """A running app (in-process) with one key per role."""

    client: TestClient
    keys: dict[str, str]
    url: str
    settings: Settings
    extra: dict[str, Any] = field(default_factory=dict)

    def headers(self, role: str | None) -> dict[str, str]:
        return {} if role is None else {"X-API-Key": self.keys[role]}

    def request(
        self, method: str, path: str, role: str | None = "planner", **kw: Any
    ) -> httpx.Response:
        headers = {**self.headers(role), **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def wait(self, path: str, seconds: float = 120.0, role: str = "analyst") -> dict[str, Any]:
        """Poll a run or job until it is no longer queued or running."""
        deadline = time.monotonic() + seconds
        while True:
            body: dict[str, Any] = self.request("GET", path, role).json()
            if body["status"] not in ("queued", "running"):
                return body
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} still {body['status']} after {seconds} s: {body}")
            time.sleep(0.2)


def prepare_database(url: str) -> dict[str, str]:
    """Migrate and create one key per role; the keys by role."""
    engine = make_engine(url)
    migrate(engine)
    keys = {}
    with session_scope(engine) as session:
        for role in Role:
            keys[role.value] = create_key(session, f"test {role.value}", role)[1]
        keys["planner2"] = create_key(session, "another planner", Role.planner)[1]
    engine.dispose()
    return keys


def expected_tables(body: dict[str, Any], seed: int, replications: int) -> dict[str, Any]:
    """The pipeline's tables for the same scenario, seed and replications, in process."""
    from tongban import pipeline

    options = pipeline.RunOptions(replications=replications, seed=seed)
    prepared = pipeline.prepare(parse_scenario(body), options, None)
    results = [pipeline.replicate(prepared, i) for i in range(prepared.replications)]
    now = datetime.now(UTC)
    tables = pipeline.report_tables(pipeline.finish(prepared, results, now, now))
    return {name: table_rows(row_type, rows) for name, (row_type, rows) in tables.items()}
