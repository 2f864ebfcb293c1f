"""A routing job's work: the request → a :class:`~routing.problem.RoutingProblem` → routes.

Two forms: depot + stops + vehicles (lon/lat; road distances and times from the geo layer,
as ``tongban route`` plans a scenario's pickups) or a benchmark file's text (Solomon
``.txt`` / VRPLIB ``.vrp``, read by :mod:`routing.readers`). The result lists each route's
stops with arrival times, its distance, the unserved stops with reasons, and GeoJSON.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from api.models.routing_jobs import RoutingJobCreate, RoutingJobResult
from routing.build import DepotSite, VehicleSpec, WindowSite, build_problem
from routing.problem import RoutingProblem
from routing.readers import read_solomon, read_vrplib
from routing.result import RoutingResult
from routing.solve import solve
from routing.stopping import StoppingCriterion
from tongban.kernel.clock import format_clock, parse_clock
from tongban.kernel.errors import InputError

SUFFIX = {"solomon": ".txt", "vrplib": ".vrp"}


def read_instance_text(fmt: str, text: str) -> RoutingProblem:
    """Parse a benchmark file's text (errors name the line, not a temporary path)."""
    with tempfile.TemporaryDirectory(prefix="tongban-job-") as folder:
        path = Path(folder) / f"instance{SUFFIX[fmt]}"
        path.write_text(text, encoding="utf-8")
        try:
            instance = read_solomon(path) if fmt == "solomon" else read_vrplib(path)
        except InputError as exc:
            raise InputError(
                str(exc).replace(str(path), "instance.text"), field="instance.text"
            ) from None
    return instance.problem


def _minutes(text: str) -> int:
    return int(parse_clock(text))


def build(job: RoutingJobCreate) -> RoutingProblem:
    """The routing problem a job describes."""
    if job.instance is not None:
        return read_instance_text(job.instance.format, job.instance.text)
    assert job.depot is not None and job.stops is not None and job.vehicles is not None
    depot = DepotSite(
        name=job.depot.name,
        lon=job.depot.lon,
        lat=job.depot.lat,
        open_min=_minutes(job.depot.open),
        cutoff_min=_minutes(job.depot.cutoff),
    )
    windows = [
        WindowSite(
            id=s.id,
            lon=s.lon,
            lat=s.lat,
            open_min=_minutes(s.open),
            close_min=_minutes(s.close),
            daily_parcels=float(s.demand),
            service_min=s.service_minutes,
        )
        for s in job.stops
    ]
    vehicles = [
        VehicleSpec(
            count=v.count,
            capacity=v.capacity,
            cost_per_km=v.cost_per_km,
            cost_per_vehicle=v.cost_per_vehicle,
            shift_start_min=_minutes(v.shift_start),
            shift_end_min=_minutes(v.shift_end),
            name=v.name,
        )
        for v in job.vehicles
    ]
    return build_problem(depot, windows, vehicles, name="routing job")


def num_stops(job: RoutingJobCreate) -> int:
    """How many stops a job has, counted from the text before anything is built.

    Parsing an instance builds its distance matrix (quadratic in the stops), so an instance
    file is sized from its header (VRPLIB ``DIMENSION``) or its customer lines (Solomon)
    first; only a file whose size the text does not state is parsed to count.
    """
    if job.stops is not None:
        return len(job.stops)
    assert job.instance is not None
    declared = _declared_stops(job.instance.format, job.instance.text)
    return declared if declared is not None else build(job).num_stops


def _declared_stops(fmt: str, text: str) -> int | None:
    """Stops an instance text declares (depot excluded), or None when it does not say."""
    if fmt == "vrplib":
        found = re.search(r"^\s*DIMENSION\s*:\s*(\d+)\s*$", text, flags=re.M)
        return max(int(found.group(1)) - 1, 0) if found else None
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if "CUST NO" in line.upper()), None)
    if header is None:
        return None
    rows = sum(1 for line in lines[header + 1 :] if line.strip())
    return max(rows - 1, 0)


def serialise(problem: RoutingProblem, result: RoutingResult, geographic: bool) -> dict[str, Any]:
    """The job's result as JSON (validated against :class:`RoutingJobResult`)."""
    scale = problem.distance_scale

    def when(t: int) -> str | float:
        return format_clock(t / 60.0) if geographic else round(t / problem.time_scale, 3)

    def distance(d: int) -> float:
        return round(d / 1000.0, 3) if geographic else round(d / scale, 3)

    depot = [problem.depot.x, problem.depot.y]
    routes, features = [], []
    for route in result.routes:
        stops = [problem.stops[s] for s in route.stops]
        routes.append(
            {
                "vehicle": route.vehicle,
                "stops": [
                    {"id": s.id, "arrival": when(a)}
                    for s, a in zip(stops, route.arrivals, strict=True)
                ],
                "distance": distance(route.distance),
                "start": when(route.start),
                "end": when(route.end),
                "load": route.load,
            }
        )
        coords = [depot, *([s.x, s.y] for s in stops), depot]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "vehicle": route.vehicle,
                    "stops": [s.id for s in stops],
                    "distance_km" if geographic else "distance": distance(route.distance),
                    "duration_h" if geographic else "duration": (
                        round(route.duration / 3600.0, 3)
                        if geographic
                        else round(route.duration / problem.time_scale, 3)
                    ),
                },
            }
        )
    body = {
        "status": str(result.status),
        "distance": distance(result.distance),
        "distance_unit": "km" if geographic else "instance units",
        "vehicles_used": result.num_vehicles,
        "routes": routes,
        "unserved": [{"id": u.stop_id, "reason": u.reason} for u in result.unserved],
        "geojson": {"type": "FeatureCollection", "features": features},
        "backend": result.backend,
        "seconds": round(result.seconds, 3),
    }
    return RoutingJobResult.model_validate(body).model_dump(mode="json")


def run_job(request: dict[str, Any], max_seconds: float) -> dict[str, Any]:
    """Solve a stored job request and return its JSON result."""
    job = RoutingJobCreate.model_validate(request)
    problem = build(job)
    seconds = min(job.seconds, max_seconds) if job.seconds is not None else max_seconds
    stop = StoppingCriterion(seconds=seconds, iterations=job.iterations)
    result = solve(problem, stop, seed=job.seed)
    return serialise(problem, result, geographic=job.instance is None)
