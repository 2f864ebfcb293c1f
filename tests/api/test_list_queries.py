"""``GET /runs`` and ``GET /sweeps`` load a list in a fixed number of SQL statements, however
many runs or sweeps it holds (no query per item)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.db import make_engine
from api.models.keys import ApiKey
from api.models.runs import ResultTableRecord, RunRecord, RunStatus
from api.models.sweeps import SweepRecord
from tests.api.conftest import ServiceFactory
from tests.api.service import MMC_SMALL, Service


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements the engine sends while the block runs."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_items(service: Service, path: str, count: int) -> None:
    """``count`` finished runs (two result tables each) or sweeps, written directly."""
    engine = make_engine(service.url)
    scenario = service.request("POST", "/scenarios", json=MMC_SMALL).json()["id"]
    with Session(engine) as session:
        owner = session.exec(select(ApiKey.id)).first()
        assert owner is not None
        for _ in range(count):
            common: dict[str, Any] = {
                "scenario_body": MMC_SMALL,
                "owner_key_id": owner,
                "status": RunStatus.succeeded,
                "progress": {"simulation": {"done": 1, "total": 1}},
            }
            if path == "/sweeps":
                settings = [{"path": "windows.W1.clerks", "values": [2, 3]}]
                rows = [[2, 1, 0.5], [3, 1, 0.25]]
                session.add(
                    SweepRecord(
                        scenario_id=scenario,
                        scenario_name="tiny",
                        settings=settings,
                        points=2,
                        columns=["clerks", "replications", "wait"],
                        rows=rows,
                        **common,
                    )
                )
                continue
            run = RunRecord(
                scenario_id=scenario,
                scenario_version=1,
                seed=1,
                replications=1,
                routes={"type": "FeatureCollection", "features": []},
                **common,
            )
            session.add(run)
            session.flush()
            assert run.id is not None
            for name in ("windows", "turnaround"):
                session.add(ResultTableRecord(run_id=run.id, name=name, columns=["x"], rows=[[1]]))
        session.commit()
    engine.dispose()


@pytest.mark.parametrize("path", ["/runs", "/sweeps"])
def test_a_list_of_20_takes_as_many_statements_as_a_list_of_1(
    make_service: ServiceFactory, path: str
) -> None:
    service = make_service(key_cache_seconds=0.0)  # the key is looked up on every request
    engine: Engine = service.client.app.state.engine  # type: ignore[attr-defined]
    counts = []
    for added, total in ((1, 1), (19, 20)):
        add_items(service, path, added)
        with statements(engine) as sent:
            listed = service.request("GET", path, "analyst")
        assert listed.status_code == 200, listed.text
        assert len(listed.json()) == total
        counts.append(len(sent))
    assert counts[0] == counts[1], counts
    if path == "/runs":
        assert all(run["tables"] == ["turnaround", "windows"] for run in listed.json())
    else:
        assert all(s["settings"][0]["values"] == [2, 3] for s in listed.json())
