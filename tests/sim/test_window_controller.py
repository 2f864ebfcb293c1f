"""The window's clerk controller ticks only when the plan changes, and sleeps when idle
after the horizon: the clerks on duty must still be what the hourly plan says."""

from __future__ import annotations

import numpy as np
import simpy

from sim.distributions import Deterministic
from sim.models.window import WindowModel, WindowStreams
from sim.period import StatsPeriod
from sim.records import Case
from sim.run import _counter, _lone_window
from tongban.kernel.hours import MINUTES_PER_DAY

# 09:00–12:00 and 13:30–17:00; clerks 2 until 11:00, then 3, then 1 from 15:00
PLAN = [0] * 9 + [2, 2, 3, 3, 3, 3, 1, 1] + [0] * 7
HOURS = (("09:00", "12:00"), ("13:30", "17:00"))


def _window(days: int) -> tuple[simpy.Environment, WindowModel]:
    plan = _lone_window([0.0] * 24, PLAN, Deterministic(value=5.0), HOURS)
    env = simpy.Environment()
    period = StatsPeriod.of_days(days, 0.0, 1, 10.0)
    streams = WindowStreams(np.random.default_rng(1), np.random.default_rng(2))
    return env, WindowModel(env, plan, streams, period, None, _counter())


def _expected(minute: float) -> tuple[bool, int]:
    """(open, clerks) by the plan; closed: the clerks of the last open hour stay."""
    clock = minute % MINUTES_PER_DAY
    open_now = 540 <= clock < 720 or 810 <= clock < 1020
    if open_now:
        return True, PLAN[int(clock // 60)]
    if minute < 540:
        return False, 0  # never open yet: nobody on duty
    last_open = 11 if 720 <= clock < 810 else 16
    return False, PLAN[last_open]


def test_capacity_follows_the_plan_during_the_run_and_after_the_horizon() -> None:
    env, window = _window(days=2)
    checks = [d * MINUTES_PER_DAY + m for d in range(6) for m in range(0, 1440, 25)]
    for minute in checks:
        env.run(until=minute + 0.5)
        if minute >= 2 * MINUTES_PER_DAY:
            # after the horizon: a visitor wakes the idle window (a repeat/second visit)
            window.enqueue(Case(0, 0, "counter", 0, env.now, 5.0))
        expected_open, expected_clerks = _expected(env.now)
        assert window.open is expected_open, env.now
        assert window.capacity == expected_clerks, env.now


def test_an_idle_window_after_the_horizon_schedules_no_events() -> None:
    env, window = _window(days=1)
    env.run(until=2 * MINUTES_PER_DAY + 1.0)  # the controller reaches a change and sleeps
    assert window._asleep is not None
    env.run(until=60 * MINUTES_PER_DAY)
    # nothing left but run()'s own stop event: no clock-hour ticks through the drain
    assert len(env._queue) <= 1
