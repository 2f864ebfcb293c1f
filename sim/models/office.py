"""Handling offices (业务属地部门): substantive review and decision.

A :class:`StaffedOffice` is one of the locality's own offices: a FIFO queue of cases and
reviewers who work only in office hours on working days; review effort is minutes of work,
paused over lunch, nights, weekends and holidays. Cases join the queue through an
:class:`~sim.models.inbox.Inbox`: those arriving in the same minute join in case-id order
(never in the order SimPy happened to schedule them), so the queue is the same whether the
office runs with the whole replication or on its own (:mod:`sim.decomposed`).

The elapsed span from 受理 to the decision (the profile's ``office_days``, incl. sign-off)
is waited out with :func:`until`: for an office elsewhere it is the whole delay, for ours
the decision comes at the later of the reviewer's finish and that span
(:meth:`sim.flow.CaseFlow._handle`). Never derived from the statutory limit. Both may ask
the applicant for supplementary papers (a loop back).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from sim.calendar import Timetable
from sim.models.delays import working_days
from sim.models.inbox import OFFICE_PRIORITY, Inbox
from sim.period import StatsPeriod
from sim.plans import MatterPlan, OfficePlan
from sim.scenarios.schema import Process


@dataclass
class OfficeStats:
    """What one staffed office measured in one replication (statistics period)."""

    cases: int = 0  # distinct cases whose first review round started in the period
    rounds: int = 0  # review rounds (first + after each 补正) arriving in the period
    completed: int = 0  # review rounds finished (of those arriving in the period)
    sojourn_sum: float = 0.0  # minutes queued + in review, summed over finished rounds
    area_in_office: float = 0.0
    busy_minutes: float = 0.0
    open_reviewer_minutes: float = 0.0
    within_limit: int = 0
    judged: int = 0


class StaffedOffice:
    """Reviewers serving a FIFO queue of cases during office hours."""

    def __init__(self, env: simpy.Environment, plan: OfficePlan, period: StatsPeriod) -> None:
        self.env = env
        self.index = plan.index
        self.office_id = plan.spec.id
        self.code = plan.spec.code
        self.timetable = plan.timetable
        self.reviewers = plan.spec.reviewers
        self.stats_from = period.stats_from
        self.stats_until = period.stats_until
        self.stats = OfficeStats()
        self.queue: deque[tuple[float, simpy.Event]] = deque()
        self.idle: list[simpy.Event] = []
        self.inbox: Inbox[tuple[float, bool, simpy.Event]] = Inbox(env, OFFICE_PRIORITY, self._join)
        self.in_office = 0
        self._last = 0.0
        for _ in range(self.reviewers):
            env.process(self._reviewer())

    def _advance(self, now: float) -> None:
        lo = max(self._last, self.stats_from)
        hi = min(now, self.stats_until)
        if hi > lo:
            self.stats.area_in_office += self.in_office * (hi - lo)
        self._last = max(self._last, now)

    def review(
        self, case_id: int, effort_minutes: float, *, first_round: bool
    ) -> Generator[Any, Any, None]:
        """Queue for a reviewer and be reviewed (``effort_minutes`` of open-hours work).

        One call per review round: a case's first review (``first_round``) and one more after
        each 补正; ``cases`` counts the first, ``rounds`` every one. ``case_id`` places the
        case among those arriving in the same minute.
        """
        env = self.env
        arrived = env.now
        done = env.event()
        self.inbox.put(arrived, case_id, (effort_minutes, first_round, done))
        yield done
        self._advance(env.now)
        self.in_office -= 1
        if self.stats_from <= arrived < self.stats_until:
            self.stats.completed += 1
            self.stats.sojourn_sum += env.now - arrived

    def _join(self, entry: tuple[float, bool, simpy.Event]) -> None:
        """A case from the inbox joins the queue (or goes to an idle reviewer)."""
        effort, first_round, done = entry
        now = self.env.now
        self._advance(now)
        self.in_office += 1
        if self.stats_from <= now < self.stats_until:
            self.stats.rounds += 1
            self.stats.cases += first_round
        if self.idle:
            self.idle.pop().succeed((effort, done))
        else:
            self.queue.append((effort, done))

    def _reviewer(self) -> Generator[Any, Any, None]:
        env = self.env
        while True:
            if self.queue:
                effort, done = self.queue.popleft()
            else:
                wake = env.event()
                self.idle.append(wake)
                effort, done = yield wake
            start = self.timetable.next_open(env.now)
            finish = self.timetable.add_open_minutes(start, effort)
            if self.stats_from <= start < self.stats_until:
                self.stats.busy_minutes += effort
            yield env.timeout(finish - env.now)
            done.succeed()

    def finalize(self) -> None:
        """Close the time-weighted area and count the reviewers' open minutes."""
        self._advance(self.env.now)
        open_minutes = self.timetable.open_minutes_between(self.stats_from, self.stats_until)
        self.stats.open_reviewer_minutes = open_minutes * self.reviewers


def until(env: simpy.Environment, minute: float) -> Generator[Any, Any, None]:
    """Wait until ``minute`` (no wait when it has passed): the end of the elapsed office span."""
    yield env.timeout(max(0.0, minute - env.now))


def supplement_round(
    env: simpy.Environment, timetable: Timetable, days: float
) -> Generator[Any, Any, None]:
    """The applicant is asked for more papers and sends them ``days`` working days later."""
    yield from working_days(env, timetable, days)


Round = tuple[float, float | None, float | None]  # office days, review effort, 补正 days


def draw_rounds(
    plan: MatterPlan,
    process: Process,
    mode: str,
    staffed: bool,
    supplements: int,
    rng: np.random.Generator,
) -> tuple[float | None, list[Round]]:
    """Everything random at the office, drawn at 受理 from the case's office stream: joint
    coordination days (``None``: none), then per review round the ``office_days``, the review
    effort (``staffed`` office; else ``None``) and — when the profile allows 补正 and fewer
    than ``max_supplements`` were asked (``supplements`` so far) — whether papers are asked
    for, with the working days they take (``None``: decided). Nothing here depends on time,
    so it is drawn at once and the stream never waits across the office's queue."""
    settings = process.office
    coordination = plan.coordination_days
    if coordination is None and plan.decided_by == "home":  # the scenario's default
        coordination = process.joint.coordination_days
    days = None
    if mode == "joint" and coordination is not None:
        days = float(coordination.sample(rng))
    rounds: list[Round] = []
    while True:
        office_days = float(plan.office_days.sample(rng))
        effort = plan.review.sample(rng) if staffed else None
        asked = (
            plan.supplement_possible
            and supplements + len(rounds) < settings.max_supplements
            and rng.random() < settings.supplement_share
        )
        supplement = settings.supplement_days.sample(rng) if asked else None
        rounds.append((office_days, effort, supplement))
        if supplement is None:
            return days, rounds
