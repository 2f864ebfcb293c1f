"""``places.csv``: the run's places by their Chinese names, so every table can show names.

The simulation's tables key windows and offices by the scenario's ids (``chizhou-city``);
the report shows the planner the names the scenario gives them (``池州市政务服务中心 …``),
placed at their admin unit's seat. The locality and the EMS mail processing centres (one per
prefecture seat of a window, as the routing stage uses) are listed too, so the report and
the service draw the same map from tables alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo import units
from geo.localities import get_locality
from sim.scenarios.schema import Scenario

KINDS = ("locality", "window", "office", "ems_centre")


@dataclass(frozen=True)
class PlaceRow:
    """``places.csv``: one place (lon/lat empty when the scenario does not place it)."""

    place_id: str
    kind: str  # one of KINDS
    name: str
    code: str
    level: str
    lon: float
    lat: float


def _seat(code: str | None) -> units.AdminUnit | None:
    if not code:
        return None
    try:
        return units.get(code)
    except KeyError:
        return None


def _row(place_id: str, kind: str, name: str, unit: units.AdminUnit | None, level: str) -> PlaceRow:
    lon, lat = (unit.lon, unit.lat) if unit is not None else (math.nan, math.nan)
    code = unit.code if unit is not None else ""
    return PlaceRow(place_id, kind, name or place_id, code, level, lon, lat)


def _centre(unit: units.AdminUnit) -> units.AdminUnit:
    """The prefecture seat whose mail processing centre collects from ``unit``."""
    return unit if unit.level == "province" else units.ancestor_at(unit.code, "prefecture")


def scenario_places(scenario: Scenario) -> list[PlaceRow]:
    """Locality, windows, offices and EMS centres of a scenario, Chinese names first."""
    rows: list[PlaceRow] = []
    if scenario.locality is not None:
        loc = get_locality(scenario.locality)
        rows.append(_row(loc.key, "locality", loc.name, _seat(loc.code), ""))
    centres: dict[str, units.AdminUnit] = {}
    for window in scenario.windows:
        unit = _seat(window.code)
        rows.append(_row(window.id, "window", window.name, unit, window.level or ""))
        if unit is not None:
            seat = _centre(unit)
            centres[seat.code] = seat
    for office in scenario.offices:
        unit = _seat(office.code)
        rows.append(_row(office.id, "office", office.name, unit, ",".join(office.levels)))
    for code, seat in sorted(centres.items()):
        rows.append(_row(f"ems-{code}", "ems_centre", f"{seat.name}邮件处理中心", seat, ""))
    return rows


def place_names(places: pd.DataFrame | None) -> dict[str, str]:
    """``place_id → name`` from a ``places`` table (empty when there is none)."""
    if places is None or places.empty:
        return {}
    return {str(k): str(v) for k, v in zip(places["place_id"], places["name"], strict=True)}


def name_of(names: dict[str, str], ids: Iterable[object]) -> list[str]:
    """Names for ids, the id itself when the run has no name for it."""
    return [names.get(str(i), str(i)) for i in ids]
