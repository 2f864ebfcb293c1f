"""The air part of the EMS network: gateways and the night flights through Nanjing.

Provinces on one of the 11 published trunk routes fly from their own stop; the others
truck to the nearest stop (or Nanjing), or fly belly-hold from their hub when that stop is
farther than ``belly_min_km`` (assumption; see :mod:`geo.ems`). Built once per province
pair and kept.
"""

from __future__ import annotations

import functools
import itertools
from typing import TYPE_CHECKING

import numpy as np

from geo import units
from geo.crs import geodesic_m
from geo.ems_schedule import Leg

if TYPE_CHECKING:
    from geo.ems import EmsParameters

NANJING = "320100"
# Published trunk routes into Nanjing (stops in flight order towards Nanjing).
TRUNK_ROUTES: tuple[tuple[str, ...], ...] = (
    ("110000",),  # Beijing
    ("150100", "130100"),  # Hohhot–Shijiazhuang
    ("210100",),  # Shenyang
    ("370100",),  # Jinan
    ("410100",),  # Zhengzhou
    ("440100",),  # Guangzhou
    ("450100", "360100"),  # Nanning–Nanchang
    ("350100",),  # Fuzhou
    ("500000", "430100"),  # Chongqing–Changsha
    ("510100",),  # Chengdu
    ("620100", "120000"),  # Lanzhou–Tianjin
)


class AirLegs:
    """Gateways and air legs of :class:`geo.ems.EmsNetwork` (a mixin: it owns the caches)."""

    params: EmsParameters
    _gateway_route: dict[str, tuple[str, ...]]
    _gateways: dict[str, tuple[str, bool]]
    _air: dict[tuple[str, str], tuple[Leg, ...] | None]

    def hub_for(self, code: str) -> units.AdminUnit:
        raise NotImplementedError

    def _road(
        self, kind: str, a: units.AdminUnit, b: units.AdminUnit, kmh: float, **kw: object
    ) -> Leg:
        raise NotImplementedError

    def gateway_for(self, province_code: str) -> tuple[str, bool]:
        """(airport code, belly_hold) used by a province to reach Nanjing.

        Provinces on a trunk route use their own stop; Jiangsu uses Nanjing; others truck to
        the nearest trunk stop or Nanjing, unless that is farther than ``belly_min_km``, in
        which case the hub itself flies belly-hold to Nanjing (assumption).
        """
        if province_code not in self._gateways:
            self._gateways[province_code] = self._find_gateway(province_code)
        return self._gateways[province_code]

    def _find_gateway(self, province_code: str) -> tuple[str, bool]:
        if province_code == "320000":
            return NANJING, False
        route = self._gateway_route.get(province_code)
        if route:
            return next(s for s in route if units.get(s).province_code == province_code), False
        hub = self.hub_for(province_code)
        stops = [s for r in TRUNK_ROUTES for s in r] + [NANJING]
        dists = [unit_km(hub, units.get(s)) for s in stops]
        best = int(np.argmin(dists))
        if dists[best] > self.params.belly_min_km:
            return hub.code, True
        return stops[best], False

    def _air_legs(self, origin_province: str, dest_province: str) -> tuple[Leg, ...] | None:
        """Hub → (truck) → gateway → Nanjing → gateway → (truck) → hub; None if not useful."""
        key = (origin_province, dest_province)
        if key not in self._air:
            self._air[key] = self._build_air_legs(origin_province, dest_province)
        return self._air[key]

    def _build_air_legs(self, origin_province: str, dest_province: str) -> tuple[Leg, ...] | None:
        p = self.params
        hub_o, hub_d = self.hub_for(origin_province), self.hub_for(dest_province)
        gw_o, belly_o = self.gateway_for(origin_province)
        gw_d, belly_d = self.gateway_for(dest_province)
        if gw_o == NANJING and gw_d == NANJING:
            return None
        nanjing = units.get(NANJING)
        legs: list[Leg] = []
        if gw_o != hub_o.code:
            legs.append(
                self._road(
                    "road", hub_o, units.get(gw_o), p.trunk_kmh, departures=p.hub_trunk_hours
                )
            )
        if gw_o != NANJING:
            hours = self._flight_hours(gw_o, belly_o, towards_nanjing=True)
            if belly_o:
                legs.append(
                    Leg("air", gw_o, NANJING, hours, p.belly_departure_hours, p.air_cutoff_h)
                )
            else:
                dep = (p.nanjing_arrival_h - hours) % 24.0
                legs.append(Leg("air", gw_o, NANJING, hours, (dep,), p.air_cutoff_h))
            legs.append(Leg("sort", NANJING, NANJING, p.sort_hours))
        if gw_d != NANJING:
            hours = self._flight_hours(gw_d, belly_d, towards_nanjing=False)
            deps = p.belly_departure_hours if belly_d else (p.nanjing_departure_h,)
            legs.append(Leg("air", NANJING, gw_d, hours, deps, p.air_cutoff_h))
            if gw_d != hub_d.code:
                legs.append(Leg("sort", gw_d, gw_d, p.sort_hours))
                legs.append(self._road("road", units.get(gw_d), hub_d, p.trunk_kmh))
        else:
            legs.append(
                self._road("road", nanjing, hub_d, p.trunk_kmh, departures=p.hub_trunk_hours)
            )
        return tuple(legs)

    def _flight_hours(self, gateway: str, belly: bool, towards_nanjing: bool) -> float:
        """Flight time between a gateway and Nanjing, through the route's other stop."""
        p = self.params
        nanjing = units.get(NANJING)
        route = (gateway,) if belly else next(r for r in TRUNK_ROUTES if gateway in r)
        # Inbound flights call at the stops in route order; outbound ones in reverse order,
        # so both legs between this gateway and Nanjing cover route[index:].
        stops = [units.get(c) for c in route[route.index(gateway) :]]
        chain = [*stops, nanjing] if towards_nanjing else [nanjing, *reversed(stops)]
        km = sum(unit_km(a, b) for a, b in itertools.pairwise(chain))
        flights = len(chain) - 1
        return km / p.flight_kmh + flights * p.flight_overhead_h + (flights - 1) * p.stop_ground_h


def unit_km(a: units.AdminUnit, b: units.AdminUnit) -> float:
    """Geodesic km between two units' seats."""
    return _km_between(a.lon, a.lat, b.lon, b.lat)


@functools.lru_cache(maxsize=1_000_000)
def _km_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic km between two points (cached: the same few legs recur in every path)."""
    return float(geodesic_m(lon1, lat1, lon2, lat2)) / 1000.0
