"""Sweeps: rows equal ``tongban sweep``'s, 422s name the setting, roles, idempotency, cancel,
resume, and a point only the compiler refuses fails the sweep naming it."""

from __future__ import annotations

import csv
import io
import math
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from api.db import make_engine
from api.models.sweeps import SweepRecord, SweepReplicationRecord
from api.sweep_work import _store, execute_sweep
from api.workers import claim, sweep_in_worker
from sim.scenarios.overrides import parse_setting
from tests.api.conftest import ServiceFactory
from tests.api.service import MMC_SMALL, Service
from tongban.cli import app
from tongban.pipeline import RunOptions
from tongban.pipeline.executor import InlineExecutor
from tongban.pipeline.sweep import plan_points, run_sweep, sweep_rows

GRID = [
    {"path": "windows.W1.clerks", "values": [9, 10, 11]},
    {"path": "days", "values": [4]},
    {"path": "warmup_days", "values": [1]},
]
CLI_GRID = ["windows.W1.clerks=9,10,11", "days=4", "warmup_days=1"]
TINY_TOML = """
name = "tiny from TOML"
days = 5
seed = 3
replications = 2
[[windows]]
id = "W1"
clerks = 3
hours = [["00:00", "24:00"]]
calendar = "always"
[[demand]]
window = "W1"
matter = "1-05"
per_hour = 12.0
service_minutes = { dist = "exponential", mean = 10.0 }
"""


def _stored(service: Service, model: Any) -> int:
    engine = make_engine(service.url)
    with Session(engine) as session:
        count = int(session.exec(select(func.count()).select_from(model)).one())
    engine.dispose()
    return count


def _json(value: Any) -> Any:
    """A KPI as the API's JSON holds it (NaN → null)."""
    return None if isinstance(value, float) and math.isnan(value) else value


def test_a_sweep_s_rows_equal_tongban_sweep_s(make_service: ServiceFactory, tmp_path: Path) -> None:
    service = make_service(dispatch=True)
    body = {"scenario_name": "mmc", "settings": GRID, "replications": 2, "seed": 5}
    submitted = service.request("POST", "/sweeps", json=body)
    assert submitted.status_code == 202, submitted.text
    location = submitted.headers["Location"]
    assert location == f"/sweeps/{submitted.json()['id']}" and submitted.json()["points"] == 3
    sweep = service.wait(location)
    assert sweep["status"] == "succeeded", sweep
    assert sweep["progress"]["prepare"] == {"done": 3, "total": 3, "recomputed": 0}
    assert sweep["progress"]["simulation"] == {"done": 6, "total": 6, "recomputed": 0}
    assert sweep["progress"]["points"] == {"done": 3, "total": 3, "recomputed": 0}

    points = plan_points("mmc", [parse_setting(text) for text in CLI_GRID])
    expected = sweep_rows(points, run_sweep(points, RunOptions(replications=2, seed=5)))
    table = service.request("GET", f"{location}/results", "analyst").json()
    assert table["columns"] == list(expected[0])
    assert "wait_mean_min" in table["columns"] and "km_saved_per_rep" in table["columns"]
    assert table["rows"] == [{k: _json(v) for k, v in row.items()} for row in expected]

    out = tmp_path / "cli"
    grid = [part for text in CLI_GRID for part in ("--set", text)]
    cli = ["sweep", "mmc", *grid, "-r", "2", "--seed", "5", "--out", str(out), "--quiet"]
    assert CliRunner().invoke(app, cli).exit_code == 0
    csv_text = service.request("GET", f"{location}/results", "analyst", params={"format": "csv"})
    assert csv_text.headers["content-type"].startswith("text/csv")
    assert csv_text.content == (out / "sweep.csv").read_bytes()  # byte for byte
    rows = list(csv.DictReader(io.StringIO(csv_text.text)))
    assert [r["windows.W1.clerks"] for r in rows] == ["9", "10", "11"]
    assert service.request("POST", f"{location}/cancel").status_code == 409


def _problem(service: Service, body: dict[str, Any]) -> dict[str, Any]:
    response = service.request("POST", "/sweeps", json=body)
    assert response.status_code == 422, response.text
    problem: dict[str, Any] = response.json()
    return problem


def test_bad_settings_are_422_naming_the_setting_and_range(make_service: ServiceFactory) -> None:
    service = make_service(max_horizon_days=10, max_sweep_points=4)
    base = {"scenario_name": "mmc"}
    cases: list[tuple[list[dict[str, Any]], list[Any], str]] = [
        (
            [{"path": "windows.W1.clerks", "values": [9, -1]}],
            ["body", "settings", 0, "values", 1],
            "windows.W1.clerks=-1: invalid scenario mmc with windows.W1.clerks=-1: "
            "windows.0.clerks: Input should be greater than or equal to 0",
        ),
        (
            [{"path": "windows.W1.clerks", "values": [9]}, {"path": "days", "values": [8, 0]}],
            ["body", "settings", 1, "values", 1],
            "days: Input should be greater than 0",
        ),
        (
            [{"path": "nonsense", "values": [1]}],
            ["body", "settings", 0, "values", 0],
            "nonsense: unknown key; allowed keys: name",
        ),
        (
            [{"path": "windows.W9.clerks", "values": [1]}],
            ["body", "settings", 0, "values", 0],
            "no element 'W9' (ids: W1",
        ),
        (
            [{"path": "days", "values": [5]}, {"path": "days", "values": [6]}],
            ["body", "settings", 1],
            "days: given more than once",
        ),
        (
            [{"path": "warmup_days", "values": [1]}, {"path": "days", "values": [5, 11]}],
            ["body", "settings", 1, "values", 1],
            "days must be at most 10 on this service (got 11)",
        ),
        (
            [{"path": "days", "values": [5, 6, 7, 8, 9]}],
            ["body", "settings"],
            "settings make 5 points; at most 4 on this service",
        ),
    ]
    for settings, loc, message in cases:
        problem = _problem(service, {**base, "settings": settings})
        assert problem["errors"][0]["loc"] == loc, (settings, problem)
        assert message in problem["detail"], (settings, problem)
    bad_value = _problem(service, {**base, "settings": [{"path": "days", "values": []}]})
    assert bad_value["errors"][0]["loc"] == ["body", "settings", 0, "values"]
    bad_path = _problem(service, {**base, "settings": [{"path": "a..b", "values": [1]}]})
    assert bad_path["errors"][0]["loc"] == ["body", "settings", 0, "path"]
    settings = [{"path": "days", "values": [5]}]
    unknown = _problem(service, {"scenario_name": "nowhere", "settings": settings})
    assert "shipped: chizhou" in unknown["detail"]
    assert "exactly one of" in _problem(service, {"settings": settings})["detail"]
    both = {"scenario_name": "mmc", "scenario_id": 1, "settings": settings}
    assert "exactly one of" in _problem(service, both)["detail"]
    not_toml = _problem(service, {"scenario_toml": "days = = 3", "settings": settings})
    assert not_toml["errors"][0]["loc"] == ["body", "scenario_toml"]
    bad_toml = TINY_TOML.replace("clerks = 3", "clerks = -3")
    invalid = _problem(service, {"scenario_toml": bad_toml, "settings": settings})
    assert invalid["errors"][0]["loc"][:2] == ["body", "scenario_toml"]
    assert "windows.0.clerks" in invalid["detail"]
    missing = service.request("POST", "/sweeps", json={"scenario_id": 999, "settings": settings})
    assert missing.status_code == 404
    assert _stored(service, SweepRecord) == 0  # nothing stored, nothing started


def test_bases_roles_idempotency_and_limits(make_service: ServiceFactory) -> None:
    service = make_service(max_active_runs_per_key=2)
    scenario = service.request("POST", "/scenarios", json=MMC_SMALL).json()["id"]
    settings = [{"path": "windows.W1.clerks", "values": [3, 4]}]
    body = {"scenario_id": scenario, "settings": settings, "seed": 7}
    assert service.request("POST", "/sweeps", "analyst", json=body).status_code == 403
    assert service.request("POST", "/sweeps", None, json=body).status_code == 401
    again = {"Idempotency-Key": "grid-1"}
    first = service.request("POST", "/sweeps", json=body, headers=again)
    assert first.status_code == 202, first.text
    stored = first.json()
    assert (stored["scenario_id"], stored["scenario_version"]) == (scenario, 1)
    assert stored["points"] == 2 and stored["status"] == "queued" and stored["seed"] == 7
    replay = service.request("POST", "/sweeps", json=body, headers=again)
    assert replay.status_code == 202 and replay.json()["id"] == stored["id"]
    other = service.request("POST", "/sweeps", json={**body, "seed": 8}, headers=again)
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["detail"]
    toml = {"scenario_toml": TINY_TOML, "settings": settings}
    from_toml = service.request("POST", "/sweeps", json=toml)
    assert from_toml.status_code == 202 and from_toml.json()["scenario_name"] == "tiny from TOML"
    busy = service.request("POST", "/sweeps", json=toml)  # two active: the key's limit
    assert busy.status_code == 429 and int(busy.headers["Retry-After"]) >= 1
    run = service.request("POST", f"/scenarios/{scenario}/runs")
    assert run.status_code == 429  # runs and sweeps share the limit
    listed = service.request("GET", "/sweeps", "analyst", params={"scenario_id": scenario})
    assert [s["id"] for s in listed.json()] == [stored["id"]]
    location = f"/sweeps/{stored['id']}"
    status = service.request("GET", location, "analyst")
    assert status.json()["status"] == "queued" and "Retry-After" in status.headers
    early = service.request("GET", f"{location}/results", "analyst")
    assert early.status_code == 409 and "queued" in early.json()["detail"]
    assert service.request("POST", f"{location}/cancel", "analyst").status_code == 403
    assert service.request("POST", f"{location}/cancel", "planner2").status_code == 403
    cancelled = service.request("POST", f"{location}/cancel")
    assert cancelled.status_code == 202 and cancelled.json()["status"] == "cancelled"
    assert service.request("POST", f"{location}/cancel").status_code == 409
    deleted = service.request("DELETE", f"/scenarios/{scenario}")
    assert deleted.status_code == 409 and "1 sweeps" in deleted.json()["detail"]
    assert service.request("GET", "/sweeps/999", "analyst").status_code == 404


def test_cancelling_a_running_sweep_stops_its_worker(make_service: ServiceFactory) -> None:
    service = make_service(dispatch=True)
    slow = {**MMC_SMALL, "days": 40, "demand": [{**MMC_SMALL["demand"][0], "per_hour": 15.0}]}
    scenario = service.request("POST", "/scenarios", json=slow).json()["id"]
    settings = [{"path": "windows.W1.clerks", "values": [3, 4, 5, 6]}]
    body = {"scenario_id": scenario, "settings": settings, "replications": 5}
    location = service.request("POST", "/sweeps", json=body).headers["Location"]
    deadline = time.monotonic() + 60
    while True:
        sweep = service.request("GET", location, "analyst").json()
        if sweep["status"] == "running" and sweep["progress"].get("simulation", {}).get("done"):
            break
        assert sweep["status"] in ("queued", "running") and time.monotonic() < deadline, sweep
        time.sleep(0.05)
    cancelled = service.request("POST", f"{location}/cancel")
    assert cancelled.status_code == 202 and cancelled.json()["status"] == "cancelled"
    time.sleep(2.0)  # the worker notices at its next replication and stops
    stored = _stored(service, SweepReplicationRecord)
    time.sleep(1.0)
    assert _stored(service, SweepReplicationRecord) == stored < 20
    final = service.request("GET", location, "analyst").json()
    assert final["status"] == "cancelled" and final["progress"]["simulation"]["done"] < 20
    assert service.request("GET", f"{location}/results", "analyst").status_code == 409


class CountingInline(InlineExecutor):
    """Inline, counting the tasks it runs."""

    def __init__(self) -> None:
        self.tasks = 0

    def map(
        self, fn: Any, shared: Any, keys: Any, on_done: Any = None, on_result: Any = None
    ) -> Any:
        self.tasks += len(keys)
        return super().map(fn, shared, keys, on_done, on_result)


def _claimed(service: Service, body: dict[str, Any]) -> tuple[Engine, int]:
    """A submitted sweep, claimed as the dispatcher would (status running)."""
    response = service.request("POST", "/sweeps", json=body)
    assert response.status_code == 202, response.text
    engine = make_engine(service.url)
    assert claim(engine, SweepRecord, response.json()["id"])
    return engine, int(response.json()["id"])


def test_a_resumed_sweep_computes_only_what_is_missing(service: Service) -> None:
    grid = [{"path": "windows.W1.clerks", "values": [9, 10]}, {"path": "days", "values": [7]}]
    engine, sweep_id = _claimed(service, {"scenario_name": "mmc", "settings": grid, "seed": 4})
    first = CountingInline()
    execute_sweep(engine, sweep_id, executor=first)
    done = service.request("GET", f"/sweeps/{sweep_id}/results", "analyst").json()
    assert first.tasks == 2 * 10  # mmc's 10 replications per point
    with Session(engine) as session:  # as if the server died before one replication was stored
        lost = session.exec(select(SweepReplicationRecord).limit(1)).one()
        session.delete(lost)
        sweep = session.get(SweepRecord, sweep_id)
        assert sweep is not None
        sweep.status, sweep.rows, sweep.columns = "running", None, None
        session.add(sweep)
        session.commit()
    again = CountingInline()
    execute_sweep(engine, sweep_id, executor=again)
    assert again.tasks == 1
    assert service.request("GET", f"/sweeps/{sweep_id}/results", "analyst").json() == done
    engine.dispose()


class RacingInline(InlineExecutor):
    """Inline; another worker stores the first task's replication before this one does."""

    def __init__(self, engine: Engine, sweep_id: int) -> None:
        self.engine, self.sweep_id = engine, sweep_id

    def map_parts(
        self, fn: Any, parts: Any, keys: Any, on_done: Any = None, on_result: Any = None
    ) -> Any:
        first = keys[0]
        assert _store(self.engine, self.sweep_id, first, fn(parts[first[0]], first))
        return super().map_parts(fn, parts, keys, on_done, on_result)


def test_a_replication_stored_twice_is_counted_as_recomputed(service: Service) -> None:
    grid = [{"path": "windows.W1.clerks", "values": [9, 10]}, {"path": "days", "values": [7]}]
    body = {"scenario_name": "mmc", "settings": grid, "seed": 4, "replications": 2}
    engine, sweep_id = _claimed(service, body)
    execute_sweep(engine, sweep_id, executor=RacingInline(engine, sweep_id))
    sweep = service.request("GET", f"/sweeps/{sweep_id}", "analyst").json()
    assert sweep["status"] == "succeeded"
    assert sweep["progress"]["simulation"] == {"done": 4, "total": 4, "recomputed": 1}
    assert sweep["progress"]["points"] == {"done": 2, "total": 2, "recomputed": 0}
    assert _stored(service, SweepReplicationRecord) == 4
    engine.dispose()


def test_a_point_the_compiler_refuses_fails_the_sweep_naming_it(service: Service) -> None:
    grid = [{"path": "demand.0.window", "values": ["W9"]}, {"path": "days", "values": [7]}]
    engine, sweep_id = _claimed(service, {"scenario_name": "mmc", "settings": grid})
    sweep_in_worker(service.url, sweep_id, 50)  # schema-valid: only compiling finds it
    failed = service.request("GET", f"/sweeps/{sweep_id}", "analyst").json()
    assert failed["status"] == "failed"
    assert "demand.0.window: unknown window 'W9'; allowed: W1" in failed["error"]
    engine.dispose()
