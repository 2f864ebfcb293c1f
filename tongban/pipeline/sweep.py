"""A sweep: the cartesian product of settings over a scenario, one row of KPIs per point.

Every point is the scenario file with the point's settings applied and validated by the
scenario schema (:mod:`sim.scenarios.overrides`); each point is prepared like a run, and all
(point, replication) pairs run as tasks on one executor, so a sweep uses every worker even
when each point has few replications. Each replication keeps its own spawned seed, so a
point's row equals a ``tongban run`` of that point with the same seed and options.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.replication import ReplicationResult
from sim.results import SimulationResult
from sim.scenarios.loader import load_data, parse_scenario
from sim.scenarios.overrides import Setting, apply_setting
from sim.scenarios.schema import Scenario
from tongban.kernel.errors import InputError
from tongban.kernel.tables import safe_cell
from tongban.pipeline.executor import Executor, InlineExecutor
from tongban.pipeline.stages import (
    PreparedRun,
    Progress,
    RunOptions,
    finish,
    now,
    prepare,
    replicate,
    simulation_only,
)

MAX_POINTS = 10_000


@dataclass(frozen=True)
class SweepPoint:
    """One combination of the swept values and the scenario it makes."""

    params: tuple[tuple[str, Any], ...]
    scenario: Scenario

    def label(self) -> str:
        """``windows.W1.clerks=3, days=20``."""
        return ", ".join(f"{path}={value!r}" for path, value in self.params)


def _validated(data: dict[str, Any], params: Sequence[tuple[str, Any]], source: str) -> Scenario:
    changed = data
    for path, value in params:
        changed = apply_setting(changed, path, value)
    label = ", ".join(f"{path}={value!r}" for path, value in params)
    try:
        return parse_scenario(changed, f"{source} with {label}")
    except InputError as exc:
        raise InputError(f"--set {label}: {exc}", field="set") from None


def plan_points(source: str, settings: Sequence[Setting]) -> list[SweepPoint]:
    """Every point of the product, each validated (errors name the setting and the range)."""
    paths = [s.path for s in settings]
    repeated = sorted({p for p in paths if paths.count(p) > 1})
    if repeated:
        raise InputError(f"--set {repeated[0]}: given more than once", field="set")
    total = math.prod(len(s.values) for s in settings)
    if total > MAX_POINTS:
        raise InputError(f"--set: {total} points; at most {MAX_POINTS} allowed", field="set")
    data = load_data(source)
    for setting in settings:  # each value alone first: the error names one setting
        for value in setting.values:
            _validated(data, [(setting.path, value)], source)
    points = []
    for combo in itertools.product(*(s.values for s in settings)):
        params = tuple(zip(paths, combo, strict=True))
        points.append(SweepPoint(params, _validated(data, params, source)))
    return points


def sweep_task(shared: tuple[PreparedRun, ...], key: tuple[int, int]) -> ReplicationResult:
    """Replication ``key[1]`` of point ``key[0]``."""
    point, index = key
    return replicate(shared[point], index)


def run_sweep(
    points: Sequence[SweepPoint],
    options: RunOptions = RunOptions(routing=False),
    executor: Executor | None = None,
    progress: Progress | None = None,
    stages: bool = True,
) -> list[SimulationResult]:
    """Every point's simulation result, in point order."""
    started = now()
    prepared = tuple(
        prepare(p.scenario, options) if stages else simulation_only(p.scenario, options)
        for p in points
    )
    keys = [(i, r) for i, run in enumerate(prepared) for r in range(run.replications)]

    def on_done(done: int, total: int) -> None:
        if progress is not None:
            progress("simulation", done, total)

    results = (executor or InlineExecutor()).map(sweep_task, prepared, keys, on_done)
    by_point: list[list[ReplicationResult]] = [[] for _ in prepared]
    for (point, _), result in zip(keys, results, strict=True):
        by_point[point].append(result)
    finished = now()
    return [
        finish(run, reps, started, finished).simulation
        for run, reps in zip(prepared, by_point, strict=True)
    ]


def _weighted(pairs: Sequence[tuple[float, float]]) -> float:
    """Mean of values weighted by counts, skipping NaN values and zero weights."""
    kept = [(v, w) for v, w in pairs if w > 0 and math.isfinite(v)]
    total = sum(w for _, w in kept)
    return sum(v * w for v, w in kept) / total if total else math.nan


def kpis(result: SimulationResult) -> dict[str, float]:
    """The run's headline figures; units in the names (min, days = working days, km)."""
    windows, matters, offices = result.windows, result.turnaround, result.offices
    return {
        "cases_per_rep": result.cases,
        "wait_mean_min": _weighted([(w.wait_mean_min, w.cases) for w in windows]),
        "wait_p90_worst_window_min": max((w.wait_p90_min for w in windows), default=math.nan),
        "window_utilisation_mean": _weighted([(w.utilisation, w.cases) for w in windows]),
        "office_utilisation_mean": _weighted([(o.utilisation, o.cases) for o in offices]),
        "turnaround_days_mean": _weighted([(m.days_mean, m.cases) for m in matters]),
        "within_limit_share": _weighted([(m.within_limit_share, m.cases) for m in matters]),
        "end_to_end_within_limit_share": _weighted(
            [(m.end_to_end_within_limit_share, m.cases) for m in matters]
        ),
        "trips_saved_per_rep": sum(t.trips_saved for t in result.trips_saved),
        "km_saved_per_rep": sum(t.km_saved for t in result.trips_saved),
        "censored_cases": float(result.censored),
    }


def sweep_rows(
    points: Sequence[SweepPoint], results: Sequence[SimulationResult]
) -> list[dict[str, Any]]:
    """One row per point: its parameters, then its KPIs."""
    return [
        {**dict(point.params), "replications": result.replications, **kpis(result)}
        for point, result in zip(points, results, strict=True)
    ]


def write_sweep_csv(rows: Sequence[dict[str, Any]], out: Path) -> Path:
    """``out/sweep.csv`` (written to a temporary name, then renamed: never half a file)."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "sweep.csv"
    handle_fd, scratch_name = tempfile.mkstemp(dir=out, prefix=".sweep.", suffix=".csv.tmp")
    scratch = Path(scratch_name)  # unique: two sweeps into one folder never share it
    with os.fdopen(handle_fd, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
    os.replace(scratch, target)
    return target


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return "" if not math.isfinite(value) else f"{value:.6g}"
    if isinstance(value, str):  # a setting's text: never read as a spreadsheet formula
        return safe_cell(value)
    return value
