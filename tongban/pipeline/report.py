"""The one report writer: every file of a run written once, from typed rows, atomically.

A run's report folder holds the simulation's tables (``turnaround``, ``windows``,
``staffing``, ``matter_staffing``, ``offices``, ``trips_saved``, ``pickups``), the routing
stage's (``pickups`` — the planned pickups replace the fixed ones —, ``unserved``,
``tradeoff``, plus ``routes.geojson``, ``routing.json`` and ``routes.png``), the staffing
stage's (``staffing_plan``, ``roster``, ``office_staffing``), ``places`` (the Chinese
names of windows, offices and EMS centres), ``map.png`` for a scenario with a locality, the
per-case ``trace/`` when asked, ``summary.json``, and ``report.html`` — the page for people,
rendered by :func:`tongban.present.render_report` from the same tables.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from routing.outputs import PlannedPickupRow, TradeoffRow, routes_geojson
from routing.scenario import ScenarioPlan, UnservedWindow
from sim.report import simulation_tables, summary_dict
from sim.staffing.outputs import staffing_tables
from tongban import __version__
from tongban.kernel.tables import write_csv
from tongban.pipeline.folder import atomic_folder
from tongban.pipeline.stages import RunResult
from tongban.present import PlaceRow, render_report, scenario_places, table_frames

Tables = dict[str, tuple[type, Sequence[Any]]]  # file stem → (row dataclass, rows)


def routing_tables(plan: ScenarioPlan) -> Tables:
    """The routing stage's tables."""
    return {
        "pickups": (PlannedPickupRow, plan.pickup_rows()),
        "unserved": (UnservedWindow, list(plan.unserved_windows())),
        "tradeoff": (TradeoffRow, plan.tradeoff_rows()),
    }


def routing_documents(plan: ScenarioPlan) -> dict[str, str]:
    """The routing stage's JSON files (name → text)."""
    return {
        "routes.geojson": json.dumps(routes_geojson(plan.chosen), ensure_ascii=False, indent=1),
        "routing.json": json.dumps(plan.metadata(), indent=1),
    }


def report_tables(result: RunResult) -> Tables:
    """Every CSV of the run's report: file stem → (row dataclass, rows)."""
    tables = simulation_tables(result.simulation)
    if result.prepared.routing is not None:
        tables.update(routing_tables(result.prepared.routing))
    if result.prepared.staffing is not None:
        tables.update(staffing_tables(result.prepared.staffing))
    tables["places"] = (PlaceRow, scenario_places(result.prepared.scenario))
    return tables


def summary(result: RunResult) -> dict[str, Any]:
    """The content of ``summary.json``: the simulation's summary and the stages section."""
    prepared = result.prepared
    scenario = prepared.scenario
    return {
        **summary_dict(result.simulation, __version__),
        "assumptions": {
            "description": scenario.description,
            "locality": scenario.locality,
            "start_date": scenario.start_date.isoformat(),
            "targets": scenario.targets.model_dump(mode="json"),
        },
        "stages": {
            "routing": prepared.routing is not None,
            "staffing": prepared.staffing is not None,
            "notes": list(prepared.notes),
            "warnings": list(prepared.warnings),
        },
    }


def write_folder(
    folder: Path,
    tables: Mapping[str, tuple[type, Sequence[Any]]],
    documents: Mapping[str, str],
    summary_content: Mapping[str, Any],
    pictures: Callable[[Path], None] | None = None,
) -> Path:
    """Write a folder atomically: CSV ``tables``, text ``documents``, ``summary.json``.

    ``pictures`` may draw files into the staging folder. Every command that writes a folder
    uses this (``summary.json`` names the package version, so a later run may replace it).
    """
    with atomic_folder(folder) as staging:
        for name, (row_type, rows) in tables.items():
            write_csv(staging / f"{name}.csv", row_type, rows)
        for name, text in documents.items():
            (staging / name).write_text(text, "utf-8")
        if pictures is not None:
            pictures(staging)
        content = {**summary_content, "package_version": __version__}
        (staging / "summary.json").write_text(
            json.dumps(content, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
    return folder


def write_report(
    result: RunResult, folder: Path, *, trace_dir: Path | None = None, maps: bool = True
) -> Path:
    """Write the run's report folder (atomic: built beside ``folder``, swapped in).

    ``trace_dir`` (where :func:`~tongban.pipeline.replicate` wrote the per-case traces)
    becomes the report's ``trace/``; ``maps=False`` leaves out the PNG maps (``report.html``
    is always written, with its interactive map).
    """
    plan = result.prepared.routing
    locality = result.prepared.scenario.locality
    tables = report_tables(result)
    content = summary(result)

    def pictures(staging: Path) -> None:
        if trace_dir is not None and trace_dir.exists():
            shutil.move(str(trace_dir), str(staging / "trace"))
        if maps and plan is not None:
            from routing.route_map import draw_route_map

            title = f"{plan.scenario}：EMS 揽收线路"
            names = {w.id: w.name for w in result.prepared.scenario.windows if w.name}
            draw_route_map(plan.chosen, staging / "routes.png", title, names)
        if maps and locality is not None:
            from geo.mapping import draw_locality_map

            draw_locality_map(locality, staging / "map.png")
        page(staging)

    def page(staging: Path) -> None:
        static = staging / "map.png"
        html = render_report(
            table_frames(tables),
            {**content, "package_version": __version__},  # as write_folder writes it
            routes_geojson(plan.chosen) if plan is not None else None,
            static_map=static.read_bytes() if static.exists() else None,
            draw_static_map=False,
        )
        (staging / "report.html").write_text(html, "utf-8")

    documents = routing_documents(plan) if plan is not None else {}
    return write_folder(folder, tables, documents, content, pictures)
