"""``tongban run [SCENARIO]``: the main job — route, staff, simulate, and write the report.

The stages run in the product's one-way order (DESIGN.md §3):

1. **routing** — for a geographic scenario, plan the EMS pickups of every window whose
   cases mail originals (``routing.scenario``); the chosen plan replaces the scenario's
   fixed pickup times (parcels reach the processing centre when the planned van does), and
   ``pickups.csv``, ``routes.geojson``, ``routes.png``, ``unserved.csv``, ``tradeoff.csv``
   and ``routing.json`` join the report; unserved windows are warnings in ``summary.json``.
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

import json
import logging
import math
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from sim.scenarios.loader import load_scenario
from sim.scenarios.schema import Scenario
from tongban.commands.simulate import check_run_options, print_summary, run_simulation
from tongban.kernel.errors import InputError

logger = logging.getLogger(__name__)

DEFAULT_SCENARIO = "chizhou"
# Files of the staffing stage and the names they take in the run's report folder (the
# simulation's own staffing.csv / offices.csv / matter_staffing.csv keep their names).
STAFFING_FILES = {
    "staffing.csv": "staffing_plan.csv",
    "roster.csv": "roster.csv",
    "offices.csv": "office_staffing.csv",
}


@dataclass
class Stages:
    """What the upstream stages decided, handed to the simulation and the report."""

    pickups: Any = None  # sim.models.separation.PickupSchedule of the routing plan
    clerk_plans: Mapping[str, Sequence[int]] | None = None
    routing_plan: Any = None  # routing.scenario.ScenarioPlan
    staffing_report: Any = None  # sim.staffing.plan.StaffingReport
    locality: str | None = None  # draw the locality map when set
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def write(self, folder: Path) -> None:
        """Add the stages' files to the report folder being written."""
        if self.routing_plan is not None:
            from routing.route_map import draw_route_map

            self.routing_plan.write(folder)  # replaces the fixed-time pickups.csv
            title = f"{self.routing_plan.scenario}: EMS pickup routes"
            draw_route_map(self.routing_plan.chosen, folder / "routes.png", title)
        if self.locality is not None:
            from geo.mapping import draw_locality_map

            draw_locality_map(self.locality, folder / "map.png")
        if self.staffing_report is not None:
            from sim.staffing.outputs import write_outputs

            with tempfile.TemporaryDirectory(prefix="tongban-staff-") as scratch:
                write_outputs(self.staffing_report, Path(scratch))
                for source, target in STAFFING_FILES.items():
                    path = Path(scratch) / source
                    if path.exists():
                        shutil.copyfile(path, folder / target)
        summary_path = folder / "summary.json"
        summary = json.loads(summary_path.read_text("utf-8"))
        summary["stages"] = {
            "routing": self.routing_plan is not None,
            "staffing": self.staffing_report is not None,
            "notes": self.notes,
            "warnings": self.warnings,
        }
        summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), "utf-8")


def is_geographic(scenario: Scenario) -> bool:
    """Every window sits on an administrative unit (so routes can be planned)."""
    return bool(scenario.windows) and all(w.code for w in scenario.windows)


def plan_routing(
    scenario: Scenario, stages: Stages, waiting_weight: float | None, iterations: int
) -> None:
    """Stage 1: EMS pickups for a geographic scenario."""
    if not is_geographic(scenario):
        stages.notes.append("routing skipped: abstract scenario (windows without admin codes)")
        return
    from routing.scenario import plan_for_scenario

    plan = plan_for_scenario(scenario, waiting_weight=waiting_weight, iterations=iterations)
    stages.routing_plan = plan
    stages.pickups = plan.simulation_pickups(scenario.process.separation.pickup_times)
    stages.warnings.extend(plan.warnings())  # each line starts "routing: …"
    stages.notes.append(
        f"routing: {len(plan.chosen.pickups)} pickups/day at waiting weight "
        f"{plan.waiting_weight:g} yuan per parcel-hour"
    )


def plan_staffing(scenario: Scenario, stages: Stages) -> None:
    """Stage 2: simulation-verified clerks for windows with ``clerks = "auto"``."""
    if not any(w.clerks == "auto" for w in scenario.windows):
        return
    from sim.compile import compile_scenario
    from sim.staffing.scenario import engine_clerk_plans, staff_compiled

    compiled = compile_scenario(scenario)
    if stages.pickups is not None:
        compiled = compiled.with_pickups(stages.pickups)
    report = staff_compiled(compiled)
    stages.staffing_report = report
    stages.clerk_plans = engine_clerk_plans(report)
    missed = sorted({w.demand.window_id for w in report.unverified})
    if missed:
        stages.warnings.append(
            f"staffing: the plan for {', '.join(missed)} missed the waiting target on its "
            "independent check (see staffing_plan.csv, column 'verified'); simulated anyway"
        )
    verified = sorted(set(stages.clerk_plans) - set(missed))
    stages.notes.append(f"staffing: hourly plans verified by simulation for {verified}")


def run_command(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="Scenario file or shipped name."),
    replications: int | None = typer.Option(None, "--replications", "-r", help="Replications."),
    seed: int | None = typer.Option(None, "--seed", "-s", help="Root seed (default: scenario's)."),
    out: Path = typer.Option(Path("report"), "--out", "-o", help="Report folder to write."),
    waiting_weight: float | None = typer.Option(
        None,
        "--waiting-weight",
        help="Routing: yuan per parcel waiting-hour (default: the routing stage's, 3).",
    ),
    route_iterations: int = typer.Option(
        500,
        "--route-iterations",
        help="Routing: solver iterations per slot VRP (an iteration limit keeps runs "
        "reproducible; a time limit would not).",
    ),
    no_routing: bool = typer.Option(
        False, "--no-routing", help="Keep the scenario's fixed pickup times."
    ),
) -> None:
    """Run the main job on a scenario (default: chizhou) and write the report folder."""
    check_run_options(replications, seed, out)
    if route_iterations < 1:
        raise InputError(
            f"--route-iterations must be ≥ 1 (got {route_iterations})", field="route_iterations"
        )
    if waiting_weight is not None and not (math.isfinite(waiting_weight) and waiting_weight >= 0):
        raise InputError(
            f"--waiting-weight must be a finite number ≥ 0 (got {waiting_weight})",
            field="waiting_weight",
        )
    loaded = load_scenario(scenario)
    stages = Stages(locality=loaded.locality)
    if no_routing:
        stages.notes.append("routing skipped: --no-routing")
    else:
        plan_routing(loaded, stages, waiting_weight, route_iterations)
    plan_staffing(loaded, stages)
    result = run_simulation(
        scenario,
        replications,
        seed,
        out,
        pickups=stages.pickups,
        clerk_plans=stages.clerk_plans,
        extra=stages.write,
    )
    for note in stages.notes:
        logger.info(note)
    for warning in stages.warnings:
        typer.echo(f"warning: {warning}", err=True)
    print_summary(result, out)


def register(app: typer.Typer) -> None:
    """Add ``run`` to the root app."""
    app.command("run")(run_command)
