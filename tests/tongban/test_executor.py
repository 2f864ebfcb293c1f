"""Executors: the same seed gives the same replications inline, on processes and on Dask;
a model error is raised (never retried); a worker killed mid-run loses nothing."""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import signal
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from sim.scenarios.loader import parse_scenario
from tongban import pipeline
from tongban.kernel.errors import InputError
from tongban.pipeline.executor import (
    DaskExecutor,
    InlineExecutor,
    ProcessExecutor,
    make_executor,
)
from tongban.pipeline.stages import PreparedRun, replication_task, simulation_only

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
    results = InlineExecutor().map(replication_task, (prepared, None), range(6))
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
        assert canonical(processes.map(replication_task, (prepared, None), range(6))) == expected
    assert canonical(dask.map(replication_task, (prepared, None), range(6))) == expected
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
        results = processes.map(replication_task, (prepared, None), range(6), on_done)
    assert killed
    assert "a worker process died" in caplog.text  # the pool broke and was started afresh
    assert canonical(results) == expected


def test_dask_worker_killed_mid_run_changes_nothing(
    prepared: PreparedRun, expected: Any, dask: DaskExecutor
) -> None:
    on_done, killed = _kill_busy_worker(dask)
    results = dask.map(replication_task, (prepared, None), range(6), on_done)
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
