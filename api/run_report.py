"""A succeeded run's ``report.html``: rendered once, stored with the run, served as stored.

The worker stores each report table as columns and JSON rows (:mod:`api.run_work`), the
summary and the routes GeoJSON; :func:`tongban.present.render_report` takes the same tables
as pandas DataFrames, so the page is the one the report folder holds. The worker renders it
from the rows it is about to store (:func:`render_stored`) and stores it in the same commit
that marks the run succeeded (:class:`~api.models.runs.RunReportRecord`). A run finished
before pages were stored gets its page rendered from the database on the first request and
stored then (:func:`report_on_demand`, called in a thread, never on the event loop).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.models.runs import ResultTableRecord, RunRecord, RunReportRecord

#: A stored table: its columns and JSON rows, as :class:`ResultTableRecord` holds them.
StoredTable = tuple[list[str], list[list[Any]]]

#: One on-demand render at a time per process: the static map is drawn with pyplot, which is
#: not thread-safe, and a page a concurrent request has just stored is served instead.
_RENDERING = threading.Lock()


def table_frame(columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    """One stored table as a DataFrame; a column with no value at all is numeric (NaN),
    as it is when the report's CSV is read back."""
    frame = pd.DataFrame(rows, columns=columns)
    for name in frame.columns:
        if frame[name].isna().all():
            frame[name] = frame[name].astype("float64")
    return frame


def render_stored(
    tables: Mapping[str, StoredTable],
    summary: Mapping[str, Any] | None,
    routes: Mapping[str, Any] | None,
) -> bytes:
    """The ``report.html`` (UTF-8) of a run's stored tables (name → columns and JSON rows),
    its summary and its routes GeoJSON."""
    from tongban.present import render_report  # matplotlib and friends: only when asked

    frames = {name: table_frame(*tables[name]) for name in sorted(tables)}
    return render_report(frames, summary or {}, routes).encode("utf-8")


def render_run_report(engine: Engine, run: RunRecord) -> bytes:
    """The ``report.html`` of a succeeded run, from what the database stores."""
    assert run.id is not None
    with Session(engine) as session:
        query = select(ResultTableRecord).where(ResultTableRecord.run_id == run.id)
        tables = {r.name: (r.columns, r.rows) for r in session.exec(query)}
    return render_stored(tables, run.summary, run.routes)


def stored_report(engine: Engine, run_id: int) -> bytes | None:
    """The run's stored page, or None (not succeeded, or finished before pages were stored)."""
    with Session(engine) as session:
        page = session.get(RunReportRecord, run_id)
        return None if page is None else page.html


def store_report(engine: Engine, run_id: int, html: bytes) -> bytes:
    """Store the run's page; the page stored first when another process was quicker."""
    with Session(engine) as session:
        session.add(RunReportRecord(run_id=run_id, html=html))
        try:
            session.commit()
        except IntegrityError:  # another web process stored it meanwhile: serve that one
            session.rollback()
            stored = session.get(RunReportRecord, run_id)
            if stored is None:
                raise
            return stored.html
    return html


def report_on_demand(engine: Engine, run: RunRecord) -> bytes:
    """The page of a succeeded run that has none stored: rendered, stored, returned (blocks
    for seconds: call it in a thread)."""
    assert run.id is not None
    with _RENDERING:
        stored = stored_report(engine, run.id)
        if stored is not None:
            return stored
        return store_report(engine, run.id, render_run_report(engine, run))
