"""A logistics team's picture of a pickup plan: routes per van over the county map.

Drawn from the same FeatureCollection as ``routes.geojson`` (EPSG:4326), projected to the
China equal-area CRS of :mod:`geo.crs` before plotting, so distances on the picture are
metres, never degrees. Stops are labelled with the window id and its pickup time.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from shapely.geometry import Point, shape

from geo.crs import EQUAL_AREA_CRS, STORAGE_CRS
from geo.fonts import cjk_font
from geo.units import load_polygons
from routing.batching import PickupPlan
from routing.outputs import clock, routes_geojson

PAD_M = 15_000.0  # margin around the routes


def route_frame(plan: PickupPlan) -> gpd.GeoDataFrame:
    """The plan's routes as LineStrings with their properties, CRS EPSG:4326."""
    features = routes_geojson(plan)["features"]
    assert isinstance(features, list)
    rows = [{**f["properties"], "geometry": shape(f["geometry"])} for f in features]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)


def draw_route_map(
    plan: PickupPlan,
    out: str | Path,
    title: str = "EMS pickup routes",
    names: Mapping[str, str] | None = None,
) -> Path:
    """Draw the plan's routes, depot(s) and windows to a PNG; return its path.

    ``names`` labels windows by name (window id → name); a window without one keeps its id.
    """
    routes = route_frame(plan)
    font = cjk_font()
    if font:  # scenario names and labels may be Chinese
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    fig, ax = plt.subplots(figsize=(10, 9), dpi=110)
    if routes.empty:
        ax.text(0.5, 0.5, "no pickup routes in this plan", ha="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        projected = routes.to_crs(EQUAL_AREA_CRS)
        minx, miny, maxx, maxy = projected.total_bounds
        counties = load_polygons("county").to_crs(EQUAL_AREA_CRS)
        near = counties.cx[minx - PAD_M : maxx + PAD_M, miny - PAD_M : maxy + PAD_M]
        near.plot(ax=ax, color="#f7f3e8", edgecolor="#b9a77f", linewidth=0.7)
        colours = plt.get_cmap("tab10")
        vans = sorted(projected["vehicle"].unique())
        for k, van in enumerate(vans):
            mine = projected[projected["vehicle"] == van]
            km, n = mine["distance_km"].sum(), len(mine)
            label = (
                f"{van}：{km:.0f} 公里，{n} 条线路" if font else f"{van}: {km:.0f} km, {n} route(s)"
            )
            mine.plot(ax=ax, color=colours(k % 10), linewidth=2.2, label=label, zorder=4)
        _draw_stops(ax, plan, routes, chinese=font is not None, names=names or {})
        ax.set_xlim(minx - PAD_M, maxx + PAD_M)
        ax.set_ylim(miny - PAD_M, maxy + PAD_M)
        ax.legend(loc="lower right", fontsize=8, framealpha=0.92)
        ax.set_axis_off()
    if font:
        figures = (
            f"每日揽收 {plan.pickups_per_day} 次，{plan.km:.0f} 公里，"
            f"{plan.vehicle_cost_yuan:.0f} 元，邮件平均等待 {plan.mean_wait_hours:.1f} 小时"
        )
    else:
        figures = (
            f"{plan.pickups_per_day} pickups/day, {plan.km:.0f} km, "
            f"{plan.vehicle_cost_yuan:.0f} yuan, mean parcel wait {plan.mean_wait_hours:.1f} h"
        )
    ax.set_title(f"{title} — {figures}", fontsize=11)
    out_path = Path(out)
    fig.savefig(out_path, bbox_inches="tight")
    plt.close(fig)
    return out_path


def _draw_stops(
    ax: Axes, plan: PickupPlan, routes: gpd.GeoDataFrame, chinese: bool, names: Mapping[str, str]
) -> None:
    """Depots as black squares; windows as red dots labelled with their pickup times."""
    depots, stops = set(), {}
    for line, ids in zip(routes.geometry, routes["stops"], strict=True):
        coords = list(line.coords)
        depots.add(coords[0])
        for (lon, lat), window_id in zip(coords[1:-1], ids, strict=True):
            stops[window_id] = (lon, lat)
    times: dict[str, list[str]] = {}
    for pickup in plan.pickups:
        times.setdefault(pickup.window_id, []).append(clock(pickup.time_min))
    depot_pts = gpd.GeoSeries([Point(p) for p in sorted(depots)], crs=STORAGE_CRS)
    depot_pts.to_crs(EQUAL_AREA_CRS).plot(
        ax=ax,
        marker="s",
        color="black",
        markersize=90,
        zorder=6,
        label="EMS 邮件处理中心" if chinese else "mail processing centre",
    )
    # windows sharing a seat point (e.g. a city hall and its urban district's) get one label
    by_point: dict[tuple[float, float], list[str]] = {}
    for name in sorted(stops):
        by_point.setdefault(stops[name], []).append(name)
    points = sorted(by_point)
    window_pts = gpd.GeoSeries([Point(p) for p in points], crs=STORAGE_CRS)
    projected = window_pts.to_crs(EQUAL_AREA_CRS)
    projected.plot(
        ax=ax,
        color="#d62728",
        markersize=45,
        zorder=7,
        label="跨省通办窗口" if chinese else "window",
    )
    for key, point in zip(points, projected, strict=True):
        text = "\n".join(
            f"{names.get(name, name)} {' / '.join(sorted(times.get(name, [])))}"
            for name in by_point[key]
        )
        ax.annotate(
            text,
            (point.x, point.y),
            xytext=(8, 4),
            textcoords="offset points",
            fontsize=8,
            color="#8b1a1a",
        )
