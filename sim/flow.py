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

Randomness: repeat window visits and the applicant's home (and distance) are drawn with the
applicant's arrival, in arrival order, from the window's own streams
(:mod:`sim.models.visits`, :meth:`CaseFlow.locator`); after the window every case draws
from streams of its own, one per moment of its life — acceptance, posting of the originals,
受理 (everything of the office rounds at once) and the decision
(:class:`sim.seeds.CaseStreams`); a stream is never held across a wait. No case's draws
depend on event order: changing clerks or reviewers, the routing plan or the partitioning
of the run never changes what any case draws, only when things happen to it.

What is simulated and what is computed: SimPy events are spent only where cases meet — a
window's queue and clerks, a staffed office's reviewer queue (its inbox, in (minute, case
id) order). Every step between is a pure wait nothing else can change (push, pickup, van,
transit, coordination, an office elsewhere, 补正 papers, the return), so its end is computed
with a timeout's arithmetic (:mod:`sim.models.delays`) and a case is no process:
a case decided elsewhere is complete, with its future minutes, when it leaves the window.
National, 5 days: 3.7 events per case (10.5 when every step was a case process's timeout).

Where resources are: a :class:`CaseFlow` moves cases between the windows and offices
present in its SimPy environment. When the office that decides a case (or the window it
comes back to) is not there — a partition of the decomposed run (:mod:`sim.decomposed`) —
the case is handed to the :class:`Boundary` with the minute it arrives there.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import simpy

from sim.calendar import Timetable
from sim.compile import CompiledScenario, MatterPlan
from sim.models import office, return_, separation
from sim.models.delays import after, after_working_days, until
from sim.models.inbound import Inbound
from sim.models.mail import transit_model
from sim.models.office import StaffedOffice
from sim.models.visits import VisitDraws
from sim.models.window import WindowModel
from sim.office_routing import offices_by_code, staffed_office
from sim.outcomes import Recorder
from sim.records import Case
from sim.seeds import DELIVERY, INTAKE, OFFICE, POSTED, CaseStreams
from tongban.kernel.hours import MINUTES_PER_DAY


class Boundary(Protocol):
    """Where cases go when their next resource is not in this environment."""

    def to_office(self, case: Case, at: float) -> None:
        """The case reaches its staffed office (``case.office``) at minute ``at``."""

    def to_window(self, case: Case, at: float) -> None:
        """The case comes back to its window (``case.window``) at minute ``at``."""


class CaseFlow:
    """Moves cases from the window (or from elsewhere) to their result."""

    def __init__(
        self,
        env: simpy.Environment,
        compiled: CompiledScenario,
        streams: CaseStreams,
        recorder: Recorder,
        homes: Any = None,
        boundary: Boundary | None = None,
    ) -> None:
        self.env = env
        self.compiled = compiled
        self.process = compiled.scenario.process
        self.streams = streams
        self.transit = transit_model(compiled.scenario)
        self.office_timetable = compiled.flow_timetable
        self.windows: Mapping[int, WindowModel] = {}  # the windows in this environment
        self.offices: Mapping[int, StaffedOffice] = {}  # the staffed offices in it
        self.recorder = recorder
        self.homes = homes
        self.boundary = boundary
        self.in_flight = 0
        self.home_km = compiled.scenario.trips.home_distance_km
        self.office_by_level = {
            level: plan.index for plan in compiled.offices for level in plan.spec.levels
        }
        self.office_by_code = offices_by_code(compiled.offices)  # [national]: offices by code

    # -- at the window ---------------------------------------------------------------------
    def locator(
        self, window: int, rng: np.random.Generator
    ) -> Callable[[np.ndarray], tuple[list[str | None], list[float]]]:
        """The window's arrival hook: where a day's new applicants (their demand rows) live
        and how far (trips saved), drawn from the window's ``locate`` stream in arrival
        order — per applicant from the geo layer's homes, else all distances at once."""
        homes, home_km = self.homes, self.home_km
        levels = [
            self.compiled.matters[m].handling_level
            for m in self.compiled.windows[window].row_matter
        ]

        def locate(rows: np.ndarray) -> tuple[list[str | None], list[float]]:
            codes: list[str | None] = [None] * rows.size
            if homes is None:
                return codes, home_km.sample_many(rng, rows.size).tolist()
            kms: list[float] = []
            for i, row in enumerate(rows.tolist()):
                found = homes.draw(window, levels[row], rng)
                if found is None:
                    kms.append(home_km.sample(rng))
                else:
                    codes[i] = found[0]
                    kms.append(found[1])
            return codes, kms

        return locate

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
            self.recorder.complete(case, self.env.now)
            return
        if plan.decided_at_window:  # decided on the spot: accepted = decided = now
            case.accepted = case.decided = self.env.now
            self.recorder.complete(case, self.env.now)
            return
        self.in_flight += 1
        self._outbound(case, plan)

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

    def _second_visit(
        self, case: Case, plan: MatterPlan, rng: np.random.Generator, ready: float
    ) -> None:
        """The applicant comes back to the window for the result once it is ready.

        ``second_visit_days`` working days (the applicant's timing, rounded down) after the
        day the result is ready, at a uniform moment of that day's opening hours — but not
        before it is ready (a later day when the window has closed by then). The clerk's
        minutes are the matter's window service. The case stays in flight until served.
        """
        window = self.compiled.windows[case.window]
        timetable = window.timetable
        assert plan.second_visit_days is not None  # profiles guarantee it
        wait = int(plan.second_visit_days.sample(rng))
        day = timetable.calendar.add_working_days(int(ready // MINUTES_PER_DAY), wait)
        arrival = _time_in_open_hours(timetable, day, float(rng.random()))
        arrival = max(arrival, timetable.next_open(ready), ready)  # not before it is ready
        case.second_visit = True
        case.visits += 1
        case.visit_arrival = arrival
        case.service = float(window.row_service[case.row].sample(rng))
        here = self.windows.get(case.window)
        if here is not None:
            here.returning.put(arrival, case.id, case)
            return
        assert self.boundary is not None
        self.in_flight -= 1
        self.boundary.to_window(case, arrival)

    def return_to_window(self, case: Case, at: float) -> None:
        """A second visit handed back from an office partition comes to its window at ``at``."""
        self.windows[case.window].returning.put(at, case.id, case)
        self.in_flight += 1

    # -- after the window ------------------------------------------------------------------
    def _outbound(self, case: Case, plan: MatterPlan) -> None:
        window = self.compiled.windows[case.window]
        if plan.decided_by_locality_office(case.mode):  # ours when we stage that level
            case.office = self.office_by_level.get(plan.handling_level, -1)
        if case.office < 0 and self.office_by_code:
            case.office = staffed_office(
                plan, case.mode, window.spec.code, case.home_code, self.office_by_code
            )
        office_code, window_code = self.codes(case, plan)
        self._after_acceptance(
            case,
            plan,
            pickup_timetable=window.timetable,
            pickup_times=self.compiled.pickups.times_for(window.spec.id),
            window_id=window.spec.id,
            window_code=window_code,
            office_code=office_code,
        )

    def codes(self, case: Case, plan: MatterPlan) -> tuple[str | None, str | None]:
        """(where the result is posted from, where the applicant is): our staffed office,
        this locality or home; the accepting window's unit (``None``: accepted elsewhere)."""
        window_code = self.compiled.windows[case.window].spec.code if case.window >= 0 else None
        if case.office >= 0:
            return self.compiled.offices[case.office].spec.code or window_code, window_code
        return (window_code if plan.decided_where_accepted else case.home_code), window_code

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
    ) -> None:
        """Separate (online push, EMS pickup and mail), then on to the office.

        Papers travel by post only to an office in another locality (``decided_by = home``,
        or a case accepted elsewhere for our office); a joint case is accepted first and
        coordinated inside 受理 → decision (:meth:`_accept`).
        """
        process = self.process
        rng = self.streams.enter(case.id, INTAKE)
        if case.window < 0:  # accepted elsewhere: how far home, for the trips saved
            case.km = self.home_km.sample(rng)
        handover = 0.0
        if case.mode == "online":
            handover = process.online.submit_minutes.sample(rng)
        elif case.mode != "joint":
            handover = process.separation.push_minutes.sample(rng)
        self.streams.leave(rng)
        travels = case.window < 0 or not plan.decided_where_accepted
        # the minute the file (and the originals) reach the office: the push or online
        # submission (none for a joint case), then for originals by post the pickup, the van
        # to the centre and the transit
        reached = after(self.env.now, handover)
        if case.mode not in ("online", "joint") and plan.originals_by_post and travels:
            pickup = pickup_timetable.next_clock_time(reached, pickup_times)
            reached = until(reached, pickup)
            centre = self.compiled.pickups.centre_arrival(window_id, pickup)
            if centre is not None:  # a planned van: hand-over at the centre
                reached = separation.handed_over(reached, centre)
            rng = self.streams.enter(case.id, POSTED)
            transit = self.transit.transit_minutes(
                window_code, office_code, reached, rng, collected=centre is not None
            )
            self.streams.leave(rng)
            reached = after(reached, transit)
        if case.office >= 0 and case.office not in self.offices:
            assert self.boundary is not None
            case.revisit = None  # every window visit before the office is over
            self.in_flight -= 1
            self.boundary.to_office(case, reached)
            return
        self._accept(case, plan, reached)

    def start_at_office(self, case: Case) -> None:
        """A case handed over by a window partition reaches its office now."""
        self.in_flight += 1
        self._accept(case, self.compiled.matters[case.matter], self.env.now)

    # -- handling and return ---------------------------------------------------------------
    def _accept(self, case: Case, plan: MatterPlan, now: float) -> None:
        """受理 at minute ``now`` → (joint coordination) → review rounds → decision.

        The decision comes at the later of the reviewer's finish (a staffed office: queue +
        effort) and the elapsed ``office_days`` drawn from the profile, counted from 受理 or,
        where the law sets a minimum (``min_calendar_days``, e.g. the 离婚 cooling-off), from
        the end of that minimum. An office elsewhere is the ``office_days`` delay alone. A
        supplement request restarts the statutory clock (行政许可法 Art. 32).

        Only a staffed office's queue is simulated (:meth:`StaffedOffice.review`, which calls
        :meth:`round_ends`); every other step is a pure wait, so its end is computed — a case
        decided elsewhere is complete, with its future minutes, when it leaves the window.
        """
        case.accepted = now
        rng = self.streams.enter(case.id, OFFICE)
        coordination, rounds = office.draw_rounds(
            plan, self.process, case.mode, case.office >= 0, case.supplements, rng
        )
        self.streams.leave(rng)
        if coordination is not None:
            now = after_working_days(self.office_timetable, now, coordination)
        rounds.reverse()  # popped from the end
        case.rounds = rounds
        self._round(case, plan, now)

    def _round(self, case: Case, plan: MatterPlan, now: float) -> None:
        """A review round starting at ``now``: to the reviewers, or its span waited out."""
        days, effort, _ = case.rounds[-1]
        earliest = case.accepted + plan.min_calendar_days * MINUTES_PER_DAY
        decision = self.office_timetable.add_working_days(max(now, earliest), days)
        if effort is None:
            self.round_ends(case, until(now, decision))
        else:  # resumed at the later of the review's end and the decision
            self.offices[case.office].review(case, now, effort, decision)

    def round_ends(self, case: Case, now: float) -> None:
        """The round's decision at ``now``: papers asked for (补正, a new round when they come
        back), or decided → the result to the applicant."""
        plan = self.compiled.matters[case.matter]
        supplement_days = case.rounds.pop()[2]
        if supplement_days is not None:
            case.supplements += 1
            case.accepted = after_working_days(self.office_timetable, now, supplement_days)
            self._round(case, plan, case.accepted)
            return
        case.decided = now
        case.rounds = []
        rng = self.streams.enter(case.id, DELIVERY)
        if plan.second_visit != "none" and case.window >= 0:
            self._second_visit(case, plan, rng, now)  # the window completes the case
            self.streams.leave(rng)
            return
        office_code, window_code = self.codes(case, plan)
        settings = self.process.return_
        delivered = now  # the result reaches the applicant: pure waits, computed
        if plan.result_delivery == "post":
            delivered = return_.delivered_by_post(
                now, settings.post_handover_minutes, self.transit, office_code, window_code, rng
            )
        elif plan.result_delivery != "on_the_spot":
            delivered = after(now, settings.online_delivery_minutes.sample(rng))
        self.streams.leave(rng)
        self.in_flight -= 1
        self.recorder.complete(case, delivered)

    # -- inbound ---------------------------------------------------------------------------
    def start_inbound(self, entry: Inbound) -> None:
        """A case accepted at a window elsewhere for one of our offices, arriving now
        (its window's pickups: the default times)."""
        minute, case_id, row = entry
        plan = self.compiled.inbound[row]
        case = Case(case_id, plan.matter, plan.mode, -1, minute, 0.0)
        case.office = plan.office
        self.in_flight += 1
        self._after_acceptance(
            case,
            self.compiled.matters[case.matter],
            pickup_timetable=self.office_timetable,
            pickup_times=self.compiled.pickups.default,
            window_id=None,
            window_code=None,
            office_code=self.compiled.offices[case.office].spec.code,
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
