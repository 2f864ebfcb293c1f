"""``POST /staffing``: the same verified plan as ``tongban staff --rates`` computes."""

from __future__ import annotations

from sim.staffing.evaluate import WaitTarget
from sim.staffing.plan import WindowDayDemand, staff_all
from sim.staffing.search import StaffingSettings
from sim.staffing.service import parametric
from tests.api.service import Service

REQUEST = {
    "rates": [20, 45, 60, 30],
    "open": "09:00",
    "wait_minutes": 15,
    "wait_share": 0.8,
    "replications": 200,
    "verify_replications": 400,
    "seed": 4,
}


def test_plan_equals_the_library_and_is_verified(service: Service) -> None:
    response = service.request("POST", "/staffing", json=REQUEST)
    assert response.status_code == 200, response.text
    plan = response.json()["plan"]
    demand = WindowDayDemand(
        "W1", "workday", 9, (20.0, 45.0, 60.0, 30.0), parametric("exponential", 10.0)
    )
    settings = StaffingSettings(search_replications=200, verify_replications=400, seed=4)
    expected = staff_all([demand], WaitTarget(15, 0.8), settings).windows[0]
    assert [h["clerks"] for h in plan["hours"]] == list(expected.plan.clerks)
    assert [h["hour"] for h in plan["hours"]] == [9, 10, 11, 12]
    assert plan["verified"] and plan["hours_missing_target"] == []
    assert all(h["service_level"] >= 0.8 - h["service_level_ci95"] for h in plan["hours"])
    assert sum(s["clerks"] for s in plan["shifts"]) >= 1


def test_bad_staffing_input_is_422_with_the_field(service: Service) -> None:
    cases = [
        ({**REQUEST, "rates": [-1]}, ["body", "rates", 0]),
        ({**REQUEST, "open": "9h"}, ["body", "open"]),
        ({**REQUEST, "wait_share": 1.5}, ["body", "wait_share"]),
        ({**REQUEST, "colour": 1}, ["body", "colour"]),
    ]
    for body, loc in cases:
        response = service.request("POST", "/staffing", json=body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["loc"] == loc
    late = service.request("POST", "/staffing", json={**REQUEST, "open": "22:00"})
    assert late.status_code == 422 and "24:00" in late.json()["detail"]
    many = service.request("POST", "/staffing", json={**REQUEST, "replications": 10**6})
    assert many.status_code == 422 and "at most" in many.json()["detail"]
    assert service.request("POST", "/staffing", "analyst", json=REQUEST).status_code == 403


def test_work_beyond_the_limits_is_refused_before_any_work(service: Service) -> None:
    """Requests within each field's range whose work is not (they used to hang the server)."""
    import time

    overloaded = {**REQUEST, "rates": [2500, 2500], "service_mean": 600}
    long_day = {**REQUEST, "open": "00:00", "rates": [200] * 24,
                "replications": 4000, "verify_replications": 4000}  # fmt: skip
    for body, field in ((overloaded, "offered load"), (long_day, "simulated applicants")):
        started = time.monotonic()
        response = service.request("POST", "/staffing", json=body)
        assert response.status_code == 422, response.text
        assert field in response.text
        assert time.monotonic() - started < 10
