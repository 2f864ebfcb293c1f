"""Report tables (row dataclasses) as the DataFrames :func:`render_report` takes."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd


def table_frames(tables: Mapping[str, tuple[type, Sequence[Any]]]) -> dict[str, pd.DataFrame]:
    """File stem → DataFrame with the row type's columns (also for a table with no rows)."""
    frames = {}
    for name, (row_type, rows) in tables.items():
        columns = [f.name for f in dataclasses.fields(row_type)]
        records = [dataclasses.astuple(row) for row in rows]
        frames[name] = pd.DataFrame.from_records(records, columns=columns)
    return frames
