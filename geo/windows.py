"""Windows (跨省通办 service halls): one per administrative unit, or a planner's own list.

A shipped locality opens a hall per unit at the levels asked for, located at the unit's
seat. Finer levels (streets/townships, e.g. Tianjin's 街道/乡镇 windows or Chizhou's
township pilots) come from a user list in GeoJSON or CSV with columns
``id, name, lon, lat, level, hours`` (``code`` optional).

Default opening hours ``09:00-12:00,13:30-17:00`` (working days) follow local rules
(PARAMETERS.md, medium confidence).
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import units
from geo.crs import STORAGE_CRS, check_lon_lat, parse_crs, to_storage
from geo.localities import get_locality
from tongban.kernel.errors import InputError
from tongban.kernel.inputfiles import check_nesting, read_text_bounded, too_deep

DEFAULT_HOURS = "09:00-12:00,13:30-17:00"
UNIT_LEVELS = ("province", "prefecture", "county")
USER_LEVELS = ("street", "township")
ALL_LEVELS = UNIT_LEVELS + USER_LEVELS
COLUMNS = ["id", "name", "level", "code", "lon", "lat", "hours"]
_CLOCK = r"(?:[01]\d|2[0-3]):[0-5]\d|24:00"  # 00:00–23:59, or 24:00 (end of day)
_HOURS = re.compile(rf"^(?:{_CLOCK})-(?:{_CLOCK})$")


def windows_for(
    locality: str,
    levels: Sequence[str] | None = None,
    user_windows: str | Path | None = None,
) -> gpd.GeoDataFrame:
    """Halls of a locality at ``levels`` (default: the locality's default levels).

    ``province``/``prefecture`` give the hall of the unit at that level containing the
    locality; ``county`` gives every county-level hall inside it. Street/township levels
    need ``user_windows`` (a GeoJSON/CSV list); its rows at those levels are appended.
    """
    loc = get_locality(locality)
    wanted = tuple(levels) if levels else loc.default_levels
    bad = [lvl for lvl in wanted if lvl not in ALL_LEVELS]
    if bad:
        raise InputError(
            f"levels {bad} not allowed; choose from {', '.join(ALL_LEVELS)}", field="levels"
        )
    selected: list[units.AdminUnit] = []
    for level in (lvl for lvl in UNIT_LEVELS if lvl in wanted):
        selected.extend(_units_at(loc.code, level))
    rows = []
    seen: set[str] = set()
    for unit in selected:
        if unit.code in seen:
            continue
        seen.add(unit.code)
        rows.append(
            {
                "id": f"hall-{unit.code}",
                "name": f"{unit.name}政务服务中心",
                "level": unit.level,
                "code": unit.code,
                "lon": unit.lon,
                "lat": unit.lat,
                "hours": DEFAULT_HOURS,
            }
        )
    frame = _frame(pd.DataFrame(rows, columns=COLUMNS))
    fine = [lvl for lvl in wanted if lvl in USER_LEVELS]
    if fine:
        if user_windows is None:
            raise InputError(
                f"levels {fine} need a user list of windows (GeoJSON or CSV with "
                "id, name, lon, lat, level, hours)",
                field="levels",
            )
        extra = load_windows(user_windows)
        extra = extra[extra["level"].isin(fine)]
        frame = _frame(pd.concat([pd.DataFrame(frame[COLUMNS]), pd.DataFrame(extra[COLUMNS])]))
        _check_unique_ids(frame, str(user_windows))
    return frame


def _units_at(locality_code: str, level: str) -> list[units.AdminUnit]:
    if locality_code == "000000":
        return [u for u in units.all_units() if u.level == level]
    home = units.get(locality_code)
    if level == "county":
        return units.counties_of(home.code)
    if units.LEVELS.index(level) > units.LEVELS.index(home.level):
        # a province locality asking for prefecture halls: all its prefecture-equivalents
        codes = {units.ancestor_at(u.code, level).code for u in units.counties_of(home.code)}
        return [units.get(c) for c in sorted(codes)]
    return [units.ancestor_at(home.code, level)]


def _frame(table: pd.DataFrame) -> gpd.GeoDataFrame:
    table = table.reset_index(drop=True)
    return gpd.GeoDataFrame(
        table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=STORAGE_CRS
    )


def load_windows(path: str | Path) -> gpd.GeoDataFrame:
    """Read a planner's windows from GeoJSON (with a declared CRS) or CSV (lon/lat WGS 84).

    Bad input (missing columns, unknown levels, coordinates out of range, a GeoJSON without
    CRS or with one that cannot be transformed to EPSG:4326) raises :class:`InputError`.
    """
    source = Path(path)
    if not source.is_file():
        raise InputError(f"windows file {str(source)!r} does not exist", field="windows")
    suffix = source.suffix.lower()
    if suffix in (".geojson", ".json"):
        table = _read_geojson(source)
    elif suffix == ".csv":
        table = _read_csv(source)
    else:
        raise InputError(
            f"windows file {source.name!r}: unsupported type; use .geojson or .csv", field="windows"
        )
    records: list[dict[Any, Any]] = table.to_dict("records")
    for rec in records:
        what = f"{source.name}: window {rec['id']!r}"
        check_lon_lat(float(rec["lon"]), float(rec["lat"]), what)
        if rec["level"] not in ALL_LEVELS:
            raise InputError(
                f"{what} has level {rec['level']!r}; one of {', '.join(ALL_LEVELS)}",
                field="level",
            )
        _check_hours(str(rec["hours"]), what)
    frame = _frame(table[COLUMNS])
    _check_unique_ids(frame, source.name)
    return frame


def _read_geojson(source: Path) -> pd.DataFrame:
    text = read_text_bounded(source, "windows")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source.name}: not valid GeoJSON ({exc})", field="windows") from None
    except RecursionError:
        raise too_deep(source.name) from None
    check_nesting(raw, source.name)
    if not isinstance(raw, dict) or raw.get("type") != "FeatureCollection":
        raise InputError(f"{source.name}: expected a GeoJSON FeatureCollection", field="windows")
    if "crs" not in raw:
        raise InputError(
            f"{source.name}: GeoJSON has no CRS; add "
            '"crs": {"type": "name", "properties": {"name": "EPSG:4326"}} (no CRS is assumed)',
            field="crs",
        )
    declared = raw["crs"]
    properties = declared.get("properties") if isinstance(declared, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(name, str):
        raise InputError(
            f"{source.name}: GeoJSON crs must be an object like "
            '{"type": "name", "properties": {"name": "EPSG:4326"}}, got '
            f"{json.dumps(declared, ensure_ascii=False)[:80]}",
            field="crs",
        )
    crs = parse_crs(name, source.name)
    features = raw.get("features") or []
    if not isinstance(features, list) or not features:
        raise InputError(f"{source.name}: no features (a list of Point features)", field="windows")
    for index, feature in enumerate(features):
        _check_point_feature(feature, index, source.name)
    try:
        frame = gpd.GeoDataFrame.from_features(features, crs=crs)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{source.name}: malformed features ({exc})", field="windows") from exc
    if not frame.geometry.geom_type.eq("Point").all():
        raise InputError(f"{source.name}: every window must be a Point", field="geometry")
    frame = to_storage(frame, source.name)
    frame["lon"], frame["lat"] = frame.geometry.x, frame.geometry.y
    return _normalise(pd.DataFrame(frame.drop(columns="geometry")), source.name)


def _check_point_feature(feature: object, index: int, what: str) -> None:
    """A GeoJSON Point feature with finite coordinates, or an InputError naming it."""
    name = f"{what}: feature {index + 1}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise InputError(f'{name} is not a {{"type": "Feature", ...}} object', field="features")
    properties = feature.get("properties")
    if isinstance(properties, dict) and isinstance(properties.get("id"), str | int):
        name += f" (id {properties['id']!r})"
    elif properties is not None and not isinstance(properties, dict):
        raise InputError(f"{name}: properties must be an object", field="properties")
    geometry = feature.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind != "Point":
        shown = json.dumps(kind, ensure_ascii=False)[:40]
        raise InputError(
            f"{name}: geometry type {shown}; every window must be a Point", field="geometry"
        )
    assert isinstance(geometry, dict)
    coords = geometry.get("coordinates")
    valid = (
        isinstance(coords, list)
        and len(coords) in (2, 3)
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
        and all(math.isfinite(c) for c in coords)
    )
    if not valid:
        shown = json.dumps(coords, ensure_ascii=False)[:60]
        raise InputError(
            f"{name}: Point coordinates {shown} must be [x, y] finite numbers", field="geometry"
        )


def _read_csv(source: Path) -> pd.DataFrame:
    text = read_text_bounded(source, "windows")  # size and encoding checks before pandas
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{source.name}: not a readable CSV ({exc})", field="windows") from exc
    for column in ("lon", "lat"):
        if column in table:
            numbers = pd.to_numeric(table[column], errors="coerce")
            if numbers.isna().any():
                row = int(numbers.isna().to_numpy().argmax()) + 2
                raise InputError(
                    f"{source.name}: line {row}: {column} is not a number", field=column
                )
            table[column] = numbers
    return _normalise(table, source.name)


def _normalise(table: pd.DataFrame, what: str) -> pd.DataFrame:
    missing = [c for c in ("id", "name", "lon", "lat", "level") if c not in table.columns]
    if missing:
        raise InputError(
            f"{what}: missing columns {missing}; need id, name, lon, lat, level, hours",
            field="windows",
        )
    if table.empty:
        raise InputError(f"{what}: no windows (the file has no rows)", field="windows")
    table = table.copy()
    ids = table["id"]
    blank = ids.isna() | ids.astype(str).str.strip().eq("")
    if blank.any():
        row = int(blank.to_numpy().argmax())
        raise InputError(
            f"{what}: window {row + 1} has no id (null or empty); every window needs one",
            field="id",
        )
    if "hours" not in table or table["hours"].isna().all():
        table["hours"] = DEFAULT_HOURS
    table["hours"] = table["hours"].fillna(DEFAULT_HOURS).replace("", DEFAULT_HOURS)
    table["code"] = table["code"].fillna("").astype(str) if "code" in table else ""
    table["id"] = table["id"].astype(str).str.strip()
    table["level"] = table["level"].astype(str).str.strip()
    return table


def _check_hours(hours: str, what: str) -> None:
    for part in hours.split(","):
        span = part.strip()
        if not _HOURS.match(span) or span[:5] >= span[6:]:
            raise InputError(
                f"{what}: hours {hours!r} must look like 09:00-12:00,13:30-17:00", field="hours"
            )


def _check_unique_ids(frame: gpd.GeoDataFrame, what: str) -> None:
    dupes = frame["id"][frame["id"].duplicated()].unique().tolist()
    if dupes or (frame["id"] == "").any():
        raise InputError(
            f"{what}: window ids must be unique and non-empty; repeated: {dupes}", field="id"
        )
