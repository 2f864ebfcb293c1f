"""County branches' mail routes follow the EMS model's own collection leg; the shipped
street/township hall list is well-formed and each hall lies in its county."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from geo import units
from geo.crs import geodesic_m
from geo.ems import default_network
from geo.ems_branches import MailRoute, branch_name, centre_of, mail_route
from geo.windows import load_windows
from tongban.kernel.errors import InputError

TOWNSHIPS = Path(__file__).parents[2] / "geo" / "data" / "halls_tianjin_townships.csv"


@pytest.mark.parametrize("county", ["120119", "510121", "513332"])
def test_mail_route_is_the_ems_collection_leg(county: str) -> None:
    route = mail_route(county)
    params = default_network().params
    assert route.departures_min == tuple(round(h * 60) for h in params.collection_hours)
    assert (
        route.centre_code == centre_of(county).code == units.ancestor_at(county, "prefecture").code
    )
    seat, centre = units.get(county), units.get(route.centre_code)
    km = geodesic_m(seat.lon, seat.lat, centre.lon, centre.lat) / 1000.0 * params.detour_factor
    assert route.km == pytest.approx(km, abs=0.1)
    hours = max(km / params.local_kmh, params.min_local_hours)
    assert route.travel_min == pytest.approx(hours * 60, abs=1)
    assert branch_name(county) == f"{seat.name}邮政分公司"


def test_next_departure_waits_for_the_next_day_after_the_last() -> None:
    route = MailRoute("x", "y", (660, 960), 100, 50.0)
    assert route.arrival(600) == (660, 760)
    assert route.arrival(660) == (660, 760)
    assert route.arrival(961) == (1440 + 660, 1440 + 760)


def test_a_county_that_is_its_own_centre_has_no_branch_route() -> None:
    with pytest.raises(InputError) as info:
        mail_route("419001")  # 济源: a county-level unit directly under Henan
    assert info.value.field == "county"


def test_tianjin_street_and_township_halls_lie_in_their_counties() -> None:
    halls = load_windows(TOWNSHIPS)
    assert len(halls) >= 100 and halls["id"].is_unique
    assert set(halls["level"]) == {"street", "township"}
    assert halls["name"].str.endswith("便民服务中心").all()
    assert {units.get(c).province_code for c in halls["code"]} == {"120000"}
    polygons = units.load_polygons("county").set_index("code")
    inside = gpd.GeoSeries(halls.geometry.values, crs=halls.crs).within(
        gpd.GeoSeries(polygons.loc[halls["code"], "geometry"].values, crs=polygons.crs)
    )
    assert inside.all()
