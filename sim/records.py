"""The per-case record that travels through the processes, its completion record, and the
optional Parquet trace.

Case ids do not depend on event order: a case first served at window ``w`` (0-based index)
as the ``n``-th applicant to arrive there (from 1) has id ``(w + 1) * CASE_ID_STRIDE + n``
(e.g. 3000000042: window 2, arrival 42); the ``n``-th case accepted elsewhere for one of our
offices (inbound) has id ``n``. A window task of the decomposed run (:mod:`sim.decomposed`)
therefore numbers its cases as the whole run does, and the id keys the case's random
streams (:class:`sim.seeds.CaseStreams`) and every tie-break (:mod:`sim.models.inbox`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

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


CASE_ID_STRIDE = 1_000_000_000  # arrivals numbered per window below this (module docstring)


def window_case_id(window: int, arrival: int) -> int:
    """The id of the ``arrival``-th (from 1) applicant at window index ``window``."""
    return (window + 1) * CASE_ID_STRIDE + arrival


def inbound_case_id(number: int) -> int:
    """The id of the ``number``-th (from 1) case accepted elsewhere for our offices."""
    return number


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
        "rounds",
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
        # the office rounds still to come (last first): office days, effort, 补正 days
        self.rounds: list[tuple[float, float | None, float | None]] = []

    def state(self) -> tuple[Any, ...]:
        """Every field but the repeat-visit draws and the rounds to come (none at a
        hand-over), ``nan`` as ``None``: comparable with
        ``==``, picklable, and back to a case with :meth:`from_state`."""
        return tuple(
            None if isinstance(v, float) and math.isnan(v) else v
            for v in (getattr(self, name) for name in _STATE_FIELDS)
        )

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> Case:
        """A case with the fields of :meth:`state` (no repeat-visit draws: visits are over)."""
        case = cls.__new__(cls)
        for name, value in zip(_STATE_FIELDS, state, strict=True):
            setattr(case, name, math.nan if value is None and name in _NAN_FIELDS else value)
        case.revisit = None
        case.rounds = []
        return case


_STATE_FIELDS = tuple(name for name in Case.__slots__ if name not in {"revisit", "rounds"})
_NAN_FIELDS = frozenset({"accepted", "completed", "decided", "km"})
STATE_INDEX = {name: i for i, name in enumerate(_STATE_FIELDS)}  # field → position in a state


class Completion(NamedTuple):
    """A finished case inside the statistics period: what the outcome and the trace need.

    ``working_days``: hand-in → result in hand; ``handling_days``: the handling office's
    acceptance (受理) → its decision (= ``working_days`` when nothing was decided apart).
    ``km``: one way home (``nan``: unknown).
    """

    case_id: int
    matter: int
    mode: str
    window: int
    office: int
    submitted: float
    completed: float
    working_days: int
    handling_days: int
    visits: int
    supplements: int
    km: float


class TraceWriter:
    """Per-case rows written to Parquet in chunks (bounded memory)."""

    def __init__(self, path: Path, chunk_rows: int = 50_000) -> None:
        self.path = path
        self.chunk_rows = chunk_rows
        self._rows: dict[str, list[Any]] = {c: [] for c in TRACE_COLUMNS}
        self._writer: Any = None

    def add(
        self, replication: int, done: Completion, matter_id: str, window_id: str, office_id: str
    ) -> None:
        """Append one finished case."""
        values = (
            replication,
            done.case_id,
            matter_id,
            done.mode,
            window_id,
            office_id,
            done.submitted,
            done.completed,
            done.working_days,
            done.visits,
            done.supplements,
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
