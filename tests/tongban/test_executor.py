"""Executors: the same seed gives the same replications inline, on processes and on Dask;
a model error is raised (never retried); a worker killed mid-run or mid-sweep loses
nothing; a sweep's task gets only its own point."""

from __future__ import annotations

import dataclasses
import functools
import math
import multiprocessing
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.job import replication_task
from sim.scenarios.loader import parse_scenario
from sim.scenarios.overrides import parse_setting
from tests.tongban.executor_tasks import Unreadable, kill_once, part_and_key
from tongban import pipeline
from tongban.kernel.errors import InputError
from tongban.pipeline.backends import DaskExecutor, ProcessExecutor
from tongban.pipeline.executor import Executor, InlineExecutor, make_executor
from tongban.pipeline.stages import PreparedRun, simulation_only
from tongban.pipeline.sweep import (
    SweepPoint,
    plan_points_from,
    run_sweep,
    sweep_csv_text,
    sweep_rows,
)

pytestmark = pytest.mark.xdist_group("executor")

TINY = {
    "name": "tiny",
    "days": 30,
    "warmup_days": 1,
    "drain_days": 0,
    "seed": 7,
    "replications": 6,
    "windows": [{"id": "W1", "clerks": 3, "hours": [["00:00", "24:00"]], "calendar": "always"}],
    "demand": [
        {
            "window": "W1",
            "matter": "1-05",
            "per_hour": 15.0,
            "service_minutes": {"dist": "exponential", "mean": 10.0},
        }
    ],
    "process": {"window": {"incomplete_share": 0.0}},
}


def canonical(value: Any) -> Any:
    """A replication's measurements as plain, comparable values (NaN as a string)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        return canonical(value.tolist())
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


@pytest.fixture(scope="module")
def prepared() -> PreparedRun:
    return simulation_only(parse_scenario(TINY), pipeline.RunOptions())


@pytest.fixture(scope="module")
def expected(prepared: PreparedRun) -> Any:
    results = InlineExecutor().map(replication_task, (prepared.job, None), range(6))
    return canonical(results)


@pytest.fixture(scope="module")
def dask() -> Iterator[DaskExecutor]:
    with DaskExecutor(2) as executor:
        yield executor


def fails_on_three(shared: Any, key: int) -> int:
    """A task with a model error at key 3."""
    if key == 3:
        raise ValueError("model error at 3")
    return key


def test_processes_and_dask_equal_inline(
    prepared: PreparedRun, expected: Any, dask: DaskExecutor
) -> None:
    with ProcessExecutor(2) as processes:
        shared = (prepared.job, None)
        assert canonical(processes.map(replication_task, shared, range(6))) == expected
    assert canonical(dask.map(replication_task, (prepared.job, None), range(6))) == expected
    with pytest.raises(ValueError, match="model error at 3"):
        dask.map(fails_on_three, None, range(5))


def test_model_errors_are_raised_not_retried() -> None:
    for executor in (InlineExecutor(), ProcessExecutor(2)):
        with executor, pytest.raises(ValueError, match="model error at 3"):
            executor.map(fails_on_three, None, range(5))


def _kill_busy_worker(executor: DaskExecutor) -> tuple[Any, list[str]]:
    """An ``on_done`` that kills (SIGKILL) a worker holding a running task, once."""
    pids = executor.client.run(os.getpid)
    killed: list[str] = []

    def on_done(done: int, total: int) -> None:
        busy = [a for a, keys in executor.client.processing().items() if keys]
        if not killed and busy:
            killed.append(busy[0])
            os.kill(pids[busy[0]], signal.SIGKILL)

    return on_done, killed


def test_process_worker_killed_mid_run_changes_nothing(
    prepared: PreparedRun, expected: Any, caplog: pytest.LogCaptureFixture
) -> None:
    killed: list[int] = []

    def on_done(done: int, total: int) -> None:
        if killed:
            return
        for child in multiprocessing.active_children():  # the pool's workers, busy or idle
            killed.append(child.pid or 0)
            os.kill(child.pid or 0, signal.SIGKILL)

    with ProcessExecutor(2) as processes:
        results = processes.map(replication_task, (prepared.job, None), range(6), on_done)
    assert killed
    assert "a worker process died" in caplog.text  # the pool broke and was started afresh
    assert canonical(results) == expected


def test_dask_worker_killed_mid_run_changes_nothing(
    prepared: PreparedRun, expected: Any, dask: DaskExecutor
) -> None:
    on_done, killed = _kill_busy_worker(dask)
    results = dask.map(replication_task, (prepared.job, None), range(6), on_done)
    assert killed
    assert canonical(results) == expected


def test_bad_choices_name_the_option() -> None:
    with pytest.raises(InputError, match="executor must be one of"):
        make_executor("threads")
    with pytest.raises(InputError, match=r"workers must be a whole number in 1\.\."):
        make_executor("processes", 0)
    with pytest.raises(InputError, match="scheduler must be an address"):
        make_executor("dask", 1, "localhost")
    assert isinstance(make_executor(None, 1), InlineExecutor)


# -- sweeps: each task gets only its point; a worker killed mid-sweep changes nothing -------

SWEEP_BASE = {**TINY, "days": 3, "replications": 2}
SWEEP_SETTINGS = [parse_setting("windows.W1.clerks=3,4,5")]  # 3 points × 2 replications


class KillingOnce(Executor):
    """Another executor whose worker dies (SIGKILL) on picking up the sweep task ``at``."""

    def __init__(self, inner: Executor, marker: Path, at: tuple[int, int]) -> None:
        self.inner, self.marker, self.at = inner, marker, at

    def map(
        self, fn: Any, shared: Any, keys: Any, on_done: Any = None, on_result: Any = None
    ) -> Any:
        raise AssertionError("a sweep maps its points as parts")

    def map_parts(
        self, fn: Any, parts: Any, keys: Any, on_done: Any = None, on_result: Any = None
    ) -> Any:
        killing = functools.partial(kill_once, fn, str(self.marker), self.at)
        return self.inner.map_parts(killing, parts, keys, on_done, on_result)


@pytest.fixture(scope="module")
def sweep_points() -> list[SweepPoint]:
    return plan_points_from(SWEEP_BASE, SWEEP_SETTINGS, "tiny")


@pytest.fixture(scope="module")
def inline_sweep(sweep_points: list[SweepPoint]) -> Any:
    results = run_sweep(sweep_points, pipeline.RunOptions(), stages=False)
    return sweep_rows(sweep_points, results)


def _assert_killed_and_equal(
    executor: Executor, points: list[SweepPoint], expected: Any, marker: Path
) -> None:
    results = run_sweep(points, pipeline.RunOptions(), executor, stages=False)
    assert marker.exists(), "no worker was killed"
    assert int(marker.read_text()) != os.getpid()  # a worker died, not this process
    rows = sweep_rows(points, results)
    assert canonical(rows) == canonical(expected)
    assert sweep_csv_text(rows) == sweep_csv_text(expected)


def test_process_worker_killed_mid_sweep_changes_nothing(
    sweep_points: list[SweepPoint],
    inline_sweep: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    marker = tmp_path / "killed"
    with ProcessExecutor(2) as processes:
        _assert_killed_and_equal(
            KillingOnce(processes, marker, (1, 0)), sweep_points, inline_sweep, marker
        )
    assert "a worker process died" in caplog.text  # the pool broke and was started afresh


def test_dask_worker_killed_mid_sweep_changes_nothing(
    sweep_points: list[SweepPoint], inline_sweep: Any, dask: DaskExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "killed"
    _assert_killed_and_equal(KillingOnce(dask, marker, (1, 0)), sweep_points, inline_sweep, marker)


def test_process_workers_read_only_the_parts_their_tasks_use() -> None:
    parts = ["a", Unreadable(), "c"]
    keys = [(0, 0), (2, 1), (0, 2), (2, 3)]
    with ProcessExecutor(2) as processes:
        results = processes.map_parts(part_and_key, parts, keys)
    assert results == [("a", 0), ("c", 1), ("a", 2), ("c", 3)]
