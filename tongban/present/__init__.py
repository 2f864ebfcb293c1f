"""People-facing presentation of a run: the self-contained ``report.html``, charts and maps.

Built from plain tables (pandas DataFrames keyed by report file stem), the run's summary and
its routes GeoJSON, so the report folder writer and the service render the same page.
"""

from tongban.present.report_html import render_report

__all__ = ["render_report"]
