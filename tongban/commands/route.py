"""``tongban route``: pickup routing for a scenario, or one benchmark instance.

``tongban route --instance FILE [--seconds S] [--json]`` solves a Solomon/VRPLIB file and
prints ``{"instance", "vehicles", "distance", "seconds", "feasible", "routes"}`` with the
distance under the DIMACS convention (TSPLIB rounding for CVRP files).
``tongban route SCENARIO [--out DIR]`` plans pickups and routes for a scenario's windows
and writes ``pickups.csv``, ``unserved.csv``, ``routes.geojson``, ``tradeoff.csv``,
``routing.json`` and ``summary.json`` (atomically, as every report folder).
``tongban route [SCENARIO] --province P [--halls FILE] [--levels L,…] [--branches auto|off]
[--workers N] [--executor K] [--out DIR]`` plans every hall of one province (``P``: a
2-digit code such as ``12``, or a name such as ``天津``), one VRPTW per EMS processing
centre, with county branches collecting where that is cheaper; without SCENARIO the
shipped ``national`` scenario's halls and demand. It prints each centre's plan and the
province's total; ``--out DIR`` writes the routing files plus ``centres.csv`` and
``branches.csv``.
"""

from __future__ import annotations

import json
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from tongban.commands.execution import opened, scheduler_option
from tongban.commands.options import (
    NumberIn,
    seed_type,
    solver_iterations_type,
    solver_seconds_type,
)
from tongban.kernel.errors import InputError
from tongban.pipeline.executor import KINDS, MAX_WORKERS


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


@dataclass(frozen=True)
class ProvinceOptions:
    """The options only a province run takes."""

    halls: Path | None
    levels: str | None
    branches: str
    workers: int | None
    executor: str | None
    scheduler: str | None


def _route_province(
    scenario: str | None,
    province: str,
    options: ProvinceOptions,
    out: Path | None,
    solver: tuple[float | None, int | None, int, float | None],
    as_json: bool,
) -> None:
    """``tongban route --province``: plan, print per centre, write ``--out`` if given."""
    from routing.province_outputs import summary as plan_summary
    from tongban.pipeline import routing_stage as stage
    from tongban.pipeline.folder import reserved

    began = time.perf_counter()
    if options.branches not in ("auto", "off"):
        raise InputError(
            f"--branches must be auto or off (got {options.branches!r})", field="branches"
        )
    unit = stage.resolve_province(province)
    levels = None if options.levels is None else [x.strip() for x in options.levels.split(",")]
    loaded = stage.load_province_scenario(
        scenario, unit, None if options.halls is None else str(options.halls), levels
    )
    seconds, iterations, seed, weight = solver
    loaded_at = time.perf_counter()
    with reserved(out) if out is not None else nullcontext():
        with opened(options.executor, options.workers, options.scheduler) as executor:
            plan = stage.plan_for_province(
                loaded,
                unit,
                mapper=executor.map,
                waiting_weight=weight,
                seconds=seconds,
                iterations=iterations,
                seed=seed,
                branches="auto" if options.branches == "auto" else "off",
            )
            how = f"{executor.kind}, {executor.workers} worker(s)"
            planned_at = time.perf_counter()
        summary: dict[str, Any] = {"out": None if out is None else str(out), **plan_summary(plan)}
        if out is not None:
            stage.write_province_routes(plan, out, summary)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    _print_province(summary)
    typer.echo(
        f"scenario loaded in {loaded_at - began:.1f} s; halls built and centres planned in "
        f"{planned_at - loaded_at:.1f} s ({how})"
    )


def _print_province(summary: dict[str, Any]) -> None:
    """Per-centre lines (its branches below it), then the province's total."""
    typer.echo(
        f"{summary['province_name']} ({summary['province_code'][:2]}), scenario "
        f"{summary['scenario']}: {summary['halls']} halls, {summary['centres']} EMS centres, "
        f"waiting weight {summary['waiting_weight_yuan_per_parcel_hour']:g} yuan per parcel-hour"
    )
    header = "centre  halls served via-branch parcels/d vans routes     km/d  cost yuan/d unserved"
    typer.echo(header + "  name")
    branch_rows = summary["branch_plans"]
    for c in summary["centre_plans"]:
        typer.echo(
            f"{c['centre_code']} {c['halls']:>6} {c['halls_served']:>6} "
            f"{c['halls_via_branches']:>10} {c['parcels_per_day']:>9.1f} {c['vans_needed']:>4} "
            f"{c['routes_per_day']:>6} {c['km_per_day']:>8.1f} "
            f"{c['vehicle_cost_yuan_per_day']:>12.1f} {c['unserved']:>8}  {c['centre_name']}"
        )
        for b in (b for b in branch_rows if b["centre_code"] == c["centre_code"]):
            typer.echo(
                f"    branch {b['branch_code']} {b['branch_name']}: {b['halls']} hall(s), "
                f"{b['parcels_per_day']:.1f} parcels/d, {b['routes_per_day']} route(s), "
                f"{b['km_per_day']:.1f} km/d, {b['vehicle_cost_yuan_per_day']:.1f} yuan/d; "
                f"mail route {b['mail_route_departure']} → centre {b['centre_arrival']}"
            )
    typer.echo(
        f"total  {summary['halls']:>6} {summary['halls_served']:>6} "
        f"{summary['halls_via_branches']:>10} "
        f"{sum(c['parcels_per_day'] for c in summary['centre_plans']):>9.1f} "
        f"{summary['vans_needed']:>4} {summary['routes_per_day']:>6} "
        f"{summary['km_per_day']:>8.1f} {summary['vehicle_cost_yuan_per_day']:>12.1f} "
        f"{summary['unserved']:>8}  {summary['province_name']}"
    )
    direct = sum(c["direct_vehicle_cost_yuan_per_day"] for c in summary["centre_plans"])
    typer.echo(
        f"province cost {summary['vehicle_cost_yuan_per_day']:.1f} yuan/day "
        f"(centre vans only: {direct:.1f}); parcel wait "
        f"{summary['parcel_wait_hours_per_day']:.1f} h/day "
        f"(mean {summary['parcel_wait_mean_hours']:.2f} h); objective "
        f"{summary['objective_yuan_per_day']:.1f} yuan/day"
    )


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
            "(no default time limit with --iterations); --province: no time limit by default "
            "(2000 iterations, stopping after 500 without improvement).",
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
        out: Path | None = typer.Option(
            None, "--out", help="Output folder for SCENARIO (--province: only when given)."
        ),
        waiting_weight: float | None = typer.Option(
            None,
            "--waiting-weight",
            parser=NumberIn(whole=False, low=0, high="multiplier"),
            help="Cost per parcel waiting-hour (default: scenario's).",
        ),
        province: str | None = typer.Option(
            None,
            "--province",
            help="Plan every hall of this province per EMS centre: 2-digit code (12) or name.",
        ),
        halls: Path | None = typer.Option(
            None, "--halls", help="With --province: street/township halls (CSV/GeoJSON)."
        ),
        levels: str | None = typer.Option(
            None,
            "--levels",
            help="With --province: unit halls to generate, e.g. province,county "
            "(default: the scenario's national levels).",
        ),
        branches: str = typer.Option(
            "auto",
            "--branches",
            help="With --province: auto (county branches collect where cheaper) or off.",
        ),
        workers: int | None = typer.Option(
            None,
            "--workers",
            "-w",
            parser=NumberIn(whole=True, low=1, high=MAX_WORKERS),
            help="With --province: worker processes for the centres (default 1; > 1: local "
            "processes).",
        ),
        executor: str | None = typer.Option(
            None,
            "--executor",
            help=f"With --province: where the centres are planned: {', '.join(KINDS)} "
            "(default: from --workers/--scheduler).",
        ),
        scheduler: str | None = scheduler_option(),
    ) -> None:
        """Plan EMS pickups and routes, or solve a benchmark instance."""
        if province is not None:
            if instance is not None:
                raise InputError("give either --province or --instance, not both", field="instance")
            _route_province(
                scenario,
                province,
                ProvinceOptions(halls, levels, branches, workers, executor, scheduler),
                out,
                (seconds, iterations, seed, waiting_weight),
                as_json,
            )
            return
        extra = {"halls": halls, "levels": levels, "workers": workers, "executor": executor}
        given = [name for name, value in extra.items() if value is not None]
        if given or branches != "auto" or scheduler is not None:
            name = given[0] if given else ("branches" if branches != "auto" else "scheduler")
            raise InputError(f"--{name} needs --province", field=name)
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
