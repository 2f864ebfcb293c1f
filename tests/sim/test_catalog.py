"""The shipped national catalog: counts, identities, field domains, sources of defaults."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from pydantic import ValidationError

from sim.catalog import (
    CATEGORIES,
    HANDLING_LEVELS,
    ISSUE_FIELDS,
    MODES,
    Catalog,
    Matter,
    build_catalog,
    load_catalog,
    load_overlay,
    read_data_file,
)
from tongban.kernel.errors import InputError

# Statutory limits allowed by ../shared/PARAMETERS.md: statute reference -> working days.
PARAMETERS_LIMITS: dict[str, int] = {
    "公证法 Art. 30": 15,
    "市场主体登记管理条例 Art. 19": 3,
    "不动产登记暂行条例 Art. 20": 30,
    "住房公积金管理条例 Art. 25": 3,
    "住房公积金管理条例 Art. 26": 15,
    "社会保险经办条例": 10,
    "工业产品生产许可证管理条例": 70,  # decision 60 days + certificate 10 days
    "居民身份证法 Art. 12": 60,
    "行政许可法 Art. 42": 20,
    # From the section "How matters are really processed" of PARAMETERS.md:
    "不动产登记暂行条例实施细则 (2016) Art. 100": 5,  # records query: special cases ≤ 5 WD
    "药品、医疗器械、保健食品、特殊医学用途配方食品广告审查管理暂行办法": 10,
    "矿产资源勘查区块登记管理办法": 40,  # 国务院令第240/241号, expert review excluded
    "城镇企业职工基本养老保险关系转移接续暂行办法": 45,  # three steps ≤ 15 WD
    "医保办发〔2021〕43号": 15,  # medical-insurance transfer: 10 + 5 WD
    # Found while profiling (issue 10), not in PARAMETERS.md: Hunan guide 法定 20 WD.
    "医疗广告管理办法": 20,
}

# Matters whose limit differs from their family's on a specific source (issue 10 re-check).
FAMILY_EXCEPTIONS: frozenset[str] = frozenset(
    {"1-22", "2-28", "2-51", "2-54", "2-55", "2-57", "2-60", "1-07", "1-08", "1-09"}
    | {"1-10", "1-11", "1-12"}
    | {"2-31", "2-32", "2-33", "2-34", "2-35", "2-36", "2-37", "2-39", "2-40"}
)

# Seed 003 delivery form -> the modes it must produce (independent of the build rules).
FORM_MODES: dict[str, set[str]] = {
    "全程网办": {"online"},
    "全程网办、多地联办": {"online", "joint"},
    "多地联办": {"joint"},
    "网上申请办理": {"online"},
    "我省无该事项，外省人社部门提供互联网渠道自助办理": {"online"},
    "异地代收代办": {"proxy"},
    "异地代办": {"proxy"},
    "全国无差别办理": {"joint"},
    "网上预审，申请材料邮政寄递，申请人网上领取电子营业执照": {"online", "proxy"},
    "网上预审，申请材料及有关文书可邮政寄递": {"online", "proxy"},
    "网上预审、审查、审批，申请材料、证书及有关文书可邮政寄递": {"online", "proxy"},
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_catalog_has_140_matters_58_74_8(catalog: Catalog) -> None:
    assert len(catalog) == 140
    assert Counter(m.batch for m in catalog) == {1: 58, 2: 74, 3: 8}


def test_ids_are_unique_and_follow_batch_and_sequence(catalog: Catalog) -> None:
    ids = [m.id for m in catalog]
    assert len(set(ids)) == 140
    for batch, size in ((1, 58), (2, 74), (3, 8)):
        seqs = [m.seq for m in catalog if m.batch == batch]
        assert seqs == list(range(1, size + 1))
    assert all(m.id == f"{m.batch}-{m.seq:02d}" for m in catalog)


def test_every_matter_has_lead_mode_level_and_limit(catalog: Catalog) -> None:
    for m in catalog:
        assert m.lead and m.name and m.scenario, m.id
        assert m.modes and set(m.modes) <= set(MODES), m.id
        assert m.default_mode in m.modes, m.id
        assert m.handling_level in HANDLING_LEVELS and m.handling_basis, m.id
        assert m.category in CATEGORIES, m.id
        assert m.result_delivery in ("post", "online"), m.id
        assert m.limit_working_days >= 1 and m.limit_basis, m.id
        assert all(dept and "、" not in dept for dept in m.cooperating), m.id
        assert "此行有大红章" not in m.scenario, m.id


def test_deadline_is_given_exactly_for_batch_3(catalog: Catalog) -> None:
    assert [m.id for m in catalog if m.deadline] == [f"3-0{i}" for i in range(1, 9)]


def test_statutory_limits_are_the_figures_of_parameters_md(catalog: Catalog) -> None:
    for m in catalog:
        if not m.limit_is_statutory:
            assert m.limit_basis.startswith("assumption: "), m.id
            continue
        statutes = [ref for ref in PARAMETERS_LIMITS if m.limit_basis.startswith(ref)]
        assert len(statutes) == 1, f"{m.id}: {m.limit_basis!r} is no PARAMETERS.md statute"
        assert m.limit_working_days == PARAMETERS_LIMITS[statutes[0]], m.id


def test_limit_counts_statutory_and_assumed(catalog: Catalog) -> None:
    statutory = sum(m.limit_is_statutory for m in catalog)
    assert (statutory, len(catalog) - statutory) == (68, 72)


def test_matters_of_one_family_share_limit_and_basis(catalog: Catalog) -> None:
    by_family: dict[str, set[tuple[int, str]]] = {}
    for m in catalog:
        if m.id in FAMILY_EXCEPTIONS:
            continue
        by_family.setdefault(m.family, set()).add((m.limit_working_days, m.limit_basis[:20]))
    assert {f: v for f, v in by_family.items() if len(v) > 1} == {}


def test_known_families_have_their_sourced_limits(catalog: Catalog) -> None:
    assert catalog["1-01"].limit_working_days == 15  # notarisation
    assert catalog["1-31"].limit_working_days == 3  # market registration
    assert catalog["2-29"].limit_working_days == 30  # real-estate mortgage
    assert catalog["1-27"].limit_working_days == 3  # housing-fund withdrawal
    assert catalog["3-02"].limit_working_days == 60  # first ID card
    assert not catalog["2-03"].limit_is_statutory  # hukou transfer: not found
    assert not catalog["1-55"].limit_is_statutory  # pharmacist: not found


def test_limits_rechecked_against_their_sources(catalog: Catalog) -> None:
    assert catalog["1-22"].limit_working_days == catalog["2-28"].limit_working_days == 5
    assert catalog["1-23"].limit_working_days == 30  # mortgage: statutory; ≤ 5 WD is a target
    assert {catalog[i].limit_working_days for i in ("2-54", "2-55", "2-57")} == {10}
    assert {catalog[f"2-{n}"].limit_working_days for n in (31, 32, 33, 34, 35, 36, 37, 39, 40)} == {
        40
    }
    assert catalog["1-07"].limit_working_days == 45 and catalog["2-60"].limit_working_days == 15
    # the certificate is issued on the spot at the second visit (民法典 Art. 1078); the
    # cooling-off (Art. 1077) is the profile's legal minimum, outside the registry's span
    assert catalog["3-04"].limit_working_days == catalog["3-03"].limit_working_days == 1


def test_modes_from_seed_003_agree_with_the_haicang_delivery_form(catalog: Catalog) -> None:
    haicang = load_overlay("haicang")
    from_seed = {m.id for m in catalog if m.modes_from_seed}
    with_form = {m.id for m in haicang if m.local.local_form in FORM_MODES}
    assert from_seed == with_form
    for local in haicang:
        form = local.local.local_form
        if form in FORM_MODES:
            assert set(local.matter.modes) == FORM_MODES[form], local.id
    assert (len(from_seed), 140 - len(from_seed)) == (91, 49)


def test_derived_modes_say_so_and_follow_the_scenario(catalog: Catalog) -> None:
    for m in catalog:
        if m.modes_from_seed:
            continue
        assert m.mode_basis.startswith("derived from scenario:"), m.id
        if "协同办理" in m.scenario:
            assert m.modes == ("joint",), m.id
        if "网上" in m.scenario:
            assert "online" in m.modes, m.id


def test_papers_travel_by_post_exactly_when_proxy_is_offered(catalog: Catalog) -> None:
    for m in catalog:
        assert m.originals_by_post == ("proxy" in m.modes), m.id


def test_handling_levels_follow_the_department_rules(catalog: Catalog) -> None:
    assert catalog["2-03"].handling_level == "county"  # hukou: county public security
    assert catalog["3-02"].handling_level == "county"  # ID card
    assert catalog["2-21"].handling_level == "prefecture"  # social-security card
    assert catalog["1-31"].handling_level == "county"  # market registration
    assert catalog["1-24"].handling_level == "prefecture"  # pollution permit
    assert catalog["1-55"].handling_level == "province"  # pharmacist
    counts = Counter(m.handling_level for m in catalog)
    assert counts == {"province": 45, "prefecture": 51, "county": 44}


def test_lookup_by_id_and_unknown_ids_suggest_close_ones(catalog: Catalog) -> None:
    assert catalog["1-05"].name == "失业登记"
    assert "2-45" in catalog and "4-01" not in catalog
    with pytest.raises(InputError, match="1-05") as info:
        catalog["1-5"]
    assert "did you mean" in str(info.value)
    with pytest.raises(InputError, match="not in the catalog"):
        catalog["zzz"]


def test_filter_by_batch_mode_and_bad_values(catalog: Catalog) -> None:
    assert len(catalog.filter(batch=2)) == 74
    assert len(catalog.filter(batch="3")) == 8
    joint = catalog.filter(mode="joint")
    assert len(joint) > 0 and all("joint" in m.modes for m in joint)
    both = catalog.filter(batch=1, mode="proxy")
    assert all(m.batch == 1 and "proxy" in m.modes for m in both)
    with pytest.raises(InputError, match="batch must be one of 1, 2, 3"):
        catalog.filter(batch=4)
    with pytest.raises(InputError, match="mode must be one of online, proxy, joint"):
        catalog.filter(mode="mail")
    with pytest.raises(InputError, match="handling_level must be one of"):
        catalog.filter(handling_level="village")


def test_catalog_is_cached_and_matters_are_frozen(catalog: Catalog) -> None:
    assert load_catalog() is catalog
    with pytest.raises(ValidationError):
        catalog["1-01"].name = "x"


def test_to_dict_starts_with_the_issue_fields(catalog: Catalog) -> None:
    data = catalog["3-07"].to_dict()
    assert tuple(data)[: len(ISSUE_FIELDS)] == ISSUE_FIELDS
    assert data["cooperating"] == ["国家医保局"] and data["lead"] == "人力资源社会保障部"


def _document() -> dict[str, Any]:
    return {"matter": [dict(t) for t in read_data_file("catalog.toml")["matter"][:3]]}


def test_build_rejects_duplicate_ids_and_inconsistent_rows() -> None:
    document = _document()
    document["matter"][1] = dict(document["matter"][0])
    with pytest.raises(ValueError, match="appears twice"):
        build_catalog(document, "test")
    document = _document()
    document["matter"][0]["seq"] = 7
    with pytest.raises(ValueError, match="does not match"):
        build_catalog(document, "test")
    document = _document()
    document["matter"][2]["default_mode"] = "proxy"
    document["matter"][2]["modes"] = ["online"]
    with pytest.raises(ValueError, match="default_mode"):
        build_catalog(document, "test")
    document = _document()
    document["matter"][0]["colour"] = "red"
    with pytest.raises(ValueError, match="colour"):
        build_catalog(document, "test")


def test_matter_model_accepts_a_shipped_row() -> None:
    row = _document()["matter"][0]
    assert Matter.model_validate(row).id == "1-01"
    assert re.fullmatch(r"\d-\d\d", row["id"])
