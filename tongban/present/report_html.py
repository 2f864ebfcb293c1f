"""``report.html``: one self-contained page (no network) explaining a run.

Interface stub: the page's sections are filled in by the report work (issue 14). The map
container keeps ``id="map"`` so the planner page and its browser test can find it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd


def render_report(
    frames: Mapping[str, pd.DataFrame],
    summary: Mapping[str, Any],
    routes_geojson: Mapping[str, Any] | None = None,
) -> str:
    """The whole ``report.html`` text for a run.

    ``frames``: report file stem (``turnaround``, ``windows`` …) → its table;
    ``summary``: the content of ``summary.json``; ``routes_geojson``: ``routes.geojson``.
    """
    title = html.escape(str(summary.get("scenario", "tongban run")))
    sections = [
        f"<h2>{html.escape(name)}</h2>\n{frame.head(50).to_html(index=False)}"
        for name, frame in sorted(frames.items())
    ]
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>\n<h1>{title}</h1>\n"
        '<div id="map"></div>\n' + "\n".join(sections) + "\n</body></html>\n"
    )
