"""The planner page (``/``), its shipped scenarios and font, and ``GET /runs/{id}/report.html``
(in process; the browser test drives the page itself)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.db import make_engine
from api.models.runs import RunRecord
from api.routes import page
from api.run_report import stored_report, table_frame
from api.run_work import execute_run
from api.workers import claim
from sim.scenarios.loader import shipped_names
from tests.api.service import GEO_SMALL, Service


def test_the_page_loads_without_a_key_and_lists_the_shipped_scenarios(service: Service) -> None:
    page = service.request("GET", "/", None)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    for name in shipped_names():
        assert f'<option value="{name}">' in page.text
    assert f'max="{service.settings.max_replications}"' in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from outside
    assert "/" not in service.request("GET", "/openapi.json", None).json()["paths"]


def test_the_shipped_scenarios_are_read_once_per_process(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    for function in vars(page).values():  # as in a fresh process
        if hasattr(function, "cache_clear"):
            function.cache_clear()
    reads: list[str] = []
    read_text = Path.read_text

    def counted(self: Path, *args: Any, **kw: Any) -> str:
        if self.suffix == ".toml":
            reads.append(self.name)
        return read_text(self, *args, **kw)

    monkeypatch.setattr(Path, "read_text", counted)
    first = service.request("GET", "/", None)
    assert sorted(reads) == sorted(f"{name}.toml" for name in shipped_names())
    second = service.request("GET", "/", None)
    mmc = service.request("GET", "/planner/scenarios/mmc", None)
    assert second.status_code == 200 and second.text == first.text
    assert mmc.status_code == 200 and 'name = "M/M/c check"' in mmc.text
    assert len(reads) == len(shipped_names())  # nothing read again


def test_shipped_scenarios_are_served_by_name_only(service: Service) -> None:
    mmc = service.request("GET", "/planner/scenarios/mmc", None)
    assert mmc.status_code == 200 and mmc.headers["content-type"].startswith("application/toml")
    assert 'name = "M/M/c check"' in mmc.text
    for name in ("nope", "..%2Fpyproject", "%2Fetc%2Fpasswd"):
        missing = service.request("GET", f"/planner/scenarios/{name}", None)
        assert missing.status_code == 404, name
        assert "chizhou" in missing.json()["detail"] or missing.json()["detail"] == "Not Found"


def test_the_bundled_cjk_font_is_served(service: Service) -> None:
    font = service.request("GET", "/planner/cjk.otf", None)
    assert font.status_code == 200 and font.headers["content-type"] == "font/otf"
    assert font.content[:4] == b"OTTO" and "max-age" in font.headers["cache-control"]


def test_report_page_needs_a_key_and_a_finished_run(service: Service) -> None:
    scenario = service.request("POST", "/scenarios", json=GEO_SMALL).json()["id"]
    run = service.request("POST", f"/scenarios/{scenario}/runs").json()["id"]
    path = f"/runs/{run}/report.html"
    assert service.request("GET", path, None).status_code == 401
    assert service.request("GET", "/runs/999/report.html", "analyst").status_code == 404
    queued = service.request("GET", path, "analyst")
    assert queued.status_code == 409 and "queued" in queued.json()["detail"]

    engine = make_engine(service.url)
    assert claim(engine, RunRecord, run)
    execute_run(engine, run, route_iterations=20)
    report = service.request("GET", path, "analyst")
    assert report.content == stored_report(engine, run)  # drawn by the worker, served as stored
    engine.dispose()
    assert report.status_code == 200, report.text
    assert report.headers["content-type"] == "text/html; charset=utf-8"
    assert report.headers["cache-control"] == "no-store"
    assert "connect-src" not in report.headers["content-security-policy"]  # default 'none'
    assert 'id="map"' in report.text and GEO_SMALL["name"] in report.text
    again = service.request("GET", path, "planner2")  # the stored page, for any reader
    assert again.status_code == 200 and again.content == report.content
    assert service.request("GET", path, None).status_code == 401  # the page is behind the key


def test_stored_tables_become_frames_with_numeric_empty_columns() -> None:
    frame = table_frame(["id", "n", "x"], [["1-05", 2, None], ["2-01", 3, None]])
    assert list(frame["id"]) == ["1-05", "2-01"]
    assert frame["n"].dtype.kind == "i" and frame["x"].dtype.kind == "f"
    assert frame["x"].isna().all()
