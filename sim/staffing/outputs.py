"""Writers for the staffing files of the report folder (DESIGN.md §6).

- ``staffing.csv`` — window × day type × hour: ``window_id, day_type, hour, clerks,
  service_level, service_level_ci95`` plus ``service_level_lower95``, ``arrivals_per_hour``,
  ``mean_wait_min``, ``erlang_clerks``, ``erlang_service_level``,
  ``erlang_service_level_ci95``, ``rostered_clerks`` and ``verified`` (``False`` when the
  plan's last independent check still missed the target in some hour). ``hour`` is the
  clock hour (9 = 09:00–10:00); ``arrivals_per_hour`` is the expected arrivals in that clock
  hour (the rate times its open share: 13:00 of a 13:30 reopening gets half); service
  levels are from the independent verification replications.
- ``roster.csv`` — window × day type × shift template: ``window_id, day_type, shift,
  intervals, clerks, paid_hours, solver_status``.
- ``matter_staffing.csv`` — ``matter_id, clerk_hours_per_week, reviewer_hours_per_week``.
- ``offices.csv`` — ``office_id, cases, reviewers, utilisation, within_limit_share`` plus
  ``within_limit_share_ci95`` and ``mean_days``; ``cases`` is expected cases per week
  (five working days).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from sim.staffing.plan import StaffingReport

STAFFING_COLUMNS = (
    "window_id",
    "day_type",
    "hour",
    "clerks",
    "service_level",
    "service_level_ci95",
    "service_level_lower95",
    "arrivals_per_hour",
    "mean_wait_min",
    "erlang_clerks",
    "erlang_service_level",
    "erlang_service_level_ci95",
    "rostered_clerks",
    "verified",
)
ROSTER_COLUMNS = (
    "window_id",
    "day_type",
    "shift",
    "intervals",
    "clerks",
    "paid_hours",
    "solver_status",
)
MATTER_COLUMNS = ("matter_id", "clerk_hours_per_week", "reviewer_hours_per_week")
OFFICE_COLUMNS = (
    "office_id",
    "cases",
    "reviewers",
    "utilisation",
    "within_limit_share",
    "within_limit_share_ci95",
    "mean_days",
)
WORKING_DAYS_PER_WEEK = 5


def _write(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def _r(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


def staffing_rows(report: StaffingReport) -> list[tuple[object, ...]]:
    """Rows of ``staffing.csv``."""
    rows: list[tuple[object, ...]] = []
    for w in report.windows:
        v, e = w.plan.verification, w.erlang_verification
        span = len(w.demand.clock_hours)
        open_share = w.demand.open_day(0, span).open_minutes() / 60.0
        for k, hour in enumerate(w.demand.clock_hours):
            if hour in w.demand.closed_hours:
                continue
            rows.append(
                (
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


def write_outputs(report: StaffingReport, out_dir: Path) -> list[Path]:
    """Write the four staffing files into ``out_dir`` (created if needed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    roster_rows = [
        (
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
    matter_rows = [
        (m.matter_id, _r(m.clerk_hours_per_week, 2), _r(m.reviewer_hours_per_week, 2))
        for m in report.matters
    ]
    office_rows = [
        (
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
    return [
        _write(out_dir / "staffing.csv", STAFFING_COLUMNS, staffing_rows(report)),
        _write(out_dir / "roster.csv", ROSTER_COLUMNS, roster_rows),
        _write(out_dir / "matter_staffing.csv", MATTER_COLUMNS, matter_rows),
        _write(out_dir / "offices.csv", OFFICE_COLUMNS, office_rows),
    ]
