"""``/routing/jobs``: stops with time windows and demands (or a benchmark file) → routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from routing.readers import read_vrplib
from routing.solve import solve
from routing.stopping import StoppingCriterion
from tests.api.conftest import ServiceFactory
from tests.api.service import Service
from tongban.kernel.clock import parse_clock

TINY = Path(__file__).resolve().parents[1] / "data" / "routing" / "tiny.vrp"
JOB: dict[str, Any] = {
    "depot": {
        "name": "Chizhou EMS",
        "lon": 117.49,
        "lat": 30.66,
        "open": "08:00",
        "cutoff": "20:00",
    },
    "stops": [
        {
            "id": f"S{i}",
            "lon": 117.49 + 0.05 * (i % 4),
            "lat": 30.66 + 0.04 * (i // 4),
            "open": "09:00",
            "close": "12:00" if i % 2 else "17:00",
            "demand": 3,
        }
        for i in range(8)
    ]
    + [{"id": "FAR", "lon": 117.9, "lat": 30.9, "open": "08:00", "close": "08:05", "demand": 1}],
    "vehicles": [{"count": 2, "capacity": 20}],
    "iterations": 200,
}


@pytest.fixture
def workers(make_service: ServiceFactory) -> Service:
    return make_service(dispatch=True)


def test_routes_respect_windows_and_name_unserved_stops(workers: Service) -> None:
    submitted = workers.request("POST", "/routing/jobs", json=JOB)
    assert submitted.status_code == 202, submitted.text
    job = workers.wait(submitted.headers["Location"])
    assert job["status"] == "succeeded", job
    result = job["result"]
    windows = {s["id"]: (parse_clock(s["open"]), parse_clock(s["close"])) for s in JOB["stops"]}
    served = [visit for route in result["routes"] for visit in route["stops"]]
    assert sorted(v["id"] for v in served) == sorted(f"S{i}" for i in range(8))
    for visit in served:
        lo, hi = windows[visit["id"]]
        assert lo <= parse_clock(visit["arrival"]) <= hi
    assert [u["id"] for u in result["unserved"]] == ["FAR"]
    assert "window closes" in result["unserved"][0]["reason"]
    assert result["distance"] == pytest.approx(
        sum(r["distance"] for r in result["routes"]), abs=0.01
    )
    assert all(r["load"] <= 20 for r in result["routes"])
    features = result["geojson"]["features"]
    assert len(features) == len(result["routes"])
    assert features[0]["geometry"]["coordinates"][0] == [117.49, 30.66]


def test_benchmark_file_gives_the_solver_s_routes(workers: Service) -> None:
    text = TINY.read_text(encoding="utf-8")
    body = {"instance": {"format": "vrplib", "text": text}, "iterations": 100, "seed": 1}
    submitted = workers.request("POST", "/routing/jobs", json=body)
    assert submitted.status_code == 202
    job = workers.wait(submitted.headers["Location"])
    problem = read_vrplib(TINY).problem
    direct = solve(problem, StoppingCriterion(seconds=60.0, iterations=100), seed=1)
    assert job["result"]["distance"] == pytest.approx(direct.distance / problem.distance_scale)
    assert job["result"]["vehicles_used"] == direct.num_vehicles


def test_bad_jobs_are_rejected_at_submission(service: Service) -> None:
    garbage = {"instance": {"format": "solomon", "text": "x\n1 2 3"}}
    response = service.request("POST", "/routing/jobs", json=garbage)
    assert response.status_code == 422 and "instance.text:2" in response.json()["detail"]
    both = {**JOB, "instance": {"format": "vrplib", "text": "x"}}
    assert service.request("POST", "/routing/jobs", json=both).status_code == 422
    stop = {**JOB["stops"][0], "close": "08:00"}
    response = service.request("POST", "/routing/jobs", json={**JOB, "stops": [stop]})
    assert response.status_code == 422 and response.json()["errors"][0]["loc"][:3] == [
        "body",
        "stops",
        0,
    ]
    lat = {**JOB["stops"][0], "lat": 91}
    response = service.request("POST", "/routing/jobs", json={**JOB, "stops": [lat]})
    assert response.json()["errors"][0]["loc"] == ["body", "stops", 0, "lat"]
    limit = service.settings.max_routing_stops
    many = [{**JOB["stops"][0], "id": f"N{i}"} for i in range(limit + 1)]
    response = service.request("POST", "/routing/jobs", json={**JOB, "stops": many})
    assert response.status_code == 422 and f"at most {limit}" in response.json()["detail"]
    assert service.request("POST", "/routing/jobs", "analyst", json=JOB).status_code == 403
    assert service.request("GET", "/routing/jobs/999", "analyst").status_code == 404


def test_a_large_instance_file_is_refused_from_its_header(service: Service) -> None:
    """8,000 nodes would build a 64-million-cell matrix: refused before parsing, quickly."""
    import time

    coords = "\n".join(f"{i} {i % 97} {i // 97}" for i in range(1, 8001))
    demands = "\n".join(f"{i} 1" for i in range(1, 8001))
    text = (
        "NAME : big\nTYPE : CVRP\nDIMENSION : 8000\nEDGE_WEIGHT_TYPE : EUC_2D\n"
        f"CAPACITY : 100\nNODE_COORD_SECTION\n{coords}\nDEMAND_SECTION\n{demands}\n"
        "DEPOT_SECTION\n1\n-1\nEOF\n"
    )
    started = time.monotonic()
    job = {"instance": {"format": "vrplib", "text": text}}
    response = service.request("POST", "/routing/jobs", json=job)
    assert response.status_code == 422, response.text
    assert "at most" in response.json()["detail"] and "7999" in response.json()["detail"]
    assert time.monotonic() - started < 5
