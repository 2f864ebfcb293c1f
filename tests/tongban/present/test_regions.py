"""Halls and offices of a ``[national]`` region by province and prefecture, named and placed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from geo import population
from sim.scenarios.loader import load_data, parse_scenario
from sim.scenarios.schema import Scenario
from tongban import pipeline
from tongban.present import regions
from tongban.present.charts import halls_map_chart

REGION = Path(__file__).parents[2] / "data" / "national" / "national_tianjin.toml"


@pytest.fixture(scope="module")
def two_provinces() -> Scenario:  # Tianjin and Hebei, every level
    data = load_data("national")
    data["national"] = {**data["national"], "provinces": ["12", "13"]}
    return parse_scenario(data, "national")


def test_halls_carry_level_region_and_the_scenario_demand(two_provinces: Scenario) -> None:
    halls = regions.halls(two_provinces)
    assert len(halls) == len(two_provinces.windows)
    assert halls["demand_per_day"].sum() == pytest.approx(
        sum(d.per_day or 0 for d in two_provinces.demand)
    )
    assert set(halls["province"]) == {"天津市", "河北省"}
    by_level = halls["level_name"].value_counts()
    assert by_level["省级"] == 2 and by_level["地市级"] == 11  # Tianjin has no prefecture
    shijiazhuang = halls[halls["code"] == "130100"].iloc[0]
    assert shijiazhuang["prefecture"] == "石家庄市" and shijiazhuang["level"] == "prefecture"
    assert halls["lon"].between(113, 120).all() and halls["lat"].between(36, 43).all()


def test_provinces_sum_to_rate_times_population(two_provinces: Scenario) -> None:
    table = regions.by_region(regions.halls(two_provinces))
    people = population.province_population()
    for name, code, shares in (("天津市", "120000", 0.7), ("河北省", "130000", 1.0)):
        row = table[table["province"] == name].iloc[0]  # Tianjin: no prefecture share
        assert row["demand_per_day"] == pytest.approx(
            1.9 * shares * float(people[code]) / 100_000, rel=1e-3
        )
    assert table["demand_per_day"].is_monotonic_decreasing
    assert list(table.columns[:4]) == ["province", "halls_省级", "halls_地市级", "halls_县级"]


def test_offices_are_named_filtered_by_level_and_busiest_first() -> None:
    scenario = pipeline.load(str(REGION))
    ids = [o.id for o in scenario.offices]
    table = pd.DataFrame(
        {"office_id": ids, "cases": 1.0, "utilisation": [i / len(ids) for i in range(len(ids))]}
    )
    top = regions.offices(scenario, table, levels=("province", "prefecture"))
    assert list(top["name"]) == ["天津市办理机构"]
    every = regions.offices(scenario, table)
    assert len(every) == len(ids) and every["utilisation"].is_monotonic_decreasing
    assert (every["province"] == "天津市").all()


def test_by_region_refuses_other_keys(two_provinces: Scenario) -> None:
    with pytest.raises(ValueError, match="province"):
        regions.by_region(regions.halls(two_provinces), key="county")


def test_map_draws_every_hall(two_provinces: Scenario) -> None:
    halls = regions.halls(two_provinces)
    fig = Figure()
    regions.draw_halls_map(fig, halls)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "县级政务服务中心（183）",
        "地市级政务服务中心（11）",
        "省级政务服务中心（2）",
    ]
    assert len(halls) == 183 + 11 + 2
    labels = {t.get_text() for t in ax.texts}
    assert {"天津市", "河北省", "石家庄市"} <= labels
    assert halls_map_chart(halls).startswith('<img class="chart" alt="各级政务服务中心分布"')
