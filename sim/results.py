"""Typed results of a simulation run: one row type per output file (``DESIGN.md`` §6).

Field names of the row types are the CSV column names; the first ones are the fixed
contract, later ones are extras.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Fewest cases (over all replications) that let a matter's within-limit share be judged:
# with 20 cases a share of 0.9 has a binomial standard error of about 0.07.
MIN_CASES_TO_JUDGE = 20


@dataclass(frozen=True)
class TurnaroundRow:
    """``turnaround.csv``: one matter."""

    matter_id: str
    matter_name: str
    mode: str
    cases: float
    days_mean: float
    days_mean_ci95: float
    days_p50: float
    days_p90: float
    days_p95: float
    limit_working_days: int
    within_limit_share: float
    within_limit_share_ci95: float
    handling_days_mean: float  # office acceptance (受理) → decision: the statutory span
    end_to_end_within_limit_share: float  # hand-in → result in hand, against the same limit


@dataclass(frozen=True)
class WindowRow:
    """``windows.csv``: one window."""

    window_id: str
    cases: float  # applicants (first visits) served per replication in the period
    wait_mean_min: float
    wait_mean_ci95_min: float
    wait_p50_min: float
    wait_p90_min: float
    wait_p95_min: float
    utilisation: float
    wait_p90_ci95_min: float
    utilisation_ci95: float
    arrivals_per_hour: float  # window visits (first and repeat) per hour the window is open
    queue_length_mean: float  # time-average over the whole statistics period (open or not)
    clerks_max: int
    visits: float = 0.0  # window visits (first and repeat) per replication in the period
    open_hours: float = 0.0  # hours the window is open in the statistics period


@dataclass(frozen=True)
class StaffingRow:
    """``staffing.csv``: one window × day type × clock hour."""

    window_id: str
    day_type: str
    hour: int
    clerks: int
    service_level: float
    service_level_ci95: float
    visits_in_hour_per_day: float  # visits arriving in this clock hour per day of this type


@dataclass(frozen=True)
class MatterStaffingRow:
    """``matter_staffing.csv``: workload a matter puts on clerks and reviewers."""

    matter_id: str
    clerk_hours_per_week: float
    reviewer_hours_per_week: float


@dataclass(frozen=True)
class OfficeRow:
    """``offices.csv``: one staffed handling office."""

    office_id: str
    cases: float  # distinct cases reaching the office (first review round), per replication
    reviewers: int
    utilisation: float
    within_limit_share: float  # pooled over replications: cases decided within the limit
    review_rounds: float  # review rounds (first + after each 补正), per replication
    review_rounds_per_working_day: float  # review rounds per working day of its calendar
    in_office_mean: float  # time-average rounds queued or in review
    review_sojourn_mean_calendar_days: float  # per round: queue + review, calendar days
    handling_days_mean: float  # working days 受理 → decision of the cases it decided


@dataclass(frozen=True)
class TripsRow:
    """``trips_saved.csv``: journeys and km applicants no longer make (per replication)."""

    matter_id: str
    trips_saved: float
    km_saved: float


@dataclass(frozen=True)
class PickupRow:
    """``pickups.csv``: the pickup schedule the simulation used."""

    window_id: str
    pickup_time: str
    vehicle: str


@dataclass(frozen=True)
class Accounting:
    """Case conservation of one replication: created = completed + in_system."""

    replication: int
    created: int
    completed: int
    in_system: int


@dataclass
class SimulationResult:
    """A whole run: the rows of every output file plus the run's metadata."""

    scenario: str
    seed: int
    replications: int
    days: int
    warmup_days: float
    started: str
    finished: str
    turnaround: list[TurnaroundRow]
    windows: list[WindowRow]
    staffing: list[StaffingRow]
    matter_staffing: list[MatterStaffingRow]
    offices: list[OfficeRow]
    trips_saved: list[TripsRow]
    pickups: list[PickupRow]
    accounting: list[Accounting]
    notes: list[str] = field(default_factory=list)

    @property
    def cases_all_replications(self) -> int:
        """Cases created over all replications (inbound and outbound, whole run)."""
        return sum(a.created for a in self.accounting)

    @property
    def cases(self) -> float:
        """Cases created per replication (the mean over replications)."""
        return self.cases_all_replications / self.replications if self.replications else 0.0

    def judged_matters(
        self, min_cases: int = MIN_CASES_TO_JUDGE
    ) -> tuple[list[TurnaroundRow], int]:
        """Matters with enough cases to judge against their limit, and how many were left out.

        A matter is judged when at least ``min_cases`` of its cases (over all replications)
        finished in the statistics period; a share from 0.5 cases per replication says
        nothing. Matters without any case, and matters decided on the spot at the counter
        (``within_limit_share`` empty: nothing to judge), are neither judged nor counted as
        left out.
        """
        judged, left_out = [], 0
        for row in self.turnaround:
            if math.isnan(row.within_limit_share):
                continue
            total = row.cases * self.replications
            if total >= min_cases - 1e-9:
                judged.append(row)
            elif total > 0:
                left_out += 1
        return judged, left_out

    @property
    def censored(self) -> int:
        """Cases still unfinished when the run stopped, over all replications.

        Replications run until every case is done, so this is 0 unless a case could not
        finish within the safety cap (:data:`sim.replication.CENSOR_AFTER_DAYS`).
        """
        return sum(a.in_system for a in self.accounting)
