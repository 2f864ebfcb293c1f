"""A sweep: the cartesian product of settings over a scenario, one row of KPIs per point.

Every point is the scenario file with the point's settings applied and validated by the
scenario schema (:mod:`sim.scenarios.overrides`), once; each point is prepared like a run, and
all (point, replication) pairs run as tasks on one executor, so a sweep uses every worker even
when each point has few replications; a task receives its own point's prepared run only.
Each replication keeps its own spawned seed, so a point's row equals a ``tongban run`` of
that point with the same seed and options.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.job import sweep_task
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
    simulation_only,
)

MAX_POINTS = 10_000


class SettingInvalid(InputError):
    """A swept setting the scenario schema refuses.

    ``setting`` and ``value`` are the positions (in the settings given, and in that
    setting's values) of the one at fault, or None when only a combination fails.
    """

    def __init__(self, message: str, setting: int | None = None, value: int | None = None):
        super().__init__(message, field="set")
        self.setting, self.value = setting, value


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
    """Every point of the product over a scenario file or shipped name (see
    :func:`plan_points_from`)."""
    return plan_points_from(load_data(source), settings, source)


def plan_points_from(
    data: dict[str, Any], settings: Sequence[Setting], source: str
) -> list[SweepPoint]:
    """Every point of the product over a decoded scenario, each validated once by the
    schema; errors name the setting and the allowed range (:class:`SettingInvalid`)."""
    paths = [s.path for s in settings]
    for number, path in enumerate(paths):
        if path in paths[:number]:
            raise SettingInvalid(f"--set {path}: given more than once", number)
    total = math.prod(len(s.values) for s in settings)
    if total > MAX_POINTS:
        raise SettingInvalid(f"--set: {total} points; at most {MAX_POINTS} allowed")
    points = []
    for combo in itertools.product(*(range(len(s.values)) for s in settings)):
        params = tuple((s.path, s.values[i]) for s, i in zip(settings, combo, strict=True))
        try:
            points.append(SweepPoint(params, _validated(data, params, source)))
        except InputError as exc:
            raise _culprit(data, settings, combo, source, exc) from None
    return points


def _culprit(
    data: dict[str, Any],
    settings: Sequence[Setting],
    combo: Sequence[int],
    source: str,
    error: InputError,
) -> SettingInvalid:
    """A refused combination's error, naming the one value refused on its own if any."""
    if len(settings) == 1:  # the combination is that value: its error names it already
        return SettingInvalid(str(error), 0, combo[0])
    for number, (setting, index) in enumerate(zip(settings, combo, strict=True)):
        try:
            _validated(data, [(setting.path, setting.values[index])], source)
        except InputError as exc:
            return SettingInvalid(str(exc), number, index)
    return SettingInvalid(str(error))


def prepare_points(
    points: Sequence[SweepPoint],
    options: RunOptions,
    stages: bool = True,
    on_prepared: Callable[[int], None] | None = None,
) -> tuple[PreparedRun, ...]:
    """Every point prepared like a run (``stages``: routing and staffing, as ``tongban run``;
    else the simulation stage alone); ``on_prepared(i)`` after point ``i``."""
    prepared = []
    for number, point in enumerate(points):
        run = (
            prepare(point.scenario, options) if stages else simulation_only(point.scenario, options)
        )
        prepared.append(run)
        if on_prepared is not None:
            on_prepared(number)
    return tuple(prepared)


def sweep_keys(prepared: Sequence[PreparedRun]) -> list[tuple[int, int]]:
    """Every (point, replication) task, point by point."""
    return [(i, r) for i, run in enumerate(prepared) for r in range(run.replications)]


def fold_points(
    prepared: Sequence[PreparedRun],
    results: Sequence[tuple[tuple[int, int], ReplicationResult]],
    started: datetime,
    finished: datetime,
) -> list[SimulationResult]:
    """Each point's simulation result from its (key, replication result) pairs."""
    by_point: list[list[ReplicationResult]] = [[] for _ in prepared]
    for (point, _), result in results:
        by_point[point].append(result)
    return [
        finish(run, reps, started, finished).simulation
        for run, reps in zip(prepared, by_point, strict=True)
    ]


def run_sweep(
    points: Sequence[SweepPoint],
    options: RunOptions = RunOptions(routing=False),
    executor: Executor | None = None,
    progress: Progress | None = None,
    stages: bool = True,
) -> list[SimulationResult]:
    """Every point's simulation result, in point order.

    ``progress`` hears ``("prepare", i, points)`` as the points are prepared (routing,
    staffing, compiling: minutes for a national point), then ``("simulation", done, tasks)``.
    The tasks are spread over the executor's workers with :meth:`Executor.map_parts`: a
    task receives its own point's prepared run only.
    """
    started = now()

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    report("prepare", 0, len(points))
    prepared = prepare_points(
        points, options, stages, lambda i: report("prepare", i + 1, len(points))
    )
    keys = sweep_keys(prepared)

    def on_done(done: int, total: int) -> None:
        report("simulation", done, total)

    results = (executor or InlineExecutor()).map_parts(
        sweep_task, [run.job for run in prepared], keys, on_done
    )
    return fold_points(prepared, list(zip(keys, results, strict=True)), started, now())


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


def sweep_csv_text(rows: Sequence[dict[str, Any]]) -> str:
    """``sweep.csv``'s text: a header, then one line per row (6 significant digits, no NaN)."""
    handle = io.StringIO()
    writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else [])
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return handle.getvalue()


def write_sweep_csv(rows: Sequence[dict[str, Any]], out: Path) -> Path:
    """``out/sweep.csv`` (written to a temporary name, then renamed: never half a file)."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "sweep.csv"
    handle_fd, scratch_name = tempfile.mkstemp(dir=out, prefix=".sweep.", suffix=".csv.tmp")
    scratch = Path(scratch_name)  # unique: two sweeps into one folder never share it
    with os.fdopen(handle_fd, "w", newline="", encoding="utf-8") as handle:
        handle.write(sweep_csv_text(rows))
    os.replace(scratch, target)
    return target


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):  # a setting's text: never read as a spreadsheet formula
        return safe_cell(value)
    return value
