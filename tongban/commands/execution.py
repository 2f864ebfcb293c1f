"""Where a command's replications run: ``--executor``, ``--workers``, ``--scheduler``, ``--quiet``.

Defaults: inline for one worker, local processes for ``--workers N`` > 1, Dask when a
scheduler is named (``--scheduler tcp://host:8786`` or ``TONGBAN_DASK_SCHEDULER``);
``--executor dask --workers N`` starts a Dask ``LocalCluster`` of N worker processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from tongban.commands.options import NumberIn
from tongban.kernel.errors import InputError
from tongban.pipeline.executor import KINDS, MAX_WORKERS, Executor, check_choice, make_executor

#: Most partitions of one replication (more only adds passes and pickling).
MAX_PARTITIONS = 64


def workers_option() -> Any:
    """``--workers/-w``: worker processes (default 1: inline)."""
    return typer.Option(
        None,
        "--workers",
        "-w",
        parser=NumberIn(whole=True, low=1, high=MAX_WORKERS),
        help="Worker processes for the replications (default 1; > 1: local processes).",
    )


def partitions_option() -> Any:
    """``--partitions``: run each replication decomposed (the same result, see
    docs/decomposed.md)."""
    return typer.Option(
        None,
        "--partitions",
        parser=NumberIn(whole=True, low=1, high=MAX_PARTITIONS),
        help="Run each replication as window and office partitions, one after another (the "
        "same result as a whole run, with more work: a check, not a speed-up; "
        "docs/decomposed.md).",
    )


def executor_option() -> Any:
    """``--executor``: inline, processes or dask."""
    return typer.Option(
        None,
        "--executor",
        help=f"Where replications run: {', '.join(KINDS)} (default: from --workers/--scheduler).",
    )


def scheduler_option() -> Any:
    """``--scheduler``: an existing Dask scheduler's address."""
    return typer.Option(
        None,
        "--scheduler",
        help="Dask scheduler address, e.g. tcp://host:8786 (or TONGBAN_DASK_SCHEDULER).",
    )


def quiet_option() -> Any:
    """``--quiet/-q``: no progress bars (for scripts)."""
    return typer.Option(False, "--quiet", "-q", help="No progress bars (for scripts).")


def check_flags(kind: str | None, workers: int | None, scheduler: str | None) -> None:
    """Check the choice before any work; errors name the command-line option."""
    try:
        check_choice(kind, workers, scheduler)
    except InputError as exc:
        field = exc.field or "executor"
        raise InputError(f"--{field}" + str(exc).removeprefix(field), field=field) from None


@contextmanager
def opened(kind: str | None, workers: int | None, scheduler: str | None) -> Iterator[Executor]:
    """The chosen executor, closed (workers stopped) when the command ends."""
    check_flags(kind, workers, scheduler)
    executor = make_executor(kind, workers, scheduler)
    try:
        yield executor
    finally:
        executor.close()
