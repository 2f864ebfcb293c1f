"""People-facing presentation of a run: the self-contained ``report.html``, charts and maps.

Built from plain tables (pandas DataFrames keyed by report file stem), the run's summary and
its routes GeoJSON, so the report folder writer and the service render the same page.
Modules: :mod:`~tongban.present.report_html` (the page), ``sections_run`` and
``sections_ems`` (its sections), :mod:`~tongban.present.charts` (matplotlib, inline PNG),
:mod:`~tongban.present.webmap` (folium on the vendored Leaflet), ``places`` (the names of
windows, offices and centres), ``regions`` (a multi-province run's halls and offices by
province and prefecture, and their map), ``labels`` and ``markup`` (Chinese labels, HTML
helpers).
"""

from tongban.present.frames import table_frames
from tongban.present.places import PlaceRow, scenario_places
from tongban.present.report_html import render_report

__all__ = ["PlaceRow", "render_report", "scenario_places", "table_frames"]
