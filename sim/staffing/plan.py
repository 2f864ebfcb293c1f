"""Staffing for a set of window-days and offices: plans, rosters, attribution in one report.

This is the core that ``tongban staff`` and ``tongban run`` call: a scenario is mapped to
:class:`WindowDayDemand` items (one per window × day type with ``clerks = "auto"``) and
:class:`~sim.staffing.office.OfficeDemand` items, and :func:`staff_all` returns a
:class:`StaffingReport` that :mod:`sim.staffing.outputs` writes. A window-day's opening
hours are minute-level intervals (``09:00–12:00, 13:30–17:00``), handled exactly as the
engine does (see :mod:`sim.staffing.day`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.staffing.attribution import (
    MatterReviewLoad,
    MatterStaffing,
    MatterWindowLoad,
    attribute_clerk_hours,
    matter_staffing,
)
from sim.staffing.day import MINUTES_PER_HOUR, OpenDay
from sim.staffing.evaluate import HourlyServiceLevels, WaitTarget, WindowEvaluator
from sim.staffing.office import OfficeDemand, OfficePlan, OfficeSettings, staff_office
from sim.staffing.roster import Roster, ShiftTemplate, default_templates, solve_roster
from sim.staffing.search import StaffingSettings, WindowPlan, staff_window, verify_plan
from sim.staffing.service import ServiceSampler
from tongban.kernel.errors import InputError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WindowDayDemand:
    """Demand at one window on one day type: hourly arrival rates from ``open_hour`` on.

    ``rates_per_hour`` are arrivals per hour *while open* (the engine's per-hour rates).
    ``intervals`` are the open intervals in minutes after midnight (``None``: open every
    minute of ``open_hour``–``close_hour`` except ``closed_hours``). Clock hours without any
    open minute (``closed_hours``, e.g. ``{12}`` for 12:00–13:30 closed) split the day into
    blocks that are staffed separately: at each closing the clerks on duty serve everyone
    already waiting, and the block after the break is assumed to start with an empty queue.
    """

    window_id: str
    day_type: str
    open_hour: int
    rates_per_hour: tuple[float, ...]
    service: ServiceSampler
    days_per_week: float = 5.0
    matters: tuple[MatterWindowLoad, ...] = ()
    templates: tuple[ShiftTemplate, ...] | None = None
    closed_hours: frozenset[int] = frozenset()
    intervals: tuple[tuple[float, float], ...] | None = None
    part_time: bool = False  # rosters may use part-time blocks (default: full days only)

    def __post_init__(self) -> None:
        if not self.rates_per_hour:
            raise InputError(f"window {self.window_id}: no opening hours", field="hours")
        if not 0 <= self.open_hour < self.close_hour <= 24:
            raise InputError(
                f"window {self.window_id}: opening hours must lie within 00:00-24:00",
                field="hours",
            )
        if any(not self.open_hour < h < self.close_hour - 1 for h in self.closed_hours):
            raise InputError(
                f"window {self.window_id}: closed hours must lie strictly inside the day",
                field="hours",
            )

    def clock_intervals(self) -> tuple[tuple[float, float], ...]:
        """Open intervals in minutes after midnight."""
        if self.intervals is not None:
            return self.intervals
        result: list[tuple[float, float]] = []
        for hour in self.open_clock_hours:
            lo = hour * MINUTES_PER_HOUR
            if result and result[-1][1] == lo:
                result[-1] = (result[-1][0], lo + MINUTES_PER_HOUR)
            else:
                result.append((lo, lo + MINUTES_PER_HOUR))
        return tuple(result)

    def open_day(self, first: int, end: int) -> OpenDay:
        """The open time of plan hours ``[first, end)`` (a block) as an :class:`OpenDay`."""
        return OpenDay.from_clock(self.clock_intervals(), self.open_hour + first, end - first)

    @property
    def open_clock_hours(self) -> tuple[int, ...]:
        """Clock hours in which the window is open."""
        return tuple(h for h in self.clock_hours if h not in self.closed_hours)

    def blocks(self) -> list[tuple[int, int]]:
        """Index ranges ``[first, end)`` of the open blocks between closed hours."""
        result, first = [], None
        for k, hour in enumerate(self.clock_hours):
            if hour in self.closed_hours:
                if first is not None:
                    result.append((first, k))
                first = None
            elif first is None:
                first = k
        if first is not None:
            result.append((first, len(self.clock_hours)))
        return result

    @property
    def close_hour(self) -> int:
        """Clock hour at which the window closes."""
        return self.open_hour + len(self.rates_per_hour)

    @property
    def clock_hours(self) -> tuple[int, ...]:
        """Clock hour of each opening hour."""
        return tuple(range(self.open_hour, self.close_hour))


@dataclass(frozen=True)
class WindowStaffing:
    """Answer for one window-day: plan, Erlang C comparison and roster."""

    demand: WindowDayDemand
    plan: WindowPlan
    erlang_verification: HourlyServiceLevels
    roster: Roster

    def rostered_clerks(self, hour: int) -> int:
        """Clerks the roster puts at the window in clock hour ``hour`` (0 when closed)."""
        if hour not in self.roster.hours:
            return 0
        return self.roster.coverage[self.roster.hours.index(hour)]


@dataclass(frozen=True)
class StaffingReport:
    """Everything the staffing stage produces."""

    target: WaitTarget
    windows: tuple[WindowStaffing, ...]
    offices: tuple[OfficePlan, ...] = ()
    matters: tuple[MatterStaffing, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def unverified(self) -> tuple[WindowStaffing, ...]:
        """Window-days whose plan missed the target on its last independent check."""
        return tuple(w for w in self.windows if not w.plan.verified)


def staff_all(
    windows: Sequence[WindowDayDemand],
    target: WaitTarget,
    settings: StaffingSettings | None = None,
    *,
    offices: Sequence[OfficeDemand] = (),
    office_settings: OfficeSettings | None = None,
    reviews: Sequence[MatterReviewLoad] = (),
    roster_time_limit_seconds: float = 10.0,
    evaluator: WindowEvaluator | None = None,
) -> StaffingReport:
    """Staff every window-day and office, roster the windows and attribute hours to matters."""
    settings = settings or StaffingSettings()
    results = []
    for demand in windows:
        logger.info("staffing window %s (%s)", demand.window_id, demand.day_type)
        plan, erlang_check = _staff_blocks(demand, target, settings, evaluator)
        templates = demand.templates or default_templates(
            demand.open_hour,
            demand.close_hour,
            closed_hours=demand.closed_hours,
            part_time=demand.part_time,
        )
        open_index = [k for k, h in enumerate(demand.clock_hours) if h not in demand.closed_hours]
        roster = solve_roster(
            demand.open_clock_hours,
            [plan.clerks[k] for k in open_index],
            templates,
            time_limit_seconds=roster_time_limit_seconds,
        )
        results.append(WindowStaffing(demand, plan, erlang_check, roster))
    office_plans = tuple(staff_office(o, office_settings) for o in offices)
    clerk_hours = attribute_clerk_hours(
        {(w.demand.window_id, w.demand.day_type): w.plan.clerks for w in results},
        [m for w in results for m in w.demand.matters],
        {w.demand.day_type: w.demand.days_per_week for w in results},
    )
    return StaffingReport(
        target=target,
        windows=tuple(results),
        offices=office_plans,
        matters=tuple(matter_staffing(clerk_hours, reviews)),
    )


def _staff_blocks(
    demand: WindowDayDemand,
    target: WaitTarget,
    settings: StaffingSettings,
    evaluator: WindowEvaluator | None,
) -> tuple[WindowPlan, HourlyServiceLevels]:
    """Staff each open block; closed hours get 0 clerks and a vacuous service level of 1."""
    hours = len(demand.rates_per_hour)
    clerks = np.zeros(hours, dtype=np.int64)
    erlang_clerks = np.zeros(hours, dtype=np.int64)
    parts: list[tuple[int, int, HourlyServiceLevels, HourlyServiceLevels]] = []
    verified, iterations, trimmed = True, 0, 0
    for first, end in demand.blocks():
        rates = demand.rates_per_hour[first:end]
        day = demand.open_day(first, end)
        plan = staff_window(rates, demand.service, target, settings, evaluator, day)
        erlang_check = verify_plan(
            rates,
            demand.service,
            plan.erlang_clerks,
            target,
            settings.verify_replications,
            settings.seed + 1_000_003,
            evaluator,
            day,
        )
        clerks[first:end] = plan.clerks
        erlang_clerks[first:end] = plan.erlang_clerks
        parts.append((first, end, plan.verification, erlang_check))
        verified &= plan.verified
        iterations += plan.iterations
        trimmed += plan.trimmed
    merged = WindowPlan(
        clerks=tuple(int(c) for c in clerks),
        erlang_clerks=tuple(int(c) for c in erlang_clerks),
        verification=_merge([(a, b, v) for a, b, v, _ in parts], hours),
        verified=verified,
        iterations=iterations,
        trimmed=trimmed,
    )
    return merged, _merge([(a, b, e) for a, b, _, e in parts], hours)


def _merge(parts: list[tuple[int, int, HourlyServiceLevels]], hours: int) -> HourlyServiceLevels:
    if len(parts) == 1 and parts[0][:2] == (0, hours):
        return parts[0][2]
    arrays = {
        "service_level": np.ones(hours),
        "ci95": np.zeros(hours),
        "lower_bound": np.ones(hours),
        "arrivals_per_day": np.zeros(hours),
        "mean_wait_minutes": np.zeros(hours),
    }
    for first, end, levels in parts:
        for name, values in arrays.items():
            values[first:end] = getattr(levels, name)
    return HourlyServiceLevels(
        replications=min(levels.replications for _, _, levels in parts), **arrays
    )
