"""Write a :class:`~sim.results.SimulationResult` as the report folder (``DESIGN.md`` §6).

Files are written to a temporary folder next to the destination and moved into place only
when everything succeeded, so a failed run never leaves a partial report. CSVs are written
with fixed float formatting so the same seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sim.results import SimulationResult
from tongban.kernel.errors import InputError

CSV_FILES = {
    "turnaround.csv": "turnaround",
    "windows.csv": "windows",
    "staffing.csv": "staffing",
    "matter_staffing.csv": "matter_staffing",
    "offices.csv": "offices",
    "trips_saved.csv": "trips_saved",
    "pickups.csv": "pickups",
}


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.6g}" if abs(value) >= 1e6 else f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def write_rows(path: Path, row_type: type, rows: Sequence[Any]) -> None:
    """One CSV with the dataclass field names as header."""
    columns = [f.name for f in dataclasses.fields(row_type)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(getattr(row, c)) for c in columns])


def summary_dict(result: SimulationResult, version: str) -> dict[str, Any]:
    """The content of ``summary.json``."""
    return {
        "scenario": result.scenario,
        "seed": result.seed,
        "replications": result.replications,
        "cases": result.cases,
        "censored": result.censored,  # unfinished when the run stopped (0: nothing cut off)
        "started": result.started,
        "finished": result.finished,
        "package_version": version,
        "days": result.days,
        "warmup_days": result.warmup_days,
        "accounting": [dataclasses.asdict(a) for a in result.accounting],
        "notes": result.notes,
    }


def write_tables(folder: Path, result: SimulationResult, version: str) -> None:
    """Write every simulation file into an existing folder."""
    from sim import results as result_types

    row_types = {
        "turnaround": result_types.TurnaroundRow,
        "windows": result_types.WindowRow,
        "staffing": result_types.StaffingRow,
        "matter_staffing": result_types.MatterStaffingRow,
        "offices": result_types.OfficeRow,
        "trips_saved": result_types.TripsRow,
        "pickups": result_types.PickupRow,
    }
    for filename, attribute in CSV_FILES.items():
        write_rows(folder / filename, row_types[attribute], getattr(result, attribute))
    (folder / "summary.json").write_text(
        json.dumps(summary_dict(result, version), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )


def is_report_folder(folder: Path) -> bool:
    """``folder`` holds a report tongban wrote (its ``summary.json`` names the package)."""
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(summary, dict) and "package_version" in summary


def check_destination(destination: Path) -> None:
    """Refuse an output folder whose contents a report would destroy.

    A report replaces its destination whole, so the destination must be missing, empty, or
    a report folder tongban wrote earlier — never a folder holding anything else.
    """
    if not destination.exists():
        _check_writable_parent(destination)
        return
    if not destination.is_dir():
        raise InputError(f"--out {destination} exists and is not a folder", field="out")
    if any(destination.iterdir()) and not is_report_folder(destination):
        raise InputError(
            f"--out {destination} is not empty and is not a tongban report folder "
            "(no summary.json written by tongban); choose a new or empty folder",
            field="out",
        )


def _check_writable_parent(destination: Path) -> None:
    """The folder that will hold ``destination`` exists (or can be made) and takes writes."""
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        probe = Path(tempfile.mkdtemp(prefix=f".{destination.name}-probe-", dir=destination.parent))
        probe.rmdir()
    except OSError as exc:
        raise InputError(
            f"--out {destination}: cannot write there ({exc.strerror or exc})", field="out"
        ) from None


@contextmanager
def atomic_folder(destination: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success replace ``destination`` with it.

    ``destination`` must pass :func:`check_destination` (checked before any work).
    """
    destination = destination.resolve()
    check_destination(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}-", dir=destination.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a report is an ordinary folder
    if destination.exists():
        backup = destination.with_name(f".{destination.name}-old")
        shutil.rmtree(backup, ignore_errors=True)
        destination.rename(backup)
        staging.rename(destination)
        shutil.rmtree(backup, ignore_errors=True)
    else:
        staging.rename(destination)


def write_report(
    destination: Path,
    result: SimulationResult,
    version: str,
    extra: Callable[[Path], None] | None = None,
) -> Path:
    """Write the report folder atomically; ``extra`` may add files (routing, staffing)."""
    with atomic_folder(destination) as staging:
        write_tables(staging, result, version)
        if extra is not None:
            extra(staging)
    return destination
