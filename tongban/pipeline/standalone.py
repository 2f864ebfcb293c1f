"""The routing and the staffing stage on their own (``tongban route``, ``tongban staff``).

Same adapters and the same one writer as a whole run; the folder gets a ``summary.json``
(the command's summary and the package version) so a later run may replace it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from routing.scenario import ScenarioPlan
from sim.compile import compile_scenario
from sim.scenarios.schema import Scenario
from sim.staffing.outputs import staffing_files
from sim.staffing.plan import StaffingReport
from sim.staffing.scenario import staff_compiled
from sim.staffing.search import StaffingSettings
from tongban.kernel.limits import check_at_most
from tongban.pipeline.report import routing_documents, routing_tables, write_folder
from tongban.pipeline.routing_stage import plan_for_scenario


def plan_routes(
    scenario: Scenario,
    waiting_weight: float | None = None,
    seconds: float | None = 2.0,
    seed: int = 0,
    iterations: int | None = None,
) -> ScenarioPlan:
    """The routing stage alone on a loaded scenario."""
    return plan_for_scenario(scenario, waiting_weight, seconds, seed, iterations)


def write_routes(plan: ScenarioPlan, folder: Path, summary: Mapping[str, Any]) -> Path:
    """``pickups.csv``, ``unserved.csv``, ``tradeoff.csv``, ``routes.geojson``,
    ``routing.json`` and ``summary.json``, written atomically."""
    return write_folder(folder, routing_tables(plan), routing_documents(plan), summary)


def staff(
    scenario: Scenario, settings: StaffingSettings | None = None, *, only_auto: bool = False
) -> StaffingReport:
    """The staffing stage alone: every window (only ``auto`` ones with ``only_auto``)."""
    return staff_compiled(compile_scenario(scenario), settings, only_auto=only_auto)


def write_staffing(report: StaffingReport, folder: Path, summary: Mapping[str, Any]) -> Path:
    """``staffing_plan.csv``, ``roster.csv``, ``office_staffing.csv``,
    ``matter_staffing.csv`` and ``summary.json``, written atomically."""
    return write_folder(folder, staffing_files(report), {}, summary)


def check_staffing_work(
    rates_per_hour: Sequence[float],
    service_mean_minutes: float,
    replications: int,
    verify_replications: int,
) -> None:
    """Refuse a staffing request whose work is beyond the limits, before any work.

    Bounds the applicants one search simulates (rates × replications, against the
    ``expected_cases`` limit), the offered load (Erlang C counts clerks up to it, against
    the ``clerks`` limit) and the hourly rate. Used by ``tongban staff --rates`` and
    ``POST /staffing``.
    """
    check_at_most(
        "rates × (replications + verify_replications) simulated applicants",
        sum(rates_per_hour) * (replications + verify_replications),
        "expected_cases",
    )
    check_at_most(
        "rates × service_mean offered load",
        max(rates_per_hour, default=0.0) * service_mean_minutes / 60.0,
        "clerks",
        "erlangs",
    )
    check_at_most("rates", max(rates_per_hour, default=0.0), "per_hour", "arrivals per hour")
