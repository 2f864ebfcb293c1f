"""Windows per locality, user window lists, handling offices."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import units
from geo.localities import LOCALITIES, get_locality
from geo.offices import handling_office
from geo.windows import load_windows, windows_for
from tongban.kernel.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "data" / "geo"


def test_chizhou_city_and_county_halls_at_seats() -> None:
    halls = windows_for("chizhou")
    assert halls.crs.to_epsg() == 4326
    assert list(halls.columns[:7]) == ["id", "name", "level", "code", "lon", "lat", "hours"]
    assert sorted(halls["code"]) == ["341700", "341702", "341721", "341722", "341723"]
    seat = units.get("341721")
    row = halls.set_index("code").loc["341721"]
    assert (row["lon"], row["lat"]) == (seat.lon, seat.lat)


def test_localities_registry_and_default_levels() -> None:
    assert set(LOCALITIES) == {"chizhou", "tianjin", "qijiang", "haicang", "national"}
    assert len(windows_for("tianjin")) == 17  # municipal + 16 districts
    assert list(windows_for("qijiang")["code"]) == ["500110"]
    assert list(windows_for("haicang")["code"]) == ["350205"]
    assert len(windows_for("national", ["province"])) == 31
    with pytest.raises(InputError, match="unknown locality"):
        get_locality("atlantis")


def test_street_level_needs_and_uses_a_user_list() -> None:
    with pytest.raises(InputError, match="user list"):
        windows_for("tianjin", ["province", "street"])
    halls = windows_for("tianjin", ["province", "street"], DATA / "streets.csv")
    assert list(halls["level"]) == ["province", "street", "street"]
    assert halls.crs.to_epsg() == 4326


def test_projected_geojson_is_transformed_to_wgs84() -> None:
    halls = load_windows(DATA / "projected_4548.geojson")
    assert halls.crs.to_epsg() == 4326
    assert halls["lon"].iloc[0] == pytest.approx(117.49, abs=1e-6)
    assert halls["lat"].iloc[0] == pytest.approx(30.66, abs=1e-6)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no_crs.geojson", "no CRS"),
        ("bad_crs.geojson", "unknown CRS"),
        ("engineering_crs.geojson", "not accepted; give EPSG"),
        ("out_of_range.csv", "out of range"),
        ("bad_level.csv", "level 'village'"),
        ("bad_hours.csv", "hours"),
        ("missing_column.csv", "missing columns"),
        ("does_not_exist.csv", "does not exist"),
        ("crs_string.geojson", "crs must be an object"),
        ("hours_24_30.csv", "hours"),
        ("empty_id.csv", "window 2 has no id"),
        ("null_id.geojson", "window 1 has no id"),
        ("no_rows.csv", "no windows"),
    ],
)
def test_bad_window_files(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        load_windows(DATA / name)
    expected_field = {
        "crs_string.geojson": "crs",
        "empty_id.csv": "id",
        "null_id.geojson": "id",
        "no_rows.csv": "windows",
    }
    if name in expected_field:
        assert caught.value.field == expected_field[name]


@pytest.mark.parametrize("hours", ["00:00-24:00", "09:00-12:00,13:30-23:59"])
def test_hours_up_to_midnight_are_accepted(hours: str, tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_text(f'id,name,lon,lat,level,hours\nS1,x,117.49,30.66,street,"{hours}"\n', "utf-8")
    assert load_windows(path)["hours"].tolist() == [hours]


@pytest.mark.parametrize("hours", ["09:00-24:30", "24:10-24:50", "13:00-25:00"])
def test_hours_past_midnight_are_rejected(hours: str, tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_text(f'id,name,lon,lat,level,hours\nS1,x,117.49,30.66,street,"{hours}"\n', "utf-8")
    with pytest.raises(InputError, match="hours"):
        load_windows(path)


def test_handling_offices_follow_the_hierarchy() -> None:
    assert handling_office("341721", "county").code == "341721"
    assert handling_office("341721", "prefecture").code == "341700"
    assert handling_office("东至县", "province").code == "340000"
    assert handling_office("120105", "prefecture").code == "120000"
    office = handling_office("500110", "county")
    assert (office.lon, office.lat) == (units.get("500110").lon, units.get("500110").lat)
    with pytest.raises(InputError, match="handling_level"):
        handling_office("341721", "street")
    with pytest.raises(InputError, match="no single county"):
        handling_office("341700", "county")
