"""A multi-province run by region: halls and offices with their province and prefecture.

A ``[national]`` scenario (:mod:`sim.scenarios.national`) has one hall and one handling
office per administrative unit in scope. The simulation's tables key them by id; these
functions join them to the geo layer (Chinese names, level, province, prefecture, seat
point) and to the scenario's demand, so an analyst can sum, sort and map them by region.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from geo import units
from geo.crs import EQUAL_AREA_CRS, STORAGE_CRS
from geo.fonts import cjk_font
from sim.scenarios.schema import Scenario

LEVEL_NAMES: dict[str, str] = {"province": "省级", "prefecture": "地市级", "county": "县级"}
HALL_COLUMNS = (
    "hall_id",
    "name",
    "code",
    "level",
    "level_name",
    "province",
    "prefecture",
    "lon",
    "lat",
    "demand_per_day",
)
LEVEL_STYLE: dict[str, tuple[str, tuple[int, int], str]] = {
    # level → (colour, label offset in points, label alignment): a province hall shares its
    # capital's seat with that prefecture's hall, so their labels go to opposite sides
    "province": ("#d1495b", (-7, -12), "right"),
    "prefecture": ("#e07b00", (5, 4), "left"),
    "county": ("#1f6fb4", (0, 0), "left"),
}
AREA_MAX = 320.0  # marker area (points²) of the busiest hall
OFFICE_COLUMNS = ("office_id", "name", "code", "level", "level_name", "province", "prefecture")


def _region(code: str | None) -> dict[str, object]:
    """Level, province and prefecture names and the seat point of an admin code."""
    if not code:
        return {"level": "", "province": "", "prefecture": "", "lon": math.nan, "lat": math.nan}
    unit = units.get(code)
    prefecture = units.ancestor_at(code, "prefecture") if unit.level != "province" else unit
    return {
        "level": unit.level,
        "province": units.get(unit.province_code).name,
        "prefecture": prefecture.name,
        "lon": unit.lon,
        "lat": unit.lat,
    }


def _demand_per_day(scenario: Scenario) -> dict[str, float]:
    """Cases per working day a scenario sends to each window (``per_day`` demand rows)."""
    out: dict[str, float] = {}
    for row in scenario.demand:
        out[row.window] = out.get(row.window, 0.0) + float(row.per_day or 0.0)
    return out


def halls(scenario: Scenario, windows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per hall: names, level, region, seat point and demand per working day.

    With the run's ``windows`` table, its columns (``cases``, ``wait_mean_min``,
    ``utilisation``, …) are joined by ``window_id``.
    """
    demand = _demand_per_day(scenario)
    rows = []
    for window in scenario.windows:
        region = _region(window.code)
        level = window.level or str(region["level"])
        rows.append(
            {
                **region,
                "hall_id": window.id,
                "name": window.name or window.id,
                "code": window.code or "",
                "level": level,
                "level_name": LEVEL_NAMES.get(level, level),
                "demand_per_day": demand.get(window.id, 0.0),
            }
        )
    frame = pd.DataFrame(rows, columns=list(HALL_COLUMNS))
    if windows is not None and not windows.empty:
        frame = frame.merge(windows, how="left", left_on="hall_id", right_on="window_id")
        frame = frame.drop(columns="window_id")
    return frame


def offices(
    scenario: Scenario, table: pd.DataFrame, levels: Iterable[str] = tuple(LEVEL_NAMES)
) -> pd.DataFrame:
    """The run's ``offices`` table at ``levels``, named and placed, the busiest first."""
    rows = []
    for office in scenario.offices:
        region = _region(office.code)
        unit_name = units.get(office.code).name if office.code else office.id
        level = str(region["level"])
        rows.append(
            {
                **{k: region[k] for k in ("province", "prefecture")},
                "office_id": office.id,
                "name": f"{unit_name}办理机构",
                "code": office.code or "",
                "level": level,
                "level_name": LEVEL_NAMES.get(level, level),
            }
        )
    named = pd.DataFrame(rows, columns=list(OFFICE_COLUMNS))
    frame = named[named["level"].isin(list(levels))].merge(table, on="office_id", how="inner")
    return frame.sort_values(["utilisation", "cases"], ascending=False, ignore_index=True)


def by_region(halls_frame: pd.DataFrame, key: str = "province") -> pd.DataFrame:
    """Halls summed by ``key`` (``province`` or ``prefecture``): hall counts by level, demand
    per working day and, when joined, simulated cases per replication; largest demand first.

    By prefecture, a province hall is a row of its own (named after the province), and a
    municipality's districts sit under the municipality (:func:`geo.units.ancestor_at`).
    """
    if key not in ("province", "prefecture"):
        raise ValueError(f"key must be 'province' or 'prefecture' (got {key!r})")
    counts = pd.crosstab(halls_frame[key], halls_frame["level_name"])
    ordered = [n for n in LEVEL_NAMES.values() if n in counts.columns]
    counts = counts[ordered].add_prefix("halls_")
    sums = ["demand_per_day"] + (["cases"] if "cases" in halls_frame.columns else [])
    totals = halls_frame.groupby(key)[sums].sum()
    frame = counts.join(totals).sort_values("demand_per_day", ascending=False)
    return frame.reset_index()


def draw_halls_map(fig: Figure, halls_frame: pd.DataFrame) -> None:
    """The halls on their provinces (Albers equal-area), coloured by level, sized by demand
    (:func:`tongban.present.charts.halls_map_chart` makes it an ``<img>``).

    Province and prefecture halls are labelled by their Chinese place names (county halls
    are too many to label); the font is the project's CJK font (:mod:`geo.fonts`).
    """
    family = cjk_font() or "DejaVu Sans"
    located = halls_frame.dropna(subset=["lon", "lat"])
    points = gpd.GeoDataFrame(
        located, geometry=gpd.points_from_xy(located["lon"], located["lat"]), crs=STORAGE_CRS
    ).to_crs(EQUAL_AREA_CRS)
    provinces = {c[:2] for c in located["code"] if c}
    ax = fig.subplots()
    for level, colour, width in (("prefecture", "#c9c2b0", 0.5), ("province", "#555555", 1.2)):
        shapes = units.load_polygons(level)
        shapes = shapes[shapes["code"].str[:2].isin(provinces)].to_crs(EQUAL_AREA_CRS)
        if level == "province":
            shapes.plot(ax=ax, color="#f6f3ea", edgecolor=colour, linewidth=width, zorder=0)
        else:
            shapes.boundary.plot(ax=ax, color=colour, linewidth=width, zorder=1)
    scale = AREA_MAX / max(float(points["demand_per_day"].max()), 1e-9)
    for level, (colour, offset, align) in reversed(LEVEL_STYLE.items()):
        mine = points[points["level"] == level]
        if mine.empty:
            continue
        ax.scatter(
            mine.geometry.x,
            mine.geometry.y,
            s=4 + scale * mine["demand_per_day"],
            color=colour,
            edgecolor="white",
            linewidth=0.6,
            zorder=3,
            label=f"{LEVEL_NAMES[level]}政务服务中心（{len(mine)}）",
        )
        if level != "county":
            for row in mine.itertuples():
                ax.annotate(
                    _short(str(row.name)),
                    (row.geometry.x, row.geometry.y),
                    fontsize=9 if level == "province" else 8,
                    xytext=offset,
                    ha=align,
                    textcoords="offset points",
                    fontfamily=family,
                    zorder=4,
                )
    legend = ax.legend(
        loc="lower right", title="点的大小：每工作日受理件数", prop={"family": family}
    )
    legend.get_title().set_fontfamily(family)
    ax.set_axis_off()


def _short(name: str) -> str:
    """``天津市政务服务中心`` → ``天津市``."""
    return name.split("政务服务中心")[0] or name
