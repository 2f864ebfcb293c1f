"""``report.html`` is rendered once, by the worker, and stored with the run; the web process
serves the stored bytes, and renders (in a thread) only for runs finished before pages were
stored."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

import api.run_report
import api.run_work
from api.db import make_engine
from api.models.runs import RunRecord, RunStatus
from api.run_report import render_run_report, stored_report
from api.run_work import execute_run
from api.workers import claim
from tests.api.service import MMC_SMALL, Service

REPORT = "/runs/{}/report.html"


def finished_run(service: Service) -> tuple[int, Engine]:
    """A run of the tiny M/M/c scenario, executed here as a worker would."""
    scenario = service.request("POST", "/scenarios", json=MMC_SMALL).json()["id"]
    run = int(service.request("POST", f"/scenarios/{scenario}/runs").json()["id"])
    engine = make_engine(service.url)
    assert claim(engine, RunRecord, run)
    execute_run(engine, run)
    return run, engine


def _fail(*_args: Any, **_kw: Any) -> Any:
    raise RuntimeError("the renderer must not be called")


def test_the_worker_stores_the_page_and_get_serves_it_without_rendering(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, engine = finished_run(service)
    stored = stored_report(engine, run)
    assert stored is not None and stored.startswith(b"<!DOCTYPE html>")
    assert MMC_SMALL["name"].encode() in stored
    with Session(engine) as session:
        record = session.get(RunRecord, run)
        assert record is not None and record.status == RunStatus.succeeded
        # rendered from the rows as stored: the page the stored tables give
        assert render_run_report(engine, record) == stored
    engine.dispose()
    for module in (api.run_report, api.run_work):
        monkeypatch.setattr(module, "render_stored", _fail)
    monkeypatch.setattr(api.run_report, "render_run_report", _fail)
    monkeypatch.setattr("tongban.present.render_report", _fail)
    for role in ("analyst", "planner2"):
        page = service.request("GET", REPORT.format(run), role)
        assert page.status_code == 200, page.text
        assert page.content == stored
        assert page.headers["content-type"] == "text/html; charset=utf-8"


def test_a_run_without_a_stored_page_gets_one_on_first_request(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the worker cannot draw the page (as for a run finished before pages were stored):
    # the run still succeeds, with its tables, and no page
    monkeypatch.setattr(api.run_work, "render_stored", _fail)
    run, engine = finished_run(service)
    assert service.request("GET", f"/runs/{run}", "analyst").json()["status"] == "succeeded"
    assert stored_report(engine, run) is None
    monkeypatch.undo()
    renders = []
    render = api.run_report.render_run_report

    def counted(*args: Any) -> bytes:
        renders.append(args)
        return render(*args)

    monkeypatch.setattr(api.run_report, "render_run_report", counted)
    first = service.request("GET", REPORT.format(run), "analyst")
    assert first.status_code == 200, first.text
    assert first.content.startswith(b"<!DOCTYPE html>") and len(renders) == 1
    assert stored_report(engine, run) == first.content  # stored then
    again = service.request("GET", REPORT.format(run), "planner2")
    assert again.content == first.content and len(renders) == 1
    engine.dispose()


def test_rendering_on_demand_does_not_block_the_event_loop(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = service.request("POST", "/scenarios", json=MMC_SMALL).json()["id"]
    run = int(service.request("POST", f"/scenarios/{scenario}/runs").json()["id"])
    engine = make_engine(service.url)
    with Session(engine) as session:  # succeeded, with no page stored (nor tables)
        record = session.get(RunRecord, run)
        assert record is not None
        record.status = RunStatus.succeeded
        session.add(record)
        session.commit()
    started = threading.Event()

    def slow(_engine: Engine, _run: RunRecord) -> bytes:
        started.set()
        time.sleep(1.5)
        return b"<!DOCTYPE html>slow"

    monkeypatch.setattr(api.run_report, "render_run_report", slow)
    result: dict[str, Any] = {}
    reader = threading.Thread(
        target=lambda: result.update(page=service.request("GET", REPORT.format(run), "analyst"))
    )
    reader.start()
    assert started.wait(10)
    begin = time.monotonic()
    health = service.request("GET", "/health", None)
    answered = time.monotonic() - begin
    assert health.status_code == 200 and answered < 1.0, answered
    assert reader.is_alive()  # the render was still going on
    reader.join(10)
    assert result["page"].status_code == 200 and result["page"].content == b"<!DOCTYPE html>slow"
    assert stored_report(engine, run) == b"<!DOCTYPE html>slow"
    engine.dispose()
