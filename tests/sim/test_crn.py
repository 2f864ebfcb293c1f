"""Common random numbers in the engine: staffing never changes who arrives, with what.

Each applicant's randomness at the window (arrival, service time, home, whether papers are
missing, when they come back and how long the repeat visits take) is drawn when they first
arrive, from the window's own streams, so two runs with the same seed and different clerks
see exactly the same applicants and the same repeat visits. After the window every case
draws from streams of its own (sim.seeds.CaseStreams), so changing the reviewers (or the
clerks) never shifts any case's draws either: the same cases get the same supplement
rounds, whatever the queues.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.compile import compile_scenario
from sim.flow import CaseFlow
from sim.records import Case
from sim.replication import run_replication
from sim.run import applicant_homes
from sim.scenarios.loader import load_data, parse_scenario


def returning_applicants(days: int = 20, incomplete_share: float = 0.1) -> dict[str, Any]:
    """One working-day window (lunch break, 调休 calendar) whose applicants may come back."""
    return {
        "name": "crn",
        "days": days,
        "replications": 1,
        "windows": [{"id": "W1", "clerks": 3}],
        "demand": [
            {
                "window": "W1",
                "matter": "1-31",  # a matter with papers that can be missing (revisit_possible)
                "per_hour": 12.0,
                "service_minutes": {"dist": "exponential", "mean": 12.0},
            }
        ],
        "process": {"window": {"incomplete_share": incomplete_share}},
    }


Visit = tuple[int, float, float, bool]  # (visit number, arrival, service, papers missing)


def served_visits(
    monkeypatch: pytest.MonkeyPatch, scenario: dict[str, Any], clerks: int, seed: int
) -> tuple[list[Visit], float]:
    """Every window visit (number, arrival, service, came back?) and the mean wait."""
    visits: list[Visit] = []
    original = CaseFlow.on_served

    def recording(self: CaseFlow, case: Case) -> None:
        number, arrival, service = case.visits, case.visit_arrival, case.service
        completed = self.recorder.completed
        original(self, case)
        came_back = case.mode == "counter" and self.recorder.completed == completed
        visits.append((number, round(arrival, 9), round(service, 9), came_back))

    monkeypatch.setattr(CaseFlow, "on_served", recording)
    compiled = compile_scenario(parse_scenario(scenario)).with_clerk_plans({"W1": [clerks] * 24})
    result = run_replication(compiled, 0, np.random.SeedSequence(seed))
    return sorted(visits), result.windows[0].waits.mean


def test_first_visits_are_identical_with_3_and_6_clerks(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = returning_applicants()
    few, wait_few = served_visits(monkeypatch, scenario, 3, 5)
    many, wait_many = served_visits(monkeypatch, scenario, 6, 5)
    first_few = [v for v in few if v[0] == 1]
    first_many = [v for v in many if v[0] == 1]
    assert len(first_few) > 1000
    # every (arrival, service, incomplete flag) triple of a first visit is the same
    assert first_few == first_many
    came_back = sum(v[3] for v in first_few) / len(first_few)
    assert 0.07 < came_back < 0.13  # incomplete_share 0.1
    # and so are the repeat visits (arrival day and time, service time)
    assert few == many
    assert wait_many <= wait_few


@settings(max_examples=int(os.environ.get("CRN_EXAMPLES", "15")), deadline=None)
@given(
    per_hour=st.floats(10.0, 40.0),
    service_mean=st.floats(5.0, 15.0),
    clerks=st.integers(1, 6),
    incomplete_share=st.floats(0.1, 0.6),
    seed=st.integers(0, 2**32 - 1),
)
def test_one_more_clerk_never_raises_the_mean_wait_with_repeat_visits(
    per_hour: float, service_mean: float, clerks: int, incomplete_share: float, seed: int
) -> None:
    scenario = returning_applicants(days=8, incomplete_share=round(incomplete_share, 3))
    scenario["demand"][0]["per_hour"] = per_hour
    scenario["demand"][0]["service_minutes"]["mean"] = service_mean
    waits = []
    for c in (clerks, clerks + 1):
        compiled = compile_scenario(parse_scenario(scenario)).with_clerk_plans({"W1": [c] * 24})
        result = run_replication(compiled, 0, np.random.SeedSequence(seed))
        wait = result.windows[0].waits.mean
        waits.append(0.0 if math.isnan(wait) else wait)
    assert waits[1] <= waits[0] + 1e-9


def test_reviewers_never_change_any_case_s_draws(tmp_path: Any) -> None:
    """Chizhou, 1 vs 4 reviewers per office: every case keeps its id, matter, mode, window
    visits and supplement rounds (drawn in its own office-phase stream), while the queues,
    and so the turnaround, change."""
    import pyarrow.parquet as pq

    rows = []
    for reviewers in (1, 4):
        data = load_data("chizhou")
        data["days"] = 5
        for office in data["offices"]:
            office["reviewers"] = reviewers
        compiled = compile_scenario(parse_scenario(data, "crn reviewers"))
        trace = tmp_path / f"trace{reviewers}.parquet"
        seed = np.random.SeedSequence(8)
        run_replication(compiled, 0, seed, trace_path=trace, homes=applicant_homes(compiled))
        rows.append(sorted(pq.read_table(trace).to_pylist(), key=lambda r: r["case_id"]))
    few, many = rows
    draws = ("case_id", "matter_id", "mode", "window_visits", "supplements")
    assert [tuple(r[k] for k in draws) for r in few] == [tuple(r[k] for k in draws) for r in many]
    assert sum(r["supplements"] for r in few) > 10
    assert [r["completed_minute"] for r in few] != [r["completed_minute"] for r in many]
