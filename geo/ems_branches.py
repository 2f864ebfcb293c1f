"""County EMS branches and their scheduled mail route to the prefecture's processing centre.

Used by province-wide pickup routing (:mod:`routing.province`) to price collecting a
county's halls with the county's own EMS branch instead of a van from the centre.

* assumption: a county's EMS branch (县邮政分公司) sits at the **county seat**, the unit's
  seat point of :mod:`geo.units`. No public list of EMS branch addresses with coordinates
  was found (``../shared/PARAMETERS.md`` lists processing-centre locations as not found,
  and branches are finer still).
* assumption: the branch → centre **mail route is the EMS model's collection leg** from
  that county (:meth:`geo.ems.EmsNetwork.route`, the leg of kind ``"collect"``): it leaves
  at ``EmsParameters.collection_hours`` (11:00 and 16:00) and takes the road time at
  ``local_kmh`` with the model's detour factor (at least ``min_local_hours``). It is the
  leg the simulation's transit model uses for an item posted in that county, so a parcel
  a branch consolidates travels to the centre exactly as the model's own collection
  would; no separate timetable is invented. Its departure times are EMS model
  assumptions themselves (no source found, see :class:`geo.ems.EmsParameters`).

Times are whole minutes from midnight of the pickup day (a departure or arrival after
midnight counts on from 1440).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo import units
from geo.ems import default_network
from geo.ems_air import unit_km
from tongban.kernel.errors import InputError

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class EmsCentre:
    """The mail processing centre serving a unit: its code, Chinese name and seat point."""

    code: str
    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class MailRoute:
    """The scheduled branch → centre mail route of one county.

    ``departures_min``: daily departures from the branch (minutes from midnight, sorted);
    ``travel_min``: nominal driving time to the centre; ``km``: the leg's road kilometres
    (great-circle × the EMS model's detour factor).
    """

    county_code: str
    centre_code: str
    departures_min: tuple[int, ...]
    travel_min: int
    km: float


def centre_of(code: str) -> EmsCentre:
    """The EMS processing centre serving the unit ``code`` (:meth:`EmsNetwork.centre_for`).

    A prefecture-equivalent's seat; a province-level hall goes to its capital's centre, a
    municipality's districts to the municipality's one centre.
    """
    centre = default_network().centre_for(code)
    return EmsCentre(centre.code, f"{centre.name}邮件处理中心", centre.lon, centre.lat)


def branch_name(county_code: str) -> str:
    """The Chinese name of a county's EMS branch (``<county>邮政分公司``)."""
    return f"{units.get(county_code).name}邮政分公司"


def mail_route(county_code: str) -> MailRoute:
    """The mail route from ``county_code``'s branch to its centre (see the module docstring).

    A county that is itself a centre (a county-level unit directly under its province) has
    no such route: :class:`InputError` naming the field ``county``.
    """
    network = default_network()
    unit = units.get(county_code)
    if unit.level != "county":
        raise InputError(
            f"{county_code} {unit.name} is a {unit.level}, not a county", field="county"
        )
    centre = network.centre_for(county_code)
    if centre.code == county_code:
        raise InputError(
            f"{county_code} {unit.name} is its own processing centre: it has no branch route",
            field="county",
        )
    legs, _ = network.route(county_code, centre.code)
    leg = legs[0]
    if leg.kind != "collect" or not leg.departures:  # the EMS model's shape changed: a bug
        raise RuntimeError(f"EMS route {county_code} → {centre.code} starts with {leg.kind}")
    params = network.params
    seat = units.get(centre.code)
    km = unit_km(unit, seat) * params.detour_factor  # the road km of the EMS model's leg
    return MailRoute(
        county_code=county_code,
        centre_code=centre.code,
        departures_min=tuple(sorted(round(h * 60) for h in leg.departures)),
        travel_min=round(leg.hours * 60),
        km=round(km, 1),
    )
