"""Rows of the staffing stage's files (DESIGN.md §6), named at their source.

- ``staffing_plan.csv`` — window × day type × hour: ``window_id, day_type, hour, clerks,
  service_level, service_level_ci95`` plus ``service_level_lower95``, ``arrivals_in_hour``,
  ``wait_mean_min``, ``erlang_clerks``, ``erlang_service_level``,
  ``erlang_service_level_ci95``, ``rostered_clerks`` and ``verified`` (``False`` when the
  plan's last independent check still missed the target in some hour). ``hour`` is the
  clock hour (9 = 09:00–10:00); ``arrivals_in_hour`` is the expected arrivals in that clock
  hour (the rate times its open share: 13:00 of a 13:30 reopening gets half); service
  levels are from the independent verification replications.
- ``roster.csv`` — window × day type × shift template: ``window_id, day_type, shift,
  intervals, clerks_on_shift, paid_hours, solver_status``.
- ``office_staffing.csv`` — ``office_id, cases_per_week, reviewers, utilisation,
  within_limit_share`` plus ``within_limit_share_ci95`` and ``sojourn_mean_working_days``;
  ``cases_per_week`` is expected cases per week (five working days).
- ``matter_staffing.csv`` — ``matter_id, clerk_hours_per_week, reviewer_hours_per_week``
  (``tongban staff --out`` only: a whole run reports the simulation's own).

The files are written by :func:`tongban.kernel.tables.write_csv` (the ``excel`` style).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from sim.staffing.plan import StaffingReport
from tongban.kernel.tables import EXCEL

WORKING_DAYS_PER_WEEK = 5


@dataclass(frozen=True)
class StaffingPlanRow:
    """``staffing_plan.csv``: one window × day type × clock hour of the plan."""

    csv_dialect: ClassVar[str] = EXCEL

    window_id: str
    day_type: str
    hour: int
    clerks: int
    service_level: float
    service_level_ci95: float
    service_level_lower95: float
    arrivals_in_hour: float
    wait_mean_min: float
    erlang_clerks: int
    erlang_service_level: float
    erlang_service_level_ci95: float
    rostered_clerks: int
    verified: bool


@dataclass(frozen=True)
class RosterRow:
    """``roster.csv``: one shift template staffed at a window on a day type."""

    csv_dialect: ClassVar[str] = EXCEL

    window_id: str
    day_type: str
    shift: str
    intervals: str
    clerks_on_shift: int
    paid_hours: float
    solver_status: str


@dataclass(frozen=True)
class MatterLoadRow:
    """``matter_staffing.csv`` of the staffing stage: the workload one matter brings."""

    csv_dialect: ClassVar[str] = EXCEL

    matter_id: str
    clerk_hours_per_week: float
    reviewer_hours_per_week: float


@dataclass(frozen=True)
class OfficeStaffingRow:
    """``office_staffing.csv``: one handling office's reviewers."""

    csv_dialect: ClassVar[str] = EXCEL

    office_id: str
    cases_per_week: float
    reviewers: int
    utilisation: float
    within_limit_share: float
    within_limit_share_ci95: float
    sojourn_mean_working_days: float


def _r(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


def staffing_rows(report: StaffingReport) -> list[StaffingPlanRow]:
    """Rows of ``staffing_plan.csv``."""
    rows: list[StaffingPlanRow] = []
    for w in report.windows:
        v, e = w.plan.verification, w.erlang_verification
        span = len(w.demand.clock_hours)
        open_share = w.demand.open_day(0, span).open_minutes() / 60.0
        for k, hour in enumerate(w.demand.clock_hours):
            if hour in w.demand.closed_hours:
                continue
            rows.append(
                StaffingPlanRow(
                    w.demand.window_id,
                    w.demand.day_type,
                    hour,
                    w.plan.clerks[k],
                    _r(v.service_level[k]),
                    _r(v.ci95[k]),
                    _r(v.lower_bound[k]),
                    _r(w.demand.rates_per_hour[k] * open_share[k], 3),
                    _r(v.mean_wait_minutes[k], 2),
                    w.plan.erlang_clerks[k],
                    _r(e.service_level[k]),
                    _r(e.ci95[k]),
                    w.rostered_clerks(hour),
                    w.plan.verified,
                )
            )
    return rows


def roster_rows(report: StaffingReport) -> list[RosterRow]:
    """Rows of ``roster.csv`` (templates with at least one clerk)."""
    return [
        RosterRow(
            w.demand.window_id,
            w.demand.day_type,
            t.name,
            t.label(),
            n,
            t.paid_hours * n,
            w.roster.status,
        )
        for w in report.windows
        for t, n in zip(w.roster.templates, w.roster.clerks_per_template, strict=True)
        if n > 0
    ]


def matter_rows(report: StaffingReport) -> list[MatterLoadRow]:
    """Rows of the staffing stage's ``matter_staffing.csv``."""
    return [
        MatterLoadRow(m.matter_id, _r(m.clerk_hours_per_week, 2), _r(m.reviewer_hours_per_week, 2))
        for m in report.matters
    ]


def office_rows(report: StaffingReport) -> list[OfficeStaffingRow]:
    """Rows of ``office_staffing.csv``."""
    return [
        OfficeStaffingRow(
            o.office_id,
            _r(o.cases_per_working_day * WORKING_DAYS_PER_WEEK, 2),
            o.reviewers,
            _r(o.utilisation),
            _r(o.within_limit_share),
            _r(o.within_limit_ci95),
            _r(o.mean_days, 3),
        )
        for o in report.offices
    ]


def staffing_tables(report: StaffingReport) -> dict[str, tuple[type, Sequence[Any]]]:
    """The staffing stage's tables (file stem → row type, rows) for a whole run's report."""
    return {
        "staffing_plan": (StaffingPlanRow, staffing_rows(report)),
        "roster": (RosterRow, roster_rows(report)),
        "office_staffing": (OfficeStaffingRow, office_rows(report)),
    }


def staffing_files(report: StaffingReport) -> dict[str, tuple[type, Sequence[Any]]]:
    """The tables ``tongban staff --out`` writes: the stage's, plus the matter workloads."""
    return {**staffing_tables(report), "matter_staffing": (MatterLoadRow, matter_rows(report))}
