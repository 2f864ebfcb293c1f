"""Handling offices (业务属地部门): substantive review and decision.

A :class:`StaffedOffice` is one of the locality's own offices: a FIFO queue of cases and
reviewers who work only in office hours on working days; review effort is minutes of work,
paused over lunch, nights, weekends and holidays. Cases join the queue through an
:class:`~sim.models.inbox.Inbox`: those arriving in the same minute join in case-id order
(never in the order SimPy happened to schedule them), so the queue is the same whether the
office runs with the whole replication or on its own (:mod:`sim.decomposed`).

The elapsed span from 受理 to the decision (the profile's ``office_days``, incl. sign-off)
is, for an office elsewhere, the whole delay (:func:`sim.models.delays.until`); at ours the
decision comes at the later of the reviewer's finish and that span, and
:meth:`StaffedOffice.review` hands the case on then (:meth:`sim.flow.CaseFlow.round_ends`).
Never derived from the statutory limit. Both may ask the applicant for supplementary papers
(a loop back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from heapq import heappop, heappush

import numpy as np
import simpy

from sim.models.delays import until
from sim.models.inbox import OFFICE_PRIORITY, Inbox
from sim.period import StatsPeriod
from sim.plans import MatterPlan, OfficePlan
from sim.records import Case
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


Queued = tuple[float, float, Case]  # review effort, decision minute, the case


class StaffedOffice:
    """Reviewers serving a FIFO queue of cases during office hours.

    The reviewers are not processes: a round's effort is drawn at 受理, so when a case joins
    the queue (from the inbox, in (minute, case id) order) the moment its review ends is
    already known — the reviewer who is free first takes it (a FIFO queue with ``c``
    identical servers), at the later of that reviewer's free minute and now, starts at the
    next open minute and works ``effort`` open minutes. The case is resumed once, at the
    later of that end and the round's decision minute. The minutes are computed with the
    very float arithmetic the reviewer processes had (``t + (finish - t)``), so the times
    are those of a reviewer process per clerk, without its events.
    """

    def __init__(
        self,
        env: simpy.Environment,
        plan: OfficePlan,
        period: StatsPeriod,
        on_reviewed: Callable[[Case, float], None],
    ) -> None:
        """``on_reviewed(case, minute)`` takes each round on at its end (when it is known)."""
        self.env = env
        self.index = plan.index
        self.office_id = plan.spec.id
        self.code = plan.spec.code
        self.timetable = plan.timetable
        self.reviewers = plan.spec.reviewers
        self.stats_from = period.stats_from
        self.stats_until = period.stats_until
        self.stats = OfficeStats()
        self.on_reviewed = on_reviewed
        self.free = [0.0] * self.reviewers  # heap: the minute each reviewer is next free
        self.inbox: Inbox[Queued] = Inbox(env, OFFICE_PRIORITY, self._join)
        self.never_served: list[float] = []  # arrival minutes of rounds with no reviewer

    def review(self, case: Case, at: float, effort_minutes: float, decision: float) -> None:
        """The case joins the queue at minute ``at`` (now or later) to be reviewed
        (``effort_minutes`` of open-hours work); the round ends at the later of the review's
        end and ``decision``, which is handed to ``on_reviewed`` once the queue has placed it.

        One call per review round: a case's first review (no 补正 yet) and one more after
        each 补正; ``cases`` counts the first, ``rounds`` every one. The case id places it
        among those arriving in the same minute.
        """
        self.inbox.put(at, case.id, (effort_minutes, decision, case))

    def _join(self, entry: Queued) -> None:
        """A case from the inbox joins the queue: the reviewer free first takes it."""
        effort, decision, case = entry
        now = self.env.now
        stats = self.stats
        in_period = self.stats_from <= now < self.stats_until
        if in_period:
            stats.rounds += 1
            stats.cases += case.supplements == 0
        if not self.free:  # no reviewers: the round waits for ever (censored)
            self.never_served.append(now)
            return
        free = heappop(self.free)
        picked = free if free > now else now  # when that reviewer takes the case
        start = self.timetable.next_open(picked)
        finish = self.timetable.add_open_minutes(start, effort)
        finished = picked + (finish - picked)  # the minute a timeout from ``picked`` ends
        heappush(self.free, finished)
        if self.stats_from <= start < self.stats_until:
            stats.busy_minutes += effort
        if in_period:
            stats.completed += 1
            stats.sojourn_sum += finished - now
        stats.area_in_office += self._in_period(now, finished)
        self.on_reviewed(case, until(finished, decision))

    def _in_period(self, lo: float, hi: float) -> float:
        """Minutes of [lo, hi) inside the statistics period."""
        return max(0.0, min(hi, self.stats_until) - max(lo, self.stats_from))

    def finalize(self) -> None:
        """Close the areas of rounds never served and count the reviewers' open minutes."""
        now = self.env.now
        for arrived in self.never_served:
            self.stats.area_in_office += self._in_period(arrived, now)
        open_minutes = self.timetable.open_minutes_between(self.stats_from, self.stats_until)
        self.stats.open_reviewer_minutes = open_minutes * self.reviewers


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
