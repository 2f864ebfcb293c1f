"""The one CSV writer: a table of typed rows (a dataclass per row) as a CSV file.

Field names of the row dataclass are the column names, in order. How cells are written is
declared where the row type is defined:

- the class attribute ``csv_dialect`` picks the table's style: ``"report"`` (the default:
  ``\\n`` line ends, floats with at most six decimals and no trailing zeros, NaN as an empty
  cell) or ``"excel"`` (``\\r\\n`` line ends, values as Python prints them — the style of the
  routing and staffing files, kept so reports stay byte-identical);
- a field's ``metadata={"format": SPEC}`` formats that column with ``format(value, SPEC)``
  (see :func:`formatted`).

Every cell a spreadsheet would read as a formula is escaped (see :func:`safe_cell`).
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPORT = "report"
EXCEL = "excel"
LINE_ENDS = {REPORT: "\n", EXCEL: "\r\n"}


def formatted(spec: str) -> dict[str, str]:
    """Field metadata: write this column with ``format(value, spec)`` (e.g. ``"g"``)."""
    return {"format": spec}


def report_cell(value: object) -> str:
    """A value in the ``report`` style: fixed float formatting, NaN as an empty cell."""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.6g}" if abs(value) >= 1e6 else f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def excel_cell(value: object) -> str:
    """A value in the ``excel`` style: as Python prints it (``None`` as an empty cell)."""
    return "" if value is None else str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """``text``, with a leading ``'`` when a spreadsheet would read it as a formula.

    Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are escaped
    (an id ``=HYPERLINK(...)`` stays text); plain numbers such as ``-1.5`` and a lone ``-``
    (no value) are left alone.
    """
    if not text.startswith(FORMULA_STARTS) or text == "-":  # a lone "-" means "none"
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


def csv_columns(row_type: type) -> list[str]:
    """The column names of a row dataclass."""
    return [f.name for f in dataclasses.fields(row_type)]


def write_csv(path: Path, row_type: type, rows: Sequence[Any]) -> Path:
    """Write ``rows`` (instances of the dataclass ``row_type``) as the CSV file ``path``."""
    dialect = getattr(row_type, "csv_dialect", REPORT)
    if dialect not in LINE_ENDS:
        raise ValueError(f"{row_type.__name__}.csv_dialect must be one of {sorted(LINE_ENDS)}")
    plain = report_cell if dialect == REPORT else excel_cell
    fields = dataclasses.fields(row_type)
    specs = [f.metadata.get("format") for f in fields]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator=LINE_ENDS[dialect])
        writer.writerow([f.name for f in fields])
        for row in rows:
            writer.writerow(
                [
                    safe_cell(plain(value) if spec is None else format(value, spec))
                    for value, spec in zip(
                        (getattr(row, f.name) for f in fields), specs, strict=True
                    )
                ]
            )
    return path
