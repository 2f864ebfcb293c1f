"""The compiled scenario: one checked record per matter, window, office and inbound stream.

Built by :func:`sim.compile.compile_scenario`; the engine (:mod:`sim.replication`), the
summary and the staffing stage read these records, never the raw scenario tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.arrivals import ArrivalGenerator
from sim.calendar import Timetable, WorkCalendar
from sim.distributions import Sampler
from sim.models.visits import VisitPlan
from sim.period import StatsPeriod
from sim.profiles import DemandWeight
from sim.scenarios.schema import Office, Scenario, Window
from tongban.kernel.errors import InputError
from tongban.kernel.hours import OpeningHours
from tongban.kernel.pickups import PickupSchedule


@dataclass(frozen=True)
class MatterPlan:
    """One matter as simulated: catalog facts, its process profile and the scenario's choices.

    Built by :func:`sim.matter_process.matter_plan` (see there for how the profile and the
    scenario's overrides combine).
    """

    index: int
    id: str
    name: str
    mode: str
    originals_by_post: bool
    result_delivery: str  # the profile's: post, online or on_the_spot
    handling_level: str
    limit_working_days: int
    service: Sampler | None  # per-matter window service override (scenario)
    review: Sampler  # reviewer minutes at a staffed office
    incomplete_share: float  # paper-missing return visits (0 unless revisit_possible)
    window_service: Sampler  # window minutes without an override (profile mean)
    matter_class: str  # the profile's class (query, print, …, transfer, …)
    decided_by: str  # home, local, any or window (sim.profiles.DecidedBy)
    same_day: bool
    office_days: Sampler  # elapsed working days 受理 → decision (incl. sign-off)
    min_calendar_days: int  # legal minimum 受理 → decision (calendar days)
    coordination_days: Sampler | None  # joint: the profile's, else None (scenario's)
    supplement_possible: bool
    trips_saved: int
    demand_weight: DemandWeight
    second_visit: str = "none"  # none, collect or certificate (sim.profiles.SecondVisit)
    second_visit_days: Sampler | None = None  # working days after the result is ready

    @property
    def window_visits_per_case(self) -> float:
        """Expected window visits of one case: the first, paper-missing returns, a second visit."""
        return 1.0 + self.incomplete_share + (self.second_visit != "none")

    @property
    def decided_at_window(self) -> bool:
        """The case ends at the window when the clerk finishes (decided on the spot)."""
        return self.decided_by == "window" or (
            self.same_day and self.decided_by in ("local", "any")
        )

    @property
    def decided_at_counter(self) -> bool:
        """Decided on the spot by the clerk who serves the applicant (at the first visit, or
        at the certificate visit of a ``second_visit = "certificate"`` matter)."""
        return self.decided_at_window or self.second_visit == "certificate"

    @property
    def decided_where_accepted(self) -> bool:
        """The accepting locality decides (``local``/``any``); papers never travel home."""
        return self.decided_by in ("local", "any")

    @property
    def reviewed(self) -> bool:
        """An office reviews the file (reviewer minutes > 0); else the counter does the work."""
        return self.review.mean > 0

    def decided_by_locality_office(self, mode: str) -> bool:
        """A case accepted at our window is decided by an office of this locality.

        The accepting locality decides (``local``/``any``: notarisation, 户口迁入, the
        transfer-in office of a joint transfer …) and an office reviews the file (not the
        counter, not on the spot). Ours decides it when we stage its handling level.
        ``counter`` cases end at the window; a ``home`` matter — joint or not — is decided
        by the home office.
        """
        if mode == "counter" or self.decided_at_window or not self.reviewed:
            return False
        return self.decided_where_accepted

    def works_cases_from_elsewhere(self, joint_offered: bool) -> bool:
        """Our office does work on a case accepted at a window elsewhere.

        We are the applicant's home office (``home``), or the transfer-out office of a joint
        (多地联办) transfer accepted by the transfer-in office where the applicant now is.
        The same rule, seen from the other side, as :meth:`decided_by_locality_office`.
        """
        if self.decided_by == "home":
            return True
        return self.decided_by == "local" and self.matter_class == "transfer" and joint_offered


@dataclass(frozen=True)
class WindowPlan:
    """One window: hours, clerks per clock hour, arrival rates per (matter row, hour)."""

    index: int
    spec: Window
    hours: OpeningHours
    weekend_hours: OpeningHours | None
    clerks: tuple[int, ...]  # 24 values
    rates: np.ndarray  # (rows, 24) arrivals per hour
    row_matter: tuple[int, ...]
    row_mode: tuple[str, ...]
    row_service: tuple[Sampler, ...]
    timetable: Timetable  # hours on the window's calendar
    arrivals: ArrivalGenerator  # rates × seasonality on the timetable
    visits: VisitPlan | None  # repeat visits per demand row (None: nobody comes back)


@dataclass(frozen=True)
class OfficePlan:
    """One staffed handling office of the locality."""

    index: int
    spec: Office
    timetable: Timetable


@dataclass(frozen=True)
class InboundPlan:
    """Cases accepted elsewhere for one (office, matter)."""

    office: int
    matter: int
    mode: str
    per_day: float


@dataclass(frozen=True)
class CompiledScenario:
    """Everything the engine needs, checked."""

    scenario: Scenario
    matters: tuple[MatterPlan, ...]
    windows: tuple[WindowPlan, ...]
    inbound: tuple[InboundPlan, ...]
    pickups: PickupSchedule
    offices: tuple[OfficePlan, ...]
    flow_timetable: Timetable  # joint coordination, remote review, supplements, inbound
    turnaround_calendar: WorkCalendar  # working days counted for the applicant
    period: StatsPeriod
    # cases accepted at our windows and decided by our staffed offices (per working day)
    from_windows: tuple[InboundPlan, ...] = ()

    @property
    def office_streams(self) -> tuple[InboundPlan, ...]:
        """Every stream of cases our staffed offices decide: inbound and from our windows."""
        return (*self.inbound, *self.from_windows)

    def with_pickups(self, pickups: PickupSchedule) -> CompiledScenario:
        """The same scenario with another pickup schedule (e.g. the routing plan's)."""
        return dataclasses.replace(self, pickups=pickups)

    def with_clerk_plans(self, clerk_plans: Mapping[str, Sequence[int]]) -> CompiledScenario:
        """The same scenario with 24-value clerk plans for some windows (e.g. staffing's)."""
        known = {w.spec.id for w in self.windows}
        unknown = sorted(set(clerk_plans) - known)
        if unknown:
            raise InputError(f"clerk plans for unknown windows {unknown}", field="clerk_plans")
        windows = []
        for plan in self.windows:
            if plan.spec.id not in clerk_plans:
                windows.append(plan)
                continue
            clerks = tuple(int(c) for c in clerk_plans[plan.spec.id])
            if len(clerks) != 24:
                raise InputError(
                    f"clerk plan for {plan.spec.id} needs 24 values (clock hours 00–23)",
                    field="clerk_plans",
                )
            check_clerks(plan.rates, clerks, f"windows.{plan.index}")
            windows.append(dataclasses.replace(plan, clerks=clerks))
        return dataclasses.replace(self, windows=tuple(windows))


def scenario_error(path: str, message: str) -> InputError:
    """An input error about the scenario field at ``path``."""
    return InputError(f"invalid scenario: {path}: {message}", field=path)


def check_clerks(rates: np.ndarray, clerks: Sequence[int], path: str) -> None:
    """No opening hour with demand may have 0 clerks."""
    total_by_hour = rates.sum(axis=0) if rates.shape[0] else np.zeros(24)
    for hour in range(24):
        if total_by_hour[hour] > 0 and clerks[hour] == 0:
            raise scenario_error(
                f"{path}.clerks",
                f"0 clerks at {hour:02d}:00 while {total_by_hour[hour]:.2f} applicants/h "
                "arrive; give at least 1 clerk in every opening hour with demand, or 'auto'",
            )
