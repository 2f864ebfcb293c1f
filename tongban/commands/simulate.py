"""``tongban simulate SCENARIO``: run the SimPy simulation and write its report folder."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sim.compile import compile_scenario
from sim.report import check_destination, write_report
from sim.results import SimulationResult
from sim.run import Progress as ProgressCallback
from sim.run import simulate
from sim.scenarios.loader import load_scenario
from tongban import __version__
from tongban.kernel.errors import InputError
from tongban.kernel.pickups import PickupSchedule


@contextmanager
def replication_progress(label: str) -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr, as a ``(done, total)`` callback."""
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def check_positive(name: str, value: int | None) -> None:
    """Reject zero or negative counts from the command line."""
    if value is not None and value < 1:
        raise InputError(f"--{name} must be a whole number ≥ 1 (got {value})", field=name)


def check_run_options(replications: int | None, seed: int | None, out: Path) -> None:
    """Reject bad ``-r``/``--seed``/``--out`` before any work starts."""
    check_positive("replications", replications)
    if seed is not None and seed < 0:
        raise InputError(f"--seed must be ≥ 0 (got {seed})", field="seed")
    check_destination(out.resolve())


def run_simulation(
    scenario_name: str,
    replications: int | None,
    seed: int | None,
    out: Path,
    trace: bool = False,
    *,
    pickups: PickupSchedule | None = None,
    clerk_plans: Mapping[str, Sequence[int]] | None = None,
    extra: Callable[[Path], None] | None = None,
) -> SimulationResult:
    """Load, simulate with a progress bar, and write the report folder atomically.

    ``pickups`` (the routing plan) and ``clerk_plans`` (the staffing plan, 24 clerk counts per
    window id) replace the scenario's own; ``extra`` may add files to the report folder
    before it is moved into place.
    """
    check_run_options(replications, seed, out)
    scenario = load_scenario(scenario_name)
    # compile (cross-reference checks) before the progress bar, so an input error is the
    # only line on stderr
    compiled = compile_scenario(scenario)
    if pickups is not None:
        compiled = compiled.with_pickups(pickups)
    if clerk_plans:
        compiled = compiled.with_clerk_plans(clerk_plans)
    with tempfile.TemporaryDirectory(prefix="tongban-trace-") as scratch:
        trace_dir = Path(scratch) / "trace" if (trace or scenario.trace) else None
        with replication_progress(f"simulating {scenario.name}") as progress:
            result = simulate(
                compiled,
                replications=replications,
                seed=seed,
                progress=progress,
                trace_dir=trace_dir,
            )

        def add_files(staging: Path) -> None:
            if trace_dir is not None and trace_dir.exists():
                shutil.move(str(trace_dir), str(staging / "trace"))
            if extra is not None:
                extra(staging)

        write_report(out, result, __version__, add_files)
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
    late = sorted(
        (r for r in result.turnaround if r.cases > 0),
        key=lambda r: (r.within_limit_share, r.end_to_end_within_limit_share),
    )[:5]
    console.print("matters furthest from their statutory limit (working days):")
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
    replications: int | None = typer.Option(None, "--replications", "-r", help="Replications."),
    seed: int | None = typer.Option(None, "--seed", "-s", help="Root seed (default: scenario's)."),
    out: Path = typer.Option(Path("report"), "--out", "-o", help="Report folder to write."),
    trace: bool = typer.Option(False, "--trace", help="Also write a per-case Parquet trace."),
) -> None:
    """Simulate a scenario and write turnaround, windows, staffing, offices, trips saved."""
    auto = [w.id for w in load_scenario(scenario).windows if w.clerks == "auto"]
    if auto:
        Console(stderr=True).print(
            f"note: clerks = 'auto' at {', '.join(auto)} is sized here by hour-by-hour "
            "Erlang C; `tongban run` uses the simulation-verified staffing plan instead",
            style="yellow",
            markup=False,
        )
    result = run_simulation(scenario, replications, seed, out, trace)
    print_summary(result, out)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the root app."""
    app.command("simulate")(simulate_command)
