"""``tongban staff``: clerks per window hour, a shift roster, and the evidence.

Flag form (one window-day, no scenario needed)::

    tongban staff --rates 20,45,60,50,30,40,55,35 --open 09:00 --service-mean 10 \\
        --wait-minutes 15 --wait-share 0.8 [--out DIR] [--json]

prints, hour by hour, the hour-by-hour Erlang C plan and tongban's plan with each one's
service level (share of that hour's arrivals served within the target wait) from the same
independent verification replications, then the clerk-hours and the roster. ``--out``
writes ``staffing_plan.csv``, ``roster.csv``, ``office_staffing.csv``,
``matter_staffing.csv`` and ``summary.json`` (atomically, as every report folder). When a
plan could not be verified (its last independent check still missed the target in some
hour) the report is still printed and written, a warning naming the hours goes to stderr,
and the command exits 2.

Scenario form::

    tongban staff SCENARIO [--auto-only] [--level] [--out DIR] [--json]

staffs every window of the scenario (only those with ``clerks = "auto"`` with
``--auto-only``) and every handling office with inbound cases, using the scenario's
``[targets]`` (see :mod:`sim.staffing.scenario` for how windows are mapped). ``--level``
asks for one clerk count for the whole day instead of an hourly plan.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sim.staffing.evaluate import WaitTarget
from sim.staffing.plan import StaffingReport, WindowDayDemand, WindowStaffing, staff_all
from sim.staffing.roster import ShiftTemplate
from sim.staffing.search import StaffingSettings
from sim.staffing.service import parametric
from tongban import pipeline
from tongban.commands.options import (
    SERVICE_CV_MAX,
    SERVICE_MEAN_MAX_MINUTES,
    STAFF_REPLICATIONS_MAX,
    NumberIn,
    seed_type,
)
from tongban.kernel.clock import parse_clock
from tongban.kernel.errors import InputError
from tongban.pipeline import standalone
from tongban.pipeline.folder import reserved


def parse_rates(text: str) -> tuple[float, ...]:
    """``"20,45,60"`` → ``(20.0, 45.0, 60.0)``; a clear error otherwise."""
    try:
        rates = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise InputError(
            f"--rates must be comma-separated numbers per opening hour, got {text!r}",
            field="rates",
        ) from None
    if not rates or any(r < 0 or r != r or r == float("inf") for r in rates):
        raise InputError("--rates needs at least one hourly rate, each >= 0", field="rates")
    return rates


def parse_open_hour(text: str) -> int:
    """``"09:00"`` → 9 (ASCII ``HH:MM``, as every clock); only whole hours are supported."""
    try:
        minutes = parse_clock(text)
    except (InputError, ValueError):
        raise InputError(f"--open must look like 09:00, got {text!r}", field="open") from None
    hour, minute = divmod(int(minutes), 60)
    if minute != 0 or not 0 <= hour <= 23:
        raise InputError(f"--open must be a whole hour 00:00-23:00, got {text!r}", field="open")
    return hour


def _shifts(window: WindowStaffing) -> list[tuple[ShiftTemplate, int]]:
    pairs = zip(window.roster.templates, window.roster.clerks_per_template, strict=True)
    return [(t, n) for t, n in pairs if n > 0]


def report_as_dict(report: StaffingReport) -> dict[str, Any]:
    """JSON-ready summary of a staffing report."""
    windows = []
    for w in report.windows:
        v, e = w.plan.verification, w.erlang_verification
        share = report.target.wait_share
        windows.append(
            {
                "window_id": w.demand.window_id,
                "day_type": w.demand.day_type,
                "clerk_hours": w.plan.clerk_hours,
                "erlang_clerk_hours": w.plan.erlang_clerk_hours,
                "verified": w.plan.verified,
                "verify_replications": v.replications,
                "hours_missing_target": [
                    h for h, ok in zip(w.demand.clock_hours, v.meets(share), strict=True) if not ok
                ],
                "erlang_hours_missing_target": [
                    h for h, ok in zip(w.demand.clock_hours, e.meets(share), strict=True) if not ok
                ],
                "hours": [
                    {
                        "hour": hour,
                        "rate_per_hour": w.demand.rates_per_hour[k],
                        "clerks": w.plan.clerks[k],
                        "service_level": round(float(v.service_level[k]), 4),
                        "service_level_ci95": round(float(v.ci95[k]), 4),
                        "service_level_lower95": round(float(v.lower_bound[k]), 4),
                        "erlang_clerks": w.plan.erlang_clerks[k],
                        "erlang_service_level": round(float(e.service_level[k]), 4),
                        "erlang_service_level_ci95": round(float(e.ci95[k]), 4),
                        "rostered_clerks": w.rostered_clerks(hour),
                    }
                    for k, hour in enumerate(w.demand.clock_hours)
                    if hour not in w.demand.closed_hours
                ],
                "roster": {
                    "status": w.roster.status,
                    "clerk_hours": w.roster.clerk_hours,
                    "shifts": [
                        {"shift": t.name, "intervals": t.label(), "clerks": n}
                        for t, n in _shifts(w)
                    ],
                },
            }
        )
    return {
        "target": {
            "wait_minutes": report.target.wait_minutes,
            "wait_share": report.target.wait_share,
        },
        "windows": windows,
        "offices": [
            {
                "office_id": o.office_id,
                "reviewers": o.reviewers,
                "cases_per_working_day": round(o.cases_per_working_day, 3),
                "utilisation": round(o.utilisation, 4),
                "within_limit_share": round(o.within_limit_share, 4),
                "within_limit_share_ci95": round(o.within_limit_ci95, 4),
            }
            for o in report.offices
        ],
        "matters": [
            {
                "matter_id": m.matter_id,
                "clerk_hours_per_week": round(m.clerk_hours_per_week, 3),
                "reviewer_hours_per_week": round(m.reviewer_hours_per_week, 3),
            }
            for m in report.matters
        ],
    }


def _print(report: StaffingReport, console: Console) -> None:
    share = report.target.wait_share
    for w in report.windows:
        v, e = w.plan.verification, w.erlang_verification
        table = Table(
            title=(
                f"window {w.demand.window_id} ({w.demand.day_type}): target "
                f"{share:.0%} within {report.target.wait_minutes:g} min, "
                f"{'verified' if w.plan.verified else 'NOT verified'} on "
                f"{v.replications} independent replications"
            )
        )
        for name in (
            "hour",
            "rate/h",
            "Erlang C",
            "SL (95% CI)",
            "tongban",
            "SL (95% CI)",
            "roster",
        ):
            table.add_column(name, justify="right")
        e_ok, v_ok = e.meets(share), v.meets(share)
        for k, hour in enumerate(w.demand.clock_hours):
            if hour in w.demand.closed_hours:
                continue
            table.add_row(
                f"{hour:02d}:00",
                f"{w.demand.rates_per_hour[k]:g}",
                str(w.plan.erlang_clerks[k]),
                f"{e.service_level[k]:.1%} ± {e.ci95[k]:.1%}{'' if e_ok[k] else ' ✗'}",
                str(w.plan.clerks[k]),
                f"{v.service_level[k]:.1%} ± {v.ci95[k]:.1%}{'' if v_ok[k] else ' ✗'}",
                str(w.rostered_clerks(hour)),
            )
        console.print(table)
        console.print(
            f"clerk-hours: Erlang C {w.plan.erlang_clerk_hours} "
            f"(hours missing target: {int((~e_ok).sum())}), tongban {w.plan.clerk_hours} "
            f"(hours missing target: {int((~v_ok).sum())}); ✗ = one-sided 95% lower bound "
            f"below {share:.0%} (confidence per hour, not joint over the day)"
        )
        shifts = ", ".join(f"{n}× {t.name} ({t.label()})" for t, n in _shifts(w))
        console.print(
            f"roster [{w.roster.status}]: {shifts}; {w.roster.clerk_hours} paid clerk-hours "
            f"for a need of {w.roster.need_clerk_hours}"
        )
    for o in report.offices:
        console.print(
            f"office {o.office_id}: {o.reviewers} reviewers for {o.cases_per_working_day:.1f} "
            f"cases/working day, utilisation {o.utilisation:.0%}, within limit "
            f"{o.within_limit_share:.1%} ± {o.within_limit_ci95:.1%}"
        )


def staff_command(
    scenario: str | None = typer.Argument(
        None, help="Scenario name or TOML path (its windows and offices are staffed)."
    ),
    rates: str | None = typer.Option(None, help="Arrivals per opening hour, e.g. 20,45,60."),
    open_at: str = typer.Option("09:00", "--open", help="Opening time (whole hour)."),
    service_mean: float = typer.Option(
        10.0,
        parser=NumberIn(whole=False, low=0, high=SERVICE_MEAN_MAX_MINUTES, low_open=True),
        help="Mean service minutes per applicant.",
    ),
    service_dist: str = typer.Option(
        "exponential", help="exponential|deterministic|lognormal|gamma"
    ),
    service_cv: float = typer.Option(
        1.0,
        parser=NumberIn(whole=False, low=0, high=SERVICE_CV_MAX),
        help="Coefficient of variation (lognormal/gamma).",
    ),
    wait_minutes: float = typer.Option(
        15.0,
        parser=NumberIn(whole=False, low=0, high="duration_value"),
        help="Target wait in minutes.",
    ),
    wait_share: float = typer.Option(
        0.8,
        parser=NumberIn(whole=False, low=0, high=1, low_open=True),
        help="Share of applicants to serve within the wait.",
    ),
    max_clerks: int | None = typer.Option(
        None,
        parser=NumberIn(whole=True, low=1, high="clerks"),
        help="Cap on clerks in any hour.",
    ),
    replications: int = typer.Option(
        1000,
        parser=NumberIn(whole=True, low=10, high=STAFF_REPLICATIONS_MAX),
        help="Replications used by the search.",
    ),
    verify_replications: int = typer.Option(
        4000,
        parser=NumberIn(whole=True, low=10, high=STAFF_REPLICATIONS_MAX),
        help="Independent verification replications.",
    ),
    seed: int = typer.Option(0, parser=seed_type(), help="Root seed."),
    window_id: str = typer.Option("W1", help="Window id for the output files."),
    day_type: str = typer.Option("workday", help="Day type label for the output files."),
    level: bool = typer.Option(False, "--level", help="One clerk count for the whole day."),
    part_time: bool = typer.Option(
        False, "--part-time", help="Rosters may use part-time blocks (default: full days)."
    ),
    auto_only: bool = typer.Option(
        False, "--auto-only", help="SCENARIO: staff only windows with clerks = auto."
    ),
    out: Path | None = typer.Option(None, help="Write the staffing CSV files here."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Clerks per hour so the waiting target holds in every hour, with a roster."""
    settings = StaffingSettings(
        search_replications=replications,
        verify_replications=verify_replications,
        max_clerks=max_clerks,
        level_plan=level,
        seed=seed,
    )
    with ExitStack() as stack:
        if out is not None:  # one writer per folder, held for the whole command
            stack.enter_context(reserved(out))
        if scenario is not None:
            report = standalone.staff(pipeline.load(scenario), settings, only_auto=auto_only)
            _emit(report, out, as_json)
            return
        if rates is None:
            raise InputError(
                "give a SCENARIO or --rates (arrivals per opening hour)", field="rates"
            )
        rate_values = parse_rates(rates)
        open_hour = parse_open_hour(open_at)
        if open_hour + len(rate_values) > 24:
            raise InputError("--open plus the number of --rates must end by 24:00", field="rates")
        standalone.check_staffing_work(rate_values, service_mean, replications, verify_replications)
        dist_cv = 0.0 if service_dist == "deterministic" else service_cv
        service = parametric(service_dist, service_mean, dist_cv)
        target = WaitTarget(wait_minutes=wait_minutes, wait_share=wait_share)
        demand = WindowDayDemand(
            window_id=window_id,
            day_type=day_type,
            open_hour=open_hour,
            rates_per_hour=rate_values,
            service=service,
            part_time=part_time,
        )
        _emit(staff_all([demand], target, settings), out, as_json)


def _emit(report: StaffingReport, out: Path | None, as_json: bool) -> None:
    summary = report_as_dict(report)
    if out is not None:
        standalone.write_staffing(report, out, summary)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print(report, Console())
        if out is not None:
            typer.echo(
                "wrote staffing_plan.csv, roster.csv, office_staffing.csv, matter_staffing.csv "
                f"to {out}"
            )
    unverified = unverified_windows(report)
    if unverified:
        for line in unverified:
            typer.echo(f"warning: {line}", err=True)
        raise typer.Exit(2)


def unverified_windows(report: StaffingReport) -> list[str]:
    """One line per window-day whose plan missed the target on its last independent check."""
    share = report.target.wait_share
    lines = []
    for w in report.unverified:
        v = w.plan.verification
        missed = [
            f"{hour:02d}:00 {v.service_level[k]:.1%} (95% lower bound {v.lower_bound[k]:.1%})"
            for k, hour in enumerate(w.demand.clock_hours)
            if hour not in w.demand.closed_hours and not v.meets(share)[k]
        ]
        lines.append(
            f"window {w.demand.window_id} ({w.demand.day_type}): plan NOT verified - on its "
            f"last independent check ({v.replications} replications) it missed "
            f"{share:.0%} in {', '.join(missed)}; the figures above are the best achieved"
        )
    return lines


def register(app: typer.Typer) -> None:
    """Attach ``tongban staff`` to the root app."""
    app.command("staff")(staff_command)
