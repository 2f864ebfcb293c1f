"""``tongban sweep SCENARIO --set PATH=V1,V2 … [-r N] --out DIR``: KPIs over a grid of settings.

The points are the cartesian product of the ``--set`` values; each point is the scenario
with its settings applied and validated by the schema (a bad path or value: exit 2, naming
the setting and the allowed range). All (point, replication) tasks run on the executor
(``--workers``, ``--executor``, ``--scheduler``); ``DIR/sweep.csv`` has one row per point:
the parameters, then the KPIs with their units in the column names.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from sim.scenarios.overrides import parse_setting
from tongban import pipeline
from tongban.commands.execution import (
    check_flags,
    executor_option,
    opened,
    quiet_option,
    scheduler_option,
    workers_option,
)
from tongban.commands.options import replications_option, run_seed_option
from tongban.commands.progress import stage_progress
from tongban.commands.simulate import as_flag
from tongban.kernel.errors import InputError
from tongban.pipeline.stages import check_options
from tongban.pipeline.sweep import plan_points, run_sweep, sweep_rows, write_sweep_csv


def sweep_command(
    scenario: str = typer.Argument(..., help="Scenario file or shipped name."),
    settings: list[str] = typer.Option(
        ..., "--set", help="PATH=V1,V2,… e.g. windows.W1.clerks=3,4,5 (repeat for a grid)."
    ),
    replications: int | None = replications_option(),
    seed: int | None = run_seed_option(),
    out: Path = typer.Option(Path("sweep"), "--out", "-o", help="Folder for sweep.csv."),
    routing: bool = typer.Option(
        False, "--routing", help="Plan EMS routes for every point (default: fixed pickups)."
    ),
    workers: int | None = workers_option(),
    executor: str | None = executor_option(),
    scheduler: str | None = scheduler_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Run a scenario over a grid of settings and write one row of KPIs per point."""
    options = pipeline.RunOptions(replications=replications, seed=seed, routing=routing)
    try:
        check_options(options)
    except InputError as exc:
        raise as_flag(exc) from None
    check_flags(executor, workers, scheduler)
    points = plan_points(scenario, [parse_setting(text) for text in settings])
    with (
        opened(executor, workers, scheduler) as chosen,
        stage_progress(f"{scenario} ({len(points)} points)", quiet) as progress,
    ):
        results = run_sweep(points, options, chosen, progress)
    path = write_sweep_csv(sweep_rows(points, results), out)
    Console().print(f"{len(points)} points written to {path}")


def register(app: typer.Typer) -> None:
    """Add ``sweep`` to the root app."""
    app.command("sweep")(sweep_command)
