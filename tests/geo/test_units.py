"""Administrative units: counts, hierarchy, seats, lookup and CRS."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import units
from geo.crs import STORAGE_CRS, geodesic_m
from tongban.kernel.errors import InputError


def test_unit_counts_per_level_within_published_range() -> None:
    counts = units.load_units()["level"].value_counts()
    # MCA year-end 2020-2023: 31 mainland provinces, 333 prefecture-level,
    # 2,843-2,851 county-level units.
    assert counts["province"] == 31
    assert 330 <= counts["prefecture"] <= 335
    assert 2840 <= counts["county"] <= 2860


def test_columns_types_and_crs() -> None:
    frame = units.load_units()
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    for column in ("code", "name", "level", "parent_code", "province_code", "lon", "lat"):
        assert column in frame.columns
    assert frame["code"].str.fullmatch(r"\d{6}").all()
    assert frame["code"].is_unique
    assert np.allclose(frame.geometry.x, frame["lon"]) and np.allclose(
        frame.geometry.y, frame["lat"]
    )


def test_every_unit_has_a_parent_in_the_table_and_same_province() -> None:
    frame = units.load_units()
    codes = set(frame["code"])
    non_province = frame[frame["level"] != "province"]
    assert non_province["parent_code"].isin(codes).all()
    assert (non_province["code"].str[:2] == non_province["province_code"].str[:2]).all()


def test_seats_lie_in_mainland_china_box() -> None:
    frame = units.load_units()
    assert frame["lon"].between(73, 136).all() and frame["lat"].between(3, 54).all()
    assert units.get("460300").lat < 17.5  # 三沙市 seat on Yongxing Island


def test_every_county_seat_lies_in_its_own_polygon() -> None:
    import geopandas as gpd

    seats = units.load_units()
    seats = seats[seats["level"] == "county"]
    polygons = units.load_polygons("county")
    joined = gpd.sjoin(
        seats[["code", "geometry"]], polygons[["code", "geometry"]], predicate="within"
    )
    inside = set(joined.loc[joined["code_left"] == joined["code_right"], "code_left"])
    assert len(inside) >= 0.99 * len(seats)


def test_locality_units_resolve_with_expected_children() -> None:
    chizhou = units.resolve("341700")
    assert chizhou.name == "池州市" and chizhou.level == "prefecture"
    assert sorted(u.name for u in units.children("341700")) == sorted(
        ["贵池区", "东至县", "石台县", "青阳县"]
    )
    assert units.resolve("綦江区").code == "500110"
    assert units.resolve("海沧区").parent_code == "350200"
    assert len(units.counties_of("120000")) == 16
    assert units.resolve("156341700").code == "341700"


def test_seat_points_agree_with_an_independent_source() -> None:
    """cpca's centre points (Amap-derived, not shipped) as an outside check of our seats."""
    from importlib import resources

    path = resources.files("cpca") / "resources" / "adcodes.csv"
    with path.open("r", encoding="utf-8") as handle:
        ref = pd.read_csv(handle, dtype={"adcode": str}).dropna()
    ref["code"] = ref["adcode"].str[:6]
    ours = units.load_units()
    both = ours.merge(ref, on="code")
    km = geodesic_m(both["lon"], both["lat"], both["longitude"], both["latitude"]) / 1000
    assert len(both) > 2900
    assert np.median(km) < 5.0  # GCJ-02 offsets are ~0.5 km; seats vs. centres differ a little
    assert np.mean(km < 30.0) > 0.95


def test_unknown_inputs_suggest_close_matches() -> None:
    with pytest.raises(InputError, match="池州市"):
        units.resolve("池洲")
    with pytest.raises(InputError, match="341700 池州市"):
        units.resolve("341799")
    with pytest.raises(InputError, match="ambiguous"):
        units.resolve("朝阳区")
    assert units.resolve("北京市朝阳区").code == "110105"


def test_ancestors_for_municipal_and_directly_administered_units() -> None:
    assert units.ancestor_at("120105", "prefecture").code == "120000"
    assert units.ancestor_at("429004", "prefecture").code == "429004"
    assert units.ancestor_at("341721", "prefecture").code == "341700"
    assert units.ancestor_at("341721", "province").code == "340000"
    with pytest.raises(InputError):
        units.ancestor_at("341700", "county")


def test_polygons_are_transformed_not_overridden() -> None:
    polygons = units.load_polygons("prefecture")
    assert polygons.crs == STORAGE_CRS
    assert set(polygons.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert len(polygons) == 333
    chizhou = polygons[polygons["code"] == "341700"].geometry.iloc[0]
    from shapely.geometry import Point

    assert chizhou.contains(Point(units.get("341700").lon, units.get("341700").lat))
