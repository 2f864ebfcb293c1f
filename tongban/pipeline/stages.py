"""One run of a scenario: load once, compile once, routing → staffing → simulation.

:func:`prepare` does everything before the replications (deterministic for a seed);
:func:`replicate` runs one replication on its own (``sim.run.replication_seed``), so the
replications can be spread over processes or machines; :func:`finish` folds them into the
run's result. :func:`run` is the three in order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from routing.scenario import ScenarioPlan
from sim.compile import CompiledScenario, compile_scenario
from sim.job import ReplicationJob, replicate_job, replication_task
from sim.replication import ReplicationResult
from sim.results import SimulationResult
from sim.scenarios.budget import check_run_size
from sim.scenarios.loader import load_scenario
from sim.scenarios.schema import Scenario
from sim.staffing.plan import StaffingReport
from sim.summary import summarise
from tongban.kernel.errors import InputError
from tongban.pipeline.executor import Executor, InlineExecutor
from tongban.pipeline.routing_stage import is_geographic, plan_for_scenario, simulation_pickups
from tongban.pipeline.staffing_stage import needs_staffing, plan_staffing

# (stage: "routing" | "staffing" | "simulation", done, total)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RunOptions:
    """How to run a scenario; ``None`` takes the scenario's own value."""

    replications: int | None = None  # None: the scenario's
    seed: int | None = None  # None: the scenario's
    routing: bool = True  # False: keep the scenario's fixed pickup times
    waiting_weight: float | None = None  # routing: yuan per parcel waiting-hour
    route_iterations: int = 500
    trace: bool = False
    partitions: int | None = None  # run each replication decomposed (the same result)


@dataclass(frozen=True)
class PreparedRun:
    """Everything before the replications; deterministic for a seed."""

    scenario: Scenario
    options: RunOptions
    compiled: CompiledScenario  # routing pickups + staffing clerk plans applied
    routing: ScenarioPlan | None
    staffing: StaffingReport | None
    replications: int
    seed: int
    notes: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def job(self) -> ReplicationJob:
        """What a worker needs for the replications (:mod:`sim.job`: light to unpickle)."""
        return ReplicationJob(self.compiled, self.seed, self.replications, self.options.partitions)


@dataclass(frozen=True)
class RunResult:
    """A whole run: the prepared stages, the simulation, and when the run started/finished."""

    prepared: PreparedRun
    simulation: SimulationResult
    started: datetime
    finished: datetime


def load(source: str | Path) -> Scenario:
    """A scenario by shipped name (``chizhou``, ``mmc``, …) or TOML file path."""
    return load_scenario(str(source))


def check_options(options: RunOptions) -> None:
    """Reject options no run can use, naming the field and the allowed range."""
    if options.replications is not None and options.replications < 1:
        raise InputError(
            f"replications must be a whole number ≥ 1 (got {options.replications})",
            field="replications",
        )
    if options.seed is not None and options.seed < 0:
        raise InputError(f"seed must be ≥ 0 (got {options.seed})", field="seed")
    if options.route_iterations < 1:
        raise InputError(
            f"route_iterations must be ≥ 1 (got {options.route_iterations})",
            field="route_iterations",
        )
    if options.partitions is not None and options.partitions < 1:
        raise InputError(
            f"partitions must be a whole number ≥ 1 (got {options.partitions})",
            field="partitions",
        )
    weight = options.waiting_weight
    if weight is not None and not (math.isfinite(weight) and weight >= 0):
        raise InputError(
            f"waiting_weight must be a finite number ≥ 0 (got {weight})", field="waiting_weight"
        )


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def prepare(
    scenario: Scenario, options: RunOptions = RunOptions(), progress: Progress | None = None
) -> PreparedRun:
    """Compile once, then plan routing and staffing on the compiled scenario."""
    check_options(options)
    check_run_size(scenario, options.replications)
    compiled = compile_scenario(scenario)
    notes: list[str] = []
    warnings: list[str] = []
    plan: ScenarioPlan | None = None
    if not options.routing:
        notes.append("routing skipped: turned off (fixed pickup times)")
    elif not is_geographic(scenario):
        notes.append("routing skipped: abstract scenario (windows without admin codes)")
    else:
        _report(progress, "routing", 0, 1)
        plan = plan_for_scenario(
            compiled, waiting_weight=options.waiting_weight, iterations=options.route_iterations
        )
        pickups = simulation_pickups(plan, scenario.process.separation.pickup_times)
        compiled = compiled.with_pickups(pickups)
        warnings.extend(plan.warnings())  # each line starts "routing: …"
        notes.append(
            f"routing: {len(plan.chosen.pickups)} pickups/day at waiting weight "
            f"{plan.waiting_weight:g} yuan per parcel-hour"
        )
        _report(progress, "routing", 1, 1)
    staffing: StaffingReport | None = None
    if needs_staffing(compiled):
        _report(progress, "staffing", 0, 1)
        outcome = plan_staffing(compiled)
        staffing = outcome.report
        if outcome.clerk_plans:
            compiled = compiled.with_clerk_plans(outcome.clerk_plans)
        notes.extend(outcome.notes)
        warnings.extend(outcome.warnings)
        _report(progress, "staffing", 1, 1)
    return PreparedRun(
        scenario=scenario,
        options=options,
        compiled=compiled,
        routing=plan,
        staffing=staffing,
        replications=options.replications or scenario.replications,
        seed=scenario.seed if options.seed is None else options.seed,
        notes=tuple(notes),
        warnings=tuple(warnings),
    )


def simulation_only(scenario: Scenario, options: RunOptions = RunOptions()) -> PreparedRun:
    """The simulation stage alone: no routing, no staffing stage (``tongban simulate``).

    Windows with ``clerks = "auto"`` keep the compiler's hour-by-hour Erlang C sizing.
    """
    check_options(options)
    check_run_size(scenario, options.replications)
    return PreparedRun(
        scenario=scenario,
        options=options,
        compiled=compile_scenario(scenario),
        routing=None,
        staffing=None,
        replications=options.replications or scenario.replications,
        seed=scenario.seed if options.seed is None else options.seed,
        notes=(),
        warnings=(),
    )


def replicate(
    prepared: PreparedRun, index: int, trace_dir: Path | None = None
) -> ReplicationResult:
    """Replication ``index`` of a prepared run (its seed: ``replication_seed(seed, index)``).

    With ``trace_dir`` its per-case trace goes to ``trace-repNNN.parquet`` there.
    """
    return replicate_job(prepared.job, index, trace_dir)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def finish(
    prepared: PreparedRun,
    replications: Sequence[ReplicationResult],
    started: datetime,
    finished: datetime,
) -> RunResult:
    """Fold the replications (in index order) into the run's result."""
    ordered = sorted(replications, key=lambda r: r.replication)
    simulation = summarise(
        prepared.compiled, ordered, prepared.seed, _stamp(started), _stamp(finished)
    )
    return RunResult(prepared, simulation, started, finished)


def now() -> datetime:
    """The current time (UTC), as runs record it."""
    return datetime.now(UTC)


def run_prepared(
    prepared: PreparedRun,
    started: datetime,
    progress: Progress | None = None,
    trace_dir: Path | None = None,
    executor: Executor | None = None,
) -> RunResult:
    """Every replication of a prepared run (on ``executor``; default inline) and the result."""
    total = prepared.replications

    def on_done(done: int, count: int) -> None:
        _report(progress, "simulation", done, count)

    _report(progress, "simulation", 0, total)
    results = (executor or InlineExecutor()).map(
        replication_task, (prepared.job, trace_dir), range(total), on_done
    )
    return finish(prepared, results, started, now())


def run(
    scenario: Scenario,
    options: RunOptions = RunOptions(),
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> RunResult:
    """Prepare, run every replication, and finish (``started``/``finished`` span it all).

    Per-case traces need a folder: with ``options.trace``, call :func:`run_prepared` with a
    ``trace_dir`` (as ``tongban run``/``simulate`` do); here they are not kept.
    """
    started = now()
    prepared = prepare(scenario, options, progress)
    return run_prepared(prepared, started, progress, executor=executor)
