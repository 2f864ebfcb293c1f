"""Report rates are per unit of open time and per day of the day type, as the input is."""

from __future__ import annotations

from typing import Any

import pytest

from sim.results import SimulationResult
from sim.run import simulate
from sim.scenarios.loader import load_scenario, parse_scenario

PER_HOUR = 10.0


def weekday_and_weekend_window() -> dict[str, Any]:
    """28 days from Monday 3 March 2025: 20 working days, 8 rest days (weekends)."""
    return {
        "name": "rates",
        "start_date": "2025-03-03",
        "days": 28,
        "drain_days": 0,
        "seed": 4,
        "replications": 3,
        "windows": [
            {"id": "W1", "clerks": 5},  # default hours 09:00–12:00, 13:30–17:00 (6.5 h)
            {"id": "W2", "clerks": 5, "weekend_hours": [["09:00", "12:00"]]},
        ],
        "demand": [
            {
                "window": w,
                "matter": "1-05",
                "per_hour": PER_HOUR,
                "service_minutes": {"dist": "exponential", "mean": 6.0},
            }
            for w in ("W1", "W2")
        ],
        "process": {"window": {"incomplete_share": 0.0}},
    }


@pytest.fixture(scope="module")
def result() -> SimulationResult:
    return simulate(parse_scenario(weekday_and_weekend_window()))


def test_window_arrivals_per_hour_are_per_open_hour(result: SimulationResult) -> None:
    rows = {r.window_id: r for r in result.windows}
    assert rows["W1"].open_hours == pytest.approx(20 * 6.5)
    assert rows["W2"].open_hours == pytest.approx(20 * 6.5 + 8 * 3.0)
    for row in rows.values():
        assert row.arrivals_per_hour == pytest.approx(PER_HOUR, rel=0.05)


def test_staffing_arrivals_per_day_are_per_day_of_that_type(result: SimulationResult) -> None:
    by_key = {(r.window_id, r.day_type, r.hour): r.visits_in_hour_per_day for r in result.staffing}
    # every open clock hour gets PER_HOUR per day of its day type (13:00 is open half an hour)
    for window in ("W1", "W2"):
        workday = [by_key[(window, "workday", h)] for h in (9, 10, 11, 14, 15, 16)]
        assert sum(workday) / len(workday) == pytest.approx(PER_HOUR, rel=0.08)
        assert by_key[(window, "workday", 13)] == pytest.approx(PER_HOUR / 2, rel=0.25)
        total = sum(v for (w, t, _), v in by_key.items() if w == window and t == "workday")
        assert total == pytest.approx(6.5 * PER_HOUR, rel=0.05)
    weekend = [by_key[("W2", "restday", h)] for h in (9, 10, 11)]
    assert sum(weekend) / 3 == pytest.approx(PER_HOUR, rel=0.12)
    assert not any(w == "W1" and t == "restday" for w, t, _ in by_key)


def test_office_arrivals_per_day_are_per_working_day() -> None:
    # no window demand: window cases decided here would reach the offices too
    scenario = load_scenario("chizhou").model_copy(update={"replications": 1, "demand": []})
    office_rows = simulate(scenario, replications=1).offices
    # distinct cases per working day = review rounds per working day ÷ rounds per case
    total = sum(r.review_rounds_per_working_day * r.cases / r.review_rounds for r in office_rows)
    # inbound demand: 30 cases per working day over the two offices (chizhou.toml)
    assert total == pytest.approx(30.0, rel=0.1)
    # a supplement (补正) request brings a case back for another round, not a new case
    assert all(r.review_rounds > r.cases for r in office_rows)


def test_matters_with_too_few_cases_are_left_out_of_the_judgement() -> None:
    from sim.results import SimulationResult, TurnaroundRow

    def row(matter_id: str, cases: float) -> TurnaroundRow:
        nan = float("nan")
        return TurnaroundRow(matter_id, matter_id, "proxy", cases, *[nan] * 5, 3, 0.5, nan,
                             nan, nan)  # fmt: skip

    result = SimulationResult(
        "s", 1, 4, 10, 0.0, "", "", [row("a", 5.0), row("b", 4.9), row("c", 0.0)],
        [], [], [], [], [], [], [],
    )  # fmt: skip
    judged, left_out = result.judged_matters()
    assert [r.matter_id for r in judged] == ["a"]  # 5 × 4 = 20 cases: enough
    assert left_out == 1  # b: 19.6 cases; c: no case at all is not "left out"
    assert result.judged_matters(min_cases=19)[1] == 0
