"""The staffed office's reviewers (a heap of free minutes) against reviewer processes.

:class:`sim.models.office.StaffedOffice` does not run a process per reviewer: when a round
joins the queue the reviewer free first takes it and its end is computed. This checks it
against the textbook SimPy model — ``c`` reviewer processes taking cases from a FIFO store
in office hours — on random arrivals with ties, efforts and decision minutes: every round
ends at the same minute, and the office's counters agree.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.compile import compile_scenario
from sim.models.office import StaffedOffice
from sim.plans import OfficePlan
from sim.records import Case
from sim.scenarios.loader import parse_scenario

Round = tuple[float, int, float, float]  # arrival minute, case id, effort, decision minute


def _office(reviewers: int) -> tuple[OfficePlan, Any]:
    compiled = compile_scenario(
        parse_scenario(
            {
                "name": "office queue",
                "days": 20,
                "warmup_days": 2,
                "windows": [{"id": "W1", "clerks": 1}],
                "demand": [{"window": "W1", "matter": "1-31", "per_day": 1.0}],
                "offices": [{"id": "O1", "reviewers": reviewers}],
            }
        )
    )
    return compiled.offices[0], compiled.period


def _rounds(seed: int, n: int) -> list[Round]:
    rng = np.random.default_rng(seed)
    arrivals = np.sort(rng.uniform(0.0, 10 * 1440.0, n))
    arrivals[1::4] = arrivals[::4][: arrivals[1::4].size]  # ties: same-minute arrivals
    arrivals.sort()
    ids = rng.permutation(n) + 1
    efforts = rng.exponential(90.0, n) + 1.0
    decisions = arrivals + rng.uniform(0.0, 5 * 1440.0, n)
    columns = (arrivals.tolist(), ids.tolist(), efforts.tolist(), decisions.tolist())
    return list(zip(*columns, strict=True))


def _heap(plan: OfficePlan, period: Any, rounds: list[Round]) -> tuple[dict[int, float], Any]:
    env = simpy.Environment()
    ends: dict[int, float] = {}

    def reviewed(case: Case, minute: float) -> None:
        ends[case.id] = minute

    office = StaffedOffice(env, plan, period, reviewed)
    for arrival, case_id, effort, decision in rounds:
        office.review(Case(case_id, 0, "proxy", 0, arrival, 0.0), arrival, effort, decision)
    env.run()
    return ends, office.stats


Reference = tuple[dict[int, float], dict[int, float], dict[int, float]]  # end, start, review


def _processes(plan: OfficePlan, rounds: list[Round]) -> Reference:
    """Reviewer processes taking a FIFO queue filled in (minute, case id) order: each
    round's end, the minute its review started and the minute the review finished."""
    env = simpy.Environment()
    queue: simpy.Store = simpy.Store(env)
    ends: dict[int, float] = {}
    starts: dict[int, float] = {}
    reviewed: dict[int, float] = {}
    timetable = plan.timetable

    def reviewer() -> Generator[Any, Any, None]:
        while True:
            case_id, effort, decision, done = yield queue.get()
            starts[case_id] = start = timetable.next_open(env.now)
            yield env.timeout(timetable.add_open_minutes(start, effort) - env.now)
            reviewed[case_id] = env.now
            done.succeed(decision)

    def case(case_id: int, arrival: float, effort: float, decision: float) -> Any:
        yield env.timeout(arrival)
        done = env.event()
        yield queue.put((case_id, effort, decision, done))
        decision = yield done
        yield env.timeout(max(0.0, decision - env.now))
        ends[case_id] = env.now

    for _ in range(plan.spec.reviewers):
        env.process(reviewer())
    for arrival, case_id, effort, decision in sorted(rounds, key=lambda r: (r[0], r[1])):
        env.process(case(case_id, arrival, effort, decision))
    env.run()
    return ends, starts, reviewed


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), reviewers=st.integers(1, 4), n=st.integers(1, 120))
def test_rounds_end_when_reviewer_processes_would_end_them(
    seed: int, reviewers: int, n: int
) -> None:
    plan, period = _office(reviewers)
    rounds = _rounds(seed, n)
    ends, stats = _heap(plan, period, rounds)
    expected, starts, reviewed = _processes(plan, rounds)
    assert ends.keys() == expected.keys()
    for case_id, minute in expected.items():
        assert ends[case_id] == pytest.approx(minute, abs=1e-6), case_id
    inside = [r for r in rounds if period.stats_from <= r[0] < period.stats_until]
    assert stats.rounds == stats.completed == len(inside)
    # the counters the office reports, from the reference's own starts and finishes
    busy = sum(r[2] for r in rounds if period.stats_from <= starts[r[1]] < period.stats_until)
    assert stats.busy_minutes == pytest.approx(busy, abs=1e-6)
    sojourn = sum(reviewed[r[1]] - r[0] for r in inside)
    assert stats.sojourn_sum == pytest.approx(sojourn, abs=1e-6)


def test_an_office_without_reviewers_never_ends_a_round() -> None:
    plan, period = _office(1)
    empty = OfficePlan(plan.index, plan.spec.model_copy(update={"reviewers": 0}), plan.timetable)
    ends, stats = _heap(empty, period, _rounds(1, 10))
    assert ends == {} and stats.completed == 0
