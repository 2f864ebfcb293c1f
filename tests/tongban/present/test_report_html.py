"""``report.html`` from hand-made tables: sections, Chinese names, misses first, offline map."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tongban.present import render_report, vendor_assets

SUMMARY: dict[str, Any] = {
    "scenario": "chizhou",
    "seed": 7,
    "replications": 2,
    "days": 10,
    "warmup_days": 0,
    "cases": 400.0,
    "judging": {"min_cases_all_replications": 20, "matters_left_out_too_few_cases": 3},
    "stages": {"routing": True, "staffing": False, "notes": ["routing: one van"], "warnings": []},
    "assumptions": {"description": "测试情景", "targets": {"wait_minutes": 20, "wait_share": 0.9}},
}


def places() -> pd.DataFrame:
    rows = [
        ("chizhou", "locality", "池州市", "341700", "", 117.47783, 30.66134),
        ("city", "window", "池州市政务服务中心", "341700", "prefecture", 117.47783, 30.66134),
        ("dz", "window", "东至县政务服务中心", "341721", "county", 117.01667, 30.1),
        ("off", "office", "池州市直部门", "341700", "prefecture", 117.47783, 30.66134),
        ("ems-341700", "ems_centre", "池州市邮件处理中心", "341700", "", 117.47783, 30.66134),
    ]
    return pd.DataFrame(rows, columns=["place_id", "kind", "name", "code", "level", "lon", "lat"])


def frames() -> dict[str, pd.DataFrame]:
    turnaround = pd.DataFrame(
        {
            "matter_id": ["1-01", "2-21"],
            "matter_name": ["学历公证", "社会保障卡申领"],
            "mode": ["joint", "proxy"],
            "cases": [30.0, 25.0],
            "days_mean": [8.0, 19.0],
            "days_p90": [12.0, 27.0],
            "limit_working_days": [15, 10],
            "within_limit_share": [1.0, 0.2],
            "end_to_end_within_limit_share": [0.9, 0.05],
        }
    )
    windows = pd.DataFrame(
        {
            "window_id": ["city", "dz"],
            "cases": [70.0, 20.0],
            "wait_mean_min": [3.7, 0.8],
            "wait_p90_min": [15.0, 0.0],
            "utilisation": [0.27, 0.09],
        }
    )
    staffing = pd.DataFrame(
        [(w, "workday", h, 1, 0.95, 0.02) for w in ("city", "dz") for h in (9, 10, 11)],
        columns=["window_id", "day_type", "hour", "clerks", "service_level", "service_level_ci95"],
    )
    offices = pd.DataFrame(
        {
            "office_id": ["off"],
            "cases": [64.0],
            "reviewers": [4],
            "utilisation": [0.4],
            "within_limit_share": [0.9],
        }
    )
    trips = pd.DataFrame({"matter_id": ["1-01", "2-21"], "trips_saved": [5.0, 2.0],
                          "km_saved": [8000.0, 3000.0]})  # fmt: skip
    pickups = pd.DataFrame({"window_id": ["city", "dz"], "pickup_time": ["15:30", "16:00"],
                            "vehicle": ["van1", "van1"]})  # fmt: skip
    return {
        "turnaround": turnaround,
        "windows": windows,
        "staffing": staffing,
        "offices": offices,
        "trips_saved": trips,
        "pickups": pickups,
        "places": places(),
    }


ROUTES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[117.47783, 30.66134], [117.01667, 30.1], [117.47783, 30.66134]],
            },
            "properties": {
                "vehicle": "van1",
                "stops": ["dz"],
                "distance_km": 150.0,
                "duration_h": 3.0,
                "start": "15:00",
                "end": "18:00",
            },
        }
    ],
}


class Page(HTMLParser):
    """Collects link targets, element ids and the visible text (not scripts or styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


@pytest.fixture(scope="module")
def html() -> str:
    return render_report(frames(), SUMMARY, ROUTES, draw_static_map=False)


def test_page_has_every_section_and_the_map(html: str) -> None:
    ids = parse(html).ids
    assert {"run", "turnaround", "windows", "offices", "ems", "maps", "map"} <= ids


def test_nothing_is_fetched_from_the_network(html: str) -> None:
    page = parse(html)
    remote = [link for link in page.links if re.match(r"(?i)\s*(https?:)?//", link)]
    assert not remote, remote
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?https?:", html, re.I)
    assert not re.search(r"url\(\s*[\"']?https?:", html, re.I)  # no remote CSS (fonts, tiles)
    assert "tile.openstreetmap" not in html and "L.tileLayer" not in html


def test_leaflet_and_the_font_are_inlined(html: str) -> None:
    assert "L.map(" in html and "leaflet-container" in html  # library and stylesheet
    assert "@font-face" in html and "data:font/woff;base64," in html


def test_map_has_the_boundary_places_and_routes(html: str) -> None:
    labels = html.count('"permanent": true')
    assert labels == 2  # one name label per window location
    assert html.count("L.circleMarker(") == 4 + labels  # two windows, an office, an EMS centre
    assert html.count("L.polyline(") == 1  # the one route
    assert html.count("L.geoJson(") == 1  # the locality's counties
    assert "东至县" in html  # the boundary layer names its counties


def test_places_and_matters_are_named_in_chinese_never_by_id(html: str) -> None:
    text = " ".join(parse(html).text)
    for name in ("池州市政务服务中心", "东至县政务服务中心", "池州市直部门", "社会保障卡申领"):
        assert name in text
    assert "异地代收代办" in text and "多地联办" in text  # modes by their Chinese names
    assert not re.search(r"\b(dz|off|city)\b", text), "an id shown in place of a name"


def test_matters_that_miss_their_limit_come_first(html: str) -> None:
    section = html[html.index('id="turnaround"') :]
    assert section.index("社会保障卡申领") < section.index("学历公证")
    assert '<tr class="flag"><td class="">社会保障卡申领' in section


def test_abstract_scenario_renders_without_a_map() -> None:
    tables = {k: v for k, v in frames().items() if k != "places"}
    page = parse(render_report(tables, {"scenario": "M/M/c check", "replications": 1}))
    assert "map" in page.ids
    assert "不画地图" in " ".join(page.text)


def test_unplaced_windows_are_left_off_the_map() -> None:
    table = places()
    table.loc[table["place_id"] == "dz", ["lon", "lat"]] = math.nan
    tables = {**frames(), "places": table}
    html = render_report(tables, SUMMARY, None, draw_static_map=False)
    assert html.count("L.circleMarker(") == 3 + 1  # the three located places, one label


def test_missing_leaflet_names_the_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(vendor_assets, "leaflet_dir", lambda: tmp_path)
    vendor_assets.leaflet_js.cache_clear()
    try:
        with pytest.raises(vendor_assets.MissingAssetError, match="make install"):
            vendor_assets.leaflet_js()
    finally:
        vendor_assets.leaflet_js.cache_clear()
