"""Local overlays: counts per plan, locality facts, local fields, user files, the summary."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sim.catalog import (
    LOCAL_FIELDS,
    LOCALITIES,
    catalog_summary,
    load_catalog,
    load_overlay,
    read_overlay_file,
    select_rows,
)
from tongban.kernel.errors import InputError

BAD_INPUTS = Path(__file__).resolve().parents[1] / "data" / "catalog"


@pytest.mark.parametrize(
    ("locality", "size", "batches"),
    [
        ("tianjin", 140, {1: 58, 2: 76, 3: 6}),
        ("qijiang", 140, {1: 58, 2: 74, 3: 8}),
        ("haicang", 106, {1: 48, 2: 50, 3: 8}),
        ("chizhou", 140, {1: 58, 2: 74, 3: 8}),
    ],
)
def test_overlay_sizes_and_local_batches(locality: str, size: int, batches: dict[int, int]) -> None:
    overlay = load_overlay(locality)
    assert len(overlay) == size
    assert Counter(m.local_batch for m in overlay) == batches
    for batch in (1, 2, 3):
        seqs = sorted(m.local.local_seq for m in overlay if m.local_batch == batch)
        assert seqs == list(range(1, batches[batch] + 1)), (locality, batch)


@pytest.mark.parametrize(
    ("locality", "province", "code"),
    [
        ("tianjin", "天津市", "120000"),
        ("qijiang", "重庆市", "500110"),
        ("haicang", "福建省", "350205"),
        ("chizhou", "安徽省", "341700"),
    ],
)
def test_localities_name_province_code_and_window_levels(
    locality: str, province: str, code: str
) -> None:
    place = load_overlay(locality).locality
    assert place.key == locality
    assert place.province == province and place.admin_code == code
    assert place.admin_code[:2] == {"天津市": "12", "重庆市": "50", "福建省": "35"}.get(
        province, "34"
    )
    assert place.window_levels and place.source.startswith("seed 00")


def test_overlay_matters_are_national_matters_in_national_order() -> None:
    national = load_catalog()
    for locality in LOCALITIES[1:]:
        overlay = load_overlay(locality)
        assert all(local.matter is national[local.id] for local in overlay)
        order = [national.ids.index(i) for i in overlay.ids]
        assert order == sorted(order)


def test_haicang_local_fields_and_missing_matters() -> None:
    overlay = load_overlay("haicang")
    assert "1-04" not in overlay and "2-64" not in overlay
    local = overlay["1-31"].local
    assert local.local_lead == "市市场监管局" and local.local_unit == "区市场监督管理局"
    assert local.local_form == "网上预审，申请材料邮政寄递，申请人网上领取电子营业执照"
    assert local.province_lead == "省市场监管局" and local.local_status == "2020年底"
    with pytest.raises(InputError, match="did you mean"):
        overlay["1-04x"]


def test_qijiang_units_and_chizhou_blank_leads() -> None:
    assert load_overlay("qijiang")["2-01"].local.local_unit == "区公安分局、各派出所"
    assert load_overlay("qijiang")["1-18"].local.local_unit is None  # printed as --
    assert load_overlay("chizhou")["1-49"].local.local_lead is None
    assert load_overlay("chizhou")["2-58"].local.local_lead == "市人力资源社会保障局、市医保局"


def test_overlay_json_rows_carry_the_local_fields() -> None:
    rows = select_rows("haicang", batch=1)
    assert len(rows) == 48
    assert all(set(LOCAL_FIELDS) <= set(row) for row in rows)
    national = select_rows("national")
    assert len(national) == 140 and not set(LOCAL_FIELDS) & set(national[0])
    chizhou = {row["id"]: row for row in select_rows("chizhou")}
    assert chizhou["1-21"]["local_lead"] is None and chizhou["1-21"]["local_form"] is None


def test_overlay_filters_use_the_local_batch() -> None:
    tianjin = load_overlay("tianjin")
    assert len(tianjin.filter(batch=2)) == 76 and len(tianjin.filter(batch=3)) == 6
    assert all("proxy" in m.matter.modes for m in tianjin.filter(mode="proxy"))
    with pytest.raises(InputError, match="batch must be one of 1, 2, 3"):
        tianjin.filter(batch=0)


def test_unknown_locality_lists_the_valid_ones() -> None:
    with pytest.raises(InputError, match="tianjin, qijiang, haicang, chizhou"):
        load_overlay("beijing")
    with pytest.raises(InputError, match="national, tianjin, qijiang, haicang, chizhou"):
        select_rows("beijing")


def test_overlays_are_cached() -> None:
    assert load_overlay("haicang") is load_overlay("haicang")
    assert len(load_overlay("haicang").ids) == 106


def test_user_overlay_file_reads_like_a_shipped_one() -> None:
    overlay = read_overlay_file(BAD_INPUTS / "good_small.toml")
    assert overlay.ids == ("1-05", "2-01")
    assert overlay.locality.window_levels == ("county", "township")
    assert overlay["2-01"].to_dict()["local_form"] == "异地代收代办"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("unknown_key.toml", r"matter\[0\]\.local_leed \(id 1-05\)"),
        ("bad_admin_code.toml", r"locality\.admin_code"),
        ("bad_window_level.toml", r"locality\.window_levels\[1\]"),
        ("unknown_matter.toml", r"matter\[0\]\.id: matter '1-59' is not in the catalog"),
        ("duplicate_matter.toml", r"matter ids repeat: 1-05"),
        ("bad_batch.toml", r"matter\[0\]\.local_batch \(id 1-05\)"),
        ("no_locality.toml", r"locality: Field required"),
        ("not_toml.toml", r"not valid UTF-8 TOML"),
        ("missing.toml", r"does not exist"),
    ],
)
def test_bad_overlay_files_raise_input_error_naming_file_and_field(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        read_overlay_file(BAD_INPUTS / name)
    assert name in str(info.value)
    assert "\n" not in str(info.value)


def test_summary_counts_batches_modes_levels_and_bases() -> None:
    national = catalog_summary("national")
    assert "140 matters" in national
    assert "batch           1=58  2=74  3=8" in national
    assert "statutory=68  assumption=72" in national
    assert "seed003=91  derived=49" in national
    assert "province=45  prefecture=51  county=44" in national
    assert "batch           1=58  2=76  3=6" in catalog_summary("tianjin")
    haicang = catalog_summary("haicang")
    assert "106 matters" in haicang and "1=48  2=50  3=8" in haicang
    assert "350205" in haicang
