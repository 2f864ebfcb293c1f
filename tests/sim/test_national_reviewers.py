"""``[national] reviewers = "auto"``: reviewers follow the expected load of each office."""

from __future__ import annotations

import pytest

from sim.profiles import load_profiles
from sim.scenarios.loader import parse_scenario
from sim.scenarios.national import NationalSpec, _unit_halls
from sim.scenarios.national_reviewers import (
    OFFICE_MINUTES_PER_DAY,
    TARGET_UTILISATION,
    expected_reviewer_minutes,
    sized_reviewers,
)
from tests.sim.test_national import region_data


def test_reviewers_cover_the_load_at_the_target_utilisation() -> None:
    capacity = OFFICE_MINUTES_PER_DAY * TARGET_UTILISATION
    assert sized_reviewers(0.0) == 1  # every office keeps someone
    assert sized_reviewers(3 * capacity) == 3
    assert sized_reviewers(3 * capacity + 1) == 4


def test_expected_minutes_add_up_to_the_reviewed_demand() -> None:
    """Every reviewed case's minutes land on exactly one office (local or home pool)."""
    halls = _unit_halls(NationalSpec(provinces=["12"]))
    load = expected_reviewer_minutes(halls)
    profiles = load_profiles()
    total = 0.0
    for hall in halls:
        level = hall["level"]
        weights = {m: p.demand_weight.at(level) for m, p in profiles.items()}
        for matter, p in profiles.items():
            if p.office_minutes > 0 and not p.same_day and p.decided_by != "window":
                minutes = p.office_minutes * (1.05 if p.supplement_possible else 1.0)
                total += hall["per_day"] * weights[matter] / sum(weights.values()) * minutes
    assert sum(load.values()) == pytest.approx(total, rel=1e-6)
    assert total > 0


def test_auto_gives_the_busier_offices_more_reviewers() -> None:
    auto = parse_scenario(region_data(reviewers="auto"), "region")
    flat = parse_scenario(region_data(reviewers=2), "region")
    assert {o.reviewers for o in flat.offices} == {2}
    by_code = {o.code: o.reviewers for o in auto.offices}
    assert min(by_code.values()) >= 1
    assert by_code["120000"] > max(r for c, r in by_code.items() if c != "120000")


def test_home_decided_minutes_load_only_other_provinces() -> None:
    """Applicants at a Tianjin hall come from other provinces (跨省): home-decided minutes
    never load a Tianjin office; Tianjin's offices carry exactly the matters decided where
    they were accepted."""
    halls = _unit_halls(NationalSpec(provinces=["12"]))
    load = expected_reviewer_minutes(halls)
    profiles = load_profiles()
    expected_local = 0.0
    for hall in halls:
        weights = {m: p.demand_weight.at(hall["level"]) for m, p in profiles.items()}
        for matter, p in profiles.items():
            if p.office_minutes > 0 and not p.same_day and p.decided_by not in ("window", "home"):
                minutes = p.office_minutes * (1.05 if p.supplement_possible else 1.0)
                expected_local += (
                    hall["per_day"] * weights[matter] / sum(weights.values()) * minutes
                )
    local = sum(v for c, v in load.items() if c.startswith("12"))
    elsewhere = sum(v for c, v in load.items() if not c.startswith("12"))
    assert local == pytest.approx(expected_local, rel=1e-9)
    assert elsewhere > 0
