"""Shift rosters that cover an hourly clerk need, solved with OR-Tools CP-SAT.

A :class:`ShiftTemplate` is a named set of working hour-intervals on the clock (for example a
full day 09–12 + 13–17 with lunch at 12; part-time blocks such as a morning 09–13 only when a
scenario allows them) with a cost (by default its paid hours). The roster chooses how many
clerks work each template so that every opening hour has at least ``need[h]`` clerks and at
least one clerk, minimising total cost (clerk-hours by default). The solver runs with a time
limit and reports its status (``OPTIMAL`` or ``FEASIBLE``); a template set that leaves an
opening hour uncovered is an input error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from tongban.kernel.errors import InputError

COST_SCALE = 100  # CP-SAT needs integer costs: costs are rounded to 1/100 of a unit.


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift: working intervals ``[start, end)`` in clock hours, and its cost."""

    name: str
    segments: tuple[tuple[int, int], ...]
    cost: float | None = None

    def __post_init__(self) -> None:
        if not self.segments:
            raise InputError(f"shift {self.name!r} needs at least one interval", field="shifts")
        for start, end in self.segments:
            if not 0 <= start < end <= 24:
                raise InputError(
                    f"shift {self.name!r} interval {start}-{end} must satisfy "
                    "0 <= start < end <= 24",
                    field="shifts",
                )
        if self.cost is not None and self.cost < 0:
            raise InputError(f"shift {self.name!r} cost must be >= 0", field="shifts")

    def covers(self, hour: int) -> bool:
        """Whether a clerk on this shift is at the window during clock hour ``hour``."""
        return any(start <= hour < end for start, end in self.segments)

    @property
    def paid_hours(self) -> int:
        """Working hours of the shift."""
        return sum(end - start for start, end in self.segments)

    @property
    def unit_cost(self) -> float:
        """Cost of one clerk on this shift (paid hours unless given)."""
        return float(self.paid_hours) if self.cost is None else self.cost

    def label(self) -> str:
        """``09-12+13-17`` style description."""
        return "+".join(f"{start:02d}-{end:02d}" for start, end in self.segments)


FULL_DAY_SPAN = 9  # a full day: 8 paid hours around a one-hour lunch break


def default_templates(
    open_hour: int,
    close_hour: int,
    part_time_hours: int = 4,
    closed_hours: frozenset[int] = frozenset(),
    *,
    part_time: bool = False,
) -> tuple[ShiftTemplate, ...]:
    """Shift templates for a window open ``open_hour``–``close_hour``.

    By default clerks work **full days with a lunch break**, as hall staff do:

    - a hall that closes for lunch (``closed_hours``, e.g. 12:00–13:30) gets one ``full``
      shift over all its open blocks — the closure is everyone's lunch;
    - a hall open through lunch gets two full days with staggered lunch hours (for 09–17:
      ``full_lunch12`` 09–12 + 13–17 and ``full_lunch13`` 09–13 + 14–17), so the window is
      never unstaffed;
    - a hall open longer than a full day (e.g. 08–20, or always open) gets 8-hour days of
      4 + lunch + 4 hours starting each hour (``day08`` …);
    - a short day (≤ ``part_time_hours``) is one shift.

    ``part_time=True`` (a scenario's ``part_time_shifts = true``) adds part-time blocks of
    ``part_time_hours`` (``morning``, ``afternoon``, staggered ``partHH``), or, for a hall
    that closes for lunch, one shift per block and two-hour-plus shifts at either end of a
    block. The roster then mixes them where that is cheaper.
    """
    if not 0 <= open_hour < close_hour <= 24:
        raise InputError("opening hours must satisfy 0 <= open < close <= 24", field="hours")
    if closed_hours:
        blocks: list[tuple[int, int]] = []
        for hour in range(open_hour, close_hour):
            if hour in closed_hours:
                continue
            if blocks and blocks[-1][1] == hour:
                blocks[-1] = (blocks[-1][0], hour + 1)
            else:
                blocks.append((hour, hour + 1))
        full = ShiftTemplate("full", tuple(blocks))
        if not part_time:
            return (full,)
        per_block = [ShiftTemplate(f"block{s:02d}", ((s, e),)) for s, e in blocks]
        # Part-block shifts of at least two hours that start or end with a block.
        parts = [
            ShiftTemplate(f"part{a:02d}-{b:02d}", ((a, b),))
            for s, e in blocks
            for a, b in sorted(
                {(s, s + k) for k in range(2, e - s)} | {(e - k, e) for k in range(2, e - s)}
            )
        ]
        return (full, *per_block, *parts)
    length = close_hour - open_hour
    if length <= part_time_hours:
        return (ShiftTemplate("full", ((open_hour, close_hour),)),)
    templates = _full_days(open_hour, close_hour)
    if part_time:
        templates += [
            ShiftTemplate("morning", ((open_hour, open_hour + part_time_hours),)),
            ShiftTemplate("afternoon", ((close_hour - part_time_hours, close_hour),)),
        ]
        templates += [
            ShiftTemplate(f"part{start:02d}", ((start, start + part_time_hours),))
            for start in range(open_hour + 1, close_hour - part_time_hours)
        ]
    return tuple(templates)


def _full_days(open_hour: int, close_hour: int) -> list[ShiftTemplate]:
    """Full-day shifts with a lunch hour covering ``open_hour``–``close_hour``."""
    length = close_hour - open_hour
    if length <= FULL_DAY_SPAN:
        middle = open_hour + length // 2
        days = [
            ShiftTemplate(f"full_lunch{lunch:02d}", ((open_hour, lunch), (lunch + 1, close_hour)))
            for lunch in (middle - 1, middle)
            if open_hour < lunch < close_hour - 1
        ]
        return days or [ShiftTemplate("full", ((open_hour, close_hour),))]
    half = (FULL_DAY_SPAN - 1) // 2
    return [
        ShiftTemplate(f"day{start:02d}", ((start, start + half), (start + half + 1, start + 9)))
        for start in range(open_hour, close_hour - FULL_DAY_SPAN + 1)
    ]


@dataclass(frozen=True)
class Roster:
    """A solved roster: clerks per template, coverage against need, solver status."""

    status: str
    templates: tuple[ShiftTemplate, ...]
    clerks_per_template: tuple[int, ...]
    hours: tuple[int, ...]
    need: tuple[int, ...]
    coverage: tuple[int, ...]
    objective: float
    wall_seconds: float

    @property
    def clerk_hours(self) -> int:
        """Paid clerk-hours of the roster."""
        pairs = zip(self.templates, self.clerks_per_template, strict=True)
        return sum(t.paid_hours * n for t, n in pairs)

    @property
    def need_clerk_hours(self) -> int:
        """Clerk-hours of the hourly need itself (a lower bound on any roster)."""
        return sum(self.need)

    @property
    def covered(self) -> bool:
        """Whether every opening hour has at least its need (and at least one clerk)."""
        return all(c >= max(n, 1) for c, n in zip(self.coverage, self.need, strict=True))


def solve_roster(
    hours: Sequence[int],
    need: Sequence[int],
    templates: Sequence[ShiftTemplate],
    *,
    time_limit_seconds: float = 10.0,
    workers: int = 1,
) -> Roster:
    """Cheapest roster covering ``need[k]`` clerks in clock hour ``hours[k]`` (CP-SAT)."""
    if len(hours) != len(need) or not hours:
        raise InputError("roster needs one clerk count per opening hour", field="need")
    if any(n < 0 for n in need):
        raise InputError("clerk need must be >= 0 in every hour", field="need")
    if not templates:
        raise InputError("at least one shift template is required", field="shifts")
    required = [max(int(n), 1) for n in need]
    for hour in hours:
        if not any(t.covers(hour) for t in templates):
            names = ", ".join(t.name for t in templates)
            raise InputError(
                f"no shift template covers opening hour {hour:02d}:00 (templates: {names})",
                field="shifts",
            )
    model = cp_model.CpModel()
    upper = max(required)
    counts = [model.new_int_var(0, upper, f"n_{t.name}") for t in templates]
    for hour, req in zip(hours, required, strict=True):
        model.add(sum(n for n, t in zip(counts, templates, strict=True) if t.covers(hour)) >= req)
    model.minimize(
        sum(round(t.unit_cost * COST_SCALE) * n for n, t in zip(counts, templates, strict=True))
    )
    solver = cp_model.CpSolver()
    # Leave SIGINT to the application (CP-SAT would otherwise take it for the solve and
    # reset it to the default action afterwards; the CLI turns it into a clean exit 130).
    solver.parameters.catch_sigint_signal = False
    solver.parameters.max_time_in_seconds = time_limit_seconds
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    status_name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InputError(
            f"no roster found within {time_limit_seconds:g} s (solver status {status_name})",
            field="shifts",
        )
    chosen = tuple(int(solver.value(n)) for n in counts)
    coverage = tuple(
        sum(n for n, t in zip(chosen, templates, strict=True) if t.covers(hour)) for hour in hours
    )
    return Roster(
        status=status_name,
        templates=tuple(templates),
        clerks_per_template=chosen,
        hours=tuple(int(h) for h in hours),
        need=tuple(int(n) for n in need),
        coverage=coverage,
        objective=solver.objective_value / COST_SCALE,
        wall_seconds=solver.wall_time,
    )
