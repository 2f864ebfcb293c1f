"""Readers for benchmark instances: Solomon ``.txt``, VRPLIB ``.vrp`` and ``.sol`` files.

Conventions (see ``../shared/bench/README.md``): instances with time windows use the
CVRPLIB/DIMACS convention (Euclidean distance ×10, truncated; travel time equal to
distance; windows and service times ×10 as well), so reported distances are matrix
units / 10. Capacitated instances without time windows (Uchoa X) use TSPLIB ``EUC_2D``
(Euclidean distance rounded to the nearest integer). Malformed files raise
:class:`tongban.kernel.errors.InputError` naming the file and line; sizes (file bytes,
customers, vehicles, coordinate magnitude) are checked against :mod:`tongban.kernel.limits`
before any matrix is allocated.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from routing.problem import Depot, RoutingProblem, Stop, VehicleType
from tongban.kernel.errors import InputError
from tongban.kernel.inputfiles import read_text_bounded
from tongban.kernel.limits import check_at_most, limits

DIMACS = "dimacs"  # ×10, truncated
TSPLIB = "tsplib"  # nearest integer
DIMACS_SCALE = 10
UNBOUNDED_TIME = 2**40


@dataclass(frozen=True, eq=False)
class BenchmarkInstance:
    """A benchmark instance with its raw data (for the checker) and its routing problem.

    Row 0 of the arrays is the depot. ``customer_numbers[i]`` is the file's number of
    stop ``i`` (what ``.sol`` files and ``tongban route --json`` use).
    """

    name: str
    coords: npt.NDArray[np.float64]
    demand: npt.NDArray[np.int64]
    ready: npt.NDArray[np.float64]  # file units; matrix units = scaled_time(value, scale)
    due: npt.NDArray[np.float64]
    service: npt.NDArray[np.float64]
    capacity: int
    vehicles: int
    convention: str
    customer_numbers: tuple[int, ...]
    problem: RoutingProblem

    @property
    def has_time_windows(self) -> bool:
        """True for VRPTW instances."""
        return self.convention == DIMACS


@dataclass(frozen=True)
class BenchmarkSolution:
    """A ``.sol`` file: routes as customer numbers and the stated cost."""

    routes: tuple[tuple[int, ...], ...]
    cost: float | None


def euclidean_matrix(coords: npt.NDArray[np.float64], convention: str) -> npt.NDArray[np.int64]:
    """Integer Euclidean distances under ``convention`` (DIMACS ×10 truncated, or TSPLIB)."""
    diff = coords[:, None, :] - coords[None, :, :]
    squared = (diff**2).sum(axis=2)
    if convention == DIMACS:
        scaled = squared * DIMACS_SCALE**2
        matrix = np.floor(np.sqrt(scaled)).astype(np.int64)
        if np.allclose(coords, np.round(coords)):  # exact integer square root, no float drift
            exact = np.round(scaled).astype(np.int64)
            matrix += ((matrix + 1) ** 2 <= exact).astype(np.int64)
            matrix -= (matrix**2 > exact).astype(np.int64)
        dimacs: np.ndarray[Any, np.dtype[np.int64]] = matrix
        return dimacs
    if convention == TSPLIB:
        tsplib: np.ndarray[Any, np.dtype[np.int64]] = np.floor(np.sqrt(squared) + 0.5).astype(
            np.int64
        )
        return tsplib
    raise InputError(f"unknown distance convention {convention!r}; use 'dimacs' or 'tsplib'")


MAX_VALUE = 2.0**53  # beyond this, integers are not exact as floats (and overflow int64)


def _number(token: str, path: Path, line: int) -> float:
    try:
        value = float(token)
    except ValueError:
        raise InputError(f"{path}:{line}: expected a number, got {token!r}") from None
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        raise InputError(f"{path}:{line}: expected a finite number below 2^53, got {token!r}")
    return value


def _integer(token: str, path: Path, line: int) -> int:
    value = _number(token, path, line)
    if not value.is_integer():
        raise InputError(f"{path}:{line}: expected an integer, got {token!r}")
    return int(value)


def scaled_time(value: float, scale: int) -> int:
    """A time or service value in matrix units: ×``scale`` and truncated (DIMACS).

    ``10.7`` → 107 and ``2.5`` → 25 under ×10; the tiny offset absorbs float error
    (10.7 × 10 = 107.00000000000001, 1.15 × 10 = 11.499999999999998 → 11).
    """
    return math.floor(round(float(value) * scale, 6))


def _check_row(
    path: Path, line: int, no: int, demand: int, ready: float, due: float, service: float
) -> None:
    """Per-node checks shared by both formats."""
    if demand < 0:
        raise InputError(f"{path}:{line}: node {no}: demand {demand} must be >= 0")
    if ready < 0 or service < 0:
        raise InputError(f"{path}:{line}: node {no}: ready time and service must be >= 0")
    if ready > due:
        raise InputError(f"{path}:{line}: ready time {ready:g} after due date {due:g}")


Row = tuple[int, float, float, int, float, float, float]  # no, x, y, demand, ready, due, service


def check_size(name: str, customers: int, vehicles: int) -> None:
    """Refuse instances beyond ``TONGBAN_LIMIT_CUSTOMERS`` / ``TONGBAN_LIMIT_VEHICLES``."""
    check_at_most(f"{name}: customers", customers, "customers")
    check_at_most(f"{name}: vehicles", vehicles, "vehicles")


def build_instance(
    name: str,
    rows: list[Row],
    capacity: int,
    vehicles: int,
    convention: str,
) -> BenchmarkInstance:
    """Assemble arrays and the routing problem from ``(no, x, y, demand, ready, due, service)``."""
    check_size(name, len(rows) - 1, vehicles)
    for row in rows:
        check_at_most(
            f"{name}: node {row[0]} |coordinate|", max(abs(row[1]), abs(row[2])), "coordinate"
        )
    coords = np.array([[r[1], r[2]] for r in rows], dtype=np.float64)
    demand = np.array([r[3] for r in rows], dtype=np.int64)
    ready = np.array([r[4] for r in rows], dtype=np.float64)
    due = np.array([r[5] for r in rows], dtype=np.float64)
    service = np.array([r[6] for r in rows], dtype=np.float64)
    distance = euclidean_matrix(coords, convention)
    scale = DIMACS_SCALE if convention == DIMACS else 1
    depot = Depot(
        name=str(rows[0][0]),
        x=rows[0][1],
        y=rows[0][2],
        tw_open=scaled_time(ready[0], scale),
        tw_close=scaled_time(due[0], scale),
    )
    stops = tuple(
        Stop(
            id=str(r[0]),
            x=r[1],
            y=r[2],
            demand=r[3],
            service=scaled_time(r[6], scale),
            tw_open=scaled_time(r[4], scale),
            tw_close=scaled_time(r[5], scale),
        )
        for r in rows[1:]
    )
    problem = RoutingProblem(
        name=name,
        depot=depot,
        stops=stops,
        vehicle_types=(VehicleType(count=vehicles, capacity=capacity),),
        distance=distance,
        duration=distance.copy(),
        distance_scale=float(scale),
        time_scale=float(scale),
    )
    return BenchmarkInstance(
        name=name,
        coords=coords,
        demand=demand,
        ready=ready,
        due=due,
        service=service,
        capacity=capacity,
        vehicles=vehicles,
        convention=convention,
        customer_numbers=tuple(r[0] for r in rows[1:]),
        problem=problem,
    )


def read_solomon(path: str | Path) -> BenchmarkInstance:
    """Read a Solomon VRPTW ``.txt`` file (name, VEHICLE block, CUSTOMER table)."""
    path = Path(path)
    lines = _read_lines(path)
    name = next((ln.strip() for ln in lines if ln.strip()), "")
    if not name:
        raise InputError(f"{path}: empty file")
    vehicles = capacity = None
    rows: list[Row] = []
    seen: dict[int, int] = {}
    section = ""
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        upper = text.upper()
        if not text:
            continue
        if upper.startswith("VEHICLE"):
            section = "vehicle"
            continue
        if upper.startswith("CUSTOMER"):
            section = "customer"
            continue
        if upper.startswith(("NUMBER", "CUST")) or text == name:
            continue
        fields = text.split()
        if section == "vehicle":
            if len(fields) != 2:
                raise InputError(f"{path}:{number}: expected 'NUMBER CAPACITY', got {text!r}")
            vehicles, capacity = (_integer(f, path, number) for f in fields)
            if vehicles < 1 or capacity < 1:
                raise InputError(
                    f"{path}:{number}: vehicle NUMBER and CAPACITY must be >= 1, got {text!r}"
                )
            check_at_most(f"{path}:{number}: vehicle NUMBER", vehicles, "vehicles")
        elif section == "customer":
            if len(fields) != 7:
                raise InputError(
                    f"{path}:{number}: expected 7 fields (no, x, y, demand, ready, due, "
                    f"service), got {len(fields)}"
                )
            no = _integer(fields[0], path, number)
            x, y = _number(fields[1], path, number), _number(fields[2], path, number)
            dem, rdy, due, srv = (_integer(f, path, number) for f in fields[3:])
            _check_row(path, number, no, dem, rdy, due, srv)
            if no in seen:
                raise InputError(
                    f"{path}:{number}: customer number {no} already used on line {seen[no]}"
                )
            seen[no] = number
            rows.append((no, x, y, dem, rdy, due, srv))
            if len(rows) - 1 > limits().customers:
                check_at_most(f"{path}:{number}: customers", len(rows) - 1, "customers")
        else:
            raise InputError(f"{path}:{number}: unexpected line {text!r} before VEHICLE/CUSTOMER")
    if vehicles is None or capacity is None:
        raise InputError(f"{path}: no VEHICLE section with NUMBER and CAPACITY")
    if len(rows) < 2:
        raise InputError(f"{path}: CUSTOMER section needs the depot and at least one customer")
    return build_instance(name, rows, capacity, vehicles, DIMACS)


_SECTIONS = (
    "NODE_COORD_SECTION",
    "DEMAND_SECTION",
    "TIME_WINDOW_SECTION",
    "SERVICE_TIME_SECTION",
    "DEPOT_SECTION",
)


def _header_int(
    header: dict[str, tuple[str, int]], key: str, path: Path, default: int | None = None
) -> int:
    if key not in header:
        if default is None:
            raise InputError(f"{path}: header needs an integer {key}")
        return default
    value, line = header[key]
    return _integer(value, path, line)


def read_vrplib(path: str | Path) -> BenchmarkInstance:
    """Read a VRPLIB ``.vrp`` file (CVRP or VRPTW, explicit coordinates, one depot).

    Fractional time windows and service times are kept and scaled ×10 with truncation
    (DIMACS), like distances.
    """
    path = Path(path)
    lines = _read_lines(path)
    header: dict[str, tuple[str, int]] = {}
    data: dict[str, dict[int, tuple[list[float], int]]] = {s: {} for s in _SECTIONS}
    depots: list[int] = []
    section = ""
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text == "EOF":
            continue
        key = text.split()[0].rstrip(":").upper()
        if key in _SECTIONS:
            section = key
            continue
        if not section and ":" in text:
            k, _, v = text.partition(":")
            header[k.strip().upper()] = (v.strip(), number)
            continue
        fields = text.split()
        if section == "DEPOT_SECTION":
            value = _integer(fields[0], path, number)
            if value != -1:
                depots.append(value)
            continue
        if not section:
            raise InputError(f"{path}:{number}: expected 'KEY : value' or a section, got {text!r}")
        want = {"NODE_COORD_SECTION": 3, "TIME_WINDOW_SECTION": 3}.get(section, 2)
        if len(fields) != want:
            raise InputError(f"{path}:{number}: {section} rows need {want} fields, got {text!r}")
        node = _integer(fields[0], path, number)
        if node in data[section]:
            raise InputError(
                f"{path}:{number}: node {node} already listed in {section} on line "
                f"{data[section][node][1]}"
            )
        data[section][node] = ([_number(f, path, number) for f in fields[1:]], number)
    if "DIMENSION" not in header or "CAPACITY" not in header:
        raise InputError(f"{path}: header needs integer DIMENSION and CAPACITY")
    dimension = _header_int(header, "DIMENSION", path)
    capacity = _header_int(header, "CAPACITY", path)
    if dimension < 2:
        raise InputError(f"{path}:{header['DIMENSION'][1]}: DIMENSION must be >= 2 (depot + 1)")
    if capacity < 1:
        raise InputError(f"{path}:{header['CAPACITY'][1]}: CAPACITY must be >= 1, got {capacity}")
    check_at_most(f"{path}:{header['DIMENSION'][1]}: DIMENSION - 1", dimension - 1, "customers")
    vehicles = _header_int(header, "VEHICLES", path, default=dimension - 1)
    if vehicles < 1:
        raise InputError(f"{path}:{header['VEHICLES'][1]}: VEHICLES must be >= 1, got {vehicles}")
    check_at_most(f"{path}:{header.get('VEHICLES', ('', 0))[1]}: VEHICLES", vehicles, "vehicles")
    default_service = 0.0
    if "SERVICE_TIME" in header:
        default_service = _number(header["SERVICE_TIME"][0], path, header["SERVICE_TIME"][1])
    edge_type = header.get("EDGE_WEIGHT_TYPE", ("EUC_2D", 0))[0]
    if edge_type != "EUC_2D":
        raise InputError(f"{path}: EDGE_WEIGHT_TYPE {edge_type!r}; only EUC_2D")
    if depots and depots != [1]:
        raise InputError(f"{path}: only a single depot numbered 1 is supported, got {depots}")
    for name, rows_of in data.items():
        for node, (_, line) in rows_of.items():
            if not 1 <= node <= dimension:
                raise InputError(
                    f"{path}:{line}: {name} lists node {node}; DIMENSION is {dimension}"
                )
    coords = data["NODE_COORD_SECTION"]
    if sorted(coords) != list(range(1, dimension + 1)):
        raise InputError(f"{path}: NODE_COORD_SECTION must list nodes 1..{dimension}")
    if not data["DEMAND_SECTION"]:
        raise InputError(f"{path}: no DEMAND_SECTION (every node needs a demand)")
    has_tw = bool(data["TIME_WINDOW_SECTION"])
    rows: list[Row] = []
    for node in range(1, dimension + 1):
        (x, y), _ = coords[node]
        if node not in data["DEMAND_SECTION"]:
            raise InputError(f"{path}: DEMAND_SECTION has no row for node {node}")
        (demand, *_), line = data["DEMAND_SECTION"][node]
        if not demand.is_integer() or demand < 0:
            raise InputError(
                f"{path}:{line}: node {node}: demand {demand:g} must be an integer >= 0"
            )
        unbounded = ([0.0, float(UNBOUNDED_TIME)], line)
        (ready, due), tw_line = data["TIME_WINDOW_SECTION"].get(node, unbounded)
        (service, *_), service_line = data["SERVICE_TIME_SECTION"].get(
            node, ([default_service], line)
        )
        service = 0.0 if node == 1 else service
        _check_row(path, tw_line, node, 0, ready, due, 0.0)
        _check_row(path, service_line, node, 0, 0.0, 0.0, service)
        rows.append((node - 1, x, y, int(demand), ready, due, service))
    name = header.get("NAME", (path.stem, 0))[0]
    return build_instance(name, rows, capacity, vehicles, DIMACS if has_tw else TSPLIB)


def read_instance(path: str | Path) -> BenchmarkInstance:
    """Read a Solomon ``.txt`` or VRPLIB ``.vrp`` file, chosen by its extension."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"instance file {path} does not exist", field="instance")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return read_solomon(path)
    if suffix == ".vrp":
        return read_vrplib(path)
    raise InputError(f"instance {path}: unknown format {suffix!r}; use .txt (Solomon) or .vrp")


_ROUTE = re.compile(r"^Route\s*#\s*\d+\s*:(.*)$", re.IGNORECASE)


def read_solution(path: str | Path) -> BenchmarkSolution:
    """Read a CVRPLIB ``.sol`` file: ``Route #k: c1 c2 ...`` lines and ``Cost X``."""
    path = Path(path)
    routes: list[tuple[int, ...]] = []
    cost: float | None = None
    for number, raw in enumerate(_read_lines(path), start=1):
        text = raw.strip()
        if not text:
            continue
        match = _ROUTE.match(text)
        if match:
            routes.append(tuple(_integer(t, path, number) for t in match.group(1).split()))
        elif text.lower().startswith("cost"):
            cost = _number(text.split()[-1], path, number)
        else:
            raise InputError(f"{path}:{number}: expected 'Route #k: ...' or 'Cost X', got {text!r}")
    return BenchmarkSolution(routes=tuple(routes), cost=cost)


def _read_lines(path: Path) -> list[str]:
    return read_text_bounded(path, "instance").splitlines()
