"""A succeeded run's ``report.html``, rebuilt from what the database stores.

The worker stores each report table as columns and JSON rows (:mod:`api.run_work`), the
summary and the routes GeoJSON; :func:`tongban.present.render_report` takes the same tables
as pandas DataFrames, so the service renders the page the report folder holds.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.models.runs import ResultTableRecord, RunRecord


def table_frame(columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    """One stored table as a DataFrame; a column with no value at all is numeric (NaN),
    as it is when the report's CSV is read back."""
    frame = pd.DataFrame(rows, columns=columns)
    for name in frame.columns:
        if frame[name].isna().all():
            frame[name] = frame[name].astype("float64")
    return frame


def run_frames(session: Session, run_id: int) -> dict[str, pd.DataFrame]:
    """Every stored table of the run: name → DataFrame."""
    query = (
        select(ResultTableRecord)
        .where(ResultTableRecord.run_id == run_id)
        .order_by(col(ResultTableRecord.name))
    )
    return {r.name: table_frame(r.columns, r.rows) for r in session.exec(query)}


def render_run_report(engine: Engine, run: RunRecord) -> bytes:
    """The run's ``report.html`` (UTF-8); ``run`` has succeeded."""
    from tongban.present import render_report  # matplotlib and friends: only when asked

    assert run.id is not None
    with Session(engine) as session:
        frames = run_frames(session, run.id)
    return render_report(frames, run.summary or {}, run.routes).encode("utf-8")
