"""``tongban catalog``: list the national matters or a locality's overlay.

A rich table by default, ``--json`` for a JSON array with the catalog's field names (plus
``local_lead``, ``local_unit``, ``local_batch``, ``local_form`` for an overlay), and
``--summary`` for counts by batch, mode, category, handling level and limit basis.
Options are read as text and validated by the library so that a bad locality, batch or
mode ends as one line listing the valid values and exit code 2.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.catalog import (
    ISSUE_FIELDS,
    LOCAL_FIELDS,
    LOCALITIES,
    catalog_summary,
    check_locality,
    select_rows,
)

CONTRACT_FIELDS = (*ISSUE_FIELDS, *LOCAL_FIELDS)


def _table(rows: list[dict[str, Any]], locality: str) -> Table:
    local = locality != "national"
    table = Table(title=f"跨省通办 matters — {locality} ({len(rows)})", show_lines=False)
    table.add_column("id", no_wrap=True)
    if local:
        table.add_column("local", no_wrap=True)
    table.add_column("name", overflow="fold")
    table.add_column("lead" if not local else "local lead")
    if local:
        table.add_column("unit / form", overflow="fold")
    table.add_column("modes", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("limit", justify="right", no_wrap=True)
    for row in rows:
        limit = f"{row['limit_working_days']}{'' if _statutory(row) else '*'}"
        modes = ",".join(m if m != row["default_mode"] else f"[b]{m}[/b]" for m in row["modes"])
        cells = [row["id"]]
        if local:
            cells.append(f"{row['local_batch']}-{row.get('local_seq', 0):02d}")
        cells.append(escape(row["name"]))
        if local:
            cells.append(escape(row["local_lead"] or "—"))
            unit_form = " / ".join(v for v in (row["local_unit"], row["local_form"]) if v)
            cells.append(escape(unit_form or "—"))
        else:
            cells.append(escape(row["lead"]))
        cells += [modes, row["handling_level"], limit]
        table.add_row(*cells)
    table.caption = "limit: working days; * = assumption (see limit_basis); bold = default mode"
    return table


def _statutory(row: dict[str, Any]) -> bool:
    return not str(row["limit_basis"]).startswith("assumption:")


def catalog_command(
    locality: str = typer.Option(
        "national", "--locality", "-l", help=f"One of: {', '.join(LOCALITIES)}."
    ),
    batch: str | None = typer.Option(
        None, "--batch", "-b", help="1, 2 or 3 (the local plan's batch with --locality)."
    ),
    mode: str | None = typer.Option(None, "--mode", "-m", help="online, proxy or joint."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array instead of a table."),
    all_fields: bool = typer.Option(
        False,
        "--all-fields",
        help="With --json: also the extra fields (family, handling_basis, local_seq, …).",
    ),
    summary: bool = typer.Option(
        False, "--summary", help="Print counts by batch, mode, category, level and basis."
    ),
) -> None:
    """List the cross-province matters (national list or a local plan)."""
    check_locality(locality)
    rows = select_rows(locality, batch=batch, mode=mode)
    if summary:
        typer.echo(catalog_summary(locality))
        return
    if as_json:
        if not all_fields:  # the published contract: exactly the catalog's field names
            keep = ISSUE_FIELDS if check_locality(locality) == "national" else CONTRACT_FIELDS
            rows = [{name: row[name] for name in keep} for row in rows]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    console = Console()
    if not console.is_terminal:  # piped: do not squeeze the table into 80 columns
        console = Console(width=160)
    console.print(_table(rows, locality))


def register(app: typer.Typer) -> None:
    """Add ``tongban catalog`` to the root app."""
    app.command("catalog")(catalog_command)
