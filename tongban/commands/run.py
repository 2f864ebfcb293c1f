"""``tongban run [SCENARIO]``: the main job — route, staff, simulate, and write the report.

The stages run in the product's one-way order (DESIGN.md §3), in :mod:`tongban.pipeline`:

1. **routing** — for a geographic scenario, plan the EMS pickups of every window whose
   cases mail originals; the chosen plan replaces the scenario's fixed pickup times
   (parcels reach the processing centre when the planned van does), and ``pickups.csv``,
   ``routes.geojson``, ``routes.png``, ``unserved.csv``, ``tradeoff.csv`` and
   ``routing.json`` join the report; unserved windows are warnings in ``summary.json``.
   Abstract scenarios (windows without an admin code) keep their fixed pickup times;
2. **staffing** — windows with ``clerks = "auto"`` get the simulation-verified hourly plan
   of :mod:`sim.staffing`; its evidence joins the report as ``staffing_plan.csv``,
   ``roster.csv`` and ``office_staffing.csv``;
3. **simulation** — every case of every matter with the plans above, written atomically
   (no partial folder on error). A scenario with a ``locality`` also gets ``map.png``
   (windows, handling offices, EMS centres and hubs).

Without a scenario it runs the shipped default (``chizhou``) into ``report/``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from tongban import pipeline
from tongban.commands.execution import (
    check_flags,
    executor_option,
    opened,
    partitions_option,
    quiet_option,
    scheduler_option,
    workers_option,
)
from tongban.commands.options import (
    NumberIn,
    replications_option,
    run_seed_option,
    solver_iterations_type,
)
from tongban.commands.simulate import execute, load_checked, print_summary

logger = logging.getLogger(__name__)

DEFAULT_SCENARIO = "chizhou"


def run_command(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="Scenario file or shipped name."),
    replications: int | None = replications_option(),
    seed: int | None = run_seed_option(),
    out: Path = typer.Option(Path("report"), "--out", "-o", help="Report folder to write."),
    waiting_weight: float | None = typer.Option(
        None,
        "--waiting-weight",
        parser=NumberIn(whole=False, low=0, high="multiplier"),
        help="Routing: yuan per parcel waiting-hour (default: the routing stage's, 3).",
    ),
    route_iterations: int = typer.Option(
        500,
        "--route-iterations",
        parser=solver_iterations_type(),
        help="Routing: solver iterations per slot VRP (an iteration limit keeps runs "
        "reproducible; a time limit would not).",
    ),
    no_routing: bool = typer.Option(
        False, "--no-routing", help="Keep the scenario's fixed pickup times."
    ),
    workers: int | None = workers_option(),
    executor: str | None = executor_option(),
    partitions: int | None = partitions_option(),
    scheduler: str | None = scheduler_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Run the main job on a scenario (default: chizhou) and write the report folder."""
    options = pipeline.RunOptions(
        replications=replications,
        seed=seed,
        routing=not no_routing,
        waiting_weight=waiting_weight,
        route_iterations=route_iterations,
        partitions=partitions,
    )
    check_flags(executor, workers, scheduler)
    loaded = load_checked(scenario, options, out)
    with opened(executor, workers, scheduler) as chosen:
        result = execute(loaded, options, out, stages=True, executor=chosen, quiet=quiet)
    for note in result.prepared.notes:
        logger.info(note)
    for warning in result.prepared.warnings:
        typer.echo(f"warning: {warning}", err=True)
    print_summary(result.simulation, out)


def register(app: typer.Typer) -> None:
    """Add ``run`` to the root app."""
    app.command("run")(run_command)
