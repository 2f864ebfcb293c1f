"""Process profiles: the shipped file loads, its key matters are right, bad input is named."""

from __future__ import annotations

import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from sim.catalog import load_catalog
from sim.profiles import (
    DECIDED_BY,
    ProcessProfile,
    build_profiles,
    expected_trips_saved,
    format_source_counts,
    load_profiles,
    profile_source_counts,
    read_profiles_file,
)
from tongban.kernel.errors import InputError

BAD_INPUTS = Path(__file__).parents[1] / "data" / "profiles"
QUERIES = ("1-06", "1-15", "1-17", "1-25", "2-13", "2-14", "3-06")


@pytest.fixture(scope="module")
def profiles() -> dict[str, ProcessProfile]:
    return load_profiles()


def shipped_document() -> dict[str, Any]:
    text = resources.files("sim").joinpath("data", "profiles.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_every_catalog_matter_has_one_profile_in_catalog_order(
    profiles: dict[str, ProcessProfile],
) -> None:
    assert list(profiles) == list(load_catalog().ids)
    assert {p.decided_by for p in profiles.values()} == set(DECIDED_BY)


def test_marriage_is_decided_locally_on_the_spot(profiles: dict[str, ProcessProfile]) -> None:
    marriage = profiles["3-03"]
    assert (marriage.decided_by, marriage.same_day) == ("local", True)
    assert marriage.result_delivery == "on_the_spot" and marriage.trips_saved == 1


def test_used_car_transfer_ends_the_same_day_where_the_car_transfers_in(
    profiles: dict[str, ProcessProfile],
) -> None:
    car = profiles["1-28"]
    assert (car.decided_by, car.same_day) == ("local", True)
    assert car.office_days.is_zero


def test_divorce_takes_at_least_the_cooling_off_period(
    profiles: dict[str, ProcessProfile],
) -> None:
    divorce = profiles["3-04"]
    assert divorce.min_calendar_days == 30 and "1077" in divorce.min_calendar_days_basis
    assert not divorce.same_day and divorce.second_visit == "certificate"
    # the 1-WD limit governs the certificate application only, so the minimum needs its note
    assert divorce.min_calendar_days > load_catalog()["3-04"].limit_working_days * 7 / 5
    assert divorce.min_calendar_days_note is not None


@pytest.mark.parametrize("matter_id", QUERIES)
def test_queries_end_at_the_window_without_loops(
    profiles: dict[str, ProcessProfile], matter_id: str
) -> None:
    query = profiles[matter_id]
    assert (query.decided_by, query.same_day) == ("window", True)
    assert not query.supplement_possible and not query.revisit_possible
    assert query.office_minutes == 0 and query.office_days.is_zero


def test_notarisation_is_decided_where_the_applicant_is(
    profiles: dict[str, ProcessProfile],
) -> None:
    assert {profiles[i].decided_by for i in ("1-01", "1-02", "1-03", "2-12")} == {"any"}


def test_office_days_are_not_a_share_of_the_limit(profiles: dict[str, ProcessProfile]) -> None:
    catalog = load_catalog()
    ratios = Counter(
        round(p.office_days.mode / catalog[i].limit_working_days, 3)
        for i, p in profiles.items()
        if not p.office_days.is_zero
    )
    assert len(ratios) >= 10, ratios
    assert max(ratios.values()) <= sum(ratios.values()) / 3, ratios.most_common(3)
    # Matters sharing the licence default limit (20 WD) do not share one elapsed time.
    twenty = {p.office_days for i, p in profiles.items() if catalog[i].limit_working_days == 20}
    assert len(twenty) >= 4


def test_published_targets_set_office_days_below_the_statutory_limit(
    profiles: dict[str, ProcessProfile],
) -> None:
    catalog = load_catalog()
    for mortgage in ("1-23", "2-29"):  # 国办发〔2019〕8号: ≤ 5 WD; statute: 30
        assert profiles[mortgage].office_days.high == 5
        assert "国办发〔2019〕8号" in profiles[mortgage].office_days_basis
        assert catalog[mortgage].limit_working_days == 30
    # A statute's ceiling is the limit the matter is judged against, never its tail.
    for matter in ("1-27", "1-31", "1-07"):  # 公积金条例 Art. 25; 市场主体条例 Art. 19; 3 × 15 WD
        assert profiles[matter].office_days.high != catalog[matter].limit_working_days
        assert "statutory ceiling" in profiles[matter].office_days_basis


def test_no_elapsed_tail_is_set_to_the_limit(profiles: dict[str, ProcessProfile]) -> None:
    """Where a tail equals the limit, it came from the tail rule, not from the limit."""
    catalog = load_catalog()
    equal = [
        matter
        for matter, profile in profiles.items()
        if not profile.same_day and profile.office_days.high == catalog[matter].limit_working_days
    ]
    assert all("without reference to the" in profiles[m].office_days_basis for m in equal), equal
    assert len(equal) <= 12, equal  # the rule's coincidences (2 × mode = limit), not a pattern


def test_province_specialist_matters_never_arrive_at_county_halls(
    profiles: dict[str, ProcessProfile],
) -> None:
    for matter_id in ("2-31", "2-36", "2-52", "2-54", "1-45"):
        weight = profiles[matter_id].demand_weight
        assert weight.county == 0 and weight.province > 0, matter_id
    assert profiles["2-29"].demand_weight.county > 5 * profiles["2-68"].demand_weight.county


def test_trips_saved_follow_the_result_delivery(profiles: dict[str, ProcessProfile]) -> None:
    for matter_id, profile in profiles.items():
        expected = expected_trips_saved(profile.result_delivery, profile.second_visit)
        assert profile.trips_saved == expected, matter_id
    assert expected_trips_saved("online") == expected_trips_saved("on_the_spot") == 1
    assert expected_trips_saved("post") == 2
    assert expected_trips_saved("on_the_spot", "certificate") == 2  # both visits at home before


def test_a_result_handed_over_later_needs_a_second_visit(
    profiles: dict[str, ProcessProfile],
) -> None:
    later = [
        m for m, p in profiles.items() if p.result_delivery == "on_the_spot" and not p.same_day
    ]
    assert sorted(later) == ["2-01", "3-04"]
    assert all(profiles[m].second_visit != "none" for m in later)
    assert all(p.second_visit == "none" for m, p in profiles.items() if m not in later)


def test_source_counts_add_up_and_are_printed(profiles: dict[str, ProcessProfile]) -> None:
    counts = profile_source_counts(profiles)
    total = counts.pop("total")
    assert total["sourced"] == sum(c["sourced"] for c in counts.values())
    assert total["assumption"] == sum(c["assumption"] for c in counts.values())
    assert counts["office_days"]["sourced"] + counts["office_days"]["assumption"] == 140
    assert counts["window_minutes"] == {"sourced": 0, "assumption": 140}
    assert counts["office_days"]["sourced"] >= 40  # published commitments and targets
    text = format_source_counts(profile_source_counts(profiles))
    assert text.splitlines()[-1].split() == [
        "total",
        str(total["sourced"]),
        str(total["assumption"]),
    ]


def patched_document(patch_file: Path) -> tuple[dict[str, Any], str]:
    """The shipped document with a bad-input patch applied, and the field it must name."""
    document = shipped_document()
    patch = tomllib.loads(patch_file.read_text(encoding="utf-8"))
    meta = patch.pop("_test")
    for matter_id in meta.get("remove", []):
        del document[matter_id]
    for matter_id, fields in patch.items():
        document[matter_id] = document.get(matter_id, {}) | fields
    return document, str(meta["field"])


@pytest.mark.parametrize("name", sorted(p.name for p in BAD_INPUTS.glob("*.toml")))
def test_bad_profiles_raise_input_error_naming_matter_and_field(name: str) -> None:
    document, field = patched_document(BAD_INPUTS / name)
    with pytest.raises(InputError) as info:
        build_profiles(document)
    assert info.value.field == field
    assert str(info.value).startswith(f"profiles: {field}"), str(info.value)
    assert "\n" not in str(info.value)


def test_bad_corpus_covers_the_issue_cases() -> None:
    names = {p.stem for p in BAD_INPUTS.glob("*.toml")}
    assert {
        "out_of_range",
        "unknown_decided_by",
        "min_over_limit",
        "unknown_key",
        "missing_matter",
    } <= names


def test_a_note_allows_a_minimum_longer_than_the_limit() -> None:
    document = shipped_document()
    document["3-04"] = document["3-04"] | {
        "min_calendar_days": 90,
        "min_calendar_days_note": "test: the minimum is the applicants' time",
    }
    assert build_profiles(document)["3-04"].min_calendar_days == 90


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('["1-01"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.toml"):
        read_profiles_file(bad)
