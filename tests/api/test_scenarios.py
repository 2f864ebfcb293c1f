"""Scenario CRUD: JSON or TOML bodies, validated with the field path; limits; ownership."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from tests.api.service import MMC_SMALL, Service

MMC_TOML = Path(__file__).resolve().parents[2] / "sim" / "scenarios" / "mmc.toml"


def test_create_read_replace_delete(service: Service) -> None:
    created = service.request("POST", "/scenarios", json=MMC_SMALL)
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["Location"] == f"/scenarios/{body['id']}"
    assert body["version"] == 1 and body["body"]["days"] == 5
    assert body["created_at"].endswith(("+00:00", "Z"))  # timezone-aware
    fetched = service.request("GET", f"/scenarios/{body['id']}", "analyst")
    assert fetched.json()["body"] == MMC_SMALL
    changed = service.request("PUT", f"/scenarios/{body['id']}", json={**MMC_SMALL, "days": 6})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    listed = service.request("GET", "/scenarios", "analyst").json()
    assert [s["id"] for s in listed] == [body["id"]] and "body" not in listed[0]
    assert service.request("DELETE", f"/scenarios/{body['id']}").status_code == 204
    assert service.request("GET", f"/scenarios/{body['id']}").status_code == 404


def test_toml_body_is_the_scenario_file(service: Service) -> None:
    text = MMC_TOML.read_text(encoding="utf-8")
    created = service.request(
        "POST", "/scenarios", content=text, headers={"Content-Type": "application/toml"}
    )
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "M/M/c check"
    again = service.request(
        "POST",
        "/scenarios",
        content=tomli_w.dumps(MMC_SMALL),
        headers={"Content-Type": "application/toml"},
    )
    assert again.status_code == 201 and again.json()["body"] == MMC_SMALL


def test_errors_give_the_field_path(service: Service) -> None:
    bad = {**MMC_SMALL, "windows": [{**MMC_SMALL["windows"][0], "clerks": -1}]}
    response = service.request("POST", "/scenarios", json=bad)
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert any(loc[:4] == ["body", "windows", 0, "clerks"] for loc in locs), locs
    assert "windows.0.clerks" in response.json()["detail"]
    unknown = service.request("POST", "/scenarios", json={**MMC_SMALL, "colour": "red"})
    assert unknown.status_code == 422
    assert "colour" in unknown.json()["detail"] and "allowed keys" in unknown.json()["detail"]
    wrong_type = service.request("POST", "/scenarios", json={**MMC_SMALL, "days": "many"})
    assert wrong_type.status_code == 422 and wrong_type.json()["errors"][0]["loc"] == [
        "body",
        "days",
    ]
    matter = {**MMC_SMALL, "demand": [{**MMC_SMALL["demand"][0], "matter": "9-99"}]}
    response = service.request("POST", "/scenarios", json=matter)
    assert response.status_code == 422 and "9-99" in response.json()["detail"]


def test_malformed_bodies_are_4xx_never_500(service: Service) -> None:
    broken = service.request(
        "POST", "/scenarios", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and "JSON" in broken.json()["detail"]
    toml = service.request(
        "POST", "/scenarios", content=b"name = ", headers={"Content-Type": "application/toml"}
    )
    assert toml.status_code == 400 and "TOML" in toml.json()["detail"]
    listed = service.request("POST", "/scenarios", json=[1, 2])
    assert listed.status_code == 422
    other = service.request(
        "POST", "/scenarios", content=b"x", headers={"Content-Type": "text/plain"}
    )
    assert other.status_code == 415
    binary = service.request(
        "POST", "/scenarios", content=b"\xff\xfe", headers={"Content-Type": "application/json"}
    )
    assert binary.status_code == 400
    deep = b"[" * 100_000 + b"]" * 100_000
    nested = service.request(
        "POST", "/scenarios", content=deep, headers={"Content-Type": "application/json"}
    )
    assert nested.status_code in (400, 422) and "nest" in nested.json()["detail"]
    deep_toml = b"a = " + b"[" * 50_000 + b"]" * 50_000
    nested = service.request(
        "POST", "/scenarios", content=deep_toml, headers={"Content-Type": "application/toml"}
    )
    assert nested.status_code in (400, 422) and "nest" in nested.json()["detail"]
    stringly = service.request("POST", "/scenarios", json={**MMC_SMALL, "days": "5"})
    assert stringly.status_code == 422  # strict types, as the scenario loader reads files


def test_limits_body_size_and_horizon(service: Service) -> None:
    huge = service.request(
        "POST",
        "/scenarios",
        content=b" " * (service.settings.max_body_bytes + 1),
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 413 and "limit" in huge.json()["detail"]
    days = service.settings.max_horizon_days + 1
    long = service.request("POST", "/scenarios", json={**MMC_SMALL, "days": days})
    assert long.status_code == 422 and long.json()["errors"][0]["loc"] == ["body", "days"]


def test_only_the_owner_or_an_admin_changes_a_scenario(service: Service) -> None:
    created = service.request("POST", "/scenarios", json=MMC_SMALL).json()
    path = f"/scenarios/{created['id']}"
    other = service.request("PUT", path, "planner2", json=MMC_SMALL)
    assert other.status_code == 403 and "owner" in other.json()["detail"]
    assert service.request("DELETE", path, "analyst").status_code == 403
    assert service.request("PUT", path, "admin", json=MMC_SMALL).status_code == 200
