"""``report.html``: one self-contained page (no network) explaining a run to a planner.

Built only from the run's tables (report file stem → DataFrame), its summary and its routes
GeoJSON, so the report folder writer and the service render the same page. Charts are
inline PNG; the interactive map inlines the vendored Leaflet; nothing links outside the
file. The map container keeps ``id="map"`` (the planner page's browser test looks for it).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from tongban.present import sections_ems, sections_run
from tongban.present.labels import esc, matter_names, pct
from tongban.present.places import place_names
from tongban.present.style import CSS
from tongban.present.vendor_assets import leaflet_css, leaflet_js
from tongban.present.webfont import font_face
from tongban.present.webmap import map_fragment

logger = logging.getLogger(__name__)
CONTENTS = (
    ("run", "运行概况"),
    ("turnaround", "办理时长"),
    ("windows", "窗口等候"),
    ("staffing", "人员配置"),
    ("offices", "办理机构"),
    ("ems", "EMS 揽收"),
    ("maps", "地图"),
)


def render_report(
    frames: Mapping[str, pd.DataFrame],
    summary: Mapping[str, Any],
    routes_geojson: Mapping[str, Any] | None = None,
    *,
    static_map: bytes | None = None,
    draw_static_map: bool = True,
) -> str:
    """The whole ``report.html`` text for a run.

    ``frames``: report file stem (``turnaround``, ``windows``, ``places`` …) → its table;
    ``summary``: the content of ``summary.json``; ``routes_geojson``: ``routes.geojson``.
    ``static_map``: the PNG of the locality map when already drawn (else it is drawn here,
    unless ``draw_static_map`` is false).
    """
    places = frames.get("places")
    names = place_names(places)
    matters = matter_names(frames)
    locality = _locality(places)
    judged = _judged(frames, summary)
    settings = summary.get("assumptions") or {}
    targets = settings.get("targets") or {}
    if static_map is None and draw_static_map and locality is not None:
        static_map = _draw_static(locality[0])
    body = [
        sections_run.overview(summary, locality[1] if locality else "", _findings(frames, judged)),
        sections_run.turnaround(judged, _left_out(frames, summary, judged)),
        sections_run.windows(frames, names, targets),
        sections_run.staffing(frames, names),
        sections_run.offices(frames, names),
        sections_ems.ems(frames, summary, routes_geojson, names, matters),
        sections_ems.maps(static_map, map_fragment(places, routes_geojson)),
    ]
    title = f"跨省通办仿真报告：{summary.get('scenario', '')}"
    if locality:
        title += f"（{locality[1]}）"
    return _page(title, settings.get("description", ""), "\n".join(b for b in body if b))


def _page(title: str, description: str, body: str) -> str:
    nav = " · ".join(f'<a href="#{a}">{esc(t)}</a>' for a, t in CONTENTS)
    main = (
        f"<h1>{esc(title)}</h1>\n"
        + (f'<p class="lead">{esc(description)}</p>\n' if description else "")
        + f'<nav class="contents">{nav}</nav>\n{body}\n'
        "<footer>由 tongban 生成。本页不联网：图表、地图和字体都在这个文件里，"
        "可直接发送或存档。</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{font_face(title + main)}\n"
        f"{leaflet_css()}\n{CSS}\n</style>\n"
        f"<script>\n{leaflet_js()}\n</script>\n</head><body>\n<main>\n{main}\n"
        "</main>\n</body></html>\n"
    )


def _locality(places: pd.DataFrame | None) -> tuple[str, str] | None:
    """(key, Chinese name) of the run's locality, or None for an abstract scenario."""
    if places is None or places.empty:
        return None
    rows = places[places["kind"] == "locality"]
    if rows.empty:
        return None
    return str(rows["place_id"].iloc[0]), str(rows["name"].iloc[0])


def _judged(frames: Mapping[str, pd.DataFrame], summary: Mapping[str, Any]) -> pd.DataFrame:
    turnaround = frames.get("turnaround")
    if turnaround is None or turnaround.empty:
        return pd.DataFrame(columns=["matter_name", "mode_name", "within_limit_share"])
    return sections_run.judged_turnaround(turnaround, summary)


def _left_out(
    frames: Mapping[str, pd.DataFrame], summary: Mapping[str, Any], judged: pd.DataFrame
) -> int:
    """Matters with cases but too few to judge (the simulation's own count when given)."""
    judging = summary.get("judging") or {}
    if "matters_left_out_too_few_cases" in judging:
        return int(judging["matters_left_out_too_few_cases"])
    turnaround = frames.get("turnaround")
    if turnaround is None:
        return 0
    return int((turnaround["cases"] > 0).sum()) - len(judged)


def _findings(frames: Mapping[str, pd.DataFrame], judged: pd.DataFrame) -> list[str]:
    """Two to five sentences a planner reads first."""
    found = []
    if not judged.empty:
        late = judged[judged["within_limit_share"] < sections_run.SHARE_OK]
        if late.empty:
            found.append(f"参与评判的 {len(judged)} 个事项，都有 90% 以上的申请在法定时限内办结。")
        else:
            worst = late.iloc[0]
            found.append(
                f"{len(late)} 个事项不到 90% 的申请在法定时限内办结；最差的是"
                f"“{esc(worst['matter_name'])}”（{esc(worst['mode_name'])}），"
                f"只有 {pct(worst['within_limit_share'])} 按时。"
            )
    windows = frames.get("windows")
    if windows is not None and not windows.empty:
        busiest = windows.sort_values("wait_p90_min", ascending=False).iloc[0]
        names = place_names(frames.get("places"))
        found.append(
            f"等候最长的窗口是 {esc(names.get(str(busiest['window_id']), busiest['window_id']))}："
            f"90% 的申请人等候不超过 {float(busiest['wait_p90_min']):.0f} 分钟。"
        )
    saved = frames.get("trips_saved")
    if saved is not None and not saved.empty:
        found.append(
            f"跨省通办让申请人每次仿真期间少跑约 {saved['trips_saved'].sum():,.0f} 趟、"
            f"{saved['km_saved'].sum():,.0f} 公里。"
        )
    return found


def _draw_static(locality: str) -> bytes | None:
    from geo.mapping import draw_locality_map

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "map.png"
        try:
            draw_locality_map(locality, path)
        except (KeyError, ValueError, OSError) as exc:  # a map is a picture, not a result
            logger.warning("static map of %s not drawn: %s", locality, exc)
            return None
        return path.read_bytes()
