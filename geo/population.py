"""Population weights for demand.

Provincial populations come from the 2020 census (国家统计局《第七次全国人口普查公报（第三号）》,
2021-05-11; the 31 provinces sum to 1,409,778,724, the national 1,411,778,724 less the
2,000,000 active-duty military counted separately). They ship in
``geo/data/province_population_2020.csv``.

Spreading to finer units (assumption, documented): the census bulletin gives no
county figures, so a province's population is split **equally over its county-level units**
(``method="equal"``), and a prefecture's weight is the sum of its counties. Alternatively
``method="area"`` splits in proportion to land area (useful only as a sensitivity check:
it over-weights sparsely populated western counties).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Literal

import pandas as pd

from geo import units as units_mod
from tongban.kernel.errors import InputError

SpreadMethod = Literal["equal", "area"]
CENSUS_2020_PROVINCE_TOTAL = 1_409_778_724


@functools.cache
def province_population() -> pd.Series:
    """2020 census population by province code (31 provinces, int64)."""
    path = resources.files("geo") / "data" / "province_population_2020.csv"
    with path.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype={"code": str})
    return frame.set_index("code")["population"].astype("int64").rename("population")


def unit_population(level: str, method: SpreadMethod = "equal") -> pd.Series:
    """Population weight per unit at ``level`` (index: code), summing to the census total."""
    return _unit_population(level, method).copy()


@functools.cache
def _unit_population(level: str, method: SpreadMethod) -> pd.Series:
    if method not in ("equal", "area"):
        raise InputError(f"method {method!r} is not one of equal, area", field="method")
    provinces = province_population()
    if level == "province":
        return provinces.astype(float)
    table = units_mod.load_units()
    counties = pd.DataFrame(table[table["level"] == "county"]).copy()
    if method == "equal":
        share = 1.0 / counties.groupby("province_code")["code"].transform("count")
    else:
        share = counties["area_km2"] / counties.groupby("province_code")["area_km2"].transform(
            "sum"
        )
    counties["population"] = share * counties["province_code"].map(provinces)
    by_county = counties.set_index("code")["population"]
    if level == "county":
        return by_county.rename("population")
    if level == "prefecture":
        prefecture = {c: units_mod.ancestor_at(c, "prefecture").code for c in by_county.index}
        return by_county.groupby(by_county.index.map(prefecture)).sum().rename("population")
    raise InputError(f"level {level!r} is not one of {', '.join(units_mod.LEVELS)}", field="level")
