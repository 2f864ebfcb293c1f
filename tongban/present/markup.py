"""Small HTML builders for the report: sections, tables, key–value lists, notes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from tongban.present.labels import esc

Column = tuple[str, str, Callable[[object], str]]  # (source column, header, formatter)


def section(anchor: str, title: str, explain: str, body: str) -> str:
    """A titled section with a plain-language explanation for a newcomer."""
    return (
        f'<section id="{esc(anchor)}">\n<h2>{esc(title)}</h2>\n'
        f'<p class="explain">{explain}</p>\n{body}\n</section>'
    )


def table(
    frame: pd.DataFrame,
    columns: Sequence[Column],
    *,
    flag: Callable[[pd.Series], bool] | None = None,
    numeric: Iterable[str] = (),
) -> str:
    """An HTML table of ``frame`` with Chinese headers; rows where ``flag`` holds are marked.

    Columns not shown as plain text (numbers, shares) are right-aligned, as are ``numeric``.
    """
    right = set(numeric) | {src for src, _, fmt in columns if fmt is not text}
    head = "".join(
        f'<th class="{"num" if src in right else ""}">{esc(title)}</th>'
        for src, title, _ in columns
    )
    rows = []
    for _, row in frame.iterrows():
        marked = ' class="flag"' if flag is not None and flag(row) else ""
        cells = "".join(
            f'<td class="{"num" if src in right else ""}">{fmt(row[src])}</td>'
            for src, _, fmt in columns
        )
        rows.append(f"<tr{marked}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def text(value: object) -> str:
    """Plain escaped text (a table formatter)."""
    return esc(value)


def facts(items: Sequence[tuple[str, str]]) -> str:
    """A definition list: label → already formatted value."""
    body = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in items)
    return f'<dl class="facts">{body}</dl>'


def bullet_list(items: Sequence[str], css: str = "") -> str:
    """A list of already formatted items (empty string when there are none)."""
    if not items:
        return ""
    klass = f' class="{css}"' if css else ""
    return f"<ul{klass}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def folded(summary: str, body: str) -> str:
    """Content a reader may unfold (long tables)."""
    return f"<details><summary>{esc(summary)}</summary>\n{body}\n</details>"
