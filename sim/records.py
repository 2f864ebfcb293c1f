"""The per-case record that travels through the processes, and the optional Parquet trace."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.models.visits import VisitDraws

TRACE_COLUMNS = (
    "replication",
    "case_id",
    "matter_id",
    "mode",
    "window_id",
    "office_id",
    "submitted_minute",
    "completed_minute",
    "working_days",
    "window_visits",
    "supplements",
)


class Case:
    """One application (件) from first submission to result delivered.

    Times are simulation minutes. ``working_days`` is set on completion.
    """

    __slots__ = (
        "accepted",
        "completed",
        "decided",
        "home_code",
        "id",
        "km",
        "matter",
        "mode",
        "office",
        "revisit",
        "row",
        "second_visit",
        "service",
        "submitted",
        "supplements",
        "visit_arrival",
        "visits",
        "window",
        "working_days",
    )

    def __init__(
        self,
        case_id: int,
        matter: int,
        mode: str,
        window: int,
        submitted: float,
        service: float,
        row: int = 0,
    ) -> None:
        self.id = case_id
        self.matter = matter  # index into the compiled matter list
        self.mode = mode
        self.window = window  # index of the accepting window (-1: accepted elsewhere)
        self.submitted = submitted
        self.visit_arrival = submitted  # arrival time of the current window visit
        self.service = service  # window service minutes of the current visit
        self.row = row  # demand row at the window (for a repeat visit's service time)
        self.visits = 1
        self.revisit: VisitDraws | None = None  # repeat visits drawn on first arrival
        self.office = -1  # staffed office index, -1: an office elsewhere
        self.home_code: str | None = None
        self.km = math.nan
        self.supplements = 0
        # when the handling office last took in complete papers (受理: the statutory clock
        # starts here and restarts after a supplement request, 行政许可法 Art. 32)
        self.accepted = math.nan
        self.decided = math.nan  # when the handling office decided
        self.completed = math.nan
        self.working_days = -1
        self.second_visit = False  # coming back for the result (collection / certificate)


class TraceWriter:
    """Per-case rows written to Parquet in chunks (bounded memory)."""

    def __init__(self, path: Path, chunk_rows: int = 50_000) -> None:
        self.path = path
        self.chunk_rows = chunk_rows
        self._rows: dict[str, list[Any]] = {c: [] for c in TRACE_COLUMNS}
        self._writer: Any = None

    def add(
        self, replication: int, case: Case, matter_id: str, window_id: str, office_id: str
    ) -> None:
        """Append one finished case."""
        values = (
            replication,
            case.id,
            matter_id,
            case.mode,
            window_id,
            office_id,
            case.submitted,
            case.completed,
            case.working_days,
            case.visits,
            case.supplements,
        )
        for column, value in zip(TRACE_COLUMNS, values, strict=True):
            self._rows[column].append(value)
        if len(self._rows["case_id"]) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        """Write buffered rows as one row group."""
        if not self._rows["case_id"]:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table(self._rows)
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(str(self.path), table.schema)
        self._writer.write_table(table)
        self._rows = {c: [] for c in TRACE_COLUMNS}

    def close(self) -> None:
        """Flush and close the file."""
        self.flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
