"""``[national]``: halls, demand and offices generated from the geo layer, and offices by code."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from geo import population
from sim.office_routing import staffed_office
from sim.scenarios.loader import parse_scenario
from tongban import pipeline
from tongban.kernel.errors import InputError
from tongban.pipeline.stages import replicate, simulation_only

REGION = Path(__file__).parents[1] / "data" / "national" / "national_tianjin.toml"


def region_data(**national: Any) -> dict[str, Any]:
    data = tomllib.loads(REGION.read_text(encoding="utf-8"))
    data["national"] = {**data["national"], **national}
    return data


def test_tianjin_region_has_a_hall_and_an_office_per_unit() -> None:
    scenario = pipeline.load(str(REGION))
    counties = [w for w in scenario.windows if w.level == "county"]
    assert len(scenario.windows) == len(counties) + 1 == len(scenario.offices)
    assert {w.code for w in scenario.windows} == {o.code for o in scenario.offices}
    people = float(population.province_population()["120000"])
    expected = 1.9 * (0.1 + 0.6) * people / 100_000  # province + county shares of Tianjin
    assert sum(d.per_day or 0 for d in scenario.demand) == pytest.approx(expected, rel=1e-4)


def test_cases_decided_here_reach_the_staffed_office_of_their_unit() -> None:
    prepared = simulation_only(pipeline.load(str(REGION)), pipeline.RunOptions(replications=1))
    result = replicate(prepared, 0)
    assert result.created == result.completed
    assert sum(o.cases for o in result.offices) > 0  # no longer all delays


def test_home_decided_cases_go_to_the_home_office_by_code() -> None:
    compiled = simulation_only(pipeline.load(str(REGION)), pipeline.RunOptions()).compiled
    home = next(p for p in compiled.matters if p.decided_by == "home" and not p.decided_at_window)
    by_code = {"110000": 7}
    assert staffed_office(home, "proxy", "120101", "110000", by_code) == 7
    assert staffed_office(home, "proxy", "120101", "310000", by_code) == -1  # not staged
    assert staffed_office(home, "counter", "120101", "110000", by_code) == -1


def test_hall_file_adds_township_halls(tmp_path: Path) -> None:
    halls = tmp_path / "halls.csv"
    halls.write_text(
        "id,name,lon,lat,level,hours,code\n"
        "t1,街道A,117.20,39.12,street,09:00-12:00,120101\n"
        "t2,街道B,117.21,39.13,street,09:00-12:00,120101\n",
        encoding="utf-8",
    )
    scenario = parse_scenario(region_data(halls_file=str(halls)))
    ids = [w.id for w in scenario.windows]
    assert "t1" in ids and "t2" in ids
    rates = {d.window: d.per_day for d in scenario.demand}
    assert rates["t1"] == rates["t2"]
    assert (rates["t1"] or 0) > 0
    # the hall file adds places to go, not cases: 和平区's county-level demand is split
    # equally between its county hall and the two street halls
    plain = {d.window: d.per_day for d in parse_scenario(region_data()).demand}
    assert rates["hall-120101"] == pytest.approx(rates["t1"])
    assert sum(rates[w] or 0 for w in ("hall-120101", "t1", "t2")) == pytest.approx(
        plain["hall-120101"] or 0
    )
    assert sum(r or 0 for r in rates.values()) == pytest.approx(sum(r or 0 for r in plain.values()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cases_per_100k_per_day": -1.0}, r"national\.cases_per_100k_per_day"),
        ({"levels": ["village"]}, r"national\.levels\.0"),
        ({"provinces": ["99"]}, r"no halls in scope"),
    ],
)
def test_bad_national_tables_name_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_scenario(region_data(**change))
