"""The 跨省通办 window: a FIFO queue served by clerks following an hourly plan.

Applicants arrive (non-homogeneous Poisson, :mod:`sim.arrivals`) with the service time of
their visit (formal review + identity verification) and their repeat visits
(:mod:`sim.models.visits`) drawn on arrival from the window's own streams, so runs with the
same seed and different staffing see the same applicants (common random numbers). The plan gives
the clerks on duty per clock hour; when the count drops a clerk finishes the case in hand
first. At closing the doors shut and the clerks on duty serve those already waiting.

Clerks are counted, not modelled one by one: a case starts while fewer than the planned
number of cases are in service (so when the count drops, the first clerks to become free
leave and nobody is interrupted), and a service completion is a callback on a timeout
rather than a process — this keeps the M/M/c path faster than textbook SimPy. Statistics
are kept from ``stats_from`` to ``stats_until`` (warm-up discarded).

Applicants coming back for their result (second visits) are put into :attr:`returning`, an
:class:`~sim.models.inbox.Inbox`: those of the same minute join the queue in case-id order,
after the minute's other events, so the queue order never depends on where in the run the
result was decided (:mod:`sim.decomposed`). First and repeat visits are the window's own
events and join directly.
"""

from __future__ import annotations

import math
import typing
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from sim.models.inbox import WINDOW_PRIORITY, Inbox
from sim.period import StatsPeriod
from sim.plans import WindowPlan
from sim.records import Case
from sim.stats import Tally
from tongban.kernel.hours import MINUTES_PER_DAY

DAY_TYPES = ("workday", "restday")

# a day's applicants (their demand rows) → their home office codes and one-way km home
Locate = Callable[[np.ndarray], tuple[list[str | None], list[float]]]


def _nowhere(n: int) -> tuple[list[str | None], list[float]]:
    """No homes drawn (a window on its own): unknown home, unknown distance."""
    return [None] * n, [math.nan] * n


@dataclass
class WindowStats:
    """What one window measured in one replication (inside the statistics period)."""

    arrivals: int = 0  # visits (first and repeat) arriving in the period
    first_visits: int = 0  # applicants arriving for the first time in the period
    waits: Tally = field(default_factory=Tally)
    area_queue: float = 0.0
    area_busy: float = 0.0
    area_on_duty: float = 0.0
    period: float = 0.0
    served_within_target: np.ndarray = field(
        default_factory=lambda: np.zeros((2, 24), dtype=np.int64)
    )
    served_by_hour: np.ndarray = field(default_factory=lambda: np.zeros((2, 24), dtype=np.int64))
    wait_sum_by_hour: np.ndarray = field(default_factory=lambda: np.zeros((2, 24)))

    @property
    def utilisation(self) -> float:
        """Busy clerk-time over on-duty clerk-time."""
        return self.area_busy / self.area_on_duty if self.area_on_duty > 0 else float("nan")


@dataclass(frozen=True)
class WindowStreams:
    """A window's own random streams: arrivals, service times, repeat visits."""

    arrivals: np.random.Generator
    service: np.random.Generator
    visits: np.random.Generator | None = None


class WindowModel:
    """One window: arrivals, queue, clerks, hand-over of served cases to ``on_served``."""

    def __init__(
        self,
        env: simpy.Environment,
        plan: WindowPlan,
        streams: WindowStreams,
        period: StatsPeriod,
        on_served: Callable[[Case], None] | None,
        next_case_id: Callable[[], int],
        locate: Locate | None = None,
    ) -> None:
        """``next_case_id`` numbers first arrivals; ``locate`` gives the homes and distances
        of a day's applicants (drawn with their arrival, in arrival order)."""
        self.env = env
        self.index = plan.index
        self.window_id = plan.spec.id
        self.code = plan.spec.code
        self.timetable = plan.timetable
        self.clerk_plan = [int(c) for c in plan.clerks]
        self.generator = plan.arrivals
        self.service_by_row = list(plan.row_service)
        self.row_matter = list(plan.row_matter)
        self.row_mode = list(plan.row_mode)
        self.streams = streams
        self.on_served = on_served
        self.next_case_id = next_case_id
        self.locate = locate
        self.returning: Inbox[Case] = Inbox(env, WINDOW_PRIORITY, self.enqueue)
        # the period's bounds are read on every event: keep them as plain attributes
        self.arrivals_until = period.arrivals_until
        self.stats_from = period.stats_from
        self.stats_until = period.stats_until
        self.target_wait = period.target_wait
        self.visits = plan.visits if plan.visits is not None and plan.visits.active else None
        if self.visits is not None and streams.visits is None:
            raise ValueError("repeat visits need their own random stream (streams.visits)")
        self.stats = WindowStats(period=period.length)
        self.created = 0  # first arrivals so far (all of them, not only in the period)
        self.queue: deque[Case] = deque()
        self.busy = 0
        self.open = True
        self._last = 0.0
        self._asleep: simpy.Event | None = None  # the idle controller's wake-up
        constant = self.timetable.hours.always_open and len(set(self.clerk_plan)) == 1
        self.capacity = self.clerk_plan[0] if constant else 0
        if not constant:
            env.process(self._controller())
        env.process(self._arrivals())

    # -- bookkeeping -------------------------------------------------------------------
    def _advance(self, now: float) -> None:
        """Accumulate time-weighted areas (queue, busy, on duty) up to ``now``."""
        last = self._last
        if now <= last:
            return
        lo = last if last > self.stats_from else self.stats_from
        hi = now if now < self.stats_until else self.stats_until
        if hi > lo:
            dt = hi - lo
            stats = self.stats
            stats.area_queue += len(self.queue) * dt
            stats.area_busy += self.busy * dt
            on_duty = self.capacity if self.open and self.capacity > self.busy else self.busy
            stats.area_on_duty += on_duty * dt
        self._last = now

    def _record_start(self, case: Case, now: float) -> None:
        arrival = case.visit_arrival
        if self.stats_from <= arrival < self.stats_until:
            wait = now - arrival
            stats = self.stats
            stats.waits.add(wait)
            minute = arrival % MINUTES_PER_DAY
            hour = int(minute // 60.0)
            day_type = 0 if self.timetable.calendar.is_working_day(int(arrival // 1440.0)) else 1
            stats.served_by_hour[day_type, hour] += 1
            stats.wait_sum_by_hour[day_type, hour] += wait
            if wait <= self.target_wait:
                stats.served_within_target[day_type, hour] += 1

    # -- processes ---------------------------------------------------------------------
    def _arrivals(self) -> Generator[simpy.Event, Any, None]:
        env = self.env
        day = 0
        last_day = int(self.arrivals_until // MINUTES_PER_DAY) + 1
        while day < last_day:
            times, rows = self.generator.day(day, self.streams.arrivals)
            day += 1
            if times.size == 0:
                continue
            services = self._services(rows)
            revisits = (
                self.visits.draw(rows, self.streams.visits)  # type: ignore[arg-type]
                if self.visits is not None
                else [None] * rows.size
            )
            homes, kms = self.locate(rows) if self.locate is not None else _nowhere(rows.size)
            for time, row, service, revisit, home, km in zip(
                times.tolist(), rows.tolist(), services.tolist(), revisits, homes, kms, strict=True
            ):
                if time >= self.arrivals_until:
                    return
                delay = time - env.now
                if delay > 0:
                    yield env.timeout(delay)
                self.created += 1
                case = Case(
                    self.next_case_id(),
                    self.row_matter[row],
                    self.row_mode[row],
                    self.index,
                    time,
                    service,
                    row,
                )
                case.revisit = revisit
                case.home_code = home
                case.km = km
                self.enqueue(case)

    def _services(self, rows: np.ndarray) -> np.ndarray:
        if len(self.service_by_row) == 1:
            return self.service_by_row[0].sample_many(self.streams.service, rows.size)
        services = np.empty(rows.size)
        for row in np.unique(rows).tolist():
            mask = rows == row
            services[mask] = self.service_by_row[row].sample_many(
                self.streams.service, int(mask.sum())
            )
        return services

    def enqueue(self, case: Case) -> None:
        """An applicant (first or repeat visit) joins the queue or goes to a free clerk."""
        now = self.env.now
        self._advance(now)
        if self.stats_from <= now < self.stats_until:
            self.stats.arrivals += 1
            if case.visits == 1:
                self.stats.first_visits += 1
        if self._asleep is not None:
            self._wake()
        if self.busy < self.capacity:
            self._start(case, now)
        else:
            self.queue.append(case)

    def _start(self, case: Case, now: float) -> None:
        """A clerk takes ``case``; completion is a callback, not a process (fast path)."""
        self.busy += 1
        self._record_start(case, now)
        self.env.timeout(case.service, case).callbacks.append(self._finish)

    def _finish(self, event: simpy.Event) -> None:
        case = typing.cast(Case, event.value)
        now = self.env.now
        self._advance(now)
        self.busy -= 1
        queue = self.queue
        while queue and self.busy < self.capacity:
            self._start(queue.popleft(), now)
        if self.on_served is not None:
            self.on_served(case)

    def _set_capacity(self, capacity: int, open_now: bool) -> None:
        """New clerk count; cases in service are never interrupted."""
        now = self.env.now
        self._advance(now)
        self.open = open_now
        if open_now:
            self.capacity = capacity
        # closed: the clerks of the closing hour stay until the queue is empty
        queue = self.queue
        while queue and self.busy < self.capacity:
            self._start(queue.popleft(), now)

    def _state_at(self, minute: float) -> tuple[bool, int]:
        """(open, clerks) the plan sets at ``minute``; clerks ``-1`` when closed (kept)."""
        if self.timetable.is_open(minute):
            return True, self.clerk_plan[int((minute % MINUTES_PER_DAY) // 60)]
        return False, -1

    def _next_change(self, minute: float, state: tuple[bool, int]) -> float | None:
        """The first clock hour or opening/closing time after ``minute`` that changes
        ``state`` (``None``: never within ten years). Ticks that change nothing are skipped:
        they would only split the time-weighted areas."""
        day = int(minute // MINUTES_PER_DAY)
        for offset in range(3660):
            base = (day + offset) * MINUTES_PER_DAY
            for start, end in self.timetable.intervals_on(day + offset):
                if end <= minute:
                    continue
                if start > minute and state != self._state_at(start):
                    return start
                hour_start = max(start, minute)
                boundary = base + (int((hour_start - base) // 60) + 1) * 60.0
                while boundary < end:
                    if boundary > minute and state != self._state_at(boundary):
                        return boundary
                    boundary += 60.0
                if end > minute and state != self._state_at(end):
                    return end
        return None

    def _idle_after_horizon(self) -> bool:
        now = self.env.now
        return (
            now >= self.arrivals_until
            and now >= self.stats_until
            and not self.queue
            and self.busy == 0
        )

    def _wake(self) -> None:
        """Back from dormancy: set what the plan sets now, as ticking would have."""
        now = self.env.now
        open_now, clerks = self._state_at(now)
        if not open_now:
            clerks = self._last_open_clerks(now)
        self._set_capacity(clerks, open_now)
        if self._asleep is not None:
            self._asleep.succeed()
            self._asleep = None

    def _last_open_clerks(self, minute: float) -> int:
        """The clerks of the last open hour before ``minute`` (kept while closed)."""
        day = int(minute // MINUTES_PER_DAY)
        for offset in range(3660):
            intervals = [i for i in self.timetable.intervals_on(day - offset) if i[1] <= minute]
            if intervals:
                end = intervals[-1][1] - (day - offset) * MINUTES_PER_DAY
                return self.clerk_plan[min(23, math.ceil(end / 60.0) - 1)]
        return self.capacity

    def _controller(self) -> Generator[simpy.Event, Any, None]:
        """Follow the hourly plan: at each clock hour, opening and closing time that changes
        the clerks on duty or opens/closes the window. After the horizon an idle window
        sleeps until an applicant comes back (a repeat or second visit)."""
        env = self.env
        minute = 0.0
        while True:
            state = self._state_at(minute)
            self._set_capacity(state[1], state[0])
            following = self._next_change(minute, state)
            if following is None:
                return
            yield env.timeout(following - minute)
            minute = following
            if self._idle_after_horizon():
                self._asleep = env.event()
                yield self._asleep
                minute = env.now

    def finalize(self) -> None:
        """Close the areas at the end of the statistics period."""
        self._advance(max(self.env.now, self._last))
        self.stats.waits.flush()
