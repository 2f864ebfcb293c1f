"""The simulation's part of the report (``DESIGN.md`` §6): its tables and summary content.

The report folder itself is written once, by the pipeline
(:func:`tongban.pipeline.write_report`), with :func:`tongban.kernel.tables.write_csv`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from sim import results as result_types
from sim.results import MIN_CASES_TO_JUDGE, SimulationResult

ROW_TYPES: dict[str, type] = {  # file stem → row type (the SimulationResult attribute)
    "turnaround": result_types.TurnaroundRow,
    "windows": result_types.WindowRow,
    "staffing": result_types.StaffingRow,
    "matter_staffing": result_types.MatterStaffingRow,
    "offices": result_types.OfficeRow,
    "trips_saved": result_types.TripsRow,
    "pickups": result_types.PickupRow,
}


def simulation_tables(result: SimulationResult) -> dict[str, tuple[type, Sequence[Any]]]:
    """The simulation's tables: file stem → (row type, rows)."""
    return {name: (row_type, getattr(result, name)) for name, row_type in ROW_TYPES.items()}


def summary_dict(result: SimulationResult, version: str) -> dict[str, Any]:
    """The simulation's part of ``summary.json``."""
    return {
        "scenario": result.scenario,
        "seed": result.seed,
        "replications": result.replications,
        "cases": result.cases,  # per replication (mean), like every count in the report
        "cases_all_replications": result.cases_all_replications,
        "censored": result.censored,  # unfinished when the run stopped (0: nothing cut off)
        "started": result.started,
        "finished": result.finished,
        "package_version": version,
        "days": result.days,
        "warmup_days": result.warmup_days,
        "accounting": [dataclasses.asdict(a) for a in result.accounting],
        "notes": result.notes,
        "judging": _judging(result),
    }


def _judging(result: SimulationResult) -> dict[str, Any]:
    """Which matters have enough cases to judge, and which of those miss their limit."""
    judged, left_out = result.judged_matters()
    return {
        "min_cases_all_replications": MIN_CASES_TO_JUDGE,
        "matters_judged": len(judged),
        "matters_left_out_too_few_cases": left_out,
        "matters_decided_at_counter": sum(
            1 for r in result.turnaround if r.cases > 0 and math.isnan(r.within_limit_share)
        ),
        "matters_below_90pct_within_limit": sorted(
            r.matter_id for r in judged if r.within_limit_share < 0.9
        ),
    }
