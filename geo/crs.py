"""Coordinate reference systems and geodesic distance.

Discipline (as in GeoPandas): every GeoDataFrame carries a CRS; storage is EPSG:4326;
a missing CRS is an error, never silently assumed; changing CRS means transforming
(``to_crs``), never overriding (``set_crs(..., allow_override=True)``). Distances are
geodesic on the WGS 84 ellipsoid (pyproj ``Geod``) or computed in a projected metric CRS,
never in degrees.
"""

from __future__ import annotations

import re
from typing import Any

import geopandas as gpd
import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Geod
from pyproj.exceptions import CRSError

from tongban.kernel.errors import InputError

STORAGE_CRS = "EPSG:4326"
# Albers equal-area conic for China (standard parallels 25°N and 47°N): areas and plots.
EQUAL_AREA_CRS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m"
WGS84_GEOD = Geod(ellps="WGS84")
# Loose bounding box of mainland China (for validating user coordinates).
CHINA_LON_RANGE = (73.0, 136.0)
CHINA_LAT_RANGE = (3.0, 54.0)


def require_crs(frame: gpd.GeoDataFrame, what: str) -> CRS:
    """Return the frame's CRS or raise :class:`InputError` if it has none."""
    if frame.crs is None:
        raise InputError(
            f"{what}: no CRS; declare one (e.g. EPSG:4326) — a CRS is never assumed", field="crs"
        )
    return CRS.from_user_input(frame.crs)


def to_storage(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    """Transform a frame with a declared CRS to EPSG:4326 (error if it cannot be)."""
    crs = require_crs(frame, what)
    if crs.equals(CRS.from_user_input(STORAGE_CRS)):
        return frame
    if not (crs.is_geographic or crs.is_projected):
        raise InputError(
            f"{what}: CRS {crs.name!r} is neither geographic nor projected; cannot transform "
            f"to {STORAGE_CRS}",
            field="crs",
        )
    try:
        moved = frame.to_crs(STORAGE_CRS)
    except (CRSError, ValueError) as exc:
        raise InputError(
            f"{what}: cannot transform CRS {crs.name!r} to {STORAGE_CRS}: {exc}"
        ) from exc
    bounds = np.asarray(moved.total_bounds, dtype=float)
    if not np.all(np.isfinite(bounds)):
        raise InputError(
            f"{what}: transforming CRS {crs.name!r} to {STORAGE_CRS} gave no valid points"
        )
    return moved


# CRS names accepted from user files: authority codes only. PROJ strings ("+init=/etc/x"),
# WKT, file paths and URLs are refused before PROJ sees them (PROJ would open the file).
_EPSG_NAME = re.compile(r"EPSG:([0-9]{1,6})", re.ASCII | re.IGNORECASE)
_EPSG_URN = re.compile(r"urn:ogc:def:crs:EPSG:[0-9.]*:([0-9]{1,6})", re.ASCII | re.IGNORECASE)
_CRS84 = re.compile(r"(?:OGC:CRS84|urn:ogc:def:crs:OGC:(?:1\.3)?:CRS84)", re.ASCII | re.IGNORECASE)
ACCEPTED_CRS = "EPSG:<code>, urn:ogc:def:crs:EPSG::<code> or OGC:CRS84"


def authority_name(value: object, what: str) -> str:
    """A user CRS declaration → a canonical ``EPSG:<code>`` / ``OGC:CRS84``, or InputError."""
    if isinstance(value, str):
        text = value.strip()
        match = _EPSG_NAME.fullmatch(text) or _EPSG_URN.fullmatch(text)
        if match is not None:
            return f"EPSG:{int(match.group(1))}"
        if _CRS84.fullmatch(text):
            return "OGC:CRS84"
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    raise InputError(f"{what}: CRS {shown} not accepted; give {ACCEPTED_CRS}", field="crs")


def parse_crs(value: Any, what: str) -> CRS:
    """Parse a user CRS name (an authority code, see :func:`authority_name`) or raise."""
    name = authority_name(value, what)
    try:
        return CRS.from_user_input(name)
    except CRSError as exc:
        raise InputError(f"{what}: unknown CRS {value!r}", field="crs") from exc


def geodesic_m(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> NDArray[np.float64]:
    """Geodesic distance(s) in metres on the WGS 84 ellipsoid (vectorised)."""
    a = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (lon1, lat1, lon2, lat2)))
    _, _, dist = WGS84_GEOD.inv(a[0].ravel(), a[1].ravel(), a[2].ravel(), a[3].ravel())
    return np.asarray(dist, dtype=float).reshape(a[0].shape)


def check_lon_lat(lon: float, lat: float, what: str) -> None:
    """Raise :class:`InputError` unless (lon, lat) is a valid point in mainland China's box."""
    if not (np.isfinite(lon) and np.isfinite(lat)):
        raise InputError(f"{what}: lon/lat must be numbers, got {lon!r}, {lat!r}", field="lon")
    if not -180.0 <= lon <= 180.0 or not -90.0 <= lat <= 90.0:
        raise InputError(
            f"{what}: coordinates out of range (lon {lon}, lat {lat}); lon must be in "
            "[-180, 180] and lat in [-90, 90]",
            field="lon",
        )
    lo, hi = CHINA_LON_RANGE
    la, ha = CHINA_LAT_RANGE
    if not (lo <= lon <= hi and la <= lat <= ha):
        raise InputError(
            f"{what}: (lon {lon}, lat {lat}) is outside mainland China (lon {lo}–{hi}, "
            f"lat {la}–{ha}); are lon and lat swapped?",
            field="lon",
        )


def local_metric_crs(lon: float, lat: float) -> CRS:
    """The WGS 84 / UTM zone containing (lon, lat): a projected CRS for local metric work.

    Scale error stays below 0.1 % within a zone, unlike the China-wide equal-area CRS
    (which preserves areas, not distances).
    """
    zone = int((lon + 180.0) // 6.0) + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)
