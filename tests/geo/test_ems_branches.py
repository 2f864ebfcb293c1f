"""County branches' mail routes follow the EMS model's own collection leg; the shipped
street/township hall list is well-formed and each hall lies in its county."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from geo import units
from geo.crs import geodesic_m
from geo.ems import default_network
from geo.ems_branches import branch_name, centre_of, mail_route
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
    crow_km = geodesic_m(seat.lon, seat.lat, centre.lon, centre.lat) / 1000.0
    assert crow_km <= route.km <= 1.6 * crow_km + 0.1  # a road detour, not another route
    # the van takes as long as the parcels' own collection leg in the EMS transit model
    collect = default_network().route(county, route.centre_code)[0][0]
    assert collect.kind == "collect" and route.travel_min == round(collect.hours * 60)
    assert route.travel_min >= params.min_local_hours * 60 - 1
    assert branch_name(county) == f"{seat.name}邮政分公司"


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
