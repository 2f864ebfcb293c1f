"""EMS network and transit-time model.

Network (``shared/PARAMETERS.md``):

* a **mail processing centre** per prefecture-equivalent (prefecture, municipality,
  county-level unit directly under a province), at its seat;
* a **provincial hub** per province at the capital's seat;
* the **national night air hub at Nanjing** with the 11 published trunk routes (Beijing;
  Hohhot–Shijiazhuang; Shenyang; Jinan; Zhengzhou; Guangzhou; Nanning–Nanchang; Fuzhou;
  Chongqing–Changsha; Chengdu; Lanzhou–Tianjin): flights reach Nanjing 00:30–03:00 and leave
  before 06:30;
* road links everywhere (great-circle × detour factor at a leg-specific speed).

An item posted at a locality is collected, sorted at its centre, trucked to the provincial
hub, crosses provinces by trunk truck or via Nanjing by air (whichever arrives first on the
nominal timetable), is trucked to the destination centre and delivered to the destination
office's locality on the next delivery round. Same-centre items skip the trunk; same-province
items skip the inter-province leg.

An item **already collected** (``collected=True``: a planned pickup van of the routing stage
brought it to the origin's centre, and the send time is its arrival there) skips the
collection leg: its journey starts with the sort at the centre, and it makes a dispatch when
it reaches the centre by that dispatch's cut-off (``Centre.cutoff_hours``: departure −
``centre_cutoff_h``; the van's bags are sorted within that margin). It is never slower than
an item posted at the window at the same time (the collection leg can only add time).

Timetables, cut-offs, speeds and the belly-hold connection of far provinces are
**assumptions** (no source found; see PARAMETERS.md): all are fields of
:class:`EmsParameters`. The two stochastic parameters (miss probability, duration noise) are
calibrated so inter-province prefecture pairs give a mean ≈ 58 h with ≈ 80 % within 72 h
(State Post Bureau 2016 test: 58.71 h, 75.5 %; ~2024: 84.4 %).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from geo import units
from geo.ems_air import NANJING, TRUNK_ROUTES, AirLegs, unit_km
from geo.ems_schedule import Leg, deterministic_arrival, sample_arrivals
from tongban.kernel.errors import InputError

__all__ = [
    "NANJING",
    "TRUNK_ROUTES",
    "Centre",
    "EmsNetwork",
    "EmsParameters",
    "TransitSummary",
    "default_network",
]


@dataclass(frozen=True)
class EmsParameters:
    """Timetable, speed and noise parameters (hours of day in local time; assumptions)."""

    collection_hours: tuple[float, ...] = (11.0, 16.0)  # pickups at halls/outlets
    centre_cutoff_h: float = 1.0  # arrive this long before the centre's dispatch
    centre_dispatch_hours: tuple[float, ...] = (12.0, 20.0)  # trucks leave centres
    hub_trunk_hours: tuple[float, ...] = (2.0, 8.0, 14.0, 20.0)  # inter-province trunks
    hub_feeder_hours: tuple[float, ...] = (4.0, 10.0, 16.0, 22.0)  # hub → centre trucks
    delivery_hours: tuple[float, ...] = (8.0, 14.0)  # delivery rounds from centres
    sort_hours: float = 1.0  # sorting at a centre or hub
    nanjing_arrival_h: float = 2.0  # flights reach Nanjing (published window 00:30–03:00)
    nanjing_departure_h: float = 5.5  # flights leave Nanjing (published: before 06:30)
    air_cutoff_h: float = 1.5  # at the gateway airport before departure
    flight_kmh: float = 700.0
    flight_overhead_h: float = 0.5  # taxi, climb, descent per flight
    stop_ground_h: float = 1.0  # intermediate stop on a two-city route
    belly_min_km: float = 250.0  # hubs farther than this from a trunk stop fly belly-hold
    belly_departure_hours: tuple[float, ...] = (9.0, 15.0, 21.0)  # commercial flights
    local_kmh: float = 40.0  # collection/delivery vans
    feeder_kmh: float = 65.0  # centre ↔ hub trucks
    trunk_kmh: float = 75.0  # inter-province relay trucks (two drivers, expressways)
    detour_factor: float = 1.3  # road km per great-circle km (assumption)
    min_local_hours: float = 0.3
    miss_prob: float = 0.08  # calibrated: chance to miss each timetabled departure
    duration_sigma: float = 0.30  # calibrated: log-normal noise on travel times


@dataclass(frozen=True)
class Centre:
    """A mail processing centre at a prefecture-equivalent's seat."""

    code: str
    name: str
    lon: float
    lat: float
    cutoff_hours: tuple[float, ...]  # latest arrival for each night dispatch


@dataclass(frozen=True)
class TransitSummary:
    """Transit statistics between two localities (hours)."""

    origin: str
    destination: str
    distance_km: float
    mean_hours: float
    p50_hours: float
    p90_hours: float
    share_within_72h: float
    route: str


class EmsNetwork(AirLegs):
    """Centres, hubs, the Nanjing air hub and a stochastic transit model."""

    def __init__(self, params: EmsParameters | None = None) -> None:
        self.params = params or EmsParameters()
        self._gateway_route: dict[str, tuple[str, ...]] = {}
        for route in TRUNK_ROUTES:
            for stop in route:
                self._gateway_route[units.get(stop).province_code] = route
        self._gateways: dict[str, tuple[str, bool]] = {}
        self._air: dict[tuple[str, str], tuple[Leg, ...] | None] = {}
        self._pieces: dict[tuple[str, ...], tuple[Leg, ...]] = {}
        self._centres: dict[str, Centre] = {}
        self._hubs: dict[str, units.AdminUnit] = {}
        self._path = functools.lru_cache(maxsize=200_000)(self._build_path)
        self._collected_path = functools.lru_cache(maxsize=200_000)(self._build_collected_path)

    # ---- nodes ---------------------------------------------------------------------------
    def centre_for(self, code: str) -> Centre:
        """The processing centre serving a unit (its prefecture-equivalent's seat)."""
        found = self._centres.get(code)
        if found is None:
            found = self._centres[code] = self._find_centre(code)
        return found

    def _find_centre(self, code: str) -> Centre:
        unit = units.resolve(code)
        seat = unit if unit.level == "province" else units.ancestor_at(unit.code, "prefecture")
        if unit.level == "province" and unit.code not in units.MUNICIPALITIES:
            seat = units.get(unit.code[:2] + "0100")
        cutoffs = tuple(h - self.params.centre_cutoff_h for h in self.params.centre_dispatch_hours)
        return Centre(seat.code, seat.name, seat.lon, seat.lat, cutoffs)

    def centres(self) -> list[Centre]:
        """Every processing centre (one per prefecture-equivalent)."""
        codes = sorted(
            {self.centre_for(u.code).code for u in units.all_units() if u.level != "province"}
        )
        return [self.centre_for(c) for c in codes]

    def hub_for(self, code: str) -> units.AdminUnit:
        """The provincial hub (capital's seat) of the unit's province."""
        found = self._hubs.get(code)
        if found is None:
            found = self._hubs[code] = self._find_hub(code)
        return found

    def _find_hub(self, code: str) -> units.AdminUnit:
        province = units.get(units.resolve(code).province_code)
        return (
            province
            if province.code in units.MUNICIPALITIES
            else units.get(province.code[:2] + "0100")
        )

    # ---- paths ---------------------------------------------------------------------------
    def _road(
        self, kind: str, a: units.AdminUnit, b: units.AdminUnit, kmh: float, **kw: object
    ) -> Leg:
        hours = unit_km(a, b) * self.params.detour_factor / kmh
        if kind in ("collect", "deliver"):
            hours = max(hours, self.params.min_local_hours)
        return Leg(kind, a.code, b.code, hours, **kw)  # type: ignore[arg-type]

    def _memo(self, key: tuple[str, ...], build: Callable[[], tuple[Leg, ...]]) -> tuple[Leg, ...]:
        """A path piece built once (pieces recur across the many unit pairs of a run)."""
        found = self._pieces.get(key)
        if found is None:
            found = self._pieces[key] = build()
        return found

    def _build_path(self, origin: str, destination: str) -> tuple[tuple[Leg, ...], str]:
        p = self.params
        uo, ud = units.get(origin), units.get(destination)
        co, cd = self.centre_for(origin), self.centre_for(destination)
        node_o, node_d = units.get(co.code), units.get(cd.code)
        first = self._memo(
            ("first", origin),
            lambda: (
                self._road("collect", uo, node_o, p.local_kmh, departures=p.collection_hours),
                Leg("sort", co.code, co.code, p.sort_hours),
            ),
        )
        last = self._memo(
            ("last", destination),
            lambda: (
                self._road(
                    "deliver",
                    node_d,
                    ud,
                    p.local_kmh,
                    departures=p.delivery_hours,
                    cutoff_h=p.sort_hours,
                ),
            ),
        )
        if co.code == cd.code:
            return first + last, "local"
        dispatch = {"departures": p.centre_dispatch_hours, "cutoff_h": p.centre_cutoff_h}
        hub_o, hub_d = self.hub_for(origin), self.hub_for(destination)
        to_hub: tuple[Leg, ...] = ()
        if hub_o.code != co.code:
            to_hub = self._memo(
                ("to_hub", co.code, hub_o.code),
                lambda: (
                    self._road("road", node_o, hub_o, p.feeder_kmh, **dispatch),
                    Leg("sort", hub_o.code, hub_o.code, p.sort_hours),
                ),
            )
        from_hub: tuple[Leg, ...] = ()
        if hub_d.code != cd.code:
            feeder = {"departures": p.hub_feeder_hours, "cutoff_h": p.sort_hours}
            from_hub = self._memo(
                ("from_hub", hub_d.code, cd.code),
                lambda: (
                    self._road("road", hub_d, node_d, p.feeder_kmh, **feeder),
                    Leg("sort", cd.code, cd.code, p.sort_hours),
                ),
            )
        if uo.province_code == ud.province_code:
            if not to_hub:  # origin centre is the hub: night dispatch straight to the centre
                direct = self._memo(
                    ("direct", co.code, cd.code),
                    lambda: (
                        self._road("road", node_o, node_d, p.feeder_kmh, **dispatch),
                        Leg("sort", cd.code, cd.code, p.sort_hours),
                    ),
                )
                return first + direct + last, "province"
            return first + to_hub + from_hub + last, "province"
        if not to_hub:
            to_hub = self._memo(
                ("hub_dispatch", hub_o.code),
                lambda: (
                    Leg(
                        "sort",
                        hub_o.code,
                        hub_o.code,
                        0.0,
                        p.centre_dispatch_hours,
                        p.centre_cutoff_h,
                    ),
                ),
            )
        trunk = self._memo(
            ("trunk", hub_o.code, hub_d.code),
            lambda: (
                self._road("road", hub_o, hub_d, p.trunk_kmh, departures=p.hub_trunk_hours),
                Leg("sort", hub_d.code, hub_d.code, p.sort_hours),
            ),
        )
        options = {"road": first + to_hub + trunk + from_hub + last}
        air = self._air_legs(uo.province_code, ud.province_code)
        if air is not None:
            hub_sort = self._memo(
                ("hub_sort", hub_d.code),
                lambda: (Leg("sort", hub_d.code, hub_d.code, p.sort_hours),),
            )
            options["air"] = first + to_hub + air + hub_sort + from_hub + last
        best = min(options, key=lambda k: deterministic_arrival(options[k], 10.0))
        return options[best], best

    # ---- transit -------------------------------------------------------------------------
    def route(
        self, origin_code: str, destination_code: str, *, collected: bool = False
    ) -> tuple[tuple[Leg, ...], str]:
        """The legs (and mode: local/province/road/air) between two units.

        ``collected``: the item is already at the origin's centre; the collection leg from
        the origin locality is left out.
        """
        origin, destination = units.resolve(origin_code).code, units.resolve(destination_code).code
        if collected:
            return self._collected_path(origin, destination)
        return self._path(origin, destination)

    def _build_collected_path(self, origin: str, destination: str) -> tuple[tuple[Leg, ...], str]:
        """The path without its collection leg; a van's bags are sorted inside the cut-off
        margin (at the centre by ``Centre.cutoff_hours`` → makes that dispatch, nominally)."""
        legs, mode = self._path(origin, destination)
        if not legs or legs[0].kind != "collect":
            return legs, mode
        rest = list(legs[1:])
        if len(rest) > 1 and rest[0].kind == "sort" and rest[1].departures:
            rest[1] = replace(rest[1], cutoff_h=max(0.0, rest[1].cutoff_h - rest[0].hours))
        return tuple(rest), mode

    def sample_hours(
        self,
        origin_code: str,
        destination_code: str,
        send_hours: NDArray[np.float64],
        rng: np.random.Generator,
        *,
        collected: bool = False,
    ) -> NDArray[np.float64]:
        """Batched sampler: transit durations (hours) for send times (hours of day ≥ 0).

        ``collected``: send times are arrivals at the origin's centre (see :meth:`route`).
        """
        legs, _ = self.route(origin_code, destination_code, collected=collected)
        start = np.asarray(send_hours, dtype=float)
        arrival = sample_arrivals(
            legs, start, rng, self.params.miss_prob, self.params.duration_sigma
        )
        elapsed: np.ndarray = arrival - start
        return elapsed

    def transit(
        self,
        origin_code: str,
        destination_code: str,
        send_time: dt.datetime,
        rng: np.random.Generator,
        *,
        collected: bool = False,
    ) -> dt.datetime:
        """Arrival (at the destination office's locality) of one item posted at ``send_time``.

        ``collected=True``: ``send_time`` is the item's arrival at the origin's processing
        centre by a planned van; the EMS collection leg is skipped.
        """
        midnight = send_time.replace(hour=0, minute=0, second=0, microsecond=0)
        start_h = (send_time - midnight).total_seconds() / 3600.0
        hours = self.sample_hours(
            origin_code, destination_code, np.array([start_h]), rng, collected=collected
        )
        return send_time + dt.timedelta(hours=float(hours[0]))

    def summary(
        self, origin_code: str, destination_code: str, rng: np.random.Generator, samples: int = 4000
    ) -> TransitSummary:
        """Distance and transit statistics, send times uniform over 09:00–17:00."""
        if samples < 1:
            raise InputError(f"samples must be ≥ 1, got {samples}", field="samples")
        uo, ud = units.resolve(origin_code), units.resolve(destination_code)
        send = rng.uniform(9.0, 17.0, samples)
        hours = self.sample_hours(uo.code, ud.code, send, rng)
        _, mode = self.route(uo.code, ud.code)
        return TransitSummary(
            origin=f"{uo.code} {uo.name}",
            destination=f"{ud.code} {ud.name}",
            distance_km=round(unit_km(uo, ud), 1),
            mean_hours=round(float(hours.mean()), 2),
            p50_hours=round(float(np.percentile(hours, 50)), 2),
            p90_hours=round(float(np.percentile(hours, 90)), 2),
            share_within_72h=round(float((hours <= 72.0).mean()), 4),
            route=mode,
        )


@functools.cache
def default_network() -> EmsNetwork:
    """The network with default parameters (built once)."""
    return EmsNetwork()
