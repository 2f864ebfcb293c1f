"""Planner's map of a locality: windows, handling offices, EMS centres and hubs.

Drawn with matplotlib in an Albers equal-area projection for China (metres), never in raw
degrees. Places are labelled by their Chinese names in Noto Sans CJK SC, which the project
installs (:mod:`geo.fonts`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from shapely.geometry import LineString, Point

from geo import units
from geo.crs import EQUAL_AREA_CRS, STORAGE_CRS, geodesic_m
from geo.ems import NANJING, default_network
from geo.fonts import cjk_font
from geo.localities import get_locality
from geo.windows import windows_for

logger = logging.getLogger(__name__)
NEAR_KM = 450.0


def _points(rows: list[tuple[str, str, float, float]]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"code": [r[0] for r in rows], "label": [r[1] for r in rows]},
        geometry=[Point(r[2], r[3]) for r in rows],
        crs=STORAGE_CRS,
    )
    return frame.to_crs(EQUAL_AREA_CRS)


def draw_locality_map(
    locality: str, out: str | Path, levels: tuple[str, ...] | None = None
) -> Path:
    """Draw the locality's map to a PNG file and return its path."""
    loc = get_locality(locality)
    windows = windows_for(loc.key, levels).to_crs(EQUAL_AREA_CRS)
    font = cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False

    def label(unit: units.AdminUnit) -> str:
        return unit.name if font else unit.code

    network = default_network()
    national = loc.code == "000000"
    home = None if national else units.get(loc.code)
    provinces = units.load_polygons("province").to_crs(EQUAL_AREA_CRS)
    prefectures = units.load_polygons("prefecture").to_crs(EQUAL_AREA_CRS)
    counties = units.load_polygons("county").to_crs(EQUAL_AREA_CRS)

    fig, ax = plt.subplots(figsize=(11, 10), dpi=110)
    provinces.plot(ax=ax, color="#f2f2ee", edgecolor="#9a9a9a", linewidth=0.8)
    if home is not None:
        province_code = home.province_code
        provinces[provinces["code"] == province_code].plot(
            ax=ax, color="#fbf6e6", edgecolor="#555", linewidth=1.4
        )
        prefectures[prefectures["code"].str[:2] == province_code[:2]].boundary.plot(
            ax=ax, color="#b0a080", linewidth=0.6
        )
        inside = {u.code for u in units.counties_of(home.code)}
        mine = counties[counties["code"].isin(inside)]
        mine.plot(ax=ax, color="#fde9b8", edgecolor="#c08a2a", linewidth=0.9)
        if font and len(mine) <= 8:
            for row in mine.itertuples():
                p = row.geometry.representative_point()
                ax.annotate(
                    row.name,
                    (p.x, p.y),
                    fontsize=8,
                    color="#8a6d3b",
                    ha="center",
                    va="top",
                    xytext=(0, -10),
                    textcoords="offset points",
                )
        focus_units = {u.code for u in units.all_units() if u.province_code == province_code}
    else:
        mine = counties
        focus_units = {u.code for u in units.all_units()}

    centres = [c for c in network.centres() if c.code in focus_units]
    centre_pts = _points([(c.code, c.name, c.lon, c.lat) for c in centres])
    hubs = sorted(
        {network.hub_for(code).code for code in focus_units if units.get(code).level == "province"}
    )
    hub_units = [units.get(h) for h in hubs]
    hub_pts = _points([(h.code, label(h), h.lon, h.lat) for h in hub_units])
    nanjing = units.get(NANJING)
    air = _points(
        [
            (
                nanjing.code,
                "EMS 南京航空集散中心" if font else "EMS air hub Nanjing",
                nanjing.lon,
                nanjing.lat,
            )
        ]
    )

    # Routes: hubs to their gateway (dashed), and the local centre to its hub.
    lines = []
    for hub in hub_units:
        gateway, _belly = network.gateway_for(hub.province_code)
        gw = units.get(gateway)
        lines.append(LineString([(hub.lon, hub.lat), (gw.lon, gw.lat), (nanjing.lon, nanjing.lat)]))
    gpd.GeoSeries(lines, crs=STORAGE_CRS).to_crs(EQUAL_AREA_CRS).plot(
        ax=ax,
        color="#5b6f9e",
        linestyle="--",
        linewidth=1.0,
        zorder=3,
        label="至南京干线（汽运/航空）" if font else "trunk to Nanjing (truck/air)",
    )
    feeders = [
        LineString([(c.lon, c.lat), (network.hub_for(c.code).lon, network.hub_for(c.code).lat)])
        for c in centres
    ]
    gpd.GeoSeries(feeders, crs=STORAGE_CRS).to_crs(EQUAL_AREA_CRS).plot(
        ax=ax,
        color="#2e8b57",
        linewidth=0.6,
        alpha=0.6,
        zorder=3,
        label="处理中心 ↔ 集散中心汽运" if font else "centre ↔ hub truck",
    )
    centre_pts.plot(
        ax=ax,
        marker="^",
        color="#2e8b57",
        edgecolor="white",
        linewidth=0.8,
        markersize=70 if not national else 14,
        zorder=8,
        label="EMS 邮件处理中心（地市）" if font else "EMS processing centre (prefecture seat)",
    )
    hub_pts.plot(
        ax=ax,
        marker="*",
        color="#1f4e9e",
        markersize=260,
        zorder=9,
        label="EMS 省级集散中心" if font else "EMS provincial hub",
    )
    air.plot(
        ax=ax,
        marker="P",
        color="black",
        markersize=180,
        zorder=10,
        label="EMS 全国航空集散中心" if font else "EMS national air hub",
    )
    offices = windows[windows["level"].isin(units.LEVELS)]
    offices.plot(
        ax=ax,
        marker="s",
        facecolor="none",
        edgecolor="#1f4e9e",
        markersize=170 if not national else 10,
        linewidth=1.4 if not national else 0.4,
        zorder=6,
        label="业务属地部门（驻地）" if font else "handling office (unit seat)",
    )
    sizes = windows["level"].map({"province": 120, "prefecture": 90, "county": 45}).fillna(20)
    windows.plot(
        ax=ax,
        color="#d62728",
        markersize=sizes if not national else 1.5,
        zorder=7,
        label="跨省通办窗口" if font else "cross-province window",
    )
    if not national:
        for row in windows.itertuples():
            offset = (8, 6) if row.level != "county" else (8, -12)
            text = row.name.replace("政务服务中心", "") if font else row.code
            ax.annotate(
                text,
                (row.geometry.x, row.geometry.y),
                xytext=offset,
                textcoords="offset points",
                fontsize=9,
                color="#a01818",
            )
        for hub, row in zip(hub_units, hub_pts.itertuples(), strict=True):
            ax.annotate(
                f"{label(hub)} 集散中心" if font else f"{label(hub)} hub",
                (row.geometry.x, row.geometry.y),
                xytext=(10, 8),
                textcoords="offset points",
                fontsize=9,
                color="#1f4e9e",
            )
    a = air.geometry.iloc[0]
    ax.annotate(
        air["label"].iloc[0],
        (a.x, a.y),
        xytext=(-8, -16),
        textcoords="offset points",
        fontsize=9,
        ha="right",
    )

    focus = mine if home is not None else windows
    _set_extent(ax, focus, hub_units, home, nanjing)
    _scale_bar(ax)
    place = loc.name if font else loc.code
    title = (
        f"{place}：跨省通办窗口、业务属地部门、EMS 处理与集散中心"
        if font
        else f"{place} ({loc.key}): windows, handling offices, EMS centres and hubs"
    )
    ax.set_title(title, fontsize=12)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.92)
    ax.set_axis_off()
    out_path = Path(out)
    fig.savefig(out_path, bbox_inches="tight")
    plt.close(fig)
    return out_path


def _set_extent(
    ax: Axes,
    focus: gpd.GeoDataFrame,
    hubs: list[units.AdminUnit],
    home: units.AdminUnit | None,
    nanjing: units.AdminUnit,
) -> None:
    if home is None:
        minx, miny, maxx, maxy = focus.total_bounds
    else:
        keep = [(home.lon, home.lat), *((h.lon, h.lat) for h in hubs)]
        if float(geodesic_m(home.lon, home.lat, nanjing.lon, nanjing.lat)) / 1000 < NEAR_KM:
            keep.append((nanjing.lon, nanjing.lat))
        extra = _points([("", "", lon, lat) for lon, lat in keep])
        bounds = [focus.total_bounds, extra.total_bounds]
        minx = min(b[0] for b in bounds)
        miny = min(b[1] for b in bounds)
        maxx = max(b[2] for b in bounds)
        maxy = max(b[3] for b in bounds)
    pad = max(maxx - minx, maxy - miny, 60_000.0) * 0.06
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)


def _scale_bar(ax: Axes) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    span = (x1 - x0) / 5
    length = next(
        v for v in (1_000_000, 500_000, 200_000, 100_000, 50_000, 20_000, 10_000) if v <= span
    )
    x, y = x0 + (x1 - x0) * 0.04, y1 - (y1 - y0) * 0.05
    ax.plot([x, x + length], [y, y], color="black", linewidth=3)
    ax.annotate(
        f"{length // 1000} km",
        (x + length / 2, y),
        xytext=(0, -14),
        textcoords="offset points",
        ha="center",
        fontsize=9,
    )
