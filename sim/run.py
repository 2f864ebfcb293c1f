"""Replications of a scenario and their summary with 95% confidence half-widths.

:func:`simulate` runs a scenario; :func:`simulate_window` runs one window on its own with an
hourly clerk plan (for the staffing stage's verification).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import simpy

from sim.arrivals import ArrivalGenerator
from sim.calendar import Timetable, WorkCalendar
from sim.compile import CompiledScenario, compile_scenario
from sim.distributions import Sampler
from sim.models.window import WindowModel, WindowStats, WindowStreams
from sim.period import StatsPeriod
from sim.plans import WindowPlan
from sim.replication import run_replication
from sim.results import SimulationResult
from sim.scenarios.schema import Scenario, Window
from sim.seeds import fresh_seed, replication_seed
from sim.stats import nanmean, t_halfwidth
from sim.summary import summarise
from tongban.kernel.collector import fewer_collections
from tongban.kernel.hours import MINUTES_PER_DAY, OpeningHours

__all__ = ["Progress", "WindowCheck", "replication_seed", "simulate", "simulate_window"]

Progress = Callable[[int, int], None]


def simulate(
    scenario: CompiledScenario | Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
    trace_dir: Path | None = None,
) -> SimulationResult:
    """Run ``replications`` independent replications (spawned from ``seed``) and summarise.

    ``scenario`` is compiled (:func:`sim.compile.compile_scenario`, with any upstream plans
    applied) or a plain scenario, compiled here as it is.
    """
    compiled = scenario if isinstance(scenario, CompiledScenario) else compile_scenario(scenario)
    reps = replications or compiled.scenario.replications
    root_seed = compiled.scenario.seed if seed is None else seed
    started = datetime.now(UTC).isoformat(timespec="seconds")
    children = [replication_seed(root_seed, index) for index in range(reps)]
    homes = applicant_homes(compiled)
    results = []
    for index, child in enumerate(children):
        trace_path = trace_dir / f"trace-rep{index:03d}.parquet" if trace_dir else None
        with fewer_collections():
            result = run_replication(compiled, index, child, trace_path=trace_path, homes=homes)
        results.append(result)
        if progress is not None:
            progress(index + 1, reps)
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    return summarise(compiled, results, root_seed, started, finished)


def applicant_homes(compiled: CompiledScenario) -> object | None:
    """Geography of applicants' homes when the scenario asks for the geo layer."""
    if compiled.scenario.process.mail.transit_hours != "geo":
        return None
    codes = tuple(w.spec.code for w in compiled.windows)
    return _geo_homes(codes, compiled.scenario.trips.road_factor)


@functools.lru_cache(maxsize=4)
def _geo_homes(codes: tuple[str | None, ...], road_factor: float) -> object:
    """The home tables of a window list, built once per process (read-only afterwards:
    replications draw from them with their own streams)."""
    from sim.geography import GeoHomes

    return GeoHomes.for_windows(codes, road_factor)


# -- one window on its own ------------------------------------------------------------------


@dataclass(frozen=True)
class WindowCheck:
    """Per-clock-hour service level of one window under an hourly clerk plan."""

    service_level: np.ndarray  # (24,) mean over replications; nan where nobody arrived
    service_level_ci95: np.ndarray  # (24,) t half-width
    arrivals_per_day: np.ndarray  # (24,)
    wait_mean: float
    wait_mean_ci95: float
    utilisation: float
    replications: int
    served_by_rep: np.ndarray  # (replications, 24) applicants served, by arrival hour
    within_by_rep: np.ndarray  # (replications, 24) of whom waited ≤ target
    wait_sum_by_rep: np.ndarray  # (replications, 24) minutes waited


def simulate_window(
    rates_per_hour: Sequence[float],
    clerks: Sequence[int],
    service: Sampler,
    *,
    target_wait_minutes: float,
    days: int = 20,
    warmup_days: float = 0.0,
    replications: int = 10,
    seed: int | np.random.SeedSequence = 1,
    hours: Sequence[Sequence[str]] = (("00:00", "24:00"),),
) -> WindowCheck:
    """Simulate one window alone (every day a working day) and measure service per hour.

    ``rates_per_hour`` and ``clerks`` have 24 values (clock hours 00–23); the window is open
    during ``hours``. When the clerk count drops, clerks finish the case in hand; at closing
    the clerks on duty serve everyone already waiting. ``service`` is any sampler with
    ``mean`` and ``sample_many(rng, n)`` (every :mod:`sim.distributions` object, and the
    staffing package's mixtures).
    A :class:`numpy.random.SeedSequence` ``seed`` is not mutated: the same object always gives
    the same answer (its replications are spawned from a fresh copy).
    """
    if len(rates_per_hour) != 24 or len(clerks) != 24:
        raise ValueError("rates_per_hour and clerks need 24 values (clock hours 00–23)")
    plan = _lone_window(rates_per_hour, clerks, service, hours)
    period = StatsPeriod.of_days(days, warmup_days, 1, target_wait_minutes)
    stats = [
        _lone_replication(plan, period, child) for child in fresh_seed(seed).spawn(replications)
    ]
    return _window_check(stats, days - warmup_days)


def _lone_replication(
    plan: WindowPlan, period: StatsPeriod, seed: np.random.SeedSequence
) -> WindowStats:
    """One replication of a window on its own, run until everyone who arrived is served."""
    arrival_seed, service_seed = seed.spawn(2)
    env = simpy.Environment()
    streams = WindowStreams(
        np.random.default_rng(arrival_seed), np.random.default_rng(service_seed)
    )
    model = WindowModel(env, plan, streams, period, None, _counter())
    env.run(until=period.run_until)
    # Everyone who arrived is served: drain the queue so no wait is censored (censoring
    # would hide the longest waits of an overloaded window and bias its mean down).
    while model.queue or model.busy:
        env.run(until=env.now + MINUTES_PER_DAY)
    model.finalize()
    return model.stats


def _window_check(stats: Sequence[WindowStats], period_days: float) -> WindowCheck:
    """Per-hour service levels (working days) over replications, with t half-widths."""
    served_rows = [s.served_by_hour[0].astype(float) for s in stats]
    within_rows = [s.served_within_target[0].astype(float) for s in stats]
    levels = []
    for served, ok in zip(served_rows, within_rows, strict=True):
        with np.errstate(invalid="ignore", divide="ignore"):
            levels.append(np.where(served > 0, ok / np.where(served > 0, served, 1), np.nan))
    arrivals = [served / max(period_days, 1e-9) for served in served_rows]
    means = [s.waits.mean for s in stats]
    utilisation = [s.utilisation for s in stats]
    stacked = np.array(levels)
    with np.errstate(invalid="ignore"):
        mean_levels = np.array([nanmean(list(stacked[:, h])) for h in range(24)])
    return WindowCheck(
        service_level=mean_levels,
        service_level_ci95=np.array([t_halfwidth(list(stacked[:, h])) for h in range(24)]),
        arrivals_per_day=np.mean(np.array(arrivals), axis=0),
        wait_mean=nanmean(means),
        wait_mean_ci95=t_halfwidth(means),
        utilisation=nanmean(utilisation),
        replications=len(stats),
        served_by_rep=np.array(served_rows),
        within_by_rep=np.array(within_rows),
        wait_sum_by_rep=np.array([s.wait_sum_by_hour[0].copy() for s in stats]),
    )


def _lone_window(
    rates_per_hour: Sequence[float],
    clerks: Sequence[int],
    service: Sampler,
    hours: Sequence[Sequence[str]],
) -> WindowPlan:
    """A one-window plan: every day a working day, one demand row, no repeat visits."""
    spec = Window(
        id="window",
        hours=[[start, end] for start, end in hours],
        calendar="always",
        clerks=[int(c) for c in clerks],
    )
    opening = OpeningHours.from_strings(spec.hours)
    timetable = Timetable(WorkCalendar("always", datetime(2025, 1, 6).date()), opening)
    rates = np.asarray([rates_per_hour], dtype=float)
    return WindowPlan(
        index=0,
        spec=spec,
        hours=opening,
        weekend_hours=None,
        clerks=tuple(int(c) for c in clerks),
        rates=rates,
        row_matter=(0,),
        row_mode=("counter",),
        row_service=(service,),
        timetable=timetable,
        arrivals=ArrivalGenerator(timetable, rates, np.ones(7), np.ones(12)),
        visits=None,
    )


def _counter() -> Callable[[], int]:
    state = [0]

    def next_id() -> int:
        state[0] += 1
        return state[0]

    return next_id
