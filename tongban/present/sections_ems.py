"""Sections of ``report.html`` about EMS pickups, trips saved, and the two maps."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import pandas as pd

from tongban.present import charts
from tongban.present.labels import tenth, whole
from tongban.present.markup import Column, facts, section, table, text
from tongban.present.places import name_of


def ems(
    frames: Mapping[str, pd.DataFrame],
    summary: Mapping[str, Any],
    routes: Mapping[str, Any] | None,
    names: dict[str, str],
    matters: dict[str, str],
) -> str:
    """Pickups, routes, the cost–delay trade-off and the trips and kilometres saved."""
    parts = [_saved(frames.get("trips_saved"), matters)]
    pickups = frames.get("pickups")
    if pickups is not None and not pickups.empty:
        shown = pickups.assign(name=name_of(names, pickups["window_id"]))
        columns: list[Column] = [("name", "窗口", text), ("pickup_time", "揽收时间", text)]
        columns += [("vehicle", "车辆", text)] if "vehicle" in shown else []
        if "parcels_per_pickup" in shown:
            columns.append(("parcels_per_pickup", "每次揽收件数", whole))
        parts.append("<h3>每天的揽收</h3>" + table(shown, columns, numeric=("parcels_per_pickup",)))
    parts.append(_routes(routes, names))
    tradeoff = frames.get("tradeoff")
    if tradeoff is not None and not tradeoff.empty:
        parts.append("<h3>成本与等待的权衡</h3>" + _tradeoff(tradeoff, summary))
    explain = (
        "申请人在本地窗口递交的材料由 EMS 揽收、寄往办理地，申请人不必亲自跑到外省。"
        "这里列出每天的揽收安排、车辆线路，以及多花车辆成本换来的更短等待。"
    )
    return section("ems", "EMS 揽收、线路与少跑的路", explain, "".join(parts))


def _saved(frame: pd.DataFrame | None, matters: dict[str, str]) -> str:
    if frame is None or frame.empty:
        return ""
    rows = frame.assign(matter_name=name_of(matters, frame["matter_id"]))
    total = facts(
        [
            ("申请人少跑的趟数（每次仿真期间）", whole(rows["trips_saved"].sum())),
            ("少跑的公里数（每次仿真期间）", whole(rows["km_saved"].sum())),
        ]
    )
    top = rows.sort_values("km_saved", ascending=False).head(10)
    return "<h3>少跑的路</h3>" + total + charts.savings_chart(top)


def _routes(routes: Mapping[str, Any] | None, names: dict[str, str]) -> str:
    features = (routes or {}).get("features", [])
    if not features:
        return ""
    rows = pd.DataFrame([f.get("properties", {}) for f in features])
    stops: list[list[str]] = list(rows["stops"]) if "stops" in rows else [[]] * len(rows)
    rows["stops_named"] = ["→".join(name_of(names, s)) for s in stops]
    columns: list[Column] = [
        ("vehicle", "车辆", text),
        ("start", "出发", text),
        ("end", "回到处理中心", text),
        ("stops_named", "依次揽收的窗口", text),
        ("distance_km", "里程（公里）", whole),
        ("duration_h", "用时（小时）", tenth),
    ]
    present = [c for c in columns if c[0] in rows]
    return "<h3>揽收线路</h3>" + table(rows, present, numeric=("distance_km", "duration_h"))


def _tradeoff(rows: pd.DataFrame, summary: Mapping[str, Any]) -> str:
    chosen = None
    for note in (summary.get("stages") or {}).get("notes", []):
        if "waiting weight" in str(note):
            try:
                chosen = float(str(note).split("waiting weight")[1].split()[0])
            except (IndexError, ValueError):
                chosen = None
    shown = table(
        rows,
        [
            ("waiting_weight_yuan_per_parcel_hour", "等待的代价（元/件·时）", whole),
            ("pickups_per_day", "每天揽收次数", whole),
            ("vans_needed", "需要车辆", whole),
            ("km_per_day", "每天里程（公里）", whole),
            ("vehicle_cost_yuan_per_day", "车辆成本（元/天）", whole),
            ("parcel_wait_mean_hours", "材料平均等待（小时）", tenth),
        ],
        numeric=("pickups_per_day", "vans_needed", "km_per_day", "vehicle_cost_yuan_per_day"),
    )  # fmt: skip
    note = (
        '<p class="small">“等待的代价”是给材料每等一小时定的价钱：定得越高，规划越愿意多派车、'
        "多揽收一次来缩短等待。标“采用”的是本次运行选用的方案。</p>"
    )
    return charts.tradeoff_chart(rows, chosen) + note + shown


def maps(static_png: bytes | None, interactive: str | None) -> str:
    """The static planner's map and the interactive map (``id="map"``)."""
    parts = []
    if static_png:
        data = base64.b64encode(static_png).decode("ascii")
        parts.append(
            '<h3>辖区总图</h3><img class="chart static-map" alt="辖区地图" '
            f'src="data:image/png;base64,{data}">'
        )
    if interactive is not None:
        parts.append(
            "<h3>交互地图</h3>"
            '<p class="small">可拖动、缩放；把鼠标移到点或线上可看名称。'
            "右上角可以打开或关闭各个图层。</p>"
            f'<div id="map" class="map-box">{interactive}</div>'
        )
    else:
        parts.append(
            '<div id="map" class="map-box empty">'
            "<p>本情景没有地理位置（抽象情景），不画地图。</p></div>"
        )
    explain = (
        "蓝点是跨省通办窗口，绿点是办理机构，红点是 EMS 邮件处理中心，彩色线是 EMS 揽收车辆的线路，"
        "黄色底色是本辖区的县（区）。"
    )
    return section("maps", "地图：窗口、办理机构、处理中心与揽收线路", explain, "".join(parts))
