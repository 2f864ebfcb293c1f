"""Runs: 202 + Location, progress, results equal to the pipeline's, cancel, idempotency, limits."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlmodel import Session, col, func, select

from api.db import make_engine
from api.models.runs import ReplicationRecord, RunRecord
from tests.api.conftest import ServiceFactory
from tests.api.service import GEO_SMALL, MMC_SMALL, Service, expected_tables


def create_scenario(service: Service, body: dict[str, Any] = MMC_SMALL) -> int:
    response = service.request("POST", "/scenarios", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_run_finishes_with_the_pipeline_s_results(make_service: ServiceFactory) -> None:
    service = make_service(dispatch=True)
    scenario = create_scenario(service)
    submitted = service.request("POST", f"/scenarios/{scenario}/runs", json={"seed": 11})
    assert submitted.status_code == 202, submitted.text
    location = submitted.headers["Location"]
    assert location == f"/runs/{submitted.json()['id']}" and "Retry-After" in submitted.headers
    run = service.wait(location)
    assert run["status"] == "succeeded", run
    assert run["progress"]["simulation"] == {"done": 2, "total": 2, "recomputed": 0}
    assert run["seed"] == 11 and run["finished_at"] >= run["started_at"]
    assert run["summary"]["seed"] == 11 and run["summary"]["replications"] == 2
    expected = expected_tables(MMC_SMALL, 11, 2)
    assert set(run["tables"]) == set(expected)
    for name, (columns, rows) in expected.items():
        table = service.request("GET", f"{location}/results/{name}", "analyst").json()
        assert table["columns"] == columns
        assert [[r[c] for c in columns] for r in table["rows"]] == rows, name
    csv = service.request("GET", f"{location}/results/windows", "analyst", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == ",".join(expected["windows"][0])
    assert len(csv.text.splitlines()) == 1 + len(expected["windows"][1])
    missing = service.request("GET", f"{location}/results/nope", "analyst")
    assert missing.status_code == 404 and "turnaround" in missing.json()["detail"]
    routes = service.request("GET", f"{location}/routes", "analyst")
    assert routes.status_code == 404 and "abstract" in routes.json()["detail"]
    done = service.request("POST", f"{location}/cancel")
    assert done.status_code == 409 and "succeeded" in done.json()["detail"]


def test_queued_runs_cancel_and_have_no_results_yet(service: Service) -> None:
    scenario = create_scenario(service)
    location = service.request("POST", f"/scenarios/{scenario}/runs", json={}).headers["Location"]
    status = service.request("GET", location, "analyst")
    assert status.json()["status"] == "queued" and "Retry-After" in status.headers
    early = service.request("GET", f"{location}/results/windows", "analyst")
    assert early.status_code == 409 and "queued" in early.json()["detail"]
    assert service.request("POST", f"{location}/cancel", "planner2").status_code == 403
    cancelled = service.request("POST", f"{location}/cancel")
    assert cancelled.status_code == 202 and cancelled.json()["status"] == "cancelled"
    assert service.request("POST", f"{location}/cancel").status_code == 409


def test_two_concurrent_posts_with_one_idempotency_key_create_one_run(service: Service) -> None:
    scenario = create_scenario(service)
    barrier = threading.Barrier(2)

    def post(_: int) -> Any:
        barrier.wait()
        return service.request(
            "POST",
            f"/scenarios/{scenario}/runs",
            json={"seed": 5},
            headers={"Idempotency-Key": "same-request"},
        )

    with ThreadPoolExecutor(2) as pool:
        first, second = list(pool.map(post, range(2)))
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    engine = make_engine(service.url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(RunRecord)).one()
        assert count == 1
    engine.dispose()
    other = service.request(
        "POST",
        f"/scenarios/{scenario}/runs",
        json={"seed": 6},
        headers={"Idempotency-Key": "same-request"},
    )
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["detail"]


def test_limits_replications_and_active_runs(make_service: ServiceFactory) -> None:
    service = make_service(max_active_runs_per_key=1, max_replications=3)
    scenario = create_scenario(service)
    path = f"/scenarios/{scenario}/runs"
    too_many = service.request("POST", path, json={"replications": 4})
    assert too_many.status_code == 422 and "at most 3" in too_many.json()["detail"]
    assert service.request("POST", path, json={"replications": 0}).status_code == 422
    assert service.request("POST", path, json={"colour": 1}).status_code == 422
    assert service.request("POST", path).status_code == 202
    busy = service.request("POST", path)
    assert busy.status_code == 429 and int(busy.headers["Retry-After"]) >= 1
    assert service.request("POST", path, "planner2").status_code == 202  # per key
    assert service.request("POST", path, "analyst").status_code == 403
    assert service.request("POST", "/scenarios/999/runs").status_code == 404
    runs = service.request("GET", "/runs", "analyst", params={"scenario_id": scenario}).json()
    assert len(runs) == 2
    deleted = service.request("DELETE", f"/scenarios/{scenario}")
    assert deleted.status_code == 409 and "runs" in deleted.json()["detail"]
    with Session(make_engine(service.url)) as session:
        statuses = session.exec(select(col(RunRecord.status))).all()
        assert statuses == ["queued", "queued"]


def test_a_geographic_run_serves_its_pickup_routes(make_service: ServiceFactory) -> None:
    from routing.outputs import routes_geojson
    from sim.scenarios.loader import parse_scenario
    from tongban import pipeline

    service = make_service(dispatch=True, route_iterations=50)
    scenario = create_scenario(service, GEO_SMALL)
    location = service.request("POST", f"/scenarios/{scenario}/runs").headers["Location"]
    run = service.wait(location)
    assert run["status"] == "succeeded", run
    assert {"pickups", "unserved", "tradeoff"} <= set(run["tables"])
    routes = service.request("GET", f"{location}/routes", "analyst")
    assert routes.status_code == 200
    assert routes.headers["content-type"].startswith("application/geo+json")
    options = pipeline.RunOptions(route_iterations=50)
    prepared = pipeline.prepare(parse_scenario(GEO_SMALL), options, None)
    assert prepared.routing is not None
    assert routes.json() == routes_geojson(prepared.routing.chosen)
    assert routes.json()["features"] and all(
        f["geometry"]["type"] == "LineString" for f in routes.json()["features"]
    )


def test_cancelling_a_running_run_stops_its_worker(make_service: ServiceFactory) -> None:
    service = make_service(dispatch=True)
    slow = {**MMC_SMALL, "days": 60, "demand": [{**MMC_SMALL["demand"][0], "per_hour": 15.0}]}
    scenario = create_scenario(service, slow)
    body = {"replications": 20}
    location = service.request("POST", f"/scenarios/{scenario}/runs", json=body).headers["Location"]
    deadline = time.monotonic() + 60
    while True:
        run = service.request("GET", location, "analyst").json()
        if run["status"] == "running" and run["progress"].get("simulation", {}).get("done"):
            break
        assert run["status"] in ("queued", "running") and time.monotonic() < deadline, run
        time.sleep(0.05)
    cancelled = service.request("POST", f"{location}/cancel")
    assert cancelled.status_code == 202 and cancelled.json()["status"] == "cancelled"
    time.sleep(2.0)  # the worker notices at its next replication and stops
    engine = make_engine(service.url)
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(ReplicationRecord)).one()
    time.sleep(1.0)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ReplicationRecord)).one() == stored
    engine.dispose()
    assert stored < 20
    final = service.request("GET", location, "analyst").json()
    assert final["status"] == "cancelled" and final["tables"] == []
