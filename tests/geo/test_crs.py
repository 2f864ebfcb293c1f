"""CRS discipline and geodesic distance."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo import crs as crs_module
from geo.crs import (
    EQUAL_AREA_CRS,
    STORAGE_CRS,
    authority_name,
    check_lon_lat,
    geodesic_m,
    local_metric_crs,
    parse_crs,
    require_crs,
    to_storage,
)
from geo.units import resolve
from tongban.kernel.errors import InputError


def test_beijing_shanghai_geodesic_within_one_percent_of_1067_km() -> None:
    beijing, shanghai = resolve("北京市"), resolve("上海市")
    km = float(geodesic_m(beijing.lon, beijing.lat, shanghai.lon, shanghai.lat)) / 1000
    assert abs(km - 1067.0) / 1067.0 < 0.01


def test_geodesic_matches_projected_metric_distance_at_short_range() -> None:
    pts = gpd.GeoSeries([Point(117.48, 30.66), Point(117.84, 30.64)], crs=STORAGE_CRS)
    utm = local_metric_crs(117.6, 30.65)
    assert utm.to_epsg() == 32650 and utm.is_projected
    projected = pts.to_crs(utm)
    metric = projected.iloc[0].distance(projected.iloc[1])
    geodesic = float(geodesic_m(117.48, 30.66, 117.84, 30.64))
    assert abs(metric - geodesic) / geodesic < 0.001


def test_missing_crs_is_an_error_never_assumed() -> None:
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(117, 30)])
    with pytest.raises(InputError, match="no CRS"):
        require_crs(frame, "test")
    with pytest.raises(InputError, match="no CRS"):
        to_storage(frame, "test")


def test_crs_kept_through_round_trip_transformations() -> None:
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(117.5, 30.6)], crs=STORAGE_CRS)
    there = frame.to_crs(EQUAL_AREA_CRS)
    back = to_storage(there, "test")
    assert back.crs == STORAGE_CRS
    assert back.geometry.iloc[0].distance(frame.geometry.iloc[0]) < 1e-9


def test_coordinates_out_of_range_or_swapped_are_rejected() -> None:
    check_lon_lat(117.5, 30.6, "ok")
    with pytest.raises(InputError, match="out of range"):
        check_lon_lat(117.5, 130.6, "bad")
    with pytest.raises(InputError, match="swapped"):
        check_lon_lat(30.6, 117.5 - 90, "bad")


@pytest.mark.parametrize(
    ("declared", "name"),
    [
        ("EPSG:4326", "EPSG:4326"),
        ("epsg:4490", "EPSG:4490"),
        ("urn:ogc:def:crs:EPSG::4490", "EPSG:4490"),
        ("urn:ogc:def:crs:EPSG:6.3:4548", "EPSG:4548"),
        ("OGC:CRS84", "OGC:CRS84"),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", "OGC:CRS84"),
    ],
)
def test_authority_codes_are_accepted(declared: str, name: str) -> None:
    assert authority_name(declared, "f") == name
    assert parse_crs(declared, "f").is_geographic or parse_crs(declared, "f").is_projected


@pytest.mark.parametrize(
    "declared",
    [
        "+init=/etc/passwd:root",
        "+proj=longlat +datum=WGS84",
        "/etc/passwd",
        "file:///etc/passwd",
        "https://example.com/crs.wkt",
        "http://www.opengis.net/def/crs/EPSG/0/4326",
        'GEOGCRS["x"]',
        "EPSG:4326 +init=x",
        "EPSG:４３２６",
        4326,
        {"init": "epsg:4326"},
    ],
)
def test_anything_but_an_authority_code_is_refused_before_proj(
    declared: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("PROJ must not see this")

    monkeypatch.setattr(crs_module.CRS, "from_user_input", never)
    with pytest.raises(InputError, match="not accepted; give EPSG:<code>"):
        parse_crs(declared, "f")
