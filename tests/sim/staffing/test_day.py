"""Minute-level open time (as the engine's timetable has it) and engine samplers in staffing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.compile import compile_scenario
from sim.distributions import Deterministic, Exponential
from sim.run import simulate_window
from sim.scenarios.loader import load_scenario
from sim.staffing.day import OpenDay
from sim.staffing.evaluate import SampledDays, sample_days, simulate_waits
from sim.staffing.scenario import window_demands
from sim.staffing.service import Scaled, ServiceMix, mixture, parametric
from tongban.kernel.errors import InputError

DATA = Path(__file__).parents[2] / "data" / "staffing"
LUNCH = [(540.0, 720.0), (810.0, 1020.0)]  # 09:00-12:00, 13:30-17:00


def test_default_hours_block_after_lunch_opens_at_1330() -> None:
    day = OpenDay.from_clock(LUNCH, 13, 4)
    assert day.intervals == ((30.0, 240.0),)
    np.testing.assert_allclose(day.open_minutes(), [30.0, 60.0, 60.0, 60.0])
    ends, columns = day.segments()
    np.testing.assert_allclose(ends, [30.0, 60.0, 120.0, 180.0, 240.0, np.inf])
    assert columns.tolist() == [0, 0, 1, 2, 3, 3]  # after 17:00 the 16:00 clerks stay


def test_a_break_inside_the_day_keeps_the_clerks_of_the_last_open_moment() -> None:
    day = OpenDay.from_clock([(540.0, 720.0), (750.0, 1020.0)], 9, 8)  # closed 12:00-12:30
    ends, columns = day.segments()
    assert ends[2:5].tolist() == [180.0, 210.0, 240.0]
    assert columns[2:5].tolist() == [2, 2, 3]  # 12:00-12:30 keeps the 11:00 count
    # One clerk at 11:00, three at 12:00: a case arriving at 11:59 behind a long one waits
    # until 12:30 (the window reopens with three clerks), not until 12:00.
    days = SampledDays(
        arrivals=np.array([[170.0, 179.0]]), services=np.array([[100.0, 5.0]]), hours=8, day=day
    )
    waits = simulate_waits(days, np.array([[1, 1, 1, 3, 1, 1, 1, 1]]))
    np.testing.assert_allclose(waits[0, 0], [0.0, 31.0])


def test_arrivals_only_while_open_at_the_full_hourly_rate() -> None:
    day = OpenDay.from_clock(LUNCH, 13, 4)
    days = sample_days([70.0, 65.0, 55.0, 45.0], Exponential(mean=10.0), 2000, 5, day)
    times = days.arrivals[np.isfinite(days.arrivals)]
    assert times.min() >= 30.0
    first_hour = np.isfinite(days.arrivals) & (days.arrivals < 60.0)
    assert first_hour.sum(axis=1).mean() == pytest.approx(35.0, rel=0.03)


def test_open_day_rejects_bad_intervals() -> None:
    with pytest.raises(InputError, match="sorted, non-overlapping"):
        OpenDay(2, ((60.0, 30.0),))
    with pytest.raises(InputError, match="sorted, non-overlapping"):
        OpenDay(2, ((0.0, 150.0),))


def test_scenario_mapping_keeps_the_engine_rates_and_intervals() -> None:
    compiled = compile_scenario(load_scenario(str(DATA / "lunch_default_hours.toml")))
    (demand,) = window_demands(compiled)
    assert demand.closed_hours == frozenset({12})
    assert demand.clock_intervals() == ((540.0, 720.0), (810.0, 1020.0))
    # 13:00 carries the full hourly rate (the engine's); only its open half gets arrivals.
    assert demand.rates_per_hour == (40.0, 55.0, 50.0, 0.0, 70.0, 65.0, 55.0, 45.0)
    assert demand.open_day(4, 8).intervals == ((30.0, 240.0),)
    assert demand.matters[0].rates_per_hour[4] == pytest.approx(35.0)  # expected arrivals


def test_engine_distributions_are_staffing_samplers_and_vice_versa() -> None:
    exponential = Exponential(mean=10.0)
    days = sample_days([30.0], exponential, 200, 1)  # no adapter needed
    assert np.nanmean(np.where(np.isfinite(days.arrivals), days.services, np.nan)) == (
        pytest.approx(10.0, rel=0.05)
    )
    mix = ServiceMix.of([(1.0, exponential), (3.0, Deterministic(value=2.0))])
    assert mix.mean == pytest.approx(4.0)
    assert mix.sample_many(np.random.default_rng(0), 20_000).mean() == pytest.approx(4.0, rel=0.05)
    assert Scaled(exponential, 1 / 60).mean == pytest.approx(10 / 60)
    assert mixture([exponential, exponential], [1.0, 2.0]) is exponential
    # A staffing mixture goes into the engine's window as is (mean, sample, sample_many).
    check = simulate_window(
        [6.0] * 24, [2] * 24, mix, target_wait_minutes=15.0, days=2, replications=2, seed=1
    )
    assert check.arrivals_per_day.sum() == pytest.approx(144.0, rel=0.2)
    assert parametric("gamma", 8.0, 0.5).mean == pytest.approx(8.0)
    with pytest.raises(InputError, match="exponential, deterministic, lognormal, gamma"):
        parametric("weibull", 8.0)
