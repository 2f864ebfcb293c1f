"""Result tables as pandas DataFrames, for analysts and notebooks.

The report folder's CSV files and these frames carry the same columns (DESIGN.md §6), so a
notebook can work on a fresh :class:`~sim.results.SimulationResult` or on a folder written
earlier by ``tongban run`` alike.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from sim.results import SimulationResult

TABLES = (
    "turnaround",
    "windows",
    "staffing",
    "matter_staffing",
    "offices",
    "trips_saved",
    "pickups",
)


def tables(result: SimulationResult) -> dict[str, pd.DataFrame]:
    """Every row table of ``result`` as a DataFrame, keyed by its file's stem."""
    frames: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        rows = getattr(result, name)
        frames[name] = pd.DataFrame([dataclasses.asdict(row) for row in rows])
    return frames


def read_report(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The CSV tables of a report folder written by ``tongban run`` / ``tongban simulate``."""
    root = Path(folder)
    return {path.stem: pd.read_csv(path) for path in sorted(root.glob("*.csv"))}
