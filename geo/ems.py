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
import itertools
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from geo import units
from geo.crs import geodesic_m
from geo.ems_schedule import Leg, deterministic_arrival, sample_arrivals
from tongban.kernel.errors import InputError

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


class EmsNetwork:
    """Centres, hubs, the Nanjing air hub and a stochastic transit model."""

    def __init__(self, params: EmsParameters | None = None) -> None:
        self.params = params or EmsParameters()
        self._gateway_route: dict[str, tuple[str, ...]] = {}
        for route in TRUNK_ROUTES:
            for stop in route:
                self._gateway_route[units.get(stop).province_code] = route
        self._gateways: dict[str, tuple[str, bool]] = {}
        self._air: dict[tuple[str, str], tuple[Leg, ...] | None] = {}
        self._path = functools.lru_cache(maxsize=200_000)(self._build_path)
        self._collected_path = functools.lru_cache(maxsize=200_000)(self._build_collected_path)

    # ---- nodes ---------------------------------------------------------------------------
    def centre_for(self, code: str) -> Centre:
        """The processing centre serving a unit (its prefecture-equivalent's seat)."""
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
        province = units.get(units.resolve(code).province_code)
        return (
            province
            if province.code in units.MUNICIPALITIES
            else units.get(province.code[:2] + "0100")
        )

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
        dists = [_km(hub, units.get(s)) for s in stops]
        best = int(np.argmin(dists))
        if dists[best] > self.params.belly_min_km:
            return hub.code, True
        return stops[best], False

    # ---- paths ---------------------------------------------------------------------------
    def _road(
        self, kind: str, a: units.AdminUnit, b: units.AdminUnit, kmh: float, **kw: object
    ) -> Leg:
        hours = _km(a, b) * self.params.detour_factor / kmh
        if kind in ("collect", "deliver"):
            hours = max(hours, self.params.min_local_hours)
        return Leg(kind, a.code, b.code, hours, **kw)  # type: ignore[arg-type]

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
        km = sum(_km(a, b) for a, b in itertools.pairwise(chain))
        flights = len(chain) - 1
        return km / p.flight_kmh + flights * p.flight_overhead_h + (flights - 1) * p.stop_ground_h

    def _build_path(self, origin: str, destination: str) -> tuple[tuple[Leg, ...], str]:
        p = self.params
        uo, ud = units.get(origin), units.get(destination)
        co, cd = self.centre_for(origin), self.centre_for(destination)
        node_o, node_d = units.get(co.code), units.get(cd.code)
        first = (
            self._road("collect", uo, node_o, p.local_kmh, departures=p.collection_hours),
            Leg("sort", co.code, co.code, p.sort_hours),
        )
        last = (
            self._road(
                "deliver",
                node_d,
                ud,
                p.local_kmh,
                departures=p.delivery_hours,
                cutoff_h=p.sort_hours,
            ),
        )
        if co.code == cd.code:
            return first + last, "local"
        dispatch = {"departures": p.centre_dispatch_hours, "cutoff_h": p.centre_cutoff_h}
        hub_o, hub_d = self.hub_for(origin), self.hub_for(destination)
        to_hub: tuple[Leg, ...] = ()
        if hub_o.code != co.code:
            to_hub = (
                self._road("road", node_o, hub_o, p.feeder_kmh, **dispatch),
                Leg("sort", hub_o.code, hub_o.code, p.sort_hours),
            )
        from_hub: tuple[Leg, ...] = ()
        if hub_d.code != cd.code:
            feeder = {"departures": p.hub_feeder_hours, "cutoff_h": p.sort_hours}
            from_hub = (
                self._road("road", hub_d, node_d, p.feeder_kmh, **feeder),
                Leg("sort", cd.code, cd.code, p.sort_hours),
            )
        if uo.province_code == ud.province_code:
            if not to_hub:  # origin centre is the hub: night dispatch straight to the centre
                direct = self._road("road", node_o, node_d, p.feeder_kmh, **dispatch)
                sort = Leg("sort", cd.code, cd.code, p.sort_hours)
                return (*first, direct, sort, *last), "province"
            return first + to_hub + from_hub + last, "province"
        if not to_hub:
            to_hub = (
                Leg(
                    "sort", hub_o.code, hub_o.code, 0.0, p.centre_dispatch_hours, p.centre_cutoff_h
                ),
            )
        trunk = (
            self._road("road", hub_o, hub_d, p.trunk_kmh, departures=p.hub_trunk_hours),
            Leg("sort", hub_d.code, hub_d.code, p.sort_hours),
        )
        options = {"road": first + to_hub + trunk + from_hub + last}
        air = self._air_legs(uo.province_code, ud.province_code)
        if air is not None:
            options["air"] = (
                first
                + to_hub
                + air
                + (Leg("sort", hub_d.code, hub_d.code, p.sort_hours),)
                + from_hub
                + last
            )
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
            distance_km=round(_km(uo, ud), 1),
            mean_hours=round(float(hours.mean()), 2),
            p50_hours=round(float(np.percentile(hours, 50)), 2),
            p90_hours=round(float(np.percentile(hours, 90)), 2),
            share_within_72h=round(float((hours <= 72.0).mean()), 4),
            route=mode,
        )


def _km(a: units.AdminUnit, b: units.AdminUnit) -> float:
    return _km_between(a.lon, a.lat, b.lon, b.lat)


@functools.lru_cache(maxsize=1_000_000)
def _km_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic km between two points (cached: the same few legs recur in every path)."""
    return float(geodesic_m(lon1, lat1, lon2, lat2)) / 1000.0


@functools.cache
def default_network() -> EmsNetwork:
    """The network with default parameters (built once)."""
    return EmsNetwork()
