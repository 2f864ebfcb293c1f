"""The pipeline: one load, one compile, each stage once, and a run split into replications.

The golden scenario (routing, staffing and simulation all run) keeps this quick.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sim.results import SimulationResult
from sim.staffing.scenario import engine_clerk_plans
from tongban import pipeline
from tongban.kernel import tables
from tongban.kernel.errors import InputError
from tongban.pipeline import RunOptions

GOLDEN = Path(__file__).parents[1] / "data" / "golden" / "chizhou_small.toml"
OPTIONS = RunOptions(replications=2, route_iterations=50)


def _rows(result: SimulationResult) -> dict[str, Any]:
    """The result without its wall-clock fields."""
    values = dataclasses.asdict(result)
    return {k: v for k, v in values.items() if k not in ("started", "finished")}


def _count_calls(
    monkeypatch: pytest.MonkeyPatch, counts: Counter[str], module: Any, name: str
) -> None:
    """Count calls of ``module.name`` wherever it was imported by name."""
    original: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        counts[name] += 1
        return original(*args, **kwargs)

    for loaded in list(sys.modules.values()):
        if loaded is not None and getattr(loaded, name, None) is original:
            monkeypatch.setattr(loaded, name, counted)


@pytest.fixture(scope="module")
def counted_run() -> tuple[pipeline.RunResult, Counter[str], list[tuple[str, int, int]]]:
    import routing.scenario
    import sim.staffing.scenario
    import sim.summary

    counts: Counter[str] = Counter()
    progress: list[tuple[str, int, int]] = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        _count_calls(monkeypatch, counts, sim.compile, "compile_scenario")
        _count_calls(monkeypatch, counts, routing.scenario, "plan_for_sites")
        _count_calls(monkeypatch, counts, sim.staffing.scenario, "staff_compiled")
        _count_calls(monkeypatch, counts, sim.summary, "summarise")
        result = pipeline.run(
            pipeline.load(GOLDEN), OPTIONS, lambda *report: progress.append(report)
        )
    return result, counts, progress


def test_every_stage_runs_once_on_one_compiled_scenario(
    counted_run: tuple[pipeline.RunResult, Counter[str], list[tuple[str, int, int]]],
) -> None:
    result, counts, _ = counted_run
    assert counts == {
        "compile_scenario": 1,
        "plan_for_sites": 1,
        "staff_compiled": 1,
        "summarise": 1,
    }
    prepared = result.prepared
    assert prepared.routing is not None and prepared.staffing is not None
    assert prepared.compiled.pickups.handover  # the routing plan reached the simulation
    plans = engine_clerk_plans(prepared.staffing)  # and so did the staffing plan
    assert plans
    for window in prepared.compiled.windows:
        if window.spec.id in plans:
            assert window.clerks == plans[window.spec.id]


def test_progress_goes_routing_staffing_simulation(
    counted_run: tuple[pipeline.RunResult, Counter[str], list[tuple[str, int, int]]],
) -> None:
    _, _, progress = counted_run
    stages = [stage for stage, _, _ in progress]
    assert stages == sorted(stages, key=["routing", "staffing", "simulation"].index)
    assert progress[-1] == ("simulation", 2, 2)


def test_run_equals_prepare_replicate_finish(
    counted_run: tuple[pipeline.RunResult, Counter[str], list[tuple[str, int, int]]],
) -> None:
    whole, _, _ = counted_run
    prepared = pipeline.prepare(pipeline.load(GOLDEN), OPTIONS)
    started = datetime(2026, 1, 1, tzinfo=UTC)
    # replications may come back in any order (from other processes): finish sorts them
    reps = [pipeline.replicate(prepared, i) for i in reversed(range(prepared.replications))]
    split = pipeline.finish(prepared, reps, started, started + timedelta(minutes=1))
    assert _rows(split.simulation) == _rows(whole.simulation)
    assert split.simulation.started == "2026-01-01T00:00:00+00:00"
    assert split.prepared.notes == whole.prepared.notes


def test_started_and_finished_span_the_whole_run(
    counted_run: tuple[pipeline.RunResult, Counter[str], list[tuple[str, int, int]]],
) -> None:
    result, _, _ = counted_run
    assert result.started <= result.finished
    assert result.simulation.started == result.started.isoformat(timespec="seconds")


def test_report_writes_every_table_once(
    counted_run: tuple[pipeline.RunResult, Counter[str], list[tuple[str, int, int]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, _, _ = counted_run
    written: list[str] = []
    write_csv = tables.write_csv

    def recorded(path: Path, row_type: type, rows: Any) -> Path:
        written.append(path.name)
        return write_csv(path, row_type, rows)

    monkeypatch.setattr("tongban.pipeline.report.write_csv", recorded)
    folder = pipeline.write_report(result, tmp_path / "report", maps=False)
    expected = {f"{name}.csv" for name in pipeline.report_tables(result)}
    assert sorted(written) == sorted(expected)  # each CSV once
    on_disk = {p.name for p in folder.iterdir()}
    assert on_disk == expected | {"summary.json", "routes.geojson", "routing.json", "report.html"}
    assert {"staffing_plan.csv", "roster.csv", "office_staffing.csv", "unserved.csv"} <= expected


def test_replicate_rejects_an_index_outside_the_run() -> None:
    prepared = pipeline.prepare(pipeline.load("mmc"), RunOptions(replications=1))
    with pytest.raises(InputError, match="index"):
        pipeline.replicate(prepared, 1)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (RunOptions(replications=0), "replications"),
        (RunOptions(seed=-1), "seed"),
        (RunOptions(route_iterations=0), "route_iterations"),
        (RunOptions(waiting_weight=float("nan")), "waiting_weight"),
    ],
)
def test_bad_options_name_their_field(options: RunOptions, field: str) -> None:
    with pytest.raises(InputError) as caught:
        pipeline.prepare(pipeline.load("mmc"), options)
    assert caught.value.field == field


def test_routing_off_keeps_the_fixed_pickups() -> None:
    prepared = pipeline.prepare(pipeline.load(GOLDEN), RunOptions(routing=False))
    assert prepared.routing is None
    assert prepared.notes[0].startswith("routing skipped")
