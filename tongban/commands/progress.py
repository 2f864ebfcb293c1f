"""A rich progress bar on stderr for the pipeline's stages (``run``, ``simulate``, ``sweep``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from tongban.pipeline import Progress as ProgressCallback

STAGE_LABELS = {
    "routing": "planning routes",
    "staffing": "planning staff",
    "prepare": "preparing the points of",
}


@contextmanager
def stage_progress(scenario: str, quiet: bool = False) -> Iterator[ProgressCallback]:
    """A transient bar per stage (with ETA), as a pipeline ``(stage, done, total)`` callback.

    The bar appears at the first report only, so an input error found before any stage
    starts (compiling the scenario) is the only line on stderr. ``quiet``: no bar at all.
    """
    if quiet:
        yield lambda stage, done, total: None
        return
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int) -> None:
        if not tasks:
            bar.start()
        if stage not in tasks:
            label = STAGE_LABELS.get(stage, "simulating")
            tasks[stage] = bar.add_task(f"{label} {scenario}", total=None)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        yield update
    finally:
        if tasks:
            bar.stop()
