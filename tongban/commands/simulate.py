"""``tongban simulate SCENARIO``: run the SimPy simulation and write its report folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from sim.results import MIN_CASES_TO_JUDGE, SimulationResult
from sim.scenarios.schema import Scenario
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
from tongban.commands.options import replications_option, run_seed_option
from tongban.commands.progress import stage_progress
from tongban.kernel.errors import InputError
from tongban.pipeline.executor import Executor
from tongban.pipeline.folder import check_destination, reserved
from tongban.pipeline.report import write_report
from tongban.pipeline.stages import check_options, now, run_prepared, simulation_only


def as_flag(exc: InputError) -> InputError:
    """The error with its field named as the command-line option (``--route-iterations``)."""
    if exc.field is None or not str(exc).startswith(exc.field):
        return exc
    flag = "--" + exc.field.replace("_", "-")
    return InputError(flag + str(exc)[len(exc.field) :], field=exc.field)


def load_checked(source: str, options: pipeline.RunOptions, out: Path) -> Scenario:
    """Check the options and the destination before any work, then load the scenario."""
    try:
        check_options(options)
    except InputError as exc:
        raise as_flag(exc) from None
    check_destination(out)
    return pipeline.load(source)


def execute(
    scenario: Scenario,
    options: pipeline.RunOptions,
    out: Path,
    *,
    stages: bool,
    executor: Executor | None = None,
    quiet: bool = False,
) -> pipeline.RunResult:
    """Run (all stages, or the simulation alone) and write the report folder atomically."""
    started = now()
    with reserved(out), stage_progress(scenario.name, quiet) as progress:
        prepared = (
            pipeline.prepare(scenario, options, progress)
            if stages
            else simulation_only(scenario, options)
        )
        with tempfile.TemporaryDirectory(prefix="tongban-trace-") as scratch:
            trace_dir = Path(scratch) / "trace" if (options.trace or scenario.trace) else None
            result = run_prepared(prepared, started, progress, trace_dir, executor)
            write_report(result, out, trace_dir=trace_dir, maps=stages)
    return result


def censored_warning(result: SimulationResult) -> str | None:
    """A warning when some cases could not finish (their waits/turnaround are missing)."""
    if result.censored == 0:
        return None
    return (
        f"warning: {result.censored} cases were still unfinished when the run stopped "
        "(censored: their waits and turnaround are missing from the report; "
        "see summary.json 'censored')"
    )


def print_summary(result: SimulationResult, out: Path) -> None:
    """A short table of windows and the worst matters against their limits."""
    warning = censored_warning(result)
    if warning is not None:
        Console(stderr=True).print(warning, style="yellow", markup=False)
    console = Console()
    table = Table(
        title=f"{result.scenario}: {result.replications} replications, seed {result.seed}"
    )
    for column in ("window", "cases/rep", "wait mean (min)", "± ci95", "p90", "utilisation"):
        table.add_column(column)
    for row in result.windows:
        table.add_row(
            row.window_id,
            f"{row.cases:.0f}",
            f"{row.wait_mean_min:.2f}",
            f"{row.wait_mean_ci95_min:.2f}",
            f"{row.wait_p90_min:.2f}",
            f"{row.utilisation:.3f}",
        )
    console.print(table)
    judged, left_out = result.judged_matters()
    late = sorted(judged, key=lambda r: (r.within_limit_share, r.end_to_end_within_limit_share))[:5]
    console.print(
        f"matters furthest from their statutory limit (working days), among {len(judged)} "
        f"with ≥ {MIN_CASES_TO_JUDGE} cases; {left_out} matters with fewer cases left out:"
    )
    for matter in late:
        console.print(
            f"  {matter.matter_id} {matter.matter_name}: hand-in to result "
            f"{matter.days_mean:.1f} (limit {matter.limit_working_days}; office within limit "
            f"{matter.within_limit_share:.0%}, applicant's whole wait within limit "
            f"{matter.end_to_end_within_limit_share:.0%})"
        )
    console.print(f"report written to {out}")


def simulate_command(
    scenario: str = typer.Argument(..., help="Scenario file or shipped name (chizhou, mmc, …)."),
    replications: int | None = replications_option(),
    seed: int | None = run_seed_option(),
    out: Path = typer.Option(Path("report"), "--out", "-o", help="Report folder to write."),
    trace: bool = typer.Option(False, "--trace", help="Also write a per-case Parquet trace."),
    workers: int | None = workers_option(),
    executor: str | None = executor_option(),
    partitions: int | None = partitions_option(),
    scheduler: str | None = scheduler_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Simulate a scenario and write turnaround, windows, staffing, offices, trips saved."""
    options = pipeline.RunOptions(
        replications=replications, seed=seed, trace=trace, partitions=partitions
    )
    check_flags(executor, workers, scheduler)
    loaded = load_checked(scenario, options, out)
    auto = [w.id for w in loaded.windows if w.clerks == "auto"]
    if auto:
        Console(stderr=True).print(
            f"note: clerks = 'auto' at {', '.join(auto)} is sized here by hour-by-hour "
            "Erlang C; `tongban run` uses the simulation-verified staffing plan instead",
            style="yellow",
            markup=False,
        )
    with opened(executor, workers, scheduler) as chosen:
        result = execute(loaded, options, out, stages=False, executor=chosen, quiet=quiet)
    print_summary(result.simulation, out)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the root app."""
    app.command("simulate")(simulate_command)
