"""The staffing stage: simulation-verified hourly clerks for windows with ``clerks = "auto"``."""

from __future__ import annotations

from dataclasses import dataclass

from sim.compile import CompiledScenario
from sim.staffing.plan import StaffingReport
from sim.staffing.scenario import engine_clerk_plans, staff_compiled


@dataclass(frozen=True)
class StaffingOutcome:
    """The stage's report, the 24-hour clerk plans it hands the simulation, and its lines."""

    report: StaffingReport
    clerk_plans: dict[str, tuple[int, ...]]
    notes: tuple[str, ...]
    warnings: tuple[str, ...]


def needs_staffing(compiled: CompiledScenario) -> bool:
    """Some window asks for its clerks to be planned (``clerks = "auto"``)."""
    return any(w.clerks == "auto" for w in compiled.scenario.windows)


def plan_staffing(compiled: CompiledScenario) -> StaffingOutcome:
    """Staff the ``auto`` windows (and the handling offices) of ``compiled``."""
    report = staff_compiled(compiled)
    clerk_plans = engine_clerk_plans(report)
    missed = sorted({w.demand.window_id for w in report.unverified})
    warnings = []
    if missed:
        warnings.append(
            f"staffing: the plan for {', '.join(missed)} missed the waiting target on its "
            "independent check (see staffing_plan.csv, column 'verified'); simulated anyway"
        )
    verified = sorted(set(clerk_plans) - set(missed))
    notes = (f"staffing: hourly plans verified by simulation for {verified}",)
    return StaffingOutcome(report, clerk_plans, notes, tuple(warnings))
