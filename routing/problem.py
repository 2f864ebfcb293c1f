"""The routing problem: a depot, stops with time windows, a fleet and integer matrices.

Everything is frozen and integer: matrices, demands, windows and service times are in the
problem's own units (``distance_unit`` / ``time_unit``) so every backend sees exactly the
same numbers and the checker can recompute costs without rounding drift. Index 0 of each
matrix is the depot; stop ``i`` (0-based in :attr:`RoutingProblem.stops`) is matrix row
``i + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tongban.kernel.errors import InputError

IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Depot:
    """The mail processing centre: vehicles leave from and return to it.

    ``tw_close`` is the centre's cut-off: every vehicle must be back by then.
    """

    name: str
    x: float
    y: float
    tw_open: int = 0
    tw_close: int = 2**40


@dataclass(frozen=True)
class Stop:
    """A place to visit once: a window (hall) with parcels to collect.

    ``id`` is the caller's identifier (a window id or a benchmark customer number).
    """

    id: str
    x: float
    y: float
    demand: int
    service: int
    tw_open: int
    tw_close: int


@dataclass(frozen=True)
class VehicleType:
    """``count`` identical vehicles.

    ``fixed_cost`` is paid once per used vehicle; ``unit_distance_cost`` per matrix
    distance unit, both in the problem's cost unit. ``shift_start``/``shift_end`` bound
    departure from and return to the depot.
    """

    count: int
    capacity: int
    fixed_cost: int = 0
    unit_distance_cost: int = 1
    shift_start: int = 0
    shift_end: int = 2**40
    name: str = "vehicle"


@dataclass(frozen=True, eq=False)
class RoutingProblem:
    """A capacitated vehicle routing problem with time windows (VRPTW).

    Attributes:
        name: instance or scenario name.
        depot: the centre.
        stops: the places to visit.
        vehicle_types: the fleet.
        distance: ``(n+1, n+1)`` int64 distances in ``distance_unit``s.
        duration: ``(n+1, n+1)`` int64 travel times in ``time_unit``s.
        distance_scale: matrix units per reported distance unit (10 for DIMACS, 1000 for
            metres reported as km).
        time_scale: matrix units per reported minute.
        geographic: True when ``x``/``y`` are longitude/latitude (EPSG:4326).
    """

    name: str
    depot: Depot
    stops: tuple[Stop, ...]
    vehicle_types: tuple[VehicleType, ...]
    distance: IntMatrix
    duration: IntMatrix
    distance_scale: float = 1.0
    time_scale: float = 1.0
    geographic: bool = False

    def __post_init__(self) -> None:
        n = len(self.stops) + 1
        for label, matrix in (("distance", self.distance), ("duration", self.duration)):
            if matrix.shape != (n, n):
                raise InputError(
                    f"{label} matrix has shape {matrix.shape}; expected ({n}, {n}) "
                    "(depot + one row per stop)",
                    field=label,
                )
            if matrix.dtype != np.int64:
                raise InputError(f"{label} matrix must be int64, got {matrix.dtype}", field=label)
            if matrix.size and int(matrix.min()) < 0:
                raise InputError(f"{label} matrix has negative entries", field=label)
            frozen = np.array(matrix, dtype=np.int64, copy=True)  # never freeze the caller's
            frozen.setflags(write=False)
            object.__setattr__(self, label, frozen)
        if not self.vehicle_types:
            raise InputError("the fleet is empty: give at least one vehicle type", field="vehicles")
        for vt in self.vehicle_types:
            if vt.count < 1 or vt.capacity < 0:
                raise InputError(
                    f"vehicle type {vt.name!r}: count must be >= 1 and capacity >= 0",
                    field="vehicles",
                )
            if vt.shift_end < vt.shift_start:
                raise InputError(
                    f"vehicle type {vt.name!r}: shift_end before shift_start", field="vehicles"
                )
        if self.depot.tw_close < self.depot.tw_open:
            raise InputError("depot closes (cut-off) before it opens", field="depot")
        seen: set[str] = set()
        for stop in self.stops:
            if stop.id in seen:
                raise InputError(f"duplicate stop id {stop.id!r}", field="stops")
            seen.add(stop.id)
            if stop.demand < 0 or stop.service < 0:
                raise InputError(
                    f"stop {stop.id!r}: demand and service time must be >= 0", field="stops"
                )

    @property
    def num_stops(self) -> int:
        """Number of stops (matrix size minus the depot)."""
        return len(self.stops)

    @property
    def num_vehicles(self) -> int:
        """Total vehicles over all types."""
        return sum(vt.count for vt in self.vehicle_types)

    def vehicle_type_of(self, vehicle: int) -> VehicleType:
        """The type of the ``vehicle``-th vehicle (vehicles numbered type by type)."""
        for vt in self.vehicle_types:
            if vehicle < vt.count:
                return vt
            vehicle -= vt.count
        raise IndexError(vehicle)

    def subproblem(self, stop_indices: list[int], name: str | None = None) -> RoutingProblem:
        """The same problem restricted to the given stops (0-based indices into ``stops``)."""
        rows = np.array([0, *[i + 1 for i in stop_indices]], dtype=np.int64)
        return RoutingProblem(
            name=name or self.name,
            depot=self.depot,
            stops=tuple(self.stops[i] for i in stop_indices),
            vehicle_types=self.vehicle_types,
            distance=np.ascontiguousarray(self.distance[np.ix_(rows, rows)]),
            duration=np.ascontiguousarray(self.duration[np.ix_(rows, rows)]),
            distance_scale=self.distance_scale,
            time_scale=self.time_scale,
            geographic=self.geographic,
        )
