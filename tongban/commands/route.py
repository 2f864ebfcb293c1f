"""``tongban route``: pickup routing for a scenario, or one benchmark instance.

``tongban route --instance FILE [--seconds S] [--json]`` solves a Solomon/VRPLIB file and
prints ``{"instance", "vehicles", "distance", "seconds", "feasible", "routes"}`` with the
distance under the DIMACS convention (TSPLIB rounding for CVRP files).
``tongban route SCENARIO [--out DIR]`` plans pickups and routes for a scenario's windows
and writes ``pickups.csv``, ``unserved.csv``, ``routes.geojson``, ``tradeoff.csv``,
``routing.json`` and ``summary.json`` (atomically, as every report folder).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from tongban.commands.options import (
    NumberIn,
    seed_type,
    solver_iterations_type,
    solver_seconds_type,
)
from tongban.kernel.errors import InputError


def _budget(seconds: float | None, iterations: int | None, default: float) -> float | None:
    """The time limit: as given; none when only ``--iterations`` is (reproducible runs)."""
    if seconds is not None:
        return seconds
    return None if iterations is not None else default


def _route_instance(
    instance: Path,
    seconds: float | None,
    iterations: int | None,
    backend: str,
    seed: int,
    as_json: bool,
) -> None:
    from routing.benchmark import best_known_cost, load, run_instance
    from routing.stopping import StoppingCriterion

    data = load(instance)
    stop = StoppingCriterion(seconds=seconds, iterations=iterations)
    run = run_instance(data, stop, backend=backend, seed=seed)
    if as_json:
        typer.echo(json.dumps(run.as_json()))
        return
    bks = best_known_cost(instance)
    gap = "" if bks is None else f"  gap to BKS {100 * (run.distance / bks - 1):.2f}%"
    typer.echo(
        f"{run.instance}: {run.vehicles} vehicles, distance {run.distance:.1f}, "
        f"{'feasible' if run.feasible else 'NOT feasible'}, {run.seconds:.1f} s "
        f"({run.backend}){gap}"
    )
    for i, route in enumerate(run.routes, start=1):
        typer.echo(f"Route #{i}: {' '.join(map(str, route))}")
    for line in run.violations + run.unserved:
        typer.echo(f"  ! {line}")


def register(app: typer.Typer) -> None:
    """Add ``route`` to the root app."""

    @app.command("route")
    def route(
        scenario: str | None = typer.Argument(
            None, help="Scenario file or shipped name (omit with --instance)."
        ),
        instance: Path | None = typer.Option(
            None, "--instance", help="Solomon .txt or VRPLIB .vrp benchmark file."
        ),
        seconds: float | None = typer.Option(
            None,
            "--seconds",
            parser=solver_seconds_type(),
            help="Time limit per solve: default 30 for --instance, 2 per slot VRP for SCENARIO "
            "(no default time limit with --iterations).",
        ),
        iterations: int | None = typer.Option(
            None,
            "--iterations",
            parser=solver_iterations_type(),
            help="Deterministic iteration/solution limit; alone, it makes the run reproducible.",
        ),
        backend: str = typer.Option("auto", "--backend", help="auto, pyvrp, ortools, portfolio"),
        seed: int = typer.Option(0, "--seed", parser=seed_type(), help="Solver seed."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
        out: Path | None = typer.Option(None, "--out", help="Output folder for SCENARIO."),
        waiting_weight: float | None = typer.Option(
            None,
            "--waiting-weight",
            parser=NumberIn(whole=False, low=0, high="multiplier"),
            help="Cost per parcel waiting-hour (default: scenario's).",
        ),
    ) -> None:
        """Plan EMS pickups and routes, or solve a benchmark instance."""
        if instance is not None:
            if scenario is not None:
                raise InputError("give either SCENARIO or --instance, not both", field="instance")
            budget = _budget(seconds, iterations, 30.0)
            _route_instance(instance, budget, iterations, backend, seed, as_json)
            return
        if scenario is None:
            raise InputError("give a SCENARIO or --instance FILE", field="scenario")
        from tongban import pipeline
        from tongban.pipeline import standalone
        from tongban.pipeline.folder import reserved

        folder = out or Path("report")
        with reserved(folder):  # checked and held (one writer) before any work
            plan = standalone.plan_routes(
                pipeline.load(scenario),
                waiting_weight=waiting_weight,
                seconds=seconds or 2.0,  # plan_scenario drops it when iterations is given
                seed=seed,
                iterations=iterations,
            )
            summary: dict[str, object] = {"out": str(folder), **plan.summary()}
            standalone.write_routes(plan, folder, summary)
        if as_json:
            typer.echo(json.dumps(summary))
            return
        rows = summary.pop("tradeoff")
        for key, value in summary.items():
            typer.echo(f"{key}: {value}")
        typer.echo("cost–delay trade-off (yuan per parcel-hour → pickups, vans, km, yuan, hours):")
        assert isinstance(rows, list)
        for row in rows:
            typer.echo(
                f"  w={row['waiting_weight_yuan_per_parcel_hour']:>5g}  "
                f"pickups={row['pickups_per_day']:>3}  vans={row['vans_needed']:>2}  "
                f"km={row['km_per_day']:>7.1f}  cost={row['vehicle_cost_yuan_per_day']:>8.1f}  "
                f"wait={row['parcel_wait_hours_per_day']:>7.1f} h  "
                f"mean={row['parcel_wait_mean_hours']:>5.2f} h"
            )
