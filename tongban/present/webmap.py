"""The interactive map of ``report.html``: folium layers drawn on Leaflet, fully offline.

No tile layer (tiles come from the internet): the locality's county boundaries, the windows,
handling offices and EMS centres, and the pickup routes are GeoJSON and vector layers on a
blank background. folium's CDN links (Leaflet, jQuery, Bootstrap, awesome-markers) are
dropped; the page inlines the vendored Leaflet (:mod:`tongban.present.vendor_assets`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any, cast

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Figure

from geo import units
from tongban.present.labels import KINDS, esc
from tongban.present.places import place_names

STYLE = {  # kind → (colour, radius in pixels); drawn in this order, so places sharing a
    # seat (a city hall, its offices and the EMS centre) show as concentric rings
    "ems_centre": ("#d1495b", 15),
    "office": ("#2a9d3a", 10),
    "window": ("#1f6fb4", 6),
}
ROUTE_COLOURS = ("#e07b00", "#7b3fa0", "#00897b", "#c2185b", "#5d4037", "#1565c0")


class OfflineMap(folium.Map):
    """A folium map that links no CDN script or stylesheet (the page inlines Leaflet)."""

    default_js: list[tuple[str, str]] = []  # noqa: RUF012 (folium's own class attribute)
    default_css: list[tuple[str, str]] = []  # noqa: RUF012


@functools.cache
def _counties() -> gpd.GeoDataFrame:
    return units.load_polygons("county")


def boundary_geojson(code: str) -> dict[str, Any] | None:
    """The county-level units of the locality ``code`` as simplified GeoJSON (or None)."""
    try:
        inside = {u.code for u in units.counties_of(code)}
    except KeyError:
        return None
    frame = _counties()
    mine = frame[frame["code"].isin(inside)].copy()
    if mine.empty or len(mine) > 60:  # national or very large: points and routes only
        return None
    mine["geometry"] = mine.geometry.simplify(0.003)
    result: dict[str, Any] = mine[["name", "geometry"]].__geo_interface__
    result["bbox"] = [float(v) for v in mine.total_bounds]
    return result


def _located(places: pd.DataFrame) -> pd.DataFrame:
    ok = places["lon"].apply(_finite) & places["lat"].apply(_finite)
    return places[ok]


def _finite(value: object) -> bool:
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _add_points(fmap: folium.Map, places: pd.DataFrame) -> None:
    for kind, (colour, radius) in STYLE.items():
        rows = places[places["kind"] == kind]
        if rows.empty:
            continue
        group = folium.FeatureGroup(name=f"{KINDS[kind]}（{len(rows)}）")
        for name, lon, lat in zip(rows["name"], rows["lon"], rows["lat"], strict=True):
            folium.CircleMarker(
                [float(lat), float(lon)],
                radius=radius,
                color="white",
                weight=2,
                fill=True,
                fill_color=colour,
                fill_opacity=0.95,
                tooltip=f"{esc(KINDS[kind])}：{esc(name)}",
            ).add_to(group)
        group.add_to(fmap)


def short_name(name: str) -> str:
    """A hall's place name for a map label (``东至县政务服务中心 …`` → ``东至县``)."""
    for cut in ("政务服务中心", " ", "（", "("):
        if cut in name and name.index(cut) > 0:
            name = name[: name.index(cut)]
    return name


def _add_labels(fmap: folium.Map, windows: pd.DataFrame) -> None:
    """One permanent label per window location (halls sharing a seat share a label)."""
    group = folium.FeatureGroup(name="窗口名称", control=False)
    spots: dict[tuple[float, float], list[str]] = {}
    for name, lon, lat in zip(windows["name"], windows["lon"], windows["lat"], strict=True):
        spots.setdefault((float(lat), float(lon)), []).append(short_name(str(name)))
    for (lat, lon), names in spots.items():
        folium.CircleMarker(
            [lat, lon],
            radius=0,
            opacity=0,
            tooltip=folium.Tooltip(
                " / ".join(esc(n) for n in names), permanent=True, direction="top"
            ),
        ).add_to(group)
    group.add_to(fmap)


def _route_tooltip(props: Mapping[str, Any], names: dict[str, str]) -> str:
    stops = "→".join(names.get(str(s), str(s)) for s in props.get("stops", []))
    return (
        f"车辆 {esc(props.get('vehicle', ''))}：{esc(props.get('start', ''))}–"
        f"{esc(props.get('end', ''))}，{float(props.get('distance_km', 0)):.0f} 公里，"
        f"揽收 {esc(stops)}"
    )


def _add_routes(fmap: folium.Map, routes: Mapping[str, Any], names: dict[str, str]) -> None:
    features = [f for f in routes.get("features", []) if f.get("geometry")]
    if not features:
        return
    group = folium.FeatureGroup(name=f"EMS 揽收线路（{len(features)}）")
    for index, feature in enumerate(features):
        coords = feature["geometry"].get("coordinates", [])
        if len(coords) < 2:
            continue
        folium.PolyLine(  # type: ignore[no-untyped-call]
            [[float(lat), float(lon)] for lon, lat, *_ in coords],
            color=ROUTE_COLOURS[index % len(ROUTE_COLOURS)],
            weight=4,
            opacity=0.85,
            tooltip=_route_tooltip(feature.get("properties", {}), names),
        ).add_to(group)
    group.add_to(fmap)


def _bounds(
    places: pd.DataFrame, routes: Mapping[str, Any] | None, shape: Mapping[str, Any] | None
) -> list[list[float]]:
    lons = [float(x) for x in places["lon"]]
    lats = [float(y) for y in places["lat"]]
    if shape is not None and shape.get("bbox"):
        west, south, east, north = (float(v) for v in shape["bbox"])
        lons += [west, east]
        lats += [south, north]
    for feature in (routes or {}).get("features", []):
        for lon, lat, *_ in (feature.get("geometry") or {}).get("coordinates", []):
            lons.append(float(lon))
            lats.append(float(lat))
    pad = 0.03
    return [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]


def map_fragment(places: pd.DataFrame | None, routes: Mapping[str, Any] | None) -> str | None:
    """The map's ``<div>`` and ``<script>`` (Leaflet itself not included), or None.

    None when the run has no located place (an abstract scenario): nothing to draw.
    """
    if places is None or places.empty:
        return None
    located = _located(places)
    if located.empty:
        return None
    fmap = OfflineMap(
        tiles=None, attribution_control=False, control_scale=True, zoom_start=9, zoom_snap=0.1
    )
    locality = located[located["kind"] == "locality"]
    shape = None
    if not locality.empty:
        shape = boundary_geojson(str(locality["code"].iloc[0]).zfill(6))
        if shape is not None:
            folium.GeoJson(
                shape,
                name="辖区县（区）界",
                style_function=lambda _: {
                    "color": "#c08a2a",
                    "weight": 1.5,
                    "fillColor": "#fde9b8",
                    "fillOpacity": 0.5,
                },
                tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            ).add_to(fmap)
    if routes:
        _add_routes(fmap, routes, place_names(places))
    _add_points(fmap, located[located["kind"] != "locality"])
    _add_labels(fmap, located[located["kind"] == "window"])
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds(_bounds(located, routes, shape))
    root = cast(Figure, fmap.get_root())
    root.render()
    name = fmap.get_name()
    style = f"<style>#{name} {{ position: relative; width: 100%; height: 100%; }}</style>"
    return f"{style}\n{root.html.render()}\n<script>\n{root.script.render()}\n</script>"
