"""Size checks on a validated scenario before anything is compiled or allocated.

:func:`check_budget` compares every size-like value (horizon, replications, rates, visits,
clerks, distribution parameters, dates) with :mod:`tongban.kernel.limits`, then estimates
the work of a run with :func:`expected_cases` (no compiling, no sampling) and refuses it
beyond ``TONGBAN_LIMIT_EXPECTED_CASES``. The loader calls it for every scenario it returns.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel

from sim.distributions import Empirical, _Distribution
from sim.scenarios.schema import Demand, Scenario, Window
from tongban.kernel.clock import parse_clock
from tongban.kernel.errors import InputError
from tongban.kernel.limits import check_at_most, limits

HOURS_PER_DAY = 24.0


def open_hours_per_day(window: Window) -> float:
    """The longest day's opening hours of a window (weekday or weekend)."""
    longest = 0.0
    for pairs in (window.hours, window.weekend_hours or []):
        total = sum(parse_clock(end) - parse_clock(start) for start, end in pairs) / 60.0
        longest = max(longest, total)
    return longest


def _daily_rate(entry: Demand, windows: dict[str, Window]) -> float:
    """Arrivals per day of one demand entry (an upper bound over day types)."""
    if entry.per_day is not None:
        return entry.per_day
    if isinstance(entry.per_hour, list):
        return float(sum(entry.per_hour))
    window = windows.get(entry.window)
    hours = open_hours_per_day(window) if window is not None else HOURS_PER_DAY
    return float(entry.per_hour or 0.0) * hours


def _visits_per_case(scenario: Scenario) -> float:
    """Expected window visits per case: 1 + s + s² + … up to ``max_visits`` terms."""
    shares = [scenario.process.window.incomplete_share]
    shares += [m.incomplete_share for m in scenario.matters.values() if m.incomplete_share]
    share = max(shares)
    visits = scenario.process.window.max_visits
    return float(visits) if share >= 1.0 else (1.0 - share**visits) / (1.0 - share)


def expected_cases(scenario: Scenario) -> float:
    """Applicants (window visits) a run would simulate: days × Σ daily rates × replications.

    An upper-bound estimate from the scenario alone: every day counts as a working day at
    the largest weekday and month multipliers, and revisits use the largest incomplete share.
    """
    windows = {w.id: w for w in scenario.windows}
    daily = sum(_daily_rate(entry, windows) for entry in scenario.demand)
    daily *= _visits_per_case(scenario)
    daily += sum(entry.per_day for entry in scenario.inbound)
    peak = max(scenario.seasonality.weekday) * max(scenario.seasonality.month)
    return scenario.days * daily * peak * scenario.replications


def _distributions(node: Any, path: str) -> Iterator[tuple[str, _Distribution]]:
    """Every distribution inside a model tree, with its dotted field path."""
    if isinstance(node, _Distribution):
        yield path, node
        return
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            field = type(node).model_fields[name]
            key = field.alias or name
            yield from _distributions(getattr(node, name), f"{path}.{key}" if path else key)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _distributions(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _distributions(value, f"{path}.{index}")


def _check_distribution(path: str, dist: _Distribution) -> None:
    values: dict[str, float] = {}
    for name, value in dist:
        if isinstance(value, int | float) and not isinstance(value, bool):
            values[name] = float(value)
    if isinstance(dist, Empirical):
        values.update({f"values.{i}": float(v) for i, v in enumerate(dist.values)})
    for name, value in values.items():
        field = type(dist).model_fields.get(name)
        key = field.alias if field is not None and field.alias else name
        check_at_most(f"{path}.{key}", abs(value), "duration_value")


def _check_dates(scenario: Scenario) -> None:
    bounds = limits()
    first, last = date(bounds.year_min, 1, 1), date(bounds.year_max, 12, 31)
    start = scenario.start_date
    if not first <= start <= last:
        raise InputError(
            f"start_date = {start.isoformat()} is outside {first.isoformat()}..{last.isoformat()}"
            " (TONGBAN_LIMIT_YEAR_MIN/MAX)",
            field="start_date",
        )
    span = scenario.days + scenario.drain_days
    if (last - start).days < span:
        raise InputError(
            f"start_date = {start.isoformat()} plus days + drain_days = {span} ends after "
            f"{last.isoformat()} (TONGBAN_LIMIT_YEAR_MAX)",
            field="start_date",
        )


def _check_sizes(scenario: Scenario) -> None:
    check_at_most("days", scenario.days, "horizon_days", "days")
    check_at_most("drain_days", scenario.drain_days, "horizon_days", "days")
    check_at_most("replications", scenario.replications, "replications")
    check_at_most("process.window.max_visits", scenario.process.window.max_visits, "max_visits")
    check_at_most(
        "process.office.max_supplements", scenario.process.office.max_supplements, "max_supplements"
    )
    for i, entry in enumerate(scenario.demand):
        rates = entry.per_hour if isinstance(entry.per_hour, list) else [entry.per_hour]
        for k, rate in enumerate(rates):
            if rate is not None:
                where = f".{k}" if isinstance(entry.per_hour, list) else ""
                check_at_most(f"demand.{i}.per_hour{where}", rate, "per_hour", "per hour")
        if entry.per_day is not None:
            check_at_most(f"demand.{i}.per_day", entry.per_day, "per_day", "per day")
    for i, inbound in enumerate(scenario.inbound):
        check_at_most(f"inbound.{i}.per_day", inbound.per_day, "inbound_per_day", "per day")
    for i, window in enumerate(scenario.windows):
        counts = window.clerks if isinstance(window.clerks, list) else [window.clerks]
        counts += [s.clerks for s in window.shifts or []]
        for count in counts:
            if isinstance(count, int):
                check_at_most(f"windows.{i}.clerks", count, "clerks")
        for value in window.hourly_profile or []:
            check_at_most(f"windows.{i}.hourly_profile", value, "multiplier")
    for i, office in enumerate(scenario.offices):
        check_at_most(f"offices.{i}.reviewers", office.reviewers, "clerks")
    for name, values in (
        ("seasonality.weekday", scenario.seasonality.weekday),
        ("seasonality.month", scenario.seasonality.month),
    ):
        for value in values:
            check_at_most(name, value, "multiplier")
    for key, settings in scenario.matters.items():
        check_at_most(f"matters.{key}.weight", settings.weight, "multiplier")
        if settings.limit_working_days is not None:
            check_at_most(
                f"matters.{key}.limit_working_days", settings.limit_working_days, "horizon_days"
            )


def _check_open_hours(scenario: Scenario) -> None:
    windows = {w.id: w for w in scenario.windows}
    for i, entry in enumerate(scenario.demand):
        window = windows.get(entry.window)
        rate = entry.per_day if entry.per_day is not None else entry.per_hour
        positive = sum(rate) > 0 if isinstance(rate, list) else bool(rate)
        if window is not None and positive and open_hours_per_day(window) == 0.0:
            raise InputError(
                f"demand.{i}: window {entry.window!r} has no opening hours (hours = []) but "
                "demand arrives there; give hours or remove the demand",
                field=f"demand.{i}",
            )


def check_run_size(scenario: Scenario, replications: int | None) -> None:
    """Refuse a run whose replications (an override of the scenario's) exceed the budget."""
    if replications is None or replications == scenario.replications:
        return
    per_replication = expected_cases(scenario) / max(scenario.replications, 1)
    check_at_most(
        "expected_cases (days × Σ daily rates × replications)",
        per_replication * replications,
        "expected_cases",
    )


def check_budget(scenario: Scenario) -> Scenario:
    """Refuse a scenario beyond the limits (sizes, dates, expected cases); return it."""
    _check_sizes(scenario)
    _check_dates(scenario)
    _check_open_hours(scenario)
    for path, dist in _distributions(scenario, ""):
        _check_distribution(path, dist)
    estimate = expected_cases(scenario)
    check_at_most(
        "expected_cases (days × Σ daily rates × replications)", estimate, "expected_cases"
    )
    return scenario
