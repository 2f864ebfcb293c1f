"""Per-replication outcome recording: turnaround per matter, trips saved, case accounting.

A finished case is turned into a :class:`~sim.records.Completion` (a pure function of the
case and the minute it finished) and folded into the per-matter outcomes; the decomposed run
(:mod:`sim.decomposed`) collects the records in its partitions (:class:`CollectingRecorder`)
and folds them once at the end, in case-id order. Integer counts and day sums fold to the
same values in any order; ``km_saved`` is a floating sum and may differ in the last bits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.plans import CompiledScenario
from sim.records import Case, Completion, TraceWriter

MAX_DAYS_BIN = 2000


@dataclass
class MatterOutcome:
    """Completed cases of one matter submitted inside the statistics period."""

    cases: int = 0
    day_counts: np.ndarray = field(default_factory=lambda: np.zeros(64, dtype=np.int64))
    days_sum: float = 0.0
    judged: int = 0  # cases an office decided (not on the spot at the counter)
    within_limit: int = 0  # statutory view, of the judged: acceptance → decision within limit
    handling_days_sum: float = 0.0
    end_to_end_within_limit: int = 0  # applicant's view: hand-in → result in hand
    trips_saved: float = 0.0
    km_saved: float = 0.0
    modes: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        working_days: int,
        handling_days: int,
        limit: int,
        mode: str,
        trips: float,
        km: float,
        judged: bool = True,
    ) -> None:
        """Fold in one completed case.

        ``working_days`` runs from hand-in to the result in the applicant's hands;
        ``handling_days`` from the handling office's acceptance (受理) to its decision, the
        span the statutory limit governs (行政许可法 Arts. 32, 42). A case decided on the spot
        at the counter (``judged`` false) is not judged against the limit: the clerks serve
        everyone queued before they leave, so it is decided the day it is handed in by the
        model's own rule, and a share of such cases within the limit would be 1 by
        construction.
        """
        self.cases += 1
        self.days_sum += working_days
        self.handling_days_sum += handling_days
        if judged:
            self.judged += 1
            self.within_limit += int(handling_days <= limit)
        if working_days <= limit:
            self.end_to_end_within_limit += 1
        index = min(working_days, MAX_DAYS_BIN - 1)
        if index >= self.day_counts.size:
            grown = np.zeros(max(index + 1, 2 * self.day_counts.size), dtype=np.int64)
            grown[: self.day_counts.size] = self.day_counts
            self.day_counts = grown
        self.day_counts[index] += 1
        self.trips_saved += trips
        self.km_saved += km
        self.modes[mode] = self.modes.get(mode, 0) + 1

    @property
    def days_mean(self) -> float:
        """Mean turnaround in working days (``nan`` without cases)."""
        return self.days_sum / self.cases if self.cases else math.nan

    @property
    def handling_days_mean(self) -> float:
        """Mean working days from the office's acceptance to its decision."""
        return self.handling_days_sum / self.cases if self.cases else math.nan


def day_quantile(counts: np.ndarray, q: float) -> float:
    """Quantile (lower, exact) of integer-valued days from their counts."""
    total = int(counts.sum())
    if total == 0:
        return math.nan
    rank = math.ceil(q * total)
    cumulative = np.cumsum(counts)
    return float(np.searchsorted(cumulative, max(rank, 1), side="left"))


class Recorder:
    """Counts every case in and out, and turnaround of the cases inside the period."""

    def __init__(
        self, compiled: CompiledScenario, replication: int, trace: TraceWriter | None = None
    ) -> None:
        self.calendar = compiled.turnaround_calendar
        self.limits = [m.limit_working_days for m in compiled.matters]
        self.matter_ids = [m.id for m in compiled.matters]
        self.stats_from = compiled.period.stats_from
        self.stats_until = compiled.period.stats_until
        self.trips_saved = [m.trips_saved for m in compiled.matters]
        self.at_counter = [m.decided_at_counter for m in compiled.matters]
        self.replication = replication
        self.trace = trace
        self.window_ids = [w.spec.id for w in compiled.windows]
        self.office_ids = [o.spec.id for o in compiled.offices]
        self.matters = [MatterOutcome() for _ in compiled.matters]
        self.created = 0
        self.completed = 0
        # per staffed office: [cases decided, within the limit, working days 受理 → decision]
        self.office_judged: dict[int, list[int]] = {}

    def complete(self, case: Case, now: float) -> None:
        """The result reached the applicant."""
        self.completed += 1
        case.completed = now
        if not self.stats_from <= case.submitted < self.stats_until:
            return
        if self.trace is not None:  # the trace needs the record; without it, fold directly
            done = self.completion(case, now)
            if done is not None:
                self.fold(done)
            return
        days, handling_days = self._days(case, now)
        self._add(
            case.matter, case.mode, case.office, days, handling_days, case.supplements, case.km
        )

    def completion(self, case: Case, now: float) -> Completion | None:
        """The case's completion record (``None`` when submitted outside the period)."""
        if not self.stats_from <= case.submitted < self.stats_until:
            return None
        days, handling_days = self._days(case, now)
        return Completion(
            case.id,
            case.matter,
            case.mode,
            case.window,
            case.office,
            case.submitted,
            now,
            days,
            handling_days,
            case.visits,
            case.supplements,
            case.km,
        )

    def _days(self, case: Case, now: float) -> tuple[int, int]:
        """Working days hand-in → now, and 受理 → decision (the first when not decided apart)."""
        days = self.calendar.working_days_between(case.submitted, now)
        case.working_days = days
        if math.isnan(case.decided):
            return days, days
        return days, self.calendar.working_days_between(case.accepted, case.decided)

    def fold(self, done: Completion) -> None:
        """Add one completion record to the outcomes (and the trace)."""
        self._add(
            done.matter,
            done.mode,
            done.office,
            done.working_days,
            done.handling_days,
            done.supplements,
            done.km,
        )
        if self.trace is not None:
            self.trace.add(
                self.replication,
                done,
                self.matter_ids[done.matter],
                self.window_ids[done.window] if done.window >= 0 else "",
                self.office_ids[done.office] if done.office >= 0 else "",
            )

    def _add(
        self,
        matter: int,
        mode: str,
        office: int,
        days: int,
        handling_days: int,
        supplements: int,
        km: float,
    ) -> None:
        """Fold one case inside the period into its matter's and its office's outcomes."""
        limit = self.limits[matter]
        km = km if not math.isnan(km) else 0.0
        # the profile's trips (hand-in; + collection when posted) + supplement rounds avoided
        trips = self.trips_saved[matter] + supplements
        self.matters[matter].add(
            days,
            handling_days,
            limit,
            mode,
            trips,
            2.0 * km * trips,
            judged=not (self.at_counter[matter] or mode == "counter"),
        )
        if office >= 0:
            judged = self.office_judged.setdefault(office, [0, 0, 0])
            judged[0] += 1
            judged[1] += int(handling_days <= limit)
            judged[2] += handling_days


class CollectingRecorder(Recorder):
    """A partition's recorder: keeps the completion records (folded later, in id order)
    and counts the finished cases by window (``by="window"``) or by office (``"office"``)."""

    def __init__(self, compiled: CompiledScenario, replication: int, by: str) -> None:
        super().__init__(compiled, replication, None)
        self.by = by
        self.records: list[Completion] = []
        self.completed_by: dict[int, int] = {}

    def complete(self, case: Case, now: float) -> None:
        self.completed += 1
        case.completed = now
        done = self.completion(case, now)
        if done is not None:
            self.records.append(done)
        where = int(getattr(case, self.by))
        self.completed_by[where] = self.completed_by.get(where, 0) + 1
