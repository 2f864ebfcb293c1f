"""Population weights and the gravity model of home localities."""

from __future__ import annotations

import numpy as np
import pytest

from geo import gravity, population, units
from geo.crs import geodesic_m
from tongban.kernel.errors import InputError


def test_census_table_sums_to_the_published_total() -> None:
    pop = population.province_population()
    assert len(pop) == 31
    assert pop.sum() == population.CENSUS_2020_PROVINCE_TOTAL == 1_411_778_724 - 2_000_000
    assert pop["440000"] == 126_012_510  # Guangdong, largest


@pytest.mark.parametrize("level", ["county", "prefecture"])
def test_spread_preserves_province_totals(level: str) -> None:
    spread = population.unit_population(level)
    provinces = spread.groupby(spread.index.map(lambda c: units.get(c).province_code)).sum()
    assert np.allclose(provinces.sort_index(), population.province_population().sort_index())


def test_home_distribution_sums_to_one_and_excludes_own_province() -> None:
    probs = gravity.home_distribution("341700")
    assert probs.sum() == pytest.approx(1.0)
    assert (probs > 0).all()
    assert not any(units.get(c).province_code == "340000" for c in probs.index)
    inclusive = gravity.home_distribution("341700", exclude_own_province=False)
    assert inclusive["341700"] > 0


def test_decay_shifts_mass_towards_near_units() -> None:
    window = units.get("341700")

    def mean_km(decay: float) -> float:
        probs = gravity.home_distribution("341700", decay=decay)
        homes = [units.get(c) for c in probs.index]
        km = (
            geodesic_m(window.lon, window.lat, [u.lon for u in homes], [u.lat for u in homes])
            / 1000
        )
        return float((probs.to_numpy() * km).sum())

    assert mean_km(0.0) > mean_km(1.0) > mean_km(2.0)
    flat = gravity.home_distribution("341700", decay=0.0, level="province")
    pop = population.province_population().drop("340000")
    assert np.allclose(flat.sort_index(), (pop / pop.sum()).sort_index())


def test_bad_gravity_input() -> None:
    with pytest.raises(InputError):
        gravity.home_distribution("341700", decay=-1)
    with pytest.raises(InputError):
        gravity.home_distribution("341700", level="street")
    with pytest.raises(InputError, match="close matches"):
        gravity.home_distribution("池洲")
