"""Case pipelines: receive → separate → (mail) → handle → return, per mode and per who decides.

Who decides is the matter's process profile (``decided_by``, :mod:`sim.matter_process`):

* ``window``, or ``same_day`` with ``local``/``any`` (结婚登记, 二手车交易登记, queries,
  prints): the case ends when the clerk finishes — accepted = decided = that minute, no mail,
  no office, no supplement.
* ``local``/``any`` otherwise: the accepting locality decides — our staffed office at the
  matter's handling level when the scenario stages one, else an office of this locality
  elsewhere as the ``office_days`` delay. The file is pushed online; papers never travel to
  the home locality. The result is posted within the locality (EMS window → window), sent
  online, or handed over when decided (``on_the_spot``).
* ``home``: as 收受分离 always was — ``proxy`` cases are pushed online and, when originals
  must be examined, wait for the EMS pickup and travel by mail (a planned van takes the
  parcels to the processing centre first, :mod:`sim.models.separation`); the home office is
  elsewhere (``office_days`` drawn, never a share of the limit).
* ``joint`` (多地联办) cases are accepted (受理) first, then coordinated (the profile's
  ``coordination_days``; else the scenario's for a home-decided matter) inside 受理 →
  decision; a joint transfer accepted here goes to our staffed office at its handling level
  when we stage one (we are the transfer-in office); a home-decided joint matter is decided
  elsewhere (:meth:`~sim.plans.MatterPlan.decided_by_locality_office`).
* A result handed over at the counter later (``second_visit``: 2-01, 3-04) is fetched on a
  second window visit; for 3-04 the certificate is applied for and issued then, so 受理 and
  the decision are that visit.

``counter`` cases (scenarios without a locality) end at the window as before; ``online``
cases (assisted at a window) go through the platform. Inbound cases start at a window in
another province and end at one of our offices. Supplement (补正) rounds happen only where
the profile allows them (``supplement_possible``).

Randomness: repeat window visits were drawn with the applicant's arrival
(:mod:`sim.models.visits`); every later stage draws from its own stream
(:class:`FlowStreams`), so e.g. changing the reviewers never shifts the homes, transit
times or deliveries drawn, and changing clerks never changes who arrives, with which
service times and repeat visits. (Stage draws are taken in event order within a stream, so
*which* case gets a given transit time may still change when staffing reorders events.)
"""

from __future__ import annotations

import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from sim.arrivals import demand_factor
from sim.calendar import Timetable
from sim.compile import CompiledScenario, InboundPlan, MatterPlan
from sim.models import joint, office, online, return_, separation
from sim.models.mail import transit_model
from sim.models.office import StaffedOffice
from sim.models.visits import VisitDraws
from sim.models.window import WindowModel
from sim.office_routing import offices_by_code, staffed_office
from sim.outcomes import Recorder
from sim.records import Case
from tongban.kernel.hours import MINUTES_PER_DAY

FLOW_PURPOSES = ("locate", "handover", "office", "delivery", "inbound")


@dataclass(frozen=True)
class FlowStreams:
    """One random stream per purpose after the window (see the module docstring)."""

    locate: np.random.Generator  # applicant's home office and distance
    handover: np.random.Generator  # online submission, joint coordination, push, EMS transit
    office: np.random.Generator  # review effort, remote review, supplement requests
    delivery: np.random.Generator  # returning the result
    inbound: np.random.Generator  # cases accepted elsewhere for our offices

    @classmethod
    def from_seeds(cls, seeds: Sequence[np.random.SeedSequence]) -> FlowStreams:
        """Streams from one seed per purpose, in :data:`FLOW_PURPOSES` order."""
        if len(seeds) != len(FLOW_PURPOSES):
            raise ValueError(f"need {len(FLOW_PURPOSES)} seeds, one per {FLOW_PURPOSES}")
        return cls(*(np.random.default_rng(s) for s in seeds))


class CaseFlow:
    """Moves cases from the window (or from elsewhere) to their result."""

    def __init__(
        self,
        env: simpy.Environment,
        compiled: CompiledScenario,
        streams: FlowStreams,
        windows: Sequence[WindowModel],
        offices: Sequence[StaffedOffice],
        recorder: Recorder,
        homes: Any = None,
    ) -> None:
        self.env = env
        self.compiled = compiled
        self.process = compiled.scenario.process
        self.streams = streams
        self.transit = transit_model(compiled.scenario)
        self.office_timetable = compiled.flow_timetable
        self.windows = windows
        self.offices = offices
        self.recorder = recorder
        self.homes = homes
        self.in_flight = 0
        self.home_km = compiled.scenario.trips.home_distance_km
        self.office_by_level = {
            level: plan.index for plan in compiled.offices for level in plan.spec.levels
        }
        self.office_by_code = offices_by_code(compiled.offices)  # [national]: offices by code

    # -- after the window ------------------------------------------------------------------
    def on_served(self, case: Case) -> None:
        """Window callback: the clerk finished with this applicant."""
        plan = self.compiled.matters[case.matter]
        if case.second_visit:  # back for the result: handed over (and decided) now
            self.in_flight -= 1
            if plan.second_visit == "certificate":  # the certificate application is 受理'd
                case.accepted, case.decided = case.visit_arrival, self.env.now
            self.recorder.complete(case, self.env.now)
            return
        draws = case.revisit
        if (
            draws is not None
            and case.visits < self.process.window.max_visits
            and draws.missing[case.visits - 1]
        ):
            self.in_flight += 1
            self.env.process(self._come_back(case, draws))
            return
        if case.mode == "counter":
            self._locate(case)
            self.recorder.complete(case, self.env.now)
            return
        if plan.decided_at_window:  # decided on the spot: accepted = decided = now
            self._locate(case)
            case.accepted = case.decided = self.env.now
            self.recorder.complete(case, self.env.now)
            return
        self.in_flight += 1
        self.env.process(self._outbound(case, plan))

    def _come_back(self, case: Case, draws: VisitDraws) -> Generator[Any, Any, None]:
        """Papers missing: the applicant returns some working days after this visit's day.

        Counted from the day of the visit (not of the service's end), so the return time is
        fixed when the applicant first arrives, whatever the staffing.
        """
        window = self.windows[case.window]
        visit = case.visits - 1
        visit_day = int(case.visit_arrival // MINUTES_PER_DAY)
        day = window.timetable.calendar.add_working_days(visit_day, draws.return_days[visit])
        arrival = _time_in_open_hours(window.timetable, day, draws.picks[visit])
        yield self.env.timeout(max(0.0, arrival - self.env.now))
        self.in_flight -= 1
        case.visits += 1
        case.visit_arrival = self.env.now
        case.service = draws.services[visit]
        window.enqueue(case)

    def _second_visit(self, case: Case, plan: MatterPlan) -> Generator[Any, Any, None]:
        """The applicant comes back to the window for the result once it is ready.

        ``second_visit_days`` working days (the applicant's timing, rounded down) after the
        day the result is ready, at a uniform moment of that day's opening hours — but not
        before it is ready (a later day when the window has closed by then). The clerk's
        minutes are the matter's window service. The case stays in flight until served.
        """
        window = self.windows[case.window]
        timetable = window.timetable
        rng = self.streams.delivery
        ready = self.env.now
        assert plan.second_visit_days is not None  # profiles guarantee it
        wait = int(plan.second_visit_days.sample(rng))
        day = timetable.calendar.add_working_days(int(ready // MINUTES_PER_DAY), wait)
        arrival = _time_in_open_hours(timetable, day, float(rng.random()))
        arrival = max(arrival, timetable.next_open(ready))  # not before the result is ready
        yield self.env.timeout(max(0.0, arrival - self.env.now))
        case.second_visit = True
        case.visits += 1
        case.visit_arrival = self.env.now
        case.service = float(window.service_by_row[case.row].sample(rng))
        window.enqueue(case)

    def _locate(self, case: Case) -> None:
        """Where the applicant's home office is, and how far (for trips saved)."""
        if self.homes is not None and case.window >= 0:
            window = self.windows[case.window]
            plan = self.compiled.matters[case.matter]
            found = self.homes.draw(window.index, plan.handling_level, self.streams.locate)
            if found is not None:
                case.home_code, case.km = found
                return
        case.km = self.home_km.sample(self.streams.locate)

    def _outbound(self, case: Case, plan: MatterPlan) -> Generator[Any, Any, None]:
        self._locate(case)
        window = self.windows[case.window]
        local = plan.decided_where_accepted
        if plan.decided_by_locality_office(case.mode):  # ours when we stage that level
            case.office = self.office_by_level.get(plan.handling_level, -1)
        if case.office < 0 and self.office_by_code:
            case.office = staffed_office(
                plan, case.mode, window.code, case.home_code, self.office_by_code
            )
        yield from self._after_acceptance(
            case,
            plan,
            pickup_timetable=window.timetable,
            pickup_times=self.compiled.pickups.times_for(window.window_id),
            window_id=window.window_id,
            window_code=window.code,
            office_code=self._deciding_office_code(case, window.code, local),
        )

    def _deciding_office_code(self, case: Case, window_code: str | None, local: bool) -> str | None:
        """Where the result is posted from: our staffed office, this locality, or home."""
        if case.office >= 0:
            return self.offices[case.office].code or window_code
        return window_code if local else case.home_code

    def _after_acceptance(
        self,
        case: Case,
        plan: MatterPlan,
        *,
        pickup_timetable: Timetable,
        pickup_times: Sequence[float],
        window_id: str | None,
        window_code: str | None,
        office_code: str | None,
    ) -> Generator[Any, Any, None]:
        """Separate (online push, EMS pickup and mail) → handle → return → complete.

        Papers travel by post only to an office in another locality (``decided_by = home``,
        or a case accepted elsewhere for our office); a joint case is accepted first and
        coordinated inside 受理 → decision (:meth:`_handle`).
        """
        env, rng = self.env, self.streams.handover
        travels = case.window < 0 or not plan.decided_where_accepted
        if case.mode == "online":
            yield from online.submit_online(env, self.process.online.submit_minutes, rng)
        elif case.mode != "joint":
            yield from separation.push_online(env, self.process.separation.push_minutes, rng)
            if plan.originals_by_post and travels:
                pickup = yield from separation.wait_for_pickup(env, pickup_timetable, pickup_times)
                centre = self.compiled.pickups.centre_arrival(window_id, pickup)
                if centre is not None:  # a planned van: hand-over at the centre
                    yield from separation.wait_for_handover(env, centre)
                yield env.timeout(
                    self.transit.transit_minutes(
                        window_code, office_code, env.now, rng, collected=centre is not None
                    )
                )
        yield from self._handle(case, plan)
        if plan.second_visit != "none" and case.window >= 0:
            yield from self._second_visit(case, plan)  # the window completes the case
            return
        yield from self._return(case, plan, office_code, window_code)
        self.in_flight -= 1
        self.recorder.complete(case, env.now)

    # -- handling and return ---------------------------------------------------------------
    def _handle(self, case: Case, plan: MatterPlan) -> Generator[Any, Any, None]:
        """受理 → (joint coordination) → review → decision, with 补正 rounds.

        The decision comes at the later of the reviewer's finish (a staffed office: queue +
        effort) and the elapsed ``office_days`` drawn from the profile, counted from 受理 or,
        where the law sets a minimum (``min_calendar_days``, e.g. the 离婚 cooling-off), from
        the end of that minimum. An office elsewhere is the ``office_days`` delay alone. A
        supplement request restarts the statutory clock (行政许可法 Art. 32).
        """
        env, rng = self.env, self.streams.office
        settings = self.process.office
        case.accepted = env.now
        coordination = plan.coordination_days
        if coordination is None and plan.decided_by == "home":  # the scenario's default
            coordination = self.process.joint.coordination_days
        if case.mode == "joint" and coordination is not None:
            yield from joint.coordinate(env, self.office_timetable, coordination, rng)
        first_round = True
        while True:
            days = float(plan.office_days.sample(rng))
            earliest = case.accepted + plan.min_calendar_days * MINUTES_PER_DAY
            decision = self.office_timetable.add_working_days(max(env.now, earliest), days)
            if case.office >= 0:
                effort = plan.review.sample(rng)
                yield from self.offices[case.office].review(effort, first_round=first_round)
                first_round = False
            yield from office.until(env, decision)
            if (
                plan.supplement_possible
                and case.supplements < settings.max_supplements
                and rng.random() < settings.supplement_share
            ):
                case.supplements += 1
                yield from office.supplement_round(
                    env, self.office_timetable, settings.supplement_days, rng
                )
                case.accepted = env.now
                continue
            case.decided = env.now
            return

    def _return(
        self, case: Case, plan: MatterPlan, office_code: str | None, applicant_code: str | None
    ) -> Generator[Any, Any, None]:
        settings = self.process.return_
        if plan.result_delivery == "on_the_spot":
            return
        if plan.result_delivery == "post":
            yield from return_.deliver_by_post(
                self.env,
                settings.post_handover_minutes,
                self.transit,
                office_code,
                applicant_code,
                self.streams.delivery,
            )
        else:
            yield from return_.deliver_online(
                self.env, settings.online_delivery_minutes, self.streams.delivery
            )

    # -- inbound ---------------------------------------------------------------------------
    def inbound_arrivals(
        self, plans: Sequence[InboundPlan], days: float
    ) -> Generator[Any, Any, None]:
        """Cases accepted at windows elsewhere on working days, bound for our offices."""
        env, rng = self.env, self.streams.inbound
        if not plans:
            return
        rates = np.array([p.per_day for p in plans])
        seasonality = self.compiled.scenario.seasonality
        calendar = self.office_timetable.calendar
        for day in range(math.ceil(days)):
            intervals = self.office_timetable.intervals_on(day)
            if not intervals:
                continue
            factor = demand_factor(calendar, day, seasonality.weekday, seasonality.month)
            counts = rng.poisson(rates * factor)
            total = int(counts.sum())
            if total == 0:
                continue
            lengths = np.array([end - start for start, end in intervals])
            offsets = np.sort(rng.random(total)) * lengths.sum()
            which = np.repeat(np.arange(len(plans)), counts)
            rng.shuffle(which)
            for offset, row in zip(offsets.tolist(), which.tolist(), strict=True):
                time = intervals[0][0]
                for (start, _), length in zip(intervals, lengths.tolist(), strict=True):
                    if offset <= length:
                        time = start + offset
                        break
                    offset -= length
                if time >= days * MINUTES_PER_DAY:
                    return
                yield env.timeout(max(0.0, time - env.now))
                plan = plans[row]
                case = Case(self.recorder.created_case(), plan.matter, plan.mode, -1, env.now, 0.0)
                case.office = plan.office
                case.km = self.home_km.sample(rng)
                self.in_flight += 1
                env.process(self._inbound(case))

    def _inbound(self, case: Case) -> Generator[Any, Any, None]:
        """A case accepted at a window elsewhere (its window's pickups: the default times)."""
        yield from self._after_acceptance(
            case,
            self.compiled.matters[case.matter],
            pickup_timetable=self.office_timetable,
            pickup_times=self.compiled.pickups.default,
            window_id=None,
            window_code=None,
            office_code=self.offices[case.office].code,
        )


def _time_in_open_hours(timetable: Timetable, day: int, fraction: float) -> float:
    """The moment ``fraction`` (0–1) of the way through ``day``'s opening hours."""
    intervals = timetable.intervals_on(day) or [(day * MINUTES_PER_DAY, day * MINUTES_PER_DAY)]
    lengths = np.array([end - start for start, end in intervals])
    pick = fraction * float(lengths.sum())
    arrival = intervals[-1][0]
    for (start, _), length in zip(intervals, lengths.tolist(), strict=True):
        if pick <= length:
            return start + pick
        pick -= length
    return arrival
