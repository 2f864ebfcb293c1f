"""Engine properties: Little's law at offices, determinism, common random numbers."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.distributions import Exponential
from sim.report import simulation_tables
from sim.results import SimulationResult
from sim.run import simulate, simulate_window
from sim.scenarios.loader import parse_scenario
from sim.theory import ErlangC
from tongban.kernel.tables import write_csv


def office_scenario(days: int = 150) -> dict[str, Any]:
    """One window sending proxy cases elsewhere; inbound cases reviewed by our office."""
    return {
        "name": "office check",
        "days": days,
        "warmup_days": 10,
        "drain_days": 60,
        "seed": 3,
        "replications": 2,
        "windows": [{"id": "W1", "clerks": 1}],
        "demand": [{"window": "W1", "matter": "1-31", "per_day": 6.0, "mode": "proxy"}],
        "offices": [{"id": "O1", "reviewers": 2}],
        "inbound": [
            {"office": "O1", "matter": "1-37", "per_day": 8.0, "mode": "proxy"},
            {"office": "O1", "matter": "2-21", "per_day": 6.0, "mode": "online"},
        ],
    }


def test_littles_law_at_the_office_and_case_accounting() -> None:
    result = simulate(parse_scenario(office_scenario()))
    office = result.offices[0]
    period_minutes = (result.days - result.warmup_days) * 1440.0
    # Little's law over calendar time: λ = review rounds per minute of the statistics period
    arrivals_per_minute = office.review_rounds / period_minutes
    sojourn_minutes = office.review_sojourn_mean_calendar_days * 1440.0
    assert office.cases > 0 and office.review_rounds >= office.cases
    assert math.isclose(office.in_office_mean, arrivals_per_minute * sojourn_minutes, rel_tol=0.05)
    assert 0.0 < office.utilisation < 1.0
    for accounting in result.accounting:
        assert accounting.created == accounting.completed + accounting.in_system
    window = result.windows[0]
    # Little's law over calendar time: L = λ W with λ = visits per minute of the period
    assert math.isclose(
        window.queue_length_mean,
        window.visits / period_minutes * window.wait_mean_min,
        rel_tol=0.1,
    )
    rows = {r.matter_id: r for r in result.turnaround}
    # proxy cases with originals by post take at least the EMS transit (> 1 working day)
    assert rows["1-31"].days_mean > 1.0
    assert rows["1-31"].cases > 0 and rows["2-21"].cases > 0


def write_report(folder: Path, result: SimulationResult) -> Path:
    """The simulation's CSV tables in ``folder``."""
    folder.mkdir()
    for name, (row_type, rows) in simulation_tables(result).items():
        write_csv(folder / f"{name}.csv", row_type, rows)
    return folder


def test_same_seed_gives_byte_identical_csvs(tmp_path: Path) -> None:
    scenario = parse_scenario(office_scenario(days=20))
    folders = []
    for name in ("a", "b"):
        result = simulate(scenario)
        folders.append(write_report(tmp_path / name, result))
    csvs = sorted(p.name for p in folders[0].glob("*.csv"))
    assert "turnaround.csv" in csvs
    for name in csvs:
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name
    different = write_report(tmp_path / "c", simulate(scenario, seed=99))
    assert (different / "turnaround.csv").read_bytes() != (
        folders[0] / "turnaround.csv"
    ).read_bytes()


@settings(max_examples=20, deadline=None)
@given(
    per_hour=st.floats(5.0, 60.0),
    service_mean=st.floats(2.0, 20.0),
    clerks=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
    lunch_break=st.booleans(),
)
def test_one_more_clerk_never_raises_the_mean_wait(
    per_hour: float, service_mean: float, clerks: int, seed: int, lunch_break: bool
) -> None:
    hours = (("09:00", "12:00"), ("13:30", "17:00")) if lunch_break else (("00:00", "24:00"),)
    waits = []
    for c in (clerks, clerks + 1):
        check = simulate_window(
            [per_hour] * 24,
            [c] * 24,
            Exponential(mean=service_mean),
            target_wait_minutes=10.0,
            days=1,
            replications=1,
            seed=seed,
            hours=hours,
        )
        waits.append(check.wait_mean if not math.isnan(check.wait_mean) else 0.0)
    assert waits[1] <= waits[0] + 1e-9


def test_simulate_window_service_level_matches_erlang_c() -> None:
    theory = ErlangC(30.0 / 60.0, 10.0, 7)
    check = simulate_window(
        [30.0] * 24,
        [7] * 24,
        Exponential(mean=10.0),
        target_wait_minutes=5.0,
        days=40,
        warmup_days=1,
        replications=4,
        seed=5,
    )
    overall = float(np.nanmean(check.service_level))
    assert abs(overall - theory.share_within(5.0)) < 0.02
    assert abs(check.utilisation - theory.utilisation) < 0.02


def test_simulate_window_follows_an_hourly_plan() -> None:
    rates = [0.0] * 24
    rates[9:12] = [40.0, 40.0, 40.0]
    plan_low = [0] * 24
    plan_low[9:12] = [2, 2, 2]
    plan_high = [0] * 24
    plan_high[9:12] = [2, 8, 8]
    common = dict(
        target_wait_minutes=10.0, days=10, replications=3, seed=11, hours=(("09:00", "12:00"),)
    )
    low = simulate_window(rates, plan_low, Exponential(mean=6.0), **common)  # type: ignore[arg-type]
    high = simulate_window(rates, plan_high, Exponential(mean=6.0), **common)  # type: ignore[arg-type]
    assert np.isnan(low.service_level[8]) and np.isnan(low.service_level[13])
    # 40/h × 6 min = 4 Erlangs against 2 clerks: hopeless; 8 clerks from 10:00 recover
    assert low.service_level[11] < 0.2
    assert high.service_level[11] > 0.9
    assert high.arrivals_per_day[9:12].sum() > 100


def test_trace_is_written_in_parquet(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    result = simulate(parse_scenario(office_scenario(days=15)), replications=1, trace_dir=tmp_path)
    table = pq.read_table(tmp_path / "trace-rep000.parquet")
    assert table.num_rows == sum(r.cases for r in result.turnaround)
    assert {"matter_id", "mode", "working_days", "window_visits"} <= set(table.column_names)
    assert min(table.column("working_days").to_pylist()) >= 0


def test_shifts_and_auto_staffing_give_hourly_plans() -> None:
    from sim.compile import compile_scenario
    from sim.profiles import load_profiles

    data = office_scenario(days=15)
    data["windows"] = [
        {
            "id": "W1",
            "shifts": [
                {"start": "09:00", "end": "12:00", "clerks": 2},
                {"start": "11:00", "end": "17:00", "clerks": 1},
            ],
        },
        {"id": "W2", "clerks": "auto"},
    ]
    data["demand"].append({"window": "W2", "matter": "1-31", "per_hour": 20.0, "mode": "proxy"})
    compiled = compile_scenario(parse_scenario(data))
    assert compiled.windows[0].clerks[9:17] == (2, 2, 3, 1, 1, 1, 1, 1)
    assert compiled.windows[0].clerks[8] == 0
    # 20/h × the profile's window minutes: the fewest clerks Erlang C allows
    (service,) = compiled.windows[1].row_service
    assert service.mean == pytest.approx(load_profiles()["1-31"].window_minutes)
    auto = compiled.windows[1].clerks
    theory = ErlangC(20.0 / 60.0, service.mean, auto[10])
    assert theory.share_within(20.0) >= 0.9
    assert ErlangC(20.0 / 60.0, service.mean, auto[10] - 1).share_within(20.0) < 0.9
    assert auto[3] == 0  # no demand at night


def test_weekend_hours_are_reported_as_rest_days() -> None:
    data = office_scenario(days=14)
    data["windows"] = [
        {"id": "W1", "clerks": 1, "weekend_hours": [["09:00", "11:30"], ["14:00", "17:00"]]}
    ]
    result = simulate(parse_scenario(data), replications=1)
    day_types = {row.day_type for row in result.staffing}
    assert day_types == {"workday", "restday"}


def test_friday_before_national_day_end_to_end(joint_scenario: Any) -> None:
    """Handed in Fri 2025-09-26; review takes exactly 5 working days → done Fri Oct 10."""
    # morning window: every case reaches the office before it closes on Friday
    data = joint_scenario(
        {"dist": "deterministic", "value": 5.0},
        start_date="2025-09-26",
        days=1,
        drain_days=30,
        replications=1,
    )
    result = simulate(parse_scenario(data))
    (row,) = result.turnaround
    assert row.cases > 5
    # Sep 28 (Sunday, make-up day), 29, 30, Oct 9, Oct 10: five working days, 14 calendar days
    assert row.days_mean == 5.0 and row.days_p95 == 5.0
    assert row.within_limit_share == 1.0
    assert result.accounting[0].in_system == 0


def test_simulate_window_leaves_a_seed_sequence_as_it_found_it() -> None:
    seed = np.random.SeedSequence(7)
    rates = [0.0] * 9 + [40.0] * 8 + [0.0] * 7
    clerks = [0] * 9 + [6] * 8 + [0] * 7

    def level() -> np.ndarray:
        check = simulate_window(
            rates,
            clerks,
            Exponential(mean=8.0),
            target_wait_minutes=5.0,
            days=3,
            replications=3,
            seed=seed,
            hours=(("09:00", "17:00"),),
        )
        return check.service_level

    first, second = level(), level()
    assert seed.n_children_spawned == 0
    np.testing.assert_array_equal(first, second)  # same seed object → same answer
    fresh = simulate_window(
        rates,
        clerks,
        Exponential(mean=8.0),
        target_wait_minutes=5.0,
        days=3,
        replications=3,
        seed=np.random.SeedSequence(7),
        hours=(("09:00", "17:00"),),
    )
    np.testing.assert_array_equal(first, fresh.service_level)
