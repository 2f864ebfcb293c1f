"""Build a geographic :class:`RoutingProblem` from plain inputs.

Inputs are what a planner knows: the mail processing centre (position, opening time and
the cut-off for the night trunk/air departure), the windows (position, hall hours, daily
parcels) and the vehicles. Road distances and times come from the geo layer
(``geo.matrix.distance_duration_matrix(lons, lats) -> (int64 metres, int64 seconds)``);
a different function with that signature can be passed in (tests use a stand-in).

Units in the problem: distance in metres (``distance_scale`` 1000 → km), time in seconds
from midnight (``time_scale`` 60 → minutes), cost in 1/10,000 yuan so per-km costs keep
0.1-yuan resolution as integers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from geo.matrix import distance_duration_matrix, great_circle_m
from routing.problem import Depot, RoutingProblem, Stop, VehicleType
from tongban.kernel.errors import InputError

MatrixFunction = Callable[
    [Sequence[float], Sequence[float]], tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
]
COST_UNITS_PER_YUAN = 10_000
SECONDS_PER_MINUTE = 60
MAX_REACH_KM = 300.0  # a depot serves windows within this great-circle distance


@dataclass(frozen=True)
class DepotSite:
    """The prefecture's mail processing centre; ``cutoff_min``: last arrival for the trunk."""

    name: str
    lon: float
    lat: float
    open_min: int
    cutoff_min: int


@dataclass(frozen=True)
class WindowSite:
    """A 跨省通办 window to collect from: hall hours in minutes from midnight."""

    id: str
    lon: float
    lat: float
    open_min: int
    close_min: int
    daily_parcels: float
    service_min: float = 5.0  # assumption: hand-over of a sealed bag and signature


@dataclass(frozen=True)
class VehicleSpec:
    """A vehicle class: ``count`` vans of ``capacity`` parcels; costs in yuan."""

    count: int
    capacity: int
    cost_per_km: float
    cost_per_vehicle: float
    shift_start_min: int = 0
    shift_end_min: int = 24 * 60
    name: str = "van"


def _default_matrix(
    lons: Sequence[float], lats: Sequence[float]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    metres, seconds = distance_duration_matrix(lons, lats)
    return np.asarray(metres, dtype=np.int64), np.asarray(seconds, dtype=np.int64)


def road_matrix(
    lons: Sequence[float], lats: Sequence[float], matrix: MatrixFunction | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``(metres, seconds)`` between the points: ``matrix``, or the geo layer's road model."""
    return (matrix or _default_matrix)(lons, lats)


def validate_sites(
    depot: DepotSite, windows: Sequence[WindowSite], max_reach_km: float = MAX_REACH_KM
) -> None:
    """Reject impossible coordinates, a depot far outside the windows' area, bad hours."""
    for label, lon, lat in [(f"depot {depot.name}", depot.lon, depot.lat)] + [
        (f"window {w.id}", w.lon, w.lat) for w in windows
    ]:
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0) or math.isnan(lon + lat):
            raise InputError(f"{label}: lon/lat ({lon}, {lat}) outside [-180,180]×[-90,90]")
    if not windows:
        raise InputError("no windows to collect from", field="windows")
    # great-circle km from the depot (row 0) to every window, as the geo layer measures it
    from_depot_km = (
        great_circle_m(
            [depot.lon, *(w.lon for w in windows)], [depot.lat, *(w.lat for w in windows)]
        )[0, 1:]
        / 1000.0
    )
    far_index = int(np.argmax(from_depot_km))
    far, reach = windows[far_index], float(from_depot_km[far_index])
    if reach > max_reach_km:
        raise InputError(
            f"depot {depot.name} at ({depot.lon:.4f}, {depot.lat:.4f}) is {reach:.0f} km from "
            f"window {far.id}: outside the area it serves (at most {max_reach_km:g} km)",
            field="depot",
        )
    if not 0 <= depot.open_min < depot.cutoff_min <= 48 * 60:
        raise InputError(
            f"depot {depot.name}: need 0 <= open_min < cutoff_min <= 2880, got "
            f"{depot.open_min}, {depot.cutoff_min}",
            field="depot.cutoff",
        )
    for w in windows:
        if w.daily_parcels < 0 or w.service_min < 0:
            raise InputError(f"window {w.id}: daily_parcels and service_min must be >= 0")
        if not 0 <= w.open_min <= w.close_min <= 48 * 60:
            raise InputError(
                f"window {w.id}: need 0 <= open_min <= close_min, got {w.open_min}, {w.close_min}"
            )


def site_matrices(
    depot: DepotSite, windows: Sequence[WindowSite], matrix: MatrixFunction | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Road metres and seconds between the depot (row 0) and the windows."""
    lons = [depot.lon, *(w.lon for w in windows)]
    lats = [depot.lat, *(w.lat for w in windows)]
    metres, seconds = (matrix or _default_matrix)(lons, lats)
    n = len(lons)
    if metres.shape != (n, n) or seconds.shape != (n, n):
        raise InputError(f"distance matrix shape {metres.shape}; expected ({n}, {n})")
    return np.asarray(metres, dtype=np.int64), np.asarray(seconds, dtype=np.int64)


def vehicle_type(spec: VehicleSpec) -> VehicleType:
    """A :class:`VehicleType` in the problem's integer units."""
    if spec.count < 1 or spec.capacity < 1 or spec.cost_per_km < 0 or spec.cost_per_vehicle < 0:
        raise InputError(
            f"vehicles {spec.name!r}: count and capacity must be >= 1, costs >= 0",
            field="vehicles",
        )
    return VehicleType(
        count=spec.count,
        capacity=spec.capacity,
        fixed_cost=round(spec.cost_per_vehicle * COST_UNITS_PER_YUAN),
        unit_distance_cost=round(spec.cost_per_km * COST_UNITS_PER_YUAN / 1000),
        shift_start=spec.shift_start_min * SECONDS_PER_MINUTE,
        shift_end=spec.shift_end_min * SECONDS_PER_MINUTE,
        name=spec.name,
    )


def build_problem(
    depot: DepotSite,
    windows: Sequence[WindowSite],
    vehicles: Sequence[VehicleSpec],
    *,
    parcels: Sequence[int] | None = None,
    time_windows: Sequence[tuple[int, int]] | None = None,
    matrices: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None,
    matrix: MatrixFunction | None = None,
    name: str = "pickups",
    max_reach_km: float = MAX_REACH_KM,
) -> RoutingProblem:
    """A geographic VRPTW: collect every window once between its open and close times.

    ``parcels``/``time_windows`` (minutes) override each window's daily parcels and hall
    hours (batching uses them for one pickup slot); ``matrices`` reuses precomputed
    ``(metres, seconds)`` for depot + windows.
    """
    validate_sites(depot, windows, max_reach_km)
    if not vehicles:
        raise InputError("no vehicles given", field="vehicles")
    metres, seconds = matrices if matrices is not None else site_matrices(depot, windows, matrix)
    loads = parcels if parcels is not None else [math.ceil(w.daily_parcels) for w in windows]
    hours = (
        time_windows if time_windows is not None else [(w.open_min, w.close_min) for w in windows]
    )
    stops = tuple(
        Stop(
            id=w.id,
            x=w.lon,
            y=w.lat,
            demand=int(load),
            service=round(w.service_min * SECONDS_PER_MINUTE),
            tw_open=int(lo) * SECONDS_PER_MINUTE,
            tw_close=int(hi) * SECONDS_PER_MINUTE,
        )
        for w, load, (lo, hi) in zip(windows, loads, hours, strict=True)
    )
    return RoutingProblem(
        name=name,
        depot=Depot(
            name=depot.name,
            x=depot.lon,
            y=depot.lat,
            tw_open=depot.open_min * SECONDS_PER_MINUTE,
            tw_close=depot.cutoff_min * SECONDS_PER_MINUTE,
        ),
        stops=stops,
        vehicle_types=tuple(vehicle_type(v) for v in vehicles),
        distance=np.ascontiguousarray(metres, dtype=np.int64),
        duration=np.ascontiguousarray(seconds, dtype=np.int64),
        distance_scale=1000.0,
        time_scale=float(SECONDS_PER_MINUTE),
        geographic=True,
    )
