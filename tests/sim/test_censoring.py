"""No censored waits: replications run until every case that arrived is done."""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import pytest

import sim.replication
from sim.compile import compile_scenario
from sim.replication import run_replication
from sim.report import summary_dict
from sim.run import simulate
from sim.scenarios.loader import parse_scenario


def overloaded(drain_days: int) -> dict[str, Any]:
    """M/M/7 at ρ = 1.19 (50/h, 10 min): the queue is long when arrivals stop."""
    return {
        "name": "overloaded M/M/7",
        "days": 4,
        "drain_days": drain_days,
        "seed": 2,
        "replications": 2,
        "windows": [{"id": "W1", "clerks": 7, "hours": [["00:00", "24:00"]], "calendar": "always"}],
        "demand": [
            {
                "window": "W1",
                "matter": "1-05",
                "per_hour": 50.0,
                "service_minutes": {"dist": "exponential", "mean": 10.0},
            }
        ],
        "process": {"window": {"incomplete_share": 0.0}},
    }


def test_every_arrival_gets_its_wait_even_without_drain_days() -> None:
    compiled = compile_scenario(parse_scenario(overloaded(drain_days=0)))
    result = run_replication(compiled, 0, np.random.SeedSequence(3))
    stats = result.windows[0]
    assert stats.arrivals > 4000
    assert stats.waits.count == stats.arrivals  # nobody left in the queue uncounted
    assert result.in_system == 0 and result.created == result.completed


def test_drain_days_do_not_change_the_waits() -> None:
    short = simulate(parse_scenario(overloaded(drain_days=0)))
    long = simulate(parse_scenario(overloaded(drain_days=30)))
    assert short.windows[0].cases == long.windows[0].cases
    assert short.windows[0].wait_mean_min == pytest.approx(long.windows[0].wait_mean_min)
    assert short.windows[0].wait_p90_min == pytest.approx(long.windows[0].wait_p90_min)
    assert short.windows[0].wait_mean_min > 60.0  # the backlog's long waits are in
    assert json.loads(json.dumps(summary_dict(short, "test")))["censored"] == 0


def test_cases_that_cannot_finish_are_counted_as_censored(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sim.replication, "CENSOR_AFTER_DAYS", 5)
    stuck = {  # an office with no reviewers never decides its inbound cases
        "name": "stuck",
        "days": 10,
        "drain_days": 0,
        "replications": 2,
        "windows": [{"id": "W1", "clerks": 1}],
        "offices": [{"id": "O1", "reviewers": 0}],
        "inbound": [{"office": "O1", "matter": "1-37", "per_day": 3.0, "mode": "online"}],
    }
    with caplog.at_level(logging.WARNING, logger="sim.replication"):
        result = simulate(parse_scenario(stuck))
    assert result.censored == sum(a.created for a in result.accounting) > 0
    assert "censored" in caplog.text
    assert json.loads(json.dumps(summary_dict(result, "test")))["censored"] == result.censored
