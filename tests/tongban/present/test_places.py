"""``places.csv`` rows: the scenario's Chinese names, located at their admin unit's seat."""

from __future__ import annotations

import math

from geo import units
from sim.scenarios.loader import load_scenario, parse_scenario
from tongban.present import scenario_places


def test_chizhou_places_are_named_and_located() -> None:
    rows = {row.place_id: row for row in scenario_places(load_scenario("chizhou"))}
    assert rows["chizhou"].kind == "locality" and rows["chizhou"].name == "池州市"
    windows = [r for r in rows.values() if r.kind == "window"]
    assert len(windows) == 5
    assert all("政务服务中心" in r.name for r in windows)
    dongzhi = units.get("341721")
    assert (rows["dongzhi"].lon, rows["dongzhi"].lat) == (dongzhi.lon, dongzhi.lat)
    centres = [r for r in rows.values() if r.kind == "ems_centre"]
    assert [c.name for c in centres] == ["池州市邮件处理中心"]  # every window is in one prefecture
    assert {r.kind for r in rows.values()} == {"locality", "window", "office", "ems_centre"}


def test_abstract_windows_keep_their_id_as_name_and_no_position() -> None:
    scenario = parse_scenario(
        {
            "name": "mmc",
            "days": 2,
            "windows": [{"id": "W1", "clerks": 2}],
            "demand": [{"window": "W1", "matter": "1-05", "per_hour": 1.0}],
        }
    )
    (row,) = scenario_places(scenario)
    assert row.kind == "window" and row.name == "W1"
    assert math.isnan(row.lon) and math.isnan(row.lat) and row.code == ""
