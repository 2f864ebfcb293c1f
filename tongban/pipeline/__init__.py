"""The one way to run a scenario: load → prepare (routing, staffing) → replicate → finish → report.

The CLI, the HTTP API and the notebooks all call these functions; see
:mod:`tongban.pipeline.stages` for the stages and :mod:`tongban.pipeline.report` for the
report folder.
"""

from tongban.pipeline.report import report_tables, write_report
from tongban.pipeline.stages import (
    PreparedRun,
    Progress,
    RunOptions,
    RunResult,
    finish,
    load,
    prepare,
    replicate,
    run,
)

__all__ = [
    "PreparedRun",
    "Progress",
    "RunOptions",
    "RunResult",
    "finish",
    "load",
    "prepare",
    "replicate",
    "report_tables",
    "run",
    "write_report",
]
