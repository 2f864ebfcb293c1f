"""Supplement (补正) rounds, second visits and who decides joint cases: the accounting each
loop changes (trips, the statutory clock, office counters, reviewer hours)."""

from __future__ import annotations

from typing import Any

import pytest

from sim.compile import compile_scenario
from sim.results import SimulationResult
from sim.run import simulate
from sim.scenarios.loader import parse_scenario
from tests.sim.test_matter_process import scenario

DETERMINISTIC_3 = {"dist": "deterministic", "value": 3.0}


def with_supplements(share: float, **top: Any) -> dict[str, Any]:
    """2-21 (card posted, decided at home) with every case asked ``share`` of the time for
    papers at most once; supplements take exactly 3 working days."""
    data = scenario([{"matter": "2-21", "per_hour": 1.0, "mode": "proxy"}], **top)
    data["process"]["office"] = {
        "supplement_share": share,
        "max_supplements": 1,
        "supplement_days": DETERMINISTIC_3,
    }
    return data


def run(data: dict[str, Any]) -> SimulationResult:
    return simulate(parse_scenario(data))


def test_each_supplement_round_saves_one_more_trip() -> None:
    """A posted result saves 2 trips; each 补正 the applicant answers by post saves one more."""
    plain = run(with_supplements(0.0))
    asked = run(with_supplements(1.0))
    for result, per_case in ((plain, 2.0), (asked, 3.0)):
        cases = result.turnaround[0].cases
        assert cases > 20
        assert result.trips_saved[0].trips_saved == pytest.approx(per_case * cases)


def test_a_supplement_restarts_the_statutory_clock() -> None:
    """行政许可法 Art. 32: 受理 restarts when the papers are complete, so the handling span
    stays the office's own while the applicant's turnaround grows by the supplement."""
    plain = run(with_supplements(0.0)).turnaround[0]
    asked = run(with_supplements(1.0)).turnaround[0]
    assert asked.days_mean >= plain.days_mean + 2.5  # 3 WD supplement (± day boundaries)
    assert asked.handling_days_mean == pytest.approx(plain.handling_days_mean, abs=1.0)


def test_a_staffed_office_counts_cases_once_and_rounds_per_review() -> None:
    data = with_supplements(
        1.0, offices=[{"id": "O1", "reviewers": 2, "level": "county"}], days=40, replications=2
    )
    data["demand"][0]["matter"] = "1-05"  # 失业登记: decided here, at the county office
    result = run(data)
    office = result.offices[0]
    assert office.cases > 100
    # two rounds per case (one 补正 each); second rounds falling after the period are not
    # counted, those of cases started before it are
    assert 1.7 * office.cases < office.review_rounds <= 2.0 * office.cases
    assert office.handling_days_mean == pytest.approx(result.turnaround[0].handling_days_mean)


def test_reviewer_hours_count_supplement_rounds_only_where_they_can_happen() -> None:
    """1-22 (不动产登记资料查询: no 补正 in its profile) vs 1-31 (may be asked for papers),
    both decided by our office for applicants elsewhere, 50 % supplements."""
    data = scenario(
        [{"matter": "1-31", "per_hour": 0.1}],
        offices=[{"id": "O1", "reviewers": 3, "level": ["province", "prefecture", "county"]}],
        inbound=[
            {"office": "O1", "matter": "1-22", "per_day": 10.0, "mode": "online"},
            {"office": "O1", "matter": "1-31", "per_day": 10.0, "mode": "online"},
        ],
    )
    data["process"]["office"] = {"supplement_share": 0.5}
    compiled = compile_scenario(parse_scenario(data))
    by_id = {m.id: m for m in compiled.matters}
    assert not by_id["1-22"].supplement_possible and by_id["1-31"].supplement_possible
    hours = {row.matter_id: row.reviewer_hours_per_week for row in run(data).matter_staffing}
    assert hours["1-22"] == pytest.approx(10.0 * 5 * by_id["1-22"].review.mean / 60.0)
    assert hours["1-31"] == pytest.approx(10.0 * 5 * by_id["1-31"].review.mean / 60.0 * 1.5)


# -- who decides a joint case ------------------------------------------------------------------


def test_a_joint_transfer_goes_to_our_office_and_a_home_decided_joint_case_does_not() -> None:
    """2-16 (失业保险关系转移, joint transfer): we are the transfer-in office. 2-45
    (购房提取公积金, joint, decided by the fund centre where the applicant paid in): home."""
    offices = [{"id": "O1", "reviewers": 2, "level": ["province", "prefecture", "county"]}]
    for matter_id, ours in (("2-16", True), ("2-45", False)):
        data = scenario([{"matter": matter_id, "per_hour": 1.0, "mode": "joint"}], offices=offices)
        compiled = compile_scenario(parse_scenario(data))
        plan = compiled.matters[0]
        assert plan.decided_by_locality_office("joint") is ours, matter_id
        assert bool(compiled.from_windows) is ours, matter_id
        assert (run(data).offices[0].cases > 5) is ours, matter_id


def test_both_sides_of_a_joint_transfer_work_on_it() -> None:
    """Accepted here: our office is the transfer-in office; accepted elsewhere: the
    transfer-out office — one rule seen from both sides."""
    data = scenario([{"matter": "2-16", "per_hour": 1.0, "mode": "joint"}])
    plan = compile_scenario(parse_scenario(data)).matters[0]
    assert plan.decided_by_locality_office("joint") and plan.works_cases_from_elsewhere(True)
    home = compile_scenario(
        parse_scenario(scenario([{"matter": "2-45", "per_hour": 1.0, "mode": "joint"}]))
    ).matters[0]
    assert not home.decided_by_locality_office("joint") and home.works_cases_from_elsewhere(True)


# -- a second visit for the result -------------------------------------------------------------


def test_a_certificate_issued_later_is_fetched_on_a_second_window_visit() -> None:
    """2-01 (无犯罪记录证明): decided at our county office, fetched at the window."""
    data = scenario(
        [{"matter": "2-01", "per_hour": 2.0, "mode": "proxy"}],
        offices=[{"id": "O1", "reviewers": 2, "level": "county"}],
        days=20,
    )
    result = run(data)
    window, row = result.windows[0], result.turnaround[0]
    assert row.cases > 50
    assert window.visits > 1.8 * window.cases  # hand-in and collection
    assert result.trips_saved[0].trips_saved == pytest.approx(2.0 * row.cases)
    assert result.offices[0].cases > 50


def test_reviewers_matter_when_they_are_the_bottleneck() -> None:
    """The decision comes at the later of the reviewer's finish and the office's elapsed
    span: a well-staffed office decides within the span, an overloaded one falls behind."""

    def office(reviewers: int) -> Any:
        data = scenario(
            [{"matter": "1-31", "per_hour": 0.1}],
            offices=[{"id": "O1", "reviewers": reviewers, "level": ["prefecture", "county"]}],
            inbound=[{"office": "O1", "matter": "1-31", "per_day": 40.0, "mode": "online"}],
            days=20,
            replications=2,
        )
        data["matters"] = {"1-31": {"review_minutes": {"dist": "deterministic", "value": 30.0}}}
        return run(data).offices[0]

    staffed, short = office(5), office(2)  # 40 × 30 min = 20 h/day vs 5 × 6.5 h and 2 × 6.5 h
    assert staffed.utilisation < 0.8 and short.utilisation > 0.95
    assert short.handling_days_mean > staffed.handling_days_mean + 2.0
    assert short.within_limit_share < staffed.within_limit_share
