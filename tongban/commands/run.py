"""``tongban run [SCENARIO]``: the main job — simulate the scenario and write the report.

Without a scenario it runs the shipped default (``chizhou``) into ``report/``. Routing and
staffing join this job as their stages land; today it is the simulation stage.
"""

from __future__ import annotations

from pathlib import Path

import typer

from tongban.commands.simulate import print_summary, run_simulation

DEFAULT_SCENARIO = "chizhou"


def run_command(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="Scenario file or shipped name."),
    replications: int | None = typer.Option(None, "--replications", "-r", help="Replications."),
    seed: int | None = typer.Option(None, "--seed", "-s", help="Root seed (default: scenario's)."),
    out: Path = typer.Option(Path("report"), "--out", "-o", help="Report folder to write."),
) -> None:
    """Run the main job on a scenario (default: chizhou) and write the report folder."""
    result = run_simulation(scenario, replications, seed, out)
    print_summary(result, out)


def register(app: typer.Typer) -> None:
    """Add ``run`` to the root app."""
    app.command("run")(run_command)
